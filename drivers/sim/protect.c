/* The simulated chip's protections; see protect.h.
 *
 * What it models, and from where:
 * - RDP level 1 blocks debug reads of the user flash: AN5054 §4.3.6 ("user
 *   flash memory is not accessible" over JTAG at RDP 1); the CLI then says
 *   `Error: Data read failed` (real logs in community threads: an F407 at
 *   RDP 1, qa-community "How to change read out protection from level 1 to
 *   level 0 with STM32CubeProgrammer?").
 * - SFI starts from an erased flash at RDP level 0 (AN5054 §4.3.6 input
 *   conditions). What the real RSS answers otherwise is unverified; the
 *   sim's answer is RSS value 0xE2 (rss.h).
 * - A release SBSFU image closes the debug port once it runs: a HOTPLUG
 *   connect finds no target, a connect under reset (mode=UR) stops the core
 *   first (issue 17, item 2, from a lab; profile rule `disables_debug`).
 * - RDP regression 1 -> 0 mass-erases the flash (RM0455; the seed's own
 *   option-byte dump says the PCROP and secure areas are erased "when RDP
 *   level regression (change from level 1 to 0) occurs"); level 2 is
 *   permanent and never regressed.
 * The lines printed for -ob and -e: "OPTION BYTE PROGRAMMING VERIFICATION:",
 * "Option Bytes successfully programmed" and "Mass erase successfully
 * achieved" are the CLI's, as scripts in the public code index match them
 * (secondary sources); the rest is sim wording, marked. */
#include "drivers/sim/protect.h"
#include "drivers/sim/cli_text.h"
#include "harness/util/clock.h"

#include <string.h>

uint32_t hil_sim_rdp(struct hil_sim_board *b)
{
	struct hil_sim_ob ob[16];
	size_t n = hil_sim_board_ob(b, ob, 16);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(ob[i].name, "RDP"))
			return ob[i].value;
	return 0xAA;
}

bool hil_sim_connectable(struct hil_sim_board *b, bool under_reset)
{
	return under_reset || !hil_sim_board_debug_locked(b);
}

bool hil_sim_reads_blocked(struct hil_sim_board *b)
{
	return hil_sim_board_profile(b)->rdp_blocks_reads && hil_sim_rdp(b) != 0xAA;
}

bool hil_sim_sfi_refused(struct hil_sim_board *b)
{
	return hil_sim_board_profile(b)->sfi_needs_erased &&
	       (hil_sim_board_flash_programmed(b) || hil_sim_rdp(b) != 0xAA);
}

int hil_sim_rdp_regress(struct hil_strbuf *t, struct hil_sim_board *b)
{
	const struct hil_sim_profile *prof = hil_sim_board_profile(b);
	uint32_t rdp = hil_sim_rdp(b);

	hil_strbuf_puts(t, "PROGRAMMING OPTION BYTES AREA ...\n"); /* sim wording */
	if (rdp == 0xCC) {
		/* unverified: the real tool's words for a level-2 chip */
		hil_strbuf_puts(t, "Error: Option Byte Programming failed: RDP level 2 cannot be "
			       "regressed\n");
		return 1;
	}
	if (rdp == 0xAA) { /* T2's words for an option byte already set */
		hil_strbuf_puts(t, "Warning: Option Byte: RDP, value: 0xAA, was not modified.\n"
			       "Warning: Option Bytes are unchanged, Data won't be downloaded\n");
		return 0;
	}
	/* the seed's wording for the regression wait, on its SFI abort path */
	hil_strbuf_printf(t, "Waiting %us for end of regression...\n",
			  (prof->regression_wait_ms + 999) / 1000);
	hil_clock_sleep_ms(prof->regression_wait_ms);
	hil_sim_board_flash_erase(b);
	hil_sim_board_ob_set(b, "RDP", 0xAA);
	hil_strbuf_puts(t, "OPTION BYTE PROGRAMMING VERIFICATION:\n\n"
		       "Option Bytes successfully programmed\n");
	return 0;
}

int hil_sim_erase_all(struct hil_strbuf *t, struct hil_sim_board *b)
{
	hil_strbuf_puts(t, "Mass erase ...\n"); /* sim wording */
	if (hil_sim_rdp(b) != 0xAA) {
		/* unverified: the real tool's words for a protected flash */
		hil_strbuf_puts(t, "Error: Mass erase operation failed: the flash is read "
			       "protected\n");
		return 1;
	}
	hil_clock_sleep_ms(hil_sim_board_profile(b)->per_kib_ms * 8);
	hil_sim_board_flash_erase(b);
	hil_strbuf_puts(t, "Mass erase successfully achieved\n");
	return 0;
}
