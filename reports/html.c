/* report.html from the results model; see html.h. Sections: the verdict
 * matrix (rows board / bootloader / revision, columns the matrix cells,
 * colour by verdict with failure rate and 95 % interval), the classes seen,
 * a timeline of every board's steps (inline SVG, from the journal's wall
 * clock), and every install with links to its logs. The page is built in
 * a buffer that goes to the file whenever it holds FLUSH_AT bytes, so a
 * page of 100 000 installs never sits in memory whole; the installs are
 * read from the model once per section that needs them. */
#include "reports/html.h"
#include "reports/case_explain.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "reports/xml_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_AT (64 * 1024)

/* Writes what @b holds to @f once it is big; errors show at the end (ferror). */
static void flush_big(struct hil_strbuf *b, FILE *f)
{
	if (b->len < FLUSH_AT)
		return;
	fwrite(b->buf, 1, b->len, f);
	b->len = 0;
	b->buf[0] = '\0';
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}"
	".explain{margin-top:4px;font-size:12px;max-width:70ch}"
	"h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ddd}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
	"vertical-align:top}th{background:#f4f4f4}.muted{color:#666}"
	".v-pass{background:#c8e6c9}.v-xfail{background:#bbdefb}.v-fail{background:#ffcdd2}"
	".v-xpass{background:#ffe0b2}.v-error{background:#d7ccc8}.v-skip{background:#eee}"
	".v-inconclusive{background:#fff9c4}.reason{font-style:italic;color:#444}.matrix td{min-width:170px}.verdict{font-weight:bold;"
	"text-transform:uppercase}.exit{font-weight:bold}.incomplete{background:#ffe0b2;"
	"padding:4px 8px}.pill{display:inline-block;padding:2px 8px;margin-right:6px;"
	"border-radius:9px}";

static void header(struct hil_strbuf *b, const struct hil_results *res)
{
	long code = res->exit_code;
	static const char *const verdicts[] = { "pass", "fail", "xfail", "xpass", "error", "skip" };

	hil_strbuf_puts(b, "<header><h1>");
	hil_xml_escape(b, hil_results_text(res->campaign));
	hil_strbuf_puts(b, "</h1><p class=\"muted\">rack ");
	hil_xml_escape(b, hil_results_text(res->rack));
	hil_strbuf_puts(b, " · started ");
	hil_xml_escape(b, hil_results_text(res->started));
	hil_strbuf_puts(b, " UTC · finished ");
	hil_xml_escape(b, hil_results_text(res->finished));
	hil_strbuf_printf(b, " UTC · seed %lld · HSM licences drawn %lld</p>",
			  res->has_seed ? res->seed : 0LL, (long long)res->hsm_draws);
	if (res->description) {
		hil_strbuf_puts(b, "<p class=\"description\">");
		hil_xml_escape(b, res->description);
		hil_strbuf_puts(b, "</p>");
	}
	if (res->time_scale < 1) /* a real rack runs at 1 */
		hil_strbuf_printf(b, "<p class=\"muted\" id=\"simulated\">Simulated rack (time scale "
				  "%g): durations are simulated time, not wall time.</p>",
				  res->time_scale);
	hil_strbuf_printf(b, "<p class=\"exit\" id=\"exit\">Exit code %ld: %s</p>", code,
			  hil_results_exit_meaning(res));
	if (!res->complete) { /* a half-run campaign never reads as a result */
		hil_strbuf_printf(b, "<p class=\"incomplete\" id=\"incomplete\">Incomplete: %llu "
				  "install(s) in the journal", res->installs_done);
		if (res->installs_planned)
			hil_strbuf_printf(b, " of %llu planned", res->installs_planned);
		hil_strbuf_puts(b, ". ");
		hil_xml_escape(b, res->why_incomplete);
		hil_strbuf_puts(b, "</p>");
	}
	for (size_t i = 0; i < res->reversible_count; i++) {
		/* the interlock took the scenario's word for these (docs/scenarios.md) */
		hil_strbuf_puts(b, "<p class=\"reversible\">Declared reversible by the scenario, "
				"option bytes not read: ");
		hil_xml_escape(b, res->reversible[i]);
		hil_strbuf_puts(b, "</p>");
	}
	hil_strbuf_puts(b, "<p id=\"totals\">");
	for (size_t i = 0; i < 6; i++)
		hil_strbuf_printf(b, "<span class=\"pill v-%s\">%s %lld</span>", verdicts[i], verdicts[i],
				  (long long)res->totals[hil_verdict_from_name(verdicts[i])]);
	hil_strbuf_puts(b, "</p></header>\n");
}

