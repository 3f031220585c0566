/* Fuzz target: the STM32_Programmer_CLI transcript parser and classifier. */
#include "harness/transcript/cubeprog_parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hil_transcript tx;

	hil_cubeprog_parse(&tx, (const char *)data, size);
	for (int op = HIL_PROG_IDENTIFY; op <= HIL_PROG_READ_WORDS; op++)
		(void)hil_cubeprog_classify(&tx, (enum hil_prog_op)op, NULL);
	return 0;
}
