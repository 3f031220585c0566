/* JUnit writer; see junit.h. libxml2's text writer does the escaping;
 * hil_xml_clean() removes what XML cannot carry at all. */
#include "reports/junit.h"
#include "reports/case_explain.h"
#include "reports/results.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"
#include "reports/xml_text.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = hil_xml_clean(value, strlen(value));

	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

static void attrf(xmlTextWriterPtr w, const char *name, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST buf);
}

static void text_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *clean = hil_xml_clean(text, strlen(text));

	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

static void property(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlTextWriterStartElement(w, BAD_CAST "property");
	attr(w, "name", name);
	attr(w, "value", value);
	xmlTextWriterEndElement(w);
}

static void join_array(struct hil_strbuf *b, const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		hil_strbuf_printf(b, "%s%s", i ? "," : "", json_string_value(v) ? json_string_value(v) : "");
}

/* The distinct RSS values a board's installs reported. */
static void board_rss_values(struct hil_strbuf *b, const json_t *cases)
{
	json_t *seen = json_array(), *c, *v;
	size_t i, k;

	json_array_foreach(cases, i, c)
		json_array_foreach(json_object_get(c, "rss"), k, v) {
			bool dup = false;
			size_t j;
			json_t *s;
			json_array_foreach(seen, j, s)
				dup = dup || json_equal(s, v);
			if (!dup)
				json_array_append(seen, v);
		}
	join_array(b, seen);
	json_decref(seen);
}

static void board_properties(xmlTextWriterPtr w, const json_t *res, const json_t *board,
			     const json_t *cases)
{
	struct hil_strbuf rss = HIL_STRBUF_INIT;

	/* property name, then the board record's key */
	static const char *const from_board[][2] = {
		{ "board", "board" }, { "board_kind", "kind" }, { "probe_serial", "probe_serial" },
		{ "device_id", "device_id" }, { "bl_version", "bl_version" },
		{ "revision", "revision" }, { "rss_version", "rss_version" },
		{ "chip_uid", "chip_uid" }, { "power_check", "power_check" },
	};

	xmlTextWriterStartElement(w, BAD_CAST "properties");
	property(w, "campaign", str(res, "campaign"));
	for (size_t i = 0; i < sizeof(from_board) / sizeof(*from_board); i++)
		property(w, from_board[i][0], str(board, from_board[i][1]));
	board_rss_values(&rss, cases);
	property(w, "rss_values", hil_strbuf_str(&rss));
	hil_strbuf_free(&rss);
	xmlTextWriterEndElement(w);
}

/* Earlier attempts (infrastructure errors that were retried), Surefire
 * style: rerunError after a final error, flakyError when a retry came
 * through. junit-10.xsd accepts both; strict Ant readers ignore them. */
static void case_attempts(xmlTextWriterPtr w, const json_t *c)
{
	const char *element = strcmp(str(c, "verdict"), "error") ? "flakyError" : "rerunError";
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(c, "attempts"), i, a) {
		xmlTextWriterStartElement(w, BAD_CAST element);
		attr(w, "type", str(a, "class"));
		attr(w, "message", str(a, "message"));
		xmlTextWriterEndElement(w);
	}
}

static void case_outcome(xmlTextWriterPtr w, const json_t *c)
{
	const char *verdict = str(c, "verdict"), *element = NULL;

	if (!strcmp(verdict, "fail") || !strcmp(verdict, "xpass"))
		element = "failure";
	else if (!strcmp(verdict, "error"))
		element = "error";
	else if (!strcmp(verdict, "skip"))
		element = "skipped";
	if (!element)
		return;
	xmlTextWriterStartElement(w, BAD_CAST element);
	if (strcmp(element, "skipped") != 0)
		attr(w, "type", str(c, "class"));
	const struct hil_catalogue_entry *e = hil_case_explanation(c);
	if (e) { /* the catalogue's first sentence, after the harness's own words */
		char brief[256];
		char *message = hil_xasprintf("%s%s%s", str(c, "message"),
					      str(c, "message")[0] ? " — " : "",
					      hil_catalogue_brief(e, brief, sizeof(brief)));
		attr(w, "message", message);
		free(message);
	} else {
		attr(w, "message", str(c, "message"));
	}
	xmlTextWriterEndElement(w);
}

static void case_details(struct hil_strbuf *out, const json_t *c)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	const json_t *exp = json_object_get(c, "expected");
	size_t i;
	json_t *st;

	hil_strbuf_printf(&b, "verdict: %s\nclass: %s\nrss: ", str(c, "verdict"), str(c, "class"));
	join_array(&b, json_object_get(c, "rss"));
	hil_strbuf_printf(&b, "\nexpected: %s%s%s\n", str(exp, "result"),
			  json_is_string(json_object_get(exp, "class")) ? " " : "", str(exp, "class"));
	if (str(c, "message")[0])
		hil_strbuf_printf(&b, "%s: %s\n", str(c, "verdict"), str(c, "message"));
	const struct hil_catalogue_entry *e = hil_case_explanation(c);
	if (e)
		hil_strbuf_printf(&b, "explain (%s, %s): %s Next: %s Source: %s.\n", e->who,
				  e->confidence, e->meaning, e->next, e->source);
	const json_t *img = json_object_get(c, "image");
	if (json_is_object(img))
		hil_strbuf_printf(&b, "image: %s sha256 %s, protocol %lld, %lld areas\n", str(img, "path"),
				  str(img, "sha256"),
				  (long long)json_integer_value(json_object_get(img, "protocol_version")),
				  (long long)json_integer_value(json_object_get(img, "areas")));
	json_array_foreach(json_object_get(c, "steps"), i, st) {
		hil_strbuf_printf(&b, "step %s: %s (%.3f s)%s%s\n", str(st, "kind"), str(st, "class"),
				  json_number_value(json_object_get(st, "duration_s")),
				  str(st, "message")[0] ? " — " : "", str(st, "message"));
		if (str(st, "log")[0])
			hil_strbuf_printf(&b, "[[ATTACHMENT|%s]]\n", str(st, "log"));
	}
	hil_strbuf_puts(out, hil_strbuf_str(&b));
	hil_strbuf_free(&b);
}

