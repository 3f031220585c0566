/* B7: one HSM, many boards (B1's measure with the licence flows of issue
 * 17). N = 1 and 16 simulated boards share the rack's one STM32HSM and
 * install four times each, (a) with a licence cache that starts cold (the
 * first install per chip draws) and (b) with no cache (every install
 * draws). A draw holds the HSM lock; the install runs outside it, so the
 * boards should still install side by side: wall(16) / wall(1), ideal 1.0.
 * Target: <= 1.15 for both. A third row, (c) a warm cache (no draw at
 * all), is the reference: what the host itself costs 16 boards (B1's
 * ratio); a loaded or debug-built host shows it in all three rows, while
 * an HSM that serialised the installs would show only in (a) and (b).
 *
 * The boards' install time is set nearer a real one than the test
 * profiles': ST's H7B3 transcript takes 44 s for an install
 * (../shared/research/sfi.md §2.3, T2) where a draw is a connect and an HSM
 * session (unverified: no source times a draw; the sim takes its connect
 * time), so per_kib_ms is raised until one install takes several draws'
 * time: 300 ms/KiB, 7 s for the 24 KiB image, still six times faster than
 * T2. With the test profiles' 10 ms/KiB a draw is a quarter of an install
 * and 16 boards would queue at the HSM whatever the harness did. Even so
 * the first round queues: 16 first draws on one HSM take 16 draws' time,
 * which no harness can overlap (about 16 x 0.15 s / (4 x 9 s) = 7 %). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#define TARGET_RATIO 1.15
#define ONE_BOARD_S 3.0

/* The BL 0x92 profile with install timings nearer silicon's. */
static char *bench_profile(const struct bench_opts *o)
{
	char *text = NULL, *path;

	if (asprintf(&text, "profile: b7-h7ab-bl92\ndescription: BL 0x92 with slower installs\n"
		     "device: {id: 0x480, name: STM32H7A/B, revision: Rev X, bl_version: 0x92, "
		     "rss_version: 3.1.0, flash_kb: 2048}\n"
		     "probe: {product: STLINK-V3SET, firmware: V3J10M3B5S1, voltage: 3.30V, on_board: false}\n"
		     "tool_version: 2.11.0\n"
		     "timing: {boot_ms: 300, connect_ms: 150, per_kib_ms: 300, rss_ms: 400, "
		     "regression_wait_ms: 8000}\n"
		     "install:\n  - outcome: success\n"
		     "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/test-nonce.hex}\n",
		     o->source_dir, o->source_dir) < 0)
		abort();
	path = bench_write(o->work_dir, "b7-profile.yaml", text);
	free(text);
	return path;
}

static char *b7_rack(const struct bench_opts *o, const char *profile, unsigned boards, double scale)
{
	char *text = NULL, *path, name[32];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fprintf(f, "rack: b7\ntime_scale: %g\nprogrammer: {driver: sim, timeout_s: 600}\n"
		"probe: {driver: sim}\npower:\n  - {id: relay0, driver: sim}\nboards:\n", scale);
	for (unsigned i = 0; i < boards; i++)
		fprintf(f, "  - {name: b%02u, kind: custom-H7B3, probe: {serial: 'B7%06u'}, "
			"power: {controller: relay0, pin: %u}, identity: {device_id: 0x480}, "
			"sacrificial: true, sim: %s}\n", i, i, i, profile);
	fclose(f);
	snprintf(name, sizeof(name), "b7-rack-%u.yaml", boards);
	path = bench_write(o->work_dir, name, text);
	free(text);
	return path;
}

enum licences { COLD, NONE, WARM };

static const char *const licence_names[] = { "cold cache", "no cache", "warm cache" };

/* The median wall time of the campaign on @boards boards: with a fresh
 * licence cache per run (COLD), none, or one filled by a first run that
 * is not measured (WARM). */
static double wall(const struct bench_opts *o, const char *profile, unsigned boards, double scale,
		   enum licences mode)
{
	static unsigned serial;
	double *walls = calloc(o->runs, sizeof(*walls)), median;
	char *rack = b7_rack(o, profile, boards, scale);
	unsigned warm = serial;

	for (int r = mode == WARM ? -1 : 0; r < (int)o->runs; r++) {
		char *steps = NULL, *license = NULL, *scen, *out = NULL, name[48];
		struct bench_proc p;
		unsigned n = serial++;
		if ((mode == NONE ? asprintf(&license, "{hsm_slot: 1}")
				  : asprintf(&license, "{hsm_slot: 1, cache: %s/b7-licences-%u}",
					     o->work_dir, mode == WARM ? warm : n)) < 0 ||
		    asprintf(&steps, "  - power: {action: cycle, off_ms: 1000, settle_ms: 200}\n"
			     "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, license: %s}\n",
			     o->source_dir, license) < 0 ||
		    asprintf(&out, "%s/b7-out-%u", o->work_dir, n) < 0)
			abort();
		snprintf(name, sizeof(name), "b7-%u.yaml", n);
		scen = bench_scenario(o, name, 4, steps);
		char *argv[] = { (char *)o->binary, "run", scen, "--rack", rack, "--out", out,
				 "--quiet", NULL };
		if (bench_spawn(argv, NULL, NULL, &p) < 0 || p.exit_code != 0) {
			fprintf(stderr, "sfi-bench: B7 run with %u boards exited %d\n", boards, p.exit_code);
			bench_failures++;
		}
		if (r >= 0)
			walls[r] = p.wall_s;
		free(steps);
		free(license);
		free(scen);
		free(out);
	}
	median = bench_median(walls, o->runs);
	free(walls);
	free(rack);
	return median;
}

static json_t *variant(const struct bench_opts *o, const char *profile, double scale,
		       enum licences mode, double *ratio_out)
{
	double w1 = wall(o, profile, 1, scale, mode), w16 = wall(o, profile, 16, scale, mode);

	*ratio_out = w16 / w1;
	printf("      %-10s  wall(1) %6.2f s  wall(16) %6.2f s  ratio %.3f\n",
	       licence_names[mode], w1, w16, *ratio_out);
	return json_pack("{s:f, s:f, s:f, s:b}", "wall_1_s", w1, "wall_16_s", w16, "ratio",
			 *ratio_out, "met", *ratio_out <= TARGET_RATIO);
}

json_t *bench_b7_hsm_parallel(const struct bench_opts *o)
{
	char *profile = bench_profile(o);
	double scale = 0.05, w1, cold, none, warm;

	/* calibrate as B1 does: one board takes about ONE_BOARD_S */
	w1 = wall(o, profile, 1, scale, NONE);
	scale *= ONE_BOARD_S / w1;
	printf("B7  one HSM, 16 boards (time scale %.3f)\n", scale);
	json_t *c = variant(o, profile, scale, COLD, &cold);
	json_t *n = variant(o, profile, scale, NONE, &none);
	json_t *w = variant(o, profile, scale, WARM, &warm);
	free(profile);
	return json_pack("{s:s, s:f, s:o, s:o, s:o, s:f, s:b}", "name", "one HSM, 16 boards",
			 "time_scale", scale, "cold_cache", c, "no_cache", n, "warm_cache_reference", w,
			 "target_ratio", TARGET_RATIO, "met", cold <= TARGET_RATIO && none <= TARGET_RATIO);
}
