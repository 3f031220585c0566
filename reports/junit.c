/* JUnit writer; see junit.h. libxml2's text writer does the escaping and
 * streams to the file (junit.xml of 100 000 installs is tens of MB);
 * hil_xml_clean() removes what XML cannot carry at all. A board's
 * installs are read from the model several times (suite counts, RSS
 * values, testcases, and the strict profile's suite output): each is
 * cheap, none parses JSON. */
#include "reports/junit.h"
#include "reports/case_explain.h"
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

static void join_rss(struct hil_strbuf *b, const char *const *rss, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hil_strbuf_printf(b, "%s%s", i ? "," : "", hil_results_text(rss[i]));
}

static bool same_text(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* The distinct RSS values a board's installs reported. */
static int board_rss_values(struct hil_strbuf *b, const struct hil_results *res, size_t board)
{
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	char **seen = NULL;
	size_t n = 0;
	int rc;

	hil_results_cases_open(&cur, res, board);
	while ((rc = hil_results_cases_next(cur, &c)) > 0)
		for (size_t k = 0; k < c->rss_count; k++) {
			bool dup = false;
			for (size_t j = 0; j < n && !dup; j++)
				dup = same_text(seen[j], c->rss[k]);
			if (dup)
				continue;
			seen = hil_xrealloc(seen, (n + 1) * sizeof(*seen));
			seen[n++] = c->rss[k] ? hil_xstrdup(c->rss[k]) : NULL;
		}
	hil_results_cases_close(cur);
	join_rss(b, (const char *const *)seen, n);
	for (size_t j = 0; j < n; j++)
		free(seen[j]);
	free(seen);
	return rc;
}

static int board_properties(xmlTextWriterPtr w, const struct hil_results *res, size_t board)
{
	const struct hil_results_board *b = &res->boards[board];
	struct hil_strbuf rss = HIL_STRBUF_INIT;
	int rc;

	/* property name, then the board record's field */
	static const struct { const char *name; int field; } from_board[] = {
		{ "board_kind", HIL_RB_KIND }, { "probe_serial", HIL_RB_PROBE_SERIAL },
		{ "device_id", HIL_RB_DEVICE_ID }, { "bl_version", HIL_RB_BL_VERSION },
		{ "revision", HIL_RB_REVISION }, { "rss_version", HIL_RB_RSS_VERSION },
		{ "chip_uid", HIL_RB_CHIP_UID }, { "power_check", HIL_RB_POWER_CHECK },
	};

	xmlTextWriterStartElement(w, BAD_CAST "properties");
	property(w, "campaign", hil_results_text(res->campaign));
	property(w, "board", b->name);
	for (size_t i = 0; i < sizeof(from_board) / sizeof(*from_board); i++)
		property(w, from_board[i].name, hil_results_text(b->field[from_board[i].field]));
	rc = board_rss_values(&rss, res, board);
	property(w, "rss_values", hil_strbuf_str(&rss));
	hil_strbuf_free(&rss);
	xmlTextWriterEndElement(w);
	return rc;
}

/* Earlier attempts (infrastructure errors that were retried), Surefire
 * style: rerunError after a final error, flakyError when a retry came
 * through. junit-10.xsd accepts both; strict Ant readers ignore them. */
static void case_attempts(xmlTextWriterPtr w, const struct hil_results_case *c)
{
	const char *element = strcmp(c->verdict, "error") ? "flakyError" : "rerunError";

	for (size_t i = 0; i < c->attempt_count; i++) {
		xmlTextWriterStartElement(w, BAD_CAST element);
		attr(w, "type", c->attempts[i].cls);
		attr(w, "message", c->attempts[i].message);
		xmlTextWriterEndElement(w);
	}
}

static void case_outcome(xmlTextWriterPtr w, const struct hil_results_case *c)
{
	const char *verdict = c->verdict, *element = NULL;

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
		attr(w, "type", c->cls);
	const struct hil_catalogue_entry *e = hil_case_explanation(c);
	if (e) { /* the catalogue's first sentence, after the harness's own words */
		char brief[256];
		char *message = hil_xasprintf("%s%s%s", c->message, c->message[0] ? " — " : "",
					      hil_catalogue_brief(e, brief, sizeof(brief)));
		attr(w, "message", message);
		free(message);
	} else {
		attr(w, "message", c->message);
	}
	xmlTextWriterEndElement(w);
}

static void case_details(struct hil_strbuf *out, const struct hil_results_case *c)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	hil_strbuf_printf(&b, "verdict: %s\nclass: %s\nrss: ", c->verdict, c->cls);
	join_rss(&b, c->rss, c->rss_count);
	hil_strbuf_printf(&b, "\nexpected: %s%s%s\n", c->expected_result, c->expected_class ? " " : "",
			  hil_results_text(c->expected_class));
	if (c->message[0])
		hil_strbuf_printf(&b, "%s: %s\n", c->verdict, c->message);
	const struct hil_catalogue_entry *e = hil_case_explanation(c);
	if (e)
		hil_strbuf_printf(&b, "explain (%s, %s): %s Next: %s Source: %s.\n", e->who,
				  e->confidence, e->meaning, e->next, e->source);
	if (c->has_image)
		hil_strbuf_printf(&b, "image: %s sha256 %s, protocol %lld, %lld areas\n", c->image_path,
				  c->image_sha256, c->image_protocol, c->image_areas);
	for (size_t i = 0; i < c->step_count; i++) {
		const struct hil_results_step *st = &c->steps[i];
		hil_strbuf_printf(&b, "step %s: %s (%.3f s)%s%s\n", st->kind, st->cls, st->duration_s,
				  st->message[0] ? " — " : "", st->message);
		if (st->log[0])
			hil_strbuf_printf(&b, "[[ATTACHMENT|%s]]\n", st->log);
	}
	hil_strbuf_puts(out, hil_strbuf_str(&b));
	hil_strbuf_free(&b);
}