static void board_suite(xmlTextWriterPtr w, const json_t *res, const json_t *board, size_t id,
			enum hil_junit_profile profile)
{
	struct hil_strbuf suite_out = HIL_STRBUF_INIT;
	json_t *cases = hil_results_board_cases(res, board);
	unsigned failures = 0, errors = 0, skipped = 0;
	double time = 0;
	size_t i;
	json_t *c;

	json_array_foreach(cases, i, c) {
		const char *v = str(c, "verdict");
		failures += !strcmp(v, "fail") || !strcmp(v, "xpass");
		errors += !strcmp(v, "error");
		skipped += !strcmp(v, "skip");
		time += json_number_value(json_object_get(c, "duration_s"));
	}
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	attr(w, "name", str(board, "board"));
	attrf(w, "tests", "%.0f", (double)json_array_size(cases));
	attrf(w, "failures", "%.0f", failures);
	attrf(w, "errors", "%.0f", errors);
	attrf(w, "skipped", "%.0f", skipped);
	attrf(w, "time", "%.3f", time);
	attr(w, "timestamp", str(res, "started"));
	attr(w, "hostname", str(res, "host")[0] ? str(res, "host") : "localhost");
	attrf(w, "id", "%.0f", (double)id);
	attr(w, "package", str(res, "campaign"));
	board_properties(w, res, board, cases);
	json_array_foreach(cases, i, c) {
		char classname[256], name[512];
		struct hil_strbuf details = HIL_STRBUF_INIT;
		bool gitlab = profile == HIL_JUNIT_GITLAB;
		snprintf(classname, sizeof(classname), "%s%s%s", str(res, "campaign"), gitlab ? "/" : ".",
			 str(board, "board"));
		/* GitLab keeps only the first of two equal names: make them unique */
		snprintf(name, sizeof(name), "%s%s%s", gitlab ? str(board, "board") : "",
			 gitlab ? ": " : "", str(c, "case"));
		xmlTextWriterStartElement(w, BAD_CAST "testcase");
		attr(w, "name", name);
		attr(w, "classname", classname);
		attrf(w, "time", "%.3f", json_number_value(json_object_get(c, "duration_s")));
		case_outcome(w, c);
		case_details(&details, c);
		if (profile == HIL_JUNIT_STRICT) {
			hil_strbuf_printf(&suite_out, "== %s\n%s", str(c, "case"), hil_strbuf_str(&details));
		} else {
			if (profile == HIL_JUNIT_JENKINS)
				case_attempts(w, c);
			text_element(w, "system-out", hil_strbuf_str(&details));
		}
		hil_strbuf_free(&details);
		xmlTextWriterEndElement(w);
	}
	text_element(w, "system-out", hil_strbuf_str(&suite_out));
	text_element(w, "system-err", "");
	xmlTextWriterEndElement(w);
	hil_strbuf_free(&suite_out);
	json_decref(cases);
}

int hil_junit_profile_from_name(const char *name)
{
	static const char *const names[] = { "jenkins", "gitlab", "strict" };

	for (int i = 0; i < 3; i++)
		if (name && !strcmp(name, names[i]))
			return i;
	return -1;
}

int hil_report_junit_write(const json_t *results, const char *path, enum hil_junit_profile profile)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	const json_t *totals = json_object_get(results, "totals");
	double time = 0;
	size_t i, k;
	json_t *b, *c;
	int error;

	if (!w) {
		xmlBufferFree(buf);
		return hil_error_set(HIL_ENOMEM, "junit: cannot create XML writer");
	}
	json_array_foreach(json_object_get(results, "boards"), i, b) {
		json_t *cases = hil_results_board_cases(results, b);
		json_array_foreach(cases, k, c)
			time += json_number_value(json_object_get(c, "duration_s"));
		json_decref(cases);
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	if (profile != HIL_JUNIT_STRICT) { /* the Ant schema allows no attributes here */
		double tests = 0;
		const char *key;
		json_t *v;
		attr(w, "name", str(results, "campaign"));
		attrf(w, "time", "%.3f", time);
		json_object_foreach((json_t *)totals, key, v)
			tests += (double)json_integer_value(v);
		attrf(w, "tests", "%.0f", tests);
		attrf(w, "failures", "%.0f", (double)(json_integer_value(json_object_get(totals, "fail")) +
						      json_integer_value(json_object_get(totals, "xpass"))));
		attrf(w, "errors", "%.0f", (double)json_integer_value(json_object_get(totals, "error")));
	}
	json_array_foreach(json_object_get(results, "boards"), i, b)
		board_suite(w, results, b, i, profile);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	error = hil_write_file_atomic(path, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	xmlBufferFree(buf);
	return error;
}
