/* The relay of a blind case (doc/blind.md, "The relay"): the two parties' clients pass
 * each other the protocol's messages through the server, which holds them in memory,
 * opaque (the channel encrypts them end to end), for the recipient to fetch. Losing them
 * (a restart) only means a retry of the round: nothing here is durable, nothing is
 * logged. Every bound is fixed: cases relayed at once, messages and bytes waiting per
 * direction, the size of one message. A case's messages are wiped when its round moves
 * on, when their sender starts over (its message number 1), once the recipient has
 * acknowledged them (?after=), and when the case's slot is freed: its case no longer
 * open, or the slot idle long enough (shorter when nothing waits in it). One client
 * address takes at most RELAY_PER_ADDRESS slots, so that whoever opens many blind cases
 * (a mediator's token opens cases) cannot hold every slot by keeping a message waiting
 * in each. */
#include "server/server_impl.h"

#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct relay_msg {
	uint32_t seq;
	size_t len;
	uint8_t *data;
	uint64_t poster;	/* the address key of the client that posted it */
};

/* The messages waiting for one recipient, in order, and the last number posted to it. */
struct relay_box {
	struct relay_msg q[RELAY_QUEUE];
	size_t n, bytes;
	uint32_t last_seq;
	uint32_t epoch;		/* how often the sender started over (its message 1) */
	uint64_t posted;	/* messages posted to it: a waiting read's news */
};

struct relay_slot {
	char case_id[NK_CASE_ID_MAX];	/* "" when free */
	int round;
	int64_t used_ms;
	uint64_t owner;		/* the address key of the client that took the slot */
	struct relay_box box[2];	/* by the recipient's role: NK_CLAIMANT, NK_PAYER */
};

struct blind_relay {
	pthread_mutex_t mu;
	struct relay_slot slot[RELAY_CASES];
	/* How many times a case's round or the case itself ended here (relay_outcome,
	 * relay_forget, or a post that moved a slot to the next round, slot_for): a read
	 * that waits compares it when it is held, so that an end it raced with (after its
	 * check of the case, before its hold) answers it at once. Any case's end counts: a
	 * read answered early for another case's only reads again. */
	uint64_t ends;
};

/* NULL in the command; a test executable (tests/support/test_hooks.c) pauses a read of
 * the round's end there, between its check of the case and its look at the relay, so
 * that a test can make the round end in between. */
void (*relay_test_read_pause)(void);

/* The POST's body is the message itself, raw (route_raw_body): no member to decode. */
const struct field_spec relay_fields[] = {
	{ NULL, FIELD_INT, false },
};

enum nk_status relay_init(struct nk_server *srv, struct nk_error *err)
{
	if (!(srv->relay = calloc(1, sizeof(*srv->relay))))
		return nk_fail(err, NK_ENOMEM, "relay", "out of memory");
	pthread_mutex_init(&srv->relay->mu, NULL);
	return NK_OK;
}

static void box_drop(struct relay_box *b, size_t count)
{
	for (size_t i = 0; i < count && i < b->n; i++) {
		sodium_memzero(b->q[i].data, b->q[i].len);
		free(b->q[i].data);
		b->bytes -= b->q[i].len;
	}
	if (count > b->n)
		count = b->n;
	memmove(b->q, b->q + count, (b->n - count) * sizeof(b->q[0]));
	b->n -= count;
	memset(b->q + b->n, 0, (RELAY_QUEUE - b->n) * sizeof(b->q[0]));
}

static void slot_wipe(struct relay_slot *s, bool forget)
{
	for (int r = 0; r < 2; r++) {
		box_drop(&s->box[r], RELAY_QUEUE);
		s->box[r].last_seq = 0;
	}
	if (forget)
		memset(s, 0, sizeof(*s));
}

void relay_free(struct nk_server *srv)
{
	if (!srv->relay)
		return;
	for (int i = 0; i < RELAY_CASES; i++)
		slot_wipe(&srv->relay->slot[i], true);
	pthread_mutex_destroy(&srv->relay->mu);
	free(srv->relay);
	srv->relay = NULL;
}

/* Whether another case may take slot s: unused, idle long, or idle a while with nothing
 * waiting in it (its clients have stopped: a new run starts its directions over). */
static bool slot_free(const struct relay_slot *s, int64_t now)
{
	return !s->case_id[0] || now - s->used_ms > RELAY_IDLE_MS ||
	       (s->box[0].n == 0 && s->box[1].n == 0 && now - s->used_ms > RELAY_EMPTY_IDLE_MS);
}

