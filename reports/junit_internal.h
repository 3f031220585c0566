/* Shared by the JUnit writer's files (reports/junit*.c), nothing else:
 * junit.c writes the document and its suites, junit_case.c one testcase,
 * junit_text.c the texts a testcase carries (outcome text, paths, logs). */
#ifndef HIL_REPORTS_JUNIT_INTERNAL_H
#define HIL_REPORTS_JUNIT_INTERNAL_H

#include "harness/util/strbuf.h"
#include "reports/junit.h"

#include <libxml/xmlwriter.h>
#include <stdbool.h>

/* How much a case says, lowered step by step when the file would be over
 * its size limit (docs/reading-reports.md, "Size"). */
enum hil_junit_trim {
	HIL_JUNIT_TRIM_NONE,      /* everything */
	HIL_JUNIT_TRIM_TAILS,     /* no transcript tails; passing cases without output */
	HIL_JUNIT_TRIM_BRIEF,     /* outcome text cut to its first lines; one attachment */
};

struct hil_junit_ctx {
	enum hil_junit_profile profile;
	enum hil_junit_trim trim;
	const struct hil_results *res;
	char *dir;                /* the results folder (real path) */
	char *shown;              /* the folder as attachment paths name it */
	char *base;               /* the attachment base (real path) */
	char *scenario;           /* the scenario file as written in `file` */
};

/* One attempt's steps: [first, end) of c->steps, and the step it stopped
 * at (end - 1 when a step failed, SIZE_MAX when all passed). */
struct hil_junit_span {
	size_t first, end, failed;
};

/* Splits @c's steps into its attempts (the retried ones, then the last),
 * into @spans (c->attempt_count + 1 of them). False when the steps do not
 * divide into that many attempts (then the last span holds every step). */
bool hil_junit_spans(const struct hil_results_case *c, struct hil_junit_span *spans);

/* @log (a step record's path: relative to the results folder, or absolute)
 * as written in the report: relative to the attachment base when it is
 * under it, else absolute. Free it. */
char *hil_junit_path(const struct hil_junit_ctx *ctx, const char *log);

/* "[[ATTACHMENT|path]]\n" for @log (or "log: path\n" when the path has a
 * character the tag cannot carry). */
void hil_junit_attachment(struct hil_strbuf *b, const struct hil_junit_ctx *ctx, const char *log);

/* The text of an outcome element (failure, error, skipped, the stackTrace
 * of an earlier attempt) for the steps in @span of @c: what went wrong,
 * the board, the tool's last "Error:" line, the catalogue's explanation,
 * the transcript's tail. @final: the install's last attempt (@cls and
 * @message are then the case's, else the attempt's own). */
void hil_junit_outcome_text(struct hil_strbuf *b, const struct hil_junit_ctx *ctx,
			    const struct hil_results_board *board, const struct hil_results_case *c,
			    const struct hil_junit_span *span, bool final, const char *cls,
			    const char *message);

/* The steps of @span, one line each, with their attachments (the failing
 * step's first). */
void hil_junit_steps_text(struct hil_strbuf *b, const struct hil_junit_ctx *ctx,
			  const struct hil_results_case *c, const struct hil_junit_span *span);

/* The reason of an expected failure: the text after "expected failure: "
 * in the case's message (harness/config/expect.c writes it there), else
 * the class. */
const char *hil_junit_xfail_reason(const struct hil_results_case *c);

/* XML output through reports/xml_text.h: every value is cleaned. */
void hil_junit_attr(xmlTextWriterPtr w, const char *name, const char *value);
void hil_junit_attr_num(xmlTextWriterPtr w, const char *name, const char *fmt, double v);
void hil_junit_element(xmlTextWriterPtr w, const char *name, const char *text);
void hil_junit_property(xmlTextWriterPtr w, const char *name, const char *value);

/* One testcase of @board. */
void hil_junit_testcase(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx,
			const struct hil_results_board *board, const struct hil_results_case *c);

/* "0x16,0x17" */
void hil_junit_join_rss(struct hil_strbuf *b, const char *const *rss, size_t n);

#endif
