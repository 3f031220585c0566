/* The lab pipeline files: the GitLab file parses as YAML and both call
 * only sfi-harness commands and options that exist, with the exit-code
 * mapping written in. (No GitLab or Jenkins here: these are honest text and
 * YAML checks, not a pipeline run.) */
#include "harness/util/fileutil.h"
#include "harness/yaml/yaml_tree.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *read(const char *path)
{
	char *text = NULL;
	size_t len;

	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 20), 0, "%s", path);
	return text;
}

/* Every "build/sfi-harness WORD" in @text names a command the binary has. */
static void commands_exist(const char *text)
{
	static const char *const known[] = { "run", "check", "merge", "report", "resume", "sfi",
					     "transcript", "probes", "power", "history", "doctor", NULL };
	unsigned found = 0;

	for (const char *p = text; (p = strstr(p, "build/sfi-harness ")); p += 18) {
		char word[32] = "";
		sscanf(p + 18, "%31[a-z]", word);
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok = ok || !strcmp(word, known[i]);
		cr_assert(ok, "unknown command 'sfi-harness %s'", word);
		found++;
	}
	cr_assert_geq(found, 3);
}

Test(pipelines, gitlab_file_parses_and_uses_real_commands)
{
	struct hil_diag d = { 0 };
	struct hil_ynode *root = NULL;
	char *text = read(HIL_SOURCE_DIR "/ci/gitlab-ci.yml");

	cr_assert_eq(hil_yaml_load_file(&root, HIL_SOURCE_DIR "/ci/gitlab-ci.yml", &d), 0, "%s",
		     test_diag_text(&d));
	cr_assert_not_null(hil_ymap_get(root, "merge"));
	cr_assert_not_null(hil_ymap_get(root, "rack-lab-3"));
	cr_assert(strstr(text, "--junit-profile gitlab"));
	cr_assert(strstr(text, "exit_codes: [3, 4]"), "infrastructure errors, incomplete and inconclusive runs map to a warning");
	cr_assert(strstr(text, "reports:\n      junit:"));
	commands_exist(text);
	hil_ynode_free(root);
	free(text);
}

Test(pipelines, jenkinsfile_uses_real_commands_and_maps_exit_codes)
{
	char *text = read(HIL_SOURCE_DIR "/ci/Jenkinsfile");

	cr_assert(strstr(text, "cron('H 2 * * *')"), "a nightly schedule");
	cr_assert(strstr(text, "--junit-profile jenkins"));
	cr_assert(strstr(text, "code == 3"), "exit 3 becomes UNSTABLE");
	cr_assert(strstr(text, "sfi-harness merge"));
	commands_exist(text);
	free(text);
}

/* Issue 18: each install published once (the rack jobs, not the merge),
 * one rack at a time (resource_group, lock), what Jenkins keeps and links
 * (keepProperties, junit-attachments). */
static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

Test(pipelines, junit_is_published_once_per_install_and_racks_are_locked)
{
	struct hil_diag d = { 0 };
	struct hil_ynode *root = NULL;
	char *gitlab = read(HIL_SOURCE_DIR "/ci/gitlab-ci.yml");
	char *jenkins = read(HIL_SOURCE_DIR "/ci/Jenkinsfile");

	cr_assert_eq(hil_yaml_load_file(&root, HIL_SOURCE_DIR "/ci/gitlab-ci.yml", &d), 0);
	const struct hil_ynode *merge_artifacts = hil_ymap_get(hil_ymap_get(root, "merge"), "artifacts");
	cr_assert_null(hil_ymap_get(merge_artifacts, "reports"), "the merge job publishes no JUnit");
	cr_assert_eq(count(gitlab, "junit:"), 1, "one junit report, in the rack jobs' template");
	static const char *const racks[] = { "rack-lab-3", "rack-lab-4" };
	for (int i = 0; i < 2; i++) {
		const struct hil_ynode *g = hil_ymap_get(hil_ymap_get(root, racks[i]), "resource_group");
		cr_assert(g && !strcmp(g->text, racks[i]), "%s has its own resource_group", racks[i]);
	}
	cr_assert_eq(count(jenkins, "\n  junit ") + count(jenkins, "\n        junit "), 1,
		     "one junit step, in the rack stages");
	cr_assert(strstr(jenkins, "keepProperties: true"));
	cr_assert(strstr(jenkins, "testDataPublishers: [attachments()]"));
	cr_assert(strstr(jenkins, "lock(resource: \"sfi-rack-${rack}\")"));
	hil_ynode_free(root);
	free(gitlab);
	free(jenkins);
}
