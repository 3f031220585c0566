/* End to end on simulated racks: the errata scenario gives the verdict the
 * seed thread describes for each bootloader version, and the exit codes of
 * DESIGN §5 follow from what happened. */
#include "harness/util/clock.h"
#include "harness/util/fileutil.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;

static void init(void)
{
	hil_clock_set_scale(0);
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(e2e, .init = init, .timeout = 120);

/* Runs @scenario on @rack_path; returns the results model. */
static json_t *run(const char *scenario, const char *rack_path, unsigned repeat, int *code)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	char *out = NULL;
	json_t *res = NULL;

	cr_assert_eq(hil_scenario_load(&s, scenario, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_registry_rack_load(&rack, rack_path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_plan_build(&plan, s, rack, repeat, &d), 0, "%s", test_diag_text(&d));
	cr_assert(asprintf(&out, "%s/out", dir) > 0);
	struct hil_run_opts opts = { .out_dir = out };
	cr_assert_eq(test_run_plan(plan, &opts, code, &res), 0, "%s", "run failed");
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	free(out);
	return res;
}

static const char *verdict(const json_t *cell)
{
	return json_string_value(json_object_get(cell, "verdict"));
}

#define ERRATA HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml"
#define SIM_RACK HIL_SOURCE_DIR "/fixtures/racks/sim.yaml"

Test(e2e, errata_scenario_verdict_per_bootloader_version)
{
	int code = -1;
	json_t *res = run(ERRATA, SIM_RACK, 0, &code);

	cr_assert_eq(code, 0);
	for (int k = 0; k < 2; k++) {
		const char *label = k ? "image=sbsfu_rdp_bb.sfi" : "image=sbsfu_bb.sfi";
		const json_t *c90 = test_cell(res, "dk-bl90", label);
		const json_t *c91 = test_cell(res, "custom-bl91", label);
		const json_t *c92 = test_cell(res, "custom-bl92", label);

		cr_assert_str_eq(json_string_value(json_object_get(c90, "bl_version")), "0x90");
		cr_assert_str_eq(verdict(c90), "pass");
		cr_assert_str_eq(verdict(c91), "xfail");
		cr_assert_eq(json_integer_value(json_object_get(json_object_get(c91, "classes"),
								"rss_error")), 20);
		cr_assert_str_eq(verdict(c92), "pass");
		cr_assert_eq(json_integer_value(json_object_get(c92, "failures")), 0);
	}
	/* what the report files say is what the run returned */
	char *summary = NULL;
	cr_assert(asprintf(&summary, "%s/out/summary.json", dir) > 0);
	json_t *sum = json_load_file(summary, 0, NULL);
	cr_assert_not_null(sum);
	cr_assert_eq(json_integer_value(json_object_get(sum, "exit_code")), 0);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(sum, "totals"), "xfail")), 40);
	cr_assert_eq(json_array_size(json_object_get(sum, "cells")), 6);
	json_decref(sum);
	free(summary);
	json_decref(res);
}

Test(e2e, transcripts_are_saved_and_referenced)
{
	int code;
	json_t *res = run(ERRATA, SIM_RACK, 1, &code);
	char *log = NULL, *text = NULL;
	size_t n;

	cr_assert(asprintf(&log, "%s/out/logs/custom-bl91/install_image_sbsfu_bb.sfi__run_01/"
			   "03-sfi_install.log", dir) > 0);
	FILE *f = fopen(log, "r");
	cr_assert_not_null(f, "%s", log);
	text = calloc(1, 1 << 16);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	cr_assert_gt(n, 0);
	cr_assert(strstr(text, "RSS complete Value = 0x16"));
	cr_assert(strstr(text, "Waiting 8s for end of regression..."));
	free(text);
	free(log);
	json_decref(res);
}

/* A copy of the sim rack whose 0x91 board uses @profile_text instead. */
#define TEST_KEY "sfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: " \
	HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n"

static char *rack_with_bl91_profile(const char *profile_text)
{
	char *with_key = NULL;
	cr_assert(asprintf(&with_key, "%s%s", profile_text, TEST_KEY) > 0);
	char *profile = test_write(dir, "bl91.yaml", with_key);
	free(with_key);
	char *rack_text = NULL, *rack = NULL;

	cr_assert(asprintf(&rack_text,
			   "rack: t\ntime_scale: 0\nprogrammer: {driver: sim, timeout_s: 30}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - name: custom-bl91\n    kind: custom-H7B3\n"
			   "    probe: {serial: 002F003F3137510539383538}\n"
			   "    power: {controller: relay0, pin: 2}\n    sacrificial: true\n"
			   "    identity: {device_id: 0x480}\n"
			   "    sim: %s\n", profile) > 0);
	rack = test_write(dir, "rack.yaml", rack_text);
	free(rack_text);
	free(profile);
	return rack;
}

