/* The results history (harness/history/, docs/history.md), through the
 * binary and the database itself: add is idempotent and keeps a shard and
 * its merge once, an incomplete campaign is refused (or kept marked),
 * every filter narrows the installs, a filter value is never SQL, a
 * database of a newer schema is refused, and the schema is versioned. */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir, *db, *s1, *s2, *merged, *errata;

static char *path_in(const char *folder, const char *name)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "%s/%s", folder, name) > 0);
	return p;
}

static void run_shard(const char *out, const char *shard)
{
	char *output = NULL;
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--repeat", "4", "--shard",
			 (char *)shard, "--out", (char *)out, errata, NULL };
	int code = test_spawn(argv, &output);

	cr_assert(code == 0 || code == 4, "%s", output);
	free(output);
}

static void init(void)
{
	char *output = NULL;

	test_isolate_locks();
	dir = test_tmpdir();
	db = path_in(dir, "history.db");
	s1 = path_in(dir, "s1");
	s2 = path_in(dir, "s2");
	merged = path_in(dir, "merged");
	errata = HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml";
	run_shard(s1, "1/2");
	run_shard(s2, "2/2");
	char *merge[] = { HIL_BINARY, "merge", s1, s2, "--out", merged, NULL };
	int code = test_spawn(merge, &output);
	cr_assert(code == 0 || code == 4, "%s", output);
	free(output);
}

TestSuite(history, .init = init, .timeout = 180);

static int history(char **output, const char *a1, const char *a2, const char *a3, const char *a4,
		   const char *a5)
{
	char *argv[] = { HIL_BINARY, "history", (char *)a1, "--db", db, (char *)a2, (char *)a3,
			 (char *)a4, (char *)a5, NULL };

	return test_spawn(argv, output);
}

/* How many installs a query prints as JSON lines. */
static size_t json_rows(const char *filter, const char *value)
{
	char *output = NULL;
	size_t n = 0;

	cr_assert_eq(history(&output, "query", "--json", filter, value, NULL), 0, "%s", output);
	for (char *p = output; (p = strchr(p, '\n')); p++)
		n++;
	free(output);
	return n;
}

Test(history, add_is_idempotent_and_keeps_a_shard_and_its_merge_once)
{
	char *output = NULL;

	cr_assert_eq(history(&output, "add", s1, s2, NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "12 install(s) added"), "%s", output);
	free(output);
	cr_assert_eq(json_rows(NULL, NULL), 24);
	cr_assert_eq(history(&output, "add", s1, merged, NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "already in the history"), "%s", output);
	cr_assert(strstr(output, "24 already there"), "%s", output);
	free(output);
	cr_assert_eq(json_rows(NULL, NULL), 24, "an install was stored twice");
}

