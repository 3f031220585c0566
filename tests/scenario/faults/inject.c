/* A fault injector for the harness's writes (LD_PRELOAD), after SQLite's
 * test VFS: the Nth write(2), fsync(2)/fdatasync(2) or rename(2) on a file
 * under $HIL_FAULT_DIR fails once with ENOSPC (write) or EIO, everything
 * else passes through.
 *
 *   HIL_FAULT_DIR    only files under this folder count (the results folder)
 *   HIL_FAULT_OP     write | fsync | rename
 *   HIL_FAULT_NTH    which call fails (1-based)
 *   HIL_FAULT_FIRED  a file created when the fault fires (so a test knows
 *                    when N has passed the number of calls there are)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_long calls;

static bool under_dir(const char *path)
{
	const char *dir = getenv("HIL_FAULT_DIR");
	size_t len = dir ? strlen(dir) : 0;

	return len && path && !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

static bool fd_under_dir(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	return under_dir(path);
}

/* True when this call of @op is the one to fail. */
static bool strike(const char *op, bool counts)
{
	const char *want = getenv("HIL_FAULT_OP"), *nth = getenv("HIL_FAULT_NTH");

	if (!counts || !want || !nth || strcmp(want, op) != 0)
		return false;
	if (atomic_fetch_add(&calls, 1) + 1 != atol(nth))
		return false;
	const char *fired = getenv("HIL_FAULT_FIRED");
	if (fired) {
		int (*real_open)(const char *, int, ...) = dlsym(RTLD_NEXT, "open");
		int fd = real_open(fired, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	return true;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (fd > 2 && strike("write", fd_under_dir(fd))) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (strike("fsync", fd_under_dir(fd))) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	if (strike("fsync", fd_under_dir(fd))) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (strike("rename", under_dir(to))) {
		errno = EIO;
		return -1;
	}
	return real(from, to);
}
