/* report.html from the results model; see html.h. Sections: the verdict
 * matrix (rows board / bootloader / revision, columns the matrix cells,
 * colour by verdict with failure rate and 95 % interval), the classes seen,
 * a timeline of every board's steps (inline SVG, from the journal's wall
 * clock), and every install with links to its logs. */
#include "reports/html.h"
#include "reports/case_explain.h"
#include "reports/results.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Text for HTML: valid UTF-8, no control characters, & < > " ' escaped. */
static void esc(struct hil_strbuf *b, const char *s)
{
	char *clean = hil_utf8_clean(s, strlen(s), true);

	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '&': hil_strbuf_puts(b, "&amp;"); break;
		case '<': hil_strbuf_puts(b, "&lt;"); break;
		case '>': hil_strbuf_puts(b, "&gt;"); break;
		case '"': hil_strbuf_puts(b, "&quot;"); break;
		case '\'': hil_strbuf_puts(b, "&#39;"); break;
		default: hil_strbuf_putc(b, *p);
		}
	}
	free(clean);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}"
	".explain{margin-top:4px;font-size:12px;max-width:70ch}"
	"h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ddd}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
	"vertical-align:top}th{background:#f4f4f4}.muted{color:#666}"
	".v-pass{background:#c8e6c9}.v-xfail{background:#bbdefb}.v-fail{background:#ffcdd2}"
	".v-xpass{background:#ffe0b2}.v-error{background:#d7ccc8}.v-skip{background:#eee}"
	".v-inconclusive{background:#fff9c4}.matrix td{min-width:170px}.verdict{font-weight:bold;"
	"text-transform:uppercase}.exit{font-weight:bold}.pill{display:inline-block;padding:2px 8px;"
	"margin-right:6px;border-radius:9px}";

static void header(struct hil_strbuf *b, const json_t *res)
{
	static const char *const meaning[] = { "all as expected", "a failure or an unexpected pass",
					       "bad input", "infrastructure errors only" };
	long code = (long)json_integer_value(json_object_get(res, "exit_code"));
	const json_t *totals = json_object_get(res, "totals");
	static const char *const verdicts[] = { "pass", "fail", "xfail", "xpass", "error", "skip" };

	hil_strbuf_puts(b, "<header><h1>");
	esc(b, str(res, "campaign"));
	hil_strbuf_puts(b, "</h1><p class=\"muted\">rack ");
	esc(b, str(res, "rack"));
	hil_strbuf_puts(b, " · started ");
	esc(b, str(res, "started"));
	hil_strbuf_puts(b, " UTC · finished ");
	esc(b, str(res, "finished"));
	hil_strbuf_printf(b, " UTC · seed %lld · HSM licences drawn %lld</p>",
			  (long long)json_integer_value(json_object_get(res, "seed")),
			  (long long)json_integer_value(json_object_get(res, "hsm_draws")));
	hil_strbuf_printf(b, "<p class=\"exit\" id=\"exit\">Exit code %ld: %s</p><p id=\"totals\">", code,
			  code == 130 ? "interrupted" : code >= 0 && code <= 3 ? meaning[code] : "?");
	for (size_t i = 0; i < 6; i++)
		hil_strbuf_printf(b, "<span class=\"pill v-%s\">%s %lld</span>", verdicts[i], verdicts[i],
				  (long long)json_integer_value(json_object_get(totals, verdicts[i])));
	hil_strbuf_puts(b, "</p></header>\n");
}

static const json_t *cell_for(const json_t *res, const char *board, const char *label)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(res, "cells"), i, c)
		if (!strcmp(str(c, "board"), board) && !strcmp(str(c, "cell"), label))
			return c;
	return NULL;
}

static void matrix_cell(struct hil_strbuf *b, const json_t *c)
{
	const json_t *ci = json_object_get(c, "ci95"), *max = json_object_get(c, "max_failure_rate");

	hil_strbuf_printf(b, "<td class=\"v-%s\" data-verdict=\"%s\"><span class=\"verdict\">%s</span><br>",
			  str(c, "verdict"), str(c, "verdict"), str(c, "verdict"));
	hil_strbuf_printf(b, "%lld of %lld failed", (long long)json_integer_value(json_object_get(c, "failures")),
			  (long long)json_integer_value(json_object_get(c, "runs")));
	if (json_integer_value(json_object_get(c, "runs")))
		hil_strbuf_printf(b, "<br>rate %.1f%% (95%% CI %.1f–%.1f%%)",
				  100 * json_number_value(json_object_get(c, "failure_rate")),
				  100 * json_number_value(json_array_get(ci, 0)),
				  100 * json_number_value(json_array_get(ci, 1)));
	const char *cls;
	json_t *n;
	json_object_foreach((json_t *)json_object_get(c, "classes"), cls, n)
		if (strcmp(cls, "success") && strcmp(cls, "none"))
			hil_strbuf_printf(b, "<br>%s ×%lld", cls, (long long)json_integer_value(n));
	if (json_is_number(max))
		hil_strbuf_printf(b, "<br>limit %.1f%%", 100 * json_number_value(max));
	if (json_is_integer(json_object_get(c, "more_runs")))
		hil_strbuf_printf(b, "<br>~%lld more runs to settle",
				  (long long)json_integer_value(json_object_get(c, "more_runs")));
	hil_strbuf_puts(b, "</td>");
}

