/* File-system helpers; see fileutil.h. */
#include "harness/util/fileutil.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A name no other writer uses: pid, a per-process counter and the time,
 * created with O_EXCL so an existing file (or a planted symlink) is never
 * opened, let alone truncated. */
static int open_temp(char **tmp_out, const char *path)
{
	static atomic_uint counter;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (int tries = 0; tries < 100; tries++) {
		char *tmp = hil_xasprintf("%s.tmp.%ld.%u.%lx", path, (long)getpid(),
					  atomic_fetch_add(&counter, 1), (unsigned long)ts.tv_nsec);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0) {
			*tmp_out = tmp;
			return fd;
		}
		int err = errno;
		free(tmp);
		if (err != EEXIST)
			return hil_error_set(HIL_EIO, "%s: cannot create a temporary file: %s", path,
					     strerror(err));
	}
	return hil_error_set(HIL_EIO, "%s: cannot create a temporary file", path);
}

int hil_write_all(int fd, const char *name, const void *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hil_error_set(HIL_EIO, "%s: %s", name, strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

static int write_replace(const char *path, const void *data, size_t len, bool durable)
{
	char *tmp = NULL;
	int fd = open_temp(&tmp, path);
	int error;

	if (fd < 0)
		return fd;
	error = hil_write_all(fd, tmp, data, len);
	if (!error && durable && fsync(fd) != 0)
		error = hil_error_set(HIL_EIO, "%s: fsync: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !error) /* NFS and full disks report here */
		error = hil_error_set(HIL_EIO, "%s: %s", tmp, strerror(errno));
	if (!error && rename(tmp, path) != 0)
		error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (error)
		unlink(tmp);
	else if (durable)
		error = hil_fsync_parent(path);
	free(tmp);
	return error;
}

int hil_write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_replace(path, data, len, true);
}

int hil_write_file_replace(const char *path, const void *data, size_t len)
{
	return write_replace(path, data, len, false);
}

int hil_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int error = 0;

	if (fd < 0)
		return hil_error_set(HIL_EIO, "%s: %s", dir, strerror(errno));
	/* EINVAL: a file system that cannot sync directories (some FUSE) */
	if (fsync(fd) != 0 && errno != EINVAL)
		error = hil_error_set(HIL_EIO, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return error;
}

int hil_fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int error;

	if (!slash)
		return hil_fsync_dir(".");
	dir = slash == path ? hil_xstrdup("/") : hil_xstrndup(path, (size_t)(slash - path));
	error = hil_fsync_dir(dir);
	free(dir);
	return error;
}

int hil_atomic_open(struct hil_atomic_file *af, const char *path)
{
	int fd = open_temp(&af->tmp, path);

	if (fd < 0)
		return fd;
	if (!(af->f = fdopen(fd, "w"))) {
		int error = hil_error_set(HIL_EIO, "%s: %s", af->tmp, strerror(errno));
		close(fd);
		unlink(af->tmp);
		free(af->tmp);
		return error;
	}
	af->path = hil_xstrdup(path);
	return 0;
}

static void atomic_done(struct hil_atomic_file *af)
{
	free(af->tmp);
	free(af->path);
	af->f = NULL;
	af->tmp = af->path = NULL;
}

int hil_atomic_commit(struct hil_atomic_file *af)
{
	int error = 0;

	if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0)
		error = hil_error_set(HIL_EIO, "%s: %s", af->tmp, strerror(errno));
	if (fclose(af->f) != 0 && !error)
		error = hil_error_set(HIL_EIO, "%s: %s", af->tmp, strerror(errno));
	if (!error && rename(af->tmp, af->path) != 0)
		error = hil_error_set(HIL_EIO, "%s: %s", af->path, strerror(errno));
	if (error)
		unlink(af->tmp);
	else
		error = hil_fsync_parent(af->path);
	atomic_done(af);
	return error;
}

void hil_atomic_abort(struct hil_atomic_file *af)
{
	fclose(af->f);
	unlink(af->tmp);
	atomic_done(af);
}

int hil_mkdir_p(const char *path)
{
	char *copy;
	int error = 0;

	if (!path || !*path)
		return hil_error_set(HIL_EIO, "cannot create a folder with an empty name");
	copy = hil_xstrdup(path);
	for (char *p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			error = hil_error_set(HIL_EIO, "cannot create %s: %s", copy, strerror(errno));
			break;
		}
		*p = saved;
		if (!saved)
			break;
	}
	free(copy);
	return error;
}

int hil_read_file(char **out, size_t *len_out, const char *path, size_t max)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int error = 0;

	*out = NULL;
	*len_out = 0;
	if (fd < 0)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error = hil_error_set(HIL_EIO, "%s: not a regular file (%s)", path,
				      hil_file_kind(st.st_mode));
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		error = hil_error_set(HIL_EIO, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = hil_xrealloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			error = hil_error_set(HIL_EIO, "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*len_out = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return error;
}

const char *hil_file_kind(unsigned mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISSOCK(mode) ? "a socket" : S_ISREG(mode) ? "a file" : "a device";
}

char *hil_slug(const char *s)
{
	char *slug = hil_xstrdup(s);

	for (char *p = slug; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	return slug;
}
