/* Pre-flight identity checks of one board (identity.c). Internal to the
 * runner: they take a board run and write its pre-flight result. */
#ifndef HIL_HARNESS_IDENTITY_H
#define HIL_HARNESS_IDENTITY_H

#include "harness/engine/run_state.h"

/* Below this the probe's target voltage counts as off (an H7 needs 1.62 V). */
#define HIL_TARGET_OFF_MV 1000u
/* How long the supply gets to fall after the line goes off (harness time). */
#define HIL_POWER_SETTLE_MS 500u

struct hil_transcript;

/* From the identify transcript (class in @res): with the power check on,
 * target voltage present with the line on (else identity_mismatch, even
 * when no target answered); after a successful identify, the device id
 * and the pinned bootloader. */
void hil_identity_check(const struct hil_board_run *br, const struct hil_transcript *tx,
			struct hil_step_result *res);
/* Reads the chip UID when the device's UID address is known; checks it
 * when the rack pins chip_uid. */
void hil_identity_read_uid(struct hil_board_run *br, struct hil_step_result *res);
/* Power off: the probe must lose target voltage; power on again. */
void hil_identity_power_check(struct hil_board_run *br, struct hil_step_result *res);
bool hil_identity_power_checked(const struct hil_rack_board *rb);

#endif
