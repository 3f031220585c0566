/* B7: start-up. How long the commands a lab types first take, each a
 * median of 4 x --runs runs (at least 10; --quick: 3), alternating:
 *
 *   --help                    sfi-harness --help
 *   check                     sfi-harness check of the demo scenario
 *                             (scenarios/errata-2.2.3.yaml on
 *                             fixtures/racks/sim.yaml: parse, plan, pre-flight)
 *   1-install campaign        sfi-harness run of one install on one
 *                             simulated board at time scale 0, reports
 *                             and all (its results folder on disk)
 *
 * Target: the 1-install campaign <= 20 ms (issue 19: it took 66 ms, 50 of
 * them the journal's flusher waiting out its gathering period at close;
 * close now wakes it). Peers, measured beside them when Debian's pytest is
 * there: `python3 -m pytest --version` and B6's suite collected
 * (`--collect-only`, 200 tests); B6 has pytest's one-install run. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TARGET_ONE_MS 20.0
#define PYTHON "/usr/bin/python3"

enum { HELP, CHECK, ONE, ONE_TMPFS, PYTEST_VERSION, PYTEST_COLLECT, COMMANDS };

static const char *const keys[COMMANDS] = { "help", "check_demo", "one_install_campaign",
					    "one_install_campaign_tmpfs", "pytest_version",
					    "pytest_collect" };

json_t *bench_b7_startup(const struct bench_opts *o)
{
	unsigned runs = o->quick ? 3 : o->runs * 4 < 10 ? 10 : o->runs * 4;
	char *steps = bench_fmt("  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
				"license: {hsm_slot: 1}}\n", o->source_dir);
	char *scenario = bench_scenario(o, "b7-one.yaml", 1, steps);
	char *rack = bench_rack(o, "b7-rack.yaml", 1, "{driver: sim, timeout_s: 60}", 0, NULL);
	char *demo = bench_fmt("%s/scenarios/errata-2.2.3.yaml", o->source_dir);
	char *sim = bench_fmt("%s/fixtures/racks/sim.yaml", o->source_dir);
	char *envfile = bench_fmt("%s/bench/labgrid/env.yaml", o->source_dir);
	char *tests = bench_fmt("%s/bench/labgrid", o->source_dir);
	char *probe[] = { PYTHON, "-c", "import labgrid, pytest", NULL };
	struct bench_proc p;
	bool pytest = bench_spawn(probe, NULL, NULL, &p) == 0 && p.exit_code == 0;
	bool tmpfs = access("/dev/shm", W_OK) == 0;
	double *ms[COMMANDS];

	for (int c = 0; c < COMMANDS; c++)
		ms[c] = calloc(runs, sizeof(double));
	for (unsigned r = 0; r < runs; r++) {
		char *out = bench_fmt("%s/b7-out-%u", o->work_dir, r);
		char *shm = bench_fmt("/dev/shm/sfi-bench-b7-%ld-%u", (long)getpid(), r);
		char *help[] = { (char *)o->binary, "--help", NULL };
		char *check[] = { (char *)o->binary, "check", "--rack", sim, demo, NULL };
		char *one[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", out, "--quiet", NULL };
		char *one_shm[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", shm, "--quiet",
				    NULL };
		char *rm[] = { "/bin/rm", "-rf", shm, NULL };
		char *version[] = { PYTHON, "-m", "pytest", "--version", NULL };
		char *collect[] = { PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
				    "--lg-env", envfile, tests, NULL };
		char *pyenv[] = { "PYTHONDONTWRITEBYTECODE=1", "LG_HARNESS=/bin/false", "LG_RACK=-",
				  "LG_STM32_PROGRAMMER_CLI=/bin/false", "LG_IMAGE=-", NULL };
		char **argv[COMMANDS] = { help, check, one, one_shm, version, collect };
		for (int i = 0; i < COMMANDS; i++) {
			int c = r % 2 ? COMMANDS - 1 - i : i;
			if ((c >= PYTEST_VERSION && !pytest) || (c == ONE_TMPFS && !tmpfs))
				continue;
			char *what = bench_fmt("B7 %s", keys[c]);
			bench_run(what, argv[c], c >= PYTEST_VERSION ? pyenv : NULL, NULL, 0, &p);
			ms[c][r] = p.wall_s * 1e3;
			free(what);
		}
		if (tmpfs)
			bench_spawn(rm, NULL, NULL, &p);
		free(shm);
		free(out);
	}
	json_t *res = json_pack("{s:s, s:f}", "name", "start-up", "target_one_install_ms", TARGET_ONE_MS);
	char *s[COMMANDS];
	for (int c = 0; c < COMMANDS; c++) {
		s[c] = bench_summary(ms[c], runs, 1, "%.1f", " ms");
		if ((c < PYTEST_VERSION || pytest) && (c != ONE_TMPFS || tmpfs))
			json_object_set_new(res, keys[c], bench_stats(ms[c], runs));
	}
	double one_ms = bench_median(ms[ONE], runs);
	json_object_set_new(res, "met", json_boolean(one_ms <= TARGET_ONE_MS));
	printf("B7  start-up: --help %s, check of the demo scenario %s,\n"
	       "      1-install campaign %s (target <= %.0f ms), on tmpfs %s\n", s[HELP], s[CHECK], s[ONE],
	       TARGET_ONE_MS, tmpfs ? s[ONE_TMPFS] : "not measured");
	if (pytest)
		printf("      peers: pytest --version %s, B6's suite collected %s\n", s[PYTEST_VERSION],
		       s[PYTEST_COLLECT]);
	char *pv = pytest ? bench_fmt("`pytest --version` %s", s[PYTEST_VERSION]) : bench_fmt("no pytest");
	char *pc = pytest ? bench_fmt("B6's suite `pytest --collect-only` %s", s[PYTEST_COLLECT])
			  : bench_fmt("no pytest");
	char *r1 = bench_fmt("**%s**", s[ONE]), *t1 = bench_fmt("≤ %.0f ms", TARGET_ONE_MS);
	bench_table_row(res, "start-up: `sfi-harness --help`", s[HELP], pv, "", -1);
	bench_table_row(res, "start-up: `check` of the demo scenario (parse, plan, pre-flight)", s[CHECK],
			pc, "", -1);
	bench_table_row(res, "start-up: a 1-install campaign, reports included", r1,
			"pytest + labgrid, one install: B6", t1, one_ms <= TARGET_ONE_MS);
	if (tmpfs)
		bench_table_row(res, "the same with its results on tmpfs (no fsync latency)", s[ONE_TMPFS],
				"", "", -1);
	free(pv), free(pc), free(r1), free(t1);
	for (int c = 0; c < COMMANDS; c++)
		free(s[c]), free(ms[c]);
	free(tests), free(envfile), free(sim), free(demo), free(rack), free(scenario), free(steps);
	return res;
}
