/* One step of an install on one board (steps.c): the step kinds of
 * docs/scenarios.md, the programmer run behind each and the power lines.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_STEPS_H
#define HIL_ENGINE_STEPS_H

#include "harness/engine/run_state.h"

struct hil_transcript;

/* Runs one step of a case; @case_dir is the case's log folder relative to
 * out_dir; @attempt (0 for the first) names the step's log, so a retry
 * never overwrites the failed attempt's. Fills @res (free res->log). */
void hil_step_run(struct hil_board_run *br, const struct hil_step *st, size_t index,
		  unsigned attempt, const char *case_dir, const char *case_name,
		  struct hil_step_result *res);

/* Switches a board line through its controller (opened on first use). */
int hil_runner_line(struct hil_board_run *br, const struct hil_rack_line *line, bool on);

/* Runs one programmer operation and classifies it; saves the transcript
 * to @log_rel (relative to out_dir) when non-NULL. The parse goes to @tx. */
void hil_runner_program(struct hil_board_run *br, struct hil_prog_request *req,
			const char *log_rel, struct hil_transcript *tx,
			struct hil_step_result *res);

#endif
