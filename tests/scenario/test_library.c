/* The scenario library (scenarios/) on the simulated rack, through the
 * binary: each runs as shipped, and rdp-or-bootloader answers its question
 * from the factor the board profiles encode; flip the profiles' rule and
 * the answer flips. */
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(library, .init = init, .timeout = 300);

/* Runs scenarios/@name at time scale 0 (on @rack, or the default sim rack);
 * returns the exit code and loads summary.json. */
static int run(const char *name, const char *rack, json_t **summary, char **output)
{
	char *scen = NULL, *out = NULL;

	cr_assert(asprintf(&scen, "%s/scenarios/%s", HIL_SOURCE_DIR, name) > 0);
	cr_assert(asprintf(&out, "%s/%s-%s", dir, name, rack ? "flipped" : "sim") > 0);
	char *argv[] = { HIL_BINARY, "run", scen, "--out", out, "--time-scale", "0",
			 rack ? "--rack" : NULL, (char *)rack, NULL };
	int code = test_run_summary(argv, out, summary, output);

	free(out);
	free(scen);
	return code;
}

/* The verdict of a cell; @label "" for a scenario without a matrix. */
static const char *cell_verdict(const json_t *summary, const char *board, const char *label)
{
	return json_string_value(json_object_get(test_cell(summary, board, label), "verdict"));
}

/* Which cells failed (fail or xfail): "board/cell" joined by spaces. */
static void failing_cells(const json_t *summary, char *buf, size_t size)
{
	size_t i, used = 0;
	json_t *c;

	buf[0] = '\0';
	json_array_foreach(json_object_get(summary, "cells"), i, c)
		if (json_integer_value(json_object_get(c, "failures")) > 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s/%s", used ? " " : "",
						 json_string_value(json_object_get(c, "board")),
						 json_string_value(json_object_get(c, "cell")));
}

Test(library, rdp_or_bootloader_failures_follow_the_bootloader_on_the_sim_rack)
{
	json_t *sum = NULL;
	char *out = NULL, failing[512];

	cr_assert_eq(run("rdp-or-bootloader.yaml", NULL, &sum, &out), 0, "%s", out);
	failing_cells(sum, failing, sizeof(failing));
	cr_assert_str_eq(failing, "custom-bl91/rdp=AA custom-bl91/rdp=BB", "the BL 0x91 row, both columns");
	cr_assert_str_eq(cell_verdict(sum, "custom-bl91", "rdp=AA"), "xfail");
	cr_assert_str_eq(cell_verdict(sum, "dk-bl90", "rdp=BB"), "pass");
	json_decref(sum);
	free(out);
}

/* The same three boards, bootloaders and probes, but every profile fails
 * an image that asks for RDP level 1, whatever its bootloader. */
static char *flipped_rack(void)
{
	static const struct { const char *name, *serial, *bl; } boards[] = {
		{ "dk-bl90", "066DFF485750717867193015", "0x90" },
		{ "custom-bl91", "002F003F3137510539383538", "0x91" },
		{ "custom-bl92", "003A00293438510B34313939", "0x92" },
	};
	char *rack = NULL, *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&rack, &len);

	fprintf(f, "rack: flipped\ntime_scale: 0\nprogrammer: {driver: sim}\nprobe: {driver: sim}\n"
		"power:\n  - {id: relay0, driver: sim}\nboards:\n");
	for (size_t i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s.yaml", boards[i].name);
		cr_assert(asprintf(&text, "profile: flipped-%s\ndevice: {id: 0x480, bl_version: %s}\n"
				   "install:\n  - when: {image_rdp: 0xBB}\n    outcome: rss_error\n"
				   "    rss: 0x16\n  - outcome: success\n"
				   "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/"
				   "test-nonce.hex}\n", boards[i].name, boards[i].bl, HIL_SOURCE_DIR,
				   HIL_SOURCE_DIR) > 0);
		char *profile = test_write(dir, name, text);
		fprintf(f, "  - {name: %s, kind: custom-H7B3, probe: {serial: '%s'}, power: {controller: "
			"relay0, pin: %zu}, identity: {device_id: 0x480}, sacrificial: true, sim: %s}\n",
			boards[i].name, boards[i].serial, 2 * i, profile);
		free(profile);
		free(text);
	}
	fclose(f);
	char *path = test_write(dir, "flipped-rack.yaml", rack);
	free(rack);
	return path;
}

Test(library, flip_the_profiles_rule_and_the_failures_follow_the_rdp_level)
{
	json_t *sum = NULL;
	char *out = NULL, failing[512], *rack = flipped_rack();

	cr_assert_eq(run("rdp-or-bootloader.yaml", rack, &sum, &out), 1,
		     "the erratum reading no longer holds: %s", out);
	failing_cells(sum, failing, sizeof(failing));
	cr_assert_str_eq(failing, "dk-bl90/rdp=BB custom-bl91/rdp=BB custom-bl92/rdp=BB",
			 "the rdp=BB column, every bootloader");
	cr_assert_str_eq(cell_verdict(sum, "dk-bl90", "rdp=BB"), "fail");
	cr_assert_str_eq(cell_verdict(sum, "custom-bl91", "rdp=AA"), "xpass", "BL 0x91 installs RDP 0");
	json_decref(sum);
	free(out);
	free(rack);
}

Test(library, qualify_bootloader_qualifies_the_candidate_and_says_so)
{
	json_t *sum = NULL;
	char *out = NULL;

	int code = run("qualify-bootloader.yaml", NULL, &sum, &out);
	cr_assert_str_eq(cell_verdict(sum, "custom-bl92", ""), "pass");
	cr_assert(strstr(out, "custom-bl92      0x92  -                               73     0  pass"
			 "          qualified: failure rate 0.0%"), "%s", out);
	const char *baseline = cell_verdict(sum, "dk-bl90", "");
	cr_assert(!strcmp(baseline, "pass") || !strcmp(baseline, "inconclusive"), "%s", baseline);
	/* an inconclusive cell is never "as expected": exit 4 says more runs
	 * are needed (docs/reading-reports.md) */
	if (!strcmp(baseline, "inconclusive")) {
		cr_assert_eq(code, 4, "%s", out);
		cr_assert(strstr(out, "Exit code 4: inconclusive, more runs needed"), "%s", out);
	} else {
		cr_assert_eq(code, 0, "%s", out);
	}
	json_decref(sum);
	free(out);
}

Test(library, nightly_installs_once_per_board_with_read_back_and_banner)
{
	json_t *sum = NULL;
	char *out = NULL;

	cr_assert_eq(run("nightly.yaml", NULL, &sum, &out), 0, "%s", out);
	cr_assert_eq(json_array_size(json_object_get(sum, "cells")), 3);
	cr_assert_str_eq(cell_verdict(sum, "dk-bl90", ""), "pass");
	cr_assert_str_eq(cell_verdict(sum, "custom-bl91", ""), "xfail");
	cr_assert_str_eq(cell_verdict(sum, "custom-bl92", ""), "pass");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(sum, "totals"), "pass")), 2);
	json_decref(sum);
	free(out);
}

Test(library, errata_runs_as_shipped)
{
	json_t *sum = NULL;
	char *out = NULL;

	cr_assert_eq(run("errata-2.2.3.yaml", NULL, &sum, &out), 0, "%s", out);
	cr_assert_str_eq(cell_verdict(sum, "custom-bl91", "image=sbsfu_bb.sfi"), "xfail");
	json_decref(sum);
	free(out);
}
