/* A simulated board's settings in the rack, and the checks every sim
 * backend shares: the simulator owns the `sim:` and `sim_power_pin` keys of
 * a board entry as a backend owns its own, and keeps them opaque to the
 * core in hil_rack_board.sim. Used by drivers/registry.c (the rack table),
 * the sim backends and the simulated world (board.c).
 */
#ifndef HIL_DRIVERS_SIM_CONFIG_H
#define HIL_DRIVERS_SIM_CONFIG_H

#include "harness/config/rack.h"
#include "harness/util/diag.h"

#include <stddef.h>

struct hil_step;
struct hil_ycheck;
struct hil_ynode;

struct hil_sim_board_cfg {
	char *profile;             /* the `sim:` profile, resolved against the rack file */
	unsigned power_pin;        /* the pin its supply is really on (default: the rack's) */
};

/* Reads `sim:` and `sim_power_pin` of board map @node (@b: the board's
 * other keys, already read). *cfg_out stays NULL for a real board. */
void hil_sim_parse_board(struct hil_ycheck *c, const struct hil_ynode *node,
			 const struct hil_rack_board *b, void **cfg_out);
void hil_sim_free_board(void *cfg);

/* The check of the four sim backends and of simulated boards: a board that
 * a sim backend serves needs a profile, and every profile must load (its
 * problems are reported in the profile's own file:line:col). 0 or
 * HIL_ECONFIG. */
int hil_sim_check_rack(const struct hil_rack *rack, struct hil_diag *diag);

/* `sfi-harness check PROFILE`: validates a simulated board profile (a YAML
 * document whose top level has 'profile:'); on success writes a one-line
 * summary into @what. HIL_ENOTFOUND when @path is no profile (@is_profile
 * false), else 0 or the load's error. */
int hil_sim_check_profile_file(const char *path, bool is_profile, char *what, size_t size,
			       struct hil_diag *diag);

/* Roughly how long one install of @steps takes on a simulated board, in
 * ms, from its profile's timings (estimate.c); 0 when it cannot tell. */
unsigned long hil_sim_estimate_ms(const struct hil_sim_board_cfg *cfg, const struct hil_step *steps,
				  size_t count);

#endif
