/* What a results folder says about itself, through the binary: the
 * campaign record keeps the plan (shard, jobs, hashes, installs planned),
 * resume continues exactly that plan and ends like run, report and
 * summary.json say whether the campaign is complete (and an incomplete
 * one never exits 0), and merge is all or nothing, brings the logs along
 * and refuses folders of another campaign. */
#include "harness/util/fileutil.h"
#include "reports/results.h"
#include "junit_check.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir, *rack, *scen;

#define INSTALLS 12 /* 2 boards x repeat 6 */

static void init(void)
{
	test_isolate_locks();
	dir = test_tmpdir();
	rack = test_write(dir, "rack.yaml",
		"rack: rec\ntime_scale: 0.05\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: a, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n"
		"  - {name: b, kind: k, probe: {serial: '02'}, power: {controller: p, pin: 1},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	scen = test_write(dir, "s.yaml",
		"campaign: rec\nrepeat: 6\nsfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex,"
		" nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
		"  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
		" license: {hsm_slot: 1}}\n");
}

TestSuite(campaign_record, .init = init, .timeout = 300);

static char *path_in(const char *folder, const char *name)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "%s/%s", folder, name) > 0);
	return p;
}

/* The installs of board @board in @out's journal. */
static size_t cases_of(const char *out, const char *board)
{
	char *path = path_in(out, "journal.jsonl"), *text = NULL, *needle = NULL;
	size_t len = 0, n = 0;

	cr_assert(asprintf(&needle, "\"type\":\"case\",\"board\":\"%s\"", board) > 0);
	if (hil_read_file(&text, &len, path, 16 << 20) == 0)
		for (char *p = text; (p = strstr(p, needle)); p++)
			n++;
	free(needle);
	free(text);
	free(path);
	return n;
}

static json_t *summary_of(const char *out)
{
	char *path = path_in(out, "summary.json");
	json_t *sum = json_load_file(path, 0, NULL);

	cr_assert_not_null(sum, "%s does not parse", path);
	free(path);
	return sum;
}

static long long installs(const json_t *sum, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(sum, "installs"), key));
}

static int run_to(const char *out, const char *extra, char **output)
{
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--rack", rack, "--out",
			 (char *)out, extra ? "--shard" : scen, (char *)extra, extra ? scen : NULL, NULL };

	return test_spawn(argv, output);
}

/* A run on the slow rack killed after @after installs. */
static void run_and_kill(const char *out, const char *shard, size_t after)
{
	int status;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", (char *)out,
			 shard ? "--shard" : scen, (char *)shard, shard ? scen : NULL, NULL };
	pid_t pid = test_spawn_quiet(argv);

	for (int i = 0; i < 10000 && test_cases_in(out) < after; i++)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

Test(campaign_record, the_campaign_record_keeps_the_plan)
{
	char *out = path_in(dir, "r"), *output = NULL, *text = NULL;
	size_t len;

	cr_assert_eq(run_to(out, "2/3", &output), 0, "%s", output);
	char *journal = path_in(out, "journal.jsonl");
	cr_assert_eq(hil_read_file(&text, &len, journal, 1 << 24), 0);
	json_t *rec = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	cr_assert_not_null(rec);
	cr_assert_str_eq(json_string_value(json_object_get(rec, "type")), "campaign");
	cr_assert_eq(json_integer_value(json_object_get(rec, "shard")), 2);
	cr_assert_eq(json_integer_value(json_object_get(rec, "shards")), 3);
	cr_assert(json_is_integer(json_object_get(rec, "jobs")));
	cr_assert_eq(strlen(json_string_value(json_object_get(rec, "scenario_sha256"))), 64);
	cr_assert_eq(strlen(json_string_value(json_object_get(rec, "rack_sha256"))), 64);
	/* cells are dealt over board x cell: with one cell per board, shard 2
	 * of 3 gets board b (index 1), 6 installs */
	cr_assert_eq(json_integer_value(json_object_get(rec, "installs_planned")), (long long)test_cases_in(out));
	json_decref(rec);
	free(text);
	free(journal);
	free(output);
	free(out);
}

