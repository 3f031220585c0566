/* One JUnit testcase; see junit.h for the verdict mapping and
 * junit_internal.h. The order of a testcase's children is Surefire's
 * (surefire-test-report.xsd: failure, rerunFailure, flakyFailure, skipped,
 * error, rerunError, flakyError, system-out), which junit-10.xsd and GitLab
 * accept too. Every value goes through hil_xml_clean() (reports/xml_text.h). */
#include "reports/case_explain.h"
#include "reports/junit_internal.h"
#include "reports/xml_text.h"
#include "harness/transcript/outcome.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hil_junit_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = hil_xml_clean(value, strlen(value));

	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

void hil_junit_attr_num(xmlTextWriterPtr w, const char *name, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST buf);
}

void hil_junit_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *clean = hil_xml_clean(text, strlen(text));

	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

void hil_junit_property(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlTextWriterStartElement(w, BAD_CAST "property");
	hil_junit_attr(w, "name", name);
	hil_junit_attr(w, "value", value);
	xmlTextWriterEndElement(w);
}

static bool is(const char *verdict, const char *name)
{
	return !strcmp(verdict, name);
}

static bool infra_class(const char *cls)
{
	return hil_class_is_infra(hil_class_from_name(cls));
}

/* Jenkins renders a case's properties (junit plugin, keepProperties);
 * only the gitlab profile may carry them: junit-10.xsd, Surefire's and the
 * Ant schema have no <properties> in a testcase. */
static void case_properties(xmlTextWriterPtr w, const struct hil_results_board *board,
			    const struct hil_results_case *c)
{
	struct hil_strbuf rss = HIL_STRBUF_INIT;
	char attempts[32];

	hil_junit_join_rss(&rss, c->rss, c->rss_count);
	snprintf(attempts, sizeof(attempts), "%zu", c->attempt_count + 1);
	xmlTextWriterStartElement(w, BAD_CAST "properties");
	hil_junit_property(w, "verdict", c->verdict);
	hil_junit_property(w, "class", c->cls);
	hil_junit_property(w, "rss", hil_strbuf_str(&rss));
	hil_junit_property(w, "bl_version", hil_results_text(board->field[HIL_RB_BL_VERSION]));
	hil_junit_property(w, "chip_uid", hil_results_text(board->field[HIL_RB_CHIP_UID]));
	hil_junit_property(w, "probe", hil_results_text(board->field[HIL_RB_PROBE_SERIAL]));
	hil_junit_property(w, "image_sha256", c->has_image ? c->image_sha256 : "");
	hil_junit_property(w, "attempts", attempts);
	hil_junit_property(w, "infrastructure", infra_class(c->cls) ? "true" : "false");
	xmlTextWriterEndElement(w);
	hil_strbuf_free(&rss);
}

/* The element of the install's verdict: failure, error, skipped or NULL. */
static const char *outcome_element(const char *verdict)
{
	if (is(verdict, "fail") || is(verdict, "xpass"))
		return "failure";
	if (is(verdict, "error"))
		return "error";
	if (is(verdict, "skip") || is(verdict, "xfail"))
		return "skipped";
	return NULL;
}

static char *outcome_message(const struct hil_results_case *c)
{
	if (is(c->verdict, "xfail"))
		return hil_xasprintf("expected failure: %s", hil_junit_xfail_reason(c));
	if (is(c->verdict, "skip"))
		return hil_xstrdup(c->message[0] ? c->message : "skipped");
	const struct hil_catalogue_entry *e = hil_case_explanation(c);
	if (!e)
		return hil_xstrdup(c->message);
	/* the catalogue's first sentence, after the harness's own words */
	char brief[256];
	return hil_xasprintf("%s%s%s", c->message, c->message[0] ? " — " : "",
			     hil_catalogue_brief(e, brief, sizeof(brief)));
}

static void outcome(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx,
		    const struct hil_results_board *board, const struct hil_results_case *c,
		    const struct hil_junit_span *span, const char *element)
{
	struct hil_strbuf text = HIL_STRBUF_INIT;
	char *message = outcome_message(c);

	xmlTextWriterStartElement(w, BAD_CAST element);
	if (strcmp(element, "skipped") != 0)
		hil_junit_attr(w, "type", c->cls);
	else if (is(c->verdict, "xfail") && ctx->profile == HIL_JUNIT_GITLAB)
		hil_junit_attr(w, "type", "xfail"); /* pytest's pytest.xfail; Surefire's skipped has no type */
	hil_junit_attr(w, "message", message);
	hil_strbuf_printf(&text, "verdict: %s\n", c->verdict);
	if (is(c->verdict, "xfail"))
		hil_strbuf_printf(&text, "%s\n", message);
	hil_junit_outcome_text(&text, ctx, board, c, span, true, c->cls, c->message);
	if (ctx->profile == HIL_JUNIT_STRICT) /* no per-case output: the steps go here */
		hil_junit_steps_text(&text, ctx, c, span);
	char *clean = hil_xml_clean(text.buf, text.len);
	xmlTextWriterWriteString(w, BAD_CAST clean);
	free(clean);
	xmlTextWriterEndElement(w);
	hil_strbuf_free(&text);
	free(message);
}

/* The retried attempts whose element ends in @suffix ("Failure" for a
 * device class, "Error" for an infrastructure one; the engine retries
 * only the latter). flaky: the retry got through; rerun: every attempt
 * ended in an error (Surefire's "Rerun Failing Tests" words). */
