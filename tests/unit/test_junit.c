/* junit.xml as CI systems read it (issue 18): every failure, error and
 * skipped element carries text besides its attributes (GitLab shows only
 * the text, ext/gitlab/junit.rb); xfail is a skipped with its reason;
 * retried attempts are Surefire's flakyError/rerunError, each with its
 * stackTrace and its own logs; attachment paths resolve from the
 * attachment base, the failing step's first; the gitlab profile has case
 * properties and file; a file over its size limit is trimmed. A results
 * folder with real log files is built under a temporary workspace. */
#include "harness/util/fileutil.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "junit_check.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ws {
	char *root, *results; /* the CI workspace and the results folder in it */
	FILE *journal;
};

/* The test's workspace (one per test process), freed after the test. */
static struct ws made;

static void free_workspace(void)
{
	free(made.root);
	free(made.results);
}

TestSuite(junit, .fini = free_workspace);

static void put(struct ws *w, json_t *rec)
{
	char *line = json_dumps(rec, JSON_COMPACT);

	fprintf(w->journal, "%s\n", line);
	free(line);
	json_decref(rec);
}

static void log_file(struct ws *w, const char *rel, const char *text)
{
	char *path = NULL, *dir;

	cr_assert(asprintf(&path, "%s/%s", w->results, rel) > 0);
	dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	cr_assert_eq(hil_mkdir_p(dir), 0);
	cr_assert_eq(hil_write_file_atomic(path, text, strlen(text)), 0);
	free(dir);
	free(path);
}

static void step(struct ws *w, const char *name, int attempt, const char *kind, const char *cls,
		 const char *log)
{
	put(w, json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:[],s:n,s:f,s:s?}", "type", "step", "board", "b1",
			 "case", name, "attempt", attempt, "kind", kind, "class", cls, "rss", "message",
			 "duration_s", 1.25, "log", log));
}

static void install(struct ws *w, const char *name, const char *verdict, const char *cls,
		    const char *rss, const char *message, json_t *attempts)
{
	put(w, json_pack("{s:s,s:s,s:s,s:s,s:{},s:s,s:s,s:[s?],s:{s:s,s:n},s:s,s:f,"
			 "s:{s:s,s:s,s:i,s:i},s:o}",
			 "type", "case", "board", "b1", "case", name, "cell", "", "params", "verdict",
			 verdict, "class", cls, "rss", rss, "expected", "result",
			 !strcmp(verdict, "xfail") ? "fail" : "pass", "class", "message", message,
			 "duration_s", 2.5, "image", "path", "img.sfi", "sha256", "ab12", "protocol_version",
			 1, "areas", 2, "attempts", attempts ? attempts : json_null()));
}

#define L(name) "logs/b1/" name

/* Five installs: one that came through after a timeout (flaky), one that
 * failed every attempt (rerun), an expected failure, a device failure
 * and a skip; the logs hold the programmer's Error: lines. */
static struct ws workspace(void)
{
	struct ws w = { test_tmpdir(), NULL, NULL };
	char *path = NULL;

