/* nakodo key unlock|lock: an opt-in key session, so that a party's commands do not each
 * run the key file's Argon2id (a second or so apiece). The unlocked key is kept in
 * $XDG_RUNTIME_DIR (a per-user tmpfs, emptied at logout), re-encrypted under a random
 * 256-bit secret that only the environment of the unlocking shell holds
 * (NAKODO_KEY_SESSION), until a time bound into that encryption. doc/security.md, "Key
 * sessions", weighs what it protects against and what it does not. */
#include "signed.h"
#include "util.h"

#include <nakodo/files.h>
#include <nakodo/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_ENV "NAKODO_KEY_SESSION"
#define SESSION_SECRET_BYTES 32
#define SESSION_SECRET_HEX (2 * SESSION_SECRET_BYTES)
#define SESSION_PREFIX "nakodo-session-"
#define SESSION_FILE_BYTES (8 + NK_KEYFILE_BYTES)	/* expiry (ms, big-endian), key file */
#define SESSION_MINUTES_MAX (24 * 60)
#define SESSION_PATH_MAX 4096

static const char key_help[] =
	"usage: nakodo key unlock KEYFILE [--minutes N] [--json]\n"
	"       nakodo key lock [KEYFILE]\n\n"
	"An opt-in session that spares each command the key file's passphrase and its\n"
	"Argon2id derivation (about a second per command at the default cost).\n\n"
	"  unlock   asks the passphrase once and keeps the key, re-encrypted under a random\n"
	"           secret, in a file of $XDG_RUNTIME_DIR (mode 0600) for N minutes (1 to\n"
	"           1440, default 15). It prints the secret as shell code to evaluate:\n"
	"               eval \"$(nakodo key unlock claimant.key --minutes 30)\"\n"
	"           Then the commands of that shell (and its children) open that key file\n"
	"           without asking. An unlock with NAKODO_KEY_SESSION already set\n"
	"           adds this key to the same session.\n"
	"  lock     removes KEYFILE's session file, or every one of yours, at once\n\n"
	"Past its time a session file is refused and removed, and the passphrase is asked\n"
	"again. What it protects against and what it does not: doc/security.md, \"Key\n"
	"sessions\". In short: the key file on disk stays the only lasting copy; but for\n"
	"those N minutes any program running as you can read the shell's environment and\n"
	"the session file, and so sign as you: unlock only on a machine you trust.\n";

/* $XDG_RUNTIME_DIR, when it is a directory of this user's that no one else may enter. */
static const char *runtime_dir(struct nk_error *err)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	struct stat sb;

	if (!dir || !*dir) {
		nk_fail(err, NK_EINVAL, "XDG_RUNTIME_DIR", "not set: a key session lives in the "
			"per-user runtime directory (/run/user/UID, made by a systemd login); set "
			"it to a folder of yours with mode 0700, or let each command ask the "
			"passphrase");
		return NULL;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != getuid() ||
	    (sb.st_mode & 077)) {
		nk_fail(err, NK_EINVAL, "XDG_RUNTIME_DIR", "%.200s is not a directory of yours "
			"closed to others (mode 0700)", dir);
		return NULL;
	}
	return dir;
}

/* The session file of the key whose signing key is sign. */
static bool session_path(const char *dir, const uint8_t sign[static NK_PUBLIC_KEY_BYTES],
			 char out[static SESSION_PATH_MAX])
{
	char hex[NK_KEY_HEX];

	nk_key_to_hex(sign, hex);
	return (size_t)snprintf(out, SESSION_PATH_MAX, "%s/%s%s", dir, SESSION_PREFIX, hex) <
	       SESSION_PATH_MAX;
}

/* The public identity a key file claims, and its session file's path. */
static enum nk_status key_session_path(const char *key_path, const char *dir,
				       struct nk_identity *claimed,
				       char out[static SESSION_PATH_MAX], struct nk_error *err)
{
	struct nk_file_fault fault = { 0 };
	uint8_t *file = NULL;
	size_t len = 0;
	enum nk_status rc;

	rc = nk_file_read_bounded(key_path, NK_KEYFILE_BYTES + 1, &file, &len, key_path, "key",
				  &fault, err);
	if (rc == NK_OK)
		rc = nk_keyfile_inspect(file, len, claimed, err);
	free(file);
	if (rc == NK_OK && !session_path(dir, claimed->sign, out))
		rc = nk_fail(err, NK_EINVAL, "XDG_RUNTIME_DIR", "the path is too long");
	return rc;
}