static const struct hil_results_cell *cell_for(const struct hil_results *res, size_t board,
					       const char *label)
{
	for (size_t i = 0; i < res->cell_count; i++)
		if (res->cells[i].board == board && !strcmp(res->cells[i].label, label))
			return &res->cells[i];
	return NULL;
}

static void matrix_cell(struct hil_strbuf *b, const struct hil_results_cell *c)
{
	hil_strbuf_puts(b, "<td class=\"v-");
	hil_xml_escape(b, c->verdict);
	hil_strbuf_puts(b, "\" data-verdict=\"");
	hil_xml_escape(b, c->verdict);
	hil_strbuf_puts(b, "\"><span class=\"verdict\">");
	hil_xml_escape(b, c->verdict);
	hil_strbuf_puts(b, "</span><br>");
	hil_strbuf_printf(b, "%lld of %lld failed", (long long)c->failures, (long long)c->runs);
	if (c->runs)
		hil_strbuf_printf(b, "<br>rate %.1f%% (95%% CI %.1f–%.1f%%)", 100 * c->failure_rate,
				  100 * c->ci_lo, 100 * c->ci_hi);
	for (size_t i = 0; i < c->class_count; i++)
		if (strcmp(c->class_names[i], "success") && strcmp(c->class_names[i], "none")) {
			hil_strbuf_puts(b, "<br>");
			hil_xml_escape(b, c->class_names[i]);
			hil_strbuf_printf(b, " ×%lld", (long long)c->class_counts[i]);
		}
	if (c->has_max_rate)
		hil_strbuf_printf(b, "<br>limit %.1f%%", 100 * c->max_rate);
	if (c->has_more_runs)
		hil_strbuf_printf(b, "<br>~%lld more runs to settle", (long long)c->more_runs);
	if (c->rss_text[0]) {
		hil_strbuf_puts(b, "<br>");
		hil_xml_escape(b, c->rss_text);
	}
	if (c->reason) { /* why the scenario expects what it does here */
		hil_strbuf_puts(b, "<br><span class=\"reason\">expected: ");
		hil_xml_escape(b, c->reason);
		hil_strbuf_puts(b, "</span>");
	}
	hil_strbuf_puts(b, "</td>");
}

static void matrix(struct hil_strbuf *b, const struct hil_results *res)
{
	const char **labels = hil_xcalloc(res->cell_count + 1, sizeof(*labels));
	size_t n = 0;

	for (size_t i = 0; i < res->cell_count; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(labels[k], res->cells[i].label);
		if (!seen)
			labels[n++] = res->cells[i].label;
	}
	hil_strbuf_puts(b, "<section id=\"matrix\"><h2>Verdicts by board and bootloader</h2>"
		       "<table class=\"matrix\"><thead><tr><th>board</th><th>bootloader</th>"
		       "<th>revision</th>");
	for (size_t k = 0; k < n; k++) {
		hil_strbuf_puts(b, "<th>");
		hil_xml_escape(b, labels[k][0] ? labels[k] : "install");
		hil_strbuf_puts(b, "</th>");
	}
	hil_strbuf_puts(b, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < res->board_count; i++) {
		const struct hil_results_board *board = &res->boards[i];
		const char *bl = hil_results_text(board->field[HIL_RB_BL_VERSION]);
		const char *rev = hil_results_text(board->field[HIL_RB_REVISION]);
		hil_strbuf_puts(b, "<tr data-board=\"");
		hil_xml_escape(b, board->name);
		hil_strbuf_puts(b, "\"><th>");
		hil_xml_escape(b, board->name);
		hil_strbuf_puts(b, "</th><td class=\"bl\">");
		hil_xml_escape(b, bl[0] ? bl : "?");
		hil_strbuf_puts(b, "</td><td>");
		hil_xml_escape(b, rev[0] ? rev : "?");
		hil_strbuf_puts(b, "</td>");
		for (size_t k = 0; k < n; k++) {
			const struct hil_results_cell *cell = cell_for(res, i, labels[k]);
			if (cell)
				matrix_cell(b, cell);
			else
				hil_strbuf_puts(b, "<td class=\"muted\">not run</td>");
		}
		hil_strbuf_puts(b, "</tr>\n");
	}
	hil_strbuf_puts(b, "</tbody></table></section>\n");
	free(labels);
}