enum slot_refusal { SLOT_OK, SLOT_FULL, SLOT_SHARE, SLOT_PAST, SLOT_MOVED };

/* For a message: the case's slot, set to round (its messages of another round wiped), or
 * a free one taken for it by the client at address key owner; NULL when it may not (*why:
 * every slot busy, the address holding its share, or the slot serving a later round).
 * Under mu. */
static struct relay_slot *slot_for(struct blind_relay *rl, const char *id, int round,
				   uint64_t owner, enum slot_refusal *why)
{
	struct relay_slot *found = NULL, *spare = NULL;
	int64_t now = nk_time_now_ms();
	int held = 0;

	for (int i = 0; i < RELAY_CASES && !found; i++) {
		struct relay_slot *s = &rl->slot[i];

		if (strcmp(s->case_id, id) == 0)
			found = s;
		else if (slot_free(s, now))
			spare = spare ? spare : s;
		else if (s->owner == owner)
			held++;
	}
	*why = found ? SLOT_OK : held >= RELAY_PER_ADDRESS ? SLOT_SHARE
	       : !spare ? SLOT_FULL : SLOT_OK;
	if (!found && *why == SLOT_OK) {
		slot_wipe(spare, true);
		snprintf(spare->case_id, sizeof(spare->case_id), "%s", id);
		spare->round = round;
		spare->owner = owner;
		found = spare;
	}
	if (found && found->round > round) {
		/* a message of a round that ended between its check and here: moving the slot
		 * back would wipe the next round's messages (as relay_outcome, only forward) */
		*why = SLOT_PAST;
		return NULL;
	}
	if (found && found->round != round) {	/* the round moved on: nothing of it stays */
		slot_wipe(found, false);
		found->round = round;
		rl->ends++;	/* and a read still waiting in the old one answers (relay_put) */
		*why = SLOT_MOVED;
	}
	if (found)
		found->used_ms = now;
	return found;
}

/* The case's slot while it serves round (a read never moves a slot's round: a read
 * answered late must not wipe a newer round's messages), or NULL. Under mu. */
static struct relay_slot *slot_find(struct blind_relay *rl, const char *id, int round)
{
	for (int i = 0; i < RELAY_CASES; i++)
		if (strcmp(rl->slot[i].case_id, id) == 0)
			return rl->slot[i].round == round ? &rl->slot[i] : NULL;
	return NULL;
}

/* Frees the slot of a case that is no longer open, its messages wiped. */
static void relay_forget(struct blind_relay *rl, const char *id)
{
	pthread_mutex_lock(&rl->mu);
	for (int i = 0; i < RELAY_CASES; i++)
		if (strcmp(rl->slot[i].case_id, id) == 0)
			slot_wipe(&rl->slot[i], true);
	rl->ends++;
	pthread_mutex_unlock(&rl->mu);
}

static uint64_t relay_ends(struct blind_relay *rl)
{
	uint64_t n;

	pthread_mutex_lock(&rl->mu);
	n = rl->ends;
	pthread_mutex_unlock(&rl->mu);
	return n;
}

/* A side that gave its outcome first waits for the round's end in a held read of its
 * box (?round=, relay_get): once an outcome ended the round or the case, the case's held
 * reads answer, with nothing (a read about to be held then answers at once:
 * relay_unchanged finds its box gone with the round). */
static void outcome_wake(struct nk_server *srv, const char *id)
{
	relay_wake(srv, id, NK_CLAIMANT);
	relay_wake(srv, id, NK_PAYER);
}

enum nk_status relay_outcome(struct route_call *call, enum nk_status rc)
{
	const char *state = json_string_value(json_object_get(call->reply, "state"));
	json_int_t round = json_integer_value(json_object_get(call->reply, "round"));
	struct blind_relay *rl = call->srv->relay;
	const char *id = call->case_id;
	bool still = false;

