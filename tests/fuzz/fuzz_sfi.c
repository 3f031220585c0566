/* Fuzz target: the .sfi image reader. */
#include "harness/sfi/sfi_image.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hil_sfi_image *img = NULL;

	if (hil_sfi_image_parse(&img, "fuzz.sfi", data, size) == 0)
		hil_sfi_image_check(img, 0x08000000u, 2u << 20);
	hil_sfi_image_free(img);
	return 0;
}