Test(campaign_record, resume_of_a_finished_shard_says_complete_and_runs_nothing)
{
	char *out = path_in(dir, "s1"), *output = NULL;

	cr_assert_eq(run_to(out, "1/2", &output), 0, "%s", output);
	free(output);
	size_t before = test_cases_in(out);
	cr_assert_eq(before, INSTALLS / 2);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert(strstr(output, "the campaign is complete"), "%s", output);
	cr_assert(strstr(output, "Exit code 0"), "%s", output);
	cr_assert_eq(test_cases_in(out), before, "resume ran another shard's installs");
	free(output);
	free(out);
}

Test(campaign_record, resume_of_a_killed_shard_runs_only_that_shard_and_ends_like_run)
{
	char *out = path_in(dir, "k1"), *output = NULL;

	run_and_kill(out, "1/2", 1);
	cr_assert_lt(test_cases_in(out), INSTALLS / 2, "the kill came too late to test anything");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert_eq(test_cases_in(out), INSTALLS / 2, "resume did not keep to shard 1 of 2");
	/* like run: the table, the totals, the reports and the exit line */
	cr_assert(strstr(output, "Totals (installs, not cells): "), "%s", output);
	cr_assert(strstr(output, "/report.html"), "%s", output);
	cr_assert(strstr(output, "Exit code 0: all as expected"), "%s", output);
	json_t *sum = summary_of(out);
	cr_assert(json_is_true(json_object_get(sum, "complete")));
	cr_assert_eq(installs(sum, "done"), INSTALLS / 2);
	cr_assert_eq(installs(sum, "planned"), INSTALLS / 2);
	json_decref(sum);
	free(output);
	free(out);
}

Test(campaign_record, report_of_a_killed_run_is_incomplete_and_never_exit_0)
{
	char *out = path_in(dir, "killed"), *output = NULL;

	run_and_kill(out, NULL, 2);
	size_t done = test_cases_in(out);
	cr_assert_lt(done, INSTALLS);
	char *report[] = { HIL_BINARY, "report", out, NULL };
	cr_assert_eq(test_spawn(report, &output), 3, "%s", output);
	cr_assert_null(strstr(output, "as expected"), "%s", output);
	cr_assert(strstr(output, "Exit code 3: incomplete"), "%s", output);
	cr_assert(strstr(output, "Incomplete: "), "%s", output);
	json_t *sum = summary_of(out);
	cr_assert(json_is_false(json_object_get(sum, "complete")));
	cr_assert(json_is_string(json_object_get(sum, "incomplete")));
	cr_assert_eq(installs(sum, "done"), (long long)done);
	cr_assert_eq(installs(sum, "planned"), INSTALLS);
	cr_assert_eq(json_integer_value(json_object_get(sum, "exit_code")), 3);
	json_decref(sum);
	char *html = path_in(out, "report.html"), *text = NULL;
	size_t len;
	cr_assert_eq(hil_read_file(&text, &len, html, 1 << 24), 0);
	cr_assert(strstr(text, "id=\"incomplete\""), "report.html does not say it is incomplete");
	free(text);
	free(html);
	free(output);
	free(out);
}

Test(campaign_record, report_of_a_folder_a_run_is_writing_is_refused)
{
	char *out = path_in(dir, "live"), *output = NULL;
	int status;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	pid_t pid = test_spawn_quiet(argv);

	for (int i = 0; i < 10000 && test_cases_in(out) < 1; i++)
		usleep(1000);
	char *report[] = { HIL_BINARY, "report", out, NULL };
	int code = test_spawn(report, &output);
	bool alive = test_alive(pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert(alive, "the run ended before the report could be tried");
	cr_assert_eq(code, 3, "%s", output);
	cr_assert(strstr(output, "is being written"), "%s", output);
	free(output);
	free(out);
}

/* Every step record's log opens from the merged folder. */
static void every_log_opens(const char *out)
{
	char *path = path_in(out, "journal.jsonl"), *text = NULL, *save = NULL;
	size_t len = 0, logs = 0;

	cr_assert_eq(hil_read_file(&text, &len, path, 16 << 20), 0);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *rec = json_loads(line, 0, NULL);
		const char *log = json_string_value(json_object_get(rec, "log"));
		if (log && *log) {
			cr_assert_neq(log[0], '/', "an absolute log path: %s", log);
			char *full = path_in(out, log);
			cr_assert_eq(access(full, R_OK), 0, "%s does not open", full);
			free(full);
			logs++;
		}
		json_decref(rec);
	}
	cr_assert_gt(logs, 0);
	free(text);
	free(path);
}