	if (rc != NK_OK)
		return rc;
	if (!state || strcmp(state, nk_case_state_name(NK_STATE_OPEN)) != 0) {
		relay_forget(rl, id);
		outcome_wake(call->srv, id);
		return rc;
	}
	pthread_mutex_lock(&rl->mu);
	for (int i = 0; i < RELAY_CASES; i++) {
		struct relay_slot *s = &rl->slot[i];

		if (strcmp(s->case_id, id) != 0)
			continue;
		/* only forward: an answer late from an earlier round (the other side's outcome
		 * concluded it and its client already posts the next) must not wipe the next */
		if (s->round < round) {
			slot_wipe(s, false);
			s->round = (int)round;
		} else {
			still = true;	/* the round goes on: its reads wait on */
		}
	}
	if (!still)
		rl->ends++;	/* the round ended (with no slot of it, or its slot moved on) */
	pthread_mutex_unlock(&rl->mu);
	if (!still)
		outcome_wake(call->srv, id);
	return rc;
}

/* The bytes waiting in every slot. Under mu. */
static size_t relay_bytes(const struct blind_relay *rl)
{
	size_t n = 0;

	for (int i = 0; i < RELAY_CASES; i++)
		n += rl->slot[i].box[0].bytes + rl->slot[i].box[1].bytes;
	return n;
}

/* The bytes waiting that the client at address key poster posted, in any slot: each
 * party's posts count against its own address, not the one that took the slot. Under mu. */
static size_t poster_bytes(const struct blind_relay *rl, uint64_t poster)
{
	size_t n = 0;

	for (int i = 0; i < RELAY_CASES; i++)
		for (int r = 0; rl->slot[i].case_id[0] && r < 2; r++)
			for (size_t m = 0; m < rl->slot[i].box[r].n; m++)
				if (rl->slot[i].box[r].q[m].poster == poster)
					n += rl->slot[i].box[r].q[m].len;
	return n;
}

/* The case must be blind, open, in round (0: any), and both parties joined with keys. */
static enum nk_status check_case(struct route_call *call, enum nk_role role, int round,
				 int *open_round, struct nk_error *err)
{
	struct nk_brief *b = &call->worker->brief;
	enum nk_status rc = nk_case_brief(&call->env, call->case_id, role, b, err);

	if (rc != NK_OK)
		return rc;
	if (!b->rules.blind)
		rc = nk_fail(err, NK_EREFUSED, "case", "this case is not blind: its figures go to "
			     "the go-between (POST …/figures)");
	else if (b->state != NK_STATE_OPEN) {
		relay_forget(call->srv->relay, call->case_id);	/* its slot is free at once */
		rc = nk_fail(err, NK_EREFUSED, "case", "the case is %s: no round to compute",
			     nk_case_state_name(b->state));
	}
	else if (!b->joined[NK_CLAIMANT] || !b->joined[NK_PAYER])
		rc = nk_fail(err, NK_EREFUSED, "join", "both parties join the case with their "
			     "keys before its first blind round (nakodo join)");
	else if (round && round != b->round)
		rc = nk_fail(err, NK_EREFUSED, "round", "the open round is %d, not %d", b->round,
			     round);
	*open_round = b->round;
	sodium_memzero(b, sizeof(*b));
	return rc;
}

static enum nk_role role_of(const struct route_call *call)
{
	return strcmp(call->caller->role, "payer") == 0 ? NK_PAYER : NK_CLAIMANT;
}

/* A number of the query (?round=, ?seq=), 1 to max, or a refusal naming it. */
static enum nk_status query_number(const struct route_call *call, const char *name,
				   uint64_t max, uint64_t *out, struct nk_error *err)
{
	const char *text = MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND, name);

	if (!nk_relay_number(text, max, out) || *out < 1)
		return nk_fail(err, NK_EINVAL, name, "?%s= is a number from 1 to %llu", name,
			       (unsigned long long)max);
	return NK_OK;
}

enum nk_status relay_put(struct route_call *call, struct nk_error *err)
{
	const enum nk_role role = role_of(call);
	const uint64_t poster = auth_address_key(call->srv, call->peer);
	uint64_t round = 0, seq = 0;
	size_t len = call->raw_len, cap = len, gone = 0, gone_mine = 0;
	struct relay_slot *s;
	struct relay_box *box;
	uint8_t *data;
	int open_round;
	enum slot_refusal why;
	enum nk_status rc;
	bool restart;

