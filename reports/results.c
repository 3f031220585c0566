/* Journal -> results model: grouping, cell statistics, exit code. */
#include "reports/results.h"
#include "harness/util/error.h"
#include "harness/journal/journal.h"
#include "harness/transcript/outcome.h"
#include "harness/util/stats.h"
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

/* The records that describe the campaign and its boards (not installs). */
static void apply_meta(json_t *res, const json_t *rec, const char *type)
{
	json_t *boards = json_object_get(res, "boards");

	if (!strcmp(type, "campaign")) {
		/* boards in plan order, whatever order workers finished in */
		size_t k;
		json_t *name;
		json_array_foreach(json_object_get(rec, "boards"), k, name)
			board_entry(boards, json_string_value(name));
		json_object_update_missing(res, (json_t *)rec);
		json_object_del(res, "type");
	} else if (!strcmp(type, "end")) {
		json_object_set(res, "finished", json_object_get(rec, "finished"));
		json_object_set(res, "interrupted", json_object_get(rec, "interrupted"));
	} else if (!strcmp(type, "board")) {
		json_t *b = board_entry(boards, str(rec, "board"));
		json_object_update(b, (json_t *)rec);
		json_object_del(b, "type");
	} else if (!strcmp(type, "settings")) {
		json_object_set(res, "junit_profile", json_object_get(rec, "junit_profile"));
	} else if (!strcmp(type, "hsm_draw")) {
		json_object_set_new(res, "hsm_draws", json_integer(
			json_integer_value(json_object_get(res, "hsm_draws")) + 1));
	}
}

/* Groups one board's step and case records, in journal order, into cases
 * with their steps: a case record takes the steps before it of the same
 * install out of @pending (so a later case of that name does not). */
static void group_add(json_t *pending, json_t *cases, const json_t *rec, const char *type)
{
	if (!strcmp(type, "step")) {
		json_array_append(pending, (json_t *)rec);
		return;
	}
	if (strcmp(type, "case") != 0)
		return;
	json_t *c = json_deep_copy(rec), *steps = json_array();
	json_object_del(c, "type");
	for (size_t k = 0; k < json_array_size(pending);) {
		json_t *st = json_array_get(pending, k);
		if (strcmp(str(st, "case"), str(rec, "case")) != 0) {
			k++;
			continue;
		}
		json_array_append(steps, st);
		json_array_remove(pending, k);
	}
	json_object_set_new(c, "steps", steps);
	json_array_append_new(cases, c);
}

/* Merges board, step and case records into boards[].cases[].steps[]. */
static void group_records(json_t *res, const json_t *records)
{
	json_t *boards = json_object_get(res, "boards"), *pending_by_board = json_object();
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec) {
		const char *type = str(rec, "type"), *board = str(rec, "board");
		if (strcmp(type, "step") != 0 && strcmp(type, "case") != 0) {
			apply_meta(res, rec, type);
			continue;
		}
		json_t *pending = json_object_get(pending_by_board, board);
		if (!pending) {
			pending = json_array();
			json_object_set_new(pending_by_board, board, pending);
		}
		group_add(pending, json_object_get(board_entry(boards, board), "cases"), rec, type);
	}
	json_decref(pending_by_board);
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

static json_t *new_totals(void)
{
	json_t *totals = json_object();

	for (int v = 0; v < HIL_VERDICT_COUNT; v++)
		json_object_set_new(totals, hil_verdict_name((enum hil_verdict)v), json_integer(0));
	return totals;
}

/* Counts install @c of board @b into its cell (created on first sight)
 * and into @totals. */
static void tally_case(json_t *cells, json_t *totals, const json_t *b, const json_t *c)
{
	const char *board = str(c, "board"), *label = str(c, "cell"), *v = str(c, "verdict");
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
	json_object_set_new(totals, v, json_integer(count_of(totals, v) + 1));
}

static void finish_cells(json_t *res, json_t *cells, json_t *totals)
{
	size_t i;
	json_t *c;

	json_array_foreach(cells, i, c)
		decide_cell(c);
	json_object_set_new(res, "cells", cells);
	json_object_set_new(res, "totals", totals);
}

