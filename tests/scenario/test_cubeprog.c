/* The real cubeprog driver against fake-STM32_Programmer_CLI: argv, the
 * subprocess and its deadline, every fault switch of the stand-in tool, and
 * the errata scenario giving the sim rack's verdicts through subprocesses. */
#include "drivers/power/power.h"
#include "harness/transcript/cubeprog_parse.h"
#include "drivers/programmer/programmer.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "support.h"
#include "contract/contract.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BL92 "003A00293438510B34313939"
#define IMAGE HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi"

static char *dir;
static struct hil_rack *rack;
static struct hil_driver_ctx ctx;
static struct hil_power *power;
static struct hil_programmer *prog;

static char *write_rack(const char *tool, unsigned timeout_s)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text,
			   "rack: fake\nprogrammer: {driver: cubeprog, path: \"%s\", timeout_s: %u}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - name: b92\n    kind: k\n    probe: {serial: %s}\n"
			   "    power: {controller: relay0, pin: 0}\n    sacrificial: true\n"
			   "    sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml\n",
			   tool, timeout_s, BL92) > 0);
	path = test_write(dir, "rack.yaml", text);
	free(text);
	return path;
}

static void open_rack(const char *tool, unsigned timeout_s)
{
	struct hil_diag d = { 0 };
	char *state = NULL, *path = write_rack(tool, timeout_s);

	cr_assert(asprintf(&state, "%s/state", dir) > 0);
	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 1, state), 0, "%s", hil_error_last());
	cr_assert_eq(hil_power_open(&power, &ctx, &rack->power[0]), 0, "%s", "power");
	cr_assert_eq(hil_power_set(power, &rack->boards[0].power, true), 0);
	cr_assert_eq(hil_programmer_open(&prog, &ctx, "cubeprog"), 0);
	free(state);
	free(path);
}

static void init(void)
{
	hil_clock_set_scale(0);
	dir = test_tmpdir();
	test_isolate_locks();
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
}

static void fini(void)
{
	hil_programmer_close(prog);
	hil_power_close(power);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	prog = NULL;
	power = NULL;
	rack = NULL;
}

TestSuite(cubeprog, .init = init, .fini = fini, .timeout = 60);

struct lines {
	unsigned count;
	unsigned areas_seen;
};

static void count_line(void *payload, const char *line, size_t len)
{
	struct lines *l = payload;
	unsigned i, n;

	l->count++;
	if (len < 200 && sscanf(line, " Parsing Area %u/%u", &i, &n) == 2)
		l->areas_seen = i;
}

static enum hil_class run(enum hil_prog_op op, const char *image, struct hil_prog_output *out,
			  struct lines *lines)
{
	struct hil_prog_request req = { .op = op, .probe_serial = BL92, .image = image,
					.hsm_slot = 1, .on_line = count_line, .payload = lines };
	struct hil_transcript tx;

	cr_assert_eq(hil_programmer_run(prog, &req, out), 0);
	hil_cubeprog_parse(&tx, out->transcript, out->length);
	return hil_cubeprog_classify(&tx, op, out);
}

Test(cubeprog, identify_and_install_through_the_stand_in_tool)
{
	struct hil_prog_output out;
	struct lines lines = { 0 };

	open_rack(HIL_FAKE_CLI, 30);
	cr_assert_eq(run(HIL_PROG_IDENTIFY, NULL, &out, &lines), HIL_CLASS_SUCCESS, "%s", out.transcript);
	cr_assert(strstr(out.transcript, "BL Version  : 0x92"));
	hil_prog_output_clear(&out);
	cr_assert_eq(run(HIL_PROG_SFI_INSTALL, IMAGE, &out, &lines), HIL_CLASS_SUCCESS, "%s",
		     out.transcript);
	cr_assert_gt(lines.count, 40, "lines are streamed to the caller");
	cr_assert_eq(lines.areas_seen, 2, "progress saw 'Parsing Area 2/2'");
	hil_prog_output_clear(&out);
}

/* Gone, or a zombie waiting for whoever adopted it (not running). */
static bool still_running(long pid)
{
	char path[64], state = '?';
	FILE *f;

	for (int tries = 0; tries < 100; tries++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return false;
		if ((f = fopen(path, "r"))) {
			int n = fscanf(f, "%*d %*s %c", &state);
			fclose(f);
			if (n == 1 && (state == 'Z' || state == 'X'))
				return false;
		}
		usleep(10000);
	}
	return true;
}

