/* Driver instances: the core side of the ops contracts. The core allocates
 * each instance and its priv_size bytes, calls open(), and calls close()
 * only when open() succeeded (then frees both). */
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

#include <stdlib.h>
#include <string.h>

/* Every instance struct starts with these three members, in this order
 * (see the role headers), so one allocator serves all roles. */
struct instance_head {
	const void *ops;
	const struct hil_driver_ctx *ctx;
	void *priv;
};

/* One allocation: the instance struct followed by the backend's state. */
static void *instance_new(size_t size, const void *ops, size_t priv_size,
			  const struct hil_driver_ctx *ctx)
{
	size_t head = (size + 15) & ~(size_t)15;
	char *mem = hil_xcalloc(1, head + priv_size);
	struct instance_head *inst = (struct instance_head *)mem;

	inst->ops = ops;
	inst->ctx = ctx;
	inst->priv = priv_size ? mem + head : NULL;
	return mem;
}

/* Hands the instance over when open() succeeded, frees it otherwise. */
static int instance_opened(void *out, void *inst, int error)
{
	if (error < 0) {
		free(inst);
		return error;
	}
	*(void **)out = inst;
	return 0;
}

int hil_driver_ctx_init(struct hil_driver_ctx *ctx, const struct hil_rack *rack, uint64_t seed,
			const char *sim_state_dir)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->rack = rack;
	ctx->seed = seed;
	ctx->sim_state_dir = sim_state_dir ? hil_xstrdup(sim_state_dir) : NULL;
	return hil_sim_world_new(&ctx->sim, rack, seed, ctx->sim_state_dir);
}

void hil_driver_ctx_fini(struct hil_driver_ctx *ctx)
{
	hil_sim_world_free(ctx->sim);
	free(ctx->sim_state_dir);
	ctx->sim = NULL;
	ctx->sim_state_dir = NULL;
}

static int unknown_driver(enum hil_role role, const char *name)
{
	return hil_error_set(HIL_ECONFIG, "driver '%s' is not available (available: %s)",
			     name ? name : "?", hil_registry_names(role));
}

int hil_power_open(struct hil_power **out, const struct hil_driver_ctx *ctx,
		   const struct hil_rack_power *cfg)
{
	const struct hil_power_ops *ops = hil_registry_power(cfg->driver);
	struct hil_power *pw;

	*out = NULL;
	if (!ops)
		return unknown_driver(HIL_ROLE_POWER, cfg->driver);
	pw = instance_new(sizeof(*pw), ops, ops->priv_size, ctx);
	pw->cfg = cfg;
	return instance_opened(out, pw, ops->open(pw));
}

void hil_power_close(struct hil_power *pw)
{
	if (pw)
		pw->ops->close(pw);
	free(pw);
}

int hil_probe_open(struct hil_probe **out, const struct hil_driver_ctx *ctx, const char *driver)
{
	const struct hil_probe_ops *ops = hil_registry_probe(driver);
	struct hil_probe *p;

	*out = NULL;
	if (!ops)
		return unknown_driver(HIL_ROLE_PROBE, driver);
	p = instance_new(sizeof(*p), ops, ops->priv_size, ctx);
	return instance_opened(out, p, ops->open(p));
}

void hil_probe_close(struct hil_probe *p)
{
	if (p)
		p->ops->close(p);
	free(p);
}

int hil_probe_wait(struct hil_probe *p, const char *serial, unsigned timeout_ms)
{
	double start = hil_clock_now();

	if (p->ops->wait)
		return p->ops->wait(p, serial, timeout_ms);
	for (;;) {
		struct hil_probe_info *list = NULL;
		size_t n = 0;
		bool found = false;
		int error = p->ops->list(p, &list, &n);

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
	const struct hil_programmer_ops *ops = hil_registry_programmer(driver);
	struct hil_programmer *p;

	*out = NULL;
	if (!ops)
		return unknown_driver(HIL_ROLE_PROGRAMMER, driver);
	p = instance_new(sizeof(*p), ops, ops->priv_size, ctx);
	return instance_opened(out, p, ops->open(p));
}

void hil_programmer_close(struct hil_programmer *p)
{
	if (p)
		p->ops->close(p);
	free(p);
}

void hil_prog_output_clear(struct hil_prog_output *out)
{
	free(out->transcript);
	memset(out, 0, sizeof(*out));
}

int hil_console_open(struct hil_console **out, const struct hil_driver_ctx *ctx,
		     const struct hil_rack_board *board)
{
	const struct hil_console_ops *ops = hil_registry_console(board->console_driver);
	struct hil_console *c;

	*out = NULL;
	if (!ops)
		return unknown_driver(HIL_ROLE_CONSOLE, board->console_driver);
	c = instance_new(sizeof(*c), ops, ops->priv_size, ctx);
	c->board = board;
	return instance_opened(out, c, ops->open(c));
}

void hil_console_close(struct hil_console *c)
{
	if (c)
		c->ops->close(c);
	free(c);
}
