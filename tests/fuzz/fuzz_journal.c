/* Fuzz target: the journal reader and the typed results model built from
 * it (what report, resume and merge read), with every board's installs
 * handed back out of the model's store. */
#include "harness/journal/journal.h"
#include "reports/results.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "journal.jsonl");
	struct hil_results *res = NULL;
	json_t *records = NULL;

	if (hil_journal_read(&records, path) == 0)
		json_decref(records);
	if (hil_results_load(&res, path, true) == 0) {
		for (size_t i = 0; i < res->board_count; i++) {
			struct hil_results_cursor *cur;
			const struct hil_results_case *c;
			hil_results_cases_open(&cur, res, i);
			while (hil_results_cases_next(cur, &c) > 0)
				;
			hil_results_cases_close(cur);
		}
		hil_results_free(res);
	}
	return 0;
}
