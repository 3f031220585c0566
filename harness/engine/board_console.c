/* A board's console across power steps.
 *
 * The console of an STM32H7B3I-DK is its on-board ST-LINK's virtual COM
 * port: the ST-LINK loses power with the board, so at every power-off the
 * tty goes away (the open descriptor hangs up) and at power-on the USB
 * device enumerates again as a new node, which udev links to the same
 * /dev/serial/by-id name once it is there (issue 17, item 4, from a lab).
 * A console opened once would read a dead line for the rest of the
 * campaign, so after every power step (and the pre-flight's power check,
 * and a retry's power cycle) the engine asks the console whether its line
 * still lives and, when it does not, opens it again as soon as the line is
 * back on (before the settle time, so the boot banner is read), waiting
 * for the node with a deadline. A console whose line lives (an external
 * UART adapter) is kept open, with what it buffered meanwhile. A console that does not come back is an infrastructure
 * matter, reported by the step that needs it (expect_console). */
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/engine/board_console.h"

#include <stdio.h>

void hil_board_console_drop(struct hil_board_run *br)
{
	hil_console_close(br->console);
	br->console = NULL;
}

void hil_board_console_refresh(struct hil_board_run *br, unsigned wait_ms)
{
	if (br->rb->console_driver && (!br->console || !hil_console_alive(br->console)))
		hil_board_console_reopen(br, wait_ms);
}

void hil_board_console_reopen(struct hil_board_run *br, unsigned wait_ms)
{
	const struct hil_rack_board *rb = br->rb;
	double start = hil_clock_now();
	int error;

	hil_board_console_drop(br);
	br->console_error[0] = '\0';
	if (!rb->console_driver)
		return;
	for (;;) {
		error = hil_console_open(&br->console, &br->run->ctx, rb);
		if (error == 0)
			return;
		/* a node not there yet comes back; a permission or a setting does not */
		if (error == HIL_EACCES || error == HIL_ECONFIG ||
		    (hil_clock_now() - start) * 1e3 >= wait_ms)
			break;
		hil_clock_sleep_ms(100);
	}
	br->console = NULL;
	if (wait_ms)
		snprintf(br->console_error, sizeof(br->console_error), "console did not come back "
			 "%u ms after power-on: %s", wait_ms, hil_error_last());
	else
		snprintf(br->console_error, sizeof(br->console_error), "%s", hil_error_last());
}
