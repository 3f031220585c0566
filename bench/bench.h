/* sfi-bench: the benchmarks of README "Performance" (B1-B7, SCALE, HIST),
 * one file each. Each benchmark returns a JSON object for
 * bench/results.json with its numbers, its target and whether it was met,
 * and the rows it adds to the table sfi-bench prints at the end (its
 * figure next to its target and its peer: what a lab would use instead).
 *
 * Hygiene every benchmark keeps: its own scratch folder (o->work_dir, one
 * per benchmark) and lock folder (o->work_dir/locks: in every rack it
 * writes, and SFI_HARNESS_LOCK_DIR for the racks it does not), so the
 * machine's other users' boards and locks never meet its own; every child
 * is checked for the exit it should have (bench_run), and a benchmark with
 * a failed run reports no figure; A/B runs alternate. */
#ifndef HIL_BENCH_BENCH_H
#define HIL_BENCH_BENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct bench_opts {
	const char *binary;       /* sfi-harness */
	const char *fake_cli;     /* fake-STM32_Programmer_CLI */
	const char *source_dir;   /* the project tree (fixtures) */
	const char *work_dir;     /* this benchmark's scratch folder */
	const char *lock_dir;     /* this benchmark's lock folder (in work_dir) */
	unsigned runs;            /* repetitions per measurement */
	bool quick;               /* smaller sizes (a smoke run) */
};

/* A finished child: wall seconds, peak RSS (KiB) and CPU seconds
 * (user+sys): cpu_s with its waited-for descendants, self_cpu_s of the
 * process alone (all its threads) and children_cpu_s of its waited-for
 * descendants, read from /proc/PID/stat before it is reaped (clock ticks:
 * 10 ms resolution). */
struct bench_proc {
	double wall_s, cpu_s, self_cpu_s, children_cpu_s;
	long max_rss_kib;
	int exit_code;
};

double bench_now(void);

/* Measured runs that failed (bench_run counts them; in-process benchmarks
 * add theirs): a benchmark during which any did reports no figure, and
 * sfi-bench exits 1, since a failed run's time measures nothing. */
extern unsigned bench_failures;

/* Runs argv (no shell) with stdout/stderr to @log (NULL: /dev/null) and
 * waits. @env_extra: NULL-terminated "K=V" added to the environment. */
int bench_spawn(char *const argv[], char *const env_extra[], const char *log,
		struct bench_proc *out);
/* bench_spawn, then checks that the child exited @expect; when it did
 * not, prints @what and the exit, counts a failure and returns -1. */
int bench_run(const char *what, char *const argv[], char *const env_extra[], const char *log,
	      int expect, struct bench_proc *out);

/* {median, min, max, runs} of @v (sorted in place). */
json_t *bench_stats(double *v, size_t n);
double bench_median(double *v, size_t n);
/* "1.23 s (1.20–1.31, 5 runs)" with @v's median, min and max (sorted in
 * place), @scale times each, printed with @fmt ("%.2f"). Free it. */
char *bench_summary(double *v, size_t n, double scale, const char *fmt, const char *unit);
/* "min–max" of @v (sorted in place), printed with @fmt. Free it. */
char *bench_range(double *v, size_t n, const char *fmt);
char *bench_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Adds a row to @res's "table": the benchmark's figure, its peer's and its
 * target ("" when none); @met: 1 met, 0 not met, -1 no target. The
 * strings are copied. */
void bench_table_row(json_t *res, const char *what, const char *result, const char *peer,
		     const char *target, int met);

/* Writes @text to @dir/@name; returns the path (free it). */
char *bench_write(const char *dir, const char *name, const char *text);
/* Makes @dir (and its parents). */
void bench_mkdir(const char *dir);

/* A rack of @boards simulated boards of profile @sim (NULL: BL 0x92) on
 * relay0 with @programmer (a YAML flow mapping) at @time_scale, its locks
 * in o->lock_dir; returns its path. */
char *bench_rack(const struct bench_opts *o, const char *name, unsigned boards,
		 const char *programmer, double time_scale, const char *sim);
/* A scenario: @steps (YAML list items) repeated @repeat times per board;
 * returns its path. */
char *bench_scenario(const struct bench_opts *o, const char *name, unsigned repeat,
		     const char *steps);

/* The verdict printed next to a target: "target met" or "below target",
 * and for a --quick smoke run that its sizes are cut down (its numbers
 * are not the measurement ci/bench.sh makes). */
const char *bench_verdict(const struct bench_opts *o, bool met);

json_t *bench_b1_parallel(const struct bench_opts *o);
json_t *bench_b2_overhead(const struct bench_opts *o);
json_t *bench_b3_parser(const struct bench_opts *o);
json_t *bench_b4_scale(const struct bench_opts *o);
json_t *bench_b5_simulator(const struct bench_opts *o);
json_t *bench_b6_labgrid(const struct bench_opts *o);
json_t *bench_b7_startup(const struct bench_opts *o);
json_t *bench_model_scale(const struct bench_opts *o);
json_t *bench_history(const struct bench_opts *o);

#endif