	cr_assert(asprintf(&w.results, "%s/results/r1", w.root) > 0);
	cr_assert_eq(hil_mkdir_p(w.results), 0);
	cr_assert(asprintf(&path, "%s/journal.jsonl", w.results) > 0);
	cr_assert_not_null(w.journal = fopen(path, "w"));
	free(path);
	put(&w, json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "campaign", "campaign", "c1", "scenario",
			  "/nowhere/scenarios/s.yaml", "started", "2026-11-25T10:00:00", "host", "lab"));
	put(&w, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "board", "board", "b1", "kind",
			  "STM32H7B3I-DK", "probe_serial", "066DFF48", "bl_version", "0x91",
			  "chip_uid", "000D00A06462CBF0EAC78D53", "rss_version", "3.0.0"));
	log_file(&w, L("flaky/02-sfi_install.log"), "ST-LINK SN: 066DFF48\nError: No STM32 target found!\n");
	log_file(&w, L("flaky/02-sfi_install.attempt2.log"), "SFI file install\nsecond attempt done\n");
	step(&w, "flaky", 1, "power", "success", NULL);
	step(&w, "flaky", 1, "sfi_install", "no_target", L("flaky/02-sfi_install.log"));
	step(&w, "flaky", 2, "power", "success", NULL);
	step(&w, "flaky", 2, "sfi_install", "success", L("flaky/02-sfi_install.attempt2.log"));
	install(&w, "flaky", "pass", "success", NULL, "",
		json_pack("[{s:i,s:s,s:s}]", "attempt", 1, "class", "no_target", "message",
			  "sfi_install: No STM32 target found!"));
	log_file(&w, L("rerun/02-sfi_install.log"), "first\nError: No ST-Link detected!\n");
	log_file(&w, L("rerun/02-sfi_install.attempt2.log"), "second\nError: No ST-Link detected again\n");
	step(&w, "rerun", 1, "sfi_install", "no_probe", L("rerun/02-sfi_install.log"));
	step(&w, "rerun", 2, "sfi_install", "no_probe", L("rerun/02-sfi_install.attempt2.log"));
	install(&w, "rerun", "error", "no_probe", NULL, "sfi_install: No ST-Link detected — infrastructure: no_probe",
		json_pack("[{s:i,s:s,s:s}]", "attempt", 1, "class", "no_probe", "message",
			  "sfi_install: No ST-Link detected!"));
	/* a transcript's worst: control bytes and broken UTF-8 in the tail */
	log_file(&w, L("xfail/02-sfi_install.log"),
		 "RSS 0x16\n\x01\x1b[31m bad \xff\xfe bytes\nError: img.sfi SFI file Install Operation Failure!\n");
	step(&w, "xfail", 1, "power", "success", NULL);
	step(&w, "xfail", 1, "sfi_install", "rss_error", L("xfail/02-sfi_install.log"));
	install(&w, "xfail", "xfail", "rss_error", "0x16",
		"sfi_install: failed — expected failure: ES0478 2.2.3: not on BL 0x91", NULL);
	log_file(&w, L("fail/02-sfi_install.log"), "install ok\n");
	log_file(&w, L("fail/03-verify_flash.log"), "UPLOADING ...\nData read successfully\n");
	step(&w, "fail", 1, "power", "success", NULL);
	step(&w, "fail", 1, "sfi_install", "success", L("fail/02-sfi_install.log"));
	step(&w, "fail", 1, "verify_flash", "verify_mismatch", L("fail/03-verify_flash.log"));
	install(&w, "fail", "fail", "verify_mismatch", "0x0", "verify_flash: area 4 differs", NULL);
	install(&w, "skip", "skip", "none", NULL, "board kept for development", NULL);
	put(&w, json_pack("{s:s,s:s}", "type", "end", "finished", "2026-11-25T10:01:00"));
	fclose(w.journal);
	free_workspace(); /* a test that makes a second one */
	made = w;
	return w;
}

static char *write_profile(const struct ws *w, enum hil_junit_profile p, size_t max_bytes)
{
	struct hil_results *res = NULL;
	char *journal = NULL, *out = NULL, *text = NULL;
	size_t len;

	cr_assert(asprintf(&journal, "%s/journal.jsonl", w->results) > 0);
	cr_assert(asprintf(&out, "%s/junit.xml", w->results) > 0);
	cr_assert_eq(hil_results_load(&res, journal, true), 0);
	struct hil_junit_opts opts = { .profile = p, .attachment_base = w->root, .max_bytes = max_bytes };
	cr_assert_eq(hil_report_junit_write_opts(res, out, &opts), 0);
	cr_assert_eq(hil_read_file(&text, &len, out, 1 << 24), 0);
	hil_results_free(res);
	free(journal);
	free(out);
	return text;
}