Test(history, every_filter_narrows_the_installs)
{
	char *output = NULL;

	cr_assert_eq(history(&output, "add", merged, NULL, NULL, NULL), 0, "%s", output);
	free(output);
	size_t all = json_rows(NULL, NULL);
	cr_assert_eq(all, 24);
	/* 3 boards x 2 images x 4 runs = 24; BL 0x91 fails every install with RSS 0x16 */
	cr_assert_eq(json_rows("--board", "custom-bl91"), 8);
	cr_assert_eq(json_rows("--bl", "0x91"), 8);
	cr_assert_eq(json_rows("--rss", "0x16"), 8);
	cr_assert_eq(json_rows("--class", "rss_error"), 8);
	cr_assert_eq(json_rows("--verdict", "xfail"), 8);
	cr_assert_eq(json_rows("--image", "sbsfu_bb.sfi"), 12);
	cr_assert_eq(json_rows("--rack", "sim-rack"), 24);
	cr_assert_eq(json_rows("--rack", "another"), 0);
	cr_assert_eq(json_rows("--campaign", "errata-2.2.3"), 24);
	cr_assert_eq(json_rows("--scenario", "errata-2.2.3.yaml"), 24);
	cr_assert_eq(json_rows("--since", "2999-01-01"), 0);
	cr_assert_eq(json_rows("--until", "2000-01-01"), 0);
	/* a value is a value, never SQL */
	cr_assert_eq(json_rows("--board", "x' OR '1'='1"), 0);
	cr_assert_eq(json_rows("--rss", "%"), 0);
	/* the chip UID of one board picks that board's installs */
	cr_assert_eq(history(&output, "query", "--json", "--board", "dk-bl90", "--limit"), 2, "%s", output);
	free(output);
	cr_assert_eq(history(&output, "query", "--json", "--board", "dk-bl90", NULL), 0, "%s", output);
	json_t *row = json_loads(output, JSON_DISABLE_EOF_CHECK, NULL);
	cr_assert_not_null(row, "%s", output);
	const char *uid = json_string_value(json_object_get(row, "chip_uid"));
	cr_assert(uid && *uid);
	cr_assert_eq(json_rows("--chip-uid", uid), 8);
	json_decref(row);
	free(output);
	/* CSV and the table */
	cr_assert_eq(history(&output, "query", "--csv", "--rss", "0x16", NULL), 0, "%s", output);
	cr_assert(!strncmp(output, "started,campaign,rack,board,", 28), "%s", output);
	free(output);
	cr_assert_eq(history(&output, "query", "--verdict", "xfail", NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "8 install(s)"), "%s", output);
	free(output);
}

Test(history, an_incomplete_campaign_is_refused_unless_asked_and_then_marked)
{
	char *half = path_in(dir, "half"), *output = NULL;
	char *merge[] = { HIL_BINARY, "merge", s1, "--out", half, NULL };

	cr_assert_eq(test_spawn(merge, &output), 3, "%s", output);
	free(output);
	cr_assert_eq(history(&output, "add", half, NULL, NULL, NULL), 2, "%s", output);
	cr_assert(strstr(output, "is not complete"), "%s", output);
	free(output);
	cr_assert_eq(history(&output, "add", "--allow-incomplete", half, NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "(marked incomplete)"), "%s", output);
	free(output);
	sqlite3 *h;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, "SELECT complete FROM campaigns", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	free(half);
}

Test(history, the_schema_is_versioned_and_a_newer_one_is_refused)
{
	char *output = NULL;

	cr_assert_eq(history(&output, "add", s1, NULL, NULL, NULL), 0, "%s", output);
	free(output);
	sqlite3 *h;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	cr_assert_eq(history(&output, "query", NULL, NULL, NULL, NULL), 2, "%s", output);
	cr_assert(strstr(output, "schema version 99"), "%s", output);
	free(output);
	cr_assert_eq(history(&output, "add", s2, NULL, NULL, NULL), 2, "%s", output);
	free(output);
}

Test(history, a_query_of_a_missing_or_foreign_database_is_a_clear_error)
{
	char *output = NULL;
	char *argv[] = { HIL_BINARY, "history", "query", "--db", "/nonexistent/h.db", NULL };

	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	free(output);
	char *foreign = test_write(dir, "foreign.db", "not a database at all\n");
	char *argv2[] = { HIL_BINARY, "history", "query", "--db", foreign, NULL };
	int code = test_spawn(argv2, &output);
	cr_assert(code == 2 || code == 3, "%s", output);
	cr_assert(strstr(output, "foreign.db"), "%s", output);
	free(output);
	free(foreign);
}

