/* The hostile-input suite's machinery (hostile.c), used by test_hostile.c:
 * a scratch tree to run sfi-harness in, the run itself under a deadline
 * and an address-space limit, and the checks every run gets. */
#ifndef HIL_TESTS_HOSTILE_H
#define HIL_TESTS_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>

/* The limits of issue 16: a run takes at most HOSTILE_CPU_S of CPU time
 * (RLIMIT_CPU: the kernel ends it with SIGXCPU, whatever else the machine
 * is doing, so the limit does not depend on an idle machine) and at most
 * HOSTILE_AS_LIMIT of address space (RLIMIT_AS); a run that waits without
 * using the CPU (a read that never returns) is killed at the wall-clock
 * deadline HOSTILE_HANG_S. Either fails the test. Under AddressSanitizer,
 * whose shadow memory alone is terabytes of address space, the address
 * space is not limited and the times are four times as long. */
#define HOSTILE_CPU_S 5
#define HOSTILE_HANG_S 60
#define HOSTILE_AS_LIMIT (256ul << 20)
/* The most a run may print: 100 diagnostics of at most 1 KiB and a summary.
 * A test may raise it (hostile_output_max) for output that carries the
 * input on purpose, as --json-events does in every event. */
#define HOSTILE_OUTPUT_MAX (128u << 10)
extern size_t hostile_output_max;

/* One class of hostile string, as the inside of a YAML double-quoted
 * scalar (@raw: written as it is, unquoted, e.g. bytes that are not
 * UTF-8), @repeat times. */
struct hostile_class {
	const char *what, *yaml;
	unsigned repeat;
	bool raw;
};

extern const struct hostile_class hostile_classes[];
extern const size_t hostile_class_count;

/* The class as a YAML value (quoted unless raw); free it. */
char *hostile_yaml_value(const struct hostile_class *c);

/* The bytes the class stands for (its escapes decoded), *len of them
 * (a NUL among them); free it. */
char *hostile_bytes(const struct hostile_class *c, size_t *len);

/* A scratch tree:
 *   top/                      everything the run may see; snapshot root
 *   top/elsewhere/victim      what symlinks point to; must stay as it is
 *   top/w/x/y/campaign/       scenario, rack and their files; the run's cwd
 *   top/w/x/y/campaign/out/   --out (not created beforehand)
 *   top/locks/                SFI_HARNESS_LOCK_DIR
 *   top/tmp/                  TMPDIR (counts as outside: nothing stays)
 * Deep enough that "../../../x" from the campaign stays in top/. */
struct hostile_tree {
	char *top, *campaign, *out, *elsewhere;
};

void hostile_tree_make(struct hostile_tree *t);
void hostile_tree_free(struct hostile_tree *t);

/* Writes @len bytes of @content to campaign/@name; returns the path. */
char *hostile_write(const struct hostile_tree *t, const char *name, const char *content,
		    size_t len);

/* A socket file campaign/@name that nobody listens on (bound from inside
 * the folder: a socket's path is at most 107 bytes, the folder's may be
 * longer). */
void hostile_socket(const struct hostile_tree *t, const char *name);

struct hostile_run {
	int code;       /* exit status; -1 when it did not exit */
	int signal;     /* the signal that ended it, 0 if none */
	bool timed_out; /* killed at the deadline */
	char *output;   /* stdout and stderr, as written */
	size_t output_len;
};

/* Runs sfi-harness with @args (NULL-terminated, without argv[0]) in @t's
 * campaign folder, and asserts what every run must hold: it ended by
 * itself within the deadline, without a signal, with an exit code of the
 * contract (0 to 3); nothing outside --out (@allowed, relative to top,
 * e.g. "w/x/y/campaign/out/"; NULL: nothing) and the lock folder was
 * created, changed or removed; its output holds no raw control character
 * and is under hostile_output_max; and of what it wrote in @report_dir
 * (NULL: --out), junit.xml is well-formed XML without a raw control
 * character, summary.json is JSON, and report.html holds no element or
 * attribute a clean page (hostile_clean_page) lacks, no script and no
 * link but to a file path (no scheme, no //host). @what names the case
 * in messages. */
void hostile_check(struct hostile_run *r, const struct hostile_tree *t, const char *what,
		   const char *const args[], const char *allowed, const char *report_dir);

void hostile_run_free(struct hostile_run *r);

/* The element and attribute names of a clean report.html at @path: the
 * baseline hostile_check compares pages with. */
void hostile_clean_page(const char *path);

/* Asserts that the @len bytes at @s hold no C0 control but \n and \t, no
 * DEL, no C1 control, no bidi or invisible format character, and only
 * valid UTF-8; @what names them in the message. */
void hostile_assert_no_raw_control(const char *s, size_t len, const char *what);

#endif
