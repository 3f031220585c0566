/* Journal -> results model: grouping, cell statistics, exit code. */
#include "reports/results.h"
#include "harness/error.h"
#include "harness/journal.h"
#include "harness/outcome.h"
#include "harness/stats.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/summary_json.h"

#include <stdio.h>

#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *find_by(json_t *array, const char *key, const char *value, const char *key2,
		       const char *value2)
{
	size_t i;
	json_t *item;

	json_array_foreach(array, i, item)
		if (!strcmp(str(item, key), value) && (!key2 || !strcmp(str(item, key2), value2)))
			return item;
	return NULL;
}

static json_t *board_entry(json_t *boards, const char *name)
{
	json_t *b = find_by(boards, "board", name, NULL, NULL);

	if (!b) {
		b = json_pack("{s:s, s:[]}", "board", name, "cases");
		json_array_append_new(boards, b);
	}
	return b;
}

/* Merges board, step and case records into boards[].cases[].steps[]. */
static void group_records(json_t *res, const json_t *records)
{
	json_t *boards = json_object_get(res, "boards");
	json_t *pending_steps = json_array();
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec) {
		const char *type = str(rec, "type");
		if (!strcmp(type, "campaign")) {
			/* boards in plan order, whatever order workers finished in */
			size_t k;
			json_t *name;
			json_array_foreach(json_object_get(rec, "boards"), k, name)
				board_entry(boards, json_string_value(name));
			json_object_update_missing(res, rec);
			json_object_del(res, "type");
		} else if (!strcmp(type, "end")) {
			json_object_set(res, "finished", json_object_get(rec, "finished"));
			json_object_set(res, "interrupted", json_object_get(rec, "interrupted"));
		} else if (!strcmp(type, "board")) {
			json_t *b = board_entry(boards, str(rec, "board"));
			json_object_update(b, rec);
			json_object_del(b, "type");
		} else if (!strcmp(type, "step")) {
			json_array_append(pending_steps, rec);
		} else if (!strcmp(type, "settings")) {
			json_object_set(res, "junit_profile", json_object_get(rec, "junit_profile"));
		} else if (!strcmp(type, "hsm_draw")) {
			json_object_set_new(res, "hsm_draws", json_integer(
				json_integer_value(json_object_get(res, "hsm_draws")) + 1));
		} else if (!strcmp(type, "case")) {
			json_t *c = json_deep_copy(rec), *steps = json_array();
			size_t k;
			json_t *st;
			json_object_del(c, "type");
			json_array_foreach(pending_steps, k, st)
				if (!strcmp(str(st, "board"), str(rec, "board")) &&
				    !strcmp(str(st, "case"), str(rec, "case")))
					json_array_append(steps, st);
			json_object_set_new(c, "steps", steps);
			json_array_append_new(json_object_get(board_entry(boards, str(rec, "board")),
							      "cases"), c);
		}
	}
	json_decref(pending_steps);
}

static void count_case(json_t *cell, const json_t *c)
{
	const char *verdict = str(c, "verdict"), *cls = str(c, "class");
	json_t *classes = json_object_get(cell, "classes");

	json_object_set_new(classes, cls, json_integer(json_integer_value(json_object_get(classes, cls)) + 1));
	json_object_set_new(cell, verdict, json_integer(json_integer_value(json_object_get(cell, verdict)) + 1));
	if (!strcmp(verdict, "error") || !strcmp(verdict, "skip"))
		return;
	json_object_set_new(cell, "runs", json_integer(json_integer_value(json_object_get(cell, "runs")) + 1));
	if (strcmp(cls, "success") != 0)
		json_object_set_new(cell, "failures",
				    json_integer(json_integer_value(json_object_get(cell, "failures")) + 1));
	if (!json_object_get(cell, "max_failure_rate")) {
		json_t *rate = json_object_get(json_object_get(c, "expected"), "max_failure_rate");
		json_object_set_new(cell, "max_failure_rate", json_is_number(rate) ? json_copy(rate) : json_null());
	}
}

static long count_of(const json_t *cell, const char *verdict)
{
	return (long)json_integer_value(json_object_get(cell, verdict));
}

/* Cell verdict: statistical when max_failure_rate is set, else the worst
 * case verdict (fail > xpass > error > xfail > pass > skip). */