Test(campaign_record, merge_brings_the_logs_and_is_complete_only_with_every_shard)
{
	char *s1 = path_in(dir, "m1"), *s2 = path_in(dir, "m2"), *out = path_in(dir, "merged"),
	     *half = path_in(dir, "half"), *output = NULL;

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	cr_assert_eq(run_to(s2, "2/2", &output), 0, "%s", output);
	free(output);
	char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", out, NULL };
	cr_assert_eq(test_spawn(merge, &output), 0, "%s", output);
	free(output);
	every_log_opens(out);
	json_t *sum = summary_of(out);
	cr_assert(json_is_true(json_object_get(sum, "complete")));
	cr_assert_eq(installs(sum, "done"), INSTALLS);
	cr_assert_eq(installs(sum, "planned"), INSTALLS);
	json_decref(sum);
	/* one shard alone: merged, but not complete, and not exit 0 */
	char *merge_half[] = { HIL_BINARY, "merge", s1, "--out", half, NULL };
	cr_assert_eq(test_spawn(merge_half, &output), 3, "%s", output);
	cr_assert(strstr(output, "shard 2 of 2"), "%s", output);
	free(output);
	sum = summary_of(half);
	cr_assert(json_is_false(json_object_get(sum, "complete")));
	json_decref(sum);
	/* an --out that already holds something is not merge's to replace */
	char *again[] = { HIL_BINARY, "merge", s1, s2, "--out", half, NULL };
	cr_assert_eq(test_spawn(again, &output), 2, "%s", output);
	cr_assert(strstr(output, "not empty"), "%s", output);
	free(output);
	free(half);
	free(out);
	free(s2);
	free(s1);
}

Test(campaign_record, merge_refuses_a_folder_of_another_scenario)
{
	char *s1 = path_in(dir, "x1"), *s2 = path_in(dir, "x2"), *out = path_in(dir, "xm"),
	     *output = NULL, *text = NULL;
	size_t len;

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	/* the same campaign name, the scenario edited between the shards */
	cr_assert_eq(hil_read_file(&text, &len, scen, 1 << 16), 0);
	FILE *f = fopen(scen, "a");
	cr_assert(f && fputs("# edited\n", f) >= 0 && fclose(f) == 0);
	cr_assert_eq(run_to(s2, "2/2", &output), 0, "%s", output);
	free(output);
	char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", out, NULL };
	cr_assert_eq(test_spawn(merge, &output), 2, "%s", output);
	cr_assert(strstr(output, "different scenarios"), "%s", output);
	cr_assert_neq(access(out, F_OK), 0, "a refused merge left %s", out);
	free(output);
	free(text);
	free(out);
	free(s2);
	free(s1);
}

/* Nothing named ".NAME.merge-*" is left in @parent. */
static void no_merge_leftovers(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		cr_assert_null(strstr(e->d_name, ".merge-"), "%s/%s was left behind", parent, e->d_name);
	closedir(d);
}