static void matrix(struct hil_strbuf *b, const json_t *res)
{
	json_t *labels = json_array(), *c, *board;
	size_t i, k;

	json_array_foreach(json_object_get(res, "cells"), i, c) {
		bool seen = false;
		json_t *l;
		json_array_foreach(labels, k, l)
			seen = seen || !strcmp(json_string_value(l), str(c, "cell"));
		if (!seen)
			json_array_append_new(labels, json_string(str(c, "cell")));
	}
	hil_strbuf_puts(b, "<section id=\"matrix\"><h2>Verdicts by board and bootloader</h2>"
		       "<table class=\"matrix\"><thead><tr><th>board</th><th>bootloader</th>"
		       "<th>revision</th>");
	json_array_foreach(labels, k, c) {
		hil_strbuf_puts(b, "<th>");
		esc(b, json_string_value(c)[0] ? json_string_value(c) : "install");
		hil_strbuf_puts(b, "</th>");
	}
	hil_strbuf_puts(b, "</tr></thead><tbody>\n");
	json_array_foreach(json_object_get(res, "boards"), i, board) {
		hil_strbuf_printf(b, "<tr data-board=\"%s\"><th>", str(board, "board"));
		esc(b, str(board, "board"));
		hil_strbuf_puts(b, "</th><td class=\"bl\">");
		esc(b, str(board, "bl_version")[0] ? str(board, "bl_version") : "?");
		hil_strbuf_puts(b, "</td><td>");
		esc(b, str(board, "revision")[0] ? str(board, "revision") : "?");
		hil_strbuf_puts(b, "</td>");
		json_array_foreach(labels, k, c) {
			const json_t *cell = cell_for(res, str(board, "board"), json_string_value(c));
			if (cell)
				matrix_cell(b, cell);
			else
				hil_strbuf_puts(b, "<td class=\"muted\">not run</td>");
		}
		hil_strbuf_puts(b, "</tr>\n");
	}
	hil_strbuf_puts(b, "</tbody></table></section>\n");
	json_decref(labels);
}

static void classes(struct hil_strbuf *b, const json_t *res)
{
	json_t *count = json_object(), *board, *c;
	const char *key;
	size_t i, k;

	json_array_foreach(json_object_get(res, "boards"), i, board) {
		json_t *cases = hil_results_board_cases(res, board);
		json_array_foreach(cases, k, c) {
			const char *cls = str(c, "class");
			json_object_set_new(count, cls, json_integer(json_integer_value(
				json_object_get(count, cls)) + 1));
		}
		json_decref(cases);
	}
	hil_strbuf_puts(b, "<section id=\"classes\"><h2>Outcome classes</h2><table><tr><th>class</th>"
		       "<th>installs</th></tr>");
	json_object_foreach(count, key, c) {
		hil_strbuf_puts(b, "<tr><td>");
		esc(b, key);
		hil_strbuf_printf(b, "</td><td>%lld</td></tr>", (long long)json_integer_value(c));
	}
	hil_strbuf_puts(b, "</table></section>\n");
	json_decref(count);
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

/* Every step as a bar on its board's row, on the wall clock. */
static void timeline(struct hil_strbuf *b, const json_t *res)
{
	const json_t *boards = json_object_get(res, "boards");
	double t_min = 1e300, t_max = 0, width = 960;
	size_t i, k, s;
	json_t *board, *c, *st;

	json_array_foreach(boards, i, board) {
		json_t *cases = hil_results_board_cases(res, board);
		json_array_foreach(cases, k, c)
			json_array_foreach(json_object_get(c, "steps"), s, st) {
				double t0 = json_number_value(json_object_get(st, "t0"));
				double t1 = json_number_value(json_object_get(st, "t1"));
				if (t0 > 0 && t0 < t_min)
					t_min = t0;
				if (t1 > t_max)
					t_max = t1;
			}
		json_decref(cases);
	}
	if (t_max <= t_min)
		return;
	hil_strbuf_printf(b, "<section id=\"timeline\"><h2>Timeline</h2><p class=\"muted\">%.1f s "
			  "of wall-clock time; green: success, red: device failure, brown: "
			  "infrastructure</p><svg width=\"%.0f\" "
			  "height=\"%zu\" role=\"img\">", t_max - t_min, width + 130,
			  json_array_size(boards) * 22 + 4);
	json_array_foreach(boards, i, board) {
		hil_strbuf_printf(b, "<text x=\"0\" y=\"%zu\" font-size=\"12\">", i * 22 + 15);
		esc(b, str(board, "board"));
		hil_strbuf_puts(b, "</text>");
		json_t *cases = hil_results_board_cases(res, board);
		json_array_foreach(cases, k, c)
			json_array_foreach(json_object_get(c, "steps"), s, st) {
				double t0 = json_number_value(json_object_get(st, "t0"));
				double t1 = json_number_value(json_object_get(st, "t1"));
				double x = 130 + (t0 - t_min) / (t_max - t_min) * width;
				double w = (t1 - t0) / (t_max - t_min) * width;
				hil_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" "
						  "fill=\"%s\"><title>", x, i * 22 + 3, w < 0.5 ? 0.5 : w,
						  step_colour(str(st, "class")));
				esc(b, str(c, "case"));
				hil_strbuf_puts(b, ": ");
				esc(b, str(st, "kind"));
				hil_strbuf_puts(b, " ");
				esc(b, str(st, "class"));
				hil_strbuf_puts(b, "</title></rect>");
			}
		json_decref(cases);
	}
	hil_strbuf_puts(b, "</svg></section>\n");
}