	if ((rc = query_number(call, "round", NK_ROUNDS_MAX, &round, err)) != NK_OK ||
	    (rc = query_number(call, "seq", RELAY_SEQ_MAX, &seq, err)) != NK_OK)
		return rc;
	if (len == 0 || len > RELAY_MESSAGE_MAX)	/* more is refused before it is read */
		return nk_fail(err, NK_EINVAL, "body", "a relayed message is 1 to %u bytes of %s",
			       RELAY_MESSAGE_MAX, NK_RELAY_CONTENT_TYPE);
	if ((rc = check_case(call, role, (int)round, &open_round, err)) != NK_OK)
		return rc;
	restart = seq == 1;
	if (!(data = malloc(len)))
		return nk_fail(err, NK_ENOMEM, "body", "out of memory");
	memcpy(data, call->raw, len);
	pthread_mutex_lock(&call->srv->relay->mu);
	s = slot_for(call->srv->relay, call->case_id, (int)round, poster, &why);
	box = s ? &s->box[!role] : NULL;
	/* Message 1: the sender starts over, and what it sent before is void once this one
	 * is taken (the bounds below count the box as emptied); a refused one changes
	 * nothing: its sender's messages still wait, its epoch stands. */
	if (box && restart) {
		gone = box->bytes;
		for (size_t m = 0; m < box->n; m++)
			gone_mine += box->q[m].poster == poster ? box->q[m].len : 0;
	}
	if (!s && why == SLOT_PAST) {
		rc = nk_fail(err, NK_EREFUSED, "round", "round %d is over: the briefing gives the "
			     "open round", (int)round);
	} else if (!s) {
		call->limited = true;
		rc = why == SLOT_SHARE
		     ? nk_fail(err, NK_EREFUSED, "relay", "this client address holds %d blind "
			       "cases in the relay at once, its share of the server's %d: retry "
			       "once one of them is done", RELAY_PER_ADDRESS, RELAY_CASES)
		     : nk_fail(err, NK_EREFUSED, "relay", "the server relays as many blind cases "
			       "as it may at once (%d): retry in a while", RELAY_CASES);
	} else if (!restart && (uint32_t)seq != box->last_seq + 1) {
		rc = nk_fail(err, NK_EREFUSED, "seq", "out of order: the next message to the %s "
			     "is number %u", nk_role_name(!role), box->last_seq + 1);
	} else if ((!restart && box->n == RELAY_QUEUE) ||
		   box->bytes - gone + len > RELAY_DIRECTION_MAX) {
		call->limited = true;
		rc = nk_fail(err, NK_EREFUSED, "relay", "the %s has not fetched what waits for "
			     "it: retry in a while", nk_role_name(!role));
	} else if (poster_bytes(call->srv->relay, poster) - gone_mine + len >
		   RELAY_ADDRESS_BYTES_MAX) {
		/* the slots' share is not enough: four addresses' 16 slots, every direction
		 * full, would hold the whole RELAY_BYTES_MAX and stop every other case */
		call->limited = true;
		rc = nk_fail(err, NK_EREFUSED, "relay", "this client address has %u MiB waiting "
			     "in the relay, its share of the server's %u MiB: retry in a while",
			     RELAY_ADDRESS_BYTES_MAX >> 20, RELAY_BYTES_MAX >> 20);
	} else if (relay_bytes(call->srv->relay) - gone + len > RELAY_BYTES_MAX) {
		call->limited = true;
		rc = nk_fail(err, NK_EREFUSED, "relay", "the relay holds as many bytes waiting "
			     "as it may (%u MiB in all): retry in a while", RELAY_BYTES_MAX >> 20);
	} else {
		if (restart) {
			box_drop(box, RELAY_QUEUE);
			box->last_seq = 0;
			box->epoch++;
		}
		box->q[box->n++] = (struct relay_msg){ (uint32_t)seq, len, data, poster };
		box->bytes += len;
		box->last_seq = (uint32_t)seq;
		box->posted++;
		data = NULL;
	}
	pthread_mutex_unlock(&call->srv->relay->mu);
	if (rc == NK_OK)
		relay_wake(call->srv, call->case_id, !role);
	if (s && why == SLOT_MOVED)	/* the sender's own read of the old round, if held */
		relay_wake(call->srv, call->case_id, role);
	if (data) {
		sodium_memzero(data, cap);
		free(data);
	}
	if (rc == NK_OK) {
		call->status = 201;
		call->reply = json_pack("{s:s, s:I, s:I}", "case", call->case_id, "round",
					(json_int_t)round, "seq", (json_int_t)seq);
		if (!call->reply)
			rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	}
	return rc;
}

/* The first message waiting for the caller after number ?after=K or ?after=E.K (those up
 * to it are acknowledged and wiped; with E, only while the sender's epoch is still E, so
 * that a sender that started over is not acknowledged unread), or none (relay_response).
 * With ?wait=MS and none waiting, the read waits up to MS for one (relay_wait.c), or, with
 * ?round=R, until round R ends (an outcome concludes it, or the case ends): a client that
 * gave its outcome first waits so for the other's, not polling the briefing. */
