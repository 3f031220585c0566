/* What a real rack's power does to a board's console and to the power
 * check (issue 17, items 4 and 5): a DK's console is its ST-LINK's VCP,
 * gone at every power-off and a new node at power-on, so it is reopened
 * after each power step; an STLINK-V3SET whose T_VCC is not wired reads
 * 0.00 V and still connects, which is its own power-check state. */
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

TestSuite(power_console, .init = init, .timeout = 120);

#define DK_90 HIL_SOURCE_DIR "/fixtures/boards/h7b3i-dk-bl90.yaml"

static char *rack(const char *name, const char *boards)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "rack: power\ntime_scale: 0\nprogrammer: {driver: sim, timeout_s: 30}\n"
			   "probe: {driver: sim}\npower:\n  - {id: relay0, driver: sim}\nboards:\n%s",
			   boards) > 0);
	path = test_write(dir, name, text);
	free(text);
	return path;
}

static char *scenario(const char *name, unsigned repeat, const char *steps)
{
	char *text = NULL, *path;

	char *file = NULL;
	cr_assert(asprintf(&text, "campaign: power\nrepeat: %u\nsteps:\n%s", repeat, steps) > 0);
	cr_assert(asprintf(&file, "scenario-%s", name) > 0);
	path = test_write(dir, file, text);
	free(file);
	free(text);
	return path;
}

static const json_t *board(const json_t *summary, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(summary, "boards"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "board")), name))
			return b;
	cr_assert_fail("no board %s in summary.json", name);
	return NULL;
}

static long total(const json_t *summary, const char *verdict)
{
	return (long)json_integer_value(json_object_get(json_object_get(summary, "totals"), verdict));
}

Test(power_console, a_dk_console_is_reopened_after_every_power_step)
{
	char *r = rack("dk.yaml", "  - {name: dk, kind: STM32H7B3I-DK, probe: {serial: '0D0D'}, "
			   "power: {controller: relay0, pin: 0}, console: {driver: sim}, "
			   "identity: {device_id: 0x480}, sim: " DK_90 "}\n");
	/* the pre-flight's power check switches the line off and on before the
	 * first step; each install cycles it again */
	char *s = scenario("dk.yaml", 3, "  - power: {action: cycle, off_ms: 500, settle_ms: 200}\n"
			   "  - expect_console: {pattern: \"BL 0x90\", timeout_s: 5}\n");
	char *out = NULL, *output = NULL;
	json_t *summary = NULL;

	cr_assert(asprintf(&out, "%s/dk", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", s, "--rack", r, "--out", out, "--quiet", NULL };
	int code = test_run_summary(argv, out, &summary, &output);
	cr_assert_eq(code, 0, "%s", output);
	cr_assert_eq(total(summary, "pass"), 3, "%s", output);
	json_decref(summary);
	free(output);
	free(out);
	free(r);
	free(s);
}

Test(power_console, a_console_that_does_not_come_back_is_an_infrastructure_error)
{
	/* the DK's console is read after its power went off for good */
	char *r = rack("off.yaml", "  - {name: dk, kind: STM32H7B3I-DK, probe: {serial: '0D0D'}, "
			   "power: {controller: relay0, pin: 0}, console: {driver: sim}, "
			   "identity: {device_id: 0x480, power_check: false}, sim: " DK_90 "}\n");
	char *s = scenario("off.yaml", 1, "  - power: {action: off}\n"
			   "  - expect_console: {pattern: \"BL 0x90\", timeout_s: 1}\n");
	char *out = NULL, *output = NULL;
	json_t *summary = NULL;

	cr_assert(asprintf(&out, "%s/off", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", s, "--rack", r, "--out", out, "--quiet", NULL };
	cr_assert_eq(test_run_summary(argv, out, &summary, &output), 3, "%s", output);
	cr_assert_eq(total(summary, "error"), 1, "%s", output);
	json_decref(summary);
	free(output);
	free(out);
	free(r);
	free(s);
}

/* A BL 0x92 profile whose probe reads no target voltage (T_VCC not wired). */
static char *unwired_profile(void)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "profile: bl92-no-tvcc\ndevice: {id: 0x480, bl_version: 0x92, "
			   "revision: Rev X, rss_version: 3.1.0}\n"
			   "probe: {product: STLINK-V3SET, voltage: 0.00V, on_board: false}\n"
			   "install:\n  - outcome: success\n"
			   "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/test-nonce.hex}\n",
			   HIL_SOURCE_DIR, HIL_SOURCE_DIR) > 0);
	path = test_write(dir, "no-tvcc.yaml", text);
	free(text);
	return path;
}

Test(power_console, a_probe_without_t_vcc_is_its_own_state_not_an_identity_mismatch)
{
	char *profile = unwired_profile(), *boards = NULL;
	cr_assert(asprintf(&boards,
			   "  - {name: b0, kind: custom-H7B3, probe: {serial: '0A0A'}, "
			   "power: {controller: relay0, pin: 0}, identity: {device_id: 0x480, "
			   "power_check_off_ms: 800}, sim: %s}\n"
			   /* without T_VCC, a line that does not feed the board is still caught */
			   "  - {name: b1, kind: custom-H7B3, probe: {serial: '0B0B'}, "
			   "power: {controller: relay0, pin: 2}, identity: {device_id: 0x480}, "
			   "sim: %s, sim_power_pin: 6}\n", profile, profile) > 0);
	char *r = rack("tvcc.yaml", boards);
	char *s = scenario("tvcc.yaml", 1, "  - read_ob: {}\n");
	char *out = NULL, *output = NULL;
	json_t *summary = NULL;

	cr_assert(asprintf(&out, "%s/tvcc", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", s, "--rack", r, "--out", out, "--quiet", NULL };
	test_run_summary(argv, out, &summary, &output);
	const char *b0 = json_string_value(json_object_get(board(summary, "b0"), "power_check"));
	const char *b1 = json_string_value(json_object_get(board(summary, "b1"), "power_check"));
	cr_assert(b0 && !strncmp(b0, "t_vcc_not_wired: ", 17), "b0: %s\n%s", b0, output);
	/* its line on feeds nothing: no target at 0 V is a mismatch, T_VCC or not */
	cr_assert(!b1 || strncmp(b1, "t_vcc_not_wired", 15), "b1: %s", b1);
	cr_assert_str_eq(json_string_value(json_object_get(board(summary, "b1"), "class")),
			 "identity_mismatch");
	cr_assert_eq(total(summary, "pass"), 1, "b0 runs its install: %s", output);
	cr_assert_eq(total(summary, "error"), 1, "b1 sits out");
	json_decref(summary);
	free(output);
	free(out);
	free(r);
	free(s);
	free(boards);
	free(profile);
}

Test(power_console, the_power_check_off_time_is_a_checked_rack_key)
{
	char *r = rack("bad.yaml", "  - {name: b0, kind: custom-H7B3, probe: {serial: '0A0A'}, "
			   "power: {controller: relay0, pin: 0}, identity: {device_id: 0x480, "
			   "power_check_off_ms: 10}, sim: " DK_90 "}\n");
	char *output = NULL;
	char *argv[] = { HIL_BINARY, "check", r, NULL };

	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	cr_assert(strstr(output, "power_check_off_ms"), "%s", output);
	free(output);
	free(r);
}
