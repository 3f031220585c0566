/* sfi-bench: runs the benchmarks (B1-B7, SCALE, HIST), prints each one's
 * figures, then one table (each figure next to its peer and its target:
 * README "Performance" is that table), and writes bench/results.json
 * (machine, load, date, medians, min/max, run counts).
 *
 *   sfi-bench [--runs N] [--quick] [--only B1,B3,SCALE,HIST] [--out FILE]
 *
 * Without --only: B1-B7 and SCALE (HIST with --only HIST). Each benchmark
 * runs in a process of its own, with a scratch folder and a lock folder of
 * its own (SFI_HARNESS_LOCK_DIR too, for the racks it does not write). A benchmark during which any run
 * failed reports no figure: its table row says so, its results.json entry
 * has "failed_runs" and "met": false, and sfi-bench exits 1 (keeping its
 * scratch folder for a look; removed otherwise).
 *
 * ci/bench.sh builds it (Release) and runs it. */
#include "bench.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static json_t *machine(void)
{
	struct utsname u;
	char model[128] = "unknown", line[256];
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	return json_pack("{s:s, s:s, s:s, s:i, s:f}", "host", u.nodename, "kernel", u.release,
			 "cpu", model, "cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "memory_gb", (double)pages * (double)page / 1e9);
}

/* The share of the last 60 s in which some task waited for I/O
 * (/proc/pressure/io; -1 when the kernel has none): another user's disk
 * traffic shows here, and in every fsync the harness makes. */
static double io_pressure(void)
{
	double some = -1;
	FILE *f = fopen("/proc/pressure/io", "r");

	if (f && fscanf(f, "some avg10=%*f avg60=%lf", &some) != 1)
		some = -1;
	if (f)
		fclose(f);
	return some;
}

/* The 1-minute load average (other users of the machine show here). */
static double load(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f && fscanf(f, "%lf", &l) != 1)
		l = -1;
	if (f)
		fclose(f);
	return l;
}

struct bench {
	const char *id;
	json_t *(*fn)(const struct bench_opts *o);
	bool by_default;
};

static const struct bench benches[] = {
	{ "B1", bench_b1_parallel, true },   { "B2", bench_b2_overhead, true },
	{ "B3", bench_b3_parser, true },     { "B4", bench_b4_scale, true },
	{ "B5", bench_b5_simulator, true },  { "B6", bench_b6_labgrid, true },
	{ "B7", bench_b7_startup, true },    { "SCALE", bench_model_scale, true },
	{ "HIST", bench_history, false },
};

static bool wanted(const char *only, const struct bench *b)
{
	if (!only)
		return b->by_default;
	for (const char *p = only; (p = strstr(p, b->id)); p += strlen(b->id)) {
		char end = p[strlen(b->id)];
		if ((p == only || p[-1] == ',') && (end == ',' || end == '\0'))
			return true;
	}
	return false;
}

/* The benchmark in a forked process: a child's peak RSS includes the
 * resident pages of the process that forked it, so the in-process work of
 * one benchmark (B4 parses a 10 000-case junit.xml: 21 MB) must not stay in
 * the process that spawns the next one's children (SCALE read 21.2 MB for
 * every command). Its JSON comes back in @path; NULL when it crashed. */
static json_t *run_forked(const struct bench *b, const struct bench_opts *o, const char *path,
			  unsigned *failed)
{
	json_error_t err;
	int status = 0;

	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		json_t *res = b->fn(o);
		json_object_set_new(res, "failed_runs", json_integer(bench_failures));
		int rc = json_dump_file(res, path, JSON_COMPACT) == 0 ? 0 : 1;
		fflush(NULL); /* _exit flushes nothing */
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return NULL;
	json_t *res = json_load_file(path, 0, &err);
	*failed = (unsigned)json_integer_value(json_object_get(res, "failed_runs"));
	json_object_del(res, "failed_runs");
	return res;
}

