/* A blind case's state file (blind_file.h). Each save of a round must be durable before
 * anything that depends on it is sent (doc/blind.md, "A round run again"), and there are
 * up to four a round, two of them on the round's path. Written as a new file, flushed and
 * renamed, each cost a new inode, its blocks and a rename: journal commits that a disk
 * shared with other work makes slow (5-15 ms each, measured). The file is therefore made
 * once per case with room for two copies of the sealed state (its size is fixed by the
 * case's rules, nk_blind_saved_bytes), and each later save overwrites the older copy in
 * place and flushes its data alone (fdatasync: same size, same blocks, no metadata to
 * commit). A save cut short by a crash leaves that copy unopenable (its tag) and the
 * other one, the newer before it, stands: it is what was durable when the last message
 * that depends on it was sent. Each copy carries its generation and is bound to its slot
 * (nk_blind_save: a copy moved to the other slot does not open), and the newer openable
 * copy is the state. Each copy has a slot of whole 4 KiB pages, so that writing one never
 * rewrites a page of the other (a torn write at power loss could else take both), and a
 * run holds a lock beside the file (blind_file_lock), so that two runs of one side never
 * write the same slot. */
#include "blind_file.h"

#include <nakodo/files.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <unistd.h>

#define STATE_MAX (1u << 20)
#define PAGE 4096u

static enum nk_status blind_file_lock(struct blind_file *f, struct nk_error *err);

bool blind_file_path(char *out, size_t size, const char *key_path, const char *case_id)
{
	return (size_t)snprintf(out, size, "%s.%s.blind", key_path, case_id) < size;
}

void cli_blind_session_id(const struct nk_brief *b, uint8_t sid[static NK_BLIND_SESSION_BYTES])
{
	static const char tag[] = "nakodo/blind-session/v1";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, NK_BLIND_SESSION_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)tag, sizeof(tag));
	crypto_generichash_update(&st, (const uint8_t *)b->case_id, strlen(b->case_id) + 1);
	for (int r = NK_CLAIMANT; r <= NK_PAYER; r++) {
		crypto_generichash_update(&st, b->identity[r].sign, sizeof(b->identity[r].sign));
		crypto_generichash_update(&st, b->identity[r].seal, sizeof(b->identity[r].seal));
	}
	crypto_generichash_final(&st, sid, NK_BLIND_SESSION_BYTES);
}

enum nk_status blind_file_open(struct blind_file *f, const struct nk_brief *b,
			       const struct nk_party_key *key, const char *key_path, bool lock,
			       struct nk_blind_party **p, struct nk_error *err)
{
	uint8_t sid[NK_BLIND_SESSION_BYTES], *state = NULL;
	struct nk_blind_party *copy[2] = { NULL, NULL };
	struct nk_error why[2] = { { 0 }, { 0 } };
	uint64_t gen[2] = { 0, 0 };
	size_t len = 0;
	enum nk_status rc;

	memset(f, 0, sizeof(*f));
	f->lock = -1;
	f->key = key;
	f->newer = -1;
	f->copy = nk_blind_saved_bytes(&b->rules);
	f->slot = (f->copy + PAGE - 1) / PAGE * PAGE;
	*p = NULL;
	if (!blind_file_path(f->path, sizeof(f->path), key_path, b->case_id))
		return nk_fail(err, NK_EINVAL, "key", "the key file's path is too long");
	if (lock && (rc = blind_file_lock(f, err)) != NK_OK)
		return rc;
	cli_blind_session_id(b, sid);
	if ((rc = nk_file_read_bounded(f->path, STATE_MAX, &state, &len, f->path, "state", NULL,
				       err)) != NK_OK)
		return rc;
	if (len != 2 * f->slot) {
		free(state);
		return nk_fail(err, NK_ECORRUPT, "state", "%s: not a blind case's state of this "
			       "build", f->path);
	}
	for (int i = 0; i < 2; i++)	/* a copy cut short by a crash does not open */
		if (nk_blind_load(&b->rules, b->role, sid, key, (unsigned)i, state + i * f->slot,
				  f->copy, &gen[i], &copy[i], &why[i]) != NK_OK)
			copy[i] = NULL;
	free(state);
	if (!copy[0] && !copy[1]) {
		*err = why[0];
		return why[0].code ? why[0].code : NK_ECORRUPT;
	}
	f->newer = !copy[0] || (copy[1] && gen[1] > gen[0]);
	f->generation = gen[f->newer];
	*p = copy[f->newer];
	nk_blind_free(copy[!f->newer]);
	return NK_OK;
}

/* The file made: data as the first copy, the second empty; flushed, renamed into place,
 * and its directory flushed, so that it survives a crash. */
static enum nk_status file_create(struct blind_file *f, const uint8_t *data,
				  struct nk_error *err)
{
	char tmp[sizeof(f->path) + 8];
	uint8_t *both = calloc(2, f->slot);
	int fd = -1;
	bool ok;

