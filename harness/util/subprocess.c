/* Subprocess control; see subprocess.h. */
#include "harness/util/subprocess.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct reader {
	const struct hil_subprocess_opts *opts;
	struct hil_subprocess_result *res;
	struct hil_strbuf out;
	struct hil_strbuf line;
};

static void emit_line(struct reader *r)
{
	if (r->opts->on_line)
		r->opts->on_line(r->opts->payload, hil_strbuf_str(&r->line), r->line.len);
	r->line.len = 0;
	if (r->line.buf)
		r->line.buf[0] = '\0';
}

static void take(struct reader *r, const char *data, size_t n)
{
	size_t max = r->opts->max_output ? r->opts->max_output : 16u << 20;
	size_t keep = r->out.len < max ? max - r->out.len : 0;

	if (keep > n)
		keep = n;
	hil_strbuf_put(&r->out, data, keep);
	r->res->truncated |= keep < n;
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			emit_line(r);
		} else if (r->line.len < 65536) {
			hil_strbuf_putc(&r->line, data[i]);
		}
	}
}

/* Reads what is there; returns false at end of file. */
static bool drain(struct reader *r, int fd)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			take(r, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return false;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
}

/* environ plus @extra (pointers borrowed); environ itself when none. */
static char **child_env(char *const *extra)
{
	size_t n = 0, k = 0;
	char **env;

	if (!extra || !extra[0])
		return environ;
	while (environ[n])
		n++;
	while (extra[k])
		k++;
	env = hil_xcalloc(n + k + 1, sizeof(char *));
	memcpy(env, environ, n * sizeof(char *));
	memcpy(env + n, extra, k * sizeof(char *));
	return env;
}

static int spawn(pid_t *pid, const struct hil_subprocess_opts *opts, int out_fd,
		 struct hil_subprocess_result *res)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setpgroup(&attr, 0); /* its own group: the deadline kills all of it */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	char **envp = child_env(opts->extra_env);
	if (strchr(opts->argv[0], '/'))
		rc = posix_spawn(pid, opts->argv[0], &fa, &attr, opts->argv, envp);
	else
		rc = posix_spawnp(pid, opts->argv[0], &fa, &attr, opts->argv, envp);
	if (envp != environ)
		free(envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		res->start_failed = true;
		snprintf(res->error, sizeof(res->error), "cannot start %s: %s", opts->argv[0],
			 strerror(rc));
	}
	return rc;
}

/* Polling waits start short and double up to 5 ms: a tool that has just
 * closed its output is usually gone within a fraction of a millisecond, and
 * a fixed 5 ms sleep cost every programmer call that much (benchmark B2). */
static void backoff(unsigned *us)
{
	usleep(*us);
	*us = *us < 2500 ? *us * 2 : 5000;
}

/* Waits for @pid until @deadline (real ms); true when it was reaped. */
static bool reap(pid_t pid, int *status, double deadline)
{
	unsigned wait_us = 50;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true; /* not our child any more: nothing to wait for */
		if (hil_clock_real_ms() >= deadline)
			return false;
		backoff(&wait_us);
	}
}

static void record_status(struct hil_subprocess_result *res, int status)
{
	if (WIFSIGNALED(status)) {
		res->signaled = true;
		res->term_signal = WTERMSIG(status);
	} else if (WIFEXITED(status)) {
		res->exit_status = WEXITSTATUS(status);
	}
}

/* The deadline passed: SIGTERM to the group, a grace period, SIGKILL. */
static void stop_group(struct reader *r, pid_t pid, int fd, int *status)
{
	unsigned grace = r->opts->grace_ms ? r->opts->grace_ms : 2000;

	r->res->timed_out = true;
	kill(-pid, SIGTERM);
	double until = hil_clock_real_ms() + grace;
	while (hil_clock_real_ms() < until) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 20) > 0)
			drain(r, fd);
		if (reap(pid, status, 0))
			break;
	}
	kill(-pid, SIGKILL);
	reap(pid, status, hil_clock_real_ms() + 10000);
}

int hil_subprocess_run(struct hil_subprocess_result *res, const struct hil_subprocess_opts *opts)
{
	struct reader r = { .opts = opts, .res = res };
	double start = hil_clock_real_ms();
	double deadline = opts->timeout_ms ? start + opts->timeout_ms : 1e300;
	int fds[2], status = 0;
	bool open_pipe = true, exited = false;
	unsigned wait_us = 50;

	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(fds) != 0)
		return hil_error_set(HIL_EIO, "pipe: %s", strerror(errno));
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	if (spawn(&pid, opts, fds[1], res) != 0) {
		close(fds[0]);
		close(fds[1]);
		res->output = hil_strbuf_detach(&r.out);
		return 0;
	}
	close(fds[1]);
	for (;;) {
		double now = hil_clock_real_ms();
		if (!exited && (exited = reap(pid, &status, 0)) && now + 200 < deadline)
			deadline = now + 200; /* a grandchild may hold the pipe: drain briefly */
		if (exited && !open_pipe)
			break;
		if (now >= deadline) {
			if (!exited)
				stop_group(&r, pid, fds[0], &status);
			break;
		}
		if (!open_pipe) {
			backoff(&wait_us);
			continue;
		}
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int wait_ms = deadline - now < 50 ? (int)(deadline - now) + 1 : 50;
		if (poll(&p, 1, wait_ms) > 0)
			open_pipe = drain(&r, fds[0]);
	}
	if (r.line.len)
		emit_line(&r);
	kill(-pid, SIGKILL); /* leftovers of the group, if any */
	close(fds[0]);
	record_status(res, status);
	res->duration_ms = hil_clock_real_ms() - start;
	res->length = r.out.len;
	res->output = hil_strbuf_detach(&r.out);
	hil_strbuf_free(&r.line);
	return 0;
}
