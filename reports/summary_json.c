/* summary.json writer; see summary_json.h. */
#include "reports/summary_json.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"

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

	static const char *const copied[] = { "campaign", "scenario", "rack", "started",
					      "finished", "seed", "hsm_draws", "totals", "cells" };

	for (size_t i = 0; i < sizeof(copied) / sizeof(*copied); i++) {
		json_t *v = json_object_get(results, copied[i]);
		json_object_set(summary, copied[i], v ? v : json_null());
	}
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
