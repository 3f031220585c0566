/* ci/gitlab-ci.yml run for real: gitlab-ci-local (npm, installed by
 * ci/setup.sh into .ci-tools/) with its shell executor, over two simulated
 * racks (tests/data/pipeline/racks/) and the merge job, in a copy of the
 * project's tracked files. Checks what GitLab would be given: the junit
 * reports of the pipeline hold each install once (the rack jobs publish,
 * the merge does not), the merge job's artifacts hold report.html and a
 * junit.xml with every install, and every attachment path of every junit
 * file opens from its job's artifacts. Skipped visibly without
 * gitlab-ci-local, git or rsync (bash ci/setup.sh installs them). The
 * build job copies the binaries this build made (HIL_PREBUILT), so the test
 * does not compile the project again. */
#include "harness/util/fileutil.h"
#include "harness/util/subprocess.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/yaml_tree.h"
#include "support.h"

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GCL HIL_SOURCE_DIR "/.ci-tools/node_modules/.bin/gitlab-ci-local"

static void run_ok(char *const argv[])
{
	char *out = NULL;
	int rc = test_spawn(argv, &out);

	cr_assert_eq(rc, 0, "%s exited %d:\n%s", argv[0], rc, out);
	free(out);
}

/* The project's tracked files as they are in the work tree, into @dest. */
static void copy_tracked(const char *git, const char *dest)
{
	char *list = NULL;
	char *argv[] = { (char *)git, "-C", HIL_SOURCE_DIR, "ls-files", "-z", NULL };
	int rc = test_spawn(argv, &list);
	size_t copied = 0;

	cr_assert_eq(rc, 0, "git ls-files: %s", list);
	for (const char *p = list; *p; p += strlen(p) + 1) {
		char *from = hil_xasprintf("%s/%s", HIL_SOURCE_DIR, p), *to = hil_xasprintf("%s/%s", dest, p);
		char *dir = hil_xstrdup(to), *data = NULL;
		struct stat st;
		size_t len;
		*strrchr(dir, '/') = '\0';
		if (lstat(from, &st) == 0 && S_ISREG(st.st_mode)) { /* deleted in the work tree: skipped */
			cr_assert_eq(hil_mkdir_p(dir), 0);
			cr_assert_eq(hil_read_file(&data, &len, from, 1 << 26), 0, "%s", from);
			cr_assert_eq(hil_write_file_atomic(to, data, len), 0);
			chmod(to, st.st_mode & 07777);
			copied++;
		}
		free(data);
		free(dir);
		free(from);
		free(to);
	}
	cr_assert_gt(copied, 10);
	free(list);
}

/* Every job of the expanded pipeline that publishes a junit report: its
 * report path with $CI_JOB_NAME put in. */
static size_t junit_reports(const char *expanded, char reports[][256], size_t max)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };
	size_t n = 0;

	cr_assert_eq(hil_yaml_load_file(&root, expanded, &d), 0, "%s", test_diag_text(&d));
	for (size_t i = 0; i < root->count; i++) {
		const char *job = root->entries[i].key->text;
		const struct hil_ynode *a = hil_ymap_get(root->entries[i].value, "artifacts");
		const struct hil_ynode *r = a ? hil_ymap_get(a, "reports") : NULL;
		const struct hil_ynode *j = r ? hil_ymap_get(r, "junit") : NULL;
		if (!j || job[0] == '.') /* a template, not a job */
			continue;
		cr_assert_eq(j->kind, HIL_YNODE_SCALAR, "%s: one junit file", job);
		cr_assert_lt(n, max);
		const char *var = strstr(j->text, "$CI_JOB_NAME");
		cr_assert_not_null(var, "%s: %s", job, j->text);
		snprintf(reports[n++], 256, "%s/%.*s%s%s", job, (int)(var - j->text), j->text, job,
			 var + strlen("$CI_JOB_NAME"));
	}
	hil_ynode_free(root);
	return n;
}

/* Counts @path's testcases into *cases, adds "classname\nname" of each to
 * @seen (failing on one seen before), and checks that every
 * [[ATTACHMENT|...]] of the file opens from @root. */
static void read_junit(const char *path, const char *root, char ***seen, size_t *cases)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	char *text = NULL;
	size_t len, attachments = 0;

	cr_assert_not_null(doc, "%s is not XML", path);
	for (xmlNodePtr s = xmlDocGetRootElement(doc)->children; s; s = s->next)
		for (xmlNodePtr t = s->children; t; t = t->next) {
			if (t->type != XML_ELEMENT_NODE || xmlStrcmp(t->name, BAD_CAST "testcase"))
				continue;
			xmlChar *cn = xmlGetProp(t, BAD_CAST "classname"), *nm = xmlGetProp(t, BAD_CAST "name");
			char *key = hil_xasprintf("%s\n%s", (char *)cn, (char *)nm);
			for (size_t i = 0; seen && i < *cases; i++)
				cr_assert_str_neq((*seen)[i], key, "%s: install counted twice", path);
			if (seen) {
				*seen = hil_xrealloc(*seen, (*cases + 1) * sizeof(**seen));
				(*seen)[*cases] = key;
			} else {
				free(key);
			}
			++*cases;
			xmlFree(cn);
			xmlFree(nm);
		}
	xmlFreeDoc(doc);
	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 26), 0);
	for (const char *p = text; (p = strstr(p, "[[ATTACHMENT|")); p++) {
		char rel[1024] = "", *full;
		struct stat st;
		cr_assert_eq(sscanf(p, "[[ATTACHMENT|%1023[^]]", rel), 1);
		full = hil_xasprintf("%s/%s", root, rel);
		cr_assert_eq(stat(full, &st), 0, "%s: attachment %s is not in the job's artifacts", path, rel);
		free(full);
		attachments++;
	}
	cr_assert_gt(attachments, 0, "%s has no attachments", path);
	free(text);
}

