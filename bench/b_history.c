/* HIST: the results history at a lab's scale. One real campaign of 120
 * installs (3 simulated boards, 2 images, repeat 20: the errata scenario)
 * is copied as 365 nights x 10 racks (its start, rack and install times
 * moved for each), the 3 650 folders ingested with one `history add`, and
 * two filtered queries timed (median of --runs):
 *
 *   --rss 0x16 --bl 0x91 --since D1 --until D2  (a month, one bootloader)
 *   --board custom-bl91 --rack rack-3          (one board's whole year)
 *
 * Target: each query <= 1 s. Ingest is reported (installs per second),
 * with no target. --quick: 30 nights x 2 racks. */
#include "bench.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TARGET_QUERY_S 1.0

/* The night @night on rack @rack: the journal of @records re-dated. */
static int write_copy(const char *dir, json_t *records, unsigned night, unsigned rack)
{
	char started[32], path[4096], rack_name[32];
	size_t i;
	json_t *rec;

	snprintf(started, sizeof(started), "2026-%02u-%02uT02:00:00", 1 + night / 28 % 12, 1 + night % 28);
	snprintf(rack_name, sizeof(rack_name), "rack-%u", rack);
	if (mkdir(dir, 0755) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/journal.jsonl", dir);
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	json_array_foreach(records, i, rec) {
		json_t *copy = json_deep_copy(rec);
		const char *type = json_string_value(json_object_get(copy, "type"));
		if (type && !strcmp(type, "campaign")) {
			json_object_set_new(copy, "started", json_string(started));
			json_object_set_new(copy, "rack", json_string(rack_name));
		}
		json_t *t0 = json_object_get(copy, "t0");
		if (json_is_number(t0)) /* a new install time: each night's installs are new */
			json_object_set_new(copy, "t0", json_real(json_number_value(t0) +
								  86400.0 * night + 600.0 * rack));
		json_dumpf(copy, f, JSON_COMPACT | JSON_ENSURE_ASCII);
		fputc('\n', f);
		json_decref(copy);
	}
	return fclose(f);
}

static json_t *read_journal(const char *path)
{
	json_t *all = json_array();
	FILE *f = fopen(path, "re");
	json_error_t err;
	json_t *rec;

	if (!f)
		return all;
	while ((rec = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err)))
		json_array_append_new(all, rec);
	fclose(f);
	return all;
}

/* The median wall time of --runs runs of @argv; *summary: its text. */
static double timed_query(const struct bench_opts *o, char **argv, const char *what, char **summary)
{
	double *wall = calloc(o->runs, sizeof(*wall));
	double median;

	for (unsigned r = 0; r < o->runs; r++) {
		struct bench_proc p = { 0 };
		bench_run(what, argv, NULL, NULL, 0, &p);
		wall[r] = p.wall_s;
	}
	median = bench_median(wall, o->runs);
	*summary = bench_summary(wall, o->runs, 1, "%.3f", " s");
	free(wall);
	return median;
}

json_t *bench_history(const struct bench_opts *o)
{
	unsigned nights = o->quick ? 30 : 365, racks = o->quick ? 2 : 10;
	char *one = NULL, *db = NULL, *scenario = NULL;
	struct bench_proc p = { 0 };

	if (asprintf(&one, "%s/hist-one", o->work_dir) < 0 || asprintf(&db, "%s/history.db", o->work_dir) < 0 ||
	    asprintf(&scenario, "%s/scenarios/errata-2.2.3.yaml", o->source_dir) < 0)
		abort();
	char *run[] = { (char *)o->binary, "run", "--quiet", "--time-scale", "0", "--out", one, scenario, NULL };
	/* the errata campaign on the sim rack: all as expected (exit 0) */
	bench_run("HIST errata campaign", run, NULL, NULL, 0, &p);
	char *journal = NULL;
	if (asprintf(&journal, "%s/journal.jsonl", one) < 0)
		abort();
	json_t *records = read_journal(journal);
	size_t folders = (size_t)nights * racks;
	char **argv = calloc(folders + 6, sizeof(*argv));
	argv[0] = (char *)o->binary;
	argv[1] = "history";
	argv[2] = "add";
	argv[3] = "--db";
	argv[4] = db;
	for (unsigned n = 0; n < nights; n++)
		for (unsigned r = 0; r < racks; r++) {
			char *dir = NULL;
			if (asprintf(&dir, "%s/hist-%03u-%02u", o->work_dir, n, r) < 0 ||
			    write_copy(dir, records, n, r) != 0)
				bench_failures++, fprintf(stderr, "sfi-bench: HIST cannot write %s\n", dir);
			argv[5 + n * racks + r] = dir;
		}
	struct bench_proc ingest = { 0 };
	bench_run("HIST history add", argv, NULL, NULL, 0, &ingest);
	unsigned long installs = (unsigned long)folders * 120;
	char *q1[] = { (char *)o->binary, "history", "query", "--db", db, "--rss", "0x16", "--bl",
		       "0x91", "--since", "2026-03-01", "--until", "2026-03-28", "--csv", NULL };
	char *q2[] = { (char *)o->binary, "history", "query", "--db", db, "--board", "custom-bl91",
		       "--rack", "rack-1", "--csv", NULL };
	char *s1 = NULL, *s2 = NULL;
	double t1 = timed_query(o, q1, "HIST query by RSS and bootloader over a month", &s1);
	double t2 = timed_query(o, q2, "HIST query of one board's year", &s2);
	struct stat st;
	double db_mb = stat(db, &st) == 0 ? st.st_size / 1e6 : 0;
	bool met = t1 <= TARGET_QUERY_S && t2 <= TARGET_QUERY_S;
	printf("HIST  %u nights x %u racks = %lu installs: ingest %.1f s (%.0f installs/s, %.0f MB peak), "
	       "database %.0f MB\n", nights, racks, installs, ingest.wall_s, installs / ingest.wall_s,
	       ingest.max_rss_kib / 1024.0, db_mb);
	printf("      query RSS 0x16 on BL 0x91 over a month: %.3f s; one board's year: %.3f s "
	       "(target <= %.1f s each): %s\n", t1, t2, TARGET_QUERY_S, met ? "met" : "NOT met");
	json_t *res = json_pack("{s:i, s:i, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "nights", nights,
				"racks", racks, "installs", (json_int_t)installs, "ingest_s", ingest.wall_s,
				"ingest_peak_mb", ingest.max_rss_kib / 1024.0, "database_mb", db_mb,
				"query_month_s", t1, "query_board_year_s", t2, "target_query_s",
				TARGET_QUERY_S, "met", met);
	char *what = bench_fmt("results history: %u nights x %u racks x 120 installs (%lu) in SQLite, "
			       "then two filtered queries", nights, racks, installs);
	char *result = bench_fmt("ingest %.1f s (%.0f installs/s, %.0f MB peak), %.0f MB; a month of BL "
				 "0x91's RSS 0x16 installs **%s**, one board's year **%s**", ingest.wall_s,
				 installs / ingest.wall_s, ingest.max_rss_kib / 1024.0, db_mb, s1, s2);
	char *target = bench_fmt("≤ %.0f s per query", TARGET_QUERY_S);
	bench_table_row(res, what, result, "", target, met);
	free(what), free(result), free(target), free(s1), free(s2);
	for (size_t i = 0; i < folders; i++)
		free(argv[5 + i]);
	free(argv);
	json_decref(records);
	free(journal);
	free(scenario);
	free(db);
	free(one);
	return res;
}
