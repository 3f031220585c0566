/* The campaign engine: boards in parallel, per-board locks across
 * processes, report re-rendering, resume after SIGKILL, shards and merge.
 * Timing claims are checked from the journal's timestamps. */
#include "harness/util/clock.h"
#include "harness/util/fileutil.h"
#include "harness/journal/journal.h"
#include "harness/util/lock.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/util/strbuf.h"
#include "harness/config/scenario.h"
#include "support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(engine, .init = init, .timeout = 240);

/* A rack of @n simulated BL 0x92 boards with realistic timings. */
/* @n simulated boards; with @state, a rack whose boards live in that
 * folder for every run (sim_state:), so runs share them as on real boards. */
static char *rack_in(unsigned n, const char *scale, const char *state)
{
	char name[64];
	struct hil_strbuf b = HIL_STRBUF_INIT;

	hil_strbuf_printf(&b, "rack: eight\ntime_scale: %s\nprogrammer: {driver: sim}\n"
			  "power:\n  - {id: r, driver: sim}\n", scale);
	if (state)
		hil_strbuf_printf(&b, "sim_state: %s\n", state);
	hil_strbuf_printf(&b, "boards:\n");
	for (unsigned i = 0; i < n; i++)
		hil_strbuf_printf(&b, "  - {name: b%u, kind: k, probe: {serial: 'SN%04u'}, power: "
				  "{controller: r, pin: %u}, sacrificial: true, sim: "
				  HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n", i, i, i);
	snprintf(name, sizeof(name), "rack%u%s.yaml", n, state ? "-shared" : "");
	char *path = test_write(dir, name, hil_strbuf_str(&b));
	hil_strbuf_free(&b);
	return path;
}

static char *rack_of(unsigned n, const char *scale)
{
	return rack_in(n, scale, NULL);
}

static char *shared_state(void)
{
	char *state = NULL;

	cr_assert(asprintf(&state, "%s/rack-state", dir) > 0);
	return state;
}

static char *scenario(unsigned repeat)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "campaign: engine\nrepeat: %u\nseed: 7\nmatrix: {image: [a, b]}\n"
			   "sfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: "
			   HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n"
			   "steps:\n  - power: cycle\n"
			   "  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi, "
			   "license: {hsm_slot: 1}}\n", repeat) > 0);
	path = test_write(dir, "engine.yaml", text);
	free(text);
	return path;
}

static json_t *run_in(const char *rack_path, const char *scen, const char *out, unsigned shard,
		      unsigned shards, int *code)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	json_t *res = NULL;

	cr_assert_eq(hil_scenario_load(&s, scen, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_registry_rack_load(&rack, rack_path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_plan_build(&plan, s, rack, 0, &d), 0, "%s", test_diag_text(&d));
	hil_clock_set_scale(rack->time_scale);
	struct hil_run_opts opts = { .out_dir = out, .shard = shard, .shards = shards };
	cr_assert_eq(test_run_plan(plan, &opts, code, &res), 0, "%s", "run");
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	return res;
}

static json_t *journal_in(const char *out)
{
	char *path = NULL;
	json_t *records = NULL;

	cr_assert(asprintf(&path, "%s/journal.jsonl", out) > 0);
	cr_assert_eq(hil_journal_read(&records, path), 0);
	free(path);
	return records;
}

/* First t0 and last t1 of each board's steps. */
static void board_spans(const json_t *records, const char *board, double *from, double *to)
{
	size_t i;
	json_t *r;

	*from = 1e300;
	*to = 0;
	json_array_foreach(records, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "type")), "step") ||
		    strcmp(json_string_value(json_object_get(r, "board")), board))
			continue;
		double t0 = json_number_value(json_object_get(r, "t0"));
		double t1 = json_number_value(json_object_get(r, "t1"));
		*from = t0 < *from ? t0 : *from;
		*to = t1 > *to ? t1 : *to;
	}
}

Test(engine, eight_boards_run_at_the_same_time)
{
	char *rack = rack_of(8, "0.02"), *scen = scenario(2), *out = NULL;
	double latest_start = 0, earliest_end = 1e300;
	int code;

	cr_assert(asprintf(&out, "%s/par", dir) > 0);
	json_t *res = run_in(rack, scen, out, 0, 0, &code);
	cr_assert_eq(code, 0);
	json_t *records = journal_in(out);
	for (unsigned i = 0; i < 8; i++) {
		char board[8];
		double from, to;
		snprintf(board, sizeof(board), "b%u", i);
		board_spans(records, board, &from, &to);
		cr_assert_lt(from, to, "%s ran", board);
		latest_start = from > latest_start ? from : latest_start;
		earliest_end = to < earliest_end ? to : earliest_end;
	}
	cr_assert_lt(latest_start, earliest_end, "every board was working at one same moment "
		     "(last start %.3f, first end %.3f)", latest_start, earliest_end);
	json_decref(records);
	json_decref(res);
	free(out);
	free(scen);
	free(rack);
}

