/* Bounded readers, exclusive-create writers and the directory fsync (files.h). */
#include <nakodo/files.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_fault(struct nk_file_fault *fault, enum nk_file_step step, int errnum)
{
	if (fault) {
		fault->step = step;
		fault->errnum = errnum;
	}
}

enum nk_status nk_file_read_bounded(const char *path, size_t max, uint8_t **out,
				    size_t *len, const char *what, const char *field,
				    struct nk_file_fault *fault, struct nk_error *err)
{
	enum nk_status rc;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		set_fault(fault, NK_FILE_OPEN, errno);
		rc = nk_fail(err, errno == ENOENT ? NK_ENOTFOUND : NK_ESTORE, field,
			     "%s could not be opened: %s", what, strerror(errno));
		goto out;
	}
	buf = max < SIZE_MAX - 1 ? malloc(max + 2) : NULL;
	if (!buf) {
		set_fault(fault, NK_FILE_NOMEM, ENOMEM);
		rc = nk_fail(err, NK_ENOMEM, field, "out of memory");
		goto out;
	}
	while (got <= max) {
		ssize_t n = read(fd, buf + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_fault(fault, NK_FILE_READ, errno);
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be read: %s", what,
				     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		set_fault(fault, NK_FILE_LONG, 0);
		rc = nk_fail(err, NK_ECORRUPT, field, "%s is longer than %zu bytes", what, max);
		goto out;
	}
	buf[got] = 0;
	*out = buf;
	*len = got;
	buf = NULL;
	rc = NK_OK;
out:
	if (buf) {
		sodium_memzero(buf, max + 2);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

enum nk_status nk_dir_sync(const char *path, const char *field, struct nk_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	enum nk_status rc = NK_OK;
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = nk_fail(err, NK_ESTORE, field, "could not sync directory %s: %s", dir,
			     strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

enum nk_status nk_file_create_exclusive(const char *path, const void *data, size_t len,
					const char *what, const char *field,
					struct nk_file_fault *fault, struct nk_error *err)
{
	const uint8_t *bytes = data;
	enum nk_status rc;
	size_t done = 0;
	bool made = false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		set_fault(fault, NK_FILE_OPEN, errno);
		if (errno == EEXIST)
			rc = nk_fail(err, NK_EINVAL, field, "%s exists already", what);
		else
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be created: %s%s", what,
				     strerror(errno), errno == ENOENT ? " (its folder does not "
				     "exist: make it first, or give another path)" : "");
		goto out;
	}
	made = true;
	/* The mode asked for can be narrowed by the umask, never widened; make sure. */
	if (fchmod(fd, 0600) != 0) {
		set_fault(fault, NK_FILE_MODE, errno);
		rc = nk_fail(err, NK_ESTORE, field, "%s could not be made private: %s", what,
			     strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_fault(fault, NK_FILE_WRITE, n < 0 ? errno : EIO);
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be written: %s", what,
				     strerror(n < 0 ? errno : EIO));
			goto out;
		}
		done += (size_t)n;
	}
	{
		/* close is not retried: the descriptor is gone whatever it returns */
		int e = fsync(fd) != 0 ? errno : 0;

		if (close(fd) != 0 && !e)
			e = errno;
		fd = -1;
		if (e) {
			set_fault(fault, NK_FILE_SYNC, e);
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be written: %s", what,
				     strerror(e));
			goto out;
		}
	}
	rc = nk_dir_sync(path, field, err);
	if (rc != NK_OK)
		set_fault(fault, NK_FILE_SYNC, errno);
out:
	if (fd >= 0)
		close(fd);
	if (rc != NK_OK && made)
		unlink(path);
	return rc;
}
