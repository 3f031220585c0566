/* End-to-end identity, through the sfi-harness binary: the chip UID read
 * with -r32 (by the simulator and by the stand-in STM32_Programmer_CLI),
 * pinned in the rack; and the power check, which must catch a board whose
 * power line does not feed it (a shared supply, a crossed pair). */
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(identity, .init = init, .timeout = 120);

#define BOARD_92 HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml"
#define SIM_PROGRAMMER "{driver: sim, timeout_s: 30}"
#define FAKE_CLI_PROGRAMMER "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 30}"

/* Writes a rack of @boards (YAML list items), all BL 0x92 sims on relay0,
 * behind @programmer; returns its path (valid until the next call). */
static const char *rack(const char *programmer, const char *boards)
{
	static char *path;
	char *text = NULL;

	cr_assert(asprintf(&text, "rack: identity\ntime_scale: 0\nprogrammer: %s\nprobe: {driver: sim}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n%s", programmer, boards) > 0);
	free(path);
	path = test_write(dir, "rack.yaml", text);
	free(text);
	return path;
}

#define B0(extra) "  - {name: b0, kind: custom-H7B3, probe: {serial: '0A0A'}, " \
	"power: {controller: relay0, pin: 0}, sacrificial: true, sim: " BOARD_92 extra "}\n"
#define B1(extra) "  - {name: b1, kind: custom-H7B3, probe: {serial: '0B0B'}, " \
	"power: {controller: relay0, pin: 2}, sacrificial: true, sim: " BOARD_92 extra "}\n"

/* Runs the errata scenario once per cell, one board at a time; returns the
 * exit code and loads summary.json into *summary. */
