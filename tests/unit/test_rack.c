/* Rack loader: every kind of bad input, with its line and column, in the
 * core part of an entry and in the part its backend parses. */
#include "drivers/registry.h"
#include "drivers/sim/config.h"
#include "harness/config/rack.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml"

/* A valid rack; tests replace one line of it. Line numbers matter. */
static const char good[] =
	"rack: t\n"                                                     /* 1 */
	"programmer: {driver: sim, timeout_s: 60}\n"                    /* 2 */
	"power:\n"                                                      /* 3 */
	"  - {id: relay0, driver: sim}\n"                               /* 4 */
	"boards:\n"                                                     /* 5 */
	"  - name: b1\n"                                                /* 6 */
	"    kind: custom\n"                                            /* 7 */
	"    probe: {serial: 0011}\n"                                   /* 8 */
	"    power: {controller: relay0, pin: 0}\n"                     /* 9 */
	"    identity: {device_id: 0x480}\n"                            /* 10 */
	"    sim: " PROFILE "\n";                                       /* 11 */

static struct hil_diag diag;
static struct hil_rack *rack;

static int load_text(const char *text)
{
	char *dir = test_tmpdir();
	char *path = test_write(dir, "rack.yaml", text);
	int error;

	hil_diag_clear(&diag);
	error = hil_registry_rack_load(&rack, path, &diag);
	free(path);
	free(dir);
	return error;
}

/* good with line @line replaced by @replacement (which ends in \n). */
static int load_with(unsigned line, const char *replacement)
{
	char text[4096] = "";
	const char *p = good;

	for (unsigned n = 1; *p; n++) {
		const char *end = strchr(p, '\n') + 1;
		if (n == line)
			strcat(text, replacement);
		else
			strncat(text, p, (size_t)(end - p));
		p = end;
	}
	return load_text(text);
}

static void fini(void)
{
	hil_rack_free(rack);
	rack = NULL;
	hil_diag_clear(&diag);
}

TestSuite(rack, .fini = fini);

Test(rack, good_rack_loads)
{
	cr_assert_eq(load_text(good), 0, "%s", test_diag_text(&diag));
	cr_assert_eq(rack->board_count, 1);
	cr_assert_str_eq(rack->boards[0].probe_serial, "0011");
	cr_assert_eq(rack->boards[0].device_id, 0x480);
	cr_assert(rack->boards[0].power.active_high);
	cr_assert_eq(rack->programmer_timeout_s, 60);
}

Test(rack, shipped_sim_rack_loads)
{
	cr_assert_eq(hil_registry_rack_load(&rack, HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", &diag), 0, "%s",
		     test_diag_text(&diag));
	cr_assert_eq(rack->board_count, 3);
	cr_assert(hil_rack_is_simulated(rack));
}

Test(rack, unknown_key)
{
	cr_assert_lt(load_with(7, "    kind: custom\n    colour: red\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:8:5: unknown key 'colour' in board (expected one of:"),
		  "%s", test_diag_text(&diag));
}

Test(rack, wrong_type)
{
	cr_assert_lt(load_with(2, "programmer: {driver: sim, timeout_s: soon}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:2:38: timeout_s: wrong type, got 'soon' "
				"(expected a whole number"), "%s", test_diag_text(&diag));
}

Test(rack, missing_field)
{
	cr_assert_lt(load_with(7, ""), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:6:5: missing field 'kind' in board 'b1' (required)"),
		  "%s", test_diag_text(&diag));
}

Test(rack, bad_hex)
{
	cr_assert_lt(load_with(10, "    identity: {device_id: 0x48G}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:10:27: device_id: bad hex value '0x48G' (expected 0x"),
		  "%s", test_diag_text(&diag));
}

Test(rack, dangling_power_controller)
{
	cr_assert_lt(load_with(9, "    power: {controller: relay9, pin: 0}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:9:25: power: unknown power controller 'relay9'"),
		  "%s", test_diag_text(&diag));
}

Test(rack, duplicate_board_names)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s  - name: b1\n    kind: k\n    probe: {serial: 22}\n"
		 "    sim: %s\n", good, PROFILE);
	cr_assert_lt(load_text(text), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:12:5: duplicate board name 'b1' (first defined at line 6"),
		  "%s", test_diag_text(&diag));
}