static xmlNodePtr find_case(xmlDocPtr doc, const char *suffix)
{
	for (xmlNodePtr s = xmlDocGetRootElement(doc)->children; s; s = s->next)
		for (xmlNodePtr t = s->children; t; t = t->next) {
			xmlChar *name = t->type == XML_ELEMENT_NODE ? xmlGetProp(t, BAD_CAST "name") : NULL;
			size_t n = name ? strlen((char *)name) : 0, k = strlen(suffix);
			/* "fail" (jenkins) or "b1: fail" (gitlab), never "xfail" */
			bool hit = name && n >= k && !strcmp((char *)name + n - k, suffix) &&
				   (n == k || ((char *)name)[n - k - 1] == ' ');
			xmlFree(name);
			if (hit)
				return t;
		}
	cr_assert_fail("no testcase %s", suffix);
	return NULL;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !xmlStrcmp(k->name, BAD_CAST name))
			return k;
	return NULL;
}

static bool has_text(xmlNodePtr n, const char *needle)
{
	xmlChar *t = xmlNodeGetContent(n);
	bool found = t && strstr((char *)t, needle);

	xmlFree(t);
	return found;
}

static bool attr_is(xmlNodePtr n, const char *name, const char *want)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	bool same = v ? want && !strcmp((char *)v, want) : !want;

	xmlFree(v);
	return same;
}

static xmlDocPtr parse(const char *text)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET);

	cr_assert_not_null(doc, "junit.xml is not well-formed");
	return doc;
}

Test(junit, every_outcome_element_has_text_in_every_profile)
{
	struct ws w = workspace();

	for (int p = HIL_JUNIT_JENKINS; p <= HIL_JUNIT_STRICT; p++) {
		char *text = write_profile(&w, (enum hil_junit_profile)p, 0);
		xmlDocPtr doc = parse(text);
		static const struct { const char *name, *element, *says; } want[] = {
			{ "rerun", "error", "tool: Error: No ST-Link detected again" },
			{ "xfail", "skipped", "ES0478 2.2.3: not on BL 0x91" },
			{ "fail", "failure", "explain (" },
			{ "skip", "skipped", "not run: board kept for development" },
		};
		for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
			xmlNodePtr e = child(find_case(doc, want[i].name), want[i].element);
			cr_assert_not_null(e, "profile %d: %s has no <%s>", p, want[i].name, want[i].element);
			cr_assert(has_text(e, want[i].says), "profile %d: <%s> of %s lacks '%s'", p,
				  want[i].element, want[i].name, want[i].says);
			cr_assert(!attr_is(e, "message", NULL), "profile %d: no message", p);
		}
		xmlNodePtr fail = child(find_case(doc, "fail"), "failure");
		cr_assert(has_text(fail, "board: b1 (STM32H7B3I-DK), probe 066DFF48, BL 0x91"));
		cr_assert(has_text(fail, "--- end of 03-verify_flash.log ---\nUPLOADING ..."));
		cr_assert(has_text(fail, "next: "));
		xmlFreeDoc(doc);
		free(text);
	}
}

Test(junit, xfail_is_skipped_with_its_reason)
{
	struct ws w = workspace();
	char *gitlab = write_profile(&w, HIL_JUNIT_GITLAB, 0), *jenkins = write_profile(&w, HIL_JUNIT_JENKINS, 0);
	xmlDocPtr g = parse(gitlab), j = parse(jenkins);
	xmlNodePtr gs = child(find_case(g, "xfail"), "skipped"), js = child(find_case(j, "xfail"), "skipped");

	cr_assert(attr_is(gs, "type", "xfail"));
	cr_assert(attr_is(gs, "message", "expected failure: ES0478 2.2.3: not on BL 0x91"));
	cr_assert(attr_is(js, "type", NULL), "Surefire's skipped has no type");
	cr_assert(attr_is(js, "message", "expected failure: ES0478 2.2.3: not on BL 0x91"));
	cr_assert(has_text(js, "tool: Error: img.sfi SFI file Install Operation Failure!"));
	/* xfail and skip are the suite's skipped, the rerun its error */
	xmlNodePtr suite = xmlDocGetRootElement(j)->children;
	while (suite->type != XML_ELEMENT_NODE)
		suite = suite->next;
	cr_assert(attr_is(suite, "skipped", "2") && attr_is(suite, "errors", "1") &&
		  attr_is(suite, "failures", "1") && attr_is(suite, "tests", "5"));
	xmlFreeDoc(g);
	xmlFreeDoc(j);
	free(gitlab);
	free(jenkins);
}

