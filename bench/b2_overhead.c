/* B2: the harness against the loops a lab writes instead (bench/loops.sh).
 * 200 SFI installs through the stand-in STM32_Programmer_CLI at time
 * scale 0, each a licence drawn from the HSM and an install with it:
 *
 *   harness   a campaign (results, logs, journal, reports);
 *   bare      the bash loop of the same CLI calls, every call's exit
 *             status and output checked, nothing kept;
 *   lab       the same loop keeping what a lab keeps: a log per install,
 *             its success and RSS value grepped, a CSV line per install;
 *   tmpfs     the campaign with its results on /dev/shm (what durability,
 *             the journal's and the logs' fsyncs, costs), for reference.
 *
 * The four alternate within each repetition (the order reversed every
 * other one), --runs repetitions. Targets: harness / bare <= 1.05 and
 * harness / lab <= 1.0 (ratios of the medians; the paired ratios' range
 * too).
 *
 * CPU per install: the harness's own is its process alone (all threads,
 * /proc/PID/stat before it is reaped), the tool calls' is its waited-for
 * children's (the same CLI calls as the loops'); a loop's own is its total
 * (bash, grep, and the calls) less that tool CPU. It is never a difference
 * of two runs' totals (issue 19 found -1.23 ms that way). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TARGET_BARE 1.05
#define TARGET_LAB 1.0

enum { HARNESS, BARE, LAB, TMPFS, KINDS };
static const char *const kind_keys[KINDS] = { "harness", "bare_loop", "lab_loop", "harness_tmpfs" };

struct b2 {
	const struct bench_opts *o;
	unsigned installs;
	char *scenario, *rack, *loops;
	double *wall[KINDS], *cpu[KINDS], *own_cpu, *tool_cpu;
};

static void harness_run(struct b2 *b, unsigned r, int kind)
{
	const struct bench_opts *o = b->o;
	char *out = kind == TMPFS ? bench_fmt("/dev/shm/sfi-bench-b2-%ld-%u", (long)getpid(), r)
				  : bench_fmt("%s/b2-out-%u", o->work_dir, r);
	char *argv[] = { (char *)o->binary, "run", b->scenario, "--rack", b->rack, "--out", out,
			 "--quiet", NULL };
	struct bench_proc p;

	bench_run(kind == TMPFS ? "B2 campaign on tmpfs" : "B2 campaign", argv, NULL, NULL, 0, &p);
	b->wall[kind][r] = p.wall_s;
	b->cpu[kind][r] = p.cpu_s;
	if (kind == HARNESS) {
		b->own_cpu[r] = p.self_cpu_s;
		b->tool_cpu[r] = p.children_cpu_s;
	}
	char *rm[] = { "/bin/rm", "-rf", out, NULL };
	if (kind == TMPFS)
		bench_spawn(rm, NULL, NULL, &p);
	free(out);
}

/* A loop on a board powered on beforehand (not timed), in a folder of its own. */
static void loop_run(struct b2 *b, unsigned r, int kind)
{
	const struct bench_opts *o = b->o;
	const char *mode = kind == BARE ? "bare" : "lab";
	char *dir = bench_fmt("%s/b2-%s-%u", o->work_dir, mode, r), *log = bench_fmt("%s.log", dir);
	char *state = bench_fmt("HIL_SIM_STATE_DIR=%s/sim-state", dir);
	char *env[] = { state, "HIL_TIME_SCALE=0", NULL };
	char *power[] = { (char *)o->binary, "power", "--rack", b->rack, "b00", "on", NULL };
	char *image = bench_fmt("%s/fixtures/images/sbsfu_bb.sfi", o->source_dir);
	char installs[16];
	struct bench_proc p;

	snprintf(installs, sizeof(installs), "%u", b->installs);
	bench_mkdir(dir);
	bench_run("B2 power on for the loop", power, env, NULL, 0, &p);
	char *bash[] = { "/bin/bash", b->loops, (char *)mode, (char *)o->fake_cli, "BE000000", image,
			 installs, dir, NULL };
	bench_run(kind == BARE ? "B2 bare loop" : "B2 lab-style loop", bash, env, log, 0, &p);
	b->wall[kind][r] = p.wall_s;
	b->cpu[kind][r] = p.cpu_s;
	free(image);
	free(state);
	free(log);
	free(dir);
}

