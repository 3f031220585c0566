/* The table a person reads after a run: one line per board and cell with
 * the verdict, then where the reports are. */
#include "harness/cli/cli.h"
#include "reports/results.h"
#include "harness/transcript/outcome.h"

#include <string.h>

static const char *str(const json_t *o, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : fallback;
}

static void classes_text(char *buf, size_t size, const json_t *cell)
{
	const char *cls;
	json_t *n;
	size_t used = 0;

	buf[0] = '\0';
	json_object_foreach((json_t *)json_object_get(cell, "classes"), cls, n) {
		if (!strcmp(cls, "success") || !strcmp(cls, "none") || used >= size)
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s x%lld", used ? ", " : "",
					 cls, (long long)json_integer_value(n));
	}
}

/* A cell with max_failure_rate, in a qualification's words. */
static const char *qualification(const json_t *cell, char *text, size_t size)
{
	const char *v = str(cell, "verdict", "");

	if (!strcmp(v, "pass"))
		return "qualified";
	if (!strcmp(v, "fail"))
		return "not qualified";
	snprintf(text, size, "inconclusive, %lld more runs needed",
		 (long long)json_integer_value(json_object_get(cell, "more_runs")));
	return text;
}

static void detail(char *buf, size_t size, const json_t *cell)
{
	const json_t *ci = json_object_get(cell, "ci95");
	json_t *max = json_object_get(cell, "max_failure_rate");
	char classes[256], words[64];

	classes_text(classes, sizeof(classes), cell);
	if (json_is_number(max))
		snprintf(buf, size, "%s: failure rate %.1f%% (95%% CI %.1f-%.1f%%, limit %.1f%%)%s%s",
			 qualification(cell, words, sizeof(words)), 100 * json_number_value(json_object_get(cell, "failure_rate")),
			 100 * json_number_value(json_array_get(ci, 0)),
			 100 * json_number_value(json_array_get(ci, 1)), 100 * json_number_value(max),
			 classes[0] ? "; " : "", classes);
	else
		snprintf(buf, size, "%s", classes);
}

/* The RSS values seen in a cell's cases, e.g. "RSS 0x16". */
static void cell_rss(char *buf, size_t size, const json_t *results, const json_t *cell)
{
	size_t i, k, r, used = 0;
	json_t *b, *c, *v;

	buf[0] = '\0';
	json_array_foreach(json_object_get(results, "boards"), i, b) {
		if (strcmp(str(b, "board", ""), str(cell, "board", "")))
			continue;
		json_t *cases = hil_results_board_cases(results, b);
		json_array_foreach(cases, k, c) {
			if (strcmp(str(c, "cell", ""), str(cell, "cell", "")))
				continue;
			json_array_foreach(json_object_get(c, "rss"), r, v) {
				const char *val = json_string_value(v);
				if (val && strcmp(val, "0x0") && !strstr(buf, val) && used < size)
					used += (size_t)snprintf(buf + used, size - used, "%s%s",
								 used ? "," : "RSS ", val);
			}
		}
		json_decref(cases);
	}
}

void hil_cli_print_summary(FILE *f, const json_t *results, const char *out_dir)
{
	const json_t *totals = json_object_get(results, "totals");
	size_t i;
	json_t *cell;
	int code = (int)json_integer_value(json_object_get(results, "exit_code"));
	static const char *const meaning[] = { [0] = "all as expected", [1] = "a failure or unexpected pass",
					       [3] = "infrastructure errors" };

	fprintf(f, "\nCampaign %s on rack %s\n", str(results, "campaign", "?"), str(results, "rack", "?"));
	fprintf(f, "%-16s %-5s %-28s %5s %5s  %-13s %s\n", "board", "BL", "cell", "runs", "fail",
		"verdict", "detail");
	json_array_foreach(json_object_get(results, "cells"), i, cell) {
		char text[512], rss[64];
		detail(text, sizeof(text), cell);
		cell_rss(rss, sizeof(rss), results, cell);
		fprintf(f, "%-16s %-5s %-28s %5lld %5lld  %-13s %s%s%s\n", str(cell, "board", "?"),
			str(cell, "bl_version", "?"), str(cell, "cell", "")[0] ? str(cell, "cell", "") : "-",
			(long long)json_integer_value(json_object_get(cell, "runs")),
			(long long)json_integer_value(json_object_get(cell, "failures")),
			str(cell, "verdict", "?"), text, rss[0] && text[0] ? " " : "", rss);
	}
	fprintf(f, "\nTotals: %lld pass, %lld fail, %lld xfail, %lld xpass, %lld error, %lld skip\n",
		(long long)json_integer_value(json_object_get(totals, "pass")),
		(long long)json_integer_value(json_object_get(totals, "fail")),
		(long long)json_integer_value(json_object_get(totals, "xfail")),
		(long long)json_integer_value(json_object_get(totals, "xpass")),
		(long long)json_integer_value(json_object_get(totals, "error")),
		(long long)json_integer_value(json_object_get(totals, "skip")));
	fprintf(f, "HSM licences drawn: %lld\n",
		(long long)json_integer_value(json_object_get(results, "hsm_draws")));
	if (code != 1 && json_integer_value(json_object_get(totals, "fail")) > 0)
		fprintf(f, "Note: the failed installs lie within a max_failure_rate the scenario "
			"accepts (see the cells above); JUnit still lists each one as a failure.\n");
	fprintf(f, "Reports:\n  %s/report.html\n  %s/junit.xml\n  %s/summary.json\n  %s/journal.jsonl\n"
		"  %s/logs/\n", out_dir, out_dir, out_dir, out_dir, out_dir);
	fprintf(f, "Exit code %d: %s\n", code, code == 130 ? "interrupted" :
		(code >= 0 && code <= 3 && meaning[code]) ? meaning[code] : "?");
}
