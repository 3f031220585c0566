/* Running an external tool: argv only (never a shell), in its own process
 * group, output streamed line by line, with a deadline that ends the whole
 * group (SIGTERM, a grace period, then SIGKILL). Nothing is left running
 * and no zombie remains when hil_subprocess_run() returns.
 *
 * The tool never outlives the harness: it is forked with
 * PR_SET_PDEATHSIG=SIGKILL, so however the harness ends (SIGKILL too) the
 * kernel kills the tool at once, and the guardian (guard.h) kills what the
 * tool started, its whole process group. A second stop signal (util/stop.h) ends
 * the running tool's group too, within about 250 ms.
 *
 * File descriptors: the child gets /dev/null on stdin and one pipe for
 * both stdout and stderr (so their order is kept); the parent owns and
 * closes the read end. Every descriptor is close-on-exec from its creation
 * (pipe2, O_CLOEXEC), so a tool started by another thread never inherits
 * one; only @inherit_fd is passed on.
 */
#ifndef HIL_HARNESS_SUBPROCESS_H
#define HIL_HARNESS_SUBPROCESS_H

#include <stdbool.h>
#include <stddef.h>

struct hil_subprocess_opts {
	char *const *argv;          /* argv[0]: a path, or a name looked up in PATH */
	unsigned timeout_ms;        /* 0: no deadline (avoid) */
	unsigned grace_ms;          /* after SIGTERM, before SIGKILL (default 2000) */
	/* Kept bytes (default 16 MiB): past it, the first and the last half
	 * are kept, with a line saying how much was cut between them. */
	size_t max_output;
	char *const *extra_env;     /* Optional: "NAME=value" entries added to the environment */
	/* Optional (> 2): a descriptor the tool keeps, e.g. the board's lock
	 * file, so the flock is held as long as the tool lives even when the
	 * harness is gone; 0: none. */
	int inherit_fd;
	/* Optional: the folder the tool starts in (NULL: the harness's). */
	const char *cwd;
	/* Optional: called for each complete line (without its newline), and
	 * for a last unterminated one. */
	void (*on_line)(void *payload, const char *line, size_t len);
	void *payload;
};

struct hil_subprocess_result {
	char *output;               /* owned, NUL-terminated */
	size_t length;
	bool truncated;             /* more than max_output was printed (and cut) */
	bool start_failed;          /* could not be started; message in error */
	bool timed_out;             /* the deadline ended it */
	bool interrupted;           /* a second stop signal ended it */
	bool signaled;
	int term_signal;            /* when signaled */
	int exit_status;            /* when neither */
	double duration_ms;
	char error[256];            /* why it could not start */
};

/* @name looked up in $PATH as the tool would be run (done before fork:
 * the child may not allocate). Owned; NULL when no executable of that
 * name is there. */
char *hil_find_in_path(const char *name);

/* Runs the tool to completion or deadline. Returns 0 whenever *res
 * describes what happened (including start failures); negative only for
 * harness faults (no pipe). Free res->output with free(). */
int hil_subprocess_run(struct hil_subprocess_result *res, const struct hil_subprocess_opts *opts);

#endif