static char *read_all(const char *d, const char *name, size_t *len)
{
	char *path = NULL, *data = NULL;

	cr_assert(asprintf(&path, "%s/%s", d, name) > 0);
	cr_assert_eq(hil_read_file(&data, len, path, 16 << 20), 0, "%s", path);
	free(path);
	return data;
}

Test(engine, report_re_renders_byte_for_byte)
{
	char *rack = rack_of(3, "0"), *scen = scenario(2), *out = NULL, *output = NULL;
	size_t l1, l2, s1, s2;
	int code;

	cr_assert(asprintf(&out, "%s/rep", dir) > 0);
	json_decref(run_in(rack, scen, out, 0, 0, &code));
	char *junit = read_all(out, "junit.xml", &l1), *summary = read_all(out, "summary.json", &s1);
	char *argv[] = { HIL_BINARY, "report", out, NULL };
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	char *junit2 = read_all(out, "junit.xml", &l2), *summary2 = read_all(out, "summary.json", &s2);
	cr_assert(l1 == l2 && !memcmp(junit, junit2, l1), "junit.xml differs after report");
	cr_assert(s1 == s2 && !memcmp(summary, summary2, s1), "summary.json differs after report");
	free(junit);
	free(junit2);
	free(summary);
	free(summary2);
	free(output);
	free(out);
	free(scen);
	free(rack);
}

static size_t count_cases(const json_t *records, json_t *seen)
{
	size_t i, n = 0;
	json_t *r;

	json_array_foreach(records, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "type")), "case"))
			continue;
		char *key = NULL;
		cr_assert(asprintf(&key, "%s|%s", json_string_value(json_object_get(r, "board")),
				   json_string_value(json_object_get(r, "case"))) > 0);
		cr_assert_null(json_object_get(seen, key), "%s journaled twice", key);
		json_object_set_new(seen, key, json_true());
		free(key);
		n++;
	}
	return n;
}

Test(engine, resume_after_sigkill_runs_every_install_exactly_once)
{
	char *rack = rack_of(3, "0.05"), *scen = scenario(6), *out = NULL, *output = NULL;
	json_t *records = NULL;
	int status;

	cr_assert(asprintf(&out, "%s/killed", dir) > 0);
	char *run_argv[] = { HIL_BINARY, "run", "--rack", rack, "--out", out, scen, NULL };
	pid_t pid = test_spawn_quiet(run_argv);
	char *journal = NULL;
	cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
	for (int tries = 0; tries < 600; tries++) { /* until some installs are journaled */
		size_t len = 0;
		char *text = NULL;
		usleep(20000);
		if (hil_read_file(&text, &len, journal, 16 << 20) == 0 && strstr(text, "\"case\"") &&
		    strstr(strstr(text, "\"case\"") + 1, "\"type\":\"case\"")) {
			free(text);
			break;
		}
		free(text);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert(WIFSIGNALED(status), "the run was still going when killed");
	records = journal_in(out);
	json_t *seen = json_object();
	size_t before = count_cases(records, seen);
	cr_assert_gt(before, 0);
	cr_assert_lt(before, 36, "killed mid-campaign");
	json_decref(records);
	json_decref(seen);
	char *resume_argv[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume_argv, &output), 0, "%s", output);
	records = journal_in(out);
	seen = json_object();
	cr_assert_eq(count_cases(records, seen), 3 * 2 * 6, "every planned install, once");
	json_decref(records);
	json_decref(seen);
	free(journal);
	free(output);
	free(out);
	free(scen);
	free(rack);
}

