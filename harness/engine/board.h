/* One board's worker (board.c): pre-flight, then its installs.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_BOARD_H
#define HIL_ENGINE_BOARD_H

#include "harness/engine/run_state.h"

/* Board @index of the plan, start to end (board.c). */
void hil_board_run(struct hil_run_state *run, size_t index);

#endif
