/* Pass-rate trends; see trend.h. Runs are ordered by their start time.
 * Each run's model is read from its journal without its installs (only
 * the cells count), so memory grows with the cells, not the installs. */
#include "reports/trend.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"
#include "harness/util/term.h"
#include "reports/results.h"
#include "reports/xml_text.h"

#include <stdlib.h>
#include <string.h>

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

struct run {
	char *dir;
	struct hil_results *res;
};

static int by_start(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return strcmp(or_q(x->res->started), or_q(y->res->started));
}

/* "11-25T02:00": month, day and time of the run's start. */
static const char *run_label(const struct run *r)
{
	const char *started = or_q(r->res->started);

	return strlen(started) >= 16 ? started + 5 : started;
}

static char *cell_key(const struct hil_results *res, const struct hil_results_cell *cell)
{
	const char *label = cell->label;

	/* not the bootloader: a board updated to a new one stays on its row,
	 * so the update shows as a step */
	return hil_xasprintf("%s%s%s", res->boards[cell->board].name, label[0] ? " " : "", label);
}

/* One plotted line: a cell's pass rate in each run (has[r] false: the
 * cell did not run then). */
struct row {
	char *key;
	double *rate;
	bool *has;
};

struct series {
	struct row *rows; /* first-seen order */
	size_t count;
};

static struct row *row_for(struct series *all, const char *key, int n)
{
	for (size_t i = 0; i < all->count; i++)
		if (!strcmp(all->rows[i].key, key))
			return &all->rows[i];
	all->rows = hil_xrealloc(all->rows, (all->count + 1) * sizeof(*all->rows));
	struct row *row = &all->rows[all->count++];
	row->key = hil_xstrdup(key);
	row->rate = hil_xcalloc((size_t)n + 1, sizeof(*row->rate));
	row->has = hil_xcalloc((size_t)n + 1, sizeof(*row->has));
	return row;
}

static void series(struct series *all, const struct run *runs, int n)
{
	for (int r = 0; r < n; r++) {
		for (size_t i = 0; i < runs[r].res->cell_count; i++) {
			const struct hil_results_cell *c = &runs[r].res->cells[i];
			char *key = cell_key(runs[r].res, c);
			struct row *row = row_for(all, key, n);
			if (c->runs) {
				row->rate[r] = 1.0 - (double)c->failures / (double)c->runs;
				row->has[r] = true;
			}
			free(key);
		}
	}
}

static void series_free(struct series *all)
{
	for (size_t i = 0; i < all->count; i++) {
		free(all->rows[i].key);
		free(all->rows[i].rate);
		free(all->rows[i].has);
	}
	free(all->rows);
}

static void table(FILE *f, const struct run *runs, int n, const struct series *all)
{
	char safe[256]; /* journal text: nothing a terminal acts on (term.h) */

	fprintf(f, "%-52s", "pass rate per run (oldest first, UTC start)");
	for (int r = 0; r < n; r++)
		fprintf(f, " %11.11s", hil_term_safe(safe, sizeof(safe), run_label(&runs[r]), false));
	fprintf(f, "\n");
	for (size_t i = 0; i < all->count; i++) {
		const struct row *row = &all->rows[i];
		fprintf(f, "%-52.52s", hil_term_safe(safe, sizeof(safe), row->key, false));
		for (int r = 0; r < n; r++) {
			if (row->has[r])
				fprintf(f, " %10.0f%%", 100 * row->rate[r]);
			else
				fprintf(f, " %11s", "-");
		}
		fprintf(f, "\n");
	}
}

static int write_html(const char *path, const struct run *runs, int n, const struct series *all)
{
	static const char *const colours[] = { "#1565c0", "#c62828", "#2e7d32", "#ef6c00",
					       "#6a1b9a", "#00838f", "#5d4037", "#ad1457" };
	struct hil_strbuf b = HIL_STRBUF_INIT;
	double w = 720, h = 240, x0 = 50, step = n > 1 ? w / (n - 1) : 0;
	size_t line = 0;
	int error;

	hil_strbuf_printf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			  "<title>sfi-harness trend</title><style>body{font:14px system-ui,sans-serif;"
			  "margin:24px}</style></head><body><h1>Pass rate per cell</h1>"
			  "<svg width=\"%.0f\" height=\"%.0f\" role=\"img\"><line x1=\"%.0f\" y1=\"10\" "
			  "x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/><line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
			  "y2=\"%.0f\" stroke=\"#999\"/><text x=\"0\" y=\"16\" font-size=\"11\">100%%</text>"
			  "<text x=\"0\" y=\"%.0f\" font-size=\"11\">0%%</text>", w + x0 + 20, h + 30, x0,
			  x0, h + 10, x0, h + 10, w + x0, h + 10, h + 10);
	for (size_t i = 0; i < all->count; i++) {
		const struct row *row = &all->rows[i];
		hil_strbuf_printf(&b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
				  colours[line % 8]);
		for (int r = 0; r < n; r++)
			if (row->has[r])
				hil_strbuf_printf(&b, "%.1f,%.1f ", x0 + r * step, 10 + (1 - row->rate[r]) * h);
		hil_strbuf_puts(&b, "\"><title>");
		hil_xml_escape(&b, row->key);
		hil_strbuf_puts(&b, "</title></polyline>");
		line++;
	}
	hil_strbuf_puts(&b, "</svg><table border=\"1\" cellpadding=\"4\"><tr><th>cell</th>");
	for (int r = 0; r < n; r++) {
		hil_strbuf_puts(&b, "<th>");
		hil_xml_escape(&b, or_q(runs[r].res->started));
		hil_strbuf_puts(&b, "</th>");
	}
	hil_strbuf_puts(&b, "</tr>");
	line = 0;
	for (size_t i = 0; i < all->count; i++) {
		const struct row *row = &all->rows[i];
		hil_strbuf_printf(&b, "<tr><td style=\"color:%s\">", colours[line++ % 8]);
		hil_xml_escape(&b, row->key);
		hil_strbuf_puts(&b, "</td>");
		for (int r = 0; r < n; r++) {
			if (row->has[r])
				hil_strbuf_printf(&b, "<td>%.0f%%</td>", 100 * row->rate[r]);
			else
				hil_strbuf_puts(&b, "<td>-</td>");
		}
		hil_strbuf_puts(&b, "</tr>");
	}
	hil_strbuf_puts(&b, "</table></body></html>\n");
	error = hil_write_file_atomic(path, b.buf, b.len);
	hil_strbuf_free(&b);
	return error;
}

int hil_report_trend(char *const dirs[], int count, FILE *out, const char *html_path)
{
	struct run *runs = hil_xcalloc((size_t)count, sizeof(*runs));
	int error = 0, n = 0;

	for (int i = 0; i < count && !error; i++) {
		char *path = hil_xasprintf("%s/journal.jsonl", dirs[i]);
		if ((error = hil_results_load(&runs[n].res, path, false)) == 0)
			runs[n++].dir = dirs[i];
		free(path);
	}
	if (!error) {
		qsort(runs, (size_t)n, sizeof(*runs), by_start);
		struct series all = { NULL, 0 };
		series(&all, runs, n);
		table(out, runs, n, &all);
		if (html_path)
			error = write_html(html_path, runs, n, &all);
		series_free(&all);
	}
	for (int i = 0; i < n; i++)
		hil_results_free(runs[i].res);
	free(runs);
	return error;
}