struct suite_counts {
	size_t tests;
	unsigned failures, errors, skipped;
	double time;
};

static int suite_counts(const struct hil_results *res, size_t board, struct suite_counts *n)
{
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	int rc;

	memset(n, 0, sizeof(*n));
	hil_results_cases_open(&cur, res, board);
	while ((rc = hil_results_cases_next(cur, &c)) > 0) {
		n->tests++;
		n->failures += !strcmp(c->verdict, "fail") || !strcmp(c->verdict, "xpass");
		n->errors += !strcmp(c->verdict, "error");
		n->skipped += !strcmp(c->verdict, "skip");
		n->time += c->duration_s;
	}
	hil_results_cases_close(cur);
	return rc;
}

static void testcase(xmlTextWriterPtr w, const struct hil_results *res, const char *board,
		     const struct hil_results_case *c, enum hil_junit_profile profile)
{
	char classname[256], name[512];
	struct hil_strbuf details = HIL_STRBUF_INIT;
	bool gitlab = profile == HIL_JUNIT_GITLAB;

	snprintf(classname, sizeof(classname), "%s%s%s", hil_results_text(res->campaign),
		 gitlab ? "/" : ".", board);
	/* GitLab keeps only the first of two equal names: make them unique */
	snprintf(name, sizeof(name), "%s%s%s", gitlab ? board : "", gitlab ? ": " : "", c->name);
	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	attr(w, "name", name);
	attr(w, "classname", classname);
	attrf(w, "time", "%.3f", c->duration_s);
	case_outcome(w, c);
	if (profile != HIL_JUNIT_STRICT) {
		case_details(&details, c);
		if (profile == HIL_JUNIT_JENKINS)
			case_attempts(w, c);
		text_element(w, "system-out", hil_strbuf_str(&details));
	}
	hil_strbuf_free(&details);
	xmlTextWriterEndElement(w);
}

/* The suite's system-out: every install's details in the strict profile
 * (which allows no per-case output), else empty. Written piece by piece;
 * each piece ends in a newline, so cleaning them one by one is cleaning
 * the whole. */
static int suite_output(xmlTextWriterPtr w, const struct hil_results *res, size_t board,
			enum hil_junit_profile profile)
{
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	int rc = 0;