Test(campaign_record, merge_is_all_or_nothing_whatever_write_fsync_or_rename_fails)
{
	char *s1 = path_in(dir, "f1"), *s2 = path_in(dir, "f2"), *output = NULL;
	static const char *const ops[] = { "write", "fsync", "rename" };

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	cr_assert_eq(run_to(s2, "2/2", &output), 0, "%s", output);
	free(output);
	char *parent = path_in(dir, "faults");
	cr_assert_eq(mkdir(parent, 0755), 0);
	for (size_t op = 0; op < 3; op++) {
		unsigned nth;
		for (nth = 1; nth < 500; nth++) {
			char *out = NULL, *fired = NULL, n[16];
			cr_assert(asprintf(&out, "%s/%s-%u", parent, ops[op], nth) > 0);
			cr_assert(asprintf(&fired, "%s/fired-%s-%u", dir, ops[op], nth) > 0);
			snprintf(n, sizeof(n), "%u", nth);
			setenv("LD_PRELOAD", HIL_INJECT_LIB, 1);
			setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=1:abort_on_error=1", 1);
			setenv("HIL_FAULT_DIR", parent, 1);
			setenv("HIL_FAULT_OP", ops[op], 1);
			setenv("HIL_FAULT_NTH", n, 1);
			setenv("HIL_FAULT_FIRED", fired, 1);
			char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", out, NULL };
			int code = test_spawn(merge, &output);
			unsetenv("LD_PRELOAD");
			unsetenv("HIL_FAULT_OP");
			bool struck = access(fired, F_OK) == 0;
			if (code == 0) {
				json_t *sum = summary_of(out);
				cr_assert(json_is_true(json_object_get(sum, "complete")));
				cr_assert_eq(installs(sum, "done"), INSTALLS);
				json_decref(sum);
				every_log_opens(out);
			} else {
				cr_assert_eq(code, 3, "%s #%u: exit %d\n%s", ops[op], nth, code, output);
				cr_assert_neq(access(out, F_OK), 0, "%s #%u left a partial %s", ops[op],
					      nth, out);
			}
			no_merge_leftovers(parent);
			free(output);
			free(fired);
			free(out);
			if (!struck)
				break;
		}
		cr_assert_gt(nth, 1, "no %s was ever made by merge", ops[op]);
		cr_log_info("merge: %s faults 1..%u each left OUT absent or whole", ops[op], nth - 1);
	}
	free(parent);
	free(s2);
	free(s1);
}

Test(campaign_record, a_sigkill_during_merge_leaves_no_out_or_a_whole_one)
{
	char *s1 = path_in(dir, "g1"), *s2 = path_in(dir, "g2"), *output = NULL;

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	cr_assert_eq(run_to(s2, "2/2", &output), 0, "%s", output);
	free(output);
	for (int delay_us = 0; delay_us <= 30000; delay_us += 1500) {
		char *out = NULL;
		int status;
		cr_assert(asprintf(&out, "%s/killed-%d", dir, delay_us) > 0);
		char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", out, NULL };
		pid_t pid = test_spawn_quiet(merge);
		usleep((useconds_t)delay_us);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (access(out, F_OK) == 0) { /* renamed into place: whole */
			json_t *sum = summary_of(out);
			cr_assert_eq(installs(sum, "done"), INSTALLS);
			json_decref(sum);
			every_log_opens(out);
		}
		free(out);
	}
	free(s2);
	free(s1);
}

Test(campaign_record, run_into_a_folder_holding_other_files_is_refused_and_touches_nothing)
{
	char *out = path_in(dir, "mine"), *output = NULL, *text = NULL;
	size_t len;

	cr_assert_eq(mkdir(out, 0755), 0);
	char *own = test_write(out, "summary.json", "{\"mine\": true}\n");
	cr_assert_eq(run_to(out, NULL, &output), 2, "%s", output);
	cr_assert(strstr(output, "is not empty"), "%s", output);
	cr_assert_eq(hil_read_file(&text, &len, own, 1 << 16), 0);
	cr_assert_str_eq(text, "{\"mine\": true}\n", "the user's file was overwritten");
	char *journal = path_in(out, "journal.jsonl");
	cr_assert_neq(access(journal, F_OK), 0, "a journal was created in a folder not ours");
	/* an empty folder is fine */
	char *empty = path_in(dir, "empty");
	cr_assert_eq(mkdir(empty, 0755), 0);
	free(output);
	cr_assert_eq(run_to(empty, NULL, &output), 0, "%s", output);
	free(empty);
	free(journal);
	free(text);
	free(own);
	free(output);
	free(out);
}

