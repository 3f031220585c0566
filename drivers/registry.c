/* The backend table of every role, and backend-specific rack checks.
 * Keep each table in alphabetical order; the sim backends are always
 * built (CI and the default rack need them). */
#include "drivers/registry.h"
#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "drivers/sim/profile.h"
#include "harness/config/rack.h"

#include <string.h>

static const struct hil_driver_ops *const power_backends[] = {
	&hil_power_command.drv,
	&hil_power_ftdi_gpio.drv,
	&hil_power_sim.drv,
	NULL,
};
static const struct hil_driver_ops *const probe_backends[] = {
	&hil_probe_sim.drv,
	&hil_probe_stlink_usb.drv,
	NULL,
};
static const struct hil_driver_ops *const programmer_backends[] = {
	&hil_programmer_cubeprog.drv,
	&hil_programmer_sim.drv,
	NULL,
};
static const struct hil_driver_ops *const console_backends[] = {
	&hil_console_serial.drv,
	&hil_console_sim.drv,
	NULL,
};

static const struct hil_driver_ops *const *table(enum hil_role role)
{
	switch (role) {
	case HIL_ROLE_POWER: return power_backends;
	case HIL_ROLE_PROBE: return probe_backends;
	case HIL_ROLE_PROGRAMMER: return programmer_backends;
	case HIL_ROLE_CONSOLE: return console_backends;
	}
	return NULL;
}

const struct hil_driver_ops *hil_registry_find(enum hil_role role, const char *name)
{
	const struct hil_driver_ops *const *t = table(role);

	for (size_t i = 0; name && t && t[i]; i++)
		if (strcmp(t[i]->name, name) == 0)
			return t[i];
	return NULL;
}

bool hil_registry_known(enum hil_role role, const char *name)
{
	return hil_registry_find(role, name) != NULL;
}

const char *hil_registry_names(enum hil_role role)
{
	/* Written out by hand with the tables above; tests/unit/test_sim.c
	 * (registry/names_agree_with_the_tables) checks that they agree. */
	switch (role) {
	case HIL_ROLE_POWER: return "command, ftdi_gpio, sim";
	case HIL_ROLE_PROBE: return "sim, stlink_usb";
	case HIL_ROLE_PROGRAMMER: return "cubeprog, sim";
	case HIL_ROLE_CONSOLE: return "serial, sim";
	}
	return "";
}

static bool board_uses_sim(const struct hil_rack *rack, const struct hil_rack_board *b)
{
	bool sim = !strcmp(rack->programmer_driver, "sim") || !strcmp(rack->probe_driver, "sim");

	if (b->power.present && !strcmp(rack->power[b->power.controller].driver, "sim"))
		sim = true;
	if (b->reset.present && !strcmp(rack->power[b->reset.controller].driver, "sim"))
		sim = true;
	return sim || (b->console_driver && !strcmp(b->console_driver, "sim"));
}

/* A line's pin must exist on its controller: 0..7 in async bitbang, 0..3
 * (CBUS0..3) in CBUS mode. */
static bool check_pin(const struct hil_rack *rack, const struct hil_rack_board *b,
		      const struct hil_rack_line *line, const char *what, struct hil_diag *diag)
{
	const struct hil_rack_power *pw;
	unsigned max;

	if (!line->present || line->controller >= rack->power_count)
		return true;
	pw = &rack->power[line->controller];
	if (strcmp(pw->driver, "ftdi_gpio") != 0)
		return true;
	max = pw->cbus ? 4 : 8;
	if (line->pin < max)
		return true;
	hil_diag_add(diag, rack->file, b->line, b->col, "board '%s': %s pin %u does not exist on "
		     "ftdi_gpio controller '%s' (expected 0..%u in %s mode)", b->name, what, line->pin,
		     pw->id, max - 1, pw->cbus ? "cbus" : "async");
	return false;
}

bool hil_registry_check_rack(const struct hil_rack *rack, struct hil_diag *diag)
{
	bool ok = true;

	for (size_t i = 0; i < rack->board_count; i++) {
		ok &= check_pin(rack, &rack->boards[i], &rack->boards[i].power, "power", diag);
		ok &= check_pin(rack, &rack->boards[i], &rack->boards[i].reset, "reset", diag);
	}

	for (size_t i = 0; i < rack->board_count; i++) {
		const struct hil_rack_board *b = &rack->boards[i];
		struct hil_sim_profile *prof = NULL;

		if (!b->sim_profile) {
			if (board_uses_sim(rack, b)) {
				hil_diag_add(diag, rack->file, b->line, b->col, "board '%s' uses a sim "
					     "driver but has no 'sim:' profile (expected sim: "
					     "path/to/profile.yaml)", b->name);
				ok = false;
			}
			continue;
		}
		if (hil_sim_profile_load(&prof, b->sim_profile, diag) < 0)
			ok = false;
		hil_sim_profile_free(prof);
	}
	return ok;
}