/* harness / @kind per repetition: "median (min–max, runs)". Before any
 * median: those sort the walls in place and break the pairs. */
static char *paired_ratios(struct b2 *b, int kind)
{
	unsigned runs = b->o->runs;
	double *pair = calloc(runs, sizeof(double));

	for (unsigned r = 0; r < runs; r++)
		pair[r] = b->wall[HARNESS][r] / b->wall[kind][r];
	char *range = bench_range(pair, runs, "%.3f");
	free(pair);
	return range;
}

json_t *bench_b2_overhead(const struct bench_opts *o)
{
	struct b2 b = { .o = o, .installs = o->quick ? 40 : 200 };
	unsigned runs = o->runs;
	bool tmpfs = access("/dev/shm", W_OK) == 0;
	char *steps = bench_fmt("  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
				"license: {hsm_slot: 1}}\n", o->source_dir);
	char *programmer = bench_fmt("{driver: cubeprog, path: %s, timeout_s: 60}", o->fake_cli);

	b.loops = bench_fmt("%s/bench/loops.sh", o->source_dir);
	b.scenario = bench_scenario(o, "b2.yaml", b.installs, steps);
	b.rack = bench_rack(o, "b2-rack.yaml", 1, programmer, 0, NULL);
	for (int k = 0; k < KINDS; k++) {
		b.wall[k] = calloc(runs, sizeof(double));
		b.cpu[k] = calloc(runs, sizeof(double));
	}
	b.own_cpu = calloc(runs, sizeof(double));
	b.tool_cpu = calloc(runs, sizeof(double));
	for (unsigned r = 0; r < runs; r++) {
		static const int order[2][3] = { { HARNESS, BARE, LAB }, { LAB, BARE, HARNESS } };
		for (int i = 0; i < 3; i++) {
			int k = order[r % 2][i];
			if (k == HARNESS)
				harness_run(&b, r, k);
			else
				loop_run(&b, r, k);
		}
		if (tmpfs)
			harness_run(&b, r, TMPFS);
	}
	char *bare_pairs = paired_ratios(&b, BARE), *lab_pairs = paired_ratios(&b, LAB);
	double med[KINDS], cpu[KINDS];
	for (int k = 0; k < KINDS; k++) {
		cpu[k] = bench_median(b.cpu[k], runs) / b.installs * 1e3;
		med[k] = k == TMPFS && !tmpfs ? 0 : bench_median(b.wall[k], runs);
	}
	double bare_ratio = med[HARNESS] / med[BARE], lab_ratio = med[HARNESS] / med[LAB];
	double own = bench_median(b.own_cpu, runs) / b.installs * 1e3;
	double tools = bench_median(b.tool_cpu, runs) / b.installs * 1e3;
	char *walls[KINDS];
	for (int k = 0; k < KINDS; k++)
		walls[k] = bench_summary(b.wall[k], runs, 1, "%.2f", " s");
	printf("B2  %u installs (a licence draw and an install each) via the stand-in CLI\n"
	       "      harness %s\n      bare loop %s\n      lab-style loop %s\n"
	       "      harness / bare %.3f (pairs %s), target <= %.2f\n"
	       "      harness / lab-style %.3f (pairs %s), target <= %.2f\n", b.installs,
	       walls[HARNESS], walls[BARE], walls[LAB], bare_ratio, bare_pairs, TARGET_BARE, lab_ratio,
	       lab_pairs, TARGET_LAB);
	if (tmpfs)
		printf("      results on tmpfs (no fsync cost): harness %s, / bare %.3f\n", walls[TMPFS],
		       med[TMPFS] / med[BARE]);
	printf("      CPU per install: harness %.2f ms (its own %.2f ms, the tool calls %.2f ms); "
	       "bare loop %.2f ms (own %.2f ms); lab-style %.2f ms (own %.2f ms)\n", cpu[HARNESS], own,
	       tools, cpu[BARE], cpu[BARE] - tools, cpu[LAB], cpu[LAB] - tools);

	json_t *res = json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:b}", "name",
				"overhead against a lab's loops", "installs", (json_int_t)b.installs,
				"ratio_bare", bare_ratio, "ratio_lab", lab_ratio, "target_ratio_bare",
				TARGET_BARE, "target_ratio_lab", TARGET_LAB, "met",
				bare_ratio <= TARGET_BARE && lab_ratio <= TARGET_LAB);
	for (int k = 0; k < KINDS; k++)
		if (k != TMPFS || tmpfs)
			json_object_set_new(res, kind_keys[k], json_pack("{s:o, s:f}", "wall_s",
					    bench_stats(b.wall[k], runs), "cpu_ms_per_install", cpu[k]));
	json_object_set_new(res, "cpu_ms_per_install", json_pack(
		"{s:f, s:f, s:f, s:f, s:s}", "harness_own", own, "tool_calls", tools, "bare_loop_own",
		cpu[BARE] - tools, "lab_loop_own", cpu[LAB] - tools, "how",
		"harness_own: its process alone (/proc/PID/stat); tool_calls: its children; "
		"a loop's own: its total less tool_calls"));

	char *what = bench_fmt("%u installs through the stand-in CLI (draw + install each)", b.installs);
	char *r1 = bench_fmt("harness %s: **%.3f** of the bare loop (pairs %s)", walls[HARNESS], bare_ratio,
			     bare_pairs);
	char *p1 = bench_fmt("bash loop, every call checked, nothing kept: %s", walls[BARE]);
	char *t1 = bench_fmt("≤ %.2f", TARGET_BARE);
	bench_table_row(res, what, r1, p1, t1, bare_ratio <= TARGET_BARE);
	char *r2 = bench_fmt("**%.3f** of the lab-style loop (pairs %s)", lab_ratio, lab_pairs);
	char *p2 = bench_fmt("bash loop with a log per install, success and RSS grepped, a CSV line: %s",
			     walls[LAB]);
	char *t2 = bench_fmt("≤ %.2f", TARGET_LAB);
	bench_table_row(res, "the same, against what a lab's script keeps", r2, p2, t2,
			lab_ratio <= TARGET_LAB);
	char *r3 = bench_fmt("harness %.2f ms, its own %.2f ms, the tool calls %.2f ms", cpu[HARNESS],
			     own, tools);
	char *p3 = bench_fmt("bare loop %.2f ms (own %.2f), lab-style %.2f ms (own %.2f)", cpu[BARE],
			     cpu[BARE] - tools, cpu[LAB], cpu[LAB] - tools);
	bench_table_row(res, "CPU per install (own: without the tool calls)", r3, p3, "", -1);
	if (tmpfs) {
		char *r4 = bench_fmt("harness %s: %.3f of the bare loop", walls[TMPFS], med[TMPFS] / med[BARE]);
		bench_table_row(res, "the same with the results on tmpfs (what the fsyncs cost)", r4, "", "", -1);
		free(r4);
	}
	free(what), free(r1), free(p1), free(t1), free(r2), free(p2), free(t2), free(r3), free(p3);
	for (int k = 0; k < KINDS; k++) {
		free(walls[k]);
		free(b.wall[k]);
		free(b.cpu[k]);
	}
	free(bare_pairs);
	free(lab_pairs);
	free(b.own_cpu);
	free(b.tool_cpu);
	free(b.scenario);
	free(b.rack);
	free(b.loops);
	free(programmer);
	free(steps);
	return res;
}