Test(campaign_record, resume_with_install_names_over_any_key_bound_runs_each_once)
{
	/* two matrix values that share their first 300 characters: their
	 * install names (and log folders, cut past 96 characters with a hash)
	 * differ only at the end; resume must tell them apart */
	char long_a[400], long_b[400], *text = NULL, *output = NULL;
	memset(long_a, 'v', 300);
	memcpy(long_a + 300, "-a", 3);
	memcpy(long_b, long_a, 300);
	memcpy(long_b + 300, "-b", 3);
	cr_assert(asprintf(&text, "campaign: longkeys\nrepeat: 3\nsfi_key: {key: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-key.hex, nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n"
			   "matrix:\n  tag: [%s, %s]\nsteps:\n  - power: cycle\n  - sfi_install: {image: "
			   HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi, license: {hsm_slot: 1}}\n",
			   long_a, long_b) > 0);
	char *s = test_write(dir, "long.yaml", text);
	char *out = path_in(dir, "long");
	int status;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, s, NULL };
	pid_t pid = test_spawn_quiet(argv);
	for (int i = 0; i < 10000 && test_cases_in(out) < 3; i++)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert_lt(test_cases_in(out), 12, "the kill came too late to test anything");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert_eq(test_cases_in(out), 12, "2 boards x 2 cells x 3 runs, each once:\n%s", output);
	free(output);
	free(out);
	free(s);
	free(text);
}