Test(gitlab_pipeline, two_racks_and_the_merge_run_and_publish_each_install_once)
{
	char *git = hil_find_in_path("git"), *rsync = hil_find_in_path("rsync");
	if (access(GCL, X_OK) != 0 || !git || !rsync)
		cr_skip_test("needs gitlab-ci-local in .ci-tools/, git and rsync (bash ci/setup.sh)");
	char *tmp = test_tmpdir();
	char *proj = hil_xasprintf("%s/proj", tmp), *pre = hil_xasprintf("%s/prebuilt", tmp);
	char *cli_dir = hil_xasprintf("%s/fixtures/fake-cubeprog", pre);
	char *bin = hil_xasprintf("%s/sfi-harness", pre);
	char *cli = hil_xasprintf("%s/fake-STM32_Programmer_CLI", cli_dir);

	copy_tracked(git, proj);
	cr_assert_eq(hil_mkdir_p(cli_dir), 0);
	cr_assert_eq(symlink(HIL_BINARY, bin), 0);
	cr_assert_eq(symlink(HIL_FAKE_CLI, cli), 0);
	char *init[] = { git, "-C", proj, "init", "-q", NULL };
	char *add[] = { git, "-C", proj, "add", "-A", NULL };
	char *commit[] = { git, "-C", proj, "-c", "user.name=pipeline test", "-c",
			   "user.email=test@example.invalid", "commit", "-q", "-m", "copy", NULL };
	run_ok(init);
	run_ok(add);
	run_ok(commit);
	char *home = hil_xasprintf("--home=%s/home", tmp);
	char *prebuilt = hil_xasprintf("HIL_PREBUILT=%s", pre);
	char *locks = hil_xasprintf("SFI_HARNESS_LOCK_DIR=%s/locks", tmp);
	/* gitlab-ci-local takes the project from its working directory (each
	 * Criterion test is a process of its own) */
	cr_assert_eq(chdir(proj), 0);
	char *pipeline[] = { GCL, "--file=ci/gitlab-ci.yml", "--shell-isolation",
			     "--no-artifacts-to-source", home,
			     "--variable", prebuilt, "--variable", "RACK_DIR=tests/data/pipeline/racks",
			     "--variable", "CI_PIPELINE_SOURCE=web", "--variable", locks, NULL };
	char *out = NULL;
	int rc = test_spawn(pipeline, &out);
	cr_assert_eq(rc, 0, "the pipeline failed (exit %d):\n%s", rc, out);
	cr_assert(strstr(out, "PASS  merge"), "%s", out);
	free(out);

	char *state = hil_xasprintf("%s/.gitlab-ci-local", proj);
	char *expanded = hil_xasprintf("%s/expanded-gitlab-ci.yml", state);
	char reports[8][256];
	size_t n = junit_reports(expanded, reports, 8), published = 0;
	char **seen = NULL;
	cr_assert_eq(n, 2, "the two rack jobs publish JUnit, the merge job does not");
	for (size_t i = 0; i < n; i++) {
		char *slash = strchr(reports[i], '/');
		*slash = '\0';
		char *root = hil_xasprintf("%s/artifacts/%s", state, reports[i]);
		char *file = hil_xasprintf("%s/%s", root, slash + 1);
		read_junit(file, root, &seen, &published);
		free(root);
		free(file);
	}
	cr_assert_eq(published, 240, "2 racks x 120 installs, each once");
	char *merged_root = hil_xasprintf("%s/artifacts/merge", state);
	char *merged = hil_xasprintf("%s/results/nightly/junit.xml", merged_root);
	char *html = hil_xasprintf("%s/results/nightly/report.html", merged_root);
	size_t merged_cases = 0;
	struct stat st;
	read_junit(merged, merged_root, NULL, &merged_cases);
	cr_assert_eq(merged_cases, 240, "the merged junit.xml holds every install");
	cr_assert(stat(html, &st) == 0 && st.st_size > 1000, "merged report.html");
	for (size_t i = 0; i < published; i++)
		free(seen[i]);
	free(seen);
	free(html);
	free(merged);
	free(merged_root);
	free(expanded);
	free(state);
	free(locks);
	free(prebuilt);
	free(home);
	free(cli);
	free(bin);
	free(cli_dir);
	free(pre);
	free(proj);
	free(tmp);
	free(rsync);
	free(git);
}
