/* B6: the harness against labgrid + pytest, the peer a lab would pick
 * (bench/labgrid: env.yaml, conftest.py, test_sfi_install.py; Debian 12's
 * python3-labgrid 0.4.1 and python3-pytest 7.2). Both do B2's installs on
 * one board through the stand-in STM32_Programmer_CLI at time scale 0 (a
 * licence draw and an install each): the harness as a campaign, pytest as
 * one test per install with labgrid's ExternalPowerDriver switching the
 * board on for the session (`sfi-harness power` stands in for a lab's
 * relay command). Reported: the wall ratio harness / pytest for 200
 * installs, and the time to the first install: the wall of the same
 * campaign and suite cut to one install (start-up, the install, the
 * reports). Runs alternate, --runs each. No target: the comparison is the
 * figure; README "Performance" says what the peer can and cannot express.
 *
 * Skipped, visibly, when Debian's python3 lacks labgrid or pytest. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#define PYTHON "/usr/bin/python3"

struct b6 {
	const struct bench_opts *o;
	char *rack, *scenario[2], *env[9];
	unsigned serial;
};

static double harness(struct b6 *b, int one)
{
	char *out = bench_fmt("%s/b6-out-%u", b->o->work_dir, b->serial++);
	char *argv[] = { (char *)b->o->binary, "run", b->scenario[one], "--rack", b->rack, "--out", out,
			 "--quiet", NULL };
	struct bench_proc p;

	bench_run(one ? "B6 1-install campaign" : "B6 campaign", argv, NULL, NULL, 0, &p);
	free(out);
	return p.wall_s;
}

static double suite(struct b6 *b, int one, unsigned installs)
{
	const struct bench_opts *o = b->o;
	unsigned n = b->serial++;
	char *dir = bench_fmt("%s/b6-pytest-%u", o->work_dir, n), *log = bench_fmt("%s.log", dir);
	char *envfile = bench_fmt("%s/bench/labgrid/env.yaml", o->source_dir);
	char *tests = bench_fmt("%s/bench/labgrid", o->source_dir);
	char *basetemp = bench_fmt("%s/tmp", dir);
	char *state = bench_fmt("HIL_SIM_STATE_DIR=%s/sim-state", dir);
	char *count = bench_fmt("LG_SFI_INSTALLS=%u", one ? 1 : installs);
	char *argv[] = { PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--lg-env", envfile,
			 "--basetemp", basetemp, tests, NULL };
	struct bench_proc p;

	bench_mkdir(dir);
	b->env[0] = state;
	b->env[1] = count;
	bench_run(one ? "B6 pytest, one install" : "B6 pytest", argv, b->env, log, 0, &p);
	free(count), free(state), free(basetemp), free(tests), free(envfile), free(log), free(dir);
	return p.wall_s;
}

json_t *bench_b6_labgrid(const struct bench_opts *o)
{
	struct b6 b = { .o = o };
	unsigned installs = o->quick ? 40 : 200, runs = o->runs;
	char *check[] = { PYTHON, "-c", "import labgrid, pytest", NULL };
	struct bench_proc p;

	if (bench_spawn(check, NULL, NULL, &p) < 0 || p.exit_code != 0) {
		printf("B6  SKIPPED: %s cannot import labgrid and pytest (Debian: python3-labgrid "
		       "python3-pytest, ci/setup.sh)\n", PYTHON);
		json_t *res = json_pack("{s:s, s:b}", "name", "labgrid + pytest", "skipped", 1);
		bench_table_row(res, "the same installs as a labgrid + pytest suite",
				"not measured: no labgrid or pytest", "", "", -1);
		return res;
	}
	char *steps = bench_fmt("  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
				"license: {hsm_slot: 1}}\n", o->source_dir);
	char *programmer = bench_fmt("{driver: cubeprog, path: %s, timeout_s: 60}", o->fake_cli);
	b.rack = bench_rack(o, "b6-rack.yaml", 1, programmer, 0, NULL);
	b.scenario[0] = bench_scenario(o, "b6.yaml", installs, steps);
	b.scenario[1] = bench_scenario(o, "b6-one.yaml", 1, steps);
	b.env[2] = bench_fmt("LG_HARNESS=%s", o->binary);
	b.env[3] = bench_fmt("LG_RACK=%s", b.rack);
	b.env[4] = bench_fmt("LG_STM32_PROGRAMMER_CLI=%s", o->fake_cli);
	b.env[5] = bench_fmt("LG_IMAGE=%s/fixtures/images/sbsfu_bb.sfi", o->source_dir);
	b.env[6] = "HIL_TIME_SCALE=0";
	b.env[7] = "PYTHONDONTWRITEBYTECODE=1"; /* no __pycache__ in the project tree */
	b.env[8] = NULL;
	double *h = calloc(runs, sizeof(double)), *s = calloc(runs, sizeof(double));
	double *h1 = calloc(runs, sizeof(double)), *s1 = calloc(runs, sizeof(double));
	double *pair = calloc(runs, sizeof(double));
	for (unsigned r = 0; r < runs; r++) {
		if (r % 2 == 0) {
			h[r] = harness(&b, 0), s[r] = suite(&b, 0, installs);
			h1[r] = harness(&b, 1), s1[r] = suite(&b, 1, installs);
		} else {
			s[r] = suite(&b, 0, installs), h[r] = harness(&b, 0);
			s1[r] = suite(&b, 1, installs), h1[r] = harness(&b, 1);
		}
		pair[r] = h[r] / s[r];
	}
	char *sp = bench_range(pair, runs, "%.3f");
	double ratio = bench_median(h, runs) / bench_median(s, runs);
	char *sh = bench_summary(h, runs, 1, "%.2f", " s"), *ss = bench_summary(s, runs, 1, "%.2f", " s");
	char *sh1 = bench_summary(h1, runs, 1e3, "%.0f", " ms"), *ss1 = bench_summary(s1, runs, 1e3, "%.0f", " ms");
	printf("B6  %u installs, harness %s, pytest + labgrid %s: ratio %.3f (pairs %s)\n"
	       "      time to the first install (a 1-install run): harness %s, pytest + labgrid %s\n",
	       installs, sh, ss, ratio, sp, sh1, ss1);
	json_t *res = json_pack("{s:s, s:i, s:o, s:o, s:f, s:o, s:o, s:o}", "name", "labgrid + pytest",
				"installs", (json_int_t)installs, "harness_wall_s", bench_stats(h, runs),
				"pytest_wall_s", bench_stats(s, runs), "ratio", ratio, "paired_ratio",
				bench_stats(pair, runs), "harness_first_install_s", bench_stats(h1, runs),
				"pytest_first_install_s", bench_stats(s1, runs));
	char *what = bench_fmt("%u installs (draw + install), harness / labgrid + pytest", installs);
	char *result = bench_fmt("harness %s: **%.3f** (pairs %s)", sh, ratio, sp);
	char *peer = bench_fmt("pytest + labgrid (ExternalPowerDriver, a test per install): %s", ss);
	bench_table_row(res, what, result, peer, "", -1);
	char *r2 = bench_fmt("harness **%s**", sh1), *p2 = bench_fmt("pytest + labgrid %s", ss1);
	bench_table_row(res, "time to the first install (the same, one install)", r2, p2, "", -1);
	free(what), free(result), free(peer), free(r2), free(p2);
	free(sp), free(sh), free(ss), free(sh1), free(ss1);
	free(h), free(s), free(h1), free(s1), free(pair);
	for (int i = 2; i < 6; i++)
		free(b.env[i]);
	free(b.scenario[0]), free(b.scenario[1]), free(b.rack), free(programmer), free(steps);
	return res;
}
