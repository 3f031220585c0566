/* sfi-bench: the benchmarks of docs/performance (B1-B7), one file each.
 * Each benchmark returns a JSON object for bench/results.json with its
 * numbers, its target and whether it was met, and prints its table rows. */
#ifndef HIL_BENCH_BENCH_H
#define HIL_BENCH_BENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct bench_opts {
	const char *binary;       /* sfi-harness */
	const char *fake_cli;     /* fake-STM32_Programmer_CLI */
	const char *source_dir;   /* the project tree (fixtures) */
	const char *work_dir;     /* scratch */
	unsigned runs;            /* repetitions per measurement */
	bool quick;               /* smaller sizes (a smoke run) */
};

/* A finished child: wall seconds, peak RSS (KiB) and CPU seconds
 * (user+sys, its waited-for descendants included). */
struct bench_proc {
	double wall_s, cpu_s;
	long max_rss_kib;
	int exit_code;
};

double bench_now(void);
/* Runs argv (no shell) with stdout/stderr to @log (NULL: /dev/null) and
 * waits. @env_extra: NULL-terminated "K=V" added to the environment. */
/* Measured runs that failed (a benchmark counts its own): when any did,
 * sfi-bench says so and exits 1, since a failed run's time measures nothing. */
extern unsigned bench_failures;

int bench_spawn(char *const argv[], char *const env_extra[], const char *log,
		struct bench_proc *out);

/* {median, min, max, runs} of @v (sorted in place). */
json_t *bench_stats(double *v, size_t n);
double bench_median(double *v, size_t n);

/* Writes @text to @dir/@name; returns the path (free it). */
char *bench_write(const char *dir, const char *name, const char *text);

/* A rack of @boards simulated BL 0x92 boards on relay0 with @programmer
 * (a YAML flow mapping) at @time_scale; returns its path. */
char *bench_rack(const struct bench_opts *o, const char *name, unsigned boards,
		 const char *programmer, double time_scale);
/* A scenario: @steps (YAML list items) repeated @repeat times per board,
 * installs licensed from a per-board cache; returns its path. */
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
json_t *bench_b6_model_scale(const struct bench_opts *o);
json_t *bench_history(const struct bench_opts *o);
json_t *bench_b7_hsm_parallel(const struct bench_opts *o);

#endif
