/* JUnit writer: the document and its suites; see junit.h (junit_case.c
 * writes a testcase, junit_text.c its texts). libxml2's text writer does
 * the escaping and streams to the file (junit.xml of 100 000 installs is
 * tens of MB); hil_xml_clean() removes what XML cannot carry at all. A
 * board's installs are read from the model several times (suite counts,
 * RSS values, testcases, and the strict profile's suite output): each is
 * cheap, none parses JSON. A file over its size limit is written again
 * with less in it (enum hil_junit_trim), at most twice. */
#include "reports/junit.h"
#include "reports/junit_internal.h"
#include "reports/xml_text.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	hil_junit_join_rss(b, (const char *const *)seen, n);
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
	hil_junit_property(w, "campaign", hil_results_text(res->campaign));
	hil_junit_property(w, "board", b->name);
	for (size_t i = 0; i < sizeof(from_board) / sizeof(*from_board); i++)
		hil_junit_property(w, from_board[i].name,
				   hil_results_text(b->field[from_board[i].field]));
	rc = board_rss_values(&rss, res, board);
	hil_junit_property(w, "rss_values", hil_strbuf_str(&rss));
	/* Surefire's testsuite has no hostname attribute: said here as well */
	hil_junit_property(w, "hostname", res->host && res->host[0] ? res->host : "localhost");
	hil_strbuf_free(&rss);
	xmlTextWriterEndElement(w);
	return rc;
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
		n->skipped += !strcmp(c->verdict, "skip") || !strcmp(c->verdict, "xfail");
		n->time += c->duration_s;
	}
	hil_results_cases_close(cur);
	return rc;
}

/* The strict profile's suite system-out: the passing installs' steps and
 * logs (the Ant schema allows no per-case output; a non-passing install's
 * details are its outcome's text). Written piece by piece; each piece ends
 * in a newline, so cleaning them one by one is cleaning the whole. */
static int strict_suite_output(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx, size_t board)
{
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	int rc;

	xmlTextWriterStartElement(w, BAD_CAST "system-out");
	xmlTextWriterWriteString(w, BAD_CAST "");
	hil_results_cases_open(&cur, ctx->res, board);
	while ((rc = hil_results_cases_next(cur, &c)) > 0) {
		if (strcmp(c->verdict, "pass") != 0 || ctx->trim >= HIL_JUNIT_TRIM_TAILS)
			continue;
		struct hil_strbuf piece = HIL_STRBUF_INIT;
		struct hil_junit_span span = { 0, c->step_count, (size_t)-1 };
		hil_strbuf_printf(&piece, "== %s: pass\n", c->name);
		hil_junit_steps_text(&piece, ctx, c, &span);
		char *clean = hil_xml_clean(piece.buf, piece.len);
		xmlTextWriterWriteString(w, BAD_CAST clean);
		free(clean);
		hil_strbuf_free(&piece);
	}
	hil_results_cases_close(cur);
	xmlTextWriterEndElement(w);
	return rc;
}

static int board_suite(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx, size_t board)
{
	const struct hil_results *res = ctx->res;
	const struct hil_results_board *b = &res->boards[board];
	bool jenkins = ctx->profile == HIL_JUNIT_JENKINS;
	struct hil_results_cursor *cur;
	const struct hil_results_case *c;
	struct suite_counts n;
	int rc;

	if ((rc = suite_counts(res, board, &n)) < 0)
		return rc;
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	hil_junit_attr(w, "name", b->name);
	hil_junit_attr_num(w, "tests", "%.0f", (double)n.tests);
	hil_junit_attr_num(w, "failures", "%.0f", n.failures);
	hil_junit_attr_num(w, "errors", "%.0f", n.errors);
	hil_junit_attr_num(w, "skipped", "%.0f", n.skipped);
	hil_junit_attr_num(w, "time", "%.3f", n.time);
	if (!jenkins || (res->started && res->started[0])) /* Surefire: an xs:dateTime */
		hil_junit_attr(w, "timestamp", hil_results_text(res->started));
	if (!jenkins) { /* not in Surefire's schema */
		hil_junit_attr(w, "hostname", res->host && res->host[0] ? res->host : "localhost");
		hil_junit_attr_num(w, "id", "%.0f", (double)board);
		hil_junit_attr(w, "package", hil_results_text(res->campaign));
	}
	if ((rc = board_properties(w, res, board)) < 0)
		return rc;
	hil_results_cases_open(&cur, res, board);
	while ((rc = hil_results_cases_next(cur, &c)) > 0)
		hil_junit_testcase(w, ctx, b, c);
	hil_results_cases_close(cur);
	if (rc < 0)
		return rc;
	if (ctx->profile == HIL_JUNIT_STRICT && (rc = strict_suite_output(w, ctx, board)) < 0)
		return rc;
	if (ctx->profile == HIL_JUNIT_GITLAB)
		hil_junit_element(w, "system-out", "");
	if (!jenkins) /* Surefire's testsuite has neither */
		hil_junit_element(w, "system-err", "");
	xmlTextWriterEndElement(w);
	return 0;
}