static int classes(struct hil_strbuf *b, const struct hil_results *res)
{
	char **names = NULL;
	unsigned long *counts = NULL;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < res->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, res, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			size_t k = 0;
			while (k < n && strcmp(names[k], c->cls))
				k++;
			if (k == n) {
				names = hil_xrealloc(names, (n + 1) * sizeof(*names));
				counts = hil_xrealloc(counts, (n + 1) * sizeof(*counts));
				names[n] = hil_xstrdup(c->cls);
				counts[n++] = 0;
			}
			counts[k]++;
		}
		hil_results_cases_close(cur);
	}
	hil_strbuf_puts(b, "<section id=\"classes\"><h2>Outcome classes</h2><table><tr><th>class</th>"
		       "<th>installs</th></tr>");
	for (size_t k = 0; k < n; k++) {
		hil_strbuf_puts(b, "<tr><td>");
		hil_xml_escape(b, names[k]);
		hil_strbuf_printf(b, "</td><td>%lld</td></tr>", (long long)counts[k]);
		free(names[k]);
	}
	hil_strbuf_puts(b, "</table></section>\n");
	free(names);
	free(counts);
	return rc;
}

static const char *step_colour(const char *cls)
{
	if (!strcmp(cls, "success"))
		return "#66bb6a";
	if (!strcmp(cls, "no_probe") || !strcmp(cls, "no_target") || !strcmp(cls, "timeout") ||
	    !strcmp(cls, "tool_crash") || !strcmp(cls, "power_error") || !strcmp(cls, "incomplete") ||
	    !strcmp(cls, "identity_mismatch") || !strcmp(cls, "board_busy"))
		return "#8d6e63";
	return "#e53935";
}

static int time_span(const struct hil_results *res, double *t_min, double *t_max)
{
	int rc = 0;

	for (size_t i = 0; i < res->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, res, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0)
			for (size_t s = 0; s < c->step_count; s++) {
				double t0 = c->steps[s].t0, t1 = c->steps[s].t1;
				if (t0 > 0 && t0 < *t_min)
					*t_min = t0;
				if (t1 > *t_max)
					*t_max = t1;
			}
		hil_results_cases_close(cur);
	}
	return rc;
}

/* Every step as a bar on its board's row, on the wall clock. */
static int timeline(struct hil_strbuf *b, FILE *f, const struct hil_results *res)
{
	double t_min = 1e300, t_max = 0, width = 960;
	int rc = time_span(res, &t_min, &t_max);

	if (rc < 0 || t_max <= t_min)
		return rc;
	hil_strbuf_printf(b, "<section id=\"timeline\"><h2>Timeline</h2><p class=\"muted\">%.1f s "
			  "of wall-clock time; green: success, red: device failure, brown: "
			  "infrastructure</p><svg width=\"%.0f\" "
			  "height=\"%zu\" role=\"img\">", t_max - t_min, width + 130,
			  res->board_count * 22 + 4);
	for (size_t i = 0; i < res->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_strbuf_printf(b, "<text x=\"0\" y=\"%zu\" font-size=\"12\">", i * 22 + 15);
		hil_xml_escape(b, res->boards[i].name);
		hil_strbuf_puts(b, "</text>");
		hil_results_cases_open(&cur, res, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			for (size_t s = 0; s < c->step_count; s++) {
				const struct hil_results_step *st = &c->steps[s];
				double x = 130 + (st->t0 - t_min) / (t_max - t_min) * width;
				double w = (st->t1 - st->t0) / (t_max - t_min) * width;
				hil_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" "
						  "fill=\"%s\"><title>", x, i * 22 + 3, w < 0.5 ? 0.5 : w,
						  step_colour(st->cls));
				hil_xml_escape(b, c->name);
				hil_strbuf_puts(b, ": ");
				hil_xml_escape(b, st->kind);
				hil_strbuf_puts(b, " ");
				hil_xml_escape(b, st->cls);
				hil_strbuf_puts(b, "</title></rect>");
			}
			flush_big(b, f);
		}
		hil_results_cases_close(cur);
	}
	hil_strbuf_puts(b, "</svg></section>\n");
	return rc;
}

/* The catalogue's word on a failed, xfailed or errored install. */
static void explanation(struct hil_strbuf *b, const struct hil_results_case *c)
{
	const struct hil_catalogue_entry *e = hil_case_explanation(c);

	if (!e)
		return;
	hil_strbuf_puts(b, "<div class=\"explain\"><b>");
	hil_xml_escape(b, e->who);
	hil_strbuf_puts(b, ":</b> ");
	hil_xml_escape(b, e->meaning);
	hil_strbuf_puts(b, " <b>Next:</b> ");
	hil_xml_escape(b, e->next);
	hil_strbuf_puts(b, " <span class=\"muted\">(");
	hil_xml_escape(b, e->source);
	hil_strbuf_puts(b, "; ");
	hil_xml_escape(b, e->confidence);
	hil_strbuf_puts(b, ")</span></div>");
}

