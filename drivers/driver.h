/* What every driver instance gets: the rack it belongs to and run-wide
 * settings, including the run's simulated world. Shared by the four role
 * contracts. One context serves one run (or one CLI command); two
 * contexts never share simulated state. */
#ifndef HIL_DRIVERS_DRIVER_H
#define HIL_DRIVERS_DRIVER_H

#include <stdint.h>

struct hil_rack;
struct hil_sim_world;

struct hil_driver_ctx {
	const struct hil_rack *rack;
	uint64_t seed;            /* for simulated randomness: same seed, same run */
	/* Where the simulated boards keep their state, so a stand-in tool in
	 * another process sees the same boards; NULL: in memory. Owned. */
	char *sim_state_dir;
	struct hil_sim_world *sim; /* the rack's simulated boards; owned */
};

/* Sets up @ctx for @rack: copies @sim_state_dir (may be NULL) and makes
 * the simulated world of the rack's simulated boards. Release with
 * hil_driver_ctx_fini() after every instance using it is closed; fini is
 * safe on a context whose init failed or that is all zeros. */
int hil_driver_ctx_init(struct hil_driver_ctx *ctx, const struct hil_rack *rack, uint64_t seed,
			const char *sim_state_dir);
void hil_driver_ctx_fini(struct hil_driver_ctx *ctx);

#endif
