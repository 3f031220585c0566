/* Rack loader: YAML -> struct hil_rack, with full validation. The core
 * part of each entry is read here; the backend named by its `driver:`
 * reads the rest through the struct hil_rack_backends it is handed. */
#include "harness/config/rack.h"
#include "harness/config/names.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const rack_keys[] = { "rack", "programmer", "probe", "power", "boards",
					 "lock_dir", "time_scale", "sim_state", "hsm", NULL };
static const char *const hsm_keys[] = { "unreadable_counter", NULL };
static const char *const unreadable_names[] = { "refuse", "accept", NULL };
/* The keys of entries whose backends parse part of them: every key some
 * backend takes (each backend reads its own and leaves the others). */
static const char *const programmer_keys[] = { "driver", "path", "timeout_s", "freq_khz",
					       "reset", "connect", "sfi_connect", "list", NULL };
static const char *const probe_keys[] = { "driver", NULL };
static const char *const power_keys[] = { "id", "driver", "usb", "interface", "mode", "idle",
					  "on", "off", "timeout_s", NULL };
static const char *const board_keys[] = { "name", "kind", "probe", "power", "reset", "console",
					  "identity", "sacrificial", "sim", "sim_power_pin", NULL };
static const char *const board_probe_keys[] = { "serial", NULL };
static const char *const line_keys[] = { "controller", "pin", "active", "pulse_ms", NULL };
static const char *const console_keys[] = { "driver", "device", "baud", NULL };
static const char *const identity_keys[] = { "device_id", "bl_version", "chip_uid",
					     "power_check", "power_check_off_ms", NULL };
static const char *const active_names[] = { "high", "low", NULL };

const char *const *const hil_rack_key_lists[] = {
	rack_keys, programmer_keys, probe_keys, power_keys, board_keys, board_probe_keys,
	line_keys, console_keys, identity_keys, active_names, hsm_keys, unreadable_names, NULL,
};

static void check_driver(struct hil_ycheck *c, const struct hil_rack *rack,
			 const struct hil_ynode *node, enum hil_role role, const char *what,
			 char **out)
{
	if (!hil_ycheck_str(c, node, what, out))
		return;
	if (!rack->backends->known(role, *out))
		hil_ycheck_error(c, node, "%s: driver '%.60s' is not available in this build "
				 "(expected one of: %s)", what, *out, rack->backends->names(role));
}

/* The backend that parses an entry of @role: its @driver, or, for a
 * console whose driver is missing, wrong or not built, the default
 * (serial), so the rest of the entry is still checked. NULL: none. */
static const char *backend_of(const struct hil_rack *rack, enum hil_role role, const char *driver)
{
	if (driver && rack->backends->known(role, driver))
		return driver;
	return role == HIL_ROLE_CONSOLE ? "serial" : NULL;
}

static void parse_backend(struct hil_ycheck *c, const struct hil_rack *rack, enum hil_role role,
			  const char *driver, const struct hil_ynode *entry, void **cfg_out)
{
	if ((driver = backend_of(rack, role, driver)))
		rack->backends->parse_config(role, driver, c, entry, cfg_out);
}

static void load_power(struct hil_ycheck *c, const struct hil_rack *rack,
		       const struct hil_ynode *node, struct hil_rack_power *pw)
{
	const struct hil_ynode *v;

	pw->line = node->line;
	pw->col = node->col;
	if (!hil_ycheck_map(c, node, "power controller", power_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, node, "id", "power controller")))
		hil_ycheck_str(c, v, "power controller id", &pw->id);
	if ((v = hil_ycheck_require(c, node, "driver", "power controller")))
		check_driver(c, rack, v, HIL_ROLE_POWER, "power controller driver", &pw->driver);
	parse_backend(c, rack, HIL_ROLE_POWER, pw->driver, node, &pw->cfg);
}

static void load_line(struct hil_ycheck *c, const struct hil_rack *rack,
		      const struct hil_ynode *node, const char *what,
		      struct hil_rack_line *line)
{
	const struct hil_ynode *v;
	unsigned long pin;
	int active = 0;

