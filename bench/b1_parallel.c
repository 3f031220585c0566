/* B1: parallel efficiency. N = 1, 2, 4, 8, 16, 32 simulated boards, each
 * running the same campaign (power cycle and SFI install, four times) with
 * the profile's timings scaled so that one board takes about 2 s. Reports
 * wall(N) / wall(1); the boards are independent, so the ideal is 1.0.
 * Target: <= 1.10 at 16 boards. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#define TARGET_RATIO 1.10
#define ONE_BOARD_S 2.0

static double campaign_wall(const struct bench_opts *o, unsigned boards, double scale,
			    const char *scenario)
{
	static unsigned serial;
	char name[32], *out = NULL;
	double *walls = calloc(o->runs, sizeof(*walls)), median;

	snprintf(name, sizeof(name), "b1-rack-%u.yaml", boards);
	char *rack = bench_rack(o, name, boards, "{driver: sim, timeout_s: 60}", scale);
	for (unsigned r = 0; r < o->runs; r++) {
		struct bench_proc p;
		if (asprintf(&out, "%s/b1-out-%u-%u-%u", o->work_dir, boards, r, serial++) < 0)
			abort();
		char *argv[] = { (char *)o->binary, "run", (char *)scenario, "--rack", rack, "--out", out,
				 "--quiet", NULL };
		if (bench_spawn(argv, NULL, NULL, &p) < 0 || p.exit_code != 0)
			fprintf(stderr, "sfi-bench: B1 run with %u boards exited %d\n", boards, p.exit_code);
		walls[r] = p.wall_s;
		free(out);
	}
	median = bench_median(walls, o->runs);
	free(walls);
	free(rack);
	return median;
}

json_t *bench_b1_parallel(const struct bench_opts *o)
{
	static const unsigned sizes[] = { 1, 2, 4, 8, 16, 32 };
	char *steps = NULL;
	json_t *rows = json_array();
	double scale = 0.05, wall1, ratio16 = 0;

	if (asprintf(&steps, "  - power: {action: cycle, off_ms: 1000, settle_ms: 200}\n"
		     "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, license: {hsm_slot: 1, "
		     "cache: %s/b1-licences}}\n", o->source_dir, o->work_dir) < 0)
		abort();
	char *scenario = bench_scenario(o, "b1.yaml", 4, steps);
	/* calibrate: the time scale at which one board takes ONE_BOARD_S */
	wall1 = campaign_wall(o, 1, scale, scenario);
	scale *= ONE_BOARD_S / wall1;
	wall1 = campaign_wall(o, 1, scale, scenario);
	printf("B1  parallel efficiency (time scale %.3f, one board %.2f s)\n", scale, wall1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		unsigned n = sizes[i];
		double wall = n == 1 ? wall1 : campaign_wall(o, n, scale, scenario);
		if (n == 16)
			ratio16 = wall / wall1;
		printf("      %2u boards  wall %6.2f s  wall(N)/wall(1) %.3f\n", n, wall, wall / wall1);
		json_array_append_new(rows, json_pack("{s:i, s:f, s:f}", "boards", (json_int_t)n,
						      "wall_s_median", wall, "ratio", wall / wall1));
	}
	printf("      wall(16)/wall(1) %.3f (target <= %.2f): %s\n", ratio16, TARGET_RATIO,
	       bench_verdict(o, ratio16 <= TARGET_RATIO));
	free(scenario);
	free(steps);
	return json_pack("{s:s, s:f, s:f, s:o, s:f, s:f, s:b}", "name", "parallel efficiency",
			 "time_scale", scale, "one_board_s", wall1, "sizes", rows,
			 "ratio_at_16", ratio16, "target_ratio_at_16", TARGET_RATIO,
			 "met", ratio16 <= TARGET_RATIO);
}
