/* Trends; see trend.h. A trend is its campaigns (columns, labelled by
 * their start) and its cells (rows, by key), each row a share per
 * campaign. From result folders each campaign's model is read without
 * its installs (only the cells count), so memory grows with the cells,
 * not the installs. */
#include "reports/trend.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"
#include "harness/util/term.h"
#include "reports/results.h"
#include "reports/xml_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TREND_TITLE "<title>sfi-harness trend</title>"

/* One plotted line: a cell's share as expected in each campaign (has[r]
 * false: the cell did not run then). */
struct row {
	char *key;
	double *rate;
	bool *has;
};

struct hil_trend {
	char **started;           /* per campaign */
	bool *complete;
	size_t n, cap;
	struct row *rows;         /* first-seen order */
	size_t count;
};

struct hil_trend *hil_trend_new(void)
{
	return hil_xcalloc(1, sizeof(struct hil_trend));
}

void hil_trend_free(struct hil_trend *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->started[i]);
	for (size_t i = 0; i < t->count; i++) {
		free(t->rows[i].key);
		free(t->rows[i].rate);
		free(t->rows[i].has);
	}
	free(t->started);
	free(t->complete);
	free(t->rows);
	free(t);
}

size_t hil_trend_campaign(struct hil_trend *t, const char *started, bool complete)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->started = hil_xrealloc(t->started, t->cap * sizeof(*t->started));
		t->complete = hil_xrealloc(t->complete, t->cap * sizeof(*t->complete));
		for (size_t i = 0; i < t->count; i++) {
			t->rows[i].rate = hil_xrealloc(t->rows[i].rate, t->cap * sizeof(double));
			t->rows[i].has = hil_xrealloc(t->rows[i].has, t->cap * sizeof(bool));
			memset(t->rows[i].has + t->n, 0, (t->cap - t->n) * sizeof(bool));
		}
	}
	t->started[t->n] = hil_xstrdup(started && *started ? started : "?");
	t->complete[t->n] = complete;
	return t->n++;
}

static struct row *row_for(struct hil_trend *t, const char *key)
{
	for (size_t i = 0; i < t->count; i++)
		if (!strcmp(t->rows[i].key, key))
			return &t->rows[i];
	t->rows = hil_xrealloc(t->rows, (t->count + 1) * sizeof(*t->rows));
	struct row *row = &t->rows[t->count++];
	row->key = hil_xstrdup(key);
	row->rate = hil_xcalloc(t->cap ? t->cap : 1, sizeof(*row->rate));
	row->has = hil_xcalloc(t->cap ? t->cap : 1, sizeof(*row->has));
	return row;
}

void hil_trend_cell(struct hil_trend *t, size_t campaign, const char *key, unsigned long runs,
		    unsigned long as_expected)
{
	struct row *row = row_for(t, key);

	if (runs && campaign < t->n) {
		row->rate[campaign] = (double)as_expected / (double)runs;
		row->has[campaign] = true;
	}
}

/* A column's label: the start without the year ("11-25T02:00:00"), and
 * "#N" after it when two campaigns started in the same second. */