static int run(const char *rack_path, const char *name, json_t **summary)
{
	char *out = NULL;

	cr_assert(asprintf(&out, "%s/%s", dir, name) > 0);
	char *argv[] = { (char *)HIL_BINARY, (char *)"run",
			 (char *)HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", (char *)"--rack",
			 (char *)rack_path, (char *)"--out", out, (char *)"--repeat", (char *)"1",
			 (char *)"--jobs", (char *)"1", (char *)"--quiet", NULL };
	int code = test_run_summary(argv, out, summary, NULL);

	free(out);
	return code;
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

static const char *field(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static size_t installs_run(const char *name, const char *board_name)
{
	char *path = NULL;
	struct stat st;
	size_t n = 0;
	const char *images[] = { "sbsfu_bb.sfi", "sbsfu_rdp_bb.sfi" };

	for (size_t i = 0; i < 2; i++) {
		cr_assert(asprintf(&path, "%s/%s/logs/%s/install_image_%s__run_01/03-sfi_install.log",
				   dir, name, board_name, images[i]) > 0);
		n += stat(path, &st) == 0;
		free(path);
	}
	return n;
}

Test(identity, the_chip_uid_reads_the_same_through_the_sim_and_the_stand_in_cli)
{
	json_t *sim = NULL, *cli = NULL;

	cr_assert_eq(run(rack(SIM_PROGRAMMER, B0("") B1("")), "sim", &sim), 0);
	cr_assert_eq(run(rack(FAKE_CLI_PROGRAMMER, B0("") B1("")), "cli", &cli), 0);
	const char *uid0 = field(board(sim, "b0"), "chip_uid"), *uid1 = field(board(sim, "b1"), "chip_uid");

	cr_assert_eq(strlen(uid0), 24, "chip_uid '%s'", uid0);
	cr_assert_eq(strspn(uid0, "0123456789ABCDEF"), 24, "chip_uid '%s'", uid0);
	cr_assert_str_neq(uid0, uid1, "two chips, two UIDs");
	cr_assert_str_eq(field(board(cli, "b0"), "chip_uid"), uid0,
			 "-r32 through the stand-in tool reads what the sim reads");
	cr_assert_str_eq(field(board(cli, "b1"), "chip_uid"), uid1);
	json_decref(sim);
	json_decref(cli);
}

Test(identity, a_pinned_chip_uid_must_match_before_anything_is_written)
{
	json_t *first = NULL, *pinned = NULL, *wrong = NULL;
	char *extra = NULL, *bad = NULL;

	cr_assert_eq(run(rack(FAKE_CLI_PROGRAMMER, B0("")), "first", &first), 0);
	const char *uid = field(board(first, "b0"), "chip_uid");
	cr_assert_eq(strlen(uid), 24);

	cr_assert(asprintf(&extra, "  - {name: b0, kind: custom-H7B3, probe: {serial: '0A0A'}, "
			   "power: {controller: relay0, pin: 0}, identity: {device_id: 0x480, "
			   "chip_uid: '%s'}, sacrificial: true, sim: " BOARD_92 "}\n", uid) > 0);
	cr_assert_eq(run(rack(FAKE_CLI_PROGRAMMER, extra), "pinned", &pinned), 0,
		     "the board carries the UID the rack pins");

	bad = strdup(extra);
	char *digit = strstr(bad, uid) + 23;
	*digit = *digit == '0' ? '1' : '0'; /* the last digit of the UID */
	cr_assert_eq(run(rack(FAKE_CLI_PROGRAMMER, bad), "wrong", &wrong), 3);
	const json_t *b = board(wrong, "b0");
	cr_assert_str_eq(field(b, "class"), "identity_mismatch");
	cr_assert(strstr(field(b, "message"), uid), "names the UID found: %s", field(b, "message"));
	cr_assert_eq(installs_run("wrong", "b0"), 0, "no install ran on the wrong chip");
	json_decref(first);
	json_decref(pinned);
	json_decref(wrong);
	free(extra);
	free(bad);
}

Test(identity, the_power_check_passes_and_is_recorded)
{
	json_t *sum = NULL;

	cr_assert_eq(run(rack(SIM_PROGRAMMER, B0("") B1(", identity: {device_id: 0x480, power_check: false}")),
			 "ok", &sum), 0);
	cr_assert(!strncmp(field(board(sum, "b0"), "power_check"), "passed: relay0 pin 0 off, the "
			   "probe measures 0.00 V", 40), "%s", field(board(sum, "b0"), "power_check"));
	cr_assert_str_eq(field(board(sum, "b1"), "power_check"),
			 "not checked: power_check: false in the rack");
	json_decref(sum);
}

Test(identity, a_board_fed_by_another_boards_line_sits_out)
{
	/* b1's supply really hangs off b0's relay pin: its own pin 2 cuts nothing */
	json_t *sum = NULL;

	cr_assert_eq(run(rack(FAKE_CLI_PROGRAMMER, B0("") B1(", sim_power_pin: 0")), "shared", &sum), 3);
	cr_assert_str_eq(field(board(sum, "b0"), "class"), "success");
	cr_assert_eq(installs_run("shared", "b0"), 2);
	const json_t *b1 = board(sum, "b1");
	cr_assert_str_eq(field(b1, "class"), "identity_mismatch");
	cr_assert(strstr(field(b1, "message"), "with power line relay0 pin 2 off, the probe measures 3.30 V"),
		  "%s", field(b1, "message"));
	cr_assert_eq(installs_run("shared", "b1"), 0, "nothing written to b1");
	json_decref(sum);
}

Test(identity, a_crossed_pair_of_power_lines_stops_both_boards)
{
	json_t *sum = NULL;

	cr_assert_eq(run(rack(SIM_PROGRAMMER, B0(", sim_power_pin: 2") B1(", sim_power_pin: 0")),
			 "crossed", &sum), 3);
	for (int i = 0; i < 2; i++) {
		const json_t *b = board(sum, i ? "b1" : "b0");
		cr_assert_str_eq(field(b, "class"), "identity_mismatch", "%s", field(b, "message"));
		cr_assert(strstr(field(b, "message"), "crossed or shared wiring?"), "%s", field(b, "message"));
		cr_assert_eq(installs_run("crossed", i ? "b1" : "b0"), 0);
	}
	json_decref(sum);
}
