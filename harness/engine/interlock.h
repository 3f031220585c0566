/* The irreversible-step interlock.
 *
 * Some steps change a board for good: an SFI image whose configuration area
 * sets an option byte marked irreversible (RDP level 2, JTAG closed for
 * ever, and whatever the scenario's irreversible_option_bytes add; read
 * with the campaign's sfi_key; option_bytes.h), and any step the scenario
 * declares `irreversible: true`. They
 * run only when the campaign is started with --allow-irreversible AND only
 * on boards the rack marks sacrificial. Otherwise the campaign is refused
 * before any board is touched, naming the step and the board. */
#ifndef HIL_HARNESS_INTERLOCK_H
#define HIL_HARNESS_INTERLOCK_H

#include "harness/util/diag.h"
#include "harness/config/plan.h"

#include <stdbool.h>
#include <stdio.h>

/* Whether step @i of @cell is permanent; then why, in @why. */
bool hil_interlock_reason(const struct hil_plan *plan, const struct hil_plan_cell *cell,
			  size_t i, char *why, size_t size);

/* HIL_EREFUSED (problems in @diag) when a permanent step would run without
 * @allow or on a board that is not sacrificial; 0 otherwise. */
int hil_interlock_check(const struct hil_plan *plan, bool allow, struct hil_diag *diag);

/* --dry-run: lists the permanent steps; returns how many. */
size_t hil_interlock_list(const struct hil_plan *plan, FILE *out);

#endif
