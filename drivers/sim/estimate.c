/* Time estimates for --dry-run, from a simulated board's profile timings:
 * the waits the simulator itself would make (connect, per-KiB transfer,
 * RSS, regression wait, boot) plus the scenario's own hold times. */
#include "drivers/sim/config.h"
#include "drivers/sim/profile.h"
#include "harness/config/rack.h"
#include "harness/config/scenario.h"
#include "harness/sfi/sfi_image.h"

#include <stdlib.h>

static unsigned long step_ms(const struct hil_sim_profile *p, const struct hil_step *st)
{
	struct hil_sfi_image *img = NULL;
	unsigned long ms = 0, kib = 64, parts = 1;

	switch (st->kind) {
	case HIL_STEP_POWER:
		return (st->power == HIL_POWER_CYCLE ? st->off_ms : 0) + st->settle_ms + p->boot_ms;
	case HIL_STEP_SFI_INSTALL:
		if (st->image && hil_sfi_image_load(&img, st->image) == 0) {
			kib = img->length / 1024 + 1;
			for (size_t i = 0; i < img->areas_read; i++)
				parts += img->areas[i].type == 'P';
		}
		hil_sfi_image_free(img);
		ms = p->connect_ms * (1 + parts) + p->per_kib_ms * kib + p->rss_ms * parts;
		for (size_t i = 0; i < p->rule_count; i++)
			if (p->rules[i].outcome != HIL_SIM_SUCCESS)
				return ms + p->regression_wait_ms; /* failures wait for the regression */
		return ms;
	case HIL_STEP_VERIFY_FLASH:
	case HIL_STEP_READ_OB:
		return p->connect_ms + p->per_kib_ms * 8;
	case HIL_STEP_WAIT:
		return st->wait_ms;
	case HIL_STEP_RESET:
		return st->pulse_ms ? st->pulse_ms : 100;
	case HIL_STEP_EXPECT_CONSOLE:
		return 1000;
	case HIL_STEP_REGRESS: /* two option-byte reads and the erase; a regression waits */
		return 3 * p->connect_ms + p->per_kib_ms * 24 + p->regression_wait_ms;
	}
	return 0;
}

unsigned long hil_sim_estimate_ms(const struct hil_sim_board_cfg *cfg, const struct hil_step *steps,
				  size_t count)
{
	struct hil_diag diag = { 0 };
	struct hil_sim_profile *p = NULL;
	unsigned long total = 0;

	if (!cfg || hil_sim_profile_load(&p, cfg->profile, &diag) < 0) {
		hil_diag_clear(&diag);
		return 0;
	}
	for (size_t i = 0; i < count; i++)
		total += step_ms(p, &steps[i]);
	hil_sim_profile_free(p);
	return total;
}
