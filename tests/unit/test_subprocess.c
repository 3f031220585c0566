/* harness/util/subprocess.c: a tool never outlives the harness, never
 * inherits another tool's pipe, keeps only the descriptor it is given, and
 * a second stop signal ends it at once. */
#include "harness/util/stop.h"
#include "harness/util/subprocess.h"
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(struct hil_subprocess_result *res, char *const argv[], unsigned timeout_ms)
{
	struct hil_subprocess_opts opts = { .argv = argv, .timeout_ms = timeout_ms };

	return hil_subprocess_run(res, &opts);
}


/* Reads "PID PID" from @file (waiting for it); false when it never came. */
static bool read_pids(const char *file, long *a, long *b)
{
	for (int tries = 0; tries < 500; tries++) {
		FILE *f = fopen(file, "r");
		if (f) {
			int n = fscanf(f, "%ld %ld", a, b);
			fclose(f);
			if (n == 2 && *a > 0 && *b > 0)
				return true;
		}
		usleep(10000);
	}
	return false;
}

Test(subprocess, the_tool_and_its_children_die_with_a_harness_killed_by_sigkill)
{
	char *dir = test_tmpdir();
	char *pidfile = NULL, *tmp = NULL;
	pid_t harness;
	long tool = 0, child = 0;

	cr_assert(asprintf(&pidfile, "%s/tool.pid", dir) > 0);
	cr_assert(asprintf(&tmp, "%s.tmp", pidfile) > 0);
	harness = fork();
	if (harness == 0) {
		/* the stand-in harness: starts a tool that starts a child of its
		 * own in the tool's process group, then waits for it */
		char script[1024];
		snprintf(script, sizeof(script),
			 "sleep 60 & echo $$ $! > '%s'; mv '%s' '%s'; wait", tmp, tmp, pidfile);
		char *argv[] = { "/bin/sh", "-c", script, NULL };
		struct hil_subprocess_result res;
		run(&res, argv, 120000);
		_exit(0);
	}
	cr_assert(read_pids(pidfile, &tool, &child), "the tool never started");
	cr_assert(test_alive((pid_t)tool) && test_alive((pid_t)child));
	kill(harness, SIGKILL);
	waitpid(harness, NULL, 0);
	for (int i = 0; i < 500 && (test_alive((pid_t)tool) || test_alive((pid_t)child)); i++)
		usleep(10000);
	bool tool_left = test_alive((pid_t)tool), child_left = test_alive((pid_t)child);
	kill((pid_t)tool, SIGKILL);
	kill((pid_t)child, SIGKILL);
	cr_assert(!tool_left, "the tool outlived the harness by 5 s");
	cr_assert(!child_left, "the tool's child outlived the harness by 5 s (no guardian)");
	free(tmp);
	free(pidfile);
	free(dir);
}

static unsigned fd_lines(void)
{
	char *argv[] = { "/bin/ls", "-1", "/proc/self/fd", NULL };
	struct hil_subprocess_result res;
	unsigned lines = 0;

	cr_assert_eq(run(&res, argv, 10000), 0);
	for (size_t k = 0; k < res.length; k++)
		lines += res.output[k] == '\n';
	free(res.output);
	return lines;
}

/* What a tool sees when nothing else runs: 0, 1, 2, ls's own directory
 * descriptor and whatever the test runner left open without close-on-exec. */
static unsigned quiet_fds;

static void *spawn_many(void *arg)
{
	int *leaks = arg;
	char *argv[] = { "/bin/ls", "-1", "/proc/self/fd", NULL };

	for (int i = 0; i < 150; i++) {
		struct hil_subprocess_result res;
		if (run(&res, argv, 10000) != 0 || res.exit_status != 0) {
			__atomic_add_fetch(leaks, 1000, __ATOMIC_RELAXED);
			free(res.output);
			continue;
		}
		unsigned lines = 0;
		for (size_t k = 0; k < res.length; k++)
			lines += res.output[k] == '\n';
		if (lines > quiet_fds) /* another thread's pipe end came along */
			__atomic_add_fetch(leaks, 1, __ATOMIC_RELAXED);
		free(res.output);
	}
	return NULL;
}

Test(subprocess, tools_started_by_eight_threads_inherit_no_descriptor)
{
	pthread_t t[8];
	int leaks = 0;

	quiet_fds = fd_lines();
	for (int i = 0; i < 8; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, spawn_many, &leaks), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(leaks, 0, "%d of 1200 tools saw a descriptor they were not given", leaks);
}