Test(rack, unknown_driver)
{
	cr_assert_lt(load_with(4, "  - {id: relay0, driver: teleport}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:4:26: power controller driver: driver 'teleport' is "
				"not available in this build (expected one of: command, ftdi_gpio, sim)"),
		  "%s", test_diag_text(&diag));
}

Test(rack, sim_board_needs_a_profile)
{
	cr_assert_lt(load_with(11, ""), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:6:5: board 'b1' uses a sim driver but has no 'sim:'"),
		  "%s", test_diag_text(&diag));
}

Test(rack, errors_in_the_profile_are_reported_in_the_profile)
{
	char *dir = test_tmpdir();
	char *prof = test_write(dir, "p.yaml", "profile: p\ndevice: {id: 0x480, bl_version: 91}\n");
	char line[512];

	snprintf(line, sizeof(line), "    sim: %s\n", prof);
	cr_assert_lt(load_with(11, line), 0);
	cr_assert(test_diag_has(&diag, "p.yaml:2:33: bl_version: bad hex value '91'"), "%s",
		  test_diag_text(&diag));
	free(prof);
	free(dir);
}

Test(rack, every_problem_is_reported_not_just_the_first)
{
	cr_assert_lt(load_with(10, "    identity: {device_id: 480}\n    sacrificial: maybe\n"), 0);
	cr_assert_geq(diag.count, 2, "%s", test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, ":10:27: device_id: bad hex"), "%s", test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, ":11:18: sacrificial: wrong type, got 'maybe'"), "%s",
		  test_diag_text(&diag));
}

Test(rack, time_scale_is_refused_on_real_hardware_only)
{
	char text[4096];

	snprintf(text, sizeof(text), "time_scale: 0.5\n%s", good);
	cr_assert_eq(load_text(text), 0, "%s", test_diag_text(&diag));
	cr_assert_float_eq(rack->time_scale, 0.5, 1e-9);
}

/* Found by fuzz_rack: a console driver of the wrong type left the driver
 * unset, and the check for 'device' read it. */
Test(rack, console_driver_of_the_wrong_type_is_an_error_not_a_crash)
{
	cr_assert_lt(load_with(10, "    console: {driver: [x]}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:10:23: console driver: wrong type"), "%s",
		  test_diag_text(&diag));
	cr_assert(test_diag_has(&diag, "missing field 'device' in console"), "%s", test_diag_text(&diag));
}

Test(rack, identity_pins_the_chip_uid_and_the_power_check)
{
	cr_assert_eq(load_with(10, "    identity: {device_id: 0x480, chip_uid: 0034002f3130510D34383739,"
			       " power_check: false}\n"), 0, "%s", test_diag_text(&diag));
	cr_assert(rack->boards[0].has_chip_uid);
	cr_assert_eq(rack->boards[0].chip_uid[0], 0x0034002F);
	cr_assert_eq(rack->boards[0].chip_uid[2], 0x34383739);
	cr_assert(!rack->boards[0].power_check);
}

Test(rack, a_chip_uid_that_is_not_24_hex_digits_is_an_error)
{
	cr_assert_lt(load_with(10, "    identity: {device_id: 0x480, chip_uid: 0034002F3130510D3438373}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:10:44: chip_uid must be 24 hex digits (the three "
				"words `STM32_Programmer_CLI -r32 0x08FFF800 12` prints"), "%s",
		  test_diag_text(&diag));
}

Test(rack, sim_power_pin_rehearses_wiring_of_simulated_boards_only)
{
	cr_assert_eq(load_with(11, "    sim: " PROFILE "\n    sim_power_pin: 3\n"), 0, "%s",
		     test_diag_text(&diag));
	cr_assert_eq(((const struct hil_sim_board_cfg *)rack->boards[0].sim)->power_pin, 3);
	cr_assert_eq(rack->boards[0].power.pin, 0, "the rack's own pin stays");
	fini();
	cr_assert_lt(load_with(11, "    sim_power_pin: 3\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:11:20: sim_power_pin needs a simulated board"),
		  "%s", test_diag_text(&diag));
}

