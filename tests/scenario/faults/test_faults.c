/* Fault-injection campaigns: the sfi-harness binary, as a lab runs it, against
 * a board or tool that misbehaves, a disk that fills up and a SIGKILL. Each
 * case asserts the class, a journal of whole lines, reports that are still
 * valid and the exit code of the contract (docs/reliability.md). */
#include "harness/util/fileutil.h"
#include "harness/util/lock.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/file.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>


static char *dir;

static void init(void)
{
	test_isolate_locks();
	dir = test_tmpdir();
}

TestSuite(faults, .init = init, .timeout = 180);

#define SFI_KEY "sfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: " \
	HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n"
#define GOOD_BOARD "profile: p\ndevice: {id: 0x480, bl_version: 0x92}\n" \
	"install:\n  - outcome: success\n" SFI_KEY
#define BANNER "console: {banner: \"SBSFU boot\"}\n"

/* A one-board rack whose simulated board follows @profile; @programmer is
 * the rack's programmer line, @time_scale its time scale (0: no waiting).
 * Returns the rack path. */
static char *rack_with(const char *profile, const char *programmer, const char *time_scale)
{
	char *prof = test_write(dir, "board.yaml", profile), *text = NULL;

	cr_assert(asprintf(&text,
			   "rack: faults\ntime_scale: %s\nprogrammer: %s\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - name: b92\n    kind: custom-H7B3\n"
			   "    probe: {serial: 003A00293438510B34313939}\n"
			   "    power: {controller: relay0, pin: 4}\n    console: {driver: sim}\n"
			   "    identity: {device_id: 0x480}\n    sacrificial: true\n    sim: %s\n",
			   time_scale, programmer, prof) > 0);
	char *rack = test_write(dir, "rack.yaml", text);
	free(text);
	free(prof);
	return rack;
}

static char *scenario(unsigned repeat)
{
	char *text = NULL;

	cr_assert(asprintf(&text,
			   "campaign: faults\nboards: all\nrepeat: %u\n" SFI_KEY "steps:\n  - power: cycle\n"
			   "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
			   "license: {hsm_slot: 1}, timeout_s: 60}\n"
			   "  - expect_console: {pattern: SBSFU, timeout_s: 5}\n"
			   "expect:\n  - result: pass\n", repeat, HIL_SOURCE_DIR) > 0);
	char *path = test_write(dir, "faults.yaml", text);
	free(text);
	return path;
}

static char *out_dir(void)
{
	char *out = NULL;

	cr_assert(asprintf(&out, "%s/results", dir) > 0);
	return out;
}

static int run_campaign(const char *rack, const char *scen, const char *out, char **output)
{
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", (char *)rack, "--out",
			 (char *)out, (char *)scen, NULL };

	return test_spawn(argv, output);
}

/* Every line of the journal is one whole JSON record; returns how many
 * install records ("case") it holds. */
static size_t whole_journal(const char *out)
{
	char *path = NULL, *text = NULL, *line, *save = NULL;
	size_t len = 0, cases = 0;

	cr_assert(asprintf(&path, "%s/journal.jsonl", out) > 0);
	cr_assert_eq(hil_read_file(&text, &len, path, 64 << 20), 0, "%s missing", path);
	cr_assert(len > 0 && text[len - 1] == '\n', "the journal ends in a torn line");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *rec = json_loads(line, 0, &e);
		cr_assert_not_null(rec, "torn journal line: %.120s (%s)", line, e.text);
		cases += !strcmp(json_string_value(json_object_get(rec, "type")), "case");
		json_decref(rec);
	}
	free(text);
	free(path);
	return cases;
}

/* junit.xml valid against the Jenkins schema (default profile), summary.json whole, report.html
 * complete; returns summary.json (json_decref it). */
static json_t *valid_reports(const char *out)
{
	char *junit = NULL, *summary = NULL, *html = NULL, *text = NULL;
	size_t len = 0;

	cr_assert(asprintf(&junit, "%s/junit.xml", out) > 0);
	cr_assert(asprintf(&summary, "%s/summary.json", out) > 0);
	cr_assert(asprintf(&html, "%s/report.html", out) > 0);
	test_validate_xml(junit, "junit-10.xsd");
	json_t *sum = json_load_file(summary, 0, NULL);
	cr_assert_not_null(sum, "%s is not whole JSON", summary);
	cr_assert_eq(hil_read_file(&text, &len, html, 64 << 20), 0);
	cr_assert(strstr(text, "</html>"), "report.html is cut short");
	free(text);
	free(html);
	free(summary);
	free(junit);
	return sum;
}