static void same_cells(const json_t *a, const json_t *b)
{
	const json_t *ca = json_object_get(a, "cells"), *cb = json_object_get(b, "cells");
	static const char *const keys[] = { "board", "cell", "runs", "failures", "verdict", "classes" };

	cr_assert_eq(json_array_size(ca), json_array_size(cb));
	for (size_t i = 0; i < json_array_size(ca); i++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
			cr_assert(json_equal(json_object_get(json_array_get(ca, i), keys[k]),
					     json_object_get(json_array_get(cb, i), keys[k])),
				  "cell %zu: %s differs", i, keys[k]);
	cr_assert(json_equal(json_object_get(a, "totals"), json_object_get(b, "totals")));
}

Test(engine, four_shards_and_a_merge_equal_one_run)
{
	char *rack = rack_of(3, "0"), *scen = scenario(3), *out = NULL, *output = NULL;
	char *shard_dirs[4] = { NULL };
	int code;

	cr_assert(asprintf(&out, "%s/whole", dir) > 0);
	json_t *whole = run_in(rack, scen, out, 0, 0, &code);
	for (unsigned k = 1; k <= 4; k++) {
		cr_assert(asprintf(&shard_dirs[k - 1], "%s/shard%u", dir, k) > 0);
		json_decref(run_in(rack, scen, shard_dirs[k - 1], k, 4, &code));
	}
	char *merged = NULL;
	cr_assert(asprintf(&merged, "%s/merged", dir) > 0);
	char *argv[] = { HIL_BINARY, "merge", shard_dirs[0], shard_dirs[1], shard_dirs[2],
			 shard_dirs[3], "--out", merged, NULL };
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	char *sum = NULL;
	size_t len;
	sum = read_all(merged, "summary.json", &len);
	json_t *m = json_loads(sum, 0, NULL);
	cr_assert_not_null(m);
	same_cells(whole, m);
	json_decref(m);
	json_decref(whole);
	for (int k = 0; k < 4; k++)
		free(shard_dirs[k]);
	free(sum);
	free(merged);
	free(output);
	free(out);
	free(scen);
	free(rack);
}

Test(engine, two_harness_processes_never_drive_one_board_at_once)
{
	char *state = shared_state();
	char *rack = rack_in(2, "0.05", state), *scen = scenario(2), *a = NULL, *b = NULL;
	int sa, sb;

	cr_assert(asprintf(&a, "%s/proc-a", dir) > 0);
	cr_assert(asprintf(&b, "%s/proc-b", dir) > 0);
	char *argv_a[] = { HIL_BINARY, "run", "--wait-lock", "120", "--rack", rack, "--out", a, scen, NULL };
	char *argv_b[] = { HIL_BINARY, "run", "--wait-lock", "120", "--rack", rack, "--out", b, scen, NULL };
	pid_t pa = test_spawn_quiet(argv_a), pb = test_spawn_quiet(argv_b);
	waitpid(pa, &sa, 0);
	waitpid(pb, &sb, 0);
	cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "run a: %d", sa);
	cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "run b: %d", sb);
	json_t *ja = journal_in(a), *jb = journal_in(b);
	for (int i = 0; i < 2; i++) {
		char board[8];
		double a0, a1, b0, b1;
		snprintf(board, sizeof(board), "b%d", i);
		board_spans(ja, board, &a0, &a1);
		board_spans(jb, board, &b0, &b1);
		cr_assert(a1 <= b0 || b1 <= a0, "%s driven by both runs at once: [%.3f, %.3f] and "
			  "[%.3f, %.3f]", board, a0, a1, b0, b1);
	}
	json_decref(ja);
	json_decref(jb);
	free(a);
	free(b);
	free(state);
	free(scen);
	free(rack);
}

Test(engine, a_busy_board_names_its_holder)
{
	char *state = shared_state();
	char *rack = rack_in(2, "0", state), *scen = scenario(1), *out = NULL;
	struct hil_lock *held;
	char name[128];
	int code;

	/* as another run on the same simulated rack holds board b1 */
	hil_lock_name(name, sizeof(name), "SN0001", state);
	cr_assert_eq(hil_lock_board(&held, hil_lock_dir(NULL), name, 0, "nightly-42"), 0);
	cr_assert(asprintf(&out, "%s/busy", dir) > 0);
	json_t *res = run_in(rack, scen, out, 0, 0, &code);
	hil_lock_release(held);
	cr_assert_eq(code, 3, "the busy board's installs are infrastructure errors");
	json_t *b1 = json_array_get(json_object_get(res, "boards"), 1);
	cr_assert_str_eq(json_string_value(json_object_get(b1, "class")), "board_busy");
	cr_assert(strstr(json_string_value(json_object_get(b1, "message")), "nightly-42"),
		  "%s", json_string_value(json_object_get(b1, "message")));
	json_t *b0 = json_array_get(json_object_get(res, "boards"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(b0, "class")), "success", "the other board ran");
	json_decref(res);
	free(out);
	free(scen);
	free(rack);
	free(state);
}

