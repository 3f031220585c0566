/* Campaign planning: scenario x rack -> boards x matrix cells x repeats,
 * with ${param} substituted and paths resolved per cell. Everything that
 * can be checked before touching hardware is checked here, so a bad
 * reference stops the run before anything runs. */
#ifndef HIL_HARNESS_PLAN_H
#define HIL_HARNESS_PLAN_H

#include "harness/util/diag.h"
#include "harness/config/rack.h"
#include "harness/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>

struct hil_plan_cell {
	const char **names, **values; /* the matrix parameters of this cell (the
				       * scenario's strings; the arrays are owned) */
	size_t param_count;
	char *label;               /* "image=sbsfu_bb.sfi" ("" without a matrix) */
	struct hil_step *steps;    /* the scenario's steps, substituted, paths resolved */
};

struct hil_plan_board {
	const struct hil_rack_board *board;  /* borrowed from the rack */
	char *skip_reason;                   /* non-NULL: not run, cases are `skip` */
};

struct hil_plan {
	const struct hil_scenario *scenario; /* borrowed */
	const struct hil_rack *rack;         /* borrowed */
	struct hil_plan_board *boards;
	size_t board_count;
	struct hil_plan_cell *cells;
	size_t cell_count;
	unsigned repeat;
};

/* Builds the plan. @repeat 0 keeps the scenario's. Problems go to @diag
 * (with the scenario's line and column) and give HIL_ECONFIG, or
 * HIL_EREFUSED when a safety rule refuses a named board. */
int hil_plan_build(struct hil_plan **out, const struct hil_scenario *s,
		   const struct hil_rack *rack, unsigned repeat, struct hil_diag *diag);

void hil_plan_free(struct hil_plan *plan);

/* True when the step changes the device irreversibly (SFI sets SECURITY,
 * programs option bytes and spends an HSM license). */
bool hil_step_is_irreversible(const struct hil_step *st);

#endif
