/* Fuzz target: the journal reader and the results model built from it
 * (what report, resume and merge read). */
#include "harness/journal.h"
#include "reports/results.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *records = NULL, *res = NULL;

	if (hil_journal_read(&records, fuzz_file(data, size, "journal.jsonl")) == 0) {
		hil_results_build(&res, records);
		json_decref(res);
	}
	json_decref(records);
	return 0;
}