/* The catalogue's word on a failed, xfailed or errored install. */
static void explanation(struct hil_strbuf *b, const json_t *c)
{
	const struct hil_catalogue_entry *e = hil_case_explanation(c);

	if (!e)
		return;
	hil_strbuf_puts(b, "<div class=\"explain\"><b>");
	esc(b, e->who);
	hil_strbuf_puts(b, ":</b> ");
	esc(b, e->meaning);
	hil_strbuf_puts(b, " <b>Next:</b> ");
	esc(b, e->next);
	hil_strbuf_puts(b, " <span class=\"muted\">(");
	esc(b, e->source);
	hil_strbuf_puts(b, "; ");
	esc(b, e->confidence);
	hil_strbuf_puts(b, ")</span></div>");
}

static void installs(struct hil_strbuf *b, const json_t *res)
{
	size_t i, k, s;
	json_t *board, *c, *st;

	hil_strbuf_puts(b, "<section id=\"installs\"><h2>Installs</h2>");
	json_array_foreach(json_object_get(res, "boards"), i, board) {
		json_t *cases = hil_results_board_cases(res, board);
		hil_strbuf_puts(b, "<details><summary>");
		esc(b, str(board, "board"));
		hil_strbuf_printf(b, " — %zu installs, probe ", json_array_size(cases));
		esc(b, str(board, "probe_serial"));
		hil_strbuf_puts(b, "</summary><table><tr><th>install</th><th>verdict</th><th>class</th>"
			       "<th>time</th><th>message</th><th>logs</th></tr>");
		json_array_foreach(cases, k, c) {
			hil_strbuf_printf(b, "<tr class=\"v-%s\"><td>", str(c, "verdict"));
			esc(b, str(c, "case"));
			hil_strbuf_printf(b, "</td><td>%s</td><td>", str(c, "verdict"));
			esc(b, str(c, "class"));
			hil_strbuf_printf(b, "</td><td>%.3f s</td><td>",
					  json_number_value(json_object_get(c, "duration_s")));
			esc(b, str(c, "message"));
			explanation(b, c);
			hil_strbuf_puts(b, "</td><td>");
			json_array_foreach(json_object_get(c, "steps"), s, st) {
				if (!str(st, "log")[0])
					continue;
				hil_strbuf_puts(b, "<a href=\"");
				esc(b, str(st, "log"));
				hil_strbuf_puts(b, "\">");
				esc(b, str(st, "kind"));
				hil_strbuf_puts(b, "</a> ");
			}
			hil_strbuf_puts(b, "</td></tr>\n");
		}
		hil_strbuf_puts(b, "</table></details>\n");
		json_decref(cases);
	}
	hil_strbuf_puts(b, "</section>\n");
}

int hil_report_html_write(const json_t *results, const char *path)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	int error;

	hil_strbuf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
	esc(&b, str(results, "campaign"));
	hil_strbuf_printf(&b, " — sfi-harness</title><style>%s</style></head><body>\n", style);
	header(&b, results);
	matrix(&b, results);
	classes(&b, results);
	timeline(&b, results);
	installs(&b, results);
	hil_strbuf_puts(&b, "<footer class=\"muted\"><p>Rendered by sfi-harness from journal.jsonl; "
		       "junit.xml and summary.json sit beside this file.</p></footer></body></html>\n");
	error = hil_write_file_atomic(path, b.buf, b.len);
	hil_strbuf_free(&b);
	return error;
}
