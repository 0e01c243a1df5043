/* Where a passphrase comes from: the file NAKODO_PASSPHRASE_FILE names, or the
 * terminal with echo turned off. Never an argument, which other users can read in the
 * process list and the shell keeps in its history. */
#include "crypto/crypto_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

enum nk_status nk_passphrase_set(const char *text, size_t len, struct nk_passphrase *out,
				 struct nk_error *err)
{
	char *p;

	if (len > NK_PASSPHRASE_MAX)
		return nk_fail(err, NK_EINVAL, "passphrase", "a passphrase has at most %d bytes",
			       NK_PASSPHRASE_MAX);
	p = sodium_malloc(len + 1);
	if (!p)
		return nk_fail(err, NK_ENOMEM, "passphrase", "no memory for the passphrase");
	memcpy(p, text, len);
	p[len] = '\0';
	out->text = p;
	out->len = len;
	return NK_OK;
}

void nk_passphrase_wipe(struct nk_passphrase *pass)
{
	if (pass && pass->text)
		sodium_free(pass->text);
	if (pass) {
		pass->text = NULL;
		pass->len = 0;
	}
}

/* Whether others can reach the file at path at all: not when the directory that holds it
 * (symbolic links resolved) is closed to them, as mktemp -d and ~/.ssh make it; then its
 * own mode bits give nothing away. A directory that cannot be examined counts as open. */
static bool reachable_by_others(const char *path)
{
	char *real = realpath(path, NULL);
	char *slash = real ? strrchr(real, '/') : NULL;
	struct stat dir;
	bool open_dir = true;

	if (slash) {
		if (slash == real)
			slash[1] = '\0';
		else
			slash[0] = '\0';
		if (stat(real, &dir) == 0)
			open_dir = (dir.st_mode & (S_IXGRP | S_IXOTH)) != 0 || dir.st_uid != geteuid();
	}
	free(real);
	return open_dir;
}

/* Whether a passphrase file may be trusted, from its status once open (so the checked
 * file is the read one). Another user who can change it chooses the passphrase of the
 * next key made under it, or makes a command fail: refused. One who can read it holds the
 * key with a copy of the key file: told, as ssh tells of a private key others can read,
 * not refused, since the file is often made by a script under a loose umask. A pipe
 * (<(...)) is the user's own and private. */
static enum nk_status file_trusted(int fd, const char *path, struct nk_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return nk_fail(err, NK_ESTORE, "NAKODO_PASSPHRASE_FILE", "%s could not be "
			       "examined: %s", path, strerror(errno));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s belongs to another "
			       "user (uid %lu), who could change the passphrase in it: use a file "
			       "of your own, mode 600", path, (unsigned long)st.st_uid);
	if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_IWGRP | S_IWOTH | S_IRGRP | S_IROTH)) ||
	    !reachable_by_others(path))
		return NK_OK;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s can be changed by "
			       "other users (mode %04o), who could choose the passphrase in it: "
			       "chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
	fprintf(stderr, "nakodo: warning: NAKODO_PASSPHRASE_FILE %s can be read by other "
		"users (mode %04o), and with it any key file it opens: chmod 600 %s\n", path,
		(unsigned)(st.st_mode & 07777), path);
	return NK_OK;
}

/* The first line of the file (without its "\n" or "\r\n"), read into guarded memory
 * once the file's owner and mode are found fit. */
static enum nk_status from_file(const char *path, struct nk_passphrase *out,
				struct nk_error *err)
{
	const size_t cap = NK_PASSPHRASE_MAX + 2;
	uint8_t *buf = sodium_malloc(cap);
	size_t len = 0, line;
	enum nk_status rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (!buf) {
		rc = nk_fail(err, NK_ENOMEM, "passphrase", "no memory for the passphrase");
		goto out;
	}
	if (fd < 0) {
		rc = nk_fail(err, errno == ENOENT ? NK_ENOTFOUND : NK_ESTORE,
			     "NAKODO_PASSPHRASE_FILE", "%s could not be opened: %s", path,
			     strerror(errno));
		goto out;
	}
	rc = file_trusted(fd, path, err);
	if (rc != NK_OK)
		goto out;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nk_fail(err, NK_ESTORE, "NAKODO_PASSPHRASE_FILE", "%s could not be "
				     "read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	for (line = 0; line < len && buf[line] != '\n'; line++)
		;
	if (line == len && len == cap) {
		rc = nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s: a passphrase has at "
			     "most %d bytes", path, NK_PASSPHRASE_MAX);
		goto out;
	}
	if (line > 0 && buf[line - 1] == '\r')
		line--;
	if (line == 0) {
		rc = nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s: the passphrase "
			     "(the file's first line) is empty", path);
		goto out;
	}
	rc = nk_passphrase_set((const char *)buf, line, out, err);
out:
	if (fd >= 0)
		close(fd);
	sodium_free(buf);
	return rc;
}

/* One line from the terminal fd, echo off, into a new passphrase. */
static enum nk_status ask(int fd, const char *prompt, struct nk_passphrase *out,
			  struct nk_error *err)
{
	struct termios saved, quiet;
	char *buf = sodium_malloc(NK_PASSPHRASE_MAX + 1);
	size_t len = 0;
	bool restore = false;
	enum nk_status rc;

	if (!buf)
		return nk_fail(err, NK_ENOMEM, "passphrase", "no memory for the passphrase");
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &saved) != 0) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "the terminal cannot be used: %s",
			     strerror(errno));
		goto out;
	}
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "could not turn echo off: %s",
			     strerror(errno));
		goto out;
	}
	restore = true;
	for (;;) {
		char ch;
		ssize_t n = read(fd, &ch, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || ch == '\n' || ch == '\r')
			break;
		if (len == NK_PASSPHRASE_MAX) {
			rc = nk_fail(err, NK_EINVAL, "passphrase", "a passphrase has at most %d "
				     "bytes", NK_PASSPHRASE_MAX);
			goto out;
		}
		buf[len++] = ch;
	}
	if (len == 0) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "the passphrase is empty");
		goto out;
	}
	rc = nk_passphrase_set(buf, len, out, err);
out:
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		if (write(fd, "\n", 1) < 0)
			(void)0;	/* the prompt's line end is cosmetic */
	}
	sodium_free(buf);
	return rc;
}

enum nk_status nk_passphrase_get(const char *prompt, bool confirm, struct nk_passphrase *out,
				 struct nk_error *err)
{
	struct nk_passphrase first = { 0 }, again = { 0 };
	const char *path = getenv("NAKODO_PASSPHRASE_FILE");
	enum nk_status rc;
	int fd = -1;

	if (path && *path)
		return from_file(path, out, err);
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "no terminal to ask for the passphrase "
			     "on; name a file holding it in NAKODO_PASSPHRASE_FILE");
		goto out;
	}
	rc = ask(fd, prompt, &first, err);
	if (rc != NK_OK || !confirm)
		goto out;
	rc = ask(fd, "Same passphrase again: ", &again, err);
	if (rc != NK_OK)
		goto out;
	if (first.len != again.len || sodium_memcmp(first.text, again.text, first.len) != 0)
		rc = nk_fail(err, NK_EINVAL, "passphrase", "the two passphrases differ");
out:
	if (rc == NK_OK) {
		*out = first;
		first.text = NULL;
	}
	nk_passphrase_wipe(&first);
	nk_passphrase_wipe(&again);
	if (fd >= 0)
		close(fd);
	return rc;
}