Test(campaign_record, the_junit_of_an_incomplete_campaign_says_so_and_validates)
{
	static const char *const profiles[] = { "jenkins", "gitlab", "strict" };

	for (size_t p = 0; p < 3; p++) {
		char *out = NULL, *output = NULL, *junit = NULL, *text = NULL;
		size_t len;
		int status;
		cr_assert(asprintf(&out, "%s/junit-%s", dir, profiles[p]) > 0);
		char *argv[] = { HIL_BINARY, "run", "--quiet", "--junit-profile", (char *)profiles[p],
				 "--rack", rack, "--out", out, scen, NULL };
		pid_t pid = test_spawn_quiet(argv);
		for (int i = 0; i < 10000 && test_cases_in(out) < 2; i++)
			usleep(1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		char *report[] = { HIL_BINARY, "report", out, NULL };
		cr_assert_eq(test_spawn(report, &output), 3, "%s", output);
		junit = path_in(out, "junit.xml");
		cr_assert_eq(hil_read_file(&text, &len, junit, 1 << 24), 0);
		cr_assert(strstr(text, "name=\"campaign complete\""), "%s: %s", profiles[p], text);
		cr_assert(strstr(text, "type=\"incomplete\""), "%s", profiles[p]);
		if (p == 0)
			test_validate_junit_suites(junit, "surefire-test-report.xsd");
		else if (p == 1)
			test_validate_junit_gitlab(junit);
		else
			test_validate_xml(junit, "junit-10.xsd");
		free(text);
		free(junit);
		free(output);
		free(out);
	}
}

Test(campaign_record, resume_keeps_a_cell_that_had_stopped_at_its_failure_limit_stopped)
{
	/* BL 0x91 fails every install: until {failures: 2} stops its cell at 2 */
	char *text = NULL, *output = NULL;
	cr_assert(asprintf(&text, "campaign: until\nmax_runs: 40\nuntil: {failures: 2}\nsfi_key: {key: "
			   HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n  - sfi_install: {image: "
			   HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi, license: {hsm_slot: 1}}\n") > 0);
	char *s = test_write(dir, "until.yaml", text);
	char *r = test_write(dir, "bl91.yaml",
		"rack: bl91\ntime_scale: 0.05\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: a, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl91.yaml}\n"
		"  - {name: b, kind: k, probe: {serial: '02'}, power: {controller: p, pin: 1},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	char *out = path_in(dir, "until");
	int status;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", r, "--out", out, s, NULL };
	pid_t pid = test_spawn_quiet(argv);
	/* killed once board a's cell has stopped (2 installs) while b, which
	 * passes and so runs all 40, is still going */
	for (int i = 0; i < 40000 && cases_of(out, "a") < 2; i++)
		usleep(500);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert_eq(cases_of(out, "a"), 2, "the kill missed board a's stop");
	cr_assert_lt(cases_of(out, "b"), 40, "the kill came after the campaign ended");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 1, "%s", output);
	json_t *sum = summary_of(out);
	size_t i;
	json_t *cell;
	json_array_foreach(json_object_get(sum, "cells"), i, cell)
		if (!strcmp(json_string_value(json_object_get(cell, "board")), "a"))
			cr_assert_eq(json_integer_value(json_object_get(cell, "runs")), 2,
				     "the stopped cell ran again after resume:\n%s", output);
	json_decref(sum);
	free(output);
	free(out);
	free(r);
	free(s);
	free(text);
}

Test(campaign_record, merge_refuses_shards_of_another_plan_and_an_out_inside_a_source)
{
	char *s1 = path_in(dir, "p1"), *s2 = path_in(dir, "p2"), *output = NULL, *out = NULL;
	char *run2[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--repeat", "3", "--rack", rack,
			 "--shard", "2/2", "--out", s2, scen, NULL };

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	cr_assert_eq(test_spawn(run2, &output), 0, "%s", output);
	free(output);
	cr_assert(asprintf(&out, "%s/pm", dir) > 0);
	char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", out, NULL };
	cr_assert_eq(test_spawn(merge, &output), 2, "%s", output);
	cr_assert(strstr(output, "different plans (repeat 6 and 3)"), "%s", output);
	free(output);
	free(out);
	cr_assert(asprintf(&out, "%s/logs/inside", s1) > 0);
	char *inside[] = { HIL_BINARY, "merge", s1, "--out", out, NULL };
	cr_assert_eq(test_spawn(inside, &output), 2, "%s", output);
	cr_assert(strstr(output, "is inside"), "%s", output);
	cr_assert_neq(access(out, F_OK), 0);
	free(output);
	free(out);
	char *missing[] = { HIL_BINARY, "merge", s1, "--out", "/nonexistent/parent/out", NULL };
	cr_assert_eq(test_spawn(missing, &output), 2, "%s", output);
	free(output);
	free(s2);
	free(s1);
}

Test(campaign_record, a_merged_folder_is_not_resumed_and_resume_checks_its_options)
{
	char *s1 = path_in(dir, "q1"), *half = path_in(dir, "qhalf"), *output = NULL;

	cr_assert_eq(run_to(s1, "1/2", &output), 0, "%s", output);
	free(output);
	char *merge[] = { HIL_BINARY, "merge", s1, "--out", half, NULL };
	cr_assert_eq(test_spawn(merge, &output), 3, "%s", output);
	free(output);
	char *resume[] = { HIL_BINARY, "resume", half, NULL };
	cr_assert_eq(test_spawn(resume, &output), 2, "%s", output);
	cr_assert(strstr(output, "is a merged folder"), "%s", output);
	cr_assert_null(strstr(output, "the campaign is complete"), "%s", output);
	free(output);
	static const char *const bad[] = { "abc", "-1", "0", "5000" };
	for (size_t i = 0; i < 4; i++) {
		char *argv[] = { HIL_BINARY, "resume", "--jobs", (char *)bad[i], s1, NULL };
		cr_assert_eq(test_spawn(argv, &output), 2, "--jobs %s: %s", bad[i], output);
		free(output);
	}
	free(half);
	free(s1);
}

/* The last line of @out's journal is an sfi_install step record (an
 * install half done, its transcript written). */
static bool mid_install(const char *out)
{
	char *path = path_in(out, "journal.jsonl"), *text = NULL;
	size_t len = 0;
	bool mid = false;

	if (hil_read_file(&text, &len, path, 16 << 20) == 0 && len > 1) {
		char *end = text + len - 1, *line = end;
		while (line > text && line[-1] != '\n')
			line--;
		mid = *end == '\n' && strstr(line, "\"kind\":\"sfi_install\"") &&
		      strstr(text, "\"type\":\"case\"");
	}
	free(text);
	free(path);
	return mid;
}

Test(campaign_record, an_install_a_kill_cut_short_keeps_its_transcript_and_is_reported_once)
{
	char *out = path_in(dir, "cut"), *output = NULL;
	int status;
	char *three = test_write(dir, "three.yaml",
		"campaign: three\nrepeat: 6\nsfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex,"
		" nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
		"  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
		" license: {hsm_slot: 1}}\n  - read_ob\n");
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--jobs", "1", "--rack", rack, "--out", out, three,
			 NULL };
	pid_t pid = test_spawn_quiet(argv);

	for (int i = 0; i < 20000 && !mid_install(out); i++)
		usleep(200);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert(mid_install(out), "the kill did not land mid-install");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	free(output);
	/* every install has each step once in the model, and a rerun's
	 * transcript did not overwrite the cut-off one */
	struct hil_results *r = NULL;
	char *journal = path_in(out, "journal.jsonl");
	cr_assert_eq(hil_results_load(&r, journal, true), 0);
	size_t reruns = 0;
	for (size_t b = 0; b < r->board_count; b++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, r, b);
		while (hil_results_cases_next(cur, &c) > 0) {
			cr_assert_leq(c->step_count, 3, "%s: %zu steps for a 3-step install", c->name,
				      c->step_count);
			for (size_t i = 0; i < c->step_count; i++)
				reruns += strstr(c->steps[i].log, ".rerun") != NULL;
		}
		hil_results_cases_close(cur);
	}
	hil_results_free(r);
	cr_assert_gt(reruns, 0, "the install run again wrote over the cut-off transcript");
	free(journal);
	free(three);
	free(out);
}

Test(campaign_record, the_hsm_bound_counts_only_this_shards_installs)
{
	char *output = NULL;
	char *argv[] = { HIL_BINARY, "run", "--dry-run", "--repeat", "300", "--shard", "1/2",
			 HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", NULL };

	/* 3 boards x 2 cells x 300 runs = 1800 installs; shard 1 of 2 gets 900 */
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	cr_assert(strstr(output, "HSM licences it may draw: 900 "), "%s", output);
	free(output);
}

Test(campaign_record, two_scenarios_of_one_campaign_into_one_out_are_refused_before_anything_runs)
{
	char *out = path_in(dir, "twins"), *output = NULL;
	char *copy = test_write(dir, "s-copy.yaml", "campaign: rec\nsteps:\n  - read_ob\n");
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--rack", rack, "--out", out,
			 scen, copy, NULL };

	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	cr_assert(strstr(output, "is also the campaign of"), "%s", output);
	char *journal = NULL;
	cr_assert(asprintf(&journal, "%s/rec/journal.jsonl", out) > 0);
	cr_assert_neq(access(journal, F_OK), 0, "the first campaign ran");
	free(journal);
	free(copy);
	free(output);
	free(out);
}

Test(campaign_record, the_page_shows_the_description_the_reason_the_rss_and_simulated_time)
{
	char *out = path_in(dir, "page"), *output = NULL, *text = NULL;
	size_t len;
	char *errata = HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml";
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--repeat", "1", "--out", out,
			 errata, NULL };
	int code = test_spawn(argv, &output);

	cr_assert(code == 0 || code == 4, "%s", output);
	char *html = path_in(out, "report.html");
	cr_assert_eq(hil_read_file(&text, &len, html, 1 << 24), 0);
	cr_assert(strstr(text, "class=\"description\">SFI install of the SBSFU images"), "no description");
	cr_assert(strstr(text, "expected: ES0478 2.2.3"), "no expectation reason in the matrix");
	cr_assert(strstr(text, "<br>RSS 0x16"), "no RSS value in the matrix");
	cr_assert(strstr(text, "id=\"simulated\""), "simulated durations not labelled");
	free(text);
	free(html);
	free(output);
	free(out);
}

Test(campaign_record, resume_of_a_selected_run_runs_only_the_selection)
{
	char *out = path_in(dir, "sel"), *output = NULL;
	int status;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--board", "a", "--rack", rack, "--out", out, scen,
			 NULL };
	pid_t pid = test_spawn_quiet(argv);

	for (int i = 0; i < 10000 && test_cases_in(out) < 1; i++)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert_lt(test_cases_in(out), INSTALLS / 2, "the kill came too late to test anything");
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	cr_assert_eq(test_cases_in(out), INSTALLS / 2, "resume ran board b, which --board a left out:\n%s",
		     output);
	free(output);
	free(out);
}
