/* Pre-flight identity checks of one board (identity.c). Internal to the
 * runner: they take a board run and write its pre-flight result. */
#ifndef HIL_HARNESS_IDENTITY_H
#define HIL_HARNESS_IDENTITY_H

#include "harness/engine/run_state.h"

/* Below this the probe's target voltage counts as off (an H7 needs 1.62 V). */
#define HIL_TARGET_OFF_MV 1000u

struct hil_transcript;

/* From the identify transcript (class in @res): with the power check on,
 * target voltage present with the line on (else identity_mismatch when no
 * target answered; when it did, the probe's T_VCC is not wired, noted in
 * br->t_vcc_unwired); after a successful identify, the device id and the
 * pinned bootloader. */
void hil_identity_check(struct hil_board_run *br, const struct hil_transcript *tx,
			struct hil_step_result *res);
/* Reads the chip UID when the device's UID address is known; checks it
 * when the rack pins chip_uid. */
void hil_identity_read_uid(struct hil_board_run *br, struct hil_step_result *res);
/* Power off for the rack's power_check_off_ms: the probe must lose target
 * voltage (with T_VCC not wired: the target must stop answering); power on
 * again. */
void hil_identity_power_check(struct hil_board_run *br, struct hil_step_result *res);
bool hil_identity_power_checked(const struct hil_rack_board *rb);

#endif
