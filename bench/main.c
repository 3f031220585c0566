/* sfi-bench: runs the benchmarks B1-B7 (B6 is also --only SCALE), prints a table and writes
 * bench/results.json (machine, date, medians, min/max, runs).
 *
 *   sfi-bench [--runs N] [--quick] [--only B1,B3] [--out FILE]
 *
 * ci/bench.sh builds it (Release) and runs it; README "Performance" shows
 * the numbers. */
#include "bench.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
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

static bool wanted(const char *only, const char *id)
{
	return !only || strstr(only, id);
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
		fprintf(stderr, "usage: sfi-bench [--runs 1..100] [--quick] [--only B1,B2,...,B7,SCALE,HIST] [--out FILE]\n");
		return 2;
	}
	o.work_dir = work;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	json_t *res = json_pack("{s:s, s:o, s:i, s:b, s:{}}", "date", date, "machine", machine(),
				"runs", (json_int_t)o.runs, "quick", o.quick, "benchmarks");
	json_t *b = json_object_get(res, "benchmarks");
	printf("sfi-bench: %u runs per measurement, scratch in %s\n\n", o.runs, work);
	if (wanted(only, "B1"))
		json_object_set_new(b, "B1", bench_b1_parallel(&o));
	if (wanted(only, "B2"))
		json_object_set_new(b, "B2", bench_b2_overhead(&o));
	if (wanted(only, "B3"))
		json_object_set_new(b, "B3", bench_b3_parser(&o));
	if (wanted(only, "B4"))
		json_object_set_new(b, "B4", bench_b4_scale(&o));
	if (wanted(only, "B5"))
		json_object_set_new(b, "B5", bench_b5_simulator(&o));
	if (wanted(only, "B6") || wanted(only, "SCALE"))
		json_object_set_new(b, "B6", bench_b6_model_scale(&o));
	if (wanted(only, "HIST"))
		json_object_set_new(b, "HIST", bench_history(&o));
	if (wanted(only, "B7"))
		json_object_set_new(b, "B7", bench_b7_hsm_parallel(&o));
	if (asprintf(&tmp, "%s.tmp", out) < 0 ||
	    json_dump_file(res, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 || rename(tmp, out) != 0) {
		fprintf(stderr, "sfi-bench: cannot write %s\n", out);
		return 1;
	}
	printf("\nwrote %s\n", out);
	free(tmp);
	json_decref(res);
	if (bench_failures) {
		fprintf(stderr, "sfi-bench: %u measured run(s) failed (see above): those figures are "
			"not measurements\n", bench_failures);
		return 1;
	}
	return 0;
}
