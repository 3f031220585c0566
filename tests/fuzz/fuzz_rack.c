/* Fuzz target: the rack loader. */
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hil_diag diag = { 0 };
	struct hil_rack *rack = NULL;

	if (hil_registry_rack_load(&rack, fuzz_file(data, size, "rack.yaml"), &diag) == 0)
		hil_rack_free(rack);
	hil_diag_clear(&diag);
	return 0;
}
