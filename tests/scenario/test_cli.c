/* The sfi-harness binary as a user runs it: exit codes and messages. */
#include "harness/util/error.h"
#include "harness/util/lock.h"
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(cli, .init = test_isolate_locks, .timeout = 120);

Test(cli, check_reports_a_type_error_with_position_and_exits_2)
{
	char *dir = test_tmpdir();
	char *path = test_write(dir, "bad.yaml", "campaign: c\nrepeat: ten\nsteps:\n  - power: on\n");
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "check", path, NULL };
	char *want = NULL;

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(asprintf(&want, "%s:2:9: repeat: wrong type, got 'ten'", path) > 0);
	cr_assert(strstr(out, want), "%s", out);
	free(want);
	free(out);
	free(path);
	free(dir);
}

Test(cli, check_accepts_the_shipped_files)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "check", HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml",
			 HIL_SOURCE_DIR "/scenarios/rdp-or-bootloader.yaml",
			 HIL_SOURCE_DIR "/scenarios/qualify-bootloader.yaml",
			 HIL_SOURCE_DIR "/scenarios/nightly.yaml",
			 HIL_SOURCE_DIR "/fixtures/racks/sim.yaml",
			 HIL_SOURCE_DIR "/fixtures/racks/lab-example.yaml",
			 HIL_SOURCE_DIR "/fixtures/racks/sim-fake-cli.yaml",
			 HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl91.yaml", NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(strstr(out, "ok (campaign errata-2.2.3"), "%s", out);
	cr_assert(strstr(out, "lab-example.yaml: ok (rack lab-3, 4 board(s))"), "%s", out);
	free(out);
}

Test(cli, bad_input_runs_nothing)
{
	char *dir = test_tmpdir();
	char *path = test_write(dir, "bad.yaml", "campaign: c\nboards: [nosuch]\nsteps:\n  - power: on\n");
	char *outdir = NULL, *out = NULL;

	cr_assert(asprintf(&outdir, "%s/results", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--out", outdir, path, NULL };
	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "unknown board 'nosuch'"), "%s", out);
	cr_assert(strstr(out, "nothing was run"), "%s", out);
	FILE *f = fopen(outdir, "r");
	cr_assert_null(f, "no results folder may be created");
	free(out);
	free(outdir);
	free(path);
	free(dir);
}

Test(cli, run_prints_verdicts_and_report_paths)
{
	char *dir = test_tmpdir(), *outdir = NULL, *out = NULL;

	cr_assert(asprintf(&outdir, "%s/r", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--time-scale", "0", "--repeat", "2", "--out", outdir,
			 HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", NULL };
	/* two runs cannot qualify dk-bl90's statistical cells: inconclusive,
	 * and so exit 4, never "all as expected" */
	cr_assert_eq(test_spawn(argv, &out), 4, "%s", out);
	cr_assert(strstr(out, "custom-bl91      0x91  image=sbsfu_bb.sfi"), "%s", out);
	cr_assert(strstr(out, "xfail         rss_error x2 RSS 0x16"), "%s", out);
	cr_assert(strstr(out, "/junit.xml"), "%s", out);
	cr_assert(strstr(out, "inconclusive, 10 more runs needed"), "%s", out);
	cr_assert(strstr(out, "Exit code 4: inconclusive, more runs needed"), "%s", out);
	cr_assert_null(strstr(out, "as expected"), "%s", out);
	free(out);
	free(outdir);
	free(dir);
}

Test(cli, usage_errors_exit_2)
{
	char *out = NULL;
	char *a1[] = { HIL_BINARY, "frobnicate", NULL };
	char *a2[] = { HIL_BINARY, "run", "--repeat", "zero", "x.yaml", NULL };
	char *a3[] = { HIL_BINARY, "--version", NULL };

	cr_assert_eq(test_spawn(a1, &out), 2, "%s", out);
	free(out);
	cr_assert_eq(test_spawn(a2, &out), 2, "%s", out);
	cr_assert(strstr(out, "--repeat: 'zero'"), "%s", out);
	free(out);
	cr_assert_eq(test_spawn(a3, &out), 0, "%s", out);
	cr_assert(strstr(out, "sfi-harness "), "%s", out);
	free(out);
}

Test(cli, sfi_inspect_json_on_st_data_sfi)
{
	const char *shared = test_shared_dir("sfi inspect on ST's data.sfi");
	char *path = NULL, *out = NULL;

	if (!shared)
		cr_skip_test("no ../shared");
	cr_assert(asprintf(&path, "%s/ext/st-sfi-v1/data.sfi", shared) > 0);
	char *argv[] = { HIL_BINARY, "sfi", "inspect", "--json", path, NULL };
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	cr_assert_eq(json_integer_value(json_object_get(j, "protocol_version")), 1);
	json_t *areas = json_object_get(j, "areas");
	cr_assert_eq(json_array_size(areas), 3);
	static const char *const want[][3] = { { "F", "844", "0x08000000" }, { "F", "9884", "0x08030000" },
						{ "C", "36", "0x00000000" } };
	for (size_t i = 0; i < 3; i++) {
		json_t *a = json_array_get(areas, i);
		cr_assert_str_eq(json_string_value(json_object_get(a, "type")), want[i][0]);
		cr_assert_eq(json_integer_value(json_object_get(a, "size")), atoi(want[i][1]));
		cr_assert_str_eq(json_string_value(json_object_get(a, "address")), want[i][2]);
	}
	json_decref(j);
	free(out);
	free(path);
}

Test(cli, sfi_inspect_of_a_malformed_file_exits_2_with_the_offset)
{
	char *dir = test_tmpdir();
	char *path = test_write(dir, "bad.sfi", "SFIMAGIC\x01");
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "sfi", "inspect", path, NULL };

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "offset 9: file too short for an SFI header"), "%s", out);
	free(out);
	free(path);
	free(dir);
}

