/* `sfi-harness doctor` (issue 17): one line per item, exit 0 only when
 * nothing fails. Against the simulated rack (boards off, then on), the
 * stand-in CLI's rack, a rack whose CLI path does not exist, consoles that
 * are and are not there, and lock folders that are and are not shared.
 * The emulated-USB side (FTDI chips, ST-LINKs) is in tests/usb. */
#include "support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIM_RACK HIL_SOURCE_DIR "/fixtures/racks/sim.yaml"

static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
	unsetenv("HIL_SIM_STATE_DIR");
	chmod(getenv("SFI_HARNESS_LOCK_DIR"), 01777);
}

TestSuite(doctor, .init = init, .timeout = 120);

static int doctor(const char *rack, const char *extra, char **out)
{
	char *argv[] = { HIL_BINARY, "doctor", "--rack", (char *)rack, "--out", dir,
			 (char *)extra, NULL };

	return test_spawn(argv, out);
}

/* The line of @out that starts with @level and holds @needle. */
static bool has_line(const char *out, const char *level, const char *needle)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), p);
		if (!strncmp(line, level, strlen(level)) && line[strlen(level)] == ' ' &&
		    strstr(line, needle))
			return true;
	}
	return false;
}

static void power_on(const char *state, const char *board)
{
	char *argv[] = { HIL_BINARY, "power", "--rack", SIM_RACK, (char *)board, "on", NULL };
	char *out = NULL;

	setenv("HIL_SIM_STATE_DIR", state, 1);
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	free(out);
}

Test(doctor, sim_rack_with_its_boards_off_fails_on_the_dk_and_says_what_to_do)
{
	char *out = NULL;

	cr_assert_eq(doctor(SIM_RACK, NULL, &out), 1, "%s", out);
	cr_assert(has_line(out, "ok", "programmer sim: STM32CubeProgrammer v2.10.0"), "%s", out);
	cr_assert(has_line(out, "fail", "probe of dk-bl90: 066DFF485750717867193015 not on the USB "
			   "bus"), "%s", out);
	cr_assert(has_line(out, "fail", "sfi-harness power BOARD on"), "what to do: %s", out);
	cr_assert(has_line(out, "ok", "probe of custom-bl91: 002F003F3137510539383538"), "%s", out);
	cr_assert(has_line(out, "warn", "target of custom-bl91: 0.00 V"), "%s", out);
	cr_assert(has_line(out, "warn", "T_VCC"), "an unwired T_VCC is named: %s", out);
	cr_assert(has_line(out, "warn", "target of dk-bl90: not checked"), "%s", out);
	cr_assert(has_line(out, "ok", "HSM slot 1: answers"), "%s", out);
	cr_assert(has_line(out, "ok", "lock folder"), "%s", out);
	cr_assert(has_line(out, "ok", "disk for results"), "%s", out);
	cr_assert(strstr(out, "1 failed"), "%s", out);
	free(out);
}

Test(doctor, sim_rack_powered_is_all_ok_and_exits_0)
{
	char *state = NULL, *out = NULL;

	cr_assert(asprintf(&state, "%s/state", dir) > 0);
	power_on(state, "dk-bl90");
	power_on(state, "custom-bl91");
	power_on(state, "custom-bl92");
	cr_assert_eq(doctor(SIM_RACK, NULL, &out), 0, "%s", out);
	cr_assert(has_line(out, "ok", "target of dk-bl90: 3.28 V, device 0x480"), "%s", out);
	cr_assert(has_line(out, "ok", "target of custom-bl91: 3.76 V"), "%s", out);
	cr_assert(!strstr(out, "\nfail") && !strstr(out, "\nwarn"), "%s", out);
	cr_assert(strstr(out, "0 failed, 0 warning(s)"), "%s", out);
	free(out);
	free(state);
}

static char *write_rack(const char *name, const char *programmer, const char *boards)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "rack: %s\nprogrammer: %s\nprobe: {driver: sim}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n%s", name, programmer,
			   boards) > 0);
	path = test_write(dir, "rack.yaml", text);
	free(text);
	return path;
}

#define SIM_BOARD \
	"  - name: b92\n    kind: k\n    probe: {serial: 003A00293438510B34313939}\n" \
	"    power: {controller: relay0, pin: 0}\n" \
	"    sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml\n"

