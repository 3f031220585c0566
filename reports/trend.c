/* Pass-rate trends; see trend.h. Runs are ordered by their start time.
 * Each run's model is read from its journal without its installs (only
 * the cells count), so memory grows with the cells, not the installs. */
#include "reports/trend.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"
#include "reports/results.h"

#include <jansson.h>
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

/* {cell key: [pass rate or null per run]} in first-seen order. */
static json_t *series(const struct run *runs, int n)
{
	json_t *all = json_object();

	for (int r = 0; r < n; r++) {
		for (size_t i = 0; i < runs[r].res->cell_count; i++) {
			const struct hil_results_cell *c = &runs[r].res->cells[i];
			char *key = cell_key(runs[r].res, c);
			json_t *row = json_object_get(all, key);
			if (!row) {
				row = json_array();
				for (int k = 0; k < n; k++)
					json_array_append_new(row, json_null());
				json_object_set_new(all, key, row);
			}
			long runs_n = (long)c->runs, fails = (long)c->failures;
			if (runs_n)
				json_array_set_new(row, (size_t)r, json_real(1.0 - (double)fails / runs_n));
			free(key);
		}
	}
	return all;
}

static void table(FILE *f, const struct run *runs, int n, const json_t *all)
{
	const char *key;
	json_t *row;

	fprintf(f, "%-52s", "pass rate per run (oldest first, UTC start)");
	for (int r = 0; r < n; r++)
		fprintf(f, " %11.11s", run_label(&runs[r]));
	fprintf(f, "\n");
	json_object_foreach((json_t *)all, key, row) {
		fprintf(f, "%-52.52s", key);
		for (int r = 0; r < n; r++) {
			json_t *v = json_array_get(row, (size_t)r);
			if (json_is_number(v))
				fprintf(f, " %10.0f%%", 100 * json_number_value(v));
			else
				fprintf(f, " %11s", "-");
		}
		fprintf(f, "\n");
	}
}

static int write_html(const char *path, const struct run *runs, int n, const json_t *all)
{
	static const char *const colours[] = { "#1565c0", "#c62828", "#2e7d32", "#ef6c00",
					       "#6a1b9a", "#00838f", "#5d4037", "#ad1457" };
	struct hil_strbuf b = HIL_STRBUF_INIT;
	double w = 720, h = 240, x0 = 50, step = n > 1 ? w / (n - 1) : 0;
	const char *key;
	json_t *row;
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
	json_object_foreach((json_t *)all, key, row) {
		hil_strbuf_printf(&b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
				  colours[line % 8]);
		for (int r = 0; r < n; r++) {
			json_t *v = json_array_get(row, (size_t)r);
			if (json_is_number(v))
				hil_strbuf_printf(&b, "%.1f,%.1f ", x0 + r * step,
						  10 + (1 - json_number_value(v)) * h);
		}
		hil_strbuf_puts(&b, "\"><title>");
		hil_strbuf_puts(&b, key);
		hil_strbuf_puts(&b, "</title></polyline>");
		line++;
	}
	hil_strbuf_puts(&b, "</svg><table border=\"1\" cellpadding=\"4\"><tr><th>cell</th>");
	for (int r = 0; r < n; r++)
		hil_strbuf_printf(&b, "<th>%s</th>", or_q(runs[r].res->started));
	hil_strbuf_puts(&b, "</tr>");
	line = 0;
	json_object_foreach((json_t *)all, key, row) {
		hil_strbuf_printf(&b, "<tr><td style=\"color:%s\">%s</td>", colours[line++ % 8], key);
		for (int r = 0; r < n; r++) {
			json_t *v = json_array_get(row, (size_t)r);
			if (json_is_number(v))
				hil_strbuf_printf(&b, "<td>%.0f%%</td>", 100 * json_number_value(v));
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
		json_t *all = series(runs, n);
		table(out, runs, n, all);
		if (html_path)
			error = write_html(html_path, runs, n, all);
		json_decref(all);
	}
	for (int i = 0; i < n; i++)
		hil_results_free(runs[i].res);
	free(runs);
	return error;
}
