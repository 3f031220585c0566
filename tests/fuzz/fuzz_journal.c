/* Fuzz target: the journal reader and the results model built from it
 * (what report, resume and merge read), in memory and streamed from the
 * file with each board's installs read back by offset. */
#include "harness/journal/journal.h"
#include "reports/results.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "journal.jsonl");
	json_t *records = NULL, *res = NULL, *b;
	size_t i;

	if (hil_journal_read(&records, path) == 0) {
		hil_results_build(&res, records);
		json_decref(res);
	}
	json_decref(records);
	if (hil_results_load(&res, path) == 0) {
		json_array_foreach(json_object_get(res, "boards"), i, b)
			json_decref(hil_results_board_cases(res, b));
		json_decref(res);
	}
	return 0;
}
