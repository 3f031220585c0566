/* One install (case.c): its steps, its verdict and its journal record.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_CASE_H
#define HIL_ENGINE_CASE_H

#include "harness/engine/run_state.h"

/* One install (case.c); @pre is the board's pre-flight result. Returns the
 * install's class and its verdict (HIL_VERDICT_COUNT when it was not run:
 * already in a resumed journal). */
enum hil_class hil_case_run(struct hil_board_run *br, const struct hil_plan_cell *cell,
			    unsigned iteration, const struct hil_step_result *pre,
			    enum hil_verdict *verdict_out);
/* Whether this run does cell @k of board @index (its shard). */
bool hil_case_wanted(const struct hil_run_state *run, size_t index, size_t k);
/* Whether a resumed journal already has this install. */
bool hil_case_done(const struct hil_run_state *run, const char *board, const char *name);

/* Resume: install @it of @cell on @board is in the journal and counts as
 * a failure for until: {failures} (runner.h, done_failed). */
bool hil_case_done_failed(const struct hil_run_state *run, const char *board,
			  const struct hil_plan_cell *cell, unsigned it);

/* "install[image=x.sfi] run 03": unique per board, the key of resume. */
char *hil_case_name(const struct hil_plan *plan, const struct hil_plan_cell *cell, unsigned it);

#endif
