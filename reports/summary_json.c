/* summary.json writer; see summary_json.h. */
#include "reports/summary_json.h"
#include "harness/error.h"
#include "harness/fileutil.h"

#include <stdlib.h>
#include <string.h>

static json_t *board_identities(const json_t *results)
{
	json_t *boards = json_array(), *b;
	size_t i;

	json_array_foreach(json_object_get(results, "boards"), i, b) {
		json_t *id = json_deep_copy(b);
		json_object_del(id, "cases");
		json_array_append_new(boards, id);
	}
	return boards;
}

int hil_report_summary_write(const json_t *results, const char *path)
{
	json_t *summary = json_object();
	char *text;
	int error;

	json_object_set(summary, "campaign", json_object_get(results, "campaign"));
	json_object_set(summary, "scenario", json_object_get(results, "scenario"));
	json_object_set(summary, "rack", json_object_get(results, "rack"));
	json_object_set(summary, "started", json_object_get(results, "started"));
	json_object_set(summary, "finished", json_object_get(results, "finished"));
	json_object_set(summary, "seed", json_object_get(results, "seed"));
	json_object_set(summary, "totals", json_object_get(results, "totals"));
	json_object_set(summary, "cells", json_object_get(results, "cells"));
	json_object_set_new(summary, "boards", board_identities(results));
	json_object_set(summary, "exit_code", json_object_get(results, "exit_code"));
	text = json_dumps(summary, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(summary);
	if (!text)
		return hil_error_set(HIL_ENOMEM, "summary.json: cannot encode");
	size_t len = strlen(text);
	text[len] = '\n';
	error = hil_write_file_atomic(path, text, len + 1);
	free(text);
	return error;
}