/* The session's passphrase: the secret's hex and the expiry, so that the expiry cannot
 * be changed without the file failing to open. */
static enum nk_status session_pass(const char *secret_hex, int64_t expires_ms,
				   struct nk_passphrase *pass, struct nk_error *err)
{
	char text[SESSION_SECRET_HEX + 32];
	int n = snprintf(text, sizeof(text), "%s:%lld", secret_hex, (long long)expires_ms);
	enum nk_status rc = nk_passphrase_set(text, (size_t)n, pass, err);

	sodium_memzero(text, sizeof(text));
	return rc;
}

static bool secret_valid(const char *hex)
{
	uint8_t bin[SESSION_SECRET_BYTES];
	size_t len = 0;
	bool ok = hex && strlen(hex) == SESSION_SECRET_HEX &&
		  sodium_hex2bin(bin, sizeof(bin), hex, SESSION_SECRET_HEX, NULL, &len,
				 NULL) == 0 &&
		  len == sizeof(bin);

	sodium_memzero(bin, sizeof(bin));
	return ok;
}

/* Reads a session file: exactly its size, a regular file of this user's, mode 0600. */
static bool read_session(const char *path, uint8_t buf[static SESSION_FILE_BYTES])
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;
	ssize_t n = -1;

	if (fd < 0)
		return false;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == getuid() &&
	    !(sb.st_mode & 077) && sb.st_size == SESSION_FILE_BYTES)
		n = read(fd, buf, SESSION_FILE_BYTES);
	close(fd);
	return n == SESSION_FILE_BYTES;
}

bool cli_key_session_open(struct cli_ctx *ctx, const char *key_path, struct nk_party_key **key)
{
	const char *secret = getenv(SESSION_ENV), *dir;
	char path[SESSION_PATH_MAX];
	uint8_t buf[SESSION_FILE_BYTES];
	struct nk_passphrase pass = { 0 };
	struct nk_identity claimed, got;
	struct nk_party_key *k = NULL;
	struct nk_error err = { 0 };
	int64_t expires = 0;
	bool ok = false;

	if (!secret_valid(secret) || !(dir = runtime_dir(&err)) ||
	    key_session_path(key_path, dir, &claimed, path, &err) != NK_OK ||
	    !read_session(path, buf))
		return false;
	for (int i = 0; i < 8; i++)
		expires = (int64_t)((uint64_t)expires << 8 | buf[i]);
	if (nk_time_now_ms() >= expires) {
		unlink(path);
		fprintf(ctx->err, "nakodo: the key session of %s has ended; its passphrase is "
			"needed again\n", key_path);
	} else if (session_pass(secret, expires, &pass, &err) == NK_OK &&
		   nk_keyfile_decode(buf + 8, NK_KEYFILE_BYTES, &pass, &k, &err) == NK_OK) {
		nk_party_key_identity(k, &got);
		ok = sodium_memcmp(&got, &claimed, sizeof(got)) == 0;
	}
	nk_passphrase_wipe(&pass);
	sodium_memzero(buf, sizeof(buf));
	if (ok)
		*key = k;
	else
		nk_party_key_free(k);
	return ok;
}

/* Encrypts key under the session's passphrase and writes it, with its expiry, in place
 * of any earlier session file of the key. */
static enum nk_status write_session(const char *path, const struct nk_party_key *key,
				    const char *secret_hex, int64_t expires,
				    struct nk_error *err)
{
	uint8_t buf[SESSION_FILE_BYTES];
	struct nk_passphrase pass = { 0 };
	struct nk_file_fault fault = { 0 };
	enum nk_status rc;

	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)expires >> (56 - 8 * i));
	/* the cheapest KDF: the passphrase is 256 random bits, so no cost makes it harder
	 * to guess, and the session exists to spare the cost */
	rc = session_pass(secret_hex, expires, &pass, err);
	if (rc == NK_OK)
		rc = nk_keyfile_encode(key, &pass, NK_KDF_TEST_ONLY, buf + 8, err);
	if (rc == NK_OK && unlink(path) != 0 && errno != ENOENT)
		rc = nk_fail(err, NK_ESTORE, "session", "%s: %s", path, strerror(errno));
	if (rc == NK_OK)
		rc = nk_file_create_exclusive(path, buf, sizeof(buf), path, "session", &fault, err);
	nk_passphrase_wipe(&pass);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* The shell code the user evaluates. Its comment names the key file with every control
 * character as '?': a line break in a file's name would otherwise end the comment and
 * run the rest of the name as a command (tests/adversary/session_eval.sh). */
