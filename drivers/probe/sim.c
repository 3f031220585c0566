/* Simulated probe enumeration: lists the ST-LINK of every simulated board
 * whose probe is on the bus right now (an on-board probe needs power). */
#include "drivers/probe/probe.h"
#include "drivers/sim/board.h"
#include "drivers/sim/config.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdio.h>

static int sim_open(struct hil_driver *drv)
{
	struct hil_probe *p = hil_probe_of(drv);

	if (!p->drv.ctx->sim)
		return hil_error_set(HIL_ECONFIG, "sim probe: the driver context has no "
				     "simulated world (hil_driver_ctx_init)");
	return 0;
}

static void sim_close(struct hil_driver *drv)
{
	(void)drv;
}

static int sim_list(struct hil_probe *p, struct hil_probe_info **list_out, size_t *count_out)
{
	struct hil_sim_board *b;
	struct hil_probe_info *list = NULL;
	size_t n = 0;

	for (size_t i = 0; (b = hil_sim_board_at(p->drv.ctx->sim, i)); i++) {
		const struct hil_sim_profile *prof = hil_sim_board_profile(b);

		if (!hil_sim_board_probe_present(b) ||
		    hil_sim_board_fault_take(b, HIL_SIM_POINT_PROBE) == HIL_SIM_FAULT_UNPLUG)
			continue;
		list = hil_xrealloc(list, (n + 1) * sizeof(*list));
		hil_copy_str(list[n].serial, sizeof(list[n].serial), hil_sim_board_serial(b));
		hil_copy_str(list[n].product, sizeof(list[n].product), prof->probe_product);
		hil_copy_str(list[n].firmware, sizeof(list[n].firmware), prof->probe_firmware);
		list[n].vid = 0x0483;
		list[n].pid = 0x374F;
		snprintf(list[n].port_path, sizeof(list[n].port_path), "sim-%zu", i + 1);
		n++;
	}
	*list_out = list;
	*count_out = n;
	return 0;
}

const struct hil_probe_ops hil_probe_sim = {
	.drv = {
		.name = "sim",
		.role = HIL_ROLE_PROBE,
		.priv_size = 0,
		.check = hil_sim_check_rack,
		.open = sim_open,
		.close = sim_close,
	},
	.list = sim_list,
};