Test(history, report_history_draws_the_trends_from_the_database)
{
	char *output = NULL, *html = path_in(dir, "trend.html"), *text = NULL;
	size_t len;

	cr_assert_eq(history(&output, "add", s1, s2, NULL, NULL), 0, "%s", output);
	free(output);
	char *argv[] = { HIL_BINARY, "report", "--history", "--db", db, "--out", html, NULL };
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	/* the two shards are two campaigns; BL 0x91's expected failures are
	 * as expected: 100 %, not 0 % */
	cr_assert(strstr(output, "share as expected"), "%s", output);
	cr_assert(strstr(output, "custom-bl91 image=sbsfu_bb.sfi"), "%s", output);
	cr_assert_null(strstr(output, " 0%"), "%s", output);
	cr_assert_eq(hil_read_file(&text, &len, html, 1 << 20), 0);
	cr_assert(strstr(text, "<polyline"), "no plot");
	cr_assert(strstr(text, "class=\"key\""), "no legend");
	free(text);
	free(output);
	/* filters apply; a database filter without --db is refused */
	char *none[] = { HIL_BINARY, "report", "--history", "--db", db, "--rack", "elsewhere", NULL };
	cr_assert_eq(test_spawn(none, &output), 0, "%s", output);
	cr_assert_null(strstr(output, "custom-bl91"), "%s", output);
	free(output);
	char *bad[] = { HIL_BINARY, "report", "--history", "--rack", "r", s1, NULL };
	cr_assert_eq(test_spawn(bad, &output), 2, "%s", output);
	free(output);
	free(html);
}

Test(history, filter_values_are_text_not_patterns_and_dates_are_checked)
{
	char *output = NULL;

	cr_assert_eq(history(&output, "add", merged, NULL, NULL, NULL), 0, "%s", output);
	free(output);
	cr_assert_eq(json_rows("--image", "%"), 0, "% is not a wildcard");
	cr_assert_eq(json_rows("--image", "sbsfu_bb_sfi"), 0, "_ is not a wildcard");
	cr_assert_eq(json_rows("--image", "SBSFU_BB.SFI"), 0, "names compare case and all");
	cr_assert_eq(json_rows("--scenario", "%"), 0);
	cr_assert_eq(json_rows("--image", "sbsfu_bb.sfi"), 12);
	static const char *const bad[][2] = { { "--since", "yesterday" }, { "--until", "garbage" },
					      { "--limit", "-1" }, { "--limit", "99999999999999999999" } };
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(history(&output, "query", bad[i][0], bad[i][1], NULL, NULL), 2, "%s %s: %s",
			     bad[i][0], bad[i][1], output);
		free(output);
	}
}

Test(history, a_campaign_kept_incomplete_is_completed_when_added_again_after_resume)
{
	char *out = path_in(dir, "killed"), *output = NULL;
	int status;
	char *rack = test_write(dir, "slow.yaml",
		"rack: slow\ntime_scale: 0.05\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: b, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	char *scen = test_write(dir, "six.yaml",
		"campaign: six\nrepeat: 6\nsfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex,"
		" nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
		"  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
		" license: {hsm_slot: 1}}\n");
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	pid_t pid = test_spawn_quiet(run);
	char *journal = path_in(out, "journal.jsonl");
	for (int i = 0; i < 10000; i++) {
		char *text = NULL;
		size_t len = 0;
		bool one = hil_read_file(&text, &len, journal, 1 << 20) == 0 && strstr(text, "\"type\":\"case\"");
		free(text);
		if (one)
			break;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert_eq(history(&output, "add", "--allow-incomplete", out, NULL, NULL), 0, "%s", output);
	free(output);
	size_t before = json_rows("--campaign", "six");
	cr_assert_lt(before, 6);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
	free(output);
	cr_assert_eq(history(&output, "add", out, NULL, NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "now complete"), "%s", output);
	free(output);
	cr_assert_eq(json_rows("--campaign", "six"), 6, "the installs of the resumed part were lost");
	free(journal);
	free(scen);
	free(rack);
	free(out);
}

Test(history, two_writers_creating_one_database_both_wait_and_add)
{
	for (int round = 0; round < 8; round++) {
		char *race = NULL, *o1 = NULL, *o2 = NULL;
		cr_assert(asprintf(&race, "%s/race-%d.db", dir, round) > 0);
		cr_assert(asprintf(&o1, "%s/race-%d-1.log", dir, round) > 0 &&
			  asprintf(&o2, "%s/race-%d-2.log", dir, round) > 0);
		char *a[] = { HIL_BINARY, "history", "add", "--db", race, s1, NULL };
		char *b[] = { HIL_BINARY, "history", "add", "--db", race, s2, NULL };
		int sa, sb;
		pid_t pa = test_spawn_to(a, o1), pb = test_spawn_to(b, o2);
		waitpid(pa, &sa, 0);
		waitpid(pb, &sb, 0);
		cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "round %d: writer 1 exited %d", round, sa);
		cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "round %d: writer 2 exited %d", round, sb);
		free(o1);
		free(o2);
		free(race);
	}
}