Test(cubeprog, a_hung_tool_is_stopped_at_the_deadline_with_its_whole_group)
{
	struct hil_prog_output out;
	struct lines lines = { 0 };
	char *pidfile = NULL;
	long pids[2] = { 0, 0 };

	open_rack(HIL_FAKE_CLI, 2);
	cr_assert(asprintf(&pidfile, "%s/pids", dir) > 0);
	setenv("FAKE_CUBEPROG_PIDFILE", pidfile, 1);
	setenv("FAKE_CUBEPROG_FAULT", "hang", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "sfi", 1);
	double start = hil_clock_real_ms();
	cr_assert_eq(run(HIL_PROG_SFI_INSTALL, IMAGE, &out, &lines), HIL_CLASS_TIMEOUT);
	double took = hil_clock_real_ms() - start;
	cr_assert(out.timed_out);
	cr_assert_geq(took, 2000);
	cr_assert_lt(took, 2000 + 2000 + 3000, "deadline 2 s + grace 2 s (+ the -a abort run)");
	cr_assert(strstr(out.transcript, "ran -a to abort"), "the stuck SFI is aborted with -a");
	FILE *f = fopen(pidfile, "r");
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%ld %ld", &pids[0], &pids[1]), 2);
	fclose(f);
	for (int i = 0; i < 2; i++)
		cr_assert(!still_running(pids[i]), "process %ld of the tool's group is still running",
			  pids[i]);
	unsetenv("FAKE_CUBEPROG_PIDFILE");
	hil_prog_output_clear(&out);
	free(pidfile);
}

static enum hil_class with_fault(const char *fault, struct hil_prog_output *out)
{
	struct lines lines = { 0 };

	setenv("FAKE_CUBEPROG_FAULT", fault, 1);
	return run(HIL_PROG_SFI_INSTALL, IMAGE, out, &lines);
}

Test(cubeprog, every_fault_switch_is_classified_and_none_is_a_success)
{
	struct hil_prog_output out;

	open_rack(HIL_FAKE_CLI, 30);
	cr_assert_eq(with_fault("signal", &out), HIL_CLASS_TOOL_CRASH);
	cr_assert(out.signaled && out.term_signal == SIGSEGV);
	hil_prog_output_clear(&out);
	cr_assert_eq(with_fault("no-marker", &out), HIL_CLASS_INCOMPLETE, "exit 0 without a marker");
	cr_assert_eq(out.exit_status, 0);
	hil_prog_output_clear(&out);
	cr_assert_eq(with_fault("false-success", &out), HIL_CLASS_UNKNOWN_ERROR,
		     "success text with a non-zero exit");
	hil_prog_output_clear(&out);
	cr_assert_neq(with_fault("garbage", &out), HIL_CLASS_SUCCESS);
	hil_prog_output_clear(&out);
	cr_assert_eq(with_fault("cut", &out), HIL_CLASS_INCOMPLETE, "output cut mid-line");
	cr_assert_neq(out.transcript[out.length - 1], '\n');
	hil_prog_output_clear(&out);
	double start = hil_clock_real_ms();
	cr_assert_eq(with_fault("slow", &out), HIL_CLASS_SUCCESS, "a slow tool is just slow");
	cr_assert_gt(hil_clock_real_ms() - start, 1000, "30 ms per line");
	hil_prog_output_clear(&out);
}

Test(cubeprog, a_missing_tool_is_a_tool_crash_with_a_clear_message)
{
	struct hil_prog_output out;
	struct lines lines = { 0 };

	open_rack("/nonexistent/STM32_Programmer_CLI", 30);
	cr_assert_eq(run(HIL_PROG_IDENTIFY, NULL, &out, &lines), HIL_CLASS_TOOL_CRASH);
	cr_assert(strstr(out.error, "/nonexistent/STM32_Programmer_CLI"), "%s", out.error);
	cr_assert(strstr(out.error, "no such file"), "%s", out.error);
	hil_prog_output_clear(&out);
}

