/* The typed results model (reports/results.h): installs handed out one at
 * a time in journal order with their steps, each journal record parsed
 * once per command, installs spilled to disk and read back whole, resume's
 * second read taking only what was appended; and the string set resume
 * keeps its finished installs in (harness/util/strset.h). */
#include "harness/journal/journal.h"
#include "harness/util/strset.h"
#include "reports/results.h"
#include "reports/write_all.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *journal_path(void)
{
	char *dir = test_tmpdir(), *path = NULL;

	cr_assert(asprintf(&path, "%s/journal.jsonl", dir) > 0);
	free(dir);
	return path;
}

static void append(struct hil_journal *j, json_t *rec)
{
	cr_assert_not_null(rec);
	cr_assert_eq(hil_journal_append_async(j, rec), 0);
}

static json_t *step(const char *board, const char *name, const char *kind, const char *cls)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f}", "type", "step", "board",
			 board, "case", name, "kind", kind, "class", cls, "message", "", "duration_s",
			 0.5, "t0", 100.0, "t1", 100.5);
}

static json_t *install(const char *board, const char *name, const char *message)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:[s], s:{s:s}, s:s, s:f}", "type",
			 "case", "board", board, "case", name, "cell", "image=a.sfi", "params", "image",
			 "a.sfi", "verdict", "pass", "class", "success", "rss", "0x0", "expected",
			 "result", "pass", "message", message, "duration_s", 0.5);
}

/* The names of board @b's installs, "name:steps" joined by spaces. */
static char *case_list(const struct hil_results *r, size_t b)
{
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	char *list = calloc(1, 1);
	int rc;

	cr_assert_eq(hil_results_cases_open(&cur, r, b), 0);
	while ((rc = hil_results_cases_next(cur, &c)) > 0) {
		char *more = NULL;
		cr_assert(asprintf(&more, "%s%s%s:%zu", list, list[0] ? " " : "", c->name, c->step_count) > 0);
		free(list);
		list = more;
	}
	cr_assert_eq(rc, 0);
	hil_results_cases_close(cur);
	return list;
}

Test(results, cases_come_one_at_a_time_in_journal_order_with_their_steps)
{
	char *path = journal_path();
	struct hil_journal *j;
	struct hil_results *r = NULL;

	cr_assert_eq(hil_journal_open(&j, path), 0);
	append(j, json_pack("{s:s, s:s, s:[s,s]}", "type", "campaign", "campaign", "c", "boards", "b1", "b2"));
	/* workers interleave; b2 finishes first */
	append(j, step("b2", "run 01", "sfi_install", "success"));
	append(j, step("b1", "run 01", "power", "success"));
	append(j, install("b2", "run 01", ""));
	append(j, step("b1", "run 01", "sfi_install", "success"));
	append(j, install("b1", "run 01", ""));
	/* an attempt cut short by a crash, then run again on resume */
	append(j, step("b1", "run 02", "power", "success"));
	append(j, step("b1", "run 02", "power", "success"));
	append(j, step("b1", "run 02", "sfi_install", "success"));
	append(j, install("b1", "run 02", ""));
	append(j, install("b2", "run 02", ""));
	append(j, json_pack("{s:s, s:b}", "type", "end", "interrupted", 0));
	hil_journal_close(j);

	cr_assert_eq(hil_results_load(&r, path, true), 0);
	cr_assert_eq(r->board_count, 2);
	cr_assert_str_eq(r->boards[0].name, "b1", "plan order, not finishing order");
	char *b1 = case_list(r, 0), *b2 = case_list(r, 1);
	cr_assert_str_eq(b1, "run 01:2 run 02:3");
	cr_assert_str_eq(b2, "run 01:1 run 02:0");
	cr_assert_eq(r->boards[0].case_count, 2);
	cr_assert_eq(r->totals[HIL_VERDICT_PASS], 4);
	cr_assert_eq(r->cell_count, 2);
	cr_assert_eq(r->exit_code, 0);
	free(b1);
	free(b2);
	hil_results_free(r);
	free(path);
}

/* A journal of @n installs on 2 boards, written to @path; returns the
 * number of records. */
static unsigned long write_campaign(const char *path, unsigned n, size_t message_len)
{
	char *message = malloc(message_len + 1);
	struct hil_journal *j;
	unsigned long records = 0;

	memset(message, 'm', message_len);
	message[message_len] = '\0';
	cr_assert_eq(hil_journal_open(&j, path), 0);
	append(j, json_pack("{s:s, s:s, s:[s,s]}", "type", "campaign", "campaign", "c", "boards", "b1", "b2"));
	append(j, json_pack("{s:s, s:s}", "type", "settings", "junit_profile", "strict"));
	records += 2;
	for (unsigned i = 0; i < n; i++) {
		char name[32];
		const char *board = i % 2 ? "b2" : "b1";
		snprintf(name, sizeof(name), "install run %05u", i / 2);
		append(j, step(board, name, "sfi_install", "success"));
		append(j, install(board, name, message));
		records += 2;
	}
	append(j, json_pack("{s:s, s:b}", "type", "end", "interrupted", 0));
	hil_journal_close(j);
	free(message);
	return records + 1;
}

