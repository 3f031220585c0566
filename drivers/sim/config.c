/* The simulator's part of the rack: a board's `sim:` profile and
 * `sim_power_pin`, and the cross-entry check the sim backends share (see
 * config.h). */
#include "drivers/sim/config.h"
#include "drivers/sim/profile.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hil_sim_parse_board(struct hil_ycheck *c, const struct hil_ynode *node,
			 const struct hil_rack_board *b, void **cfg_out)
{
	struct hil_sim_board_cfg *cfg = NULL;
	const struct hil_ynode *v;
	unsigned long pin;

	*cfg_out = NULL;
	if ((v = hil_ymap_get(node, "sim"))) {
		char *rel = NULL;
		if (hil_ycheck_str(c, v, "sim profile", &rel)) {
			cfg = hil_xcalloc(1, sizeof(*cfg));
			cfg->profile = hil_path_relative_to(c->file, rel);
			cfg->power_pin = b->power.pin;
		}
		free(rel);
	}
	/* sim_power_pin: where a simulated board's supply really is, when it
	 * is not where the rack says (to rehearse crossed wiring). */
	if ((v = hil_ymap_get(node, "sim_power_pin"))) {
		if (!cfg || !b->power.present)
			hil_ycheck_error(c, v, "sim_power_pin needs a simulated board "
					 "('sim: PROFILE') with a power line");
		else if (hil_ycheck_uint(c, v, "sim_power_pin", 0, 63, &pin))
			cfg->power_pin = (unsigned)pin;
	}
	*cfg_out = cfg;
}

void hil_sim_free_board(void *p)
{
	struct hil_sim_board_cfg *cfg = p;

	if (cfg)
		free(cfg->profile);
	free(cfg);
}

/* Whether a sim backend serves @b: the rack's programmer or probe, the
 * controller of its power or reset line, or its console. */
static bool board_uses_sim(const struct hil_rack *rack, const struct hil_rack_board *b)
{
	bool sim = !strcmp(rack->programmer_driver, "sim") || !strcmp(rack->probe_driver, "sim");

	if (b->power.present && !strcmp(rack->power[b->power.controller].driver, "sim"))
		sim = true;
	if (b->reset.present && !strcmp(rack->power[b->reset.controller].driver, "sim"))
		sim = true;
	return sim || (b->console_driver && !strcmp(b->console_driver, "sim"));
}

int hil_sim_check_rack(const struct hil_rack *rack, struct hil_diag *diag)
{
	bool ok = true;

	for (size_t i = 0; i < rack->board_count; i++) {
		const struct hil_rack_board *b = &rack->boards[i];
		const struct hil_sim_board_cfg *cfg = b->sim;
		struct hil_sim_profile *prof = NULL;

		if (!cfg) {
			if (board_uses_sim(rack, b)) {
				hil_diag_add(diag, rack->file, b->line, b->col, "board '%s' uses a "
					     "sim driver but has no 'sim:' profile (expected sim: "
					     "path/to/profile.yaml)", b->name);
				ok = false;
			}
			continue;
		}
		if (hil_sim_profile_load(&prof, cfg->profile, diag) < 0)
			ok = false;
		hil_sim_profile_free(prof);
	}
	return ok ? 0 : HIL_ECONFIG;
}

int hil_sim_check_profile_file(const char *path, bool is_profile, char *what, size_t size,
			       struct hil_diag *diag)
{
	struct hil_sim_profile *p = NULL;
	int error;

	if (!is_profile)
		return HIL_ENOTFOUND;
	if ((error = hil_sim_profile_load(&p, path, diag)) == 0)
		snprintf(what, size, "simulated board profile %s, BL 0x%02X", p->name,
			 p->bl_version);
	hil_sim_profile_free(p);
	return error;
}