enum nk_status relay_get(struct route_call *call, struct nk_error *err)
{
	struct relay_ask ask = { .epoch = -1, .role = role_of(call) };
	const char *round_arg = MHD_lookup_connection_value(call->conn, MHD_GET_ARGUMENT_KIND,
							    "round");
	uint64_t posted = 0, round = 0;
	enum nk_status rc;

	if (call->after) {
		char *end;

		ask.after = strtoll(call->after, &end, 10);
		if (*end == '.' && end > call->after && ask.after >= 0 && ask.after <= UINT32_MAX) {
			const char *k = end + 1;

			ask.epoch = ask.after;
			ask.after = strtoll(k, &end, 10);
			if (end == k)
				ask.after = -1;
		}
		if (!*call->after || *end || ask.after < 0 || ask.after > RELAY_SEQ_MAX)
			return nk_fail(err, NK_EINVAL, "after", "a message's number, 0 to %d, "
				       "after its sender's epoch and a dot", RELAY_SEQ_MAX);
	}
	if (call->wait) {
		char *end;
		long long ms = strtoll(call->wait, &end, 10);

		if (!*call->wait || *end || ms < 0 || ms > RELAY_WAIT_MAX_MS)
			return nk_fail(err, NK_EINVAL, "wait", "how long to wait for a message, "
				       "0 to %d ms", RELAY_WAIT_MAX_MS);
		ask.wait_ms = ms;
	}
	if (round_arg && (!nk_relay_number(round_arg, NK_ROUNDS_MAX, &round) || round < 1))
		return nk_fail(err, NK_EINVAL, "round", "?round= is the round the read waits in, "
			       "1 to %d", NK_ROUNDS_MAX);
	ask.ends = relay_ends(call->srv->relay);	/* before the check: an end after it shows */
	if ((rc = check_case(call, ask.role, 0, &ask.round, err)) != NK_OK)
		return rc;
	if (round_arg && relay_test_read_pause)
		relay_test_read_pause();
	if (round_arg && round != (uint64_t)ask.round) {
		/* the round it waits in is over: nothing of it waits any more, and reading the
		 * new round's box with this round's ?after= could acknowledge what it never read */
		call->relayed.round = ask.round;
		call->relay_answered = true;
		return NK_OK;
	}
	if (!relay_read(call->srv, call->case_id, &ask, &posted, &call->relayed))
		return nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	call->relay_answered = true;
	if (!call->relayed.data && ask.wait_ms > 0) {
		ask.seen = posted;
		call->relay = ask;
	}
	return NK_OK;
}

bool relay_read(struct nk_server *srv, const char *id, const struct relay_ask *ask,
		uint64_t *posted, struct relay_answer *out)
{
	struct relay_slot *s;
	struct relay_box *box;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->round = ask->round;
	pthread_mutex_lock(&srv->relay->mu);
	if ((s = slot_find(srv->relay, id, ask->round)))
		s->used_ms = nk_time_now_ms();	/* read: its clients are still there */
	box = s ? &s->box[ask->role] : NULL;
	*posted = box ? box->posted : 0;
	if (box) {
		size_t acked = 0;

		while ((ask->epoch < 0 || ask->epoch == box->epoch) && acked < box->n &&
		       box->q[acked].seq <= ask->after)
			acked++;
		out->epoch = box->epoch;
		box_drop(box, acked);
		/* a copy, sent after the lock: a message is at most RELAY_MESSAGE_MAX */
		if (box->n && (ok = (out->data = malloc(box->q[0].len)) != NULL)) {
			memcpy(out->data, box->q[0].data, box->q[0].len);
			out->len = box->q[0].len;
			out->seq = box->q[0].seq;
		}
	}
	pthread_mutex_unlock(&srv->relay->mu);
	return ok;
}

bool relay_unchanged(struct nk_server *srv, const char *id, const struct relay_ask *ask)
{
	struct relay_slot *s;
	bool same;

	pthread_mutex_lock(&srv->relay->mu);
	s = slot_find(srv->relay, id, ask->round);
	same = (s ? s->box[ask->role].posted : 0) == ask->seen && srv->relay->ends == ask->ends;
	pthread_mutex_unlock(&srv->relay->mu);
	return same;
}