/* An incomplete campaign's JUnit must not read as green: one more suite,
 * "campaign", with one testcase in error saying why (the CI shows it
 * beside the boards' suites; docs/reading-reports.md). */
static void incomplete_suite(xmlTextWriterPtr w, const struct hil_junit_ctx *ctx)
{
	const struct hil_results *res = ctx->res;
	bool jenkins = ctx->profile == HIL_JUNIT_JENKINS;
	char planned[48] = "";

	if (res->installs_planned)
		snprintf(planned, sizeof(planned), " of %llu planned", res->installs_planned);
	char *text = hil_xasprintf("The campaign did not run to its end: %s\n%llu install(s)%s in the "
				   "journal; the results above cover only those.\n", res->why_incomplete,
				   res->installs_done, planned);
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	hil_junit_attr(w, "name", "campaign");
	hil_junit_attr(w, "tests", "1");
	hil_junit_attr(w, "failures", "0");
	hil_junit_attr(w, "errors", "1");
	hil_junit_attr(w, "skipped", "0");
	hil_junit_attr(w, "time", "0.000");
	if (!jenkins || (res->started && res->started[0]))
		hil_junit_attr(w, "timestamp", hil_results_text(res->started));
	if (!jenkins) {
		hil_junit_attr(w, "hostname", res->host && res->host[0] ? res->host : "localhost");
		hil_junit_attr_num(w, "id", "%.0f", (double)res->board_count);
		hil_junit_attr(w, "package", hil_results_text(res->campaign));
	}
	xmlTextWriterStartElement(w, BAD_CAST "properties");
	hil_junit_property(w, "campaign", hil_results_text(res->campaign));
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	hil_junit_attr(w, "name", "campaign complete");
	hil_junit_attr(w, "classname", hil_results_text(res->campaign));
	hil_junit_attr(w, "time", "0.000");
	xmlTextWriterStartElement(w, BAD_CAST "error");
	hil_junit_attr(w, "message", res->why_incomplete);
	hil_junit_attr(w, "type", "incomplete");
	xmlTextWriterWriteString(w, BAD_CAST text);
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	if (ctx->profile == HIL_JUNIT_GITLAB || ctx->profile == HIL_JUNIT_STRICT)
		hil_junit_element(w, "system-out", "");
	if (!jenkins)
		hil_junit_element(w, "system-err", "");
	xmlTextWriterEndElement(w);
	free(text);
}

int hil_junit_profile_from_name(const char *name)
{
	static const char *const names[] = { "jenkins", "gitlab", "strict" };

	for (int i = 0; i < 3; i++)
		if (name && !strcmp(name, names[i]))
			return i;
	return -1;
}

struct sink {
	FILE *f;
	size_t bytes;
};

static int write_to_file(void *context, const char *buf, int len)
{
	struct sink *s = context;

	s->bytes += (size_t)len;
	return fwrite(buf, 1, (size_t)len, s->f) == (size_t)len ? len : -1;
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

/* libxml2 prints its own "I/O error : write error" on stderr when a write
 * fails; the harness says it once, in its words (write_document). */
static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* One pass: the whole document into @af, *bytes its size. */
static int write_document(struct hil_atomic_file *af, const struct hil_junit_ctx *ctx, double time,
			  size_t *bytes)
{
	const struct hil_results *results = ctx->res;
	const unsigned long *totals = results->totals;
	struct sink sink = { af->f, 0 };
	xmlOutputBufferPtr out = xmlOutputBufferCreateIO(write_to_file, NULL, &sink, NULL);
	xmlTextWriterPtr w;
	int error = 0;

	if (!out || !(w = xmlNewTextWriter(out))) {
		if (out)
			xmlOutputBufferClose(out);
		return hil_error_set(HIL_ENOMEM, "junit: cannot create XML writer");
	}
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	if (ctx->profile != HIL_JUNIT_STRICT) { /* the Ant schema allows no attributes here */
		double tests = 0;
		hil_junit_attr(w, "name", hil_results_text(results->campaign));
		hil_junit_attr_num(w, "time", "%.3f", time);
		for (int v = 0; v < HIL_VERDICT_COUNT; v++)
			tests += (double)totals[v];
		tests += !results->complete; /* the "campaign complete" case */
		hil_junit_attr_num(w, "tests", "%.0f", tests);
		hil_junit_attr_num(w, "failures", "%.0f",
				   (double)(totals[HIL_VERDICT_FAIL] + totals[HIL_VERDICT_XPASS]));
		hil_junit_attr_num(w, "errors", "%.0f", (double)totals[HIL_VERDICT_ERROR] +
				   !results->complete);
	}
	for (size_t i = 0; i < results->board_count && !error; i++)
		error = board_suite(w, ctx, i);
	if (!error && !results->complete)
		incomplete_suite(w, ctx);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w); /* flushes and closes @out */
	*bytes = sink.bytes;
	if (!error && (fflush(af->f) != 0 || ferror(af->f)))
		error = hil_error_set(HIL_EIO, "junit: cannot write: %s", strerror(errno));
	return error;
}

