/* Small files read whole with a bound, files made new (never over an existing one) and
 * made durable, and the directory fsync that makes a new file survive a crash. Every
 * failure fills err with a sentence naming the file; a caller that words a failure its
 * own way reads the step and errno from the optional fault. */
#ifndef NAKODO_BASE_FILES_H
#define NAKODO_BASE_FILES_H

#include <nakodo/status.h>

#include <stddef.h>
#include <stdint.h>

enum nk_file_step {
	NK_FILE_OPEN = 1,	/* open or create; errnum EEXIST: the file exists already */
	NK_FILE_NOMEM,
	NK_FILE_READ,
	NK_FILE_LONG,		/* longer than the bound */
	NK_FILE_MODE,		/* could not be made 0600 */
	NK_FILE_WRITE,
	NK_FILE_SYNC,		/* fsync of the file or of its directory */
};

struct nk_file_fault {
	enum nk_file_step step;
	int errnum;		/* errno of the failed call, 0 when none */
};

/* Reads the whole file at path, at most max bytes, into a new buffer the caller frees
 * with free(); the buffer holds a NUL after the last byte, so a text file is a string.
 * On failure the buffer read so far is wiped and *out, *len are untouched: NK_ENOTFOUND
 * (missing) or NK_ESTORE (unreadable), NK_ENOMEM, NK_ECORRUPT when longer than max. what
 * names the file in the text ("key file /x/y.key", or the path itself). */
NK_MUST_USE enum nk_status nk_file_read_bounded(const char *path, size_t max, uint8_t **out,
						size_t *len, const char *what, const char *field,
						struct nk_file_fault *fault,
						struct nk_error *err);

/* Creates path with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 (whatever the umask),
 * writes data, fsyncs the file and its directory. An existing file is NK_EINVAL and left
 * alone; any other failure is NK_ESTORE and a partly written file is removed. */
NK_MUST_USE enum nk_status nk_file_create_exclusive(const char *path, const void *data,
						    size_t len, const char *what,
						    const char *field,
						    struct nk_file_fault *fault,
						    struct nk_error *err);

/* fsyncs the directory that holds path, so that a file just made there survives a
 * crash. NK_ESTORE naming the directory when it cannot. */
NK_MUST_USE enum nk_status nk_dir_sync(const char *path, const char *field,
				       struct nk_error *err);

#endif
