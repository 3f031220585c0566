/* Console role: read what a board prints on its serial console.
 *
 * Lifecycle: core-allocated instance and priv_size bytes; close() iff
 * open() returned 0.
 */
#ifndef HIL_DRIVERS_CONSOLE_CONSOLE_H
#define HIL_DRIVERS_CONSOLE_CONSOLE_H

#include "drivers/driver.h"

#include <stddef.h>

struct hil_rack_board;

/* The first three members are common to every role, in this order. */
struct hil_console {
	const struct hil_console_ops *ops;
	const struct hil_driver_ctx *ctx;
	void *priv;
	const struct hil_rack_board *board;  /* borrowed */
};

struct hil_console_ops {
	const char *name;
	unsigned caps;
	size_t priv_size;

	int (*open)(struct hil_console *c);
	void (*close)(struct hil_console *c);
	/* Reads up to @size bytes, waiting at most @timeout_ms for the first.
	 * *got_out is 0 when nothing came in time (not an error). */
	int (*read)(struct hil_console *c, char *buf, size_t size, unsigned timeout_ms,
		    size_t *got_out);
};

extern const struct hil_console_ops hil_console_serial;
extern const struct hil_console_ops hil_console_sim;

int hil_console_open(struct hil_console **out, const struct hil_driver_ctx *ctx,
		     const struct hil_rack_board *board);
void hil_console_close(struct hil_console *c);

#endif