Test(cli, dry_run_prints_the_plan_and_touches_nothing)
{
	char *dir = test_tmpdir(), *out = NULL, *output = NULL;

	cr_assert(asprintf(&out, "%s/never", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--dry-run", "--out", out,
			 HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", NULL };
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	cr_assert(strstr(output, "3 board(s) x 2 cell(s) x 20 run(s) x 4 step(s)"), "%s", output);
	cr_assert(strstr(output, "HSM licences it may draw: 120"), "%s", output);
	cr_assert(strstr(output, "estimated time: about"), "%s", output);
	cr_assert(access(out, F_OK) != 0, "a dry run creates nothing");
	free(output);
	free(out);
	free(dir);
}

/* An image whose C area asks for RDP level 2, built with the test key. */
static char *rdp2_image(const char *dir)
{
	char *img = NULL, *out = NULL;

	cr_assert(asprintf(&img, "%s/rdp2.sfi", dir) > 0);
	char *argv[] = { HIL_BINARY, "sfi", "build", "--key",
			 HIL_SOURCE_DIR "/fixtures/keys/test-key.hex", "--nonce",
			 HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex", "--area",
			 "F:0x08000000:" HIL_SOURCE_DIR "/fixtures/images/sbsfu.bin", "--ob-words",
			 "0x1026CCD0,0,0,0,0,0,0,0,0", "-o", img, NULL };
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	free(out);
	return img;
}

static char *rdp2_scenario(const char *dir, const char *image, const char *boards)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "campaign: brick\nboards: %s\nsfi_key: {key: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-key.hex, nonce: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: on\n"
			   "  - sfi_install: {image: %s, license: {hsm_slot: 1}}\n", boards, image) > 0);
	path = test_write(dir, "brick.yaml", text);
	free(text);
	return path;
}

