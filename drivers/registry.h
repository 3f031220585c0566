/* The one table of driver backends, per role.
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

/* Backend @name of @role, NULL when this build has none. Its ops struct
 * starts with this (struct hil_power_ops, ...). */
const struct hil_driver_ops *hil_registry_find(enum hil_role role, const char *name);

bool hil_registry_known(enum hil_role role, const char *name);

/* "sim, ftdi_gpio" — the backends of @role in this build, for messages. Borrowed. */
const char *hil_registry_names(enum hil_role role);

/* Backend-specific checks of a loaded rack (simulated board profiles, ...).
 * Adds diagnostics; returns false when something is wrong. */
bool hil_registry_check_rack(const struct hil_rack *rack, struct hil_diag *diag);

struct hil_rack_board;
struct hil_step;

/* Roughly how long one install of @steps takes on @board, in ms, from its
 * simulated profile's timings; 0 when the board is not simulated (real
 * boards have no model to estimate from). */
unsigned long hil_registry_estimate_ms(const struct hil_rack_board *board,
				       const struct hil_step *steps, size_t count);

#endif
