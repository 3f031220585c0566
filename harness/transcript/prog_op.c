/* The short names of programmer operations; see prog_op.h. */
#include "harness/transcript/prog_op.h"

#include <string.h>

static const char *const names[] = {
	[HIL_PROG_IDENTIFY] = "connect", [HIL_PROG_SFI_INSTALL] = "sfi",
	[HIL_PROG_READ_OB] = "ob", [HIL_PROG_READ_FLASH] = "upload",
	[HIL_PROG_RSS_VERSION] = "rss", [HIL_PROG_LIST_PROBES] = "list",
	[HIL_PROG_HSM_COUNTER] = "hsm", [HIL_PROG_ABORT] = "abort",
	[HIL_PROG_GET_CERTIFICATE] = "certificate", [HIL_PROG_HSM_GET_LICENSE] = "license",
	[HIL_PROG_READ_WORDS] = "read32", [HIL_PROG_RDP_REGRESS] = "regress",
	[HIL_PROG_ERASE_ALL] = "erase",
};

const char *hil_prog_op_name(enum hil_prog_op op)
{
	return (size_t)op < sizeof(names) / sizeof(*names) ? names[op] : "?";
}

int hil_prog_op_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}
