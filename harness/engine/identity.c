/* End-to-end identity of a board before anything is written to it:
 * probe serial -> device id (and bootloader) -> chip UID -> power line.
 *
 * The power line is checked both ways: with it on, the board's probe must
 * measure target voltage (the identify transcript's "Voltage"); with it
 * off, the probe must lose it (or vanish, for an on-board ST-LINK). Each
 * board checks its own line; a crossed pair or a shared supply makes at
 * least one board of the pair fail, since its own line then does not cut
 * its own probe. Any mismatch is identity_mismatch and the board sits out.
 *
 * T_VCC not wired: an STLINK-V3SET whose T_VCC pin (the target-voltage
 * sense input) is not connected reads 0.00 V and still connects (issue 17,
 * from a lab; unverified for other probes). With the line on, a target
 * that answers at (almost) 0 V is that, not a line feeding another board:
 * the check then rests on the target answering with the line on and not
 * answering with it off, and the board's power_check says
 * "t_vcc_not_wired: ..." so the wiring can be mended.
 */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/engine/identity.h"
#include "harness/engine/steps.h"
#include "harness/engine/board_console.h"
#include "harness/config/rack.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mismatch(struct hil_step_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mismatch(struct hil_step_result *res, const char *fmt, ...)
{
	va_list ap;

	res->cls = HIL_CLASS_IDENTITY_MISMATCH;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

static const char *line_name(const struct hil_board_run *br, char *buf, size_t size)
{
	const struct hil_rack *rack = br->run->plan->rack;

	snprintf(buf, size, "%s pin %u", rack->power[br->rb->power.controller].id,
		 br->rb->power.pin);
	return buf;
}

void hil_identity_check(struct hil_board_run *br, const struct hil_transcript *tx,
			struct hil_step_result *res)
{
	const struct hil_rack_board *rb = br->rb;
	char line[96];
	bool no_voltage = tx->has_voltage && tx->voltage_mv < HIL_TARGET_OFF_MV;

	br->t_vcc_unwired = hil_identity_power_checked(rb) && no_voltage &&
			    res->cls == HIL_CLASS_SUCCESS && tx->has_device_id;
	if (hil_identity_power_checked(rb) && no_voltage && !br->t_vcc_unwired)
		mismatch(res, "probe %s measures %u.%02u V with power line %s on: that line "
			 "does not feed this board (crossed or shared wiring?), or the board has "
			 "no supply", rb->probe_serial, tx->voltage_mv / 1000,
			 tx->voltage_mv % 1000 / 10, line_name(br, line, sizeof(line)));
	else if (res->cls != HIL_CLASS_SUCCESS)
		return;
	else if (rb->has_device_id && (!tx->has_device_id || tx->device_id != rb->device_id))
		mismatch(res, "rack says device 0x%03X, the board reports %s%03X: wrong board on "
			 "probe %s?", rb->device_id, tx->has_device_id ? "0x" : "no device id",
			 tx->has_device_id ? tx->device_id : 0, rb->probe_serial);
	else if (rb->has_bl_version && (!tx->has_bl_version || tx->bl_version != rb->bl_version))
		mismatch(res, "rack pins bootloader 0x%02X, the board reports %s%02X",
			 rb->bl_version, tx->has_bl_version ? "0x" : "none ",
			 tx->has_bl_version ? tx->bl_version : 0);
}

bool hil_identity_power_checked(const struct hil_rack_board *rb)
{
	return rb->power.present && rb->power_check;
}

void hil_identity_read_uid(struct hil_board_run *br, struct hil_step_result *res)
{
	const struct hil_rack_board *rb = br->rb;
	struct hil_identity *id = &br->id;
	uint32_t at = id->has_device_id ? hil_chip_uid_address(id->device_id) : 0;
	struct hil_transcript *tx;
	struct hil_step_result r = { 0 };
	struct hil_prog_request req = { .op = HIL_PROG_READ_WORDS, .address = at,
					.size = HIL_CHIP_UID_BYTES, .timeout_s = 60 };
	char *log;

	if (!at) {
		if (rb->has_chip_uid)
			mismatch(res, "rack pins chip_uid, but the harness does not know where "
				 "device 0x%03X keeps its UID (drivers/programmer/chip_uid.c)", id->device_id);
		return;
	}
	tx = hil_xmalloc(sizeof(*tx));
	log = hil_xasprintf("logs/%s/chip-uid.log", rb->name);
	hil_runner_program(br, &req, log, tx, &r);
	if (r.cls == HIL_CLASS_SUCCESS && tx->mem_address == at && tx->mem_word_count >= 3) {
		id->has_chip_uid = true;
		memcpy(id->chip_uid, tx->mem_words, sizeof(id->chip_uid));
	}
	if (rb->has_chip_uid && !id->has_chip_uid)
		mismatch(res, "rack pins chip_uid %08X%08X%08X, but reading it at 0x%08X failed "
			 "(%s): see %s", rb->chip_uid[0], rb->chip_uid[1], rb->chip_uid[2], at,
			 hil_class_name(r.cls), log);
	else if (rb->has_chip_uid && memcmp(rb->chip_uid, id->chip_uid, sizeof(id->chip_uid)))
		mismatch(res, "rack pins chip_uid %08X%08X%08X, the chip on probe %s is "
			 "%08X%08X%08X: another board behind this probe?", rb->chip_uid[0],
			 rb->chip_uid[1], rb->chip_uid[2], rb->probe_serial, id->chip_uid[0],
			 id->chip_uid[1], id->chip_uid[2]);
	free(r.log);
	free(log);
	free(tx);
}

/* With the line off: the probe has gone, or measures (almost) nothing and
 * finds no target. Writes what it saw to @seen. */
static bool lost_target_voltage(struct hil_board_run *br, char *seen, size_t size)
{
	const struct hil_rack_board *rb = br->rb;
	struct hil_transcript *tx;
	struct hil_step_result r = { 0 };
	struct hil_prog_request req = { .op = HIL_PROG_IDENTIFY, .timeout_s = 60 };
	char *log;
	bool lost;

	if (hil_probe_wait(br->run->probe, rb->probe_serial, 0) < 0) {
		snprintf(seen, size, "the probe went away");
		return true;
	}
	tx = hil_xmalloc(sizeof(*tx));
	log = hil_xasprintf("logs/%s/power-off.log", rb->name);
	hil_runner_program(br, &req, log, tx, &r);
	lost = r.cls != HIL_CLASS_SUCCESS && (!tx->has_voltage || tx->voltage_mv < HIL_TARGET_OFF_MV);
	if (tx->has_voltage)
		snprintf(seen, size, "the probe measures %u.%02u V%s", tx->voltage_mv / 1000,
			 tx->voltage_mv % 1000 / 10, r.cls == HIL_CLASS_SUCCESS ?
			 " and the target still answers" : "");
	else
		snprintf(seen, size, "%s (%s)", r.cls == HIL_CLASS_SUCCESS ? "the target still "
			 "answers" : "no target", hil_class_name(r.cls));
	free(r.log);
	free(log);
	free(tx);
	return lost;
}

void hil_identity_power_check(struct hil_board_run *br, struct hil_step_result *res)
{
	const struct hil_rack_board *rb = br->rb;
	char line[96], seen[160];
	bool lost;

	if (!hil_identity_power_checked(rb)) {
		snprintf(br->id.power_check, sizeof(br->id.power_check), "not checked: %s",
			 rb->power.present ? "power_check: false in the rack" : "no power line");
		return;
	}
	line_name(br, line, sizeof(line));
	if (hil_runner_line(br, &rb->power, false) < 0)
		goto power_error;
	hil_clock_sleep_ms(rb->power_check_off_ms);
	lost = lost_target_voltage(br, seen, sizeof(seen));
	if (hil_runner_line(br, &rb->power, true) < 0)
		goto power_error;
	hil_board_console_refresh(br, HIL_CONSOLE_WAIT_MS);
	if (!lost) {
		mismatch(res, "with power line %s off, %s: that line does not cut this board "
			 "(crossed or shared wiring?)", line, seen);
		snprintf(br->id.power_check, sizeof(br->id.power_check), "failed");
		return;
	}
	if (br->t_vcc_unwired)
		snprintf(br->id.power_check, sizeof(br->id.power_check), "t_vcc_not_wired: 0 V "
			 "read, the target answers with %s on; off: %s (wire the probe's T_VCC "
			 "to the target's VDD)", line, seen);
	else
		snprintf(br->id.power_check, sizeof(br->id.power_check), "passed: %s off, %s",
			 line, seen);
	if (hil_probe_wait(br->run->probe, rb->probe_serial, HIL_PROBE_WAIT_MS) < 0) {
		res->cls = HIL_CLASS_NO_PROBE;
		snprintf(res->message, sizeof(res->message), "after the power check: %s",
			 hil_error_last());
	}
	return;
power_error:
	res->cls = HIL_CLASS_POWER_ERROR;
	snprintf(res->message, sizeof(res->message), "%s", hil_error_last());
}
