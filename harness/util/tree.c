/* Folder trees; see tree.h. Every entry is opened relative to its folder's
 * descriptor with O_NOFOLLOW, so a link swapped in mid-walk is never
 * followed. */
#include "harness/util/tree.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(int sdir, int ddir, const char *name, const char *dst)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	int out = in < 0 ? -1 : openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				       0644);
	char buf[65536];
	ssize_t got = 0;
	int error = 0;

	if (in < 0 || out < 0)
		error = hil_error_set(HIL_EIO, "%s/%s: %s", dst, name, strerror(errno));
	while (!error && (got = read(in, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0)
			error = hil_write_all(out, name, buf, (size_t)got);
		else
			error = hil_error_set(HIL_EIO, "%s/%s: %s", dst, name, strerror(errno));
	}
	if (out >= 0 && close(out) != 0 && !error)
		error = hil_error_set(HIL_EIO, "%s/%s: %s", dst, name, strerror(errno));
	if (in >= 0)
		close(in);
	return error;
}

static int link_tree(int sdir, int ddir, const char *dst, int depth)
{
	DIR *d = fdopendir(dup(sdir));
	struct dirent *e;
	int error = 0;

	if (!d)
		return hil_error_set(HIL_EIO, "%s: %s", dst, strerror(errno));
	if (depth > 64) {
		closedir(d);
		return hil_error_set(HIL_EIO, "%s: folders nested too deep", dst);
	}
	while (!error && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(sdir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(ddir, e->d_name, 0755) != 0 && errno != EEXIST) {
				error = hil_error_set(HIL_EIO, "%s/%s: %s", dst, e->d_name, strerror(errno));
				break;
			}
			int s = openat(sdir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int t = openat(ddir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s < 0 || t < 0)
				error = hil_error_set(HIL_EIO, "%s/%s: %s", dst, e->d_name, strerror(errno));
			else
				error = link_tree(s, t, dst, depth + 1);
			if (s >= 0)
				close(s);
			if (t >= 0)
				close(t);
		} else if (S_ISREG(st.st_mode)) {
			if (linkat(sdir, e->d_name, ddir, e->d_name, 0) == 0)
				continue;
			if (errno == EEXIST)
				error = hil_error_set(HIL_EIO, "%s/%s exists already", dst, e->d_name);
			else
				error = copy_file(sdir, ddir, e->d_name, dst);
		}
	}
	closedir(d);
	return error;
}

int hil_tree_link(const char *src, const char *dst)
{
	int s = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), t = -1, error = 0;

	if (s < 0)
		return errno == ENOENT ? 0 : hil_error_set(HIL_EIO, "%s: %s", src, strerror(errno));
	if (mkdir(dst, 0755) != 0 && errno != EEXIST)
		error = hil_error_set(HIL_EIO, "%s: %s", dst, strerror(errno));
	else if ((t = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		error = hil_error_set(HIL_EIO, "%s: %s", dst, strerror(errno));
	else
		error = link_tree(s, t, dst, 0);
	if (t >= 0)
		close(t);
	close(s);
	return error;
}

static int remove_in(int dir, const char *name, int depth)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) /* a file or a link: remove the name itself */
		return unlinkat(dir, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && depth < 64 &&
		    remove_in(dirfd(d), e->d_name, depth + 1) != 0)
			rc = -1;
	closedir(d);
	return unlinkat(dir, name, AT_REMOVEDIR) == 0 && !rc ? 0 : -1;
}

int hil_tree_remove(const char *path)
{
	if (remove_in(AT_FDCWD, path, 0) != 0)
		return hil_error_set(HIL_EIO, "%s: cannot remove it all: %s", path, strerror(errno));
	return 0;
}