/* Each backend parses its own settings, and its problems keep the
 * file:line:col of the rack entry they are in. */
Test(rack, a_backends_settings_errors_keep_their_line_and_column)
{
	cr_assert_lt(load_with(4, "  - {id: relay0, driver: ftdi_gpio, usb: {vid: 0x40G, pid: 0x6014}}\n"),
		     0);
	cr_assert(test_diag_has(&diag, "rack.yaml:4:48: usb vid: bad hex value '0x40G'"), "%s",
		  test_diag_text(&diag));
	cr_assert_lt(load_with(4, "  - {id: relay0, driver: command, on: [], off: [poweroff, '{pin}']}\n"),
		     0);
	cr_assert(test_diag_has(&diag, "rack.yaml:4:39: power 'on' command is empty (expected a "
				"program and its arguments)"), "%s", test_diag_text(&diag));
	cr_assert_lt(load_with(2, "programmer: {driver: cubeprog, freq_khz: 1}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:2:42: freq_khz: 1 is out of range"), "%s",
		  test_diag_text(&diag));
	cr_assert_lt(load_with(10, "    console: {baud: 9600}\n"), 0);
	cr_assert(test_diag_has(&diag, "rack.yaml:10:14: missing field 'device' in console (required "
				"unless driver: sim)"), "%s", test_diag_text(&diag));
}

/* The loader knows no backend: whatever table it is handed parses and
 * frees the settings of each entry (here one that takes every driver). */
static unsigned parsed, freed;

static bool any_known(enum hil_role role, const char *name)
{
	(void)role;
	return !strcmp(name, "x");
}

static const char *x_names(enum hil_role role)
{
	(void)role;
	return "x";
}

static void x_parse(enum hil_role role, const char *driver, struct hil_ycheck *c,
		    const struct hil_ynode *entry, void **cfg_out)
{
	int *cfg = malloc(sizeof(*cfg));

	(void)driver;
	(void)c;
	(void)entry;
	*cfg = (int)role;
	*cfg_out = cfg;
	parsed++;
}

static void x_free(enum hil_role role, const char *driver, void *cfg)
{
	(void)role;
	(void)driver;
	free(cfg);
	freed++;
}

static void x_board_sim(struct hil_ycheck *c, const struct hil_ynode *node,
			const struct hil_rack_board *b, void **cfg_out)
{
	(void)c;
	(void)node;
	(void)b;
	*cfg_out = NULL;
}

static bool x_check(const struct hil_rack *r, struct hil_diag *d)
{
	(void)d;
	return r->board_count == 1;
}

Test(rack, the_loader_hands_each_entry_to_the_backend_table_it_is_given)
{
	static const struct hil_rack_backends table = {
		.known = any_known, .names = x_names, .parse_config = x_parse,
		.free_config = x_free, .parse_board_sim = x_board_sim, .free_board_sim = free,
		.check = x_check,
	};
	char *dir = test_tmpdir();
	char *path = test_write(dir, "rack.yaml",
		"rack: t\nprogrammer: {driver: x}\nprobe: {driver: x}\npower:\n  - {id: p, driver: x}\n"
		"boards:\n  - {name: b, kind: k, probe: {serial: '1'}, console: {driver: x}}\n");

	parsed = freed = 0;
	cr_assert_eq(hil_rack_load(&rack, path, &table, &diag), 0, "%s", test_diag_text(&diag));
	cr_assert_eq(parsed, 4, "power, programmer, probe and console entries");
	cr_assert_eq(*(int *)rack->power[0].cfg, HIL_ROLE_POWER);
	cr_assert_eq(*(int *)rack->programmer_cfg, HIL_ROLE_PROGRAMMER);
	cr_assert_eq(*(int *)rack->probe_cfg, HIL_ROLE_PROBE);
	cr_assert_eq(*(int *)rack->boards[0].console_cfg, HIL_ROLE_CONSOLE);
	cr_assert_null(rack->boards[0].sim);
	hil_rack_free(rack);
	rack = NULL;
	cr_assert_eq(freed, 4);
	free(path);
	free(dir);
}
