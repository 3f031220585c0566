/* The HSM licence guard (hsm_guard.c): a campaign never plans more
 * licence draws than the HSM counters allow.
 *
 * Private to harness/engine/ (ci/check-layers.sh). */
#ifndef HIL_ENGINE_HSM_GUARD_H
#define HIL_ENGINE_HSM_GUARD_H

#include "harness/engine/run_state.h"

/* Refuses (HIL_EREFUSED, with the numbers) a campaign that could draw more
 * HSM licences than the counters allow (hsm_guard.c). */
int hil_hsm_guard(struct hil_run_state *run, unsigned *planned_out);

#endif
