/* The one pre-flight of check, --dry-run and run.
 *
 * Everything that would make run refuse a campaign, found before any
 * board is touched or any licence drawn, with the same message and exit
 * code (2) whichever command finds it:
 *  - the rack's backends are ready on this host (the programmer tool
 *    exists and is executable; drivers/registry.h, hil_registry_ready);
 *  - every file the campaign reads (images, licence files, verify_flash
 *    files, keys and nonces) is a regular, readable file within its size
 *    limit, and parses: images as SFI, keys and nonces to their length (a
 *    FIFO, a device or a directory is refused without being opened);
 *  - the irreversible-step interlock (interlock.h), which fails closed.
 */
#ifndef HIL_ENGINE_PREFLIGHT_H
#define HIL_ENGINE_PREFLIGHT_H

#include "harness/config/plan.h"
#include "harness/util/diag.h"

#include <stdbool.h>

/* 0 when @plan may run; otherwise HIL_EREFUSED (the interlock) or
 * HIL_ECONFIG, every problem in @diag at its file:line:col. */
int hil_preflight(const struct hil_plan *plan, bool allow_irreversible, struct hil_diag *diag);

#endif
