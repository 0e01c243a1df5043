/* What /metrics tells the operator, in Prometheus text format: requests by route and
 * status (every route inside a case under one name), a latency histogram, cases by
 * state, and the store's commits and flushes. Case states are read from the store once
 * at start, on a thread of its own, and kept current by the routes meanwhile and after:
 * the count never overwrites a state a route has set (the route's is newer). The count
 * reads the summaries the case layer keeps with each case (nk_store_summary_page, a page
 * at a time), the state the mediator's briefing shows, and folds the log only of a case
 * from before summaries, which has none until its next change. */
#include "server/server_impl.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct case_slot {
	char id[NK_CASE_ID_MAX];
	enum nk_case_state state;
};

static const unsigned metric_statuses[METRIC_STATUSES - 1] = {
	200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 414, 415, 429, 431, 500, 503,
};

/* Upper bounds of the latency buckets, microseconds. */
static const int64_t metric_bounds_us[METRIC_BUCKETS] = {
	500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 250000, 500000, 1000000, 2500000,
};

static size_t status_index(unsigned status)
{
	for (size_t i = 0; i < METRIC_STATUSES - 1; i++)
		if (metric_statuses[i] == status)
			return i;
	return METRIC_STATUSES - 1;	/* any other */
}

static size_t slot_of(const struct server_metrics *m, const char *id)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *p = id; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	return (size_t)(h % m->cases_cap);
}

/* Inserts or updates (only inserts unless overwrite); grows the table at half full.
 * Caller holds cases_mu. */
static bool set_state(struct server_metrics *m, const char *id, enum nk_case_state state,
		      bool overwrite)
{
	size_t i;

	if (2 * (m->cases_used + 1) > m->cases_cap) {
		struct server_metrics grown = *m;

		grown.cases_cap = m->cases_cap ? 2 * m->cases_cap : 1024;
		grown.cases = calloc(grown.cases_cap, sizeof(grown.cases[0]));
		if (!grown.cases)
			return false;
		grown.cases_used = 0;
		memset(grown.by_state, 0, sizeof(grown.by_state));
		for (size_t k = 0; k < m->cases_cap; k++)
			if (m->cases[k].id[0])
				set_state(&grown, m->cases[k].id, m->cases[k].state, true);
		free(m->cases);
		m->cases = grown.cases;
		m->cases_cap = grown.cases_cap;
		m->cases_used = grown.cases_used;
	}
	for (i = slot_of(m, id); m->cases[i].id[0]; i = (i + 1) % m->cases_cap)
		if (strcmp(m->cases[i].id, id) == 0) {
			if (!overwrite)
				return true;
			m->by_state[m->cases[i].state]--;
			m->cases[i].state = state;
			m->by_state[state]++;
			return true;
		}
	snprintf(m->cases[i].id, sizeof(m->cases[i].id), "%s", id);
	m->cases[i].state = state;
	m->by_state[state]++;
	m->cases_used++;
	return true;
}

void metrics_case_state(struct server_metrics *m, const char *case_id,
			enum nk_case_state state)
{
	pthread_mutex_lock(&m->cases_mu);
	(void)set_state(m, case_id, state, true);
	pthread_mutex_unlock(&m->cases_mu);
}

static bool count_stopped(struct server_metrics *m)
{
	bool stop;

	pthread_mutex_lock(&m->cases_mu);
	stop = m->count_stop;
	pthread_mutex_unlock(&m->cases_mu);
	return stop;
}

/* The state a summary names, or false for a word it does not know. */
static bool state_of(const char *word, enum nk_case_state *state)
{
	for (int s = NK_STATE_OPEN; s <= NK_STATE_CLOSED; s++)
		if (strcmp(word, nk_case_state_name((enum nk_case_state)s)) == 0) {
			*state = (enum nk_case_state)s;
			return true;
		}
	return false;
}

/* Counts case id from its log, folded as the mediator's briefing (b is scratch). */
static enum nk_status count_folded(struct server_metrics *m, const struct nk_case_env *env,
				   const char *id, struct nk_brief *b, struct nk_error *err)
{
	enum nk_status rc = nk_case_brief(env, id, NK_MEDIATOR, b, err);

	if (rc == NK_OK) {
		pthread_mutex_lock(&m->cases_mu);
		(void)set_state(m, id, b->state, false);
		pthread_mutex_unlock(&m->cases_mu);
	} else if (rc == NK_ECORRUPT) {
		/* One damaged case must not keep the server from serving the others; each
		 * request to it is refused with the same reason. */
		fprintf(stderr, "nakodo serve: case %s is not counted: %s: %s\n", id, err->field,
			err->text);
		rc = NK_OK;
	}
	return rc;
}

