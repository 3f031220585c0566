/* Golden files for the report writers: a fixed journal
 * (tests/data/golden/journal.jsonl) must render to exactly the committed
 * junit-*.xml, summary.json and report.html. Regenerate after an intended
 * change with SFI_HARNESS_UPDATE_GOLDEN=1 and review the diff. Each JUnit
 * profile is also validated against its schema when ../shared is there:
 * jenkins against junit-10.xsd and, suite by suite, Surefire's; gitlab
 * against junit-10.xsd without its two GitLab extensions; strict against
 * the Ant schema. */
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "reports/summary_json.h"
#include "junit_check.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN HIL_SOURCE_DIR "/tests/data/golden"

static struct hil_results *results(void)
{
	struct hil_results *res = NULL;

	cr_assert_eq(hil_results_load(&res, GOLDEN "/journal.jsonl", true), 0);
	return res;
}

static void compare(const char *written, const char *golden_name)
{
	char *golden = NULL, *got = NULL, *want = NULL;
	size_t lg, lw;

	cr_assert(asprintf(&golden, GOLDEN "/%s", golden_name) > 0);
	cr_assert_eq(hil_read_file(&got, &lg, written, 1 << 24), 0);
	if (getenv("SFI_HARNESS_UPDATE_GOLDEN"))
		hil_write_file_atomic(golden, got, lg);
	cr_assert_eq(hil_read_file(&want, &lw, golden, 1 << 24), 0, "%s missing", golden);
	cr_assert(lg == lw && !memcmp(got, want, lg), "%s differs from %s (diff them; "
		  "SFI_HARNESS_UPDATE_GOLDEN=1 rewrites it)", written, golden);
	free(got);
	free(want);
	free(golden);
}

static char *out_path(const char *name)
{
	char *dir = test_tmpdir(), *p = NULL;

	cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	free(dir);
	return p;
}

/* xsd NULL: the gitlab profile, junit-10.xsd plus GitLab's two extensions */
static const struct { enum hil_junit_profile p; const char *file, *xsd; } profiles[] = {
	{ HIL_JUNIT_JENKINS, "junit-jenkins.xml", "junit-10.xsd" },
	{ HIL_JUNIT_GITLAB, "junit-gitlab.xml", NULL },
	{ HIL_JUNIT_STRICT, "junit-strict.xml", "windyroad-junit.xsd" },
};

/* junit.xml of profile @i, attachment paths relative to the output folder:
 * the same on every machine. */
static char *write_profile(const struct hil_results *res, size_t i)
{
	char *path = out_path(profiles[i].file), *dir = hil_xstrdup(path);

	*strrchr(dir, '/') = '\0';
	struct hil_junit_opts opts = { .profile = profiles[i].p, .attachment_base = dir };
	cr_assert_eq(hil_report_junit_write_opts(res, path, &opts), 0);
	free(dir);
	return path;
}

Test(golden, junit_profiles_match)
{
	struct hil_results *res = results();

	for (size_t i = 0; i < 3; i++) {
		char *path = write_profile(res, i);
		compare(path, profiles[i].file);
		free(path);
	}
	hil_results_free(res);
}

/* The schemas are in ../shared: without it this test is skipped (and
 * counted as skipped), not passed. */
Test(golden, junit_profiles_validate)
{
	if (!test_shared_dir("XML schema validation of the JUnit profiles"))
		cr_skip_test("no ../shared: the XML schemas are not here");
	struct hil_results *res = results();

	for (size_t i = 0; i < 3; i++) {
		char *path = write_profile(res, i);
		if (profiles[i].xsd)
			test_validate_xml(path, profiles[i].xsd);
		else
			test_validate_junit_gitlab(path);
		if (profiles[i].p == HIL_JUNIT_JENKINS)
			test_validate_junit_suites(path, "surefire-test-report.xsd");
		free(path);
	}
	hil_results_free(res);
}

Test(golden, strict_profile_has_no_extra_elements)
{
	struct hil_results *res = results();
	char *path = out_path("strict.xml"), *xml = NULL;
	size_t len;

	cr_assert_eq(hil_report_junit_write(res, path, HIL_JUNIT_STRICT, NULL), 0);
	cr_assert_eq(hil_read_file(&xml, &len, path, 1 << 24), 0);
	cr_assert_null(strstr(xml, "flakyError"));
	cr_assert_null(strstr(xml, "<testsuites name"));
	hil_results_free(res);
	free(xml);
	free(path);
}

Test(golden, summary_and_html_match)
{
	struct hil_results *res = results();
	char *s = out_path("summary.json"), *h = out_path("report.html");

	cr_assert_eq(hil_report_summary_write(res, s), 0);
	compare(s, "summary.json");
	cr_assert_eq(hil_report_html_write(res, h), 0);
	compare(h, "report.html");
	hil_results_free(res);
	free(s);
	free(h);
}
