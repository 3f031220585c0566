/* The guardian process; see guard.h. */
#define _GNU_SOURCE /* pipe2 */
#include "harness/util/guard.h"
#include "harness/util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GUARD_MAX 4096 /* groups at once: far more boards than a rack has */

struct message {
	int32_t op; /* +1 add, -1 remove */
	int32_t pgid;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int guard_fd = -1;
static pid_t guard_pid;

/* Every descriptor but @keep: the guardian must not hold a board lock or
 * the journal open after the harness is gone. Async-signal-safe (no
 * malloc): raw getdents64 would do too, but closing up to the limit is
 * simpler and runs once. */
static void close_all_but(int keep)
{
	long max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 0; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

static void guardian(int fd)
{
	static int32_t groups[GUARD_MAX];
	size_t count = 0;
	struct message m;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	close_all_but(fd);
	for (;;) {
		ssize_t n = read(fd, &m, sizeof(m));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(m))
			break; /* end of file: the harness is gone */
		if (m.op > 0 && count < GUARD_MAX) {
			groups[count++] = m.pgid;
		} else if (m.op < 0) {
			for (size_t i = 0; i < count; i++)
				if (groups[i] == m.pgid) {
					groups[i] = groups[--count];
					break;
				}
		}
	}
	for (size_t i = 0; i < count; i++)
		kill(-groups[i], SIGKILL);
	_exit(0);
}

static void start(void)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		guardian(p[0]);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return;
	}
	guard_fd = p[1];
	guard_pid = pid;
}

static int send_message(int32_t op, pid_t pgid)
{
	struct message m = { .op = op, .pgid = (int32_t)pgid };
	ssize_t n;

	if (guard_fd < 0)
		return hil_error_set(HIL_ERROR, "no guardian process");
	/* 8 bytes, less than PIPE_BUF: one atomic write whatever other threads do */
	do
		n = write(guard_fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(m) ? 0 : hil_error_set(HIL_EIO, "guardian: %s", strerror(errno));
}

int hil_guard_add(pid_t pgid)
{
	pthread_once(&once, start);
	return send_message(1, pgid);
}

void hil_guard_remove(pid_t pgid)
{
	if (guard_fd >= 0)
		send_message(-1, pgid);
}

pid_t hil_guard_pid(void)
{
	return guard_pid;
}
