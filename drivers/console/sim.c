/* Simulated console: what the simulated board prints (its boot banner at
 * power-on). Silent while the board is off.
 *
 * On a board whose probe is on board (probe.on_board: the STM32H7B3I-DK's
 * STLINK-V3E) the console is that ST-LINK's virtual COM port, and it goes
 * the way the real one goes (issue 17, item 4): absent while the board is
 * off (open fails: no node), hung up for good once the board has been
 * switched off (read fails with EIO, as a tty whose USB device left does),
 * and a new node at each power-on, which only a new open reads. */
#include "drivers/console/console.h"
#include "drivers/sim/board.h"
#include "drivers/sim/config.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"

struct sim_console {
	struct hil_sim_board *board;
	bool vcp;                  /* the on-board ST-LINK's VCP */
	unsigned epoch;            /* the power-on whose node this is */
};

static int sim_open(struct hil_driver *drv)
{
	struct hil_console *c = hil_console_of(drv);
	struct sim_console *sc = c->drv.priv;

	if (!(sc->board = hil_sim_board_by_name(c->drv.ctx->sim, hil_console_board(c)->name)))
		return hil_error_set(HIL_ECONFIG, "[%s] console: board is not simulated",
				     hil_console_board(c)->name);
	sc->vcp = hil_sim_board_profile(sc->board)->probe_on_board;
	sc->epoch = hil_sim_board_power_epoch(sc->board);
	if (sc->vcp && !hil_sim_board_probe_present(sc->board))
		return hil_error_set(HIL_ENOTFOUND, "[%s] console: the on-board ST-LINK's VCP is "
				     "not there (the board is off or still enumerating)",
				     hil_console_board(c)->name);
	return 0;
}

static void sim_close(struct hil_driver *drv)
{
	(void)drv;
}

static int sim_read(struct hil_console *c, char *buf, size_t size, unsigned timeout_ms,
		    size_t *got_out)
{
	struct sim_console *sc = c->drv.priv;
	unsigned waited = 0;

	*got_out = 0;
	if (sc->vcp && (!hil_sim_board_powered(sc->board) ||
			hil_sim_board_power_epoch(sc->board) != sc->epoch))
		return hil_error_set(HIL_EIO, "[%s] console hung up: the on-board ST-LINK's VCP "
				     "went away with the power", hil_console_board(c)->name);
	while ((*got_out = hil_sim_board_console_read(sc->board, buf, size)) == 0 &&
	       waited < timeout_ms) {
		hil_clock_sleep_ms(10);
		waited += 10;
	}
	return 0;
}

static bool sim_alive(struct hil_console *c)
{
	struct sim_console *sc = c->drv.priv;

	return !sc->vcp || (hil_sim_board_powered(sc->board) &&
			    hil_sim_board_power_epoch(sc->board) == sc->epoch);
}

const struct hil_console_ops hil_console_sim = {
	.drv = {
		.name = "sim",
		.role = HIL_ROLE_CONSOLE,
		.priv_size = sizeof(struct sim_console),
		.check = hil_sim_check_rack,
		.open = sim_open,
		.close = sim_close,
	},
	.read = sim_read,
	.alive = sim_alive,
};
