/* Simulated power controller: its lines are wired, through the rack, to
 * the power and reset inputs of simulated boards. */
#include "drivers/power/power.h"
#include "drivers/sim/board.h"
#include "drivers/sim/config.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"

#include <string.h>

static int sim_open(struct hil_driver *drv)
{
	struct hil_power *pw = hil_power_of(drv);

	if (!pw->drv.ctx->sim)
		return hil_error_set(HIL_ECONFIG, "sim power: the driver context has no "
				     "simulated world (hil_driver_ctx_init)");
	return 0;
}

static void sim_close(struct hil_driver *drv)
{
	(void)drv;
}

static size_t controller_index(const struct hil_power *pw)
{
	return (size_t)(hil_power_entry(pw) - pw->drv.ctx->rack->power);
}

/* Switches every board this pin really feeds: its rack power pin, unless
 * sim_power_pin moves the supply elsewhere (crossed-wiring rehearsal). A
 * pin the rack names but nothing is really on switches nothing, silently,
 * as a relay would. */
static int sim_set(struct hil_power *pw, const struct hil_rack_line *line, bool on)
{
	const struct hil_rack *rack = pw->drv.ctx->rack;
	size_t self = controller_index(pw);
	int wired = 0;

	for (size_t i = 0; i < rack->board_count; i++) {
		const struct hil_rack_board *rb = &rack->boards[i];
		struct hil_sim_board *b = hil_sim_board_by_name(pw->drv.ctx->sim, rb->name);
		bool on_this = rb->power.present && rb->power.controller == self;
		bool named = on_this && rb->power.pin == line->pin;
		bool feeds = on_this && b && hil_sim_board_power_pin(b) == line->pin;
		bool is_reset = rb->reset.present && rb->reset.controller == self &&
				rb->reset.pin == line->pin;

		if (!b || (!named && !feeds && !is_reset))
			continue;
		if (hil_sim_board_fault_take(b, HIL_SIM_POINT_POWER) == HIL_SIM_FAULT_ERROR)
			return hil_error_set(HIL_EHW, "[%s] power controller %s: simulated relay "
					     "failure on pin %u", rb->name, hil_power_entry(pw)->id,
					     line->pin);
		if (feeds)
			hil_sim_board_set_power(b, on);
		if (is_reset)
			hil_sim_board_set_reset(b, on);
		wired++;
	}
	if (!wired)
		return hil_error_set(HIL_ENOTFOUND, "power controller %s: nothing wired to pin %u",
				     hil_power_entry(pw)->id, line->pin);
	return 0;
}

const struct hil_power_ops hil_power_sim = {
	.drv = {
		.name = "sim",
		.role = HIL_ROLE_POWER,
		.priv_size = 0,
		.check = hil_sim_check_rack,
		.open = sim_open,
		.close = sim_close,
	},
	.set = sim_set,
};