Test(cubeprog, a_path_with_spaces_and_semicolons_is_one_argument)
{
	struct hil_prog_output out;
	struct lines lines = { 0 };
	char *sub = NULL, *image = NULL, *cmd_img = NULL;
	char *data = NULL;
	size_t len;
	FILE *f;

	open_rack(HIL_FAKE_CLI, 30);
	cr_assert(asprintf(&sub, "%s/lab images; rm -rf x", dir) > 0);
	cr_assert_eq(mkdir(sub, 0755), 0);
	cr_assert(asprintf(&image, "%s/sbsfu bb;$(touch pwned).sfi", sub) > 0);
	cr_assert_eq(hil_read_file(&data, &len, IMAGE, 1 << 20), 0);
	f = fopen(image, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	cr_assert_eq(run(HIL_PROG_SFI_INSTALL, image, &out, &lines), HIL_CLASS_SUCCESS, "%s",
		     out.transcript);
	cr_assert(asprintf(&cmd_img, "SFI file path             : %s", image) > 0);
	cr_assert(strstr(out.transcript, cmd_img), "%s", out.transcript);
	cr_assert(access("pwned", F_OK) != 0, "no shell may see the path");
	hil_prog_output_clear(&out);
	free(cmd_img);
	free(image);
	free(sub);
	free(data);
}

/* The errata scenario on a rack, as verdicts and classes per install. */
static json_t *campaign(const char *rack_text, const char *out_name)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *r = NULL;
	struct hil_plan *plan = NULL;
	char *rack_path = test_write(dir, "campaign-rack.yaml", rack_text), *out = NULL;
	json_t *res = NULL, *cases = json_array(), *b, *c;
	size_t i, k;
	int code;

	cr_assert_eq(hil_scenario_load(&s, HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", &d), 0);
	cr_assert_eq(hil_registry_rack_load(&r, rack_path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_plan_build(&plan, s, r, 4, &d), 0, "%s", test_diag_text(&d));
	cr_assert(asprintf(&out, "%s/%s", dir, out_name) > 0);
	struct hil_run_opts opts = { .out_dir = out };
	cr_assert_eq(test_run_plan(plan, &opts, &code, &res), 0);
	json_array_foreach(json_object_get(res, "boards"), i, b)
		json_array_foreach(json_object_get(b, "cases"), k, c)
			json_array_append_new(cases, json_pack("{s:O,s:O,s:O,s:O}", "case",
							       json_object_get(c, "case"), "verdict",
							       json_object_get(c, "verdict"), "class",
							       json_object_get(c, "class"), "rss",
							       json_object_get(c, "rss")));
	json_array_append_new(cases, json_integer(code));
	hil_plan_free(plan);
	hil_rack_free(r);
	hil_scenario_free(s);
	json_decref(res);
	free(out);
	free(rack_path);
	return cases;
}

Test(cubeprog, errata_scenario_through_the_stand_in_matches_the_sim_verdict_for_verdict)
{
	static const char boards[] =
		"probe: {driver: sim}\npower:\n  - {id: relay0, driver: sim}\nboards:\n"
		"  - {name: dk-bl90, kind: STM32H7B3I-DK, probe: {serial: 066DFF485750717867193015},"
		" power: {controller: relay0, pin: 0}, sacrificial: true,"
		" sim: " HIL_SOURCE_DIR "/fixtures/boards/h7b3i-dk-bl90.yaml}\n"
		"  - {name: custom-bl91, kind: custom, probe: {serial: 002F003F3137510539383538},"
		" power: {controller: relay0, pin: 2}, sacrificial: true,"
		" sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl91.yaml}\n"
		"  - {name: custom-bl92, kind: custom, probe: {serial: " BL92 "},"
		" power: {controller: relay0, pin: 4}, sacrificial: true,"
		" sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n";
	char *sim = NULL, *fake = NULL;

	cr_assert(asprintf(&sim, "rack: s\nprogrammer: {driver: sim}\n%s", boards) > 0);
	cr_assert(asprintf(&fake, "rack: f\nprogrammer: {driver: cubeprog, path: %s}\n%s",
			   HIL_FAKE_CLI, boards) > 0);
	json_t *a = campaign(sim, "sim");
	json_t *b = campaign(fake, "fake");
	cr_assert_eq(json_array_size(a), 24 + 1);
	char *ta = json_dumps(a, JSON_INDENT(1)), *tb = json_dumps(b, JSON_INDENT(1));
	cr_assert(json_equal(a, b), "sim:\n%s\nfake CLI:\n%s", ta, tb);
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
	free(sim);
	free(fake);
}

Test(cubeprog, probe_listing_and_hsm_counter)
{
	struct hil_prog_output out;
	struct lines lines = { 0 };
	struct hil_transcript tx;

	open_rack(HIL_FAKE_CLI, 30);
	cr_assert_eq(run(HIL_PROG_LIST_PROBES, NULL, &out, &lines), HIL_CLASS_SUCCESS, "%s",
		     out.transcript);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_eq(tx.probe_count, 1);
	cr_assert_str_eq(tx.probes[0].serial, BL92);
	hil_prog_output_clear(&out);
	cr_assert_eq(run(HIL_PROG_HSM_COUNTER, NULL, &out, &lines), HIL_CLASS_SUCCESS);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	uint32_t before = tx.hsm_counter;
	hil_prog_output_clear(&out);
	cr_assert_eq(run(HIL_PROG_SFI_INSTALL, IMAGE, &out, &lines), HIL_CLASS_SUCCESS);
	hil_prog_output_clear(&out);
	cr_assert_eq(run(HIL_PROG_HSM_COUNTER, NULL, &out, &lines), HIL_CLASS_SUCCESS);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_eq(tx.hsm_counter, before - 1, "one HSM license per install");
	hil_prog_output_clear(&out);
}

Test(cubeprog, keeps_the_programmer_contract)
{
	open_rack(HIL_FAKE_CLI, 30);
	contract_programmer(prog, BL92, 0x480);
}

/* A campaign of @repeat installs on the 0x92 board through the stand-in
 * tool, drawing licences from HSM slot 1 (through @cache when given). */
static int licence_campaign(const char *cache, unsigned repeat, unsigned reserve, const char *out_name,
			    json_t **res)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *r = NULL;
	struct hil_plan *plan = NULL;
	char *text = NULL, *scen, *rack_path = write_rack(HIL_FAKE_CLI, 30), *out = NULL;
	int code = -1, error;

	cr_assert(asprintf(&text, "campaign: lic\nrepeat: %u\nhsm_reserve: %u\nsteps:\n"
			   "  - power: on\n"
			   "  - sfi_install: {image: %s, license: {hsm_slot: 1%s%s}}\n", repeat, reserve,
			   IMAGE, cache ? ", cache: " : "", cache ? cache : "") > 0);
	scen = test_write(dir, "lic.yaml", text);
	cr_assert_eq(hil_scenario_load(&s, scen, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_registry_rack_load(&r, rack_path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_plan_build(&plan, s, r, 0, &d), 0, "%s", test_diag_text(&d));
	cr_assert(asprintf(&out, "%s/%s", dir, out_name) > 0);
	struct hil_run_opts opts = { .out_dir = out };
	error = test_run_plan(plan, &opts, &code, res);
	hil_plan_free(plan);
	hil_rack_free(r);
	hil_scenario_free(s);
	free(out);
	free(scen);
	free(rack_path);
	free(text);
	return error < 0 ? error : code;
}

Test(cubeprog, the_licence_cache_draws_once_per_chip)
{
	char *cache = NULL;
	json_t *res = NULL;

	cr_assert(asprintf(&cache, "%s/licences", dir) > 0);
	cr_assert_eq(licence_campaign(cache, 3, 0, "first", &res), 0);
	cr_assert_eq(json_integer_value(json_object_get(res, "hsm_draws")), 1,
		     "three installs on one chip, one HSM draw");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(res, "totals"), "pass")), 3);
	json_decref(res);
	cr_assert_eq(licence_campaign(cache, 2, 0, "second", &res), 0);
	cr_assert_eq(json_integer_value(json_object_get(res, "hsm_draws")), 0,
		     "the chip's licence is in the cache");
	json_decref(res);
	cr_assert_eq(licence_campaign(NULL, 2, 0, "uncached", &res), 0);
	cr_assert_eq(json_integer_value(json_object_get(res, "hsm_draws")), 2, "one per install");
	json_decref(res);
	free(cache);
}

Test(cubeprog, a_campaign_that_would_overdraw_the_hsm_is_refused_before_any_board)
{
	json_t *res = NULL;
	char *journal = NULL, *logs = NULL;

	cr_assert_eq(licence_campaign(NULL, 5, 999, "refused", &res), HIL_EREFUSED);
	cr_assert(strstr(hil_error_last(), "may draw up to 5 licences from HSM slot 1, which has "
		  "1000 left and keeps 999 in reserve (1 usable)"), "%s", hil_error_last());
	cr_assert(asprintf(&journal, "%s/refused/journal.jsonl", dir) > 0);
	cr_assert(asprintf(&logs, "%s/refused/logs", dir) > 0);
	cr_assert(access(journal, F_OK) != 0, "nothing was run, nothing journaled");
	cr_assert(access(logs, F_OK) != 0, "no board was touched");
	free(journal);
	free(logs);
}

/* The simulated world belongs to a run's driver context: a second campaign
 * in the same process gets fresh boards and a fresh HSM in its own folder,
 * not what the first one left (its state folder was once a process-wide
 * environment variable that outlived the run). */
Test(cubeprog, a_second_campaign_in_the_process_does_not_see_the_first_ones_boards)
{
	json_t *res = NULL;
	char *first = NULL, *second = NULL;

	cr_assert_eq(licence_campaign(NULL, 1, 999, "first", &res), 0, "%s", hil_error_last());
	cr_assert_eq(json_integer_value(json_object_get(res, "hsm_draws")), 1);
	json_decref(res);
	res = NULL;
	cr_assert_eq(licence_campaign(NULL, 1, 999, "second", &res), 0,
		     "the second campaign's HSM starts at 1000 again: %s", hil_error_last());
	json_decref(res);
	cr_assert(asprintf(&first, "%s/first/sim-state/b92.state", dir) > 0);
	cr_assert(asprintf(&second, "%s/second/sim-state/b92.state", dir) > 0);
	cr_assert(access(first, F_OK) == 0 && access(second, F_OK) == 0,
		  "each campaign keeps its boards in its own folder");
	cr_assert(getenv("HIL_SIM_STATE_DIR") == NULL, "the harness's own environment is untouched");
	free(first);
	free(second);
}

Test(cubeprog, the_tool_starts_in_its_own_folder_with_lc_all_c_and_absolute_paths)
{
	/* a stand-in that reports where it runs, its locale and its arguments */
	char *bin = NULL, *tool = NULL, *script = NULL;
	struct hil_prog_output out;
	struct hil_prog_request req = { .op = HIL_PROG_READ_FLASH, .probe_serial = "01",
					.address = 0x08000000, .size = 16,
					.upload_path = "relative/readback.bin", .timeout_s = 10 };
	char real[4096];

	cr_assert(asprintf(&bin, "%s/STM32CubeProgrammer/bin", dir) > 0);
	cr_assert(asprintf(&tool, "%s/STM32_Programmer_CLI", bin) > 0);
	cr_assert(asprintf(&script, "mkdir -p '%s' && cat > '%s' <<'X'\n#!/bin/sh\n"
			   "echo \"cwd=$(pwd)\"\necho \"lc=$LC_ALL\"\nfor a; do echo \"arg=$a\"; done\n"
			   "echo 'Data read successfully'\nX\nchmod +x '%s'", bin, tool, tool) > 0);
	char *sh[] = { "/bin/sh", "-c", script, NULL };
	char *o = NULL;
	cr_assert_eq(test_spawn(sh, &o), 0, "%s", o);
	free(o);
	open_rack(tool, 10);
	cr_assert_eq(hil_programmer_run(prog, &req, &out), 0);
	cr_assert(realpath(bin, real));
	char *want = NULL;
	cr_assert(asprintf(&want, "cwd=%s\n", real) > 0);
	cr_assert(strstr(out.transcript, want), "not started in its own folder:\n%s", out.transcript);
	cr_assert(strstr(out.transcript, "lc=C\n"), "%s", out.transcript);
	cr_assert(getcwd(real, sizeof(real)));
	free(want);
	cr_assert(asprintf(&want, "arg=%s/relative/readback.bin\n", real) > 0);
	cr_assert(strstr(out.transcript, want), "the upload path is not absolute:\n%s", out.transcript);
	hil_prog_output_clear(&out);
	free(want);
	free(script);
	free(tool);
	free(bin);
}