Test(cli, the_interlock_refuses_an_rdp2_image_before_touching_any_board)
{
	char *dir = test_tmpdir(), *img = rdp2_image(dir), *out = NULL, *results = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: r\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\nboards:\n"
		"  - {name: spare, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n"
		"  - {name: keeper, kind: k, probe: {serial: '02'}, power: {controller: p, pin: 1},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	char *scen = rdp2_scenario(dir, img, "[spare]");

	cr_assert(asprintf(&results, "%s/results", dir) > 0);
	char *refused[] = { HIL_BINARY, "run", "--rack", rack, "--out", results, scen, NULL };
	cr_assert_eq(test_spawn(refused, &out), 2, "%s", out);
	cr_assert(strstr(out, "refused: step 2 (sfi_install) on board 'spare' cannot be undone: its "
			 "image sets RDP=0xCC: RDP level 2"), "%s", out);
	cr_assert(strstr(out, "--allow-irreversible"), "%s", out);
	cr_assert(access(results, F_OK) != 0, "nothing was touched");
	free(out);
	/* one pre-flight: the dry run and check refuse it with the same message */
	char *dry[] = { HIL_BINARY, "run", "--dry-run", "--rack", rack, scen, NULL };
	cr_assert_eq(test_spawn(dry, &out), 2, "%s", out);
	cr_assert(strstr(out, "refused: step 2 (sfi_install) on board 'spare'"), "%s", out);
	free(out);
	char *check[] = { HIL_BINARY, "check", "--rack", rack, scen, NULL };
	cr_assert_eq(test_spawn(check, &out), 2, "%s", out);
	cr_assert(strstr(out, "refused: step 2 (sfi_install) on board 'spare'"), "%s", out);
	free(out);
	char *dry_allowed[] = { HIL_BINARY, "run", "--dry-run", "--allow-irreversible", "--rack", rack,
				scen, NULL };
	cr_assert_eq(test_spawn(dry_allowed, &out), 0, "%s", out);
	cr_assert(strstr(out, "IRREVERSIBLE: step 2 sfi_install"), "%s", out);
	free(out);
	char *allowed[] = { HIL_BINARY, "run", "--allow-irreversible", "--rack", rack, "--out", results,
			    scen, NULL };
	cr_assert_eq(test_spawn(allowed, &out), 0, "on a sacrificial board, when allowed: %s", out);
	free(out);
	free(results);
	free(scen);
	free(rack);
	free(img);
	free(dir);
}

Test(cli, option_bytes_the_scenario_marks_irreversible_are_refused_too)
{
	/* The errata images set SECURITY=1 in their C area; a lab that counts
	 * that as permanent says so, and the campaign needs sacrificial boards. */
	char *dir = test_tmpdir(), *out = NULL, *text = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: r\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\nboards:\n"
		"  - {name: keeper, kind: k, probe: {serial: '02'}, power: {controller: p, pin: 1},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");

	cr_assert(asprintf(&text, "campaign: secure\nsfi_key: {key: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-key.hex, nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n"
			   "irreversible_option_bytes:\n  - {name: SECURITY, value: 0x1, why: lab rule 7}\n"
			   "steps:\n  - power: on\n  - sfi_install: {image: " HIL_SOURCE_DIR
			   "/fixtures/images/sbsfu_bb.sfi, license: {hsm_slot: 1}}\n") > 0);
	char *scen = test_write(dir, "secure.yaml", text);
	char *refused[] = { HIL_BINARY, "run", "--rack", rack, "--out", dir, scen, NULL };
	cr_assert_eq(test_spawn(refused, &out), 2, "%s", out);
	cr_assert(strstr(out, "on board 'keeper' cannot be undone: its image sets SECURITY=0x1: lab rule 7"),
		  "%s", out);
	free(out);
	char *dry[] = { HIL_BINARY, "run", "--dry-run", "--allow-irreversible", "--rack", rack, scen,
			NULL };
	cr_assert_eq(test_spawn(dry, &out), 0, "%s", out);
	cr_assert(strstr(out, "IRREVERSIBLE: step 2 sfi_install: its image sets SECURITY=0x1"), "%s", out);
	free(out);
	free(scen);
	free(text);
	free(rack);
	free(dir);
}

/* The bring-up commands set up their own driver context (and with it the
 * simulated world) on a simulated rack. */
Test(cli, probes_and_power_work_on_the_simulated_rack)
{
	char *out = NULL;
	char *probes[] = { HIL_BINARY, "probes", "--rack", HIL_SOURCE_DIR "/fixtures/racks/sim.yaml",
			   NULL };
	char *power[] = { HIL_BINARY, "power", "--rack", HIL_SOURCE_DIR "/fixtures/racks/sim.yaml",
			  "--off-ms", "1", "dk-bl90", "cycle", NULL };

	cr_assert_eq(test_spawn(probes, &out), 0, "%s", out);
	cr_assert(strstr(out, "002F003F3137510539383538") && strstr(out, "custom-bl91"), "%s", out);
	free(out);
	cr_assert_eq(test_spawn(power, &out), 0, "%s", out);
	cr_assert(strstr(out, "dk-bl90: power cycle"), "%s", out);
	free(out);
}