Test(junit, retries_are_flaky_or_rerun_with_each_attempts_own_log)
{
	struct ws w = workspace();
	char *text = write_profile(&w, HIL_JUNIT_JENKINS, 0);
	xmlDocPtr doc = parse(text);
	xmlNodePtr flaky = find_case(doc, "flaky"), rerun = find_case(doc, "rerun");
	xmlNodePtr fe = child(flaky, "flakyError"), re = child(rerun, "rerunError");

	cr_assert_not_null(fe, "a retry that came through is a flakyError");
	cr_assert_null(child(flaky, "error"));
	cr_assert(attr_is(fe, "type", "no_target"));
	cr_assert(has_text(child(fe, "stackTrace"), "tool: Error: No STM32 target found!"));
	cr_assert(has_text(child(fe, "system-out"),
			   "[[ATTACHMENT|results/r1/logs/b1/flaky/02-sfi_install.log]]"));
	cr_assert(!has_text(child(fe, "system-out"), "attempt2"), "attempt 1 shows its own log only");
	cr_assert(has_text(child(flaky, "system-out"),
			   "[[ATTACHMENT|results/r1/logs/b1/flaky/02-sfi_install.attempt2.log]]"));
	cr_assert_not_null(re, "every attempt an error: rerunError");
	cr_assert(has_text(child(re, "stackTrace"), "tool: Error: No ST-Link detected!"));
	cr_assert(has_text(child(rerun, "error"), "tool: Error: No ST-Link detected again"));
	xmlFreeDoc(doc);
	free(text);
}

/* Every [[ATTACHMENT|path]] of @text resolves from @base; the first one of
 * the failing case is its failing step's log. */
static unsigned attachments_resolve(const char *text, const char *base)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, "[[ATTACHMENT|")); p++) {
		char rel[512] = "", *path = NULL;
		struct stat st;
		cr_assert_eq(sscanf(p, "[[ATTACHMENT|%511[^]]", rel), 1);
		cr_assert_neq(rel[0], '/', "%s is not relative", rel);
		cr_assert(asprintf(&path, "%s/%s", base, rel) > 0);
		cr_assert_eq(stat(path, &st), 0, "%s does not resolve from the workspace", rel);
		free(path);
		n++;
	}
	return n;
}

Test(junit, attachments_resolve_from_the_workspace_failing_step_first)
{
	struct ws w = workspace();
	char *text = write_profile(&w, HIL_JUNIT_GITLAB, 0);
	xmlDocPtr doc = parse(text);
	xmlChar *out = xmlNodeGetContent(child(find_case(doc, "fail"), "system-out"));

	cr_assert_gt(attachments_resolve(text, w.root), 5);
	const char *first = strstr((char *)out, "[[ATTACHMENT|");
	cr_assert(first && !strncmp(first, "[[ATTACHMENT|results/r1/logs/b1/fail/03-verify_flash.log]]", 58),
		  "GitLab keeps the first attachment: the failing verify_flash log, not the SFI one");
	xmlFree(out);
	xmlFreeDoc(doc);
	free(text);
}

