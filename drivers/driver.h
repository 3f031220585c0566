/* What every driver instance gets: the rack it belongs to and run-wide
 * settings. Shared by the four role contracts. */
#ifndef HIL_DRIVERS_DRIVER_H
#define HIL_DRIVERS_DRIVER_H

#include <stdint.h>

struct hil_rack;

struct hil_driver_ctx {
	const struct hil_rack *rack;
	uint64_t seed;            /* for simulated randomness: same seed, same run */
};

#endif