static int context_init(struct hil_junit_ctx *ctx, const struct hil_results *res, const char *path,
			const struct hil_junit_opts *opts)
{
	const char *base = opts->attachment_base;
	char *copy = hil_xstrdup(path);
	const char *dir = opts->results_dir ? opts->results_dir : dirname(copy);

	memset(ctx, 0, sizeof(*ctx));
	ctx->profile = opts->profile;
	ctx->res = res;
	ctx->dir = realpath(dir, NULL);
	if (!ctx->dir)
		ctx->dir = hil_xstrdup(dir);
	free(copy);
	if (!opts->shown_dir) {
		ctx->shown = hil_xstrdup(ctx->dir);
	} else if (opts->shown_dir[0] == '/') {
		ctx->shown = hil_xstrdup(opts->shown_dir);
	} else {
		char cwd[4096];
		ctx->shown = getcwd(cwd, sizeof(cwd)) ? hil_xasprintf("%s/%s", cwd, opts->shown_dir)
			     : hil_xstrdup(opts->shown_dir);
	}
	if (!base || !base[0])
		base = ".";
	if (!(ctx->base = realpath(base, NULL)))
		return hil_error_set(HIL_ECONFIG, "attachment base %s: %s", base, strerror(errno));
	const char *scenario = hil_results_text(res->scenario);
	ctx->scenario = scenario[0] == '/' ? hil_junit_path(ctx, scenario) : hil_xstrdup(scenario);
	return 0;
}

static void context_fini(struct hil_junit_ctx *ctx)
{
	free(ctx->dir);
	free(ctx->shown);
	free(ctx->base);
	free(ctx->scenario);
}

int hil_report_junit_write_opts(const struct hil_results *results, const char *path,
				const struct hil_junit_opts *opts)
{
	size_t limit = opts->max_bytes ? opts->max_bytes
		       : opts->profile == HIL_JUNIT_GITLAB ? HIL_JUNIT_GITLAB_MAX_BYTES - 1 : 0;
	struct hil_junit_ctx ctx;
	double time;
	int error;

	if ((error = total_time(results, &time)) < 0)
		return error;
	if ((error = context_init(&ctx, results, path, opts)) < 0)
		goto out;
	for (int trim = HIL_JUNIT_TRIM_NONE;; trim++) {
		struct hil_atomic_file af;
		size_t bytes = 0;
		ctx.trim = (enum hil_junit_trim)trim;
		if ((error = hil_atomic_open(&af, path)) < 0)
			goto out;
		if ((error = write_document(&af, &ctx, time, &bytes)) < 0) {
			hil_atomic_abort(&af);
			goto out;
		}
		/* the last level is written whatever its size (documented) */
		if (!limit || bytes <= limit || trim == HIL_JUNIT_TRIM_BRIEF) {
			error = hil_atomic_commit(&af);
			goto out;
		}
		hil_atomic_abort(&af);
	}
out:
	context_fini(&ctx);
	return error;
}

int hil_report_junit_write(const struct hil_results *results, const char *path,
			   enum hil_junit_profile profile, const char *shown_dir)
{
	struct hil_junit_opts opts = { .profile = profile, .shown_dir = shown_dir,
				       .attachment_base = getenv(HIL_JUNIT_ATTACHMENT_BASE_ENV) };

	return hil_report_junit_write_opts(results, path, &opts);
}
