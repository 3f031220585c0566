/* Helpers shared by the benchmarks: spawning, timing, statistics, files. */
#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **merged_env(char *const extra[])
{
	size_t n = 0, k = 0;

	while (environ[n])
		n++;
	while (extra && extra[k])
		k++;
	char **env = calloc(n + k + 1, sizeof(*env));
	if (!env)
		abort();
	memcpy(env, extra ? extra : env, k * sizeof(*env));
	memcpy(env + k, environ, n * sizeof(*env));
	return env;
}

/* fork + exec, not posix_spawn: a vfork-style spawn shares this process's
 * memory until exec, and Linux then reports this process's peak RSS as the
 * child's (B4 measures the child's). */
int bench_spawn(char *const argv[], char *const env_extra[], const char *log,
		struct bench_proc *out)
{
	char **env = merged_env(env_extra);
	struct rusage ru;
	pid_t pid;
	int status = 0;
	double start = bench_now();

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free(env);
		return -1;
	}
	if (pid == 0) {
		int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execve(argv[0], argv, env);
		_exit(127);
	}
	free(env);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	out->wall_s = bench_now() - start;
	out->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	out->max_rss_kib = ru.ru_maxrss;
	out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out->exit_code == 127)
		fprintf(stderr, "sfi-bench: cannot start %s\n", argv[0]);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

json_t *bench_stats(double *v, size_t n)
{
	double median = bench_median(v, n);

	return json_pack("{s:f, s:f, s:f, s:i}", "median", median, "min", v[0], "max", v[n - 1],
			 "runs", (json_int_t)n);
}

char *bench_write(const char *dir, const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || !(f = fopen(path, "w")))
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

char *bench_rack(const struct bench_opts *o, const char *name, unsigned boards,
		 const char *programmer, double time_scale)
{
	char *text = NULL, *path;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fprintf(f, "rack: bench\ntime_scale: %g\nprogrammer: %s\nprobe: {driver: sim}\n"
		"power:\n  - {id: relay0, driver: sim}\nboards:\n", time_scale, programmer);
	for (unsigned i = 0; i < boards; i++)
		fprintf(f, "  - {name: b%02u, kind: custom-H7B3, probe: {serial: 'BE%06u'}, "
			"power: {controller: relay0, pin: %u}, identity: {device_id: 0x480}, "
			"sacrificial: true, sim: %s/fixtures/boards/h7ab-bl92.yaml}\n",
			i, i, i, o->source_dir);
	fclose(f);
	path = bench_write(o->work_dir, name, text);
	free(text);
	return path;
}

unsigned bench_failures;

char *bench_scenario(const struct bench_opts *o, const char *name, unsigned repeat,
		     const char *steps)
{
	char *text = NULL, *path;

	/* the images' key: the interlock reads their option bytes (it refuses
	 * an install whose option bytes it cannot read) */
	if (asprintf(&text, "campaign: bench\nrepeat: %u\nquarantine_after: 0\n"
		     "limits: {runs: 10000000, installs: 100000000}\n"
		     "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/test-nonce.hex}\n"
		     "steps:\n%s", repeat, o->source_dir, o->source_dir, steps) < 0)
		abort();
	path = bench_write(o->work_dir, name, text);
	free(text);
	return path;
}

const char *bench_verdict(const struct bench_opts *o, bool met)
{
	if (o->quick)
		return met ? "target met (smoke run, sizes cut down)"
			   : "below target (smoke run, sizes cut down: not a measurement)";
	return met ? "target met" : "BELOW TARGET";
}
