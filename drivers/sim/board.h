/* The simulated board: ONE model behind all four sim backends.
 *
 * Cutting the power rail makes an on-board probe vanish from the probe
 * list, makes the programmer fail the way the real CLI fails ("No STM32
 * target found"), and silences the console. Flash contents and option
 * bytes survive power cycles, as on silicon.
 *
 * A run's boards live in its simulated world (struct hil_sim_world), made
 * with the run's driver context (hil_driver_ctx_init) and freed with it:
 * two runs in one process never share a board. Every accessor takes the
 * board's lock itself unless it says otherwise.
 *
 * With a state folder (the context's sim_state_dir), each board's state
 * (power, option bytes, HSM counter, fault schedule, random state) and
 * flash live in files mapped in that folder, so a stand-in
 * STM32_Programmer_CLI run as a separate process (the cubeprog backend
 * tells it the folder) sees and changes the same board as the harness.
 *
 * The second half of this header is the test-side fault API (cf. SQLite
 * faultsimConfig): schedule failures at a point, count calls.
 */
#ifndef HIL_DRIVERS_SIM_BOARD_H
#define HIL_DRIVERS_SIM_BOARD_H

#include "drivers/driver.h"
#include "drivers/sim/profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hil_rack;
struct hil_sim_board;
struct hil_sim_world;

/* Makes every simulated board of @rack (those with a 'sim:' profile) and
 * the rack's HSM; @seed drives their randomness. @state_dir: NULL keeps
 * the state in memory; else it lives in files there (created if needed).
 * *out: free with hil_sim_world_free() (which accepts NULL). */
int hil_sim_world_new(struct hil_sim_world **out, const struct hil_rack *rack, uint64_t seed,
		      const char *state_dir);
void hil_sim_world_free(struct hil_sim_world *w);

/* Borrowed; valid while @w lives. NULL when unknown (or @w is NULL). */
struct hil_sim_board *hil_sim_board_by_name(struct hil_sim_world *w, const char *name);
struct hil_sim_board *hil_sim_board_by_serial(struct hil_sim_world *w, const char *probe_serial);
/* For listing: the i-th board, NULL past the end. */
struct hil_sim_board *hil_sim_board_at(struct hil_sim_world *w, size_t i);

const char *hil_sim_board_name(const struct hil_sim_board *b);
const char *hil_sim_board_serial(const struct hil_sim_board *b);
const struct hil_sim_profile *hil_sim_board_profile(const struct hil_sim_board *b);
/* The power pin its supply is really on: the rack's, unless sim_power_pin
 * moves it (crossed-wiring rehearsal). */
unsigned hil_sim_board_power_pin(const struct hil_sim_board *b);

void hil_sim_board_set_power(struct hil_sim_board *b, bool on);
void hil_sim_board_set_reset(struct hil_sim_board *b, bool asserted);
bool hil_sim_board_probe_present(struct hil_sim_board *b);
bool hil_sim_board_target_alive(struct hil_sim_board *b);
/* The board's supply is on (what the probe's target-voltage pin sees). */
bool hil_sim_board_powered(struct hil_sim_board *b);
/* How many times the board was powered on: an on-board ST-LINK enumerates
 * again each time, so its VCP is a new tty node (console sim). */
unsigned hil_sim_board_power_epoch(struct hil_sim_board *b);

/* Flash at absolute @address (0x08000000-based). Out of range: HIL_ERROR. */
int hil_sim_board_flash_write(struct hil_sim_board *b, uint32_t address,
			      const uint8_t *data, size_t len);
int hil_sim_board_flash_read(struct hil_sim_board *b, uint32_t address,
			     uint8_t *out, size_t len);
/* Mass erase: all flash 0xFF, and the firmware that locked the debug port
 * gone with it. */
void hil_sim_board_flash_erase(struct hil_sim_board *b);
/* Whether anything was written since the last erase (SFI wants it blank). */
bool hil_sim_board_flash_programmed(struct hil_sim_board *b);
/* The installed firmware disables the debug port once it runs: a HOTPLUG
 * connect finds no target, a connect under reset still does. */
void hil_sim_board_set_debug_locked(struct hil_sim_board *b, bool locked);
bool hil_sim_board_debug_locked(struct hil_sim_board *b);
/* Flips one bit inside [address, address+len), chosen from the run's seed,
 * the board and @salt. */
void hil_sim_board_flash_corrupt(struct hil_sim_board *b, uint32_t address, size_t len,
				 uint64_t salt);

/* The chip's 96-bit unique ID: three words, a function of the board's
 * name (so each simulated board has its own, stable across runs). */
void hil_sim_board_uid(const struct hil_sim_board *b, uint32_t uid[3]);

/* Option bytes, in the order -ob displ prints them. */
struct hil_sim_ob {
	const char *name;
	uint32_t value;
	const char *meaning;
};
size_t hil_sim_board_ob(struct hil_sim_board *b, struct hil_sim_ob *out, size_t max);
void hil_sim_board_ob_set(struct hil_sim_board *b, const char *name, uint32_t value);

/* The rack's simulated STM32HSM: license counters per slot (0..7), 1000
 * each at first; one is spent per generated license. Both return what is
 * left, or -1 for a slot that does not exist. */
int hil_sim_hsm_take(struct hil_sim_world *w, int slot);
int hil_sim_hsm_counter(struct hil_sim_world *w, int slot);

/* Uniform in [0, 1), a function of the run's seed, the board's name and
 * @salt only: the same operation draws the same number whatever ran before. */
double hil_sim_board_random(struct hil_sim_board *b, uint64_t salt);

/* Console output since the last read; *got_out bytes copied. */
size_t hil_sim_board_console_read(struct hil_sim_board *b, char *buf, size_t size);
void hil_sim_board_console_write(struct hil_sim_board *b, const char *text);

/* --- test-side fault API --------------------------------------------- */

/* After @after more calls at @point succeed, the next @repeat calls (0:
 * all further) get @fault. Replaces any earlier schedule at that point. */
void hil_sim_board_fail(struct hil_sim_board *b, enum hil_sim_point point,
			enum hil_sim_fault fault, int after, int repeat);

/* Counts a call at @point and returns the fault it gets (FAULT_NONE). */
enum hil_sim_fault hil_sim_board_fault_take(struct hil_sim_board *b, enum hil_sim_point point);

unsigned hil_sim_board_calls(struct hil_sim_board *b, enum hil_sim_point point);

#endif
