/* Console role: read what a board prints on its serial console.
 *
 * Lifecycle as for every role (drivers/driver.h): core-allocated instance
 * and priv_size bytes; close() iff open() returned 0.
 */
#ifndef HIL_DRIVERS_CONSOLE_CONSOLE_H
#define HIL_DRIVERS_CONSOLE_CONSOLE_H

#include "drivers/driver.h"

#include <stdbool.h>
#include <stddef.h>

struct hil_rack_board;

/* A console instance is a driver (drv.entry: its struct hil_rack_board). */
struct hil_console {
	struct hil_driver drv;
};

struct hil_console_ops {
	struct hil_driver_ops drv;         /* name, priv_size, open, close */
	/* Reads up to @size bytes, waiting at most @timeout_ms for the first.
	 * *got_out is 0 when nothing came in time (not an error). */
	int (*read)(struct hil_console *c, char *buf, size_t size, unsigned timeout_ms,
		    size_t *got_out);
	/* Optional (NULL: nothing to check on the host, as for sim): reports
	 * to @sink whether @board's console (its settings in
	 * board->console_cfg) is there and this user may open it, without
	 * opening it (opening a tty can toggle DTR/RTS). */
	void (*inspect)(const struct hil_driver_ctx *ctx, const struct hil_rack_board *board,
			const struct hil_health_sink *sink);
	/* Optional: false when the line is gone for good (a tty hung up: an
	 * on-board ST-LINK's VCP after a power-off), so the core opens the
	 * console again; reads nothing. NULL: always alive. */
	bool (*alive)(struct hil_console *c);
};

static inline struct hil_console *hil_console_of(struct hil_driver *drv)
{
	return (struct hil_console *)drv; /* drv is its first member */
}

static inline const struct hil_console_ops *hil_console_ops(const struct hil_console *c)
{
	return (const struct hil_console_ops *)c->drv.ops; /* drv is its first member */
}

/* The board whose console this is, borrowed from the rack. */
static inline const struct hil_rack_board *hil_console_board(const struct hil_console *c)
{
	return c->drv.entry;
}

static inline int hil_console_read(struct hil_console *c, char *buf, size_t size,
				   unsigned timeout_ms, size_t *got_out)
{
	return hil_console_ops(c)->read(c, buf, size, timeout_ms, got_out);
}

static inline bool hil_console_alive(struct hil_console *c)
{
	return !hil_console_ops(c)->alive || hil_console_ops(c)->alive(c);
}

extern const struct hil_console_ops hil_console_serial;
extern const struct hil_console_ops hil_console_sim;

int hil_console_open(struct hil_console **out, const struct hil_driver_ctx *ctx,
		     const struct hil_rack_board *board);
void hil_console_close(struct hil_console *c);

#endif
