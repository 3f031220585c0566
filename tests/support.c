/* Test helpers; see support.h. */
#include "support.h"
#include "harness/util/fileutil.h"
#include "harness/cli/cli.h"
#include "reports/results.h"
#include "reports/summary_json.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = hil_xasprintf("%s/sfi-test.XXXXXX", base && base[0] ? base : "/tmp");

	cr_assert_not_null(mkdtemp(tmpl), "mkdtemp failed");
	return tmpl;
}

char *test_write(const char *dir, const char *name, const char *content)
{
	char *path = hil_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(content, f);
	fclose(f);
	return path;
}

bool test_diag_has(const struct hil_diag *d, const char *needle)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->lines[i], needle))
			return true;
	return false;
}

const char *test_diag_text(const struct hil_diag *d)
{
	static struct hil_strbuf b;

	hil_strbuf_free(&b);
	for (size_t i = 0; i < d->count; i++)
		hil_strbuf_printf(&b, "%s\n", d->lines[i]);
	return hil_strbuf_str(&b);
}

const char *test_shared_dir(const char *why)
{
	const char *dir = getenv("SFI_HARNESS_SHARED") ? getenv("SFI_HARNESS_SHARED") : HIL_SHARED_DIR;
	struct stat st;

	/* SFI_HARNESS_SHARED=none runs the suite as a user's clone would. */
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	fprintf(stderr, "SKIPPED (no ../shared beside the project): %s\n", why);
	return NULL;
}

int test_spawn(char *const argv[], char **output_out)
{
	char *dir = test_tmpdir();
	char *log = hil_xasprintf("%s/output", dir);
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;
	size_t len;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0 &&
	    waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	posix_spawn_file_actions_destroy(&fa);
	FILE *f = fopen(log, "r");
	struct hil_strbuf b = HIL_STRBUF_INIT;
	char buf[4096];
	while (f && (len = fread(buf, 1, sizeof(buf), f)) > 0)
		hil_strbuf_put(&b, buf, len);
	if (f)
		fclose(f);
	*output_out = hil_strbuf_detach(&b);
	unlink(log);
	rmdir(dir);
	free(log);
	free(dir);
	return status;
}

bool test_alive(pid_t pid)
{
	char path[64], state = 0;
	FILE *f;

	if (kill(pid, 0) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "r")))
		return false;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state && state != 'Z';
}

pid_t test_spawn_quiet(char *const argv[])
{
	return test_spawn_to(argv, "/dev/null");
}

pid_t test_spawn_to(char *const argv[], const char *output)
{
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0, "cannot start %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

void test_isolate_locks(void)
{
	char *dir = test_tmpdir();

	setenv("SFI_HARNESS_LOCK_DIR", dir, 1);
	free(dir);
}

void test_validate_xml(const char *xml, const char *xsd_name)
{
	const char *shared = test_shared_dir("XML schema validation");
	char *xsd = NULL;

	if (!shared)
		return;
	cr_assert(asprintf(&xsd, "%s/schemas/%s", shared, xsd_name) > 0);
	xmlDocPtr doc = xmlReadFile(xml, NULL, XML_PARSE_NONET);
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd);
	xmlSchemaPtr schema = xmlSchemaParse(pctx);
	xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
	cr_assert_not_null(doc, "%s is not well-formed", xml);
	cr_assert_eq(xmlSchemaValidateDoc(vctx, doc), 0, "%s is not valid against %s", xml, xsd_name);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	xmlFreeDoc(doc);
	free(xsd);
}

/* Journal text may be anything a tool printed (not UTF-8): kept as is. */
static json_t *text(const char *s)
{
	return s ? json_string_nocheck(s) : json_null();
}

static json_t *case_json(const struct hil_results_case *c)
{
	json_t *rss = json_array(), *steps = json_array(), *attempts = json_null();

	for (size_t i = 0; i < c->rss_count; i++)
		json_array_append_new(rss, text(c->rss[i]));
	for (size_t i = 0; i < c->step_count; i++) {
		const struct hil_results_step *st = &c->steps[i];
		json_array_append_new(steps, json_pack("{s:s, s:s, s:o, s:s, s:f, s:f, s:f}", "kind",
						       st->kind, "class", st->cls, "message", text(st->message),
						       "log", st->log, "duration_s", st->duration_s,
						       "t0", st->t0, "t1", st->t1));
	}
	if (c->attempt_count) {
		attempts = json_array();
		for (size_t i = 0; i < c->attempt_count; i++)
			json_array_append_new(attempts, json_pack("{s:s, s:o}", "class", c->attempts[i].cls,
								  "message", text(c->attempts[i].message)));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:o}, s:f, s:o, s:o}",
			 "board", c->board, "case", c->name, "cell", c->cell, "verdict", c->verdict,
			 "class", c->cls, "message", text(c->message), "rss", rss, "expected", "result",
			 c->expected_result, "class", text(c->expected_class), "duration_s",
			 c->duration_s, "attempts", attempts, "steps", steps);
}

json_t *test_results_json(const struct hil_results *r)
{
	json_t *res = hil_report_summary_json(r);

	for (size_t i = 0; i < r->board_count; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		json_t *cases = json_array();
		cr_assert_eq(hil_results_cases_open(&cur, r, i), 0);
		while (hil_results_cases_next(cur, &c) > 0)
			json_array_append_new(cases, case_json(c));
		hil_results_cases_close(cur);
		json_object_set_new(json_array_get(json_object_get(res, "boards"), i), "cases", cases);
	}
	return res;
}

int test_run_plan(const struct hil_plan *plan, const struct hil_run_opts *opts, int *code,
		  json_t **res_out)
{
	struct hil_results *r = hil_results_new(true);
	int error = hil_cli_run_plan(plan, opts, r, code);

	if (res_out)
		*res_out = error ? NULL : test_results_json(r);
	hil_results_free(r);
	return error;
}

int test_run_summary(char *const argv[], const char *out_dir, json_t **summary, char **output)
{
	char *path = NULL, *out = NULL;
	int code = test_spawn(argv, &out);

	cr_assert(asprintf(&path, "%s/summary.json", out_dir) > 0);
	*summary = json_load_file(path, 0, NULL);
	cr_assert_not_null(*summary, "no %s: exit %d\n%s", path, code, out);
	free(path);
	if (output)
		*output = out;
	else
		free(out);
	return code;
}

const json_t *test_cell(const json_t *results, const char *board, const char *label)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(results, "cells"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "board")), board) &&
		    !strcmp(json_string_value(json_object_get(c, "cell")), label))
			return c;
	cr_assert_fail("no cell %s / %s", board, label);
	return NULL;
}

size_t test_cases_in(const char *out)
{
	char *path = NULL, *text = NULL;
	size_t len = 0, n = 0;

	cr_assert(asprintf(&path, "%s/journal.jsonl", out) > 0);
	if (hil_read_file(&text, &len, path, 16 << 20) == 0)
		for (char *p = text; (p = strstr(p, "\"type\":\"case\"")); p++)
			n++;
	free(text);
	free(path);
	return n;
}
