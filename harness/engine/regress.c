/* The regress step: returns a board to the state SFI starts from, so the
 * next install of a repeat campaign meets what the first one met.
 *
 * AN5054 §4.3.6 lists SFI's input conditions: the flash erased, no active
 * PCROP zone, RDP level 0 (the whole JTAG/SWD process "happens in RDP
 * level 0"). An install leaves none of that: its firmware is in flash, its
 * configuration area may have set RDP level 1 (sbsfu_rdp_bb: 0xBB), and a
 * release SBSFU image closes the debug port once it runs. So:
 *
 *   1. `-c ... mode=UR -ob displ`: the option bytes, connected under reset
 *      (the core held before the firmware can close the debug port);
 *   2. RDP level 2 (0xCC): stop, class board_locked. Level 2 is permanent
 *      (RM0455) and the harness never tries to regress it;
 *   3. RDP level 1 (any value but 0xAA, 0xCC): `-ob RDP=0xAA`, the RDP
 *      regression, which mass-erases the user flash (and the PCROP and
 *      secure areas whose DMEP/DMES bits say so, as the seed's option-byte
 *      dump spells out);
 *      RDP level 0: `-e all`, a mass erase;
 *   4. `-ob displ` again: RDP must read 0xAA.
 *
 * Sources of the argv: the CLI's help (../shared/research/sfi.md S3, as in
 * UM2237): "mode=<mode> ... {UR/HOTPLUG/NORMAL/...}", "-ob [OptByte=<value>]",
 * "-e [all] : Erase all sectors"; ST's answer for an H7 stuck at 0xBB:
 * `STM32_Programmer_CLI -c port=SWD mode=UR -ob RDP=0xAA` (community.st.com,
 * "STM32H725 RDP locked to BB", m-p/751865). Not done (unverified whether
 * SFI then refuses): removing a PCROP or secure area at RDP level 0, which
 * needs a 0 -> 1 -> 0 round trip.
 *
 * Every step is classified by the transcript classifier like any other
 * operation; a board that does not come back is the step's class. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/engine/regress.h"
#include "harness/engine/steps.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL2 0xCCu

/* The board's RDP byte, read under reset into @log; false (with @res
 * saying why) when it cannot be had. */
static bool read_rdp(struct hil_board_run *br, const struct hil_step *st, const char *log,
		     uint32_t *rdp, struct hil_step_result *res)
{
	struct hil_prog_request req = { .op = HIL_PROG_READ_OB, .under_reset = true,
					.timeout_s = st->timeout_s };
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	bool found = false;

	hil_runner_program(br, &req, log, tx, res);
	free(res->log);
	res->log = NULL;
	for (size_t i = 0; res->cls == HIL_CLASS_SUCCESS && i < tx->ob_count && !found; i++)
		if (!strcmp(tx->ob[i].name, "RDP")) {
			*rdp = tx->ob[i].value;
			found = true;
		}
	if (res->cls == HIL_CLASS_SUCCESS && !found) {
		res->cls = HIL_CLASS_OPTION_BYTES_ERROR;
		snprintf(res->message, sizeof(res->message), "RDP is not in the option-byte dump (%s)",
			 log);
	}
	free(tx);
	return found;
}

void hil_step_regress(struct hil_board_run *br, const struct hil_step *st, const char *log,
		      struct hil_step_result *res)
{
	char *before = hil_xasprintf("%.*s.before.log", (int)(strlen(log) - 4), log);
	char *after = hil_xasprintf("%.*s.after.log", (int)(strlen(log) - 4), log);
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	uint32_t rdp = 0;

	if (!read_rdp(br, st, before, &rdp, res))
		goto out;
	if (rdp == RDP_LEVEL2) {
		res->cls = HIL_CLASS_BOARD_LOCKED;
		snprintf(res->message, sizeof(res->message), "board %s is at RDP level 2 (0xCC), which "
			 "is permanent: it cannot be returned to an installable state and the "
			 "harness does not try", br->rb->name);
		goto out;
	}
	struct hil_prog_request req = {
		.op = rdp == RDP_LEVEL0 ? HIL_PROG_ERASE_ALL : HIL_PROG_RDP_REGRESS,
		.under_reset = true,
		.timeout_s = st->timeout_s,
	};
	hil_runner_program(br, &req, log, tx, res);
	if (res->cls != HIL_CLASS_SUCCESS)
		goto out;
	char *main_log = res->log;
	res->log = NULL;
	if (read_rdp(br, st, after, &rdp, res) && rdp != RDP_LEVEL0) {
		res->cls = HIL_CLASS_OPTION_BYTES_ERROR;
		snprintf(res->message, sizeof(res->message), "after the %s, RDP reads 0x%02X, not "
			 "level 0 (0xAA)", req.op == HIL_PROG_ERASE_ALL ? "mass erase" : "RDP regression",
			 rdp);
	}
	free(res->log);
	res->log = main_log;
out:
	free(before);
	free(after);
	free(tx);
}