Test(cli, power_refuses_a_board_another_run_holds)
{
	struct hil_lock *held = NULL;
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "power", "dk-bl90", "off", NULL };

	/* as a campaign on dk-bl90 holds it */
	cr_assert_eq(hil_lock_board(&held, hil_lock_dir(NULL), "066DFF485750717867193015", 0,
				    "errata"), 0, "%s", hil_error_last());
	cr_assert_eq(test_spawn(argv, &out), 3, "%s", out);
	cr_assert(strstr(out, "is busy: held by") && strstr(out, "errata"), "%s", out);
	free(out);
	hil_lock_release(held);
	cr_assert_eq(test_spawn(argv, &out), 0, "free again: %s", out);
	free(out);
}

Test(cli, an_unknown_board_lists_the_rack_s_boards)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "power", "dk-bl99", "on", NULL };

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "expected one of: dk-bl90, custom-bl91, custom-bl92"), "%s", out);
	free(out);
}

Test(cli, a_programmer_path_that_does_not_exist_is_a_pre_flight_error_of_check_and_run)
{
	char *dir = test_tmpdir(), *out = NULL, *results = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: r\nprogrammer: {driver: cubeprog, path: /nonexistent/STM32_Programmer_CLI}\n"
		"power:\n  - {id: p, driver: sim}\nboards:\n"
		"  - {name: b, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	const char *scen = HIL_SOURCE_DIR "/scenarios/nightly.yaml";
	char *check[] = { HIL_BINARY, "check", "--rack", rack, (char *)scen, NULL };

	cr_assert(asprintf(&results, "%s/results", dir) > 0);
	char *run[] = { HIL_BINARY, "run", "--rack", rack, "--out", results, (char *)scen, NULL };
	cr_assert_eq(test_spawn(check, &out), 2, "%s", out);
	cr_assert(strstr(out, "programmer /nonexistent/STM32_Programmer_CLI: No such file"), "%s", out);
	free(out);
	cr_assert_eq(test_spawn(run, &out), 2, "%s", out);
	cr_assert(strstr(out, "programmer /nonexistent/STM32_Programmer_CLI: No such file"), "%s", out);
	cr_assert(!strstr(out, "licence counter"), "%s", out);
	cr_assert(access(results, F_OK) != 0, "run touched something");
	free(out);
	free(results);
	free(rack);
	free(dir);
}

Test(cli, a_step_that_takes_nothing_may_be_written_alone)
{
	char *dir = test_tmpdir(), *out = NULL;
	char *path = test_write(dir, "bare.yaml", "campaign: c\nsteps:\n  - power: on\n  - read_ob\n"
				"  - reset\n");
	char *argv[] = { HIL_BINARY, "check", path, NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	free(out);
	free(path);
	free(dir);
}

Test(cli, a_rack_given_as_the_scenario_says_so_once)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "run", HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", NULL };

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "this is a rack file, not a scenario") && strstr(out, "--rack RACK"),
		  "%s", out);
	size_t lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	cr_assert_leq(lines, 2, "cascading errors:\n%s", out);
	free(out);
}

Test(cli, explain_of_a_bare_hex_number_suggests_the_rss_value)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "explain", "16", NULL };

	cr_assert_eq(test_spawn(argv, &out), 1, "%s", out);
	cr_assert(strstr(out, "sfi-harness explain 0x16"), "%s", out);
	free(out);
}

Test(cli, sfi_build_refuses_an_image_inspect_would_call_invalid)
{
	char *dir = test_tmpdir(), *out = NULL, *img = NULL;

	cr_assert(asprintf(&img, "%s/outside.sfi", dir) > 0);
	char *argv[] = { HIL_BINARY, "sfi", "build", "--key",
			 HIL_SOURCE_DIR "/fixtures/keys/test-key.hex", "--nonce",
			 HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex", "--area",
			 "F:0x09000000:" HIL_SOURCE_DIR "/fixtures/images/sbsfu.bin", "-o", img, NULL };
	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "is outside the flash"), "%s", out);
	cr_assert(access(img, F_OK) != 0, "the invalid image was written");
	free(out);
	free(img);
	free(dir);
}