Test(engine, unrelated_simulated_campaigns_never_find_each_other_s_boards_busy)
{
	/* two people running the demo on one host: each its own boards */
	char *rack = rack_of(2, "0.05"), *scen = scenario(2), *a = NULL, *b = NULL;
	int sa, sb;

	cr_assert(asprintf(&a, "%s/demo-a", dir) > 0);
	cr_assert(asprintf(&b, "%s/demo-b", dir) > 0);
	char *argv_a[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", a, scen, NULL };
	char *argv_b[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", b, scen, NULL };
	pid_t pa = test_spawn_quiet(argv_a), pb = test_spawn_quiet(argv_b);
	waitpid(pa, &sa, 0);
	waitpid(pb, &sb, 0);
	cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "run a: %d", sa);
	cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "run b: %d (board_busy?)", sb);
	free(a);
	free(b);
	free(scen);
	free(rack);
}

Test(engine, sigint_stops_cleanly_with_reports_and_exit_130)
{
	char *rack = rack_of(2, "0.05"), *scen = scenario(10), *out = NULL, *journal = NULL;
	int status;

	cr_assert(asprintf(&out, "%s/interrupted", dir) > 0);
	cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
	char *argv[] = { HIL_BINARY, "run", "--rack", rack, "--out", out, scen, NULL };
	pid_t pid = test_spawn_quiet(argv);
	for (int tries = 0; tries < 600; tries++) {
		size_t len = 0;
		char *text = NULL;
		usleep(20000);
		bool started = hil_read_file(&text, &len, journal, 16 << 20) == 0 &&
			       strstr(text, "\"type\":\"case\"");
		free(text);
		if (started)
			break;
	}
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status), "it exits by itself after SIGINT");
	cr_assert_eq(WEXITSTATUS(status), 130);
	json_t *records = journal_in(out), *last = json_array_get(records, json_array_size(records) - 1);
	cr_assert_str_eq(json_string_value(json_object_get(last, "type")), "end");
	cr_assert(json_is_true(json_object_get(last, "interrupted")));
	json_t *seen = json_object();
	cr_assert_lt(count_cases(records, seen), 40, "nothing new started after the signal");
	size_t len;
	char *junit = read_all(out, "junit.xml", &len);
	cr_assert_gt(len, 100, "reports of what finished are written");
	free(junit);
	json_decref(seen);
	json_decref(records);
	free(journal);
	free(out);
	free(scen);
	free(rack);
}

Test(engine, the_trend_shows_a_regression_as_a_step)
{
	char *good = rack_of(1, "0"), *scen = scenario(2), *a = NULL, *b = NULL, *out = NULL;
	char *bad_profile = test_write(dir, "regressed.yaml",
		"profile: regressed\ndevice: {id: 0x480, bl_version: 0x93}\n"
		"install:\n  - {outcome: rss_error, rss: 0x16}\n"
		"sfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: "
		HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\n");
	char *text = NULL;
	int code;

	cr_assert(asprintf(&text, "rack: eight\ntime_scale: 0\nprogrammer: {driver: sim}\n"
			   "power:\n  - {id: r, driver: sim}\nboards:\n  - {name: b0, kind: k, probe: "
			   "{serial: 'SN0000'}, power: {controller: r, pin: 0}, sacrificial: true, sim: %s}\n",
			   bad_profile) > 0);
	char *bad = test_write(dir, "bad-rack.yaml", text);
	cr_assert(asprintf(&a, "%s/night1", dir) > 0);
	cr_assert(asprintf(&b, "%s/night2", dir) > 0);
	json_decref(run_in(good, scen, a, 0, 0, &code));
	sleep(1); /* the runs are ordered by their start second */
	json_decref(run_in(bad, scen, b, 0, 0, &code));
	char *argv[] = { HIL_BINARY, "report", "--history", b, a, NULL };
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	char *row = strstr(out, "b0 ");
	cr_assert_not_null(row, "%s", out);
	char *first = strstr(row, "100%"), *second = first ? strstr(first + 4, "0%") : NULL;
	cr_assert(first && second, "100%% then 0%%, oldest first:\n%s", out);
	free(out);
	free(text);
	free(bad);
	free(bad_profile);
	free(a);
	free(b);
	free(scen);
	free(good);
}
