/* Subprocess control; see subprocess.h. */
#define _GNU_SOURCE /* pipe2 */
#include "harness/util/subprocess.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/guard.h"
#include "harness/util/stop.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Output past max_output is cut from the middle, not the end: the first
 * and the last half are kept (the tail in a ring), because the tool's
 * conclusion (success marker, last error) is what it prints last, and a
 * transcript without it would be classified `incomplete` with no word of
 * why. The cut is marked in the output itself, so the step's log says so. */
struct reader {
	const struct hil_subprocess_opts *opts;
	struct hil_subprocess_result *res;
	struct hil_strbuf out;  /* the head, then (finish_output) all that is kept */
	struct hil_strbuf line;
	char *tail;             /* ring of tail_max bytes, after the head filled */
	size_t tail_max, tail_len, tail_start;
	unsigned long long cut; /* bytes dropped from the middle */
};

static void emit_line(struct reader *r)
{
	if (r->opts->on_line)
		r->opts->on_line(r->opts->payload, hil_strbuf_str(&r->line), r->line.len);
	r->line.len = 0;
	if (r->line.buf)
		r->line.buf[0] = '\0';
}

static void keep_tail(struct reader *r, const char *data, size_t n)
{
	if (!r->tail_max) {
		r->cut += n;
		return;
	}
	if (!r->tail)
		r->tail = hil_xmalloc(r->tail_max);
	if (n >= r->tail_max) { /* only the last tail_max bytes of @data stay */
		r->cut += r->tail_len + (n - r->tail_max);
		memcpy(r->tail, data + n - r->tail_max, r->tail_max);
		r->tail_len = r->tail_max;
		r->tail_start = 0;
		return;
	}
	size_t room = r->tail_max - r->tail_len, over = n > room ? n - room : 0;
	r->cut += over;
	r->tail_start = (r->tail_start + over) % r->tail_max;
	r->tail_len -= over;
	for (size_t done = 0; done < n;) {
		size_t at = (r->tail_start + r->tail_len) % r->tail_max;
		size_t piece = r->tail_max - at < n - done ? r->tail_max - at : n - done;
		memcpy(r->tail + at, data + done, piece);
		r->tail_len += piece;
		done += piece;
	}
}

static void take(struct reader *r, const char *data, size_t n)
{
	size_t max = r->opts->max_output ? r->opts->max_output : 16u << 20;
	size_t head_max = max - max / 2;
	size_t keep = r->out.len < head_max ? head_max - r->out.len : 0;

	r->tail_max = max / 2;
	if (keep > n)
		keep = n;
	hil_strbuf_put(&r->out, data, keep);
	if (keep < n)
		keep_tail(r, data + keep, n - keep);
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			emit_line(r);
		} else if (r->line.len < 65536) {
			hil_strbuf_putc(&r->line, data[i]);
		}
	}
}