static void print_shell(FILE *out, const char *secret, const char *key_path, const char *until)
{
	fprintf(out, "%s=%s; export %s\n# nakodo: ", SESSION_ENV, secret, SESSION_ENV);
	for (const unsigned char *p = (const unsigned char *)key_path; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
	fprintf(out, " unlocked until %s\n", until);
}

static int unlock(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "minutes", required_argument, NULL, 'm' }, { NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL, *dir, *env = getenv(SESSION_ENV);
	char path[SESSION_PATH_MAX], secret[SESSION_SECRET_HEX + 1], until[CLI_TIME_MAX], *end;
	uint8_t bin[SESSION_SECRET_BYTES];
	struct nk_passphrase pass = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_identity claimed;
	struct nk_error err = { 0 };
	long minutes = 15;
	int64_t expires;
	int c, rc = CLI_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !key_path) {
			key_path = optarg;
		} else if (c == 'm') {
			minutes = strtol(optarg, &end, 10);
			if (*end || end == optarg || minutes < 1 || minutes > SESSION_MINUTES_MAX)
				return cli_usage_error(ctx, "nakodo key unlock", "--minutes: a "
						       "whole number from 1 to %d",
						       SESSION_MINUTES_MAX);
		} else {
			return cli_bad_option(ctx, "nakodo key unlock", opts, c, argv);
		}
	}
	if (!key_path)
		return cli_usage_error(ctx, "nakodo key unlock", "expected KEYFILE");
	if (!(dir = runtime_dir(&err)) ||
	    key_session_path(key_path, dir, &claimed, path, &err) != NK_OK)
		return cli_report(ctx, &err);
	if ((rc = cli_key_file_check(ctx, key_path)) != CLI_OK)
		return rc;
	/* the passphrase, always: a session never extends itself */
	if (nk_passphrase_get("Passphrase: ", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(key_path, &pass, &key, &err) != NK_OK) {
		nk_passphrase_wipe(&pass);
		return cli_report(ctx, &err);
	}
	nk_passphrase_wipe(&pass);
	if (secret_valid(env)) {
		memcpy(secret, env, sizeof(secret));
	} else {
		randombytes_buf(bin, sizeof(bin));
		sodium_bin2hex(secret, sizeof(secret), bin, sizeof(bin));
		sodium_memzero(bin, sizeof(bin));
	}
	expires = nk_time_now_ms() + (int64_t)minutes * 60000;
	cli_iso_time(expires, until);
	if (write_session(path, key, secret, expires, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s, s:s, s:o, s:s}", "env", SESSION_ENV, "session",
					      secret, "file", cli_json_text(path), "expires", until));
	else
		print_shell(ctx->out, secret, key_path, until);
	sodium_memzero(secret, sizeof(secret));
	nk_party_key_free(key);
	return rc;
}

/* Removes KEYFILE's session file, or with none every session file of this user's. */
static int lock(struct cli_ctx *ctx, int argc, char **argv)
{
	char path[SESSION_PATH_MAX];
	struct nk_identity claimed;
	struct nk_error err = { 0 };
	const char *dir;
	struct dirent *e;
	int removed = 0;
	DIR *d;

	if (argc > 2)
		return cli_usage_error(ctx, "nakodo key lock", "expected at most one KEYFILE");
	if (!(dir = runtime_dir(&err)))
		return cli_report(ctx, &err);
	if (argc == 2) {
		if (key_session_path(argv[1], dir, &claimed, path, &err) != NK_OK)
			return cli_report(ctx, &err);
		removed = unlink(path) == 0;
	} else if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (strncmp(e->d_name, SESSION_PREFIX, strlen(SESSION_PREFIX)) == 0 &&
			    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					     e->d_name) < sizeof(path))
				removed += unlink(path) == 0;
		closedir(d);
	}
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:i}", "removed", removed));
	else
		fprintf(ctx->out, "%d key session%s ended\n", removed, CLI_PLURAL(removed));
	return CLI_OK;
}

int cmd_key(struct cli_ctx *ctx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(key_help, ctx->out);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "unlock") == 0)
		return unlock(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "lock") == 0)
		return lock(ctx, argc - 1, argv + 1);
	return cli_usage_error(ctx, "nakodo key", "expected 'unlock' or 'lock'");
}
