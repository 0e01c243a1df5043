/* Where a passphrase comes from: the file NAKODO_PASSPHRASE_FILE names, or the
 * terminal with echo turned off. Never an argument, which other users can read in the
 * process list and the shell keeps in its history. */
#include "crypto/crypto_impl.h"
#include <nakodo/files.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The first line of the file (without its "\n" or "\r\n"). */
static enum nk_status from_file(const char *path, struct nk_passphrase *out,
				struct nk_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0, line;
	enum nk_status rc = nk_file_read_bounded(path, NK_PASSPHRASE_MAX + 2, &buf, &len,
						 path, "NAKODO_PASSPHRASE_FILE", NULL, err);

	if (rc == NK_ECORRUPT)
		rc = nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s: a passphrase has at "
			     "most %d bytes", path, NK_PASSPHRASE_MAX);
	if (rc != NK_OK)
		goto out;
	for (line = 0; line < len && buf[line] != '\n'; line++)
		;
	if (line > 0 && buf[line - 1] == '\r')
		line--;
	if (line == 0) {
		rc = nk_fail(err, NK_EINVAL, "NAKODO_PASSPHRASE_FILE", "%s: the passphrase "
			     "(the file's first line) is empty", path);
		goto out;
	}
	rc = nk_passphrase_set((const char *)buf, line, out, err);
out:
	if (buf) {
		sodium_memzero(buf, len);
		free(buf);
	}
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
