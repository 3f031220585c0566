/* Reports from a journal: JUnit (well-formed, and valid against Jenkins'
 * junit-10.xsd when ../shared is there), summary.json, cell statistics. */
#include "harness/journal/journal.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "reports/xml_text.h"
#include "harness/util/strbuf.h"
#include "support.h"

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

static json_t *journal_records(void)
{
	json_t *r = json_array();

	json_array_append_new(r, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "type", "campaign", "campaign",
					   "c", "rack", "sim", "started", "2026-11-25T10:00:00",
					   "host", "lab", "xpass_fails", 1));
	json_array_append_new(r, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "board", "board", "b91",
					   "kind", "k", "probe_serial", "01", "device_id", "0x480",
					   "bl_version", "0x91"));
	for (int i = 1; i <= 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "install run %02d", i);
		json_array_append_new(r, json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s,s:f}", "type", "step",
						   "board", "b91", "case", name, "kind", "sfi_install",
						   "class", "rss_error", "rss", "0x16", "log",
						   "logs/b91/x.log", "duration_s", 1.5));
		json_array_append_new(r, json_pack("{s:s,s:s,s:s,s:s,s:{},s:s,s:s,s:[s],s:{s:s},s:s,s:f}",
						   "type", "case", "board", "b91", "case", name,
						   "cell", "", "params", "verdict", i == 3 ? "error" : "xfail",
						   "class", i == 3 ? "timeout" : "rss_error", "rss", "0x16",
						   "expected", "result", "fail", "message", "",
						   "duration_s", 1.5));
		/* The worst a transcript can hold: control bytes, broken UTF-8. */
		json_object_set_new(json_array_get(r, json_array_size(r) - 1), "message",
				    json_string_nocheck("bad \x01\x1b[31m bytes \xff\xfe end"));
	}
	json_array_append_new(r, json_pack("{s:s,s:s,s:b}", "type", "end", "finished",
					   "2026-11-25T10:01:00", "interrupted", 0));
	return r;
}

/* The model of @records, fed one at a time as merge does. */
static struct hil_results *model_of(const json_t *records)
{
	struct hil_results *r = hil_results_new(true);
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec)
		cr_assert_eq(hil_results_add(r, rec), 0);
	hil_results_finish(r);
	return r;
}

Test(reports, cells_totals_and_exit_code)
{
	json_t *records = journal_records();
	struct hil_results *model = model_of(records);
	json_t *res = test_results_json(model);

	hil_results_free(model);
	json_t *cell = json_array_get(json_object_get(res, "cells"), 0);
	cr_assert_eq(json_integer_value(json_object_get(cell, "runs")), 2);
	cr_assert_eq(json_integer_value(json_object_get(cell, "failures")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(cell, "verdict")), "error");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(res, "totals"), "xfail")), 2);
	cr_assert_eq(json_integer_value(json_object_get(res, "exit_code")), 3);
	json_t *c0 = json_array_get(json_object_get(json_array_get(json_object_get(res, "boards"), 0),
						   "cases"), 0);
	cr_assert_eq(json_array_size(json_object_get(c0, "steps")), 1);
	json_decref(res);
	json_decref(records);
}

Test(reports, xml_clean_shows_controls_and_bad_utf8_visibly)
{
	char *s = hil_xml_clean("a\x01" "b\tc\xff" "d\xc3\xa9\n\0" "e", 12);

	cr_assert_str_eq(s, "a\\x01b\tc\\xFFd\xc3\xa9\n\\x00e");
	free(s);
	s = hil_xml_clean("rtl\xe2\x80\xae" "x\xc2\x9b" "y\xe2\x81\xa6" "z\xe2\x80\x8f", 17);
	cr_assert_str_eq(s, "rtl\\u202Ex\\u009By\\u2066z\\u200F");
	free(s);
}

Test(reports, xml_escape_ends_no_attribute_and_starts_no_element)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	hil_xml_escape(&b, "x\"><script>'&\xe2\x80\xae\x1b[2J");
	cr_assert_str_eq(hil_strbuf_str(&b), "x&quot;&gt;&lt;script&gt;&#39;&amp;\\u202E\\x1B[2J");
	hil_strbuf_free(&b);
}

static xmlDocPtr write_junit(char **path_out)
{
	json_t *records = journal_records();
	struct hil_results *res = model_of(records);
	char *dir = test_tmpdir();
	char *path = NULL;

	cr_assert(asprintf(&path, "%s/junit.xml", dir) > 0);
	/* attachment paths relative to the results folder (the base given) */
	struct hil_junit_opts opts = { .profile = HIL_JUNIT_JENKINS, .attachment_base = dir };
	cr_assert_eq(hil_report_junit_write_opts(res, path, &opts), 0);
	hil_results_free(res);
	json_decref(records);
	free(dir);
	*path_out = path;
	return xmlReadFile(path, NULL, XML_PARSE_NONET);
}

Test(reports, junit_is_well_formed_with_errors_and_properties)
{
	char *path;
	xmlDocPtr doc = write_junit(&path);

	cr_assert_not_null(doc, "junit.xml is not well-formed XML");
	xmlNodePtr suites = xmlDocGetRootElement(doc);
	cr_assert_str_eq((const char *)suites->name, "testsuites");
	xmlChar *errors = xmlGetProp(suites, BAD_CAST "errors");
	cr_assert_str_eq((const char *)errors, "1");
	xmlFree(errors);
	char *text = NULL;
	size_t n;
	FILE *f = fopen(path, "r");
	text = calloc(1, 1 << 16);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	cr_assert_gt(n, 0);
	cr_assert(strstr(text, "<error type=\"timeout\""), "%s", text);
	cr_assert(strstr(text, "<property name=\"bl_version\" value=\"0x91\"/>"));
	cr_assert(strstr(text, "<property name=\"rss_values\" value=\"0x16\"/>"));
	cr_assert(strstr(text, "[[ATTACHMENT|logs/b91/x.log]]"));
	cr_assert(strstr(text, "time=\"1.500\""));
	free(text);
	xmlFreeDoc(doc);
	free(path);
}

Test(reports, junit_validates_against_jenkins_junit_10_xsd)
{
	char *path;

	if (!test_shared_dir("JUnit schema validation (junit-10.xsd)"))
		cr_skip_test("no ../shared");
	xmlFreeDoc(write_junit(&path));
	test_validate_xml(path, "junit-10.xsd");
	free(path);
}

Test(reports, journal_round_trip_survives_a_torn_last_line)
{
	char *dir = test_tmpdir(), *path = NULL;
	struct hil_journal *j;
	json_t *records = NULL;

	cr_assert(asprintf(&path, "%s/journal.jsonl", dir) > 0);
	cr_assert_eq(hil_journal_open(&j, path), 0);
	cr_assert_eq(hil_journal_append(j, json_pack("{s:s}", "type", "campaign")), 0);
	cr_assert_eq(hil_journal_append(j, json_pack("{s:s}", "type", "end")), 0);
	hil_journal_close(j);
	FILE *f = fopen(path, "a");
	fputs("{\"type\":\"ca", f); /* crash mid-write */
	fclose(f);
	cr_assert_eq(hil_journal_read(&records, path), 0);
	cr_assert_eq(json_array_size(records), 2);
	json_decref(records);
	free(path);
	free(dir);
}