static void decide_cell(json_t *cell)
{
	static const char *const order[] = { "fail", "xpass", "error", "xfail", "pass", "skip" };
	unsigned runs = (unsigned)count_of(cell, "runs"), fails = (unsigned)count_of(cell, "failures");
	json_t *max = json_object_get(cell, "max_failure_rate");
	double lo, hi;
	const char *verdict = "skip";

	hil_wilson95(fails, runs, &lo, &hi);
	json_object_set_new(cell, "failure_rate", runs ? json_real((double)fails / runs) : json_null());
	json_object_set_new(cell, "ci95", json_pack("[f,f]", lo, hi));
	if (json_is_number(max) && runs) {
		unsigned more = 0;
		enum hil_stat_verdict v = hil_stat_decide(fails, runs, json_number_value(max), &more);
		json_object_set_new(cell, "verdict", json_string(hil_stat_verdict_name(v)));
		json_object_set_new(cell, "more_runs", v == HIL_STAT_INCONCLUSIVE ? json_integer(more)
							 : json_null());
		return;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
		if (count_of(cell, order[i])) {
			verdict = order[i];
			break;
		}
	}
	json_object_set_new(cell, "verdict", json_string(verdict));
	json_object_set_new(cell, "more_runs", json_null());
}

static void build_cells(json_t *res)
{
	json_t *cells = json_array(), *totals = json_object();
	size_t i, k;
	json_t *b, *c;

	for (int v = 0; v < HIL_VERDICT_COUNT; v++)
		json_object_set_new(totals, hil_verdict_name((enum hil_verdict)v), json_integer(0));
	json_array_foreach(json_object_get(res, "boards"), i, b) {
		json_array_foreach(json_object_get(b, "cases"), k, c) {
			const char *board = str(c, "board"), *label = str(c, "cell");
			json_t *cell = find_by(cells, "board", board, "cell", label);
			if (!cell) {
				cell = json_pack("{s:s, s:O, s:s, s:O, s:i, s:i, s:{}}", "board", board,
						 "bl_version", json_object_get(b, "bl_version") ?
						 json_object_get(b, "bl_version") : json_null(),
						 "cell", label, "params", json_object_get(c, "params"),
						 "runs", 0, "failures", 0, "classes");
				json_array_append_new(cells, cell);
			}
			count_case(cell, c);
			const char *v = str(c, "verdict");
			json_object_set_new(totals, v, json_integer(count_of(totals, v) + 1));
		}
	}
	json_array_foreach(cells, i, c)
		decide_cell(c);
	json_object_set_new(res, "cells", cells);
	json_object_set_new(res, "totals", totals);
}

/* DESIGN §5: 1 on fail / xpass (unless allowed), else 3 on errors, 130 if
 * interrupted, else 0. */
static int exit_code(const json_t *res)
{
	bool xpass_fails = !json_is_false(json_object_get(res, "xpass_fails"));
	bool failed = false, errors = count_of(json_object_get(res, "totals"), "error") > 0;
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(res, "cells"), i, c) {
		const char *v = str(c, "verdict");
		failed = failed || !strcmp(v, "fail") || (xpass_fails && !strcmp(v, "xpass"));
		failed = failed || (xpass_fails && count_of(c, "xpass") > 0);
	}
	if (failed)
		return HIL_EXIT_FAIL;
	if (json_is_true(json_object_get(res, "interrupted")))
		return HIL_EXIT_INTERRUPTED;
	return errors ? HIL_EXIT_INFRA : HIL_EXIT_OK;
}

int hil_results_build(json_t **out, const json_t *records)
{
	json_t *res = json_pack("{s:[], s:i}", "boards", "hsm_draws", 0);

	group_records(res, records);
	build_cells(res);
	json_object_set_new(res, "exit_code", json_integer(exit_code(res)));
	*out = res;
	return 0;
}

int hil_results_load(json_t **out, const char *journal_path)
{
	json_t *records = NULL;
	int error;

	*out = NULL;
	if ((error = hil_journal_read(&records, journal_path)) < 0)
		return error;
	error = hil_results_build(out, records);
	json_decref(records);
	return error;
}

int hil_reports_write_all(const json_t *results, const char *dir, int junit_profile)
{
	char path[4096];
	int error;

	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	if ((error = hil_report_junit_write(results, path, (enum hil_junit_profile)junit_profile)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if ((error = hil_report_html_write(results, path)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return hil_report_summary_write(results, path);
}

int hil_results_junit_profile(const json_t *results)
{
	int p = hil_junit_profile_from_name(json_string_value(json_object_get(results, "junit_profile")));

	return p < 0 ? HIL_JUNIT_JENKINS : p;
}
