/* Power role: switch a board's supply and reset lines.
 *
 * Lifecycle as for every role (drivers/driver.h): the core allocates the
 * instance and priv_size bytes of backend state (zeroed), then calls
 * open(); close() is called if and only if open() returned 0. Backends
 * never free the instance. One instance serves one controller (`power:`
 * entry of the rack), which several boards may share.
 */
#ifndef HIL_DRIVERS_POWER_POWER_H
#define HIL_DRIVERS_POWER_POWER_H

#include "drivers/driver.h"

#include <stdbool.h>
#include <stddef.h>

struct hil_rack_power;
struct hil_rack_line;

/* A power instance is a driver (drv.entry: its struct hil_rack_power). */
struct hil_power {
	struct hil_driver drv;
};

struct hil_power_ops {
	/* name, priv_size, open, close. open() must not change any line
	 * (glitch-free start). */
	struct hil_driver_ops drv;
	/* Drives @line to its logical state: @on true means asserted (rail on,
	 * reset held); the backend applies the line's polarity. */
	int (*set)(struct hil_power *pw, const struct hil_rack_line *line, bool on);
	/* Optional (NULL when the lines cannot be read back): the real state
	 * of @line, logical as for set(). */
	int (*get)(struct hil_power *pw, const struct hil_rack_line *line, bool *on_out);
	/* Optional (NULL: nothing to check on the host, as for sim): reports
	 * to @sink whether controller @entry (its settings in entry->cfg) is
	 * reachable from this host, without opening it or touching a line:
	 * the device by serial and interface, where on the USB tree, whether
	 * this user may open it (`sfi-harness doctor`). */
	void (*inspect)(const struct hil_driver_ctx *ctx, const struct hil_rack_power *entry,
			const struct hil_health_sink *sink);
};

static inline struct hil_power *hil_power_of(struct hil_driver *drv)
{
	return (struct hil_power *)drv; /* drv is its first member */
}

static inline const struct hil_power_ops *hil_power_ops(const struct hil_power *pw)
{
	return (const struct hil_power_ops *)pw->drv.ops; /* drv is its first member */
}

/* The controller this instance drives, borrowed from the rack. */
static inline const struct hil_rack_power *hil_power_entry(const struct hil_power *pw)
{
	return pw->drv.entry;
}

static inline int hil_power_set(struct hil_power *pw, const struct hil_rack_line *line, bool on)
{
	return hil_power_ops(pw)->set(pw, line, on);
}

extern const struct hil_power_ops hil_power_command;
extern const struct hil_power_ops hil_power_ftdi_gpio;
extern const struct hil_power_ops hil_power_sim;

/* Opens the backend of controller @entry (hil_driver_open). *out: close
 * with hil_power_close(). */
int hil_power_open(struct hil_power **out, const struct hil_driver_ctx *ctx,
		   const struct hil_rack_power *entry);
void hil_power_close(struct hil_power *pw);

#endif