/* The head, a line saying what was cut (if anything), then the tail. */
static void finish_output(struct reader *r, struct hil_subprocess_result *res)
{
	if (r->cut)
		hil_strbuf_printf(&r->out, "\n[sfi-harness: %llu bytes of the tool's output cut here; "
				  "the first %zu and the last %zu bytes are kept]\n", r->cut,
				  r->out.len, r->tail_len);
	for (size_t i = 0; i < r->tail_len;) {
		size_t at = (r->tail_start + i) % r->tail_max;
		size_t piece = r->tail_max - at < r->tail_len - i ? r->tail_max - at : r->tail_len - i;
		hil_strbuf_put(&r->out, r->tail + at, piece);
		i += piece;
	}
	free(r->tail);
	r->tail = NULL;
	res->truncated = r->cut > 0;
	res->length = r->out.len;
	res->output = hil_strbuf_detach(&r->out);
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

/* In the child, between fork() and exec: only async-signal-safe calls.
 * Never returns. */
static void child_exec(const struct hil_subprocess_opts *opts, const char *path, int out_fd,
		       int err_fd, pid_t parent, char **envp)
{
	int err;

	sigset_t none;
	struct sigaction dfl;
	int null_fd;

	/* The tool dies with the harness, however the harness dies (SIGKILL
	 * included): the kernel sends SIGKILL when the thread that forked it
	 * ends (prctl(2)); that thread waits for the tool, so it ends only with
	 * the process. A harness that died before this line: exit now. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		goto fail;
	setpgid(0, 0); /* its own group: the deadline kills all of it */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	if (opts->cwd && chdir(opts->cwd) != 0)
		goto fail;
	if (opts->inherit_fd > 2) {
		/* kept across exec: e.g. the board's lock, held while the tool lives */
		int flags = fcntl(opts->inherit_fd, F_GETFD);
		if (flags >= 0)
			fcntl(opts->inherit_fd, F_SETFD, flags & ~FD_CLOEXEC);
	}
	execve(path, opts->argv, envp);
fail:
	/* tell the parent why through @err_fd (closed on a successful exec) */
	err = errno ? errno : ECHILD;
	while (write(err_fd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(127);
}

char *hil_find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	struct hil_strbuf b = { 0 };

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		b.len = 0;
		hil_strbuf_printf(&b, "%.*s/%s", (int)len, len ? path : ".", name);
		if (access(hil_strbuf_str(&b), X_OK) == 0)
			return hil_strbuf_detach(&b);
		path += len + (end ? 1 : 0);
	}
	hil_strbuf_free(&b);
	return NULL;
}

/* fork() rather than posix_spawn(): only a forked child can ask the kernel
 * to kill it when the harness dies (PR_SET_PDEATHSIG). */
static int spawn(pid_t *pid, const struct hil_subprocess_opts *opts, int out_fd,
		 struct hil_subprocess_result *res)
{
	pid_t parent = getpid();
	char **envp;
	char *found = NULL;
	const char *path = opts->argv[0];
	pid_t child;
	int errp[2], err = 0;
	ssize_t n;

	if (!strchr(path, '/') && !(path = found = hil_find_in_path(opts->argv[0]))) {
		err = ENOENT;
		goto failed;
	}
	if (pipe2(errp, O_CLOEXEC) != 0) {
		err = errno;
		goto failed;
	}
	envp = child_env(opts->extra_env);
	child = fork();
	if (child == 0) {
		close(errp[0]);
		child_exec(opts, path, out_fd, errp[1], parent, envp);
	}
	err = errno;
	if (envp != environ)
		free(envp);
	free(found);
	found = NULL;
	close(errp[1]);
	if (child < 0) {
		close(errp[0]);
		goto failed;
	}
	setpgid(child, child); /* also here: no race with kill(-pid) later */
	hil_guard_add(child);  /* its whole group dies with the harness (guard.h) */
	/* end of file: exec succeeded; an int: why it did not */
	do
		n = read(errp[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == (ssize_t)sizeof(err)) {
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		hil_guard_remove(child);
		goto failed;
	}
	*pid = child;
	return 0;
failed:
	free(found);
	res->start_failed = true;
	snprintf(res->error, sizeof(res->error), "cannot start %s: %s", opts->argv[0],
		 strerror(err));
	return err ? err : -1;
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

/* The deadline passed (or a second stop signal came, @now): SIGTERM to
 * the group, a grace period, SIGKILL. */
static void stop_group(struct reader *r, pid_t pid, int fd, int *status, bool now)
{
	unsigned grace = now ? 200 : r->opts->grace_ms ? r->opts->grace_ms : 2000;

	if (now)
		r->res->interrupted = true;
	else
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
	/* pipe2: close-on-exec from the start, so a tool that another board's
	 * thread starts meanwhile never inherits this pipe's ends */
	if (pipe2(fds, O_CLOEXEC) != 0)
		return hil_error_set(HIL_EIO, "pipe: %s", strerror(errno));
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
		if (now >= deadline || (!exited && hil_stop_now())) {
			if (!exited)
				stop_group(&r, pid, fds[0], &status, now < deadline);
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
	hil_guard_remove(pid);
	close(fds[0]);
	record_status(res, status);
	res->duration_ms = hil_clock_real_ms() - start;
	finish_output(&r, res);
	hil_strbuf_free(&r.line);
	return 0;
}