static void label(const struct hil_trend *t, size_t r, char *buf, size_t size)
{
	const char *s = t->started[r];
	bool twin = (r > 0 && !strcmp(t->started[r - 1], s)) ||
		    (r + 1 < t->n && !strcmp(t->started[r + 1], s));

	snprintf(buf, size, "%s", strlen(s) >= 19 ? s + 5 : s);
	if (twin)
		snprintf(buf + strlen(buf), size - strlen(buf), "#%zu", r + 1);
	if (!t->complete[r])
		snprintf(buf + strlen(buf), size - strlen(buf), "*");
}
static void table(FILE *f, const struct hil_trend *t)
{
	char safe[256], lab[48]; /* journal text: nothing a terminal acts on (term.h) */

	bool some_incomplete = false;

	fprintf(f, "%-52s", "share as expected (pass or xfail), oldest first, UTC start");
	for (size_t r = 0; r < t->n; r++) {
		label(t, r, lab, sizeof(lab));
		fprintf(f, " %19s", hil_term_safe(safe, sizeof(safe), lab, false));
		some_incomplete = some_incomplete || !t->complete[r];
	}
	fprintf(f, "\n");
	for (size_t i = 0; i < t->count; i++) {
		const struct row *row = &t->rows[i];
		fprintf(f, "%-52.52s", hil_term_safe(safe, sizeof(safe), row->key, false));
		for (size_t r = 0; r < t->n; r++) {
			if (row->has[r])
				fprintf(f, " %18.0f%%", 100 * row->rate[r]);
			else
				fprintf(f, " %19s", "-");
		}
		fprintf(f, "\n");
	}
	if (some_incomplete)
		fprintf(f, "* an incomplete campaign: its shares cover only the installs it ran\n");
}

static const char *const colours[] = { "#1565c0", "#c62828", "#2e7d32", "#ef6c00",
				       "#6a1b9a", "#00838f", "#5d4037", "#ad1457" };

static void plot(struct hil_strbuf *b, const struct hil_trend *t)
{
	double w = 720, h = 240, x0 = 50, step = t->n > 1 ? w / (double)(t->n - 1) : 0;

	hil_strbuf_printf(b, "<svg width=\"%.0f\" height=\"%.0f\" role=\"img\" "
			  "aria-label=\"share of installs as expected per cell\"><line x1=\"%.0f\" "
			  "y1=\"10\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/><line x1=\"%.0f\" y1=\"%.0f\" "
			  "x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/><text x=\"0\" y=\"16\" "
			  "font-size=\"11\">100%%</text><text x=\"0\" y=\"%.0f\" font-size=\"11\">0%%</text>",
			  w + x0 + 20, h + 30, x0, x0, h + 10, x0, h + 10, w + x0, h + 10, h + 10);
	for (size_t i = 0; i < t->count; i++) {
		const struct row *row = &t->rows[i];
		hil_strbuf_printf(b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
				  colours[i % 8]);
		for (size_t r = 0; r < t->n; r++)
			if (row->has[r])
				hil_strbuf_printf(b, "%.1f,%.1f ", x0 + (double)r * step,
						  10 + (1 - row->rate[r]) * h);
		hil_strbuf_puts(b, "\"><title>");
		hil_xml_escape(b, row->key);
		hil_strbuf_puts(b, "</title></polyline>");
	}
	hil_strbuf_puts(b, "</svg>");
}

/* --out of a trend replaces only a trend page: a file that is anything
 * else (a journal, a report, another tool's file, a link) is refused, so a
 * slip of the path can never destroy a campaign's results. */
static int check_target(const char *path)
{
	struct stat st;
	char head[512] = "";
	size_t got = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
		FILE *f = fopen(path, "re");
		if (f) {
			got = fread(head, 1, sizeof(head) - 1, f);
			fclose(f);
		}
		head[got] = '\0';
		if (strstr(head, TREND_TITLE))
			return 0;
	}
	return hil_error_set(HIL_ECONFIG, "%s exists and is %s, not a trend page this command wrote: "
			     "give a new file for --out (it replaces only an earlier trend.html)",
			     path, S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISREG(st.st_mode)
			     ? "another file" : hil_file_kind(st.st_mode));
}

