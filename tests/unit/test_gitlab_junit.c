/* The demo's gitlab-profile junit.xml read by GitLab's own parser
 * (../shared/ext/gitlab/junit.rb through ../shared/tools/gitlab-junit.rb,
 * which prints what GitLab's test page shows per case): every non-passing
 * case shows text, not a Hash of the element's attributes; xfail cases show
 * their reason; the failing case's attachment is its failing step's log and
 * opens from the workspace. Skipped visibly without ../shared or without
 * Ruby with ActiveSupport and Nokogiri (ci/setup.sh installs them). */
#include "harness/util/subprocess.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Ruby on PATH with the two libraries GitLab's parser needs; NULL else. */
static char *ruby_ready(void)
{
	char *ruby = hil_find_in_path("ruby"), *out = NULL;

	if (!ruby)
		return NULL;
	char *argv[] = { ruby, "-e", "require 'nokogiri'; require 'active_support'", NULL };
	int rc = test_spawn(argv, &out);
	free(out);
	if (rc == 0)
		return ruby;
	free(ruby);
	return NULL;
}

/* The JSON the tool printed (stderr shares the capture: skip to it). */
static json_t *tool_json(const char *output)
{
	const char *start = strstr(output, "{\n  \"file\"");
	json_error_t err;

	cr_assert_not_null(start, "gitlab-junit.rb printed no JSON:\n%s", output);
	json_t *j = json_loads(start, JSON_DISABLE_EOF_CHECK, &err);
	cr_assert_not_null(j, "gitlab-junit.rb JSON: %s", err.text);
	return j;
}

Test(gitlab_junit, gitlab_shows_text_for_every_non_passing_case)
{
	const char *shared = test_shared_dir("GitLab's JUnit parser (tools/gitlab-junit.rb)");
	if (!shared)
		cr_skip_test("no ../shared");
	char *ruby = ruby_ready();
	if (!ruby)
		cr_skip_test("no ruby with ruby-activesupport and ruby-nokogiri (bash ci/setup.sh)");
	test_isolate_locks();
	char *ws = test_tmpdir(), *out = NULL, *junit = NULL, *tool = NULL, *output = NULL;
	cr_assert(asprintf(&out, "%s/results/nightly", ws) > 0);
	cr_assert(asprintf(&junit, "%s/junit.xml", out) > 0);
	cr_assert(asprintf(&tool, "%s/tools/gitlab-junit.rb", shared) > 0);
	cr_assert_eq(setenv("SFI_HARNESS_ATTACHMENT_BASE", ws, 1), 0);
	char *run[] = { HIL_BINARY, "run", HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml",
			"--junit-profile", "gitlab", "--out", out, NULL };
	int rc = test_spawn(run, &output);
	cr_assert(rc == 0 || rc == 1, "the demo ran (exit %d):\n%s", rc, output);
	free(output);
	char *parse[] = { ruby, tool, junit, NULL };
	rc = test_spawn(parse, &output);
	cr_assert_eq(rc, 0, "GitLab's parser refused the file:\n%s", output);
	json_t *j = tool_json(output);

	cr_assert(json_is_null(json_object_get(j, "suite_error")));
	cr_assert_eq(json_array_size(json_object_get(j, "duplicates")), 0, "GitLab drops duplicate names");
	size_t i, non_passing = 0, xfail = 0;
	json_t *tc;
	json_array_foreach(json_object_get(j, "test_cases"), i, tc) {
		const char *status = json_string_value(json_object_get(tc, "status"));
		const json_t *shown = json_object_get(tc, "system_output");
		if (!strcmp(status, "success"))
			continue;
		non_passing++;
		cr_assert(json_is_string(shown), "case %zu (%s): GitLab shows a Hash, not text", i, status);
		const char *text = json_string_value(shown);
		cr_assert_null(strstr(text, "\"type\"=>"), "case %zu: the element's attributes as a Hash", i);
		cr_assert(strstr(text, "class: "), "case %zu shows no class:\n%s", i, text);
		if (!strcmp(status, "skipped") && strstr(text, "verdict: xfail")) {
			xfail++;
			cr_assert(strstr(text, "expected failure: ES0478 2.2.3"), "xfail without its reason");
		}
		if (!strcmp(status, "failed") && strstr(text, "class: verify_mismatch")) {
			const char *att = json_string_value(json_object_get(tc, "attachment"));
			char *path = NULL;
			struct stat st;
			cr_assert(att && strstr(att, "verify_flash.log"), "the failing step's log first: %s", att);
			cr_assert(asprintf(&path, "%s/%s", ws, att) > 0);
			cr_assert_eq(stat(path, &st), 0, "%s does not open from the workspace", att);
			free(path);
		}
	}
	cr_assert_gt(non_passing, 0);
	cr_assert_eq(xfail, 40, "the demo's 40 expected failures show their reason");
	json_decref(j);
	free(output);
	free(tool);
	free(ruby);
	free(junit);
	free(out);
	free(ws);
}