Test(results, each_journal_record_is_parsed_once_for_all_the_reports)
{
	char *path = journal_path(), *dir = strdup(path);
	struct hil_results *r = NULL;
	unsigned long records = write_campaign(path, 400, 40);

	*strrchr(dir, '/') = '\0';
	unsigned long before = hil_journal_parse_count();
	cr_assert_eq(hil_results_load(&r, path, true), 0);
	cr_assert_eq(hil_reports_write_all(r, dir, hil_results_junit_profile(r)), 0);
	cr_assert_eq(hil_journal_parse_count() - before, records,
		     "%lu records, %lu parses", records, hil_journal_parse_count() - before);
	cr_assert_eq(r->record_count, records);
	hil_results_free(r);
	free(dir);
	free(path);
}

Test(results, installs_spill_to_disk_and_come_back_whole_in_order)
{
	char *path = journal_path();
	struct hil_results *r = NULL;
	const unsigned n = 4000; /* 2000 a board, 300-byte messages: several 64 KiB chunks */

	write_campaign(path, n, 300);
	cr_assert_eq(hil_results_load(&r, path, true), 0);
	for (int pass = 0; pass < 2; pass++) { /* a writer reads a board as often as it needs */
		for (size_t b = 0; b < 2; b++) {
			struct hil_results_cursor *cur;
			const struct hil_results_case *c;
			unsigned k = 0;
			cr_assert_eq(hil_results_cases_open(&cur, r, b), 0);
			while (hil_results_cases_next(cur, &c) > 0) {
				char name[32];
				snprintf(name, sizeof(name), "install run %05u", k++);
				cr_assert_str_eq(c->name, name);
				cr_assert_eq(strlen(c->message), 300);
				cr_assert_eq(c->step_count, 1);
				cr_assert_str_eq(c->steps[0].kind, "sfi_install");
				cr_assert_eq(c->rss_count, 1);
				cr_assert_str_eq(c->rss[0], "0x0");
			}
			hil_results_cases_close(cur);
			cr_assert_eq(k, n / 2, "board %zu: %u installs", b, k);
		}
	}
	hil_results_free(r);
	free(path);
}

Test(results, a_second_read_takes_only_what_was_appended)
{
	char *path = journal_path();
	struct hil_results *r = hil_results_new(true);
	struct hil_journal *j;
	unsigned long records = write_campaign(path, 10, 10);
	unsigned long before = hil_journal_parse_count();

	cr_assert_eq(hil_results_read(r, path), 0);
	cr_assert_eq(hil_journal_open(&j, path), 0); /* resume appends */
	append(j, json_pack("{s:s, s:s}", "type", "resume", "at", "now"));
	append(j, install("b1", "install run 00099", ""));
	hil_journal_close(j);
	cr_assert_eq(hil_results_read(r, path), 0);
	hil_results_finish(r);
	cr_assert_eq(hil_journal_parse_count() - before, records + 2);
	cr_assert_eq(r->boards[0].case_count, 6);
	hil_results_free(r);
	free(path);
}

Test(results, string_set_keeps_whole_keys)
{
	struct hil_strset s = HIL_STRSET_INIT;
	char long_a[2000], long_b[2000];

	memset(long_a, 'a', sizeof(long_a) - 1);
	long_a[sizeof(long_a) - 1] = '\0';
	memcpy(long_b, long_a, sizeof(long_b));
	long_b[sizeof(long_b) - 2] = 'b'; /* differs only past 512 characters */
	cr_assert(hil_strset_add(&s, long_a));
	cr_assert(!hil_strset_has(&s, long_b));
	cr_assert(hil_strset_add(&s, long_b));
	cr_assert(!hil_strset_add(&s, long_a), "already there");
	for (int i = 0; i < 20000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "b%02d\ninstall run %05d", i % 16, i);
		cr_assert(hil_strset_add(&s, key));
	}
	cr_assert(hil_strset_has(&s, "b03\ninstall run 00003"));
	cr_assert(!hil_strset_has(&s, "b03\ninstall run 00004"));
	cr_assert_eq(s.count, 20002);
	hil_strset_clear(&s);
	cr_assert(!hil_strset_has(&s, long_a));
}
