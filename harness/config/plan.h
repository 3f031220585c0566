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
	/* run --board, --only, --only-failed (plan_select.c): which cells of
	 * which boards run, board_count x cell_count; NULL: all of them */
	bool *wanted;
};

/* Builds the plan. @repeat 0 keeps the scenario's. Problems go to @diag
 * (with the scenario's line and column) and give HIL_ECONFIG, or
 * HIL_EREFUSED when a safety rule refuses a named board. */
int hil_plan_build(struct hil_plan **out, const struct hil_scenario *s,
		   const struct hil_rack *rack, unsigned repeat, struct hil_diag *diag);

void hil_plan_free(struct hil_plan *plan);

/* Part of a campaign (plan_select.c). */

/* Whether cell @cell of board @board runs: the selection below, then the
 * shard (@shard of @shards, 1-based; @shards 0: no sharding, a rule over
 * board x cell that --shard, the dry run and resume share). */
bool hil_plan_wants(const struct hil_plan *plan, size_t board, size_t cell, unsigned shard,
		    unsigned shards);

/* Keeps only the boards named in @boards (run --board, repeatable) and the
 * cells whose matrix parameters match @only ("KEY=VALUE", run --only:
 * values of one key are alternatives, different keys must all match).
 * Either list may be empty. A name that is not a board of the campaign, a
 * key that is not a matrix parameter, or a selection that leaves nothing
 * to run is a diagnostic (which names there are) and HIL_ECONFIG. */
int hil_plan_select(struct hil_plan *plan, const char *const *boards, size_t board_count,
		    const char *const *only, size_t only_count, struct hil_diag *diag);

/* The index of board @name in @plan, or of the cell labelled @label;
 * -1 when it has none. */
long hil_plan_board_index(const struct hil_plan *plan, const char *name);
long hil_plan_cell_index(const struct hil_plan *plan, const char *label);

/* Narrows the selection to the (board, cell) pairs @keep marks
 * (board_count x cell_count; run --only-failed). */
void hil_plan_keep(struct hil_plan *plan, const bool *keep);

/* True when the step changes the device irreversibly (SFI sets SECURITY,
 * programs option bytes and spends an HSM license). */
bool hil_step_is_irreversible(const struct hil_step *st);

#endif
