/* SCALE (--only SCALE): bounded memory and linear time in the number of
 * installs. For 1 000, 10 000 and 100 000 installs on 16 simulated boards,
 * and 30 000 on one board (time scale 0, one SFI install per case), the
 * wall time and peak RSS of each command that reads a whole journal:
 *
 *   run     the campaign, then its reports from its journal;
 *   report  the reports again from that journal;
 *   merge   8 shards (--shard K/8 runs of the same campaign, not timed)
 *           into one journal and one set of reports;
 *   resume  of the finished campaign: nothing left to run, reports again.
 *
 * Targets: every peak RSS <= 64 MB, and t(100k) / t(10k) <= 11 for each
 * command (linear time). run is measured once per size; report, merge and
 * resume (seconds each) --runs times, median wall time and largest peak
 * RSS, as this VM's disk and neighbours move single runs by 20 %.
 * --quick (the CI smoke run) cuts the sizes to 48 / 160 / 1 600 on 16
 * boards and 300 on one. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TARGET_RSS_MB 64.0
#define TARGET_RATIO 11.0
#define SHARDS 8

enum { RUN, REPORT, MERGE, RESUME, COMMANDS };
static const char *const command_names[COMMANDS] = { "run", "report", "merge", "resume" };

struct size {
	unsigned installs, boards;
};

/* Runs @argv after a sync: what the previous command left for the disk to
 * write (a run's 100 000 logs) is not charged to this one's fsyncs. */
static struct bench_proc timed(char *const argv[], const char *what, unsigned installs)
{
	char *sync_argv[] = { "/bin/sync", NULL };
	struct bench_proc p = { 0 };

	bench_spawn(sync_argv, NULL, NULL, &p);
	char *label = bench_fmt("SCALE %s of %u installs", what, installs);
	bench_run(label, argv, NULL, NULL, 0, &p);
	free(label);
	return p;
}

static void remove_tree(const char *dir)
{
	char *argv[] = { "/bin/rm", "-rf", (char *)dir, NULL };
	struct bench_proc p;

	bench_spawn(argv, NULL, NULL, &p);
}

/* @argv --runs times (@out_slot, when set, gets a fresh folder each time,
 * for merge's --out): median wall and CPU, largest peak RSS. */
static struct bench_proc repeated(const struct bench_opts *o, char **argv, int out_slot,
				  const char *base, const char *what, unsigned installs)
{
	double *wall = calloc(o->runs, sizeof(*wall)), *cpu = calloc(o->runs, sizeof(*cpu));
	struct bench_proc best = { 0 };

	for (unsigned r = 0; r < o->runs; r++) {
		char *dir = NULL;
		if (out_slot >= 0) {
			if (asprintf(&dir, "%s-%u", base, r) < 0)
				abort();
			argv[out_slot] = dir;
		}
		struct bench_proc p = timed(argv, what, installs);
		wall[r] = p.wall_s;
		cpu[r] = p.cpu_s;
		best.max_rss_kib = p.max_rss_kib > best.max_rss_kib ? p.max_rss_kib : best.max_rss_kib;
		best.exit_code = p.exit_code ? p.exit_code : best.exit_code;
		free(dir);
	}
	best.wall_s = bench_median(wall, o->runs);
	best.cpu_s = bench_median(cpu, o->runs);
	free(wall);
	free(cpu);
	return best;
}

/* One size: the four commands, measured; fills @p. */
static void measure(const struct bench_opts *o, const struct size *sz, const char *steps,
		    struct bench_proc p[COMMANDS])
{
	char name[64], *dir = NULL, *out = NULL, *merged = NULL, *shard_dirs[SHARDS] = { 0 };

