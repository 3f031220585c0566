/* The one table of driver backends, per role, and what the rest of the
 * harness asks of them as a whole: the rack loader's backend table (each
 * backend parses and checks its own settings), files backends own, time
 * estimates.
 *
 * Adding a backend: one .c file under drivers/<role>/, one extern line in
 * the role's ops header, one entry in registry.c (see docs/drivers.md).
 * The core finds backends only through these functions and never includes
 * a backend's header.
 */
#ifndef HIL_DRIVERS_REGISTRY_H
#define HIL_DRIVERS_REGISTRY_H

#include "drivers/driver.h"
#include "harness/util/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct hil_rack_board;
struct hil_step;
struct hil_ynode;

/* Backend @name of @role, NULL when this build has none. Its ops struct
 * starts with this (struct hil_power_ops, ...). */
const struct hil_driver_ops *hil_registry_find(enum hil_role role, const char *name);

bool hil_registry_known(enum hil_role role, const char *name);

/* "sim, ftdi_gpio" — the backends of @role in this build, for messages. Borrowed. */
const char *hil_registry_names(enum hil_role role);

/* The i-th backend of @role in table order, NULL past the end (to go over
 * every backend: contract tests, docs checks). */
const struct hil_driver_ops *hil_registry_at(enum hil_role role, size_t i);

/* The rack loader's view of this build's backends: each parses and checks
 * its own settings (struct hil_driver_ops), the simulator a board's. */
extern const struct hil_rack_backends hil_registry_rack_backends;

/* hil_rack_load() with this build's backends: what the CLI, the engine,
 * the stand-in tool and the tests call. */
int hil_registry_rack_load(struct hil_rack **out, const char *path, struct hil_diag *diag);

/* Validates a file a backend owns rather than the rack (today: a simulated
 * board profile, top-level 'profile:' in @root) and writes a one-line
 * summary into @what. HIL_ENOTFOUND when no backend owns such a file. */
int hil_registry_check_file(const char *path, const struct hil_ynode *root, char *what,
			    size_t size, struct hil_diag *diag);

/* Roughly how long one install of @steps takes on @board, in ms, from its
 * simulated profile's timings; 0 when the board is not simulated (real
 * boards have no model to estimate from). The simulator owns the
 * estimate: it serves the stand-in tool's racks too. */
/* The ready() of the rack's programmer and power backends: whether what
 * they run exists on this host (docs/drivers.md). HIL_ECONFIG with
 * diagnostics when not. */
int hil_registry_ready(const struct hil_rack *rack, struct hil_diag *diag);

unsigned long hil_registry_estimate_ms(const struct hil_rack_board *board,
				       const struct hil_step *steps, size_t count);

#endif