Test(history, a_trend_never_replaces_a_file_that_is_not_a_trend_page)
{
	char *output = NULL, *text = NULL;
	size_t len;
	char *journal = path_in(s1, "journal.jsonl");
	char *before = NULL;

	cr_assert_eq(hil_read_file(&before, &len, journal, 1 << 24), 0);
	char *argv[] = { HIL_BINARY, "report", "--history", "--out", journal, s1, s2, NULL };
	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	cr_assert(strstr(output, "not a trend page"), "%s", output);
	free(output);
	cr_assert_eq(hil_read_file(&text, &len, journal, 1 << 24), 0);
	cr_assert_str_eq(text, before, "the journal was replaced");
	free(text);
	/* an earlier trend.html is replaced, night after night */
	char *html = path_in(dir, "trend.html");
	char *t1[] = { HIL_BINARY, "report", "--history", "--out", html, s1, NULL };
	cr_assert_eq(test_spawn(t1, &output), 0, "%s", output);
	free(output);
	cr_assert_eq(test_spawn(t1, &output), 0, "%s", output);
	free(output);
	free(html);
	free(before);
	free(journal);
}

Test(history, a_database_that_is_not_one_or_not_a_file_is_bad_input)
{
	char *output = NULL;
	char *other = test_write(dir, "other.db", "not a database at all, just text\n");
	char *argv[] = { HIL_BINARY, "history", "add", "--db", other, s1, NULL };

	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	cr_assert(strstr(output, "not a SQLite database"), "%s", output);
	free(output);
	char *argv2[] = { HIL_BINARY, "history", "add", "--db", dir, s1, NULL };
	cr_assert_eq(test_spawn(argv2, &output), 2, "%s", output);
	cr_assert(strstr(output, "a directory"), "%s", output);
	free(output);
	/* a missing folder is refused before the database is created */
	char *fresh = path_in(dir, "fresh.db");
	char *argv3[] = { HIL_BINARY, "history", "add", "--db", fresh, "/nonexistent/results", NULL };
	cr_assert_eq(test_spawn(argv3, &output), 2, "%s", output);
	cr_assert_neq(access(fresh, F_OK), 0, "the database was created for nothing");
	free(output);
	free(fresh);
	free(other);
}