	if (!both)
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	memcpy(both, data, f->copy);
	snprintf(tmp, sizeof(tmp), "%s.new", f->path);
	(void)unlink(tmp);
	ok = (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0 &&
	     write(fd, both, 2 * f->slot) == (ssize_t)(2 * f->slot) && fsync(fd) == 0;
	ok = (fd < 0 || close(fd) == 0) && ok;
	free(both);
	if (!ok || rename(tmp, f->path) != 0) {
		(void)unlink(tmp);
		return nk_fail(err, NK_ESTORE, "state", "%s: could not be written", f->path);
	}
	return nk_dir_sync(f->path, "state", err);
}

/* data over copy `which` of the file, and its data flushed. */
static enum nk_status file_overwrite(struct blind_file *f, const uint8_t *data, int which,
				     struct nk_error *err)
{
	int fd = open(f->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = fd >= 0 &&
		  pwrite(fd, data, f->copy, (off_t)which * (off_t)f->slot) == (ssize_t)f->copy &&
		  fdatasync(fd) == 0;

	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	if (!ok)
		return nk_fail(err, NK_ESTORE, "state", "%s: could not be written", f->path);
	return NK_OK;
}

/* p sealed for the next save: into the older copy's slot, one generation on. */
static enum nk_status file_seal(struct blind_file *f, const struct nk_blind_party *p,
				uint8_t **data, struct nk_error *err)
{
	size_t len = 0;
	enum nk_status rc = nk_blind_save(p, f->key, f->generation + 1,
					  (unsigned)(f->newer < 0 ? 0 : !f->newer), data, &len,
					  err);

	if (rc == NK_OK && len != f->copy) {
		free(*data);
		*data = NULL;
		rc = nk_fail(err, NK_EINVAL, "state", "a state of another size than its case's");
	}
	return rc;
}

/* data (file_seal's) written and flushed, and f moved on to it. */
static enum nk_status file_write(struct blind_file *f, const uint8_t *data,
				 struct nk_error *err)
{
	const int which = f->newer < 0 ? 0 : !f->newer;
	enum nk_status rc = f->newer < 0 ? file_create(f, data, err)
				       : file_overwrite(f, data, which, err);

	if (rc == NK_OK) {
		f->generation++;
		f->newer = which;
	}
	return rc;
}

enum nk_status blind_file_save(struct blind_file *f, const struct nk_blind_party *p,
			       struct nk_error *err)
{
	uint8_t *data = NULL;
	enum nk_status rc = file_seal(f, p, &data, err);

	if (rc == NK_OK)
		rc = file_write(f, data, err);
	free(data);
	return rc;
}

static bool in_memory(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

static void *flush_main(void *arg)
{
	struct blind_flush *fl = arg;

	fl->rc = file_write(fl->f, fl->data, &fl->err);
	return NULL;
}

enum nk_status blind_file_save_start(struct blind_file *f, const struct nk_blind_party *p,
				     struct blind_flush *fl, struct nk_error *err)
{
	enum nk_status rc;

	memset(fl, 0, sizeof(*fl));
	fl->f = f;
	if ((rc = file_seal(f, p, &fl->data, err)) != NK_OK)
		return rc;
	/* Without a thread, written here: the same save, only not beside the computing. So
	 * on a file in memory (tmpfs, ramfs), whose flush waits for no disk: there a thread
	 * only adds its hand-off, which on a busy machine waits for a core (measured with
	 * bench_blind_flush under load 22: 1.7 ms in turn, 7.3 ms beside). */
	fl->threaded = !in_memory(f->path) &&
		       pthread_create(&fl->thread, NULL, flush_main, fl) == 0;
	if (!fl->threaded)
		fl->rc = file_write(f, fl->data, &fl->err);
	return NK_OK;
}

enum nk_status blind_file_save_wait(struct blind_flush *fl, struct nk_error *err)
{
	if (fl->threaded)
		pthread_join(fl->thread, NULL);
	fl->threaded = false;
	free(fl->data);
	fl->data = NULL;
	if (fl->rc != NK_OK && err)
		*err = fl->err;
	return fl->rc;
}

static enum nk_status blind_file_lock(struct blind_file *f, struct nk_error *err)
{
	char lock[sizeof(f->path) + 8];

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", f->path) >= sizeof(lock))
		return nk_fail(err, NK_EINVAL, "key", "the key file's path is too long");
	f->lock = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f->lock < 0)
		return nk_fail(err, NK_ESTORE, "state", "%s: could not be opened: %s", lock,
			       strerror(errno));
	if (flock(f->lock, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		blind_file_unlock(f);
		return e == EWOULDBLOCK
		       ? nk_fail(err, NK_EREFUSED, "state", "another run of this side of the case "
				 "is under way (%s is locked): let it end or stop it first", lock)
		       : nk_fail(err, NK_ESTORE, "state", "%s: could not be locked: %s", lock,
				 strerror(e));
	}
	return NK_OK;
}

void blind_file_unlock(struct blind_file *f)
{
	if (f->lock >= 0)
		(void)close(f->lock);	/* the lock goes with it */
	f->lock = -1;
}