static long class_count(const json_t *summary, const char *class_name)
{
	size_t i;
	json_t *cell;
	long n = 0;

	json_array_foreach(json_object_get(summary, "cells"), i, cell)
		n += (long)json_integer_value(json_object_get(json_object_get(cell, "classes"), class_name));
	return n;
}

struct fault_case {
	const char *name;
	const char *profile_tail;  /* faults: and console: of the board */
	const char *cls;           /* the class every affected install ends in */
	int exit_code;
	long passes;               /* installs that ran before the fault began */
};

/* A fault from call AFTER+1 on, for good: retries cannot hide it. */
#define FOREVER_AFTER(point, fault, after) \
	BANNER "faults:\n  - {point: " point ", fault: " fault ", after: " #after ", repeat: 0}\n"
#define FOREVER(point, fault) FOREVER_AFTER(point, fault, 2)

static const struct fault_case cases[] = {
	{ "programmer hangs", FOREVER("programmer", "hang"), "timeout", 3, 0 },
	{ "programmer crashes", FOREVER("programmer", "crash"), "tool_crash", 3, 0 },
	{ "programmer prints garbage", FOREVER("programmer", "garbage"), "incomplete", 3, 0 },
	{ "programmer output cut short", FOREVER("programmer", "truncate"), "incomplete", 3, 0 },
	/* the pre-flight lists the probe three times (power on, power check
	 * off and on again), each install twice: the first install still runs */
	{ "probe vanishes mid-campaign", FOREVER_AFTER("probe", "unplug", 4), "no_probe", 3, 1 },
	{ "power controller USB fails", FOREVER("power", "error"), "power_error", 3, 0 },
	{ "console stays silent", "", "console_mismatch", 1, 0 },
};

Test(faults, every_fault_has_its_class_whole_journal_valid_reports_and_exit_code)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct fault_case *fc = &cases[i];
		char *profile = NULL, *output = NULL, *out = NULL;

		cr_assert(asprintf(&profile, "%s%s", GOOD_BOARD, fc->profile_tail) > 0);
		char *rack = rack_with(profile, "{driver: sim, timeout_s: 30}", "0"), *scen = scenario(3);
		cr_assert(asprintf(&out, "%s/results-%zu", dir, i) > 0);
		int code = run_campaign(rack, scen, out, &output);

		cr_assert_eq(code, fc->exit_code, "%s: exit %d\n%s", fc->name, code, output);
		cr_assert_eq(whole_journal(out), 3, "%s: every install journaled", fc->name);
		json_t *sum = valid_reports(out);
		cr_assert_gt(class_count(sum, fc->cls), 0, "%s: no %s in %s", fc->name, fc->cls,
			     json_dumps(json_object_get(sum, "cells"), 0));
		cr_assert_eq(class_count(sum, "success"), fc->passes, "%s: %ld installs passed, "
			     "expected %ld\n%s", fc->name, class_count(sum, "success"), fc->passes, output);
		json_decref(sum);
		free(out);
		free(scen);
		free(rack);
		free(profile);
		free(output);
	}
}

Test(faults, a_real_programmer_process_that_crashes_is_a_tool_crash)
{
	/* The cubeprog driver running the stand-in tool: the crash is a real
	 * SIGSEGV of a child process, not a simulated outcome. */
	setenv("FAKE_CUBEPROG_FAULT", "signal", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "sfi", 1);
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 30}", "0");
	char *scen = scenario(2), *out = out_dir(), *output = NULL;
	int code = run_campaign(rack, scen, out, &output);

	cr_assert_eq(code, 3, "%s", output);
	cr_assert_eq(whole_journal(out), 2);
	json_t *sum = valid_reports(out);
	cr_assert_eq(class_count(sum, "tool_crash"), 2, "%s", json_dumps(sum, 0));
	json_decref(sum);
	free(output);
	free(out);
	free(scen);
	free(rack);
}