	snprintf(name, sizeof(name), "scale-%u-%u.yaml", sz->installs, sz->boards);
	char *scenario = bench_scenario(o, name, sz->installs / sz->boards, steps);
	snprintf(name, sizeof(name), "scale-rack-%u.yaml", sz->boards);
	char *rack = bench_rack(o, name, sz->boards, "{driver: sim, timeout_s: 60}", 0, NULL);
	if (asprintf(&dir, "%s/scale-%u-%u", o->work_dir, sz->installs, sz->boards) < 0 ||
	    asprintf(&out, "%s/run", dir) < 0 || asprintf(&merged, "%s/merged", dir) < 0)
		abort();
	char *run[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", out, "--quiet", NULL };
	p[RUN] = timed(run, "run", sz->installs);
	char *report[] = { (char *)o->binary, "report", out, NULL };
	p[REPORT] = repeated(o, report, -1, NULL, "report", sz->installs);
	char *merge[SHARDS + 5] = { (char *)o->binary, "merge" };
	for (unsigned k = 0; k < SHARDS; k++) {
		char shard[16];
		snprintf(shard, sizeof(shard), "%u/%u", k + 1, SHARDS);
		if (asprintf(&shard_dirs[k], "%s/shard-%u", dir, k + 1) < 0)
			abort();
		char *argv[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", shard_dirs[k],
				 "--shard", shard, "--quiet", NULL };
		timed(argv, "shard run", sz->installs);
		merge[2 + k] = shard_dirs[k];
	}
	merge[2 + SHARDS] = "--out";
	p[MERGE] = repeated(o, merge, 3 + SHARDS, merged, "merge", sz->installs);
	char *resume[] = { (char *)o->binary, "resume", out, NULL };
	p[RESUME] = repeated(o, resume, -1, NULL, "resume", sz->installs);
	remove_tree(dir);
	for (unsigned k = 0; k < SHARDS; k++)
		free(shard_dirs[k]);
	free(scenario);
	free(rack);
	free(merged);
	free(out);
	free(dir);
}

json_t *bench_model_scale(const struct bench_opts *o)
{
	static const struct size full[] = { { 1000, 16 }, { 10000, 16 }, { 100000, 16 }, { 30000, 1 } };
	static const struct size quick[] = { { 48, 16 }, { 160, 16 }, { 1600, 16 }, { 300, 1 } };
	const struct size *sizes = o->quick ? quick : full;
	struct bench_proc p[4][COMMANDS];
	json_t *rows = json_array();
	double worst_rss = 0, worst_ratio = 0;
	char *steps = NULL;

	if (asprintf(&steps, "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, license: "
		     "{hsm_slot: 1, cache: %s/scale-licences}}\n", o->source_dir, o->work_dir) < 0)
		abort();
	printf("SCALE  time and peak RSS per command (time scale 0; merge: %u shards)\n", SHARDS);
	printf("    %-22s", "installs");
	for (int c = 0; c < COMMANDS; c++)
		printf(" %18s", command_names[c]);
	printf("\n");
	for (int i = 0; i < 4; i++) {
		char label[32];
		measure(o, &sizes[i], steps, p[i]);
		snprintf(label, sizeof(label), "%u on %u board%s", sizes[i].installs / sizes[i].boards *
			 sizes[i].boards, sizes[i].boards,
			 sizes[i].boards > 1 ? "s" : "");
		printf("    %-22s", label);
		json_t *row = json_pack("{s:i, s:i}", "installs",
					(json_int_t)(sizes[i].installs / sizes[i].boards * sizes[i].boards),
					"boards", (json_int_t)sizes[i].boards);
		for (int c = 0; c < COMMANDS; c++) {
			double mb = (double)p[i][c].max_rss_kib / 1024.0;
			printf("   %6.2f s %5.1f MB", p[i][c].wall_s, mb);
			worst_rss = mb > worst_rss ? mb : worst_rss;
			json_object_set_new(row, command_names[c], json_pack("{s:f, s:f, s:f, s:i}", "wall_s",
					    p[i][c].wall_s, "cpu_s", p[i][c].cpu_s, "peak_rss_mb", mb,
					    "exit_code", (json_int_t)p[i][c].exit_code));
		}
		printf("\n");
		json_array_append_new(rows, row);
	}
	char ratio_label[48];
	snprintf(ratio_label, sizeof(ratio_label), "t(%u) / t(%u)", sizes[2].installs, sizes[1].installs);
	printf("    %-22s", ratio_label);
	json_t *ratios = json_object();
	for (int c = 0; c < COMMANDS; c++) {
		double ratio = p[2][c].wall_s / (p[1][c].wall_s > 0 ? p[1][c].wall_s : 1e-9);
		printf(" %18.1f", ratio);
		worst_ratio = ratio > worst_ratio ? ratio : worst_ratio;
		json_object_set_new(ratios, command_names[c], json_real(ratio));
	}
	printf("   (target <= %.0f; peak RSS target <= %.0f MB): %s\n", TARGET_RATIO, TARGET_RSS_MB,
	       bench_verdict(o, worst_rss <= TARGET_RSS_MB && worst_ratio <= TARGET_RATIO));
	free(steps);
	json_t *res = json_pack("{s:s, s:o, s:o, s:f, s:f, s:f, s:f, s:b}", "name", "model scale", "sizes",
				rows, "time_ratio_100k_10k", ratios, "worst_peak_rss_mb", worst_rss,
				"target_rss_mb", TARGET_RSS_MB, "worst_time_ratio", worst_ratio,
				"target_time_ratio", TARGET_RATIO,
				"met", worst_rss <= TARGET_RSS_MB && worst_ratio <= TARGET_RATIO);
	char *what = bench_fmt("`run`, `report`, `merge` (%u shards), `resume` at %u, %u, %u installs "
			       "(16 boards) and %u (one board)", SHARDS, sizes[0].installs, sizes[1].installs,
			       sizes[2].installs, sizes[3].installs);
	char *result = bench_fmt("peak RSS **<= %.1f MB**; t(%u)/t(%u): run %.1f, report %.1f, merge %.1f, "
				 "resume %.1f (table below)", worst_rss, sizes[2].installs, sizes[1].installs,
				 json_real_value(json_object_get(ratios, "run")),
				 json_real_value(json_object_get(ratios, "report")),
				 json_real_value(json_object_get(ratios, "merge")),
				 json_real_value(json_object_get(ratios, "resume")));
	char *target = bench_fmt("≤ %.0f MB, ≤ %.0f", TARGET_RSS_MB, TARGET_RATIO);
	bench_table_row(res, what, result, "", target, worst_rss <= TARGET_RSS_MB && worst_ratio <= TARGET_RATIO);
	free(what), free(result), free(target);
	return res;
}