Test(junit, gitlab_cases_carry_properties_and_file_jenkins_stays_schema_valid)
{
	struct ws w = workspace();
	char *text = write_profile(&w, HIL_JUNIT_GITLAB, 0);
	xmlDocPtr doc = parse(text);
	xmlNodePtr rerun = find_case(doc, "rerun"), props = child(rerun, "properties");
	static const char *const names[] = { "verdict", "class", "rss", "bl_version", "chip_uid",
					     "probe", "image_sha256", "attempts", "infrastructure" };

	cr_assert(attr_is(rerun, "file", "/nowhere/scenarios/s.yaml"));
	cr_assert_not_null(props);
	size_t i = 0;
	for (xmlNodePtr p = props->children; p; p = p->next) {
		if (p->type != XML_ELEMENT_NODE)
			continue;
		cr_assert_lt(i, 9);
		cr_assert(attr_is(p, "name", names[i]), "property %zu", i);
		if (!strcmp(names[i], "attempts"))
			cr_assert(attr_is(p, "value", "2"));
		if (!strcmp(names[i], "infrastructure"))
			cr_assert(attr_is(p, "value", "true"));
		if (!strcmp(names[i], "chip_uid"))
			cr_assert(attr_is(p, "value", "000D00A06462CBF0EAC78D53"));
		i++;
	}
	cr_assert_eq(i, 9);
	xmlFreeDoc(doc);
	free(text);
	char *path = NULL;
	cr_assert(asprintf(&path, "%s/junit.xml", w.results) > 0);
	test_validate_junit_gitlab(path);
	free(write_profile(&w, HIL_JUNIT_JENKINS, 0));
	test_validate_xml(path, "junit-10.xsd");
	test_validate_junit_suites(path, "surefire-test-report.xsd");
	free(write_profile(&w, HIL_JUNIT_STRICT, 0));
	test_validate_xml(path, "windyroad-junit.xsd");
	free(path);
}

Test(junit, over_the_size_limit_the_file_is_trimmed)
{
	struct ws w = workspace();
	char *full = write_profile(&w, HIL_JUNIT_GITLAB, 0);
	size_t limit = strlen(full) - 200;
	char *trimmed = write_profile(&w, HIL_JUNIT_GITLAB, limit);

	cr_assert_leq(strlen(trimmed), limit);
	cr_assert(strstr(full, "--- end of") && !strstr(trimmed, "--- end of"),
		  "transcript tails go first");
	cr_assert(strstr(trimmed, "tool: Error: No ST-Link detected again"), "the Error: line stays");
	/* a limit nothing can meet: the briefest file is still written */
	char *brief = write_profile(&w, HIL_JUNIT_GITLAB, 100);
	xmlDocPtr doc = parse(brief);
	cr_assert(has_text(child(find_case(doc, "fail"), "failure"), "class: verify_mismatch"));
	cr_assert_null(strstr(brief, "next: "));
	xmlFreeDoc(doc);
	free(full);
	free(trimmed);
	free(brief);
}

Test(junit, logs_outside_the_results_folder_or_behind_symlinks_are_not_read)
{
	struct ws w = workspace();
	char *secret = NULL, *link = NULL;

	/* the failing verify_flash log becomes a symlink to a file with an Error: line */
	cr_assert(asprintf(&secret, "%s/secret.log", w.root) > 0);
	cr_assert_eq(hil_write_file_atomic(secret, "Error: secret\n", 14), 0);
	cr_assert(asprintf(&link, "%s/" L("fail/03-verify_flash.log"), w.results) > 0);
	cr_assert_eq(unlink(link), 0);
	cr_assert_eq(symlink(secret, link), 0);
	char *text = write_profile(&w, HIL_JUNIT_JENKINS, 0);
	cr_assert_null(strstr(text, "secret"), "a symlinked log is not followed");
	cr_assert(strstr(text, "log: results/r1/logs/b1/fail/03-verify_flash.log"), "its path is still named");
	free(text);
	free(secret);
	free(link);
}

Test(junit, attachment_base_option_sets_the_paths_of_every_command)
{
	struct ws w = workspace();
	char *out = NULL, *text = NULL, *path = NULL;
	size_t len;
	char *report[] = { HIL_BINARY, "--attachment-base", w.root, "report", w.results, NULL };
	char *bad[] = { HIL_BINARY, "--attachment-base", "/nonexistent-base", "report", w.results, NULL };

	int rc = test_spawn(report, &out);
	cr_assert(rc == 1 || rc == 3, "report ran (exit %d): %s", rc, out);
	free(out);
	cr_assert(asprintf(&path, "%s/junit.xml", w.results) > 0);
	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 24), 0);
	cr_assert(strstr(text, "[[ATTACHMENT|results/r1/logs/b1/fail/03-verify_flash.log]]"), "%s", text);
	cr_assert_eq(test_spawn(bad, &out), 2, "a base that is not a folder is refused");
	cr_assert(strstr(out, "is not a folder"));
	free(out);
	free(text);
	free(path);
}