/* Runs the campaign with files limited to @kib KiB (RLIMIT_FSIZE, a disk
 * that fills up without root or a tmpfs); SIGXFSZ ignored so writes fail
 * with EFBIG like they would with ENOSPC. */
static int run_with_file_limit(const char *rack, const char *scen, const char *out, rlim_t kib,
			       char **output)
{
	struct rlimit saved, small;

	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = kib * 1024;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", (char *)rack, "--out",
			 (char *)out, (char *)scen, NULL };
	int code = test_spawn(argv, output);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	return code;
}

Test(faults, a_full_disk_stops_the_campaign_without_a_torn_line_and_resume_completes_it)
{
	static const rlim_t limits_kib[] = { 1, 3, 4, 6 };
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: sim, timeout_s: 30}", "0");
	char *scen = scenario(4);

	for (size_t i = 0; i < sizeof(limits_kib) / sizeof(*limits_kib); i++) {
		char *out = NULL, *output = NULL, *resumed = NULL;
		cr_assert(asprintf(&out, "%s/full-%zu", dir, i) > 0);
		int code = run_with_file_limit(rack, scen, out, limits_kib[i], &output);

		cr_assert_eq(code, 3, "%lu KiB: exit %d\n%s", (unsigned long)limits_kib[i], code, output);
		cr_assert(strstr(output, "cannot write results") || strstr(output, "File too large"),
			  "%s", output);
		size_t before = whole_journal(out);
		cr_assert_lt(before, 4, "%lu KiB: the campaign stopped", (unsigned long)limits_kib[i]);
		char *argv[] = { HIL_BINARY, "resume", out, NULL };
		cr_assert_eq(test_spawn(argv, &resumed), 0, "%s", resumed);
		cr_assert_eq(whole_journal(out), 4, "every install recorded once after resume");
		json_t *sum = valid_reports(out);
		cr_assert_eq(class_count(sum, "success"), 4);
		json_decref(sum);
		free(resumed);
		free(output);
		free(out);
	}
	free(scen);
	free(rack);
}

static size_t journal_lines(const char *out)
{
	char *path = NULL, *text = NULL;
	size_t len = 0, n = 0;

	cr_assert(asprintf(&path, "%s/journal.jsonl", out) > 0);
	if (hil_read_file(&text, &len, path, 64 << 20) == 0)
		for (size_t i = 0; i < len; i++)
			n += text[i] == '\n';
	free(text);
	free(path);
	return n;
}

Test(faults, sigkill_at_any_point_leaves_whole_lines_and_resume_finishes)
{
	static const size_t kill_after_lines[] = { 1, 6, 12 };
	/* real time for the simulated delays, so the kill lands mid-campaign */
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: sim, timeout_s: 30}", "0.02");
	char *scen = scenario(8);

	for (size_t i = 0; i < sizeof(kill_after_lines) / sizeof(*kill_after_lines); i++) {
		char *out = NULL, *output = NULL;
		int status;
		cr_assert(asprintf(&out, "%s/killed-%zu", dir, i) > 0);
		char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
		pid_t pid = test_spawn_quiet(argv);

		for (int tries = 0; tries < 3000 && journal_lines(out) < kill_after_lines[i]; tries++)
			usleep(2000);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFSIGNALED(status), "the campaign ended before the kill");
		cr_assert_lt(whole_journal(out), 8);
		char *resume[] = { HIL_BINARY, "resume", out, NULL };
		cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
		cr_assert_eq(whole_journal(out), 8, "every install, exactly once");
		json_decref(valid_reports(out));
		free(output);
		free(out);
	}
	free(scen);
	free(rack);
}