	if (!hil_ycheck_map(c, node, what, line_keys) && node->kind != HIL_YNODE_MAP)
		return;
	line->present = true;
	line->active_high = true;
	if ((v = hil_ycheck_require(c, node, "controller", what)) &&
	    v->kind == HIL_YNODE_SCALAR) {
		size_t i;
		for (i = 0; i < rack->power_count; i++)
			if (rack->power[i].id && strcmp(rack->power[i].id, v->text) == 0)
				break;
		if (i == rack->power_count)
			hil_ycheck_error(c, v, "%s: unknown power controller '%.60s' "
					 "(expected the id of an entry under 'power:')", what, v->text);
		line->controller = i;
	} else if (v) {
		hil_ycheck_error(c, v, "%s controller: wrong type (expected a controller id)", what);
	}
	if ((v = hil_ycheck_require(c, node, "pin", what)) &&
	    hil_ycheck_uint(c, v, "pin", 0, 63, &pin))
		line->pin = (unsigned)pin;
	if ((v = hil_ymap_get(node, "active")) &&
	    hil_ycheck_enum(c, v, "active", active_names, &active))
		line->active_high = active == 0;
	line->pulse_ms = 100;
	if ((v = hil_ymap_get(node, "pulse_ms")) && hil_ycheck_uint(c, v, "pulse_ms", 1, 60000, &pin))
		line->pulse_ms = (unsigned)pin;
}

static void load_console(struct hil_ycheck *c, const struct hil_rack *rack,
			 const struct hil_ynode *node, struct hil_rack_board *b)
{
	const struct hil_ynode *v;

	if (!hil_ycheck_map(c, node, "console", console_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ymap_get(node, "driver")))
		check_driver(c, rack, v, HIL_ROLE_CONSOLE, "console driver", &b->console_driver);
	else
		b->console_driver = hil_xstrdup("serial");
	parse_backend(c, rack, HIL_ROLE_CONSOLE, b->console_driver, node, &b->console_cfg);
}

/* 24 hex digits: the three UID words as `-r32 ADDRESS 12` prints them. */
static void load_chip_uid(struct hil_ycheck *c, const struct hil_ynode *node,
			  struct hil_rack_board *b)
{
	char *text = NULL;
	bool ok;

	if (!hil_ycheck_str(c, node, "chip_uid", &text))
		return;
	ok = strlen(text) == 24;
	for (size_t i = 0; ok && i < 24; i++)
		ok = isxdigit((unsigned char)text[i]);
	for (size_t w = 0; ok && w < 3; w++) {
		char word[9];
		memcpy(word, text + 8 * w, 8);
		word[8] = '\0';
		b->chip_uid[w] = (uint32_t)strtoul(word, NULL, 16);
	}
	if (ok)
		b->has_chip_uid = true;
	else
		hil_ycheck_error(c, node, "chip_uid must be 24 hex digits (the three words "
				 "`STM32_Programmer_CLI -r32 0x08FFF800 12` prints, in order), "
				 "got '%.40s'", text);
	free(text);
}

static void load_identity(struct hil_ycheck *c, const struct hil_ynode *v,
			  struct hil_rack_board *b)
{
	const struct hil_ynode *f;

