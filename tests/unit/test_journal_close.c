/* harness/journal/journal.c: closing the journal wakes its flusher out of
 * the period in which it gathers records into one fsync, instead of
 * waiting for the period to end (issue 19: a 1-install campaign spent 50
 * of its 66 ms there), and the records written before close are whole in
 * the file after it.
 *
 * Not a timed test: the gathering period is set to an hour, so a close
 * that waited for it would not return before Criterion's timeout ends the
 * test (a failure); how long close takes is measured by benchmark B7. */
#include "harness/journal/journal.h"
#include "harness/util/error.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define AN_HOUR_MS (3600u * 1000u)

static char *journal_path(void)
{
	char *p = NULL, *dir = test_tmpdir();

	cr_assert(asprintf(&p, "%s/journal.jsonl", dir) > 0);
	free(dir);
	return p;
}

static size_t records_in(const char *path)
{
	json_t *records = NULL;

	cr_assert_eq(hil_journal_read(&records, path), 0, "%s", hil_error_last());
	size_t n = json_array_size(records);
	json_decref(records);
	return n;
}

Test(journal_close, close_does_not_wait_for_the_gathering_period, .timeout = 60)
{
	char *path = journal_path();
	struct hil_journal *j = NULL;

	cr_assert_eq(hil_journal_open(&j, path), 0, "%s", hil_error_last());
	hil_journal_set_gather_ms(j, AN_HOUR_MS);
	cr_assert_eq(hil_journal_append_async(j, json_pack("{s:s, s:i}", "type", "step", "n", 1)), 0);
	/* give the flusher time to start and enter its hour of gathering (if it
	 * has not by then, close finds it before the wait: still no wait) */
	nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000000L }, NULL);
	cr_assert_eq(hil_journal_append_async(j, json_pack("{s:s, s:i}", "type", "step", "n", 2)), 0);
	hil_journal_close(j); /* the old flusher slept the whole period here */
	cr_assert_eq(records_in(path), 2, "both records are in the file after close");
	free(path);
}

Test(journal_close, a_closed_journal_reopens_and_appends_after_its_records, .timeout = 60)
{
	char *path = journal_path();
	struct hil_journal *j = NULL;

	for (int round = 0; round < 3; round++) {
		cr_assert_eq(hil_journal_open(&j, path), 0, "%s", hil_error_last());
		hil_journal_set_gather_ms(j, AN_HOUR_MS);
		cr_assert_eq(hil_journal_append(j, json_pack("{s:s}", "type", "board")), 0);
		cr_assert_eq(hil_journal_append_async(j, json_pack("{s:s}", "type", "step")), 0);
		hil_journal_close(j);
	}
	cr_assert_eq(records_in(path), 6);
	free(path);
}
