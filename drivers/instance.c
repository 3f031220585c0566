/* Driver instances: the core side of the ops contracts (drivers/driver.h).
 * One generic open/close for all four roles: it finds the backend in the
 * registry, allocates the instance and its priv_size bytes, calls open(),
 * and calls close() only when open() succeeded (then frees both). Also the
 * driver context's lifetime, which owns the run's simulated world. */
#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "drivers/registry.h"
#include "drivers/sim/board.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hil_health_add(const struct hil_health_sink *sink, enum hil_health_level level,
		    const char *todo, const char *fmt, ...)
{
	struct hil_health h = { .level = level };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h.what, sizeof(h.what), fmt, ap);
	va_end(ap);
	snprintf(h.todo, sizeof(h.todo), "%s", todo ? todo : "");
	sink->add(sink->payload, &h);
}

int hil_driver_ctx_init(struct hil_driver_ctx *ctx, const struct hil_rack *rack, uint64_t seed,
			const char *sim_state_dir)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->rack = rack;
	ctx->seed = seed;
	ctx->sim_state_dir = sim_state_dir ? hil_xstrdup(sim_state_dir) : NULL;
	return rack ? hil_sim_world_new(&ctx->sim, rack, seed, ctx->sim_state_dir) : 0;
}

void hil_driver_ctx_fini(struct hil_driver_ctx *ctx)
{
	hil_sim_world_free(ctx->sim);
	free(ctx->sim_state_dir);
	ctx->sim = NULL;
	ctx->sim_state_dir = NULL;
}

/* A role's instance is its struct hil_driver and nothing more, so the one
 * allocation below is an instance of any role (hil_power_of() & co.). */
_Static_assert(sizeof(struct hil_power) == sizeof(struct hil_driver), "power instance");
_Static_assert(sizeof(struct hil_probe) == sizeof(struct hil_driver), "probe instance");
_Static_assert(sizeof(struct hil_programmer) == sizeof(struct hil_driver), "programmer instance");
_Static_assert(sizeof(struct hil_console) == sizeof(struct hil_driver), "console instance");

int hil_driver_open(struct hil_driver **out, enum hil_role role, const char *name,
		    const struct hil_driver_ctx *ctx, const void *entry, const void *cfg)
{
	const struct hil_driver_ops *ops = hil_registry_find(role, name);
	/* One allocation: the instance, then the backend's state, aligned. */
	size_t head = (sizeof(struct hil_driver) + 15) & ~(size_t)15;
	struct hil_driver *drv = NULL;
	char *mem;
	int error;

	*out = NULL;
	if (!ops)
		return hil_error_set(HIL_ECONFIG, "driver '%s' is not available (available: %s)",
				     name ? name : "?", hil_registry_names(role));
	mem = hil_xcalloc(1, head + ops->priv_size);
	drv = (struct hil_driver *)mem;
	drv->ops = ops;
	drv->ctx = ctx;
	drv->priv = ops->priv_size ? mem + head : NULL;
	drv->entry = entry;
	drv->cfg = cfg;
	if ((error = ops->open(drv)) < 0)
		goto out;
	error = 0;
	*out = drv;
	drv = NULL;
out:
	free(drv);
	return error;
}

void hil_driver_close(struct hil_driver *drv)
{
	if (drv)
		drv->ops->close(drv);
	free(drv);
}

/* The rack's settings for its probe or programmer @rack_driver, when the
 * instance asked for is that backend (a stand-in tool opens the sim
 * programmer on a cubeprog rack: the sim gets no cubeprog settings). */
static const void *rack_cfg(const char *driver, const char *rack_driver, const void *cfg)
{
	return driver && rack_driver && !strcmp(driver, rack_driver) ? cfg : NULL;
}

/* The roles' typed doors to the generic pair above. */
int hil_power_open(struct hil_power **out, const struct hil_driver_ctx *ctx,
		   const struct hil_rack_power *entry)
{
	struct hil_driver *drv;
	int error = hil_driver_open(&drv, HIL_ROLE_POWER, entry->driver, ctx, entry, entry->cfg);

	*out = error < 0 ? NULL : hil_power_of(drv);
	return error;
}

void hil_power_close(struct hil_power *pw)
{
	hil_driver_close(pw ? &pw->drv : NULL);
}

int hil_probe_open(struct hil_probe **out, const struct hil_driver_ctx *ctx, const char *driver)
{
	struct hil_driver *drv;
	const struct hil_rack *rack = ctx->rack;
	int error = hil_driver_open(&drv, HIL_ROLE_PROBE, driver, ctx, NULL,
				    rack ? rack_cfg(driver, rack->probe_driver, rack->probe_cfg)
					 : NULL);

	*out = error < 0 ? NULL : hil_probe_of(drv);
	return error;
}

void hil_probe_close(struct hil_probe *p)
{
	hil_driver_close(p ? &p->drv : NULL);
}

int hil_probe_wait(struct hil_probe *p, const char *serial, unsigned timeout_ms)
{
	double start = hil_clock_now();

	if (hil_probe_ops(p)->wait)
		return hil_probe_ops(p)->wait(p, serial, timeout_ms);
	for (;;) {
		struct hil_probe_info *list = NULL;
		size_t n = 0;
		bool found = false;
		int error = hil_probe_list(p, &list, &n);

		for (size_t i = 0; error == 0 && i < n; i++)
			found = found || strcmp(list[i].serial, serial) == 0;
		free(list);
		if (error < 0)
			return error;
		if (found)
			return 0;
		if ((hil_clock_now() - start) * 1e3 >= timeout_ms)
			return hil_error_set(HIL_ETIMEOUT, "ST-LINK %s not seen after %u ms", serial,
					     timeout_ms);
		hil_clock_sleep_ms(50);
	}
}

int hil_programmer_open(struct hil_programmer **out, const struct hil_driver_ctx *ctx,
			const char *driver)
{
	struct hil_driver *drv;
	const struct hil_rack *rack = ctx->rack;
	int error = hil_driver_open(&drv, HIL_ROLE_PROGRAMMER, driver, ctx, NULL,
				    rack ? rack_cfg(driver, rack->programmer_driver,
						    rack->programmer_cfg) : NULL);

	*out = error < 0 ? NULL : hil_programmer_of(drv);
	return error;
}

void hil_programmer_close(struct hil_programmer *p)
{
	hil_driver_close(p ? &p->drv : NULL);
}

void hil_prog_output_clear(struct hil_prog_output *out)
{
	free(out->transcript);
	memset(out, 0, sizeof(*out));
}

int hil_console_open(struct hil_console **out, const struct hil_driver_ctx *ctx,
		     const struct hil_rack_board *board)
{
	struct hil_driver *drv;
	int error = hil_driver_open(&drv, HIL_ROLE_CONSOLE, board->console_driver, ctx, board,
				    board->console_cfg);

	*out = error < 0 ? NULL : hil_console_of(drv);
	return error;
}

void hil_console_close(struct hil_console *c)
{
	hil_driver_close(c ? &c->drv : NULL);
}