/* One benchmark in a folder of its own; a failed run voids its figures. */
static void run_one(const struct bench *b, struct bench_opts o, const char *work, json_t *all)
{
	char *dir = bench_fmt("%s/%s", work, b->id), *locks = bench_fmt("%s/locks", dir);
	char *path = bench_fmt("%s/result.json", dir);
	unsigned failed = 0;

	bench_mkdir(locks);
	setenv("SFI_HARNESS_LOCK_DIR", locks, 1);
	o.work_dir = dir;
	o.lock_dir = locks;
	double load0 = load(), io0 = io_pressure();
	json_t *res = run_forked(b, &o, path, &failed);
	printf("\n");
	if (!res) {
		fprintf(stderr, "sfi-bench: %s crashed\n", b->id);
		res = json_object();
		failed++;
	}
	if (failed) {
		char *why = bench_fmt("not a measurement: %u run(s) failed", failed);
		json_object_set_new(res, "failed_runs", json_integer(failed));
		json_object_set_new(res, "met", json_false());
		json_object_set_new(res, "table", json_array());
		bench_table_row(res, b->id, why, "", "", -1);
		free(why);
	}
	bench_failures += failed;
	/* what else ran on the machine meanwhile, before and after */
	json_object_set_new(res, "load_average", json_pack("[f, f]", load0, load()));
	json_object_set_new(res, "io_pressure_avg60", json_pack("[f, f]", io0, io_pressure()));
	json_object_set_new(all, b->id, res);
	free(path);
	free(locks);
	free(dir);
}

static void print_table(json_t *all)
{
	const char *id;
	json_t *res;

	printf("| | What | Result: median (min–max, runs) | Peer | Target |\n|---|---|---|---|---|\n");
	json_object_foreach(all, id, res) {
		size_t i;
		json_t *row;
		json_array_foreach(json_object_get(res, "table"), i, row) {
			json_t *met = json_object_get(row, "met");
			const char *target = json_string_value(json_object_get(row, "target"));
			printf("| %s | %s | %s | %s | %s%s |\n", i ? "" : id,
			       json_string_value(json_object_get(row, "what")),
			       json_string_value(json_object_get(row, "result")),
			       json_string_value(json_object_get(row, "peer")), target,
			       json_is_true(met) ? " ✅" : json_is_false(met) ? " ❌ not met" : "");
		}
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .binary = HIL_BENCH_BINARY, .fake_cli = HIL_BENCH_FAKE_CLI,
				.source_dir = HIL_BENCH_SOURCE_DIR, .runs = 5 };
	const char *only = NULL, *out = HIL_BENCH_SOURCE_DIR "/bench/results.json";
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' }, { "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' }, { "out", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char work[] = "/tmp/sfi-bench.XXXXXX", date[32], *tmp = NULL;
	time_t t = time(NULL);
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'r')
			o.runs = (unsigned)atoi(optarg);
		else if (c == 'q')
			o.quick = true;
		else if (c == 'o')
			only = optarg;
		else if (c == 'w')
			out = optarg;
		else
			return 2;
	}
	if (o.runs < 1 || o.runs > 100 || !mkdtemp(work)) {
		fprintf(stderr, "usage: sfi-bench [--runs 1..100] [--quick] "
			"[--only B1,B2,B3,B4,B5,B6,B7,SCALE,HIST] [--out FILE]\n");
		return 2;
	}
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	json_t *res = json_pack("{s:s, s:o, s:i, s:b, s:f, s:{}}", "date", date, "machine", machine(),
				"runs", (json_int_t)o.runs, "quick", o.quick, "load_average_start", load(),
				"benchmarks");
	json_t *all = json_object_get(res, "benchmarks");
	printf("sfi-bench: %u runs per measurement, scratch in %s, load average %.2f\n\n", o.runs, work,
	       load());
	for (size_t i = 0; i < sizeof(benches) / sizeof(*benches); i++)
		if (wanted(only, &benches[i]))
			run_one(&benches[i], o, work, all);
	json_object_set_new(res, "load_average_end", json_real(load()));
	print_table(all);
	if (asprintf(&tmp, "%s.tmp", out) < 0 ||
	    json_dump_file(res, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 || rename(tmp, out) != 0) {
		fprintf(stderr, "sfi-bench: cannot write %s\n", out);
		return 1;
	}
	printf("\nwrote %s (load average at the end %.2f)\n", out, load());
	free(tmp);
	json_decref(res);
	if (bench_failures) {
		fprintf(stderr, "sfi-bench: %u measured run(s) failed (see above): those benchmarks report "
			"no figure; their files are kept in %s\n", bench_failures, work);
		return 1;
	}
	char *rm[] = { "/bin/rm", "-rf", work, NULL };
	struct bench_proc p;
	bench_spawn(rm, NULL, NULL, &p);
	return 0;
}
