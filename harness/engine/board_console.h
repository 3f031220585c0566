/* A board's console across power steps (board_console.c).
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_BOARD_CONSOLE_H
#define HIL_ENGINE_BOARD_CONSOLE_H

#include "harness/engine/run_state.h"

/* How long a console node gets to come back after power-on (harness ms). */
#define HIL_CONSOLE_WAIT_MS 15000u

/* Closes the board's console. */
void hil_board_console_drop(struct hil_board_run *br);

/* After the board's line came on: opens the console again when it is not
 * open or its line is gone (hil_console_alive), waiting up to @wait_ms;
 * an open console whose line lives is kept, with what it buffered. */
void hil_board_console_refresh(struct hil_board_run *br, unsigned wait_ms);

/* Opens the board's console again (closing the old node first), waiting
 * up to @wait_ms for its node to come back. A node that does not come back
 * leaves br->console NULL and says why in br->console_error, which
 * expect_console reports as an infrastructure error; no-op without a
 * console in the rack. */
void hil_board_console_reopen(struct hil_board_run *br, unsigned wait_ms);

#endif
