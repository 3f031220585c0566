/* Helpers shared by the benchmarks: spawning and checking children,
 * timing, statistics, table rows, files, racks and scenarios. */
#include "bench.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

unsigned bench_failures;

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

/* The exited (not yet reaped) child's own CPU and its waited-for
 * children's, from /proc/PID/stat fields 14-17 (proc(5)). */
static void proc_cpu(pid_t pid, struct bench_proc *out)
{
	char path[64], buf[2048], *paren;
	unsigned long utime = 0, stime = 0;
	long cutime = 0, cstime = 0;
	double tick = (double)sysconf(_SC_CLK_TCK);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "re")))
		return;
	if (fgets(buf, sizeof(buf), f) && (paren = strrchr(buf, ')')) &&
	    sscanf(paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld",
		   &utime, &stime, &cutime, &cstime) == 4) {
		out->self_cpu_s = (double)(utime + stime) / tick;
		out->children_cpu_s = (double)(cutime + cstime) / tick;
	}
	fclose(f);
}

/* fork + exec, not posix_spawn: a vfork-style spawn shares this process's
 * memory until exec, and Linux then reports this process's peak RSS as the
 * child's (B4 measures the child's). A forked child starts with this
 * process's resident pages, and its peak RSS keeps them across exec: so
 * each benchmark runs in a process of its own (main.c), which stays small. */
int bench_spawn(char *const argv[], char *const env_extra[], const char *log,
		struct bench_proc *out)
{
	char **env = merged_env(env_extra);
	struct rusage ru;
	siginfo_t info;
	pid_t pid;
	int status = 0;
	double start = bench_now();

	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
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
	/* exited but not reaped: its /proc entry still has its CPU split */
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0)
		out->wall_s = bench_now() - start;
	proc_cpu(pid, out);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	out->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	out->max_rss_kib = ru.ru_maxrss;
	out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out->exit_code == 127)
		fprintf(stderr, "sfi-bench: cannot start %s\n", argv[0]);
	return 0;
}

int bench_run(const char *what, char *const argv[], char *const env_extra[], const char *log,
	      int expect, struct bench_proc *out)
{
	if (bench_spawn(argv, env_extra, log, out) == 0 && out->exit_code == expect)
		return 0;
	bench_failures++;
	fprintf(stderr, "sfi-bench: %s exited %d (expected %d)%s%s\n", what, out->exit_code, expect,
		log ? ": see " : "", log ? log : "");
	return -1;
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

char *bench_fmt(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

char *bench_summary(double *v, size_t n, double scale, const char *fmt, const char *unit)
{
	double median = bench_median(v, n) * scale;
	char *f = bench_fmt("%s%s (%s–%s, %%zu run%s)", fmt, unit, fmt, fmt, n == 1 ? "" : "s");
	char *s = bench_fmt(f, median, v[0] * scale, v[n - 1] * scale, n);

	free(f);
	return s;
}

char *bench_range(double *v, size_t n, const char *fmt)
{
	bench_median(v, n);
	char *f = bench_fmt("%s–%s", fmt, fmt), *s = bench_fmt(f, v[0], v[n - 1]);

	free(f);
	return s;
}

void bench_table_row(json_t *res, const char *what, const char *result, const char *peer,
		     const char *target, int met)
{
	json_t *table = json_object_get(res, "table");

	if (!table) {
		table = json_array();
		json_object_set_new(res, "table", table);
	}
	json_array_append_new(table, json_pack("{s:s, s:s, s:s, s:s, s:o}", "what", what, "result",
					       result, "peer", peer ? peer : "", "target",
					       target ? target : "",
					       "met", met < 0 ? json_null() : json_boolean(met)));
}

char *bench_write(const char *dir, const char *name, const char *text)
{
	char *path = bench_fmt("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

void bench_mkdir(const char *dir)
{
	char *argv[] = { "/bin/mkdir", "-p", (char *)dir, NULL };
	struct bench_proc p;

	if (bench_spawn(argv, NULL, NULL, &p) < 0 || p.exit_code != 0) {
		fprintf(stderr, "sfi-bench: cannot make %s\n", dir);
		abort();
	}
}

char *bench_rack(const struct bench_opts *o, const char *name, unsigned boards,
		 const char *programmer, double time_scale, const char *sim)
{
	char *text = NULL, *path, *profile = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!sim)
		sim = profile = bench_fmt("%s/fixtures/boards/h7ab-bl92.yaml", o->source_dir);
	fprintf(f, "rack: bench\ntime_scale: %g\nlock_dir: %s\nprogrammer: %s\nprobe: {driver: sim}\n"
		"power:\n  - {id: relay0, driver: sim}\nboards:\n", time_scale, o->lock_dir, programmer);
	for (unsigned i = 0; i < boards; i++)
		fprintf(f, "  - {name: b%02u, kind: custom-H7B3, probe: {serial: 'BE%06u'}, "
			"power: {controller: relay0, pin: %u}, identity: {device_id: 0x480}, "
			"sacrificial: true, sim: %s}\n", i, i, i, sim);
	fclose(f);
	path = bench_write(o->work_dir, name, text);
	free(text);
	free(profile);
	return path;
}

char *bench_scenario(const struct bench_opts *o, const char *name, unsigned repeat,
		     const char *steps)
{
	/* the images' key: the interlock reads their option bytes (it refuses
	 * an install whose option bytes it cannot read) */
	char *text = bench_fmt("campaign: bench\nrepeat: %u\nquarantine_after: 0\n"
			       "limits: {runs: 10000000, installs: 100000000}\n"
			       "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/test-nonce.hex}\n"
			       "steps:\n%s", repeat, o->source_dir, o->source_dir, steps);
	char *path = bench_write(o->work_dir, name, text);

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
