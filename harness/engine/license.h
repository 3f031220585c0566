/* SFI licences (license.c): from the per-chip cache or one HSM draw per
 * install, drawn under the HSM lock before the install; journalled.
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

/* The licence file for one install: drawn from the HSM for it (or, after
 * a crash or a failed attempt, the one already drawn for it on this chip),
 * kept beside the install's logs until hil_license_drop(). *path_out:
 * absolute, free(). On failure @res says why. */
int hil_license_for_install(struct hil_board_run *br, const struct hil_step *st, const char *log,
			    const char *case_name, char **path_out, struct hil_step_result *res);

/* Removes the per-install licence files in @abs_dir (an install's log
 * folder), once the install is recorded. */
void hil_license_drop(const char *abs_dir);

#endif