/* One page of summaries after the case named after, into page[NK_SUMMARY_PAGE_MAX]. */
static enum nk_status summary_page(const struct nk_case_env *env, const char *after,
				   struct nk_case_summary *page, size_t *count,
				   struct nk_error *err)
{
	enum nk_status rc = nk_store_begin_read(env->store, err);

	if (rc != NK_OK)
		return rc;
	rc = nk_store_summary_page(env->store, after, NK_SUMMARY_PAGE_MAX, page, count, err);
	nk_store_rollback(env->store);
	return rc;
}

/* Reads every stored case's state, newest first, adding those no route has set
 * meanwhile; stops early when asked. */
static enum nk_status count_cases(struct server_metrics *m, const struct nk_case_env *env,
				  struct nk_error *err)
{
	struct nk_case_summary *page = calloc(NK_SUMMARY_PAGE_MAX, sizeof(*page));
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	char after[NK_CASE_ID_MAX] = "";
	enum nk_case_state state;
	enum nk_status rc = NK_OK;
	size_t count = NK_SUMMARY_PAGE_MAX;

	if (!page || !b) {
		rc = nk_fail(err, NK_ENOMEM, "metrics", "out of memory");
		goto out;
	}
	while (rc == NK_OK && count == NK_SUMMARY_PAGE_MAX && !count_stopped(m)) {
		if ((rc = summary_page(env, after, page, &count, err)) != NK_OK)
			break;
		for (size_t i = 0; i < count && rc == NK_OK; i++) {
			if (page[i].kept && state_of(page[i].state, &state)) {
				pthread_mutex_lock(&m->cases_mu);
				(void)set_state(m, page[i].case_id, state, false);
				pthread_mutex_unlock(&m->cases_mu);
			} else {
				rc = count_folded(m, env, page[i].case_id, b, err);
			}
		}
		if (count > 0)
			snprintf(after, sizeof(after), "%s", page[count - 1].case_id);
	}
out:
	if (b)
		sodium_free(b);
	free(page);
	return rc;
}

static void counted(struct server_metrics *m)
{
	pthread_mutex_lock(&m->cases_mu);
	m->counted = true;
	pthread_cond_broadcast(&m->counted_cv);
	pthread_mutex_unlock(&m->cases_mu);
}

enum nk_status metrics_init(struct server_metrics *m, size_t routes,
			    const struct nk_case_env *env, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->cases_mu, NULL);
	pthread_cond_init(&m->counted_cv, NULL);
	m->routes = routes;
	m->requests = calloc((routes + 1) * METRIC_STATUSES, sizeof(m->requests[0]));
	if (!m->requests)
		return nk_fail(err, NK_ENOMEM, "metrics", "out of memory");
	if (env && (rc = count_cases(m, env, err)) == NK_OK)
		counted(m);
	return rc;
}

struct count_job {
	struct nk_server *srv;
	struct nk_store *store;
};

static void *counter(void *arg)
{
	struct count_job *job = arg;
	struct nk_server *srv = job->srv;
	struct nk_case_env env = { .store = job->store, .signer = srv->cfg.signer };
	struct nk_error err = { 0 };

	if (count_cases(&srv->metrics, &env, &err) != NK_OK)
		fprintf(stderr, "nakodo serve: the cases by state could not be counted: %s: %s\n",
			err.field, err.text);
	nk_store_close(job->store);
	free(job);
	counted(&srv->metrics);
	return NULL;
}

enum nk_status metrics_count_start(struct nk_server *srv, struct nk_error *err)
{
	struct count_job *job = calloc(1, sizeof(*job));
	enum nk_status rc;

	if (!job)
		return nk_fail(err, NK_ENOMEM, "metrics", "out of memory");
	job->srv = srv;
	rc = nk_store_open_grouped(&job->store, srv->cfg.db, 0, srv->group, err);
	if (rc == NK_OK && pthread_create(&srv->metrics.counter, NULL, counter, job) != 0)
		rc = nk_fail(err, NK_ENOMEM, "metrics", "could not start the counting thread");
	if (rc != NK_OK) {
		nk_store_close(job->store);
		free(job);
		return rc;
	}
	srv->metrics.count_started = true;
	return NK_OK;
}

void metrics_count_stop(struct server_metrics *m)
{
	if (!m->count_started)
		return;
	pthread_mutex_lock(&m->cases_mu);
	m->count_stop = true;
	pthread_cond_broadcast(&m->counted_cv);
	pthread_mutex_unlock(&m->cases_mu);
	pthread_join(m->counter, NULL);
	m->count_started = false;
}

void metrics_free(struct server_metrics *m)
{
	metrics_count_stop(m);
	pthread_cond_destroy(&m->counted_cv);
	free(m->requests);
	free(m->cases);
	pthread_mutex_destroy(&m->cases_mu);
	memset(m, 0, sizeof(*m));
}

