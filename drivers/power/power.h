/* Power role: switch a board's supply and reset lines.
 *
 * Lifecycle: the core allocates struct hil_power and priv_size bytes of
 * backend state (zeroed), then calls open(); close() is called if and only
 * if open() returned 0. Backends never free the instance. One instance
 * serves one controller (`power:` entry of the rack), which several boards
 * may share.
 */
#ifndef HIL_DRIVERS_POWER_POWER_H
#define HIL_DRIVERS_POWER_POWER_H

#include "drivers/driver.h"

#include <stdbool.h>
#include <stddef.h>

struct hil_rack_power;
struct hil_rack_line;

/* The first three members are common to every role, in this order. */
struct hil_power {
	const struct hil_power_ops *ops;
	const struct hil_driver_ctx *ctx;
	void *priv;                        /* priv_size bytes, owned by the core */
	const struct hil_rack_power *cfg;  /* borrowed from the rack */
};

enum hil_power_caps {
	HIL_POWER_CAP_READBACK = 1u << 0,  /* get() reports the real line state */
};

struct hil_power_ops {
	const char *name;                  /* `driver:` in the rack */
	unsigned caps;
	size_t priv_size;

	/* Must not change any line (glitch-free start). */
	int (*open)(struct hil_power *pw);
	void (*close)(struct hil_power *pw);
	/* Drives @line to its logical state: @on true means asserted (rail on,
	 * reset held); the backend applies the line's polarity. */
	int (*set)(struct hil_power *pw, const struct hil_rack_line *line, bool on);
	/* Optional (HIL_POWER_CAP_READBACK). */
	int (*get)(struct hil_power *pw, const struct hil_rack_line *line, bool *on_out);
};

extern const struct hil_power_ops hil_power_command;
extern const struct hil_power_ops hil_power_ftdi_gpio;
extern const struct hil_power_ops hil_power_sim;

/* Allocates and opens an instance for controller @cfg. *out: free with
 * hil_power_close(). */
int hil_power_open(struct hil_power **out, const struct hil_driver_ctx *ctx,
		   const struct hil_rack_power *cfg);
void hil_power_close(struct hil_power *pw);

#endif
