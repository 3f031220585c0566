/* The irreversible-step interlock.
 *
 * Some steps change a board for good: an SFI image whose configuration area
 * asks for RDP level 2 (JTAG closed for ever; read with the campaign's
 * sfi_key), and any step the scenario declares `irreversible: true`. They
 * run only when the campaign is started with --allow-irreversible AND only
 * on boards the rack marks sacrificial. Otherwise the campaign is refused
 * before any board is touched, naming the step and the board. */
#ifndef HIL_HARNESS_INTERLOCK_H
#define HIL_HARNESS_INTERLOCK_H

#include "harness/diag.h"
#include "harness/plan.h"

#include <stdbool.h>
#include <stdio.h>

#define HIL_RDP_LEVEL2 0xCCu

/* Why step @i of @cell is permanent, or NULL when it is not. Static text. */
const char *hil_interlock_reason(const struct hil_plan *plan, const struct hil_plan_cell *cell,
				 size_t i);

/* HIL_EREFUSED (problems in @diag) when a permanent step would run without
 * @allow or on a board that is not sacrificial; 0 otherwise. */
int hil_interlock_check(const struct hil_plan *plan, bool allow, struct hil_diag *diag);

/* --dry-run: lists the permanent steps; returns how many. */
size_t hil_interlock_list(const struct hil_plan *plan, FILE *out);

#endif