/* One bucket a request, the one its duration falls in (latency[METRIC_BUCKETS]: beyond the
 * last bound), and the sum: three atomic adds on lines every thread shares, where a
 * cumulative histogram took up to fifteen. The render sums the buckets up. */
void metrics_request(struct server_metrics *m, size_t route, unsigned status, int64_t us)
{
	size_t bucket = 0;

	while (bucket < METRIC_BUCKETS && us > metric_bounds_us[bucket])
		bucket++;
	atomic_fetch_add_explicit(&m->requests[route * METRIC_STATUSES + status_index(status)], 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency[bucket], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, (uint_fast64_t)us, memory_order_relaxed);
}

/* Every route inside a case (figures, extensions, answers, deposits, messages, reads
 * …) is counted under one name, so that the metrics never say which kind of action a
 * case saw: with few cases open, a count of extensions or withdrawals would name them. */
#define CASE_ROUTES "/v1/cases/{id}/*"

static bool in_case(size_t route)
{
	static const char prefix[] = "/v1/cases/{id}";

	return strncmp(server_routes[route].path, prefix, sizeof(prefix) - 1) == 0;
}

/* One row per status of route (m->routes: unmatched; m->routes + 1: every route in a
 * case, summed). */
static void render_row(FILE *f, struct server_metrics *m, size_t route, const char *method,
		       const char *path)
{
	for (size_t s = 0; s < METRIC_STATUSES; s++) {
		uint64_t n = 0;
		char status[8] = "other";

		if (route <= m->routes)
			n = atomic_load(&m->requests[route * METRIC_STATUSES + s]);
		else
			for (size_t r = 0; r < m->routes; r++)
				if (in_case(r))
					n += atomic_load(&m->requests[r * METRIC_STATUSES + s]);
		if (n == 0)
			continue;
		if (s < METRIC_STATUSES - 1)
			snprintf(status, sizeof(status), "%u", metric_statuses[s]);
		fprintf(f, "nakodo_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
			method, path, status, (unsigned long long)n);
	}
}

char *metrics_render(struct server_metrics *m, struct nk_store_group *group)
{
	char *text = NULL;
	size_t size = 0;
	uint64_t commits = 0, flushes = 0, below;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	fputs("# HELP nakodo_requests_total Requests answered, by route and status; every "
	      "route inside a case counts as one.\n"
	      "# TYPE nakodo_requests_total counter\n", f);
	for (size_t r = 0; r <= m->routes; r++)
		if (r == m->routes || !in_case(r))
			render_row(f, m, r, r < m->routes ? server_routes[r].method : "",
				   r < m->routes ? server_routes[r].path : "unmatched");
	render_row(f, m, m->routes + 1, "", CASE_ROUTES);
	fputs("# HELP nakodo_request_duration_seconds Time from a request's arrival to its answer.\n"
	      "# TYPE nakodo_request_duration_seconds histogram\n", f);
	below = 0;	/* the buckets are kept apart (metrics_request): summed here */
	for (size_t i = 0; i < METRIC_BUCKETS; i++) {
		below += atomic_load_explicit(&m->latency[i], memory_order_relaxed);
		fprintf(f, "nakodo_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			(double)metric_bounds_us[i] / 1e6, (unsigned long long)below);
	}
	below += atomic_load_explicit(&m->latency[METRIC_BUCKETS], memory_order_relaxed);
	fprintf(f, "nakodo_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
		"nakodo_request_duration_seconds_sum %.6f\nnakodo_request_duration_seconds_count %llu\n",
		(unsigned long long)below, (double)atomic_load(&m->latency_sum_us) / 1e6,
		(unsigned long long)below);
	fputs("# HELP nakodo_cases Cases by state.\n# TYPE nakodo_cases gauge\n", f);
	pthread_mutex_lock(&m->cases_mu);
	while (!m->counted && !m->count_stop)	/* the start-up count is not done */
		pthread_cond_wait(&m->counted_cv, &m->cases_mu);
	for (int s = NK_STATE_OPEN; s <= NK_STATE_CLOSED; s++)
		fprintf(f, "nakodo_cases{state=\"%s\"} %llu\n", nk_case_state_name((enum nk_case_state)s),
			(unsigned long long)m->by_state[s]);
	pthread_mutex_unlock(&m->cases_mu);
	nk_store_group_counts(group, &commits, &flushes);
	fprintf(f, "# HELP nakodo_store_commits_total Durable write transactions.\n"
		"# TYPE nakodo_store_commits_total counter\nnakodo_store_commits_total %llu\n"
		"# HELP nakodo_store_flushes_total Disk flushes of the log (one per group of commits).\n"
		"# TYPE nakodo_store_flushes_total counter\nnakodo_store_flushes_total %llu\n",
		(unsigned long long)commits, (unsigned long long)flushes);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