Test(subprocess, only_the_given_descriptor_is_kept_and_holds_its_lock_while_the_tool_lives)
{
	char *dir = test_tmpdir();
	char *lockpath = NULL, *fdarg = NULL;
	struct hil_subprocess_result res;

	cr_assert(asprintf(&lockpath, "%s/board.lock", dir) > 0);
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int other = open(lockpath, O_RDONLY | O_CLOEXEC);
	cr_assert(fd > 2 && other > 2);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	cr_assert(asprintf(&fdarg, "test -e /proc/self/fd/%d && echo kept; "
			   "test -e /proc/self/fd/%d && echo leaked; exit 0", fd, other) > 0);
	char *argv[] = { "/bin/sh", "-c", fdarg, NULL };
	struct hil_subprocess_opts opts = { .argv = argv, .timeout_ms = 10000, .inherit_fd = fd };
	cr_assert_eq(hil_subprocess_run(&res, &opts), 0);
	cr_assert(strstr(res.output, "kept"), "%s", res.output);
	cr_assert(!strstr(res.output, "leaked"), "%s", res.output);
	cr_assert_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "the parent's copy stays close-on-exec");
	free(res.output);
	close(other);
	close(fd);
	free(fdarg);
	free(lockpath);
	free(dir);
}

static void *stop_twice(void *arg)
{
	(void)arg;
	usleep(300000);
	kill(getpid(), SIGINT);
	usleep(50000);
	kill(getpid(), SIGINT);
	return NULL;
}

Test(subprocess, a_second_stop_signal_ends_the_running_tool_at_once)
{
	char *argv[] = { "/bin/sleep", "30", NULL };
	struct hil_subprocess_result res;
	pthread_t t;

	hil_stop_reset();
	hil_stop_install_signals();
	cr_assert_eq(pthread_create(&t, NULL, stop_twice, NULL), 0);
	cr_assert_eq(run(&res, argv, 60000), 0);
	pthread_join(t, NULL);
	cr_assert(res.interrupted, "the tool ran on after the second signal");
	cr_assert(!res.timed_out);
	cr_assert_lt(res.duration_ms, 5000.0, "ended after %.0f ms", res.duration_ms);
	cr_assert(hil_stop_requested() && hil_stop_now());
	cr_assert_eq(hil_stop_signal(), SIGINT);
	free(res.output);
	hil_stop_reset();
	signal(SIGINT, SIG_DFL);
}

Test(subprocess, sighup_asks_for_a_stop_like_sigterm)
{
	hil_stop_reset();
	hil_stop_install_signals();
	kill(getpid(), SIGHUP);
	cr_assert(hil_stop_requested(), "SIGHUP was not handled");
	cr_assert(!hil_stop_now());
	cr_assert_eq(hil_stop_signal(), SIGHUP);
	hil_stop_reset();
	signal(SIGHUP, SIG_DFL);
}

Test(subprocess, a_tool_that_cannot_start_says_why)
{
	char *dir = test_tmpdir();
	char *plain = test_write(dir, "not-executable", "#!/bin/sh\necho hi\n");
	char *missing[] = { "/nonexistent/STM32_Programmer_CLI", NULL };
	char *noexec[] = { plain, NULL };
	char *nopath[] = { "no-such-tool-in-path-sfi", NULL };
	struct hil_subprocess_result res;

	cr_assert_eq(run(&res, missing, 5000), 0);
	cr_assert(res.start_failed);
	cr_assert(strstr(res.error, "No such file"), "%s", res.error);
	free(res.output);
	cr_assert_eq(run(&res, noexec, 5000), 0);
	cr_assert(res.start_failed);
	cr_assert(strstr(res.error, "Permission denied"), "%s", res.error);
	free(res.output);
	cr_assert_eq(run(&res, nopath, 5000), 0);
	cr_assert(res.start_failed);
	free(res.output);
	free(plain);
	free(dir);
}

/* Output past max_output is cut from the middle, visibly: the end, where
 * the tool says how it ended, is kept (issue 16: never silently
 * `incomplete`). */
Test(subprocess, output_over_the_cap_keeps_its_end_and_says_it_was_cut)
{
	char *argv[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); "
			 "done; echo Operation Success", NULL };
	struct hil_subprocess_opts opts = { .argv = argv, .timeout_ms = 10000, .max_output = 200 };
	struct hil_subprocess_result res;

	cr_assert_eq(hil_subprocess_run(&res, &opts), 0);
	cr_assert(res.truncated);
	cr_assert(!strncmp(res.output, "line0\nline1\n", 12), "%s", res.output);
	cr_assert(strstr(res.output, "bytes of the tool's output cut here"), "%s", res.output);
	size_t n = strlen(res.output);
	cr_assert(n > 18 && !strcmp(res.output + n - 18, "Operation Success\n"), "%s", res.output);
	cr_assert_eq(res.length, n);
	free(res.output);

	opts.max_output = 100000; /* under the cap: all of it, unmarked */
	cr_assert_eq(hil_subprocess_run(&res, &opts), 0);
	cr_assert(!res.truncated);
	cr_assert(!strstr(res.output, "cut here") && strstr(res.output, "line50\nline51\n"));
	free(res.output);
}
