/* Scenario loader and planner: bad input with positions, matrix expansion,
 * ${param} substitution, board selection and the sacrificial guard. */
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/sfi/option_bytes.h"
#include "harness/config/scenario.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static struct hil_diag diag;
static struct hil_scenario *scen;
static struct hil_rack *rack;
static struct hil_plan *plan;
static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	free(test_write(dir, "a.sfi", "x"));
	free(test_write(dir, "b.sfi", "y"));
	free(test_write(dir, "fw.bin", "z"));
}

static void fini(void)
{
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(scen);
	hil_diag_clear(&diag);
	plan = NULL;
	rack = NULL;
	scen = NULL;
}

TestSuite(scenario, .init = init, .fini = fini);

static int load(const char *text)
{
	char *path = test_write(dir, "s.yaml", text);
	int error = hil_scenario_load(&scen, path, &diag);

	free(path);
	return error;
}

static int load_and_plan(const char *text, const char *rack_path)
{
	int error = load(text);

	if (error)
		return error;
	cr_assert_eq(hil_registry_rack_load(&rack, rack_path, &diag), 0, "%s", test_diag_text(&diag));
	return hil_plan_build(&plan, scen, rack, 0, &diag);
}

#define SIM_RACK HIL_SOURCE_DIR "/fixtures/racks/sim.yaml"

static const char good[] =
	"campaign: c\n"
	"repeat: 3\n"
	"matrix: {image: [a.sfi, b.sfi], slot: ['1', '2']}\n"
	"steps:\n"
	"  - power: cycle\n"
	"  - sfi_install: {image: \"${image}\", license: {hsm_slot: 1}}\n"
	"  - verify_flash: {expect: fw.bin, address: 0x08000000}\n"
	"expect:\n"
	"  - when: {bl_version: 0x91, image: b.sfi}\n"
	"    result: fail\n"
	"    class: rss_error\n"
	"    rss: 0x16\n";

Test(scenario, good_scenario_plans_every_cell)
{
	cr_assert_eq(load_and_plan(good, SIM_RACK), 0, "%s", test_diag_text(&diag));
	cr_assert_eq(plan->board_count, 3);
	cr_assert_eq(plan->cell_count, 4);
	cr_assert_eq(plan->repeat, 3);
	cr_assert_str_eq(plan->cells[0].label, "image=a.sfi,slot=1");
	cr_assert_str_eq(plan->cells[3].label, "image=b.sfi,slot=2");
	/* ${image} substituted and resolved against the scenario's folder */
	char *want = NULL;
	cr_assert(asprintf(&want, "%s/b.sfi", dir) > 0);
	cr_assert_str_eq(plan->cells[2].steps[1].image, want);
	free(want);
	cr_assert_eq(scen->expect[0].rss, 0x16);
	cr_assert_eq(scen->expect[0].cls, HIL_CLASS_RSS_ERROR);
}

Test(scenario, wrong_type_has_line_and_column)
{
	cr_assert_lt(load("campaign: c\nrepeat: ten\nsteps:\n  - power: on\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:2:9: repeat: wrong type, got 'ten' (expected a whole "
				"number from 1 to 100000)"), "%s", test_diag_text(&diag));
}

Test(scenario, unknown_key)
{
	cr_assert_lt(load("campaign: c\nrepaet: 3\nsteps:\n  - power: on\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:2:1: unknown key 'repaet' in scenario file"), "%s",
		  test_diag_text(&diag));
}

Test(scenario, missing_steps)
{
	cr_assert_lt(load("campaign: c\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:1:1: missing field 'steps' in scenario file (required)"),
		  "%s", test_diag_text(&diag));
}

Test(scenario, unknown_step)
{
	cr_assert_lt(load("campaign: c\nsteps:\n  - flash_it: {}\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:3:5: step: unknown value 'flash_it' (expected one of: "
				"power, sfi_install, read_ob, verify_flash, wait, reset, expect_console, "
				"regress)"), "%s",
		  test_diag_text(&diag));
}

Test(scenario, bad_hex_in_expectation)
{
	cr_assert_lt(load("campaign: c\nsteps:\n  - power: on\nexpect:\n  - when: {bl_version: 91}\n"
			  "    result: pass\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:5:24: bl_version: bad hex value '91'"), "%s",
		  test_diag_text(&diag));
}

Test(scenario, dangling_param_reference)
{
	cr_assert_lt(load("campaign: c\nmatrix: {image: [a.sfi]}\nsteps:\n"
			  "  - sfi_install: {image: \"${img}\", license: {hsm_slot: 1}}\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:4:26: image: '${img}' is not a matrix parameter "
				"(expected one of: image)"), "%s", test_diag_text(&diag));
}

