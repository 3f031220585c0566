/* Fuzz target: the YAML tree and the scenario/rack schema readers. */
#include "harness/yaml/yaml_tree.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hil_diag diag = { 0 };
	struct hil_ynode *root = NULL;

	if (hil_yaml_load_buffer(&root, "fuzz.yaml", (const char *)data, size, &diag) == 0)
		hil_ynode_free(root);
	hil_diag_clear(&diag);
	return 0;
}