	xmlTextWriterStartElement(w, BAD_CAST "system-out");
	xmlTextWriterWriteString(w, BAD_CAST "");
	if (profile == HIL_JUNIT_STRICT) {
		hil_results_cases_open(&cur, res, board);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			struct hil_strbuf piece = HIL_STRBUF_INIT;
			hil_strbuf_printf(&piece, "== %s\n", c->name);
			case_details(&piece, c);
			char *clean = hil_xml_clean(piece.buf, piece.len);
			xmlTextWriterWriteString(w, BAD_CAST clean);
			free(clean);
			hil_strbuf_free(&piece);
		}
		hil_results_cases_close(cur);
	}
	xmlTextWriterEndElement(w);
	return rc;
}

static int board_suite(xmlTextWriterPtr w, const struct hil_results *res, size_t board,
		       enum hil_junit_profile profile)
{
	const char *name = res->boards[board].name;
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	struct suite_counts n;
	int rc;

	if ((rc = suite_counts(res, board, &n)) < 0)
		return rc;
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	attr(w, "name", name);
	attrf(w, "tests", "%.0f", (double)n.tests);
	attrf(w, "failures", "%.0f", n.failures);
	attrf(w, "errors", "%.0f", n.errors);
	attrf(w, "skipped", "%.0f", n.skipped);
	attrf(w, "time", "%.3f", n.time);
	attr(w, "timestamp", hil_results_text(res->started));
	attr(w, "hostname", res->host && res->host[0] ? res->host : "localhost");
	attrf(w, "id", "%.0f", (double)board);
	attr(w, "package", hil_results_text(res->campaign));
	if ((rc = board_properties(w, res, board)) < 0)
		return rc;
	hil_results_cases_open(&cur, res, board);
	while ((rc = hil_results_cases_next(cur, &c)) > 0)
		testcase(w, res, name, c, profile);
	hil_results_cases_close(cur);
	if (rc < 0 || (rc = suite_output(w, res, board, profile)) < 0)
		return rc;
	text_element(w, "system-err", "");
	xmlTextWriterEndElement(w);
	return 0;
}

int hil_junit_profile_from_name(const char *name)
{
	static const char *const names[] = { "jenkins", "gitlab", "strict" };

	for (int i = 0; i < 3; i++)
		if (name && !strcmp(name, names[i]))
			return i;
	return -1;
}

static int write_to_file(void *context, const char *buf, int len)
{
	return fwrite(buf, 1, (size_t)len, context) == (size_t)len ? len : -1;
}

/* The testsuites' time: every install's, board after board, in one sum. */
static int total_time(const struct hil_results *res, double *time)
{
	int rc = 0;

	*time = 0;
	for (size_t i = 0; i < res->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, res, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0)
			*time += c->duration_s;
		hil_results_cases_close(cur);
	}
	return rc;
}

int hil_report_junit_write(const struct hil_results *results, const char *path,
			   enum hil_junit_profile profile)
{
	const unsigned long *totals = results->totals;
	struct hil_atomic_file af;
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;
	double time;
	int error;

	if ((error = total_time(results, &time)) < 0 || (error = hil_atomic_open(&af, path)) < 0)
		return error;
	out = xmlOutputBufferCreateIO(write_to_file, NULL, af.f, NULL);
	if (!out || !(w = xmlNewTextWriter(out))) {
		if (out)
			xmlOutputBufferClose(out);
		hil_atomic_abort(&af);
		return hil_error_set(HIL_ENOMEM, "junit: cannot create XML writer");
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	if (profile != HIL_JUNIT_STRICT) { /* the Ant schema allows no attributes here */
		double tests = 0;
		attr(w, "name", hil_results_text(results->campaign));
		attrf(w, "time", "%.3f", time);
		for (int v = 0; v < HIL_VERDICT_COUNT; v++)
			tests += (double)totals[v];
		attrf(w, "tests", "%.0f", tests);
		attrf(w, "failures", "%.0f", (double)(totals[HIL_VERDICT_FAIL] + totals[HIL_VERDICT_XPASS]));
		attrf(w, "errors", "%.0f", (double)totals[HIL_VERDICT_ERROR]);
	}
	for (size_t i = 0; i < results->board_count && !error; i++)
		error = board_suite(w, results, i, profile);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w); /* flushes and closes @out */
	if (error < 0) {
		hil_atomic_abort(&af);
		return error;
	}
	return hil_atomic_commit(&af);
}
