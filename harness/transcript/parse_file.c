/* Parsing a log straight from a file or standard input, a chunk at a time:
 * memory stays at one chunk and one line whatever the log's size, so a
 * 99 MB log that ends in success is read to its end, never cut. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One line as the parser takes it (longer lines are cut there too). */
#define LINE_CAP 4096

struct line_feed {
	struct hil_cubeprog_stream s;
	char line[LINE_CAP];
	size_t len;     /* bytes kept of the current line */
};

static void feed(struct line_feed *f, const char *data, size_t n)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t part = nl ? (size_t)(nl - data) : n;
		size_t keep = part < LINE_CAP - f->len ? part : LINE_CAP - f->len;

		memcpy(f->line + f->len, data, keep);
		f->len += keep;
		if (!nl)
			return;
		hil_cubeprog_stream_line(&f->s, f->line, f->len);
		f->len = 0;
		data = nl + 1;
		n -= part + 1;
	}
}

int hil_cubeprog_parse_file(struct hil_transcript *out, const char *path, size_t *bytes_out)
{
	struct line_feed *f = NULL;
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char buf[65536];
	struct stat st;
	size_t total = 0;
	int error = 0;

	if (bytes_out)
		*bytes_out = 0;
	if (fd < 0) {
		int err = errno;
		/* a socket cannot be opened at all (ENXIO): say what it is */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return hil_error_set(HIL_EIO, "%s is %s, not a log file (use - to read "
					     "standard input)", path, hil_file_kind(st.st_mode));
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(err));
	}
	if (!is_stdin) {
		if (fstat(fd, &st) != 0) {
			error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			error = hil_error_set(HIL_EIO, "%s is %s, not a log file (use - to read "
					      "standard input)", path, hil_file_kind(st.st_mode));
			goto out;
		}
	}
	f = hil_xcalloc(1, sizeof(*f)); /* 4 KiB + the stream: not on the stack */
	hil_cubeprog_stream_init(&f->s, out);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hil_error_set(HIL_EIO, "%s: %s", is_stdin ? "standard input" : path,
					      strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		feed(f, buf, (size_t)n);
	}
	/* the last line, even an empty one after a final newline, as
	 * hil_cubeprog_parse() does */
	hil_cubeprog_stream_line(&f->s, f->line, f->len);
	if (bytes_out)
		*bytes_out = total;
out:
	free(f);
	if (!is_stdin)
		close(fd);
	return error;
}
