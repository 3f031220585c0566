/* Fuzz target: the scenario loader (schema checks on top of the YAML tree),
 * planned against the simulated rack. */
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/config/scenario.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hil_rack *rack;
	struct hil_diag diag = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_plan *plan = NULL;
	const char *path = fuzz_file(data, size, "scenario.yaml");

	if (!rack && hil_registry_rack_load(&rack, HIL_FUZZ_SOURCE_DIR "/fixtures/racks/sim.yaml", &diag) < 0)
		return 0;
	if (hil_scenario_load(&s, path, &diag) == 0 && hil_plan_build(&plan, s, rack, 1, &diag) == 0)
		hil_plan_free(plan);
	hil_scenario_free(s);
	hil_diag_clear(&diag);
	return 0;
}
