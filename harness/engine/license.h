/* SFI licences for a chip (license.c): from the per-chip cache or one
 * HSM draw, journalled.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_LICENSE_H
#define HIL_ENGINE_LICENSE_H

#include "harness/engine/run_state.h"

/* Journals one HSM licence draw. */
void hil_runner_hsm_draw(struct hil_board_run *br, const char *case_name, int slot,
			 const char *why);

/* The licence file for the chip on @br, from the step's cache or from one
 * HSM draw into it (license.c). *path_out: free(). On failure @res says why. */
int hil_license_for_chip(struct hil_board_run *br, const struct hil_step *st, const char *log,
			 const char *case_name, char **path_out, struct hil_step_result *res);

#endif