Test(faults, an_rss_version_that_cannot_be_read_makes_the_installs_errors_not_passes)
{
	/* -rssgetversion crashes; the scenario's rule keys on the RSS version,
	 * so no install of this board can be judged */
	setenv("FAKE_CUBEPROG_FAULT", "signal", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "rss", 1);
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 30}", "0");
	char *text = NULL, *out = out_dir(), *output = NULL;
	cr_assert(asprintf(&text, "campaign: faults\nboards: all\nrepeat: 2\n" SFI_KEY "steps:\n  - power: cycle\n"
			   "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
			   "license: {hsm_slot: 1}, timeout_s: 60}\n"
			   "expect:\n  - when: {rss_version: \"9.9.9\"}\n    result: fail\n"
			   "    class: rss_error\n", HIL_SOURCE_DIR) > 0);
	char *scen = test_write(dir, "rss.yaml", text);
	int code = run_campaign(rack, scen, out, &output);

	cr_assert_eq(code, 3, "an unjudgeable campaign must not pass: %s", output);
	json_t *sum = valid_reports(out);
	cr_assert_eq(class_count(sum, "tool_crash"), 2, "%s", json_dumps(sum, 0));
	char *dump = json_dumps(sum, 0);
	cr_assert(strstr(dump, "the RSS version could not be read") && strstr(dump, "depends on it"),
		  "the board says why: %s", dump);
	free(dump);
	json_decref(sum);
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
	free(output);
	free(out);
	free(scen);
	free(text);
	free(rack);
}

/* The stand-in CLI's "hang" fault writes "TOOL HELPER" to @pidfile once it
 * hangs (FAKE_CUBEPROG_PIDFILE); waits for that. */
static void wait_for_hang(const char *pidfile, long *tool, long *helper)
{
	*tool = *helper = 0;
	for (int i = 0; i < 3000 && !*helper; i++) {
		FILE *f = fopen(pidfile, "r");
		if (f) {
			if (fscanf(f, "%ld %ld", tool, helper) != 2)
				*helper = 0;
			fclose(f);
		}
		usleep(10000);
	}
	cr_assert_gt(*helper, 0, "the hanging install never started");
}

/* Whether @pid still has open files (stdin, stdout...): a process that is
 * exiting drops them before it becomes a zombie. */
static bool holds_files(pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	bool any = false;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if (!(d = opendir(path)))
		return false;
	while (!any && (e = readdir(d)))
		any = e->d_name[0] != '.';
	closedir(d);
	return any;
}


Test(faults, a_harness_killed_mid_install_takes_its_programmer_and_its_children_with_it)
{
	/* the stand-in hangs in -sfi after forking a helper into its group (as
	 * a tool's own child processes would), and writes both pids down */
	char *pidfile = NULL;
	cr_assert(asprintf(&pidfile, "%s/tool.pids", dir) > 0);
	setenv("FAKE_CUBEPROG_FAULT", "hang", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "sfi", 1);
	setenv("FAKE_CUBEPROG_PIDFILE", pidfile, 1);
	/* time scale 1: the tool's deadline is real, so only the kill ends it */
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 120}", "1");
	char *scen = scenario(1), *out = out_dir();
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	pid_t harness = test_spawn_quiet(argv);
	long tool = 0, helper = 0;
	int status;

	wait_for_hang(pidfile, &tool, &helper);
	/* the board's lock, as a second run on the same simulated boards (the
	 * campaign's sim-state, shared with the stand-in tool) would take it */
	char *lock_path = NULL, *state = NULL, name[128];
	cr_assert(asprintf(&state, "%s/sim-state", out) > 0);
	hil_lock_name(name, sizeof(name), "003A00293438510B34313939", state);
	cr_assert(asprintf(&lock_path, "%s/%s.lock", getenv("SFI_HARNESS_LOCK_DIR"), name) > 0);
	free(state);
	int lock_fd = open(lock_path, O_RDONLY | O_CLOEXEC);
	cr_assert(lock_fd >= 0, "%s", lock_path);
	kill(harness, SIGKILL);
	cr_assert_eq(waitpid(harness, &status, 0), harness);
	cr_assert(WIFSIGNALED(status), "the harness had ended by itself");
	/* the board stays locked for as long as its tool lives */
	bool free_while_alive = false;
	for (int i = 0; i < 500 && (test_alive((pid_t)tool) || test_alive((pid_t)helper)); i++) {
		/* a process that still has its files can still drive the board; one
		 * that is exiting has closed them (and with them the lock) first */
		if (flock(lock_fd, LOCK_SH | LOCK_NB) == 0) {
			free_while_alive = free_while_alive || holds_files((pid_t)tool) ||
					   holds_files((pid_t)helper);
			flock(lock_fd, LOCK_UN);
		}
		usleep(1000);
	}
	close(lock_fd);
	free(lock_path);
	cr_assert(!free_while_alive, "another run could take the board while its tool still ran");
	bool tool_left = test_alive((pid_t)tool), helper_left = test_alive((pid_t)helper);
	kill((pid_t)tool, SIGKILL);
	kill((pid_t)helper, SIGKILL);
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
	unsetenv("FAKE_CUBEPROG_PIDFILE");
	cr_assert(!tool_left, "the programmer outlived the killed harness by 5 s");
	cr_assert(!helper_left, "the programmer's child outlived the killed harness by 5 s");
	free(pidfile);
	free(out);
	free(scen);
	free(rack);
}

