/* summary.json writer; see summary_json.h. Text the journal did not have
 * (or had as null) is null here. */
#include "reports/summary_json.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"

#include <stdlib.h>
#include <string.h>

static json_t *text(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *board_identities(const struct hil_results *r)
{
	const char *const *keys = hil_results_board_keys;
	json_t *boards = json_array();

	for (size_t i = 0; i < r->board_count; i++) {
		const struct hil_results_board *b = &r->boards[i];
		json_t *id = json_pack("{s:s}", "board", b->name);
		for (size_t k = 0; k < b->order_count; k++)
			json_object_set_new(id, keys[b->order[k]], text(b->field[b->order[k]]));
		json_array_append_new(boards, id);
	}
	return boards;
}

static json_t *totals(const unsigned long *counts)
{
	json_t *t = json_object();

	for (int v = 0; v < HIL_VERDICT_COUNT; v++)
		json_object_set_new(t, hil_verdict_name((enum hil_verdict)v), json_integer((json_int_t)counts[v]));
	return t;
}

static json_t *cell_json(const struct hil_results *r, const struct hil_results_cell *c)
{
	json_t *cell = json_object(), *params = json_object(), *classes = json_object();

	for (size_t i = 0; i < c->param_count; i++)
		json_object_set_new(params, c->param_names[i], text(c->param_values[i]));
	for (size_t i = 0; i < c->class_count; i++)
		json_object_set_new(classes, c->class_names[i], json_integer((json_int_t)c->class_counts[i]));
	json_object_set_new(cell, "board", json_string(r->boards[c->board].name));
	json_object_set_new(cell, "bl_version", text(c->bl_version));
	json_object_set_new(cell, "cell", json_string(c->label));
	json_object_set_new(cell, "params", params);
	json_object_set_new(cell, "runs", json_integer((json_int_t)c->runs));
	json_object_set_new(cell, "failures", json_integer((json_int_t)c->failures));
	json_object_set_new(cell, "classes", classes);
	/* verdict counts and max_failure_rate in the order the installs brought them */
	for (size_t i = 0; i < c->key_count; i++) {
		unsigned k = c->key_order[i];
		if (k == HIL_RESULTS_KEY_MAX_RATE)
			json_object_set_new(cell, "max_failure_rate",
					    c->has_max_rate ? json_real(c->max_rate) : json_null());
		else
			json_object_set_new(cell, hil_verdict_name((enum hil_verdict)k),
					    json_integer((json_int_t)c->verdicts[k]));
	}
	json_object_set_new(cell, "failure_rate", c->runs ? json_real(c->failure_rate) : json_null());
	json_object_set_new(cell, "ci95", json_pack("[f,f]", c->ci_lo, c->ci_hi));
	json_object_set_new(cell, "verdict", json_string(c->verdict));
	json_object_set_new(cell, "more_runs", c->has_more_runs ? json_integer(c->more_runs) : json_null());
	return cell;
}

json_t *hil_report_summary_json(const struct hil_results *r)
{
	json_t *cells = json_array();

	for (size_t i = 0; i < r->cell_count; i++)
		json_array_append_new(cells, cell_json(r, &r->cells[i]));
	json_t *summary = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:i}",
			 "campaign", text(r->campaign), "scenario", text(r->scenario),
			 "rack", text(r->rack), "started", text(r->started),
			 "finished", text(r->finished),
			 "seed", r->has_seed ? json_integer(r->seed) : json_null(),
			 "hsm_draws", (json_int_t)r->hsm_draws, "totals", totals(r->totals),
			 "cells", cells, "boards", board_identities(r), "exit_code", r->exit_code);
	/* whether the campaign ran to its end: an incomplete one never reads
	 * as a result (reports/results.h) */
	json_object_set_new(summary, "complete", json_boolean(r->complete));
	json_object_set_new(summary, "incomplete", r->complete ? json_null()
			    : json_string(r->why_incomplete));
	json_t *rev = json_array();
	for (size_t i = 0; i < r->reversible_count; i++)
		json_array_append_new(rev, json_string(r->reversible[i]));
	json_object_set_new(summary, "declared_reversible", rev);
	json_object_set_new(summary, "installs", json_pack("{s:I, s:o}", "done",
			    (json_int_t)r->installs_done, "planned", r->installs_planned
			    ? json_integer((json_int_t)r->installs_planned) : json_null()));
	return summary;
}

int hil_report_summary_write(const struct hil_results *results, const char *path)
{
	json_t *summary = hil_report_summary_json(results);
	char *out;
	int error;

	out = json_dumps(summary, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(summary);
	if (!out)
		return hil_error_set(HIL_ENOMEM, "summary.json: cannot encode");
	size_t len = strlen(out);
	out[len] = '\n';
	error = hil_write_file_atomic(path, out, len + 1);
	free(out);
	return error;
}