	if (!hil_ycheck_map(c, v, "identity", identity_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if ((f = hil_ycheck_require(c, v, "device_id", "identity")))
		b->has_device_id = hil_ycheck_hex(c, f, "device_id", &b->device_id);
	if ((f = hil_ymap_get(v, "bl_version")))
		b->has_bl_version = hil_ycheck_hex(c, f, "bl_version", &b->bl_version);
	if ((f = hil_ymap_get(v, "chip_uid")))
		load_chip_uid(c, f, b);
	if ((f = hil_ymap_get(v, "power_check")))
		hil_ycheck_bool(c, f, "power_check", &b->power_check);
	unsigned long off_ms = b->power_check_off_ms;
	if ((f = hil_ymap_get(v, "power_check_off_ms")) &&
	    hil_ycheck_uint(c, f, "power_check_off_ms", 50, 60000, &off_ms))
		b->power_check_off_ms = (unsigned)off_ms;
}

static void load_board(struct hil_ycheck *c, const struct hil_rack *rack,
		       const struct hil_ynode *node, struct hil_rack_board *b)
{
	const struct hil_ynode *v, *f;
	char what[128], why[96];

	b->line = node->line;
	b->col = node->col;
	if (!hil_ycheck_map(c, node, "board", board_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, node, "name", "board")) &&
	    hil_ycheck_str(c, v, "board name", &b->name) && !hil_name_ok(b->name, why, sizeof(why)))
		/* it names logs/<board>/ and goes into pages and terminal lines */
		hil_ycheck_error(c, v, "board name: %s (expected 1 to %d of A-Z a-z 0-9 . _ + -, "
				 "starting with a letter or digit)", why, HIL_NAME_MAX);
	snprintf(what, sizeof(what), "board '%.60s'", b->name ? b->name : "?");
	if ((v = hil_ycheck_require(c, node, "kind", what)))
		hil_ycheck_str(c, v, "board kind", &b->kind);
	if ((v = hil_ymap_get(node, "probe")) &&
	    (hil_ycheck_map(c, v, "board probe", board_probe_keys) || v->kind == HIL_YNODE_MAP)) {
		if ((f = hil_ycheck_require(c, v, "serial", "board probe")) &&
		    hil_ycheck_str(c, f, "probe serial", &b->probe_serial) &&
		    !hil_serial_ok(b->probe_serial, why, sizeof(why)))
			/* it names the board's lock file */
			hil_ycheck_error(c, f, "probe serial: %s (expected the ST-LINK serial: 1 to "
					 "%d letters and digits, as `sfi-harness probes` lists it)", why,
					 HIL_NAME_MAX);
	} else if (!v) {
		hil_ycheck_error(c, node, "missing field 'probe' in %s (required: {serial: ...})",
				 what);
	}
	if ((v = hil_ymap_get(node, "power")))
		load_line(c, rack, v, "power", &b->power);
	if ((v = hil_ymap_get(node, "reset")))
		load_line(c, rack, v, "reset", &b->reset);
	if ((v = hil_ymap_get(node, "console")))
		load_console(c, rack, v, b);
	b->power_check = true;
	b->power_check_off_ms = 500;
	if ((v = hil_ymap_get(node, "identity")))
		load_identity(c, v, b);
	if ((v = hil_ymap_get(node, "sacrificial")))
		hil_ycheck_bool(c, v, "sacrificial", &b->sacrificial);
	rack->backends->parse_board_sim(c, node, b, &b->sim);
}

static void load_programmer(struct hil_ycheck *c, struct hil_rack *rack,
			    const struct hil_ynode *node)
{
	const struct hil_ynode *v;
	unsigned long timeout = 180;

	rack->programmer_line = node->line;
	rack->programmer_col = node->col;
	if (!hil_ycheck_map(c, node, "programmer", programmer_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, node, "driver", "programmer")))
		check_driver(c, rack, v, HIL_ROLE_PROGRAMMER, "programmer driver",
			     &rack->programmer_driver);
	if ((v = hil_ymap_get(node, "timeout_s")))
		hil_ycheck_uint(c, v, "timeout_s", 1, 86400, &timeout);
	rack->programmer_timeout_s = (unsigned)timeout;
	parse_backend(c, rack, HIL_ROLE_PROGRAMMER, rack->programmer_driver, node,
		      &rack->programmer_cfg);
}

