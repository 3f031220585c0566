/* Small file-system helpers: atomic writes (whole or in pieces) and
 * directory creation. */
#ifndef HIL_HARNESS_FILEUTIL_H
#define HIL_HARNESS_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>

/* Writes @len bytes to @path through a temporary file in the same
 * directory (a unique name, created O_EXCL|O_NOFOLLOW), fsync, rename and
 * fsync of the directory: readers see the old file or the new one, never
 * half of it, and after a power cut the new one is there. */
int hil_write_file_atomic(const char *path, const void *data, size_t len);
/* The same without the fsync: still all or nothing for readers (and, on
 * ext4's default data=ordered, after a crash), for files whose durability
 * a later fsync does not depend on: the step transcripts, written once per
 * step, where the journal's one fsync per install is what counts. */
int hil_write_file_replace(const char *path, const void *data, size_t len);

/* A file too big to build in memory (junit.xml, report.html of 100 000
 * installs), written in pieces through a temporary file beside @path:
 * hil_atomic_commit() checks the writes, fsyncs and renames it over @path
 * and fsyncs the folder (readers see the old file or the new one, as
 * hil_write_file_atomic);
 * hil_atomic_abort() removes it. Either one is called once, after open
 * returned 0. */
struct hil_atomic_file {
	FILE *f;
	char *tmp, *path;
};
int hil_atomic_open(struct hil_atomic_file *af, const char *path);
int hil_atomic_commit(struct hil_atomic_file *af);
void hil_atomic_abort(struct hil_atomic_file *af);


/* write(2) of all @len bytes (EINTR and short writes retried); an error
 * names @name. */
int hil_write_all(int fd, const char *name, const void *data, size_t len);

/* fsync of a directory (after a create or rename in it), or of the
 * directory that holds @path. */
int hil_fsync_dir(const char *dir);
int hil_fsync_parent(const char *path);

/* mkdir -p. An empty @path is an error. */
int hil_mkdir_p(const char *path);

/* Reads a whole regular file of at most @max bytes (a directory, FIFO,
 * socket or device is refused without blocking; a read error is an error,
 * never a short file). *out: free(). */
int hil_read_file(char **out, size_t *len_out, const char *path, size_t max);

/* "a directory", "a FIFO", "a socket", "a device" or "a file" for a
 * st_mode, for messages that refuse what is not a regular file. */
const char *hil_file_kind(unsigned mode);

/* A file-name-safe version of @s: [A-Za-z0-9._-], others become '_'. */
char *hil_slug(const char *s);

#endif