Test(scenario, unknown_class_and_misplaced_rss)
{
	cr_assert_lt(load("campaign: c\nsteps:\n  - power: on\nexpect:\n  - result: pass\n"
			  "    class: rss_eror\n    rss: 0x16\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:6:12: class: unknown value 'rss_eror'"), "%s",
		  test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, "s.yaml:7:10: rss applies only to result: fail"), "%s",
		  test_diag_text(&diag));
}

Test(scenario, when_key_must_be_identity_or_matrix_param)
{
	cr_assert_lt(load("campaign: c\nsteps:\n  - power: on\nexpect:\n  - when: {colour: red}\n"
			  "    result: pass\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:5:12: unknown key 'colour' in when"), "%s",
		  test_diag_text(&diag));
}

Test(scenario, dangling_board_name)
{
	cr_assert_lt(load_and_plan("campaign: c\nboards: [dk-bl90, nosuch]\nsteps:\n  - power: on\n",
				   SIM_RACK), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:2:19: unknown board 'nosuch' (expected a board name of "
				"rack 'sim-rack'"), "%s", test_diag_text(&diag));
}

Test(scenario, missing_image_is_reported_for_its_cell)
{
	cr_assert_lt(load_and_plan("campaign: c\nmatrix: {image: [a.sfi, gone.sfi]}\nsteps:\n"
				   "  - sfi_install: {image: \"${image}\", license: {hsm_slot: 1}}\n",
				   SIM_RACK), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:4:5: image '"), "%s", test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, "gone.sfi' not found for image=gone.sfi"), "%s",
		  test_diag_text(&diag));
}

static char *rack_with_unsacrificial_board(void)
{
	return test_write(dir, "r.yaml",
			  "rack: r\nprogrammer: {driver: sim}\nboards:\n"
			  "  - name: keep\n    kind: k\n    probe: {serial: '01'}\n"
			  "    sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml\n"
			  "  - name: spare\n    kind: k\n    probe: {serial: '02'}\n    sacrificial: true\n"
			  "    sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml\n");
}

Test(scenario, sfi_on_a_named_board_that_is_not_sacrificial_is_refused)
{
	char *r = rack_with_unsacrificial_board();

	cr_assert_lt(load_and_plan("campaign: c\nboards: [keep]\nsteps:\n"
				   "  - sfi_install: {image: a.sfi, license: {hsm_slot: 1}}\n", r), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:2:10: refused: board 'keep' is not marked sacrificial"),
		  "%s", test_diag_text(&diag));
	free(r);
}

Test(scenario, all_boards_skips_the_ones_that_are_not_sacrificial)
{
	char *r = rack_with_unsacrificial_board();

	cr_assert_eq(load_and_plan("campaign: c\nboards: all\nsteps:\n"
				   "  - sfi_install: {image: a.sfi, license: {hsm_slot: 1}}\n", r), 0,
		     "%s", test_diag_text(&diag));
	cr_assert_eq(plan->board_count, 2);
	cr_assert_not_null(plan->boards[0].skip_reason);
	cr_assert(strstr(plan->boards[0].skip_reason, "not sacrificial"));
	cr_assert_null(plan->boards[1].skip_reason);
	free(r);
}

Test(scenario, shipped_errata_scenario_plans_on_the_sim_rack)
{
	cr_assert_eq(hil_scenario_load(&scen, HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", &diag), 0,
		     "%s", test_diag_text(&diag));
	cr_assert_eq(hil_registry_rack_load(&rack, SIM_RACK, &diag), 0);
	cr_assert_eq(hil_plan_build(&plan, scen, rack, 0, &diag), 0, "%s", test_diag_text(&diag));
	cr_assert_eq(plan->cell_count, 2);
	cr_assert_eq(scen->expect_count, 3);
}

Test(scenario, irreversible_option_bytes_are_checked_against_the_known_fields)
{
	cr_assert_lt(load("campaign: c\nirreversible_option_bytes:\n  - {name: SECURITY, value: 0x1}\n"
			  "  - {name: RDQ, value: 0xCC}\n  - {name: BOR_LEV, value: 0x7}\n"
			  "steps:\n  - power: on\n"), 0);
	cr_assert(test_diag_has(&diag, "s.yaml:4:12: unknown option byte 'RDQ' (expected one of: "
				"BOR_LEV, IWDG1_SW"), "%s", test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, "s.yaml:5:28: value 0x7 does not fit BOR_LEV (2 bits)"),
		  "%s", test_diag_text(&diag));
	fini();
	cr_assert_eq(load("campaign: c\nirreversible_option_bytes:\n"
			  "  - {name: SECURITY, value: 0x1, why: only an RDP regression clears it}\n"
			  "steps:\n  - power: on\n"), 0, "%s", test_diag_text(&diag));
	cr_assert_eq(scen->ob_rule_count, 1);
	cr_assert_str_eq(scen->ob_rules[0].why, "only an RDP regression clears it");
}