static void load_rack(struct hil_ycheck *c, struct hil_rack *rack, const struct hil_ynode *root)
{
	const struct hil_ynode *v;

	if (!hil_ycheck_map(c, root, "rack file", rack_keys) && root->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, root, "rack", "rack file")))
		hil_ycheck_str(c, v, "rack name", &rack->name);
	rack->time_scale = 1.0;
	if ((v = hil_ymap_get(root, "time_scale")))
		hil_ycheck_double(c, v, "time_scale", 0.0, 1.0, &rack->time_scale);
	if ((v = hil_ymap_get(root, "lock_dir")))
		hil_ycheck_str(c, v, "lock_dir", &rack->lock_dir);
	char *state = NULL;
	if ((v = hil_ymap_get(root, "sim_state")) && hil_ycheck_str(c, v, "sim_state", &state)) {
		rack->sim_state = hil_path_relative_to(c->file, state);
		rack->sim_state_line = v->line;
		rack->sim_state_col = v->col;
	}
	free(state);
	/* unverified: the text -hsmgetcounter prints; a rack whose CLI prints
	 * it in a form the parser does not know may run without the budget
	 * check, and says so (docs/sfi.md) */
	const struct hil_ynode *u;
	int accept = 0;
	if ((v = hil_ymap_get(root, "hsm")) &&
	    (hil_ycheck_map(c, v, "hsm", hsm_keys) || v->kind == HIL_YNODE_MAP) &&
	    (u = hil_ymap_get(v, "unreadable_counter")) &&
	    hil_ycheck_enum(c, u, "unreadable_counter", unreadable_names, &accept))
		rack->hsm_accept_unreadable_counter = accept == 1;
	if ((v = hil_ycheck_require(c, root, "programmer", "rack file")))
		load_programmer(c, rack, v);
	rack->probe_driver = hil_xstrdup("sim");
	if ((v = hil_ymap_get(root, "probe")) &&
	    (hil_ycheck_map(c, v, "probe", probe_keys) || v->kind == HIL_YNODE_MAP)) {
		const struct hil_ynode *d = hil_ycheck_require(c, v, "driver", "probe");
		if (d) {
			free(rack->probe_driver);
			rack->probe_driver = NULL;
			check_driver(c, rack, d, HIL_ROLE_PROBE, "probe driver",
				     &rack->probe_driver);
		}
		parse_backend(c, rack, HIL_ROLE_PROBE, rack->probe_driver, v, &rack->probe_cfg);
	}
	if ((v = hil_ymap_get(root, "power")) && hil_ycheck_seq(c, v, "power")) {
		rack->power = hil_xcalloc(v->count, sizeof(*rack->power));
		rack->power_count = v->count;
		for (size_t i = 0; i < v->count; i++) {
			load_power(c, rack, v->items[i], &rack->power[i]);
			for (size_t j = 0; j < i && rack->power[i].id; j++)
				if (rack->power[j].id && !strcmp(rack->power[j].id, rack->power[i].id))
					hil_ycheck_error(c, v->items[i], "duplicate power controller id "
							 "'%.60s' (expected unique ids)", rack->power[i].id);
		}
	}
	if ((v = hil_ycheck_require(c, root, "boards", "rack file")) &&
	    hil_ycheck_seq(c, v, "boards")) {
		if (v->count == 0)
			hil_ycheck_error(c, v, "boards is empty (expected at least one board)");
		rack->boards = hil_xcalloc(v->count, sizeof(*rack->boards));
		rack->board_count = v->count;
		for (size_t i = 0; i < v->count; i++) {
			load_board(c, rack, v->items[i], &rack->boards[i]);
			for (size_t j = 0; j < i && rack->boards[i].name; j++)
				if (rack->boards[j].name &&
				    !strcmp(rack->boards[j].name, rack->boards[i].name))
					hil_ycheck_error(c, v->items[i], "duplicate board name '%.60s' "
							 "(first defined at line %u; expected unique names)",
							 rack->boards[i].name, rack->boards[j].line);
		}
	}
}

int hil_rack_load(struct hil_rack **out, const char *path,
		  const struct hil_rack_backends *backends, struct hil_diag *diag)
{
	struct hil_ycheck c = { .file = path, .diag = diag };
	struct hil_ynode *root = NULL;
	struct hil_rack *rack = NULL;
	int error;

	*out = NULL;
	if ((error = hil_yaml_load_file(&root, path, diag)) < 0)
		return error == HIL_EIO ? HIL_EIO : HIL_ECONFIG;
	rack = hil_xcalloc(1, sizeof(*rack));
	rack->file = hil_xstrdup(path);
	rack->backends = backends;
	load_rack(&c, rack, root);
	hil_ynode_free(root);
	if (c.errors == 0 && !backends->check(rack, diag))
		c.errors++;
	if (c.errors == 0 && rack->sim_state && !hil_rack_is_simulated(rack)) {
		hil_diag_add(diag, path, rack->sim_state_line, rack->sim_state_col, "sim_state on a "
			     "rack with real drivers (expected it only on a simulated rack)");
		c.errors++;
	}
	if (c.errors == 0 && rack->time_scale < 1.0 && !hil_rack_is_simulated(rack)) {
		hil_diag_add(diag, path, 0, 0, "time_scale below 1 on a rack with real drivers "
			     "(expected 1: hold times and deadlines on hardware are not scaled)");
		c.errors++;
	}
	if (c.errors) {
		hil_rack_free(rack);
		return hil_error_set(HIL_ECONFIG, "%s: invalid rack", path);
	}
	*out = rack;
	return 0;
}