Test(e2e, bl91_that_succeeds_is_an_xpass_and_fails_the_run)
{
	char *rack = rack_with_bl91_profile("profile: fixed91\n"
					    "device: {id: 0x480, revision: '--', bl_version: 0x91}\n"
					    "install:\n  - outcome: success\n");
	int code = -1;
	json_t *res = run(ERRATA, rack, 2, &code);

	cr_assert_eq(code, 1);
	cr_assert_str_eq(verdict(test_cell(res, "custom-bl91", "image=sbsfu_bb.sfi")), "xpass");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(res, "totals"), "xpass")), 4);
	json_decref(res);
	free(rack);
}

Test(e2e, a_hung_programmer_is_an_infrastructure_error)
{
	char *rack = rack_with_bl91_profile("profile: hang91\n"
					    "device: {id: 0x480, bl_version: 0x91}\n"
					    "install:\n  - {outcome: rss_error, rss: 0x16}\n"
					    /* the 5th run: the pre-flight's identify, chip UID,
					     * power-off identify and -rssgetversion come first */
					    "faults:\n  - {point: programmer, fault: hang, after: 4, repeat: 1}\n");
	int code = -1;
	json_t *res = run(ERRATA, rack, 2, &code);
	const json_t *cell = test_cell(res, "custom-bl91", "image=sbsfu_bb.sfi");

	cr_assert_eq(code, 3, "infrastructure errors but no test failure");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(cell, "classes"), "timeout")), 1);
	cr_assert_eq(json_integer_value(json_object_get(cell, "xfail")), 1);
	json_decref(res);
	free(rack);
}

Test(e2e, a_wrong_board_on_the_probe_is_caught_before_any_write)
{
	char *rack = rack_with_bl91_profile("profile: other\ndevice: {id: 0x450, bl_version: 0x91}\n");
	int code = -1;
	json_t *res = run(ERRATA, rack, 1, &code);
	const json_t *cell = test_cell(res, "custom-bl91", "image=sbsfu_bb.sfi");

	cr_assert_eq(code, 3);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(cell, "classes"),
							"identity_mismatch")), 1);
	json_decref(res);
	free(rack);
}

Test(e2e, a_dead_relay_is_an_error_for_every_install)
{
	char *rack = rack_with_bl91_profile("profile: relay\ndevice: {id: 0x480, bl_version: 0x91}\n"
					    "faults:\n  - {point: power, fault: error}\n");
	int code = -1;
	json_t *res = run(ERRATA, rack, 2, &code);

	cr_assert_eq(code, 3);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(res, "totals"), "error")), 4);
	json_decref(res);
	free(rack);
}

Test(e2e, an_identity_mismatch_on_one_board_leaves_the_others_intact)
{
	char *profile = test_write(dir, "wrong.yaml", "profile: wrong\ndevice: {id: 0x450, bl_version: 0x91}\n"
				   TEST_KEY);
	char *text = NULL, *rack;
	int code = -1;

	cr_assert(asprintf(&text,
			   "rack: t\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: r, driver: sim}\n"
			   "boards:\n"
			   "  - {name: wrong, kind: k, probe: {serial: '01'}, power: {controller: r, pin: 0},"
			   " identity: {device_id: 0x480}, sacrificial: true, sim: %s}\n"
			   "  - {name: pinned, kind: k, probe: {serial: '02'}, power: {controller: r, pin: 1},"
			   " identity: {device_id: 0x480, bl_version: 0x90}, sacrificial: true,"
			   " sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n"
			   "  - {name: good, kind: k, probe: {serial: '03'}, power: {controller: r, pin: 2},"
			   " identity: {device_id: 0x480, bl_version: 0x92}, sacrificial: true,"
			   " sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n", profile) > 0);
	rack = test_write(dir, "rack3.yaml", text);
	json_t *res = run(ERRATA, rack, 2, &code);

	cr_assert_eq(code, 3, "infrastructure errors, no failure");
	cr_assert_str_eq(verdict(test_cell(res, "wrong", "image=sbsfu_bb.sfi")), "error");
	const json_t *pinned = test_cell(res, "pinned", "image=sbsfu_bb.sfi");
	cr_assert_str_eq(verdict(pinned), "error", "the rack pins BL 0x90, the board reports 0x92");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(pinned, "classes"),
							"identity_mismatch")), 2);
	const json_t *good = test_cell(res, "good", "image=sbsfu_bb.sfi");
	cr_assert_str_eq(verdict(good), "pass");
	cr_assert_eq(json_integer_value(json_object_get(good, "runs")), 2);
	json_decref(res);
	free(rack);
	free(text);
	free(profile);
}

