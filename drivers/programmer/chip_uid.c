/* Where each device keeps its 96-bit unique ID; see programmer.h. */
#include "drivers/programmer/programmer.h"

#include <stddef.h>

static const struct {
	uint32_t device_id;
	uint32_t address;
} uid_base[] = {
	/* STM32H7A3/7B3/7B0 (RM0455, "Unique device ID register (96 bits)",
	 * base address 0x08FF F800). Other families are added here once read
	 * from their reference manual. */
	{ 0x480, 0x08FFF800 },
};

uint32_t hil_chip_uid_address(uint32_t device_id)
{
	for (size_t i = 0; i < sizeof(uid_base) / sizeof(*uid_base); i++)
		if (uid_base[i].device_id == device_id)
			return uid_base[i].address;
	return 0;
}