/* Freed by the backend that parsed it (backend_of). */
static void free_config(const struct hil_rack *rack, enum hil_role role, const char *driver,
			void *cfg)
{
	if (cfg && (driver = backend_of(rack, role, driver)))
		rack->backends->free_config(role, driver, cfg);
}

void hil_rack_free(struct hil_rack *rack)
{
	if (!rack)
		return;
	for (size_t i = 0; i < rack->power_count; i++) {
		free_config(rack, HIL_ROLE_POWER, rack->power[i].driver, rack->power[i].cfg);
		free(rack->power[i].id);
		free(rack->power[i].driver);
	}
	for (size_t i = 0; i < rack->board_count; i++) {
		struct hil_rack_board *b = &rack->boards[i];
		free_config(rack, HIL_ROLE_CONSOLE, b->console_driver, b->console_cfg);
		if (b->sim)
			rack->backends->free_board_sim(b->sim);
		free(b->name);
		free(b->kind);
		free(b->probe_serial);
		free(b->console_driver);
	}
	free_config(rack, HIL_ROLE_PROGRAMMER, rack->programmer_driver, rack->programmer_cfg);
	free_config(rack, HIL_ROLE_PROBE, rack->probe_driver, rack->probe_cfg);
	free(rack->power);
	free(rack->boards);
	free(rack->file);
	free(rack->name);
	free(rack->programmer_driver);
	free(rack->probe_driver);
	free(rack->lock_dir);
	free(rack->sim_state);
	free(rack);
}

const struct hil_rack_board *hil_rack_board_find(const struct hil_rack *rack, const char *name)
{
	for (size_t i = 0; i < rack->board_count; i++)
		if (rack->boards[i].name && strcmp(rack->boards[i].name, name) == 0)
			return &rack->boards[i];
	return NULL;
}

/* The installed simulated rack beside the binary: BIN/../share/sfi-harness
 * (a package unpacked anywhere, or cmake --install with any prefix). */
static const char *rack_beside_binary(void)
{
	static char path[4096];
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../share/sfi-harness/fixtures/racks/sim.yaml", exe);
	return path;
}

/* $SFI_HARNESS_RACK, else the installed simulated rack beside the binary
 * (cmake --install, the .deb), else the one of the source tree the binary
 * was built in, else the compiled-in install location. */
const char *hil_rack_default_path(void)
{
	const char *candidates[] = {
		rack_beside_binary(),
		HIL_DATA_DIR "/fixtures/racks/sim.yaml",
		HIL_INSTALL_DATA_DIR "/fixtures/racks/sim.yaml",
	};
	const char *env = getenv("SFI_HARNESS_RACK");

	if (env && env[0])
		return env;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(*candidates); i++)
		if (candidates[i] && access(candidates[i], R_OK) == 0)
			return candidates[i];
	return candidates[0];
}

bool hil_rack_is_simulated(const struct hil_rack *rack)
{
	/* The programmer may be a real driver running a stand-in tool: what
	 * matters is that no real board, relay or probe is on the rack. */
	bool sim = !strcmp(rack->probe_driver, "sim");

	for (size_t i = 0; i < rack->power_count; i++)
		sim = sim && !strcmp(rack->power[i].driver, "sim");
	for (size_t i = 0; i < rack->board_count; i++)
		sim = sim && rack->boards[i].sim && (!rack->boards[i].console_driver ||
			      !strcmp(rack->boards[i].console_driver, "sim"));
	return sim;
}
