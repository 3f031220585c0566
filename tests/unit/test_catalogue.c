/* The error catalogue: every class has an entry, every entry is whole,
 * every error line of the golden transcripts is explained, docs/classes.md
 * is the catalogue, and `explain` answers the seed thread's questions. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/transcript/catalogue.h"
#include "harness/util/fileutil.h"
#include "harness/transcript/outcome.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *const whose[] = { "board", "image", "licence", "lab", "harness", "none", NULL };
static const char *const sure[] = { "confirmed", "likely", "unknown", NULL };

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static void assert_whole(const struct hil_catalogue_entry *e)
{
	cr_assert(e->meaning[0] && e->next[0] && e->source[0], "'%s' lacks a field", e->key);
	cr_assert(one_of(e->who, whose), "'%s': whose '%s'", e->key, e->who);
	cr_assert(one_of(e->confidence, sure), "'%s': confidence '%s'", e->key, e->confidence);
}

Test(catalogue, every_class_has_a_whole_entry)
{
	for (int c = 0; c < HIL_CLASS_COUNT; c++) {
		const struct hil_catalogue_entry *e = hil_catalogue_class(hil_class_name((enum hil_class)c));
		cr_assert_not_null(e, "class %s has no catalogue entry (harness/transcript/catalogue.yaml)",
				   hil_class_name((enum hil_class)c));
		assert_whole(e);
	}
	const struct hil_catalogue_entry *e;
	for (int k = HIL_CAT_CLASS; k <= HIL_CAT_MESSAGE; k++)
		for (size_t i = 0; (e = hil_catalogue_at((enum hil_catalogue_kind)k, i)); i++)
			assert_whole(e);
	for (size_t i = 0; (e = hil_catalogue_at(HIL_CAT_CLASS, i)); i++) {
		bool known = false;
		for (int c = 0; c < HIL_CLASS_COUNT; c++)
			known = known || !strcmp(e->key, hil_class_name((enum hil_class)c));
		cr_assert(known, "catalogue entry for a class that does not exist: %s", e->key);
	}
}

Test(catalogue, rss_0x16_says_it_has_no_public_meaning_and_gives_both_readings)
{
	const struct hil_catalogue_entry *e = hil_catalogue_rss(0x16);

	cr_assert_not_null(e);
	cr_assert_str_eq(e->confidence, "unknown");
	cr_assert(strstr(e->meaning, "No public source"));
	cr_assert(strstr(e->meaning, "ES0478 §2.2.3") && strstr(e->meaning, "RDP level 1"));
	cr_assert_null(hil_catalogue_rss(0x99), "no invented meanings");
	const char *rss[] = { "0x0", "0x16" };
	cr_assert_eq(hil_catalogue_outcome("rss_error", rss, 2), e, "the RSS value beats the class");
	cr_assert_eq(hil_catalogue_outcome("no_probe", NULL, 0), hil_catalogue_class("no_probe"));
}

/* Every error line the golden transcripts hold is explained. */
Test(catalogue, every_error_of_the_golden_transcripts_is_explained)
{
	DIR *d = opendir(HIL_SOURCE_DIR "/fixtures/transcripts");
	struct dirent *de;
	static struct hil_transcript tx;
	unsigned lines = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *path = NULL, *text = NULL;
		size_t len;
		if (n < 5 || strcmp(de->d_name + n - 4, ".log"))
			continue;
		cr_assert(asprintf(&path, "%s/fixtures/transcripts/%s", HIL_SOURCE_DIR, de->d_name) > 0);
		cr_assert_eq(hil_read_file(&text, &len, path, 1 << 24), 0);
		hil_cubeprog_parse(&tx, text, len);
		for (size_t i = 0; i < tx.error_count && i < HIL_TX_MAX_MSGS; i++, lines++)
			cr_assert_not_null(hil_catalogue_message(tx.errors[i]), "%s: no entry for 'Error: %s'",
					   de->d_name, tx.errors[i]);
		free(text);
		free(path);
	}
	closedir(d);
	cr_assert_gt(lines, 10, "the golden transcripts hold errors");
}

Test(catalogue, docs_classes_md_is_the_catalogue)
{
	char *out = NULL, *doc = NULL;
	size_t len;
	char *argv[] = { HIL_BINARY, "explain", "--markdown", NULL };

	cr_assert_eq(test_spawn(argv, &out), 0);
	cr_assert_eq(hil_read_file(&doc, &len, HIL_SOURCE_DIR "/docs/classes.md", 1 << 20), 0);
	cr_assert_str_eq(doc, out, "docs/classes.md differs from the catalogue: regenerate it with "
			 "`sfi-harness explain --markdown > docs/classes.md`");
	free(doc);
	free(out);
}

static void assert_both_readings(const char *log)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "explain", (char *)log, NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(strstr(out, "BL 0x91, class rss_error"), "%s", out);
	cr_assert(strstr(out, "RSS complete Value = 0x16"), "%s", out);
	cr_assert(strstr(out, "ES0478 §2.2.3"), "the erratum reading: %s", out);
	cr_assert(strstr(out, "RDP level 1 (0xBB)"), "the RDP reading: %s", out);
	cr_assert(strstr(out, "S4, S5 (RDP reading)"), "with its source: %s", out);
	cr_assert(strstr(out, "sure:   unknown"), "says how sure: %s", out);
	cr_assert(strstr(out, "Error: SECURITY State Fail"), "%s", out);
	free(out);
}

Test(catalogue, explain_answers_for_the_simulated_seed_failure)
{
	assert_both_readings(HIL_SOURCE_DIR "/fixtures/transcripts/sim-bl91-rss16.log");
}

Test(catalogue, explain_answers_for_the_seed_failure)
{
	const char *shared = test_shared_dir("the seed thread's failing log");
	char *seed = NULL;

	if (!shared)
		cr_skip_test("no ../shared: the seed thread is not here");
	cr_assert(asprintf(&seed, "%s/seed/sfi-forum-thread.txt", shared) > 0);
	assert_both_readings(seed);
	free(seed);
}