Test(cli, json_events_on_stdout_leave_stdout_to_the_events)
{
	char *dir = test_tmpdir(), *outdir = NULL, *events = NULL, *text = NULL;
	size_t len = 0;

	cr_assert(asprintf(&outdir, "%s/r", dir) > 0 && asprintf(&events, "%s/events.out", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--time-scale", "0", "--repeat", "1", "--json-events", "-",
			 "--out", outdir, HIL_SOURCE_DIR "/scenarios/nightly.yaml", NULL };
	/* stdout alone into the file: stderr (the summary) to /dev/null */
	pid_t pid = fork();
	if (pid == 0) {
		FILE *o = freopen(events, "w", stdout), *e = freopen("/dev/null", "w", stderr);
		(void)o;
		(void)e;
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(hil_read_file(&text, &len, events, 16 << 20), 0);
	size_t lines = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);
		cr_assert_not_null(j, "not an event on stdout: %s", line);
		json_decref(j);
		lines++;
	}
	cr_assert_gt(lines, 3, "no events");
	free(text);
	free(events);
	free(outdir);
	free(dir);
}

Test(cli, two_runs_started_at_once_without_out_each_get_their_own_folder)
{
	/* two people starting the demo on one host in the same second */
	char *dir = test_tmpdir(), *la = NULL, *lb = NULL;
	int sa, sb;

	cr_assert_eq(chdir(dir), 0);
	cr_assert(asprintf(&la, "%s/a.log", dir) > 0 && asprintf(&lb, "%s/b.log", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--repeat", "1", "--time-scale", "0",
			 HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", NULL };
	pid_t a = test_spawn_to(argv, la), b = test_spawn_to(argv, lb);
	cr_assert_eq(waitpid(a, &sa, 0), a);
	cr_assert_eq(waitpid(b, &sb, 0), b);
	/* one run per cell cannot qualify a statistical cell: each exits 4 */
	cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 4, "run a: %d", sa);
	cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 4, "run b: %d", sb);
	free(la);
	free(lb);
	free(dir);
}

Test(cli, matrix_values_with_terminal_controls_reach_the_summary_escaped)
{
	char *dir = test_tmpdir(), *out = NULL, *outdir = NULL;
	char *scen = test_write(dir, "hostile.yaml",
		"campaign: hostile\nrepeat: 1\nmatrix:\n  tag: [\"\\e]0;PWN\\a\\e[2J\", \"a\\u009b31m\"]\n"
		"steps:\n  - power: on\n");
	char *argv[] = { HIL_BINARY, "run", "--time-scale", "0", "--out", NULL, scen, NULL };

	cr_assert(asprintf(&outdir, "%s/r", dir) > 0);
	argv[5] = outdir;
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(!strchr(out, '\033'), "a raw ESC reached the terminal:\n%s", out);
	cr_assert(!strstr(out, "\xc2\x9b"), "a raw C1 CSI reached the terminal");
	cr_assert(strstr(out, "\\x1B]0;PWN"), "%s", out);
	free(out);
	free(outdir);
	free(scen);
	free(dir);
}

Test(cli, a_run_with_stdout_and_stdin_closed_keeps_its_journal_clean)
{
	char *dir = test_tmpdir(), *outdir = NULL, *script = NULL, *out = NULL;

	cr_assert(asprintf(&outdir, "%s/r", dir) > 0);
	cr_assert(asprintf(&script, "'%s' run --verbose --time-scale 0 --repeat 1 --out '%s' '%s' <&- >&-",
			   HIL_BINARY, outdir, HIL_SOURCE_DIR "/scenarios/nightly.yaml") > 0);
	char *sh[] = { "/bin/sh", "-c", script, NULL };
	cr_assert_eq(test_spawn(sh, &out), 0, "%s", out);
	free(out);
	char *report[] = { HIL_BINARY, "report", outdir, NULL };
	cr_assert_eq(test_spawn(report, &out), 0, "the journal took progress lines: %s", out);
	free(out);
	free(script);
	free(outdir);
	free(dir);
}

Test(cli, explain_takes_the_tools_own_rss_line)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "explain", "RSS complete Value = 0x16", NULL };

	/* the line as the tool prints it explains as its value, like "0x16" */
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(strstr(out, "RSS value 0x16"), "%s", out);
	cr_assert_null(strstr(out, "no catalogue entry"), "%s", out);
	free(out);
}
