/* File-system helpers; see fileutil.h. */
#include "harness/util/fileutil.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_replace(const char *path, const void *data, size_t len, bool durable)
{
	char *tmp = hil_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;
	int error = 0;

	if (fd < 0) {
		error = hil_error_set(HIL_EIO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return error;
	}
	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hil_error_set(HIL_EIO, "%s: %s", tmp, strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	if (!error && durable && fsync(fd) != 0)
		error = hil_error_set(HIL_EIO, "%s: fsync: %s", tmp, strerror(errno));
	close(fd);
	if (!error && rename(tmp, path) != 0)
		error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (error)
		unlink(tmp);
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

int hil_atomic_open(struct hil_atomic_file *af, const char *path)
{
	af->tmp = hil_xasprintf("%s.tmp.%ld", path, (long)getpid());
	af->path = hil_xstrdup(path);
	if (!(af->f = fopen(af->tmp, "w"))) {
		int error = hil_error_set(HIL_EIO, "%s: %s", af->tmp, strerror(errno));
		free(af->tmp);
		free(af->path);
		return error;
	}
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
	char *copy = hil_xstrdup(path);
	int error = 0;

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
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	*out = NULL;
	if (!f)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = hil_xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len <= max);
	fclose(f);
	if (len > max) {
		free(buf);
		return hil_error_set(HIL_EIO, "%s: larger than %zu bytes", path, max);
	}
	buf[len] = '\0';
	*out = buf;
	*len_out = len;
	return 0;
}

char *hil_slug(const char *s)
{
	char *slug = hil_xstrdup(s);

	for (char *p = slug; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	return slug;
}
