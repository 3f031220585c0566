/* The simulated chip certificate and SFI licence.
 *
 * A real STM32 gives a certificate unique to the chip (-gc); the STM32HSM
 * turns it into a licence — the firmware key encrypted for that chip — and
 * counts one draw. The simulation keeps the shape: a 64-byte certificate
 * derived from the board's identity, and a 48-byte licence bound to that
 * certificate and to the board's SFI key, so a licence made for one chip
 * is refused by another. */
#ifndef HIL_DRIVERS_SIM_LICENSE_H
#define HIL_DRIVERS_SIM_LICENSE_H

#include "drivers/sim/board.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIL_SIM_CERT_SIZE 64
#define HIL_SIM_LICENSE_SIZE 48

void hil_sim_certificate(struct hil_sim_board *b, uint8_t out[HIL_SIM_CERT_SIZE]);
void hil_sim_license_for(struct hil_sim_board *b, uint8_t out[HIL_SIM_LICENSE_SIZE]);
/* True when @data is this board's licence. */
bool hil_sim_license_valid(struct hil_sim_board *b, const uint8_t *data, size_t len);

#endif
