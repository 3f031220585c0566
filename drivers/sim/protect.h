/* The simulated chip's protections (protect.c): RDP level 1 read
 * protection, SFI's starting state, firmware that closes the debug port,
 * and the two ways back, RDP regression and mass erase. Test-only model;
 * docs/sim.md. */
#ifndef HIL_DRIVERS_SIM_PROTECT_H
#define HIL_DRIVERS_SIM_PROTECT_H

#include "drivers/sim/board.h"
#include "harness/util/strbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* RDP as the option bytes hold it (0xAA level 0, 0xCC level 2, else 1). */
uint32_t hil_sim_rdp(struct hil_sim_board *b);

/* A connect finds the target: not while its firmware keeps the debug port
 * closed, unless the connect holds the core in reset (mode=UR). */
bool hil_sim_connectable(struct hil_sim_board *b, bool under_reset);
/* The profile's chip blocks debug reads of the flash right now (RDP 1). */
bool hil_sim_reads_blocked(struct hil_sim_board *b);
/* The profile's chip refuses SFI now (flash not blank or RDP not 0). */
bool hil_sim_sfi_refused(struct hil_sim_board *b);

/* -ob RDP=0xAA and -e all, printed to @t; 0 or 1 (the tool's exit). */
int hil_sim_rdp_regress(struct hil_strbuf *t, struct hil_sim_board *b);
int hil_sim_erase_all(struct hil_strbuf *t, struct hil_sim_board *b);

#endif