/* Whether @log may be a link: a file path, relative (logs/<board>/...) or
 * absolute (merge points at each shard's folder), of the characters the
 * engine's log names are made of. A journal handed to `report` may hold
 * anything, and an href of "javascript:..." runs what the page should only
 * name, "//host/x" reaches the network: no ':' (no scheme), no leading "//". */
static bool log_link_ok(const char *log)
{
	return strncmp(log, "//", 2) &&
	       !log[strspn(log, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-/")];
}

static void install_row(struct hil_strbuf *b, const struct hil_results *res,
			const struct hil_results_case *c)
{
	hil_strbuf_puts(b, "<tr class=\"v-");
	hil_xml_escape(b, c->verdict);
	hil_strbuf_puts(b, "\"><td>");
	hil_xml_escape(b, c->name);
	hil_strbuf_puts(b, "</td><td>");
	hil_xml_escape(b, c->verdict);
	hil_strbuf_puts(b, "</td><td>");
	hil_xml_escape(b, c->cls);
	hil_strbuf_printf(b, "</td><td>%.3f s%s</td><td>", c->duration_s,
			  res->time_scale < 1 ? " (simulated)" : "");
	hil_xml_escape(b, c->message);
	explanation(b, c);
	hil_strbuf_puts(b, "</td><td>");
	for (size_t s = 0; s < c->step_count; s++) {
		const struct hil_results_step *st = &c->steps[s];
		if (!st->log[0])
			continue;
		if (!log_link_ok(st->log)) { /* the path as text, not a link */
			hil_xml_escape(b, st->kind);
			hil_strbuf_puts(b, " (");
			hil_xml_escape(b, st->log);
			hil_strbuf_puts(b, ") ");
			continue;
		}
		hil_strbuf_puts(b, "<a href=\"");
		hil_xml_escape(b, st->log);
		hil_strbuf_puts(b, "\">");
		hil_xml_escape(b, st->kind);
		hil_strbuf_puts(b, "</a> ");
	}
	hil_strbuf_puts(b, "</td></tr>\n");
}

static int installs(struct hil_strbuf *b, FILE *f, const struct hil_results *res)
{
	int rc = 0;

	hil_strbuf_puts(b, "<section id=\"installs\"><h2>Installs</h2>");
	for (size_t i = 0; i < res->board_count && rc >= 0; i++) {
		const struct hil_results_board *board = &res->boards[i];
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_strbuf_puts(b, "<details><summary>");
		hil_xml_escape(b, board->name);
		hil_strbuf_printf(b, " — %zu installs, probe ", board->case_count);
		hil_xml_escape(b, hil_results_text(board->field[HIL_RB_PROBE_SERIAL]));
		hil_strbuf_puts(b, "</summary><table><tr><th>install</th><th>verdict</th><th>class</th>"
			       "<th>time</th><th>message</th><th>logs</th></tr>");
		hil_results_cases_open(&cur, res, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			install_row(b, res, c);
			flush_big(b, f);
		}
		hil_results_cases_close(cur);
		hil_strbuf_puts(b, "</table></details>\n");
	}
	hil_strbuf_puts(b, "</section>\n");
	return rc;
}

int hil_report_html_write(const struct hil_results *results, const char *path)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	struct hil_atomic_file af;
	int error;

	if ((error = hil_atomic_open(&af, path)) < 0)
		return error;
	hil_strbuf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
	hil_xml_escape(&b, hil_results_text(results->campaign));
	hil_strbuf_printf(&b, " — sfi-harness</title><style>%s</style></head><body>\n", style);
	header(&b, results);
	matrix(&b, results);
	if ((error = classes(&b, results)) >= 0 && (error = timeline(&b, af.f, results)) >= 0)
		error = installs(&b, af.f, results);
	hil_strbuf_puts(&b, "<footer class=\"muted\"><p>Rendered by sfi-harness from journal.jsonl; "
		       "junit.xml and summary.json sit beside this file.</p></footer></body></html>\n");
	fwrite(b.buf, 1, b.len, af.f);
	hil_strbuf_free(&b);
	if (error < 0) {
		hil_atomic_abort(&af);
		return error;
	}
	return hil_atomic_commit(&af);
}
