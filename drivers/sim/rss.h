/* The simulated RSS: what the ST root security service does with an SFI
 * image before anything is written — authenticate the header and every
 * area with the board's key, decrypt the payloads, read the option bytes
 * the C area asks for. Test-only model; see docs/sim.md. */
#ifndef HIL_DRIVERS_SIM_RSS_H
#define HIL_DRIVERS_SIM_RSS_H

#include "drivers/sim/profile.h"
#include "harness/sfi/sfi_image.h"

#include <stdbool.h>
#include <stdint.h>

/* What the sim's RSS answers when authentication fails: its choice, since
 * the real code is not public (docs/sim.md). */
#define HIL_SIM_RSS_AUTH_FAILED 0xE1u
/* ... and when the chip is not in SFI's starting state (flash not blank,
 * RDP not level 0: AN5054 §4.3.6); unverified: what the real RSS answers. */
#define HIL_SIM_RSS_NOT_INSTALLABLE 0xE2u

struct hil_sim_rss {
	bool authentic;            /* header and every area verified */
	char why[256];             /* when not */
	uint8_t **plain;           /* per area, decrypted payload (NULL for empty) */
	size_t count;
	bool has_c_area;
	uint32_t optsr;            /* first C-area word: FOPTSR_PRG */
	uint32_t rdp;              /* optsr bits 15:8 */
	bool security;             /* optsr bit 21 */
};

/* Runs the checks. Never fails: a bad image is reported in out->authentic. */
void hil_sim_rss_open(struct hil_sim_rss *out, const struct hil_sim_profile *p,
		      const struct hil_sfi_image *img);
void hil_sim_rss_close(struct hil_sim_rss *rss);

#endif