static void build_cells(json_t *res)
{
	json_t *cells = json_array(), *totals = new_totals();
	size_t i, k;
	json_t *b, *c;

	json_array_foreach(json_object_get(res, "boards"), i, b)
		json_array_foreach(json_object_get(b, "cases"), k, c)
			tally_case(cells, totals, b, c);
	finish_cells(res, cells, totals);
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

/* hil_results_load: one pass over the journal keeps the campaign, the
 * boards, the cell counts and, per board, the offsets of its step and case
 * lines; the installs themselves are read back a board at a time
 * (hil_results_board_cases), so memory does not grow with the journal. */
struct stream_load {
	json_t *res, *cells, *totals;
	json_t *index;     /* {board: [offset, ...]} of step and case lines */
};

static int load_record(json_t *rec, long offset, void *payload)
{
	struct stream_load *st = payload;
	const char *type = str(rec, "type");

	if (strcmp(type, "step") != 0 && strcmp(type, "case") != 0) {
		apply_meta(st->res, rec, type);
	} else {
		const char *board = str(rec, "board");
		json_t *b = board_entry(json_object_get(st->res, "boards"), board);
		json_t *offsets = json_object_get(st->index, board);
		if (!offsets) {
			offsets = json_array();
			json_object_set_new(st->index, board, offsets);
		}
		json_array_append_new(offsets, json_integer(offset));
		if (!strcmp(type, "case"))
			tally_case(st->cells, st->totals, b, rec);
	}
	json_decref(rec);
	return 0;
}

static size_t board_position(const json_t *boards, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(boards, i, b)
		if (!strcmp(str(b, "board"), name))
			return i;
	return (size_t)-1;
}

/* Cells in board order (then first sight), as hil_results_build makes them. */
static json_t *cells_in_board_order(const json_t *boards, json_t *cells)
{
	json_t *sorted = json_array(), *c;
	size_t i, k;

	for (i = 0; i < json_array_size(boards); i++)
		json_array_foreach(cells, k, c)
			if (board_position(boards, str(c, "board")) == i)
				json_array_append(sorted, c);
	json_array_foreach(cells, k, c)
		if (board_position(boards, str(c, "board")) == (size_t)-1)
			json_array_append(sorted, c);
	json_decref(cells);
	return sorted;
}

int hil_results_load(json_t **out, const char *journal_path)
{
	struct stream_load st = { json_pack("{s:[], s:i}", "boards", "hsm_draws", 0), json_array(),
				  new_totals(), json_object() };
	int error;

	*out = NULL;
	if ((error = hil_journal_walk(journal_path, load_record, &st)) < 0) {
		json_decref(st.res);
		json_decref(st.cells);
		json_decref(st.totals);
		json_decref(st.index);
		return error;
	}
	/* boards created by the walk carry an empty "cases": the index has them */
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(st.res, "boards"), i, b)
		json_object_del(b, "cases");
	finish_cells(st.res, cells_in_board_order(json_object_get(st.res, "boards"), st.cells),
		     st.totals);
	json_object_set_new(st.res, "_journal", json_string(journal_path));
	json_object_set_new(st.res, "_index", st.index);
	json_object_set_new(st.res, "exit_code", json_integer(exit_code(st.res)));
	*out = st.res;
	return 0;
}

json_t *hil_results_board_cases(const json_t *results, const json_t *board)
{
	json_t *cases = json_object_get(board, "cases");
	const json_t *offsets = json_object_get(json_object_get(results, "_index"), str(board, "board"));
	json_t *pending, *off;
	size_t i;
	FILE *f;

	if (cases)
		return json_incref(cases);
	cases = json_array();
	if (!offsets || !(f = fopen(str(results, "_journal"), "r")))
		return cases;
	pending = json_array();
	json_array_foreach(offsets, i, off) {
		json_t *rec = hil_journal_record_at(f, (long)json_integer_value(off));
		if (rec)
			group_add(pending, cases, rec, str(rec, "type"));
		json_decref(rec);
	}
	fclose(f);
	json_decref(pending);
	return cases;
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