Test(history, two_racks_made_from_one_template_merge_and_query_by_rack)
{
	/* the same board names on two racks (racks.md: unique within a rack) */
	char *text = NULL, *output = NULL;
	size_t len;
	cr_assert_eq(hil_read_file(&text, &len, HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", 1 << 16), 0);
	const char *names[] = { "rack-a", "rack-b" };
	char *dirs[2];
	for (int i = 0; i < 2; i++) {
		char *copy = NULL, *at = strstr(text, "rack: sim-rack"), *p;
		cr_assert_not_null(at);
		cr_assert(asprintf(&copy, "%.*srack: %s%s", (int)(at - text), text, names[i],
				   at + strlen("rack: sim-rack")) > 0);
		/* the profiles by absolute path: the copy lives in the test's folder */
		while ((p = strstr(copy, "sim: ../boards/"))) {
			char *fixed = NULL;
			cr_assert(asprintf(&fixed, "%.*ssim: %s/fixtures/boards/%s", (int)(p - copy), copy,
					   HIL_SOURCE_DIR, p + strlen("sim: ../boards/")) > 0);
			free(copy);
			copy = fixed;
		}
		char *file = NULL;
		cr_assert(asprintf(&file, "%s.yaml", names[i]) > 0);
		char *rack = test_write(dir, file, copy);
		dirs[i] = path_in(dir, names[i]);
		char *argv[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--repeat", "2",
				 "--rack", rack, "--out", dirs[i], errata, NULL };
		int code = test_spawn(argv, &output);
		cr_assert(code == 0 || code == 4, "%s", output);
		free(output);
		free(rack);
		free(file);
		free(copy);
	}
	char *both = path_in(dir, "both");
	char *merge[] = { HIL_BINARY, "merge", dirs[0], dirs[1], "--out", both, NULL };
	int code = test_spawn(merge, &output);
	cr_assert(code == 0 || code == 4, "%s", output);
	cr_assert(strstr(output, "dk-bl90@rack-a") && strstr(output, "dk-bl90@rack-b"), "%s", output);
	free(output);
	cr_assert_eq(history(&output, "add", both, NULL, NULL, NULL), 0, "%s", output);
	cr_assert(strstr(output, "24 install(s) added"), "%s", output);
	free(output);
	cr_assert_eq(json_rows("--rack", "rack-a"), 12);
	cr_assert_eq(json_rows("--rack", "rack-b"), 12);
	free(both);
	free(dirs[0]);
	free(dirs[1]);
	free(text);
}

Test(history, the_trend_table_keeps_whole_labels_and_marks_incomplete_campaigns)
{
	char *half = path_in(dir, "thalf"), *output = NULL;
	char *merge[] = { HIL_BINARY, "merge", s1, "--out", half, NULL };

	cr_assert_eq(test_spawn(merge, &output), 3, "%s", output);
	free(output);
	char *argv[] = { HIL_BINARY, "report", "--history", half, s2, NULL };
	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	cr_assert(strstr(output, "* an incomplete campaign"), "%s", output);
	cr_assert(strstr(output, "*"), "%s", output);
	free(output);
	free(half);
}

Test(history, a_database_of_schema_1_is_migrated_on_the_next_add)
{
	/* schema 1 as the first release of the history made it */
	static const char v1[] =
		"CREATE TABLE campaigns (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
		" campaign TEXT NOT NULL, scenario TEXT, scenario_sha256 TEXT, rack TEXT, host TEXT,"
		" started TEXT, finished TEXT, complete INTEGER NOT NULL, exit_code INTEGER,"
		" installs_done INTEGER, installs_planned INTEGER, folder TEXT, added TEXT NOT NULL);"
		"CREATE TABLE boards (campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
		" board TEXT NOT NULL, kind TEXT, probe_serial TEXT, device_id TEXT, bl_version TEXT,"
		" revision TEXT, rss_version TEXT, chip_uid TEXT, PRIMARY KEY (campaign_id, board));"
		"CREATE TABLE installs (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL"
		" REFERENCES campaigns(id), board TEXT NOT NULL, name TEXT NOT NULL, cell TEXT NOT NULL,"
		" verdict TEXT NOT NULL, class TEXT, rss TEXT, expected TEXT, image TEXT,"
		" image_sha256 TEXT, duration_s REAL, t0 REAL, UNIQUE (board, name, t0));"
		"INSERT INTO campaigns VALUES (1, 'k', 'old', NULL, NULL, 'rack-old', NULL,"
		" '2026-01-01T02:00:00', NULL, 1, 0, 1, 1, NULL, 'x');"
		"INSERT INTO boards (campaign_id, board) VALUES (1, 'b-old');"
		"INSERT INTO installs (campaign_id, board, name, cell, verdict, t0)"
		" VALUES (1, 'b-old', 'install run 01', '', 'pass', 1.0);"
		"PRAGMA user_version = 1;";
	sqlite3 *h;
	char *output = NULL;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, v1, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
	cr_assert_eq(history(&output, "add", s1, NULL, NULL, NULL), 0, "%s", output);
	free(output);
	cr_assert_eq(json_rows("--rack", "rack-old"), 1, "the old board did not take its campaign's rack");
	cr_assert_eq(json_rows(NULL, NULL), 13);
}