static char *scenario_with(const char *extra)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "campaign: retry\n%s\nsteps:\n  - power: cycle\n"
			   "  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
			   " license: {hsm_slot: 1}}\n", extra) > 0);
	path = test_write(dir, "retry.yaml", text);
	free(text);
	return path;
}

Test(e2e, infrastructure_errors_are_retried_and_every_attempt_is_kept)
{
	/* the 5th programmer run (the first install) hangs once; the
	 * pre-flight's identify, chip UID, power-off identify and
	 * -rssgetversion come first */
	char *rack = rack_with_bl91_profile("profile: flaky\ndevice: {id: 0x480, bl_version: 0x92}\n"
					    "faults:\n  - {point: programmer, fault: hang, after: 4, repeat: 1}\n");
	char *scen = scenario_with("repeat: 2\nretries: 2\nretry_backoff_ms: 10");
	int code = -1;
	json_t *res = run(scen, rack, 0, &code);
	json_t *cases = json_object_get(json_array_get(json_object_get(res, "boards"), 0), "cases");

	cr_assert_eq(code, 0, "the retry came through");
	json_t *first = json_array_get(cases, 0);
	cr_assert_str_eq(json_string_value(json_object_get(first, "verdict")), "pass");
	cr_assert_eq(json_array_size(json_object_get(first, "attempts")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(first, "attempts"), 0), "class")), "timeout");
	char *junit = NULL, *path = NULL;
	size_t len;
	cr_assert(asprintf(&path, "%s/out/junit.xml", dir) > 0);
	cr_assert_eq(hil_read_file(&junit, &len, path, 1 << 20), 0);
	cr_assert(strstr(junit, "<flakyError type=\"timeout\""), "%s", junit);
	free(junit);
	free(path);
	json_decref(res);
	free(scen);
	free(rack);
}

Test(e2e, a_failing_device_is_not_retried)
{
	char *rack = rack_with_bl91_profile("profile: p\ndevice: {id: 0x480, bl_version: 0x91}\n"
					    "install:\n  - {outcome: rss_error, rss: 0x16}\n");
	char *scen = scenario_with("repeat: 1\nretries: 3\nretry_backoff_ms: 10");
	int code = -1;
	json_t *res = run(scen, rack, 0, &code);
	json_t *c = json_array_get(json_object_get(json_array_get(json_object_get(res, "boards"), 0),
						   "cases"), 0);

	cr_assert_eq(code, 1, "rss_error without an expectation is a fail");
	cr_assert(json_is_null(json_object_get(c, "attempts")), "device failures are never retried");
	json_decref(res);
	free(scen);
	free(rack);
}

Test(e2e, a_board_with_infrastructure_errors_in_a_row_is_quarantined)
{
	char *rack = rack_with_bl91_profile("profile: dead\ndevice: {id: 0x480, bl_version: 0x92}\n"
					    "faults:\n  - {point: programmer, fault: crash, after: 2}\n");
	char *scen = scenario_with("repeat: 6\nquarantine_after: 2");
	int code = -1;
	json_t *res = run(scen, rack, 0, &code);
	json_t *cases = json_object_get(json_array_get(json_object_get(res, "boards"), 0), "cases");

	cr_assert_eq(code, 3);
	cr_assert_eq(json_array_size(cases), 6, "every planned install is reported");
	for (size_t i = 2; i < 6; i++)
		cr_assert(strstr(json_string_value(json_object_get(json_array_get(cases, i), "message")),
				 "quarantined: 2 infrastructure errors in a row"), "case %zu", i);
	json_decref(res);
	free(scen);
	free(rack);
}

Test(e2e, until_stops_a_cell_at_its_failure_count)
{
	char *rack = rack_with_bl91_profile("profile: p\ndevice: {id: 0x480, bl_version: 0x91}\n"
					    "install:\n  - {outcome: rss_error, rss: 0x16}\n");
	char *scen = scenario_with("until: {failures: 3}\nmax_runs: 50\nexpect:\n"
				   "  - {result: fail, class: rss_error}");
	int code = -1;
	json_t *res = run(scen, rack, 0, &code);
	json_t *cell = json_array_get(json_object_get(res, "cells"), 0);

	cr_assert_eq(code, 0);
	cr_assert_eq(json_integer_value(json_object_get(cell, "runs")), 3, "stopped at 3 failures, not 50 runs");
	json_decref(res);
	free(scen);
	free(rack);
}