static int write_html(const char *path, const struct hil_trend *t)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	char lab[48];
	int error;

	hil_strbuf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			TREND_TITLE "<style>body{font:14px system-ui,sans-serif;"
			"margin:24px}.key{display:inline-block;width:14px;height:4px;margin-right:6px;"
			"vertical-align:middle}</style></head><body><h1>Installs as expected per cell</h1>"
			"<p>Each line is a cell (board and matrix cell); each point the share of its "
			"installs that came out as expected in one campaign: passed, or failed as the "
			"scenario expected for the board's bootloader (xfail). Errors and skipped "
			"installs do not count. Campaigns oldest first, by their start (UTC).</p>");
	plot(&b, t);
	hil_strbuf_puts(&b, "<table border=\"1\" cellpadding=\"4\"><tr><th>cell (legend)</th>");
	for (size_t r = 0; r < t->n; r++) {
		label(t, r, lab, sizeof(lab));
		hil_strbuf_puts(&b, "<th>");
		hil_xml_escape(&b, lab);
		hil_strbuf_puts(&b, "</th>");
	}
	hil_strbuf_puts(&b, "</tr>");
	for (size_t i = 0; i < t->count; i++) {
		const struct row *row = &t->rows[i];
		hil_strbuf_printf(&b, "<tr><td><span class=\"key\" style=\"background:%s\"></span>",
				  colours[i % 8]);
		hil_xml_escape(&b, row->key);
		hil_strbuf_puts(&b, "</td>");
		for (size_t r = 0; r < t->n; r++) {
			if (row->has[r])
				hil_strbuf_printf(&b, "<td>%.0f%%</td>", 100 * row->rate[r]);
			else
				hil_strbuf_puts(&b, "<td>-</td>");
		}
		hil_strbuf_puts(&b, "</tr>");
	}
	hil_strbuf_puts(&b, "</table>");
	for (size_t r = 0; r < t->n; r++)
		if (!t->complete[r]) {
			hil_strbuf_puts(&b, "<p>* an incomplete campaign: its shares cover only the "
					"installs it ran.</p>");
			break;
		}
	hil_strbuf_puts(&b, "</body></html>\n");
	error = hil_write_file_atomic(path, b.buf, b.len);
	hil_strbuf_free(&b);
	return error;
}

int hil_trend_render(const struct hil_trend *t, FILE *out, const char *html_path)
{
	int error;

	if (html_path && (error = check_target(html_path)) < 0)
		return error;
	table(out, t);
	return html_path ? write_html(html_path, t) : 0;
}

static int by_start(const void *a, const void *b)
{
	const struct hil_results *x = *(struct hil_results *const *)a;
	const struct hil_results *y = *(struct hil_results *const *)b;

	return strcmp(hil_results_text(x->started), hil_results_text(y->started));
}

/* A cell's row key: not the bootloader, so a board updated to a new one
 * stays on its row and the update shows as a step. */
static char *cell_key(const struct hil_results *res, const struct hil_results_cell *cell)
{
	const char *label_text = cell->label;

	return hil_xasprintf("%s%s%s", res->boards[cell->board].name, label_text[0] ? " " : "",
			     label_text);
}

int hil_report_trend(char *const dirs[], int count, FILE *out, const char *html_path)
{
	struct hil_results **runs = hil_xcalloc((size_t)count + 1, sizeof(*runs));
	struct hil_trend *t = hil_trend_new();
	int error = 0, n = 0;

	for (int i = 0; i < count && !error; i++) {
		char *path = hil_xasprintf("%s/journal.jsonl", dirs[i]);
		if ((error = hil_results_load(&runs[n], path, false)) == 0)
			n++;
		free(path);
	}
	if (!error) {
		qsort(runs, (size_t)n, sizeof(*runs), by_start);
		for (int r = 0; r < n; r++) {
			size_t col = hil_trend_campaign(t, hil_results_text(runs[r]->started),
							runs[r]->complete);
			for (size_t i = 0; i < runs[r]->cell_count; i++) {
				const struct hil_results_cell *c = &runs[r]->cells[i];
				char *key = cell_key(runs[r], c);
				hil_trend_cell(t, col, key, c->runs, c->verdicts[HIL_VERDICT_PASS] +
					       c->verdicts[HIL_VERDICT_XFAIL]);
				free(key);
			}
		}
		error = hil_trend_render(t, out, html_path);
	}
	for (int i = 0; i < n; i++)
		hil_results_free(runs[i]);
	free(runs);
	hil_trend_free(t);
	return error;
}
