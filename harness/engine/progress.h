/* Progress output of a run (progress.c).
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_PROGRESS_H
#define HIL_ENGINE_PROGRESS_H

#include "harness/engine/run_state.h"

/* Progress (progress.c): live lines on a terminal, stamped lines elsewhere. */
enum { HIL_PROGRESS_QUIET, HIL_PROGRESS_PLAIN, HIL_PROGRESS_LIVE };
void hil_progress_init(struct hil_run_state *run);
void hil_progress_finish(struct hil_run_state *run);
/* A board event worth keeping on screen (identity, busy, quarantine). */
void hil_progress_board(struct hil_board_run *br, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The board's identity after its pre-flight, bootloader version first;
 * what was not read says "not read" (a failed pre-flight has no zeros
 * that read like measurements). */
void hil_progress_identity(struct hil_board_run *br, const struct hil_step_result *pre);
void hil_progress_step(struct hil_board_run *br, const char *case_name, const char *step);
/* An install's end; @notable ones (fail, error, xpass) stay on screen. */
void hil_progress_case(struct hil_board_run *br, const char *name, const char *verdict,
		       const char *cls, const char *rss, const char *message, bool notable);
void hil_progress_board_done(struct hil_board_run *br, const char *summary);

#endif