Test(faults, a_second_sigint_ends_a_hung_tool_at_once_and_the_install_runs_again_on_resume)
{
	char *pidfile = NULL, *log = NULL, *output = NULL, *text = NULL;
	size_t len = 0;
	cr_assert(asprintf(&pidfile, "%s/hang.pids", dir) > 0 && asprintf(&log, "%s/run.log", dir) > 0);
	setenv("FAKE_CUBEPROG_FAULT", "hang", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "sfi", 1);
	setenv("FAKE_CUBEPROG_PIDFILE", pidfile, 1);
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 120}", "1");
	char *scen = scenario(2), *out = out_dir();
	char *argv[] = { HIL_BINARY, "run", "--rack", rack, "--out", out, scen, NULL };
	pid_t harness = test_spawn_to(argv, log);
	long tool = 0, helper = 0;
	int status = 0;

	wait_for_hang(pidfile, &tool, &helper);
	kill(harness, SIGINT);
	usleep(200000);
	kill(harness, SIGINT);
	pid_t done = 0;
	for (int i = 0; i < 1000 && !(done = waitpid(harness, &status, WNOHANG)); i++)
		usleep(10000);
	if (!done)
		kill(harness, SIGKILL), waitpid(harness, &status, 0);
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
	unsetenv("FAKE_CUBEPROG_PIDFILE");
	cr_assert(done, "the harness still waited for the hung tool 10 s after the second SIGINT");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	cr_assert_eq(hil_read_file(&text, &len, log, 1 << 20), 0);
	cr_assert(strstr(text, "second stop signal"), "it says so: %s", text);
	cr_assert(!test_alive((pid_t)tool) && !test_alive((pid_t)helper), "the tool was left running");
	cr_assert_eq(whole_journal(out), 0, "the interrupted install was recorded");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert_eq(whole_journal(out), 2, "every install once, after the resume");
	free(text);
	free(output);
	free(out);
	free(scen);
	free(rack);
	free(log);
	free(pidfile);
}

Test(faults, a_full_disk_during_the_read_back_is_an_error_not_a_device_verdict)
{
	char *rack = rack_with(GOOD_BOARD BANNER, "{driver: sim, timeout_s: 30}", "0");
	char *text = NULL, *out = out_dir(), *output = NULL;
	cr_assert(asprintf(&text, "campaign: faults\nboards: all\nrepeat: 2\n" SFI_KEY "steps:\n  - power: cycle\n"
			   "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
			   "license: {hsm_slot: 1}, timeout_s: 60}\n"
			   "  - verify_flash: {expect: %s/fixtures/images/sbsfu.bin, address: 0x08000000}\n",
			   HIL_SOURCE_DIR, HIL_SOURCE_DIR) > 0);
	char *scen = test_write(dir, "verify.yaml", text);
	/* 20 KiB a file: the journal and the logs fit, the 24 KiB read-back does not */
	int code = run_with_file_limit(rack, scen, out, 20, &output);

	cr_assert_eq(code, 3, "%s", output);
	cr_assert(strstr(output, "free space, then resume") || strstr(output, "Free space, then run"),
		  "%s", output);
	cr_assert_eq(whole_journal(out), 0, "an install whose read-back could not be written was "
		     "recorded with a verdict");
	free(output);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert_eq(whole_journal(out), 2);
	json_t *sum = valid_reports(out);
	cr_assert_eq(class_count(sum, "unknown_error"), 0, "%s", json_dumps(sum, 0));
	json_decref(sum);
	free(output);
	free(out);
	free(scen);
	free(text);
	free(rack);
}
