/* The regress step (regress.c): a board back to the state SFI starts from.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_REGRESS_H
#define HIL_ENGINE_REGRESS_H

#include "harness/engine/run_state.h"

/* Runs a regress step; the main transcript goes to @log (relative to
 * out_dir), the option-byte reads before and after beside it. */
void hil_step_regress(struct hil_board_run *br, const struct hil_step *st, const char *log,
		      struct hil_step_result *res);

#endif