Test(doctor, a_cli_path_that_does_not_exist_fails_and_nothing_pretends_to_pass)
{
	char *rack = write_rack("nocli", "{driver: cubeprog, path: /nonexistent/bin/"
				"STM32_Programmer_CLI}", SIM_BOARD), *out = NULL;

	cr_assert_eq(doctor(rack, NULL, &out), 1, "%s", out);
	cr_assert(has_line(out, "fail", "/nonexistent/bin/STM32_Programmer_CLI"), "%s", out);
	cr_assert(has_line(out, "fail", "programmer: {path: ...}"), "says what to set: %s", out);
	cr_assert(has_line(out, "warn", "HSM slot 1: not checked"), "%s", out);
	cr_assert(has_line(out, "warn", "target of b92: not checked (no usable programmer)"),
		  "%s", out);
	cr_assert(!has_line(out, "ok", "HSM"), "%s", out);
	free(out);
	free(rack);
}

Test(doctor, the_stand_in_cli_reports_its_version_and_an_explicit_hsm_slot_must_answer)
{
	char *rack = write_rack("fake", "{driver: cubeprog, path: \"" HIL_FAKE_CLI "\"}", SIM_BOARD);
	char *argv[] = { HIL_BINARY, "doctor", "--rack", rack, "--out", dir, "--hsm-slot", "9",
			 NULL };
	char *out = NULL;

	cr_assert_eq(doctor(rack, "--no-connect", &out), 0, "%s", out);
	cr_assert(has_line(out, "ok", "programmer cubeprog: STM32CubeProgrammer v2.10.0"), "%s", out);
	cr_assert(has_line(out, "warn", "target of b92: not checked (--no-connect)"), "%s", out);
	free(out);
	cr_assert_eq(test_spawn(argv, &out), 1, "no HSM in slot 9: %s", out);
	cr_assert(has_line(out, "fail", "HSM slot 9: no answer"), "%s", out);
	free(out);
	free(rack);
}

Test(doctor, consoles_present_and_missing)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	char *text = NULL, *rack, *out = NULL;

	cr_assert_geq(master, 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	cr_assert(asprintf(&text, "rack: consoles\nprogrammer: {driver: cubeprog, path: /nonexistent}\n"
			   "probe: {driver: stlink_usb}\nboards:\n"
			   "  - name: with-tty\n    kind: k\n    probe: {serial: S1}\n"
			   "    console: {device: %s}\n"
			   "  - name: gone\n    kind: k\n    probe: {serial: S2}\n"
			   "    console: {device: /dev/serial/by-id/usb-none-if00}\n"
			   "  - name: file\n    kind: k\n    probe: {serial: S3}\n"
			   "    console: {device: %s}\n", ptsname(master), SIM_RACK) > 0);
	rack = test_write(dir, "rack.yaml", text);
	cr_assert_eq(doctor(rack, "--no-connect", &out), 1, "%s", out);
	cr_assert(has_line(out, "ok", "console of with-tty: /dev/pts/"), "%s", out);
	cr_assert(has_line(out, "fail", "console of gone: /dev/serial/by-id/usb-none-if00: No such "
			   "file"), "%s", out);
	cr_assert(has_line(out, "fail", "a DK's ST-LINK VCP exists only while the kit is powered"),
		  "%s", out);
	cr_assert(has_line(out, "fail", "console of file:"), "a regular file is no tty: %s", out);
	close(master);
	free(out);
	free(rack);
	free(text);
}

Test(doctor, a_lock_folder_that_is_not_shared_is_a_warning_one_not_writable_a_failure)
{
	char *locks = NULL, *out = NULL;

	cr_assert(asprintf(&locks, "%s/locks", dir) > 0);
	cr_assert_eq(mkdir(locks, 0700), 0);
	setenv("SFI_HARNESS_LOCK_DIR", locks, 1);
	cr_assert_eq(doctor(SIM_RACK, "--no-connect", &out), 1, "%s", out);
	cr_assert(has_line(out, "warn", "not shared (1777)"), "%s", out);
	free(out);
	if (geteuid() != 0) { /* root writes anywhere */
		chmod(locks, 0500);
		doctor(SIM_RACK, "--no-connect", &out);
		cr_assert(has_line(out, "fail", "not writable by this user"), "%s", out);
		free(out);
		chmod(locks, 0700);
	}
	free(locks);
}

Test(doctor, bad_usage_and_bad_racks_exit_2)
{
	char *argv[] = { HIL_BINARY, "doctor", "--hsm-slot", "x", NULL };
	char *out = NULL, *rack = test_write(dir, "bad.yaml", "rack: bad\n");

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	free(out);
	cr_assert_eq(doctor(rack, NULL, &out), 2, "%s", out);
	cr_assert(strstr(out, "bad.yaml"), "%s", out);
	free(out);
	free(rack);
}
