/* harness/journal/campaign_dir.c: one writer per results folder, refused
 * at once with the holder's name; symlinks, files and folders that already
 * hold a campaign are refused; readers learn whether a writer is live. */
#include "harness/journal/campaign_dir.h"
#include "harness/util/error.h"
#include "support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *sub(const char *dir, const char *name)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

Test(campaign_dir, a_new_folder_gets_its_journal_once)
{
	char *dir = test_tmpdir(), *out = sub(dir, "a/b/results");
	struct hil_campaign_dir *cd = NULL;
	struct stat st;

	cr_assert_eq(hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_NEW, "c"), 0, "%s", hil_error_last());
	cr_assert_eq(hil_campaign_dir_create_journal(cd), 0, "%s", hil_error_last());
	cr_assert_eq(stat(hil_campaign_dir_journal(cd), &st), 0);
	/* an empty journal (nothing recorded yet) may be taken over; one with a
	 * record never */
	cr_assert_eq(hil_campaign_dir_create_journal(cd), 0, "%s", hil_error_last());
	FILE *f = fopen(hil_campaign_dir_journal(cd), "a");
	cr_assert(f && fputs("{\"type\":\"campaign\"}\n", f) >= 0 && fclose(f) == 0);
	cr_assert_eq(hil_campaign_dir_create_journal(cd), HIL_ECONFIG, "O_EXCL: never twice");
	hil_campaign_dir_close(cd);
	cr_assert_eq(hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_NEW, "c"), HIL_ECONFIG);
	cr_assert(strstr(hil_error_last(), "already holds a campaign"), "%s", hil_error_last());
	cr_assert(strstr(hil_error_last(), "sfi-harness resume"), "%s", hil_error_last());
	cr_assert_eq(hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_APPEND, "c"), 0);
	hil_campaign_dir_close(cd);
	free(out);
	free(dir);
}

Test(campaign_dir, a_second_writer_is_refused_at_once_naming_the_holder)
{
	char *dir = test_tmpdir(), *out = sub(dir, "results");
	struct hil_campaign_dir *cd = NULL, *other = NULL;
	int p[2];

	cr_assert_eq(hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_NEW, "errata"), 0);
	cr_assert_eq(hil_campaign_dir_create_journal(cd), 0);
	/* another process: flock is per open file, so the refusal is real */
	cr_assert_eq(pipe(p), 0);
	pid_t child = fork();
	if (child == 0) {
		int rc = hil_campaign_dir_open(&other, out, HIL_CAMPAIGN_APPEND, "x");
		char msg[600];
		snprintf(msg, sizeof(msg), "%d %s", rc, rc ? hil_error_last() : "");
		if (write(p[1], msg, strlen(msg)) < 0)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	char got[600] = "";
	ssize_t n = read(p[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	waitpid(child, NULL, 0);
	close(p[0]);
	cr_assert(!strncmp(got, "-4 ", 3), "not refused as busy: %s", got);
	cr_assert(strstr(got, "is busy: held by"), "%s", got);
	cr_assert(strstr(got, "\"campaign\":\"errata\""), "the holder is named: %s", got);

	struct hil_campaign_dir *reader = NULL;
	cr_assert_eq(hil_campaign_dir_open(&reader, out, HIL_CAMPAIGN_READ, NULL), 0);
	cr_assert(hil_campaign_dir_live(reader), "a reader sees the live writer");
	hil_campaign_dir_close(reader);
	hil_campaign_dir_close(cd);
	cr_assert_eq(hil_campaign_dir_open(&reader, out, HIL_CAMPAIGN_READ, NULL), 0);
	cr_assert(!hil_campaign_dir_live(reader), "and no writer once it closed");
	hil_campaign_dir_close(reader);
	free(out);
	free(dir);
}

Test(campaign_dir, symlinks_files_and_empty_names_are_refused)
{
	char *dir = test_tmpdir(), *real = sub(dir, "real"), *link = sub(dir, "link");
	char *file = test_write(dir, "summary.json", "{}");
	struct hil_campaign_dir *cd = NULL;

	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(symlink(real, link), 0);
	cr_assert_eq(hil_campaign_dir_open(&cd, link, HIL_CAMPAIGN_NEW, "c"), HIL_ECONFIG);
	cr_assert(strstr(hil_error_last(), "symbolic link"), "%s", hil_error_last());
	cr_assert_eq(hil_campaign_dir_open(&cd, file, HIL_CAMPAIGN_NEW, "c"), HIL_ECONFIG);
	cr_assert(strstr(hil_error_last(), "not a folder"), "%s", hil_error_last());
	cr_assert_eq(hil_campaign_dir_open(&cd, "", HIL_CAMPAIGN_NEW, "c"), HIL_ECONFIG);
	cr_assert_eq(hil_campaign_dir_open(&cd, real, HIL_CAMPAIGN_APPEND, "c"), HIL_ECONFIG);
	cr_assert(strstr(hil_error_last(), "no journal.jsonl"), "%s", hil_error_last());
	cr_assert_null(cd);
	free(real);
	free(link);
	free(file);
	free(dir);
}

Test(campaign_dir, a_planted_lock_symlink_is_not_followed)
{
	char *dir = test_tmpdir(), *out = sub(dir, "results"), *lock = sub(out, ".lock");
	char *victim = test_write(dir, "victim", "precious");
	struct hil_campaign_dir *cd = NULL;
	struct stat st;

	cr_assert_eq(mkdir(out, 0755), 0);
	cr_assert_eq(symlink(victim, lock), 0);
	cr_assert_lt(hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_NEW, "c"), 0);
	cr_assert_eq(stat(victim, &st), 0);
	cr_assert_eq(st.st_size, 8, "the link's target was truncated");
	free(victim);
	free(lock);
	free(out);
	free(dir);
}
