/* The backend table of every role, and the rack loader's view of it: the
 * backends parse and check their own settings, the simulator a board's.
 * Keep each table in alphabetical order; the sim backends are always
 * built (CI and the default rack need them). */
#include "drivers/registry.h"
#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "drivers/sim/config.h"
#include "harness/config/rack.h"
#include "harness/util/error.h"
#include "harness/yaml/yaml_tree.h"

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

const struct hil_driver_ops *hil_registry_at(enum hil_role role, size_t i)
{
	const struct hil_driver_ops *const *t = table(role);

	for (size_t k = 0; t && t[k]; k++)
		if (k == i)
			return t[k];
	return NULL;
}

static void rack_parse_config(enum hil_role role, const char *driver, struct hil_ycheck *c,
			      const struct hil_ynode *entry, void **cfg_out)
{
	const struct hil_driver_ops *ops = hil_registry_find(role, driver);

	*cfg_out = NULL;
	if (ops && ops->parse_config)
		ops->parse_config(c, entry, cfg_out);
}

static void rack_free_config(enum hil_role role, const char *driver, void *cfg)
{
	const struct hil_driver_ops *ops = hil_registry_find(role, driver);

	if (ops && ops->free_config)
		ops->free_config(cfg);
}

/* Whether some entry of @rack names backend @name of @role. */
static bool rack_uses(const struct hil_rack *rack, enum hil_role role, const char *name)
{
	bool used = false;

	switch (role) {
	case HIL_ROLE_POWER:
		for (size_t i = 0; i < rack->power_count; i++)
			used = used || (rack->power[i].driver &&
					!strcmp(rack->power[i].driver, name));
		return used;
	case HIL_ROLE_PROBE:
		return rack->probe_driver && !strcmp(rack->probe_driver, name);
	case HIL_ROLE_PROGRAMMER:
		return rack->programmer_driver && !strcmp(rack->programmer_driver, name);
	case HIL_ROLE_CONSOLE:
		for (size_t i = 0; i < rack->board_count; i++)
			used = used || (rack->boards[i].console_driver &&
					!strcmp(rack->boards[i].console_driver, name));
		return used;
	}
	return false;
}

#define MAX_CHECKS 16

/* Adds @check to @list unless it is there: backends may share one (the
 * four sim backends do), and each runs once per rack. */
static void add_check(int (**list)(const struct hil_rack *, struct hil_diag *), size_t *n,
		      int (*check)(const struct hil_rack *, struct hil_diag *))
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == check)
			return;
	if (*n < MAX_CHECKS)
		list[(*n)++] = check;
}

/* The check() of every backend the rack uses, in table order, then the
 * simulator's when a board is simulated (its profile must load even when
 * a real driver runs a stand-in tool). */
static bool rack_check(const struct hil_rack *rack, struct hil_diag *diag)
{
	int (*checks[MAX_CHECKS])(const struct hil_rack *, struct hil_diag *);
	size_t n = 0;
	bool ok = true, simulated = false;

	for (int role = HIL_ROLE_POWER; role <= HIL_ROLE_CONSOLE; role++)
		for (const struct hil_driver_ops *const *t = table((enum hil_role)role); *t; t++)
			if ((*t)->check && rack_uses(rack, (enum hil_role)role, (*t)->name))
				add_check(checks, &n, (*t)->check);
	for (size_t i = 0; i < rack->board_count; i++)
		simulated = simulated || rack->boards[i].sim;
	if (simulated)
		add_check(checks, &n, hil_sim_check_rack);
	for (size_t i = 0; i < n; i++)
		ok &= checks[i](rack, diag) == 0;
	return ok;
}

const struct hil_rack_backends hil_registry_rack_backends = {
	.known = hil_registry_known,
	.names = hil_registry_names,
	.parse_config = rack_parse_config,
	.free_config = rack_free_config,
	.parse_board_sim = hil_sim_parse_board,
	.free_board_sim = hil_sim_free_board,
	.check = rack_check,
};

int hil_registry_ready(const struct hil_rack *rack, struct hil_diag *diag)
{
	const struct hil_driver_ops *ops = hil_registry_find(HIL_ROLE_PROGRAMMER,
							     rack->programmer_driver);
	int error = 0;

	if (ops && ops->ready && ops->ready(rack, rack->programmer_cfg, diag) < 0)
		error = HIL_ECONFIG;
	for (size_t i = 0; i < rack->power_count; i++) {
		ops = hil_registry_find(HIL_ROLE_POWER, rack->power[i].driver);
		if (ops && ops->ready && ops->ready(rack, rack->power[i].cfg, diag) < 0)
			error = HIL_ECONFIG;
	}
	return error;
}

int hil_registry_rack_load(struct hil_rack **out, const char *path, struct hil_diag *diag)
{
	return hil_rack_load(out, path, &hil_registry_rack_backends, diag);
}

int hil_registry_check_file(const char *path, const struct hil_ynode *root, char *what,
			    size_t size, struct hil_diag *diag)
{
	return hil_sim_check_profile_file(path, hil_ymap_get(root, "profile") != NULL, what, size,
					  diag);
}

unsigned long hil_registry_estimate_ms(const struct hil_rack_board *board,
				       const struct hil_step *steps, size_t count)
{
	return board->sim ? hil_sim_estimate_ms(board->sim, steps, count) : 0;
}