static void attempts(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx,
		     const struct hil_results_board *board, const struct hil_results_case *c,
		     const struct hil_junit_span *spans, const char *suffix)
{
	const char *kind = is(c->verdict, "error") ? "rerun" : "flaky";

	for (size_t i = 0; i < c->attempt_count; i++) {
		const struct hil_results_attempt *a = &c->attempts[i];
		if (strcmp(infra_class(a->cls) ? "Error" : "Failure", suffix) != 0)
			continue;
		struct hil_strbuf text = HIL_STRBUF_INIT, out = HIL_STRBUF_INIT;
		char element[32], *message = hil_xasprintf("attempt %zu: %s", i + 1, a->message);
		snprintf(element, sizeof(element), "%s%s", kind, suffix);
		xmlTextWriterStartElement(w, BAD_CAST element);
		hil_junit_attr(w, "type", a->cls);
		hil_junit_attr(w, "message", message);
		hil_strbuf_printf(&text, "attempt %zu of %zu, retried\n", i + 1, c->attempt_count + 1);
		hil_junit_outcome_text(&text, ctx, board, c, &spans[i], false, a->cls, a->message);
		hil_junit_element(w, "stackTrace", hil_strbuf_str(&text));
		if (spans[i].end) /* hil_junit_spans() could tell the attempts apart */
			hil_junit_steps_text(&out, ctx, c, &spans[i]);
		else
			hil_strbuf_puts(&out, "this attempt's steps are not told apart in the journal: "
					      "the case's system-out lists every step\n");
		hil_junit_element(w, "system-out", hil_strbuf_str(&out));
		xmlTextWriterEndElement(w);
		hil_strbuf_free(&text);
		hil_strbuf_free(&out);
		free(message);
	}
}

/* The case's system-out: Jenkins cuts a passing case's to its first and
 * last 500 characters (CaseResult.possiblyTrimStdio), so the verdict and
 * the board come first. */
static void case_output(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx,
			const struct hil_results_board *board, const struct hil_results_case *c,
			const struct hil_junit_span *span)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	const char *const *f = (const char *const *)board->field;

	hil_strbuf_printf(&b, "verdict: %s\nclass: %s\nrss: ", c->verdict, c->cls);
	hil_junit_join_rss(&b, c->rss, c->rss_count);
	hil_strbuf_printf(&b, "\nexpected: %s%s%s\n", c->expected_result, c->expected_class ? " " : "",
			  hil_results_text(c->expected_class));
	hil_strbuf_printf(&b, "board: %s, BL %s, chip UID %s, probe %s\n", board->name,
			  hil_results_text(f[HIL_RB_BL_VERSION]),
			  f[HIL_RB_CHIP_UID] ? f[HIL_RB_CHIP_UID] : "not read",
			  hil_results_text(f[HIL_RB_PROBE_SERIAL]));
	if (c->attempt_count)
		hil_strbuf_printf(&b, "attempts: %zu (%zu retried after an infrastructure error)\n",
				  c->attempt_count + 1, c->attempt_count);
	if (c->has_image)
		hil_strbuf_printf(&b, "image: %s sha256 %s, protocol %lld, %lld areas\n", c->image_path,
				  c->image_sha256, c->image_protocol, c->image_areas);
	hil_junit_steps_text(&b, ctx, c, span);
	hil_junit_element(w, "system-out", hil_strbuf_str(&b));
	hil_strbuf_free(&b);
}

void hil_junit_testcase(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx,
			const struct hil_results_board *board, const struct hil_results_case *c)
{
	enum hil_junit_profile profile = ctx->profile;
	const char *campaign = hil_results_text(ctx->res->campaign);
	const char *element = outcome_element(c->verdict);
	bool gitlab = profile == HIL_JUNIT_GITLAB, strict = profile == HIL_JUNIT_STRICT;
	struct hil_junit_span *spans = hil_xcalloc(c->attempt_count + 1, sizeof(*spans));
	char *classname = hil_xasprintf("%s%s%s", campaign, gitlab ? "/" : ".", board->name);
	/* GitLab keeps only the first of two equal names: make them unique */
	char *name = gitlab ? hil_xasprintf("%s: %s", board->name, c->name) : hil_xstrdup(c->name);

	hil_junit_spans(c, spans);
	const struct hil_junit_span *last = &spans[c->attempt_count];
	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	hil_junit_attr(w, "name", name);
	hil_junit_attr(w, "classname", classname);
	hil_junit_attr_num(w, "time", "%.3f", c->duration_s);
	if (gitlab && ctx->scenario[0]) /* GitLab shows it; the schemas have no testcase file */
		hil_junit_attr(w, "file", ctx->scenario);
	if (gitlab)
		case_properties(w, board, c);
	if (element && !strcmp(element, "failure"))
		outcome(w, ctx, board, c, last, element);
	if (!strict)
		attempts(w, ctx, board, c, spans, "Failure");
	if (element && strcmp(element, "failure") != 0)
		outcome(w, ctx, board, c, last, element);
	if (!strict)
		attempts(w, ctx, board, c, spans, "Error");
	/* GitLab drops a passing case's output: the first thing to go when
	 * the file must shrink */
	bool quiet = gitlab && !element && ctx->trim >= HIL_JUNIT_TRIM_TAILS;
	if (!strict && !quiet)
		case_output(w, ctx, board, c, last);
	xmlTextWriterEndElement(w);
	free(spans);
	free(classname);
	free(name);
}
