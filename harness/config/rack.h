/* The rack: which boards exist, how their power, reset, probe, console and
 * programmer are reached. Loaded from YAML (docs/racks.md) and validated in
 * full before anything runs.
 *
 * The core parses what every rack has (ids, drivers, boards, lines,
 * identity); each backend parses and checks its own settings in its entry
 * and keeps them as an opaque `cfg` that only it reads. The loader knows
 * no backend: it is handed a table of them (struct hil_rack_backends;
 * drivers/registry.h has the one of this build and hil_registry_rack_load).
 */
#ifndef HIL_HARNESS_RACK_H
#define HIL_HARNESS_RACK_H

#include "harness/util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hil_ycheck;
struct hil_ynode;
struct hil_rack;
struct hil_rack_board;

/* The four driver roles of a rack; each names its backend with `driver:`. */
enum hil_role {
	HIL_ROLE_POWER,
	HIL_ROLE_PROBE,
	HIL_ROLE_PROGRAMMER,
	HIL_ROLE_CONSOLE,
};

/* A power controller (relay board, FTDI chip, PDU) that several boards may share. */
struct hil_rack_power {
	char *id;
	char *driver;              /* "sim", "ftdi_gpio", "command" */
	void *cfg;                 /* the backend's settings (usb, on/off, ...); owned, opaque */
	unsigned line, col;
};

/* One GPIO line of a power controller. */
struct hil_rack_line {
	bool present;
	size_t controller;         /* index into hil_rack.power */
	unsigned pin;
	bool active_high;
	unsigned pulse_ms;         /* reset lines: how long a reset pulse holds */
};

struct hil_rack_board {
	char *name;
	char *kind;                /* "STM32H7B3I-DK", "custom-H7B3" ... */
	char *probe_serial;        /* the ST-LINK serial that identifies the board */
	struct hil_rack_line power, reset;
	char *console_driver;      /* NULL: no console */
	void *console_cfg;         /* the console backend's settings (device, baud); opaque */
	bool has_device_id;
	uint32_t device_id;        /* identity check before any write */
	bool has_bl_version;
	uint32_t bl_version;       /* pinned bootloader version, checked too */
	bool has_chip_uid;
	uint32_t chip_uid[3];      /* pinned 96-bit UID, words in address order */
	bool power_check;          /* pre-flight: power off, the probe must lose target voltage */
	unsigned power_check_off_ms; /* how long the line stays off before the probe is asked (500) */
	bool sacrificial;          /* irreversible steps allowed */
	/* The simulator's settings of this board ('sim:' profile, sim_power_pin),
	 * owned and opaque; NULL for a real board. */
	void *sim;
	unsigned line, col;
};

struct hil_rack {
	char *file;
	char *name;
	char *programmer_driver;   /* "sim", "cubeprog" */
	unsigned programmer_timeout_s; /* default deadline of an operation */
	void *programmer_cfg;      /* the programmer backend's settings (path, ...); opaque */
	unsigned programmer_line, programmer_col; /* of `programmer:` */
	char *probe_driver;        /* "sim", "stlink_usb" */
	void *probe_cfg;           /* the probe backend's settings; opaque, NULL today */
	char *lock_dir;            /* NULL: default */
	/* A simulated rack whose boards keep their state here between runs,
	 * as a real rack's do (resolved); NULL: each campaign's own boards. */
	char *sim_state;
	unsigned sim_state_line, sim_state_col;
	double time_scale;         /* < 1 only on fully simulated racks (clock.h) */
	/* hsm: {unreadable_counter: accept}: a campaign that draws licences
	 * runs, with a warning, when -hsmgetcounter's answer cannot be read
	 * (its text is unverified); default: refused. */
	bool hsm_accept_unreadable_counter;
	struct hil_rack_power *power;
	size_t power_count;
	struct hil_rack_board *boards;
	size_t board_count;
	const struct hil_rack_backends *backends; /* that parsed the cfgs, to free them */
};

/* What the loader asks of the backends (dependency injection: the config
 * layer never includes a driver). Every function is required. */
struct hil_rack_backends {
	/* Whether @role has a backend @name in this build; all their names,
	 * "a, b" (for messages). */
	bool (*known)(enum hil_role role, const char *name);
	const char *(*names)(enum hil_role role);
	/* Parses the settings backend @driver of @role takes in @entry (a
	 * `power:` item, the `programmer:` or `probe:` map, a board's
	 * `console:` map). Problems go to @c with their file:line:col; *cfg_out
	 * (NULL when it has none) is freed with free_config(). */
	void (*parse_config)(enum hil_role role, const char *driver, struct hil_ycheck *c,
			     const struct hil_ynode *entry, void **cfg_out);
	void (*free_config)(enum hil_role role, const char *driver, void *cfg);
	/* The simulator's settings in board map @node (@b is parsed but for
	 * them); *cfg_out stays NULL for a real board. */
	void (*parse_board_sim)(struct hil_ycheck *c, const struct hil_ynode *node,
				const struct hil_rack_board *b, void **cfg_out);
	void (*free_board_sim)(void *cfg);
	/* Checks across entries of a rack that parsed cleanly (pins that exist
	 * on their controller, profiles of simulated boards). Adds diagnostics;
	 * false when something is wrong. */
	bool (*check)(const struct hil_rack *rack, struct hil_diag *diag);
};

/* Every list of keys and names the core part of the rack format accepts
 * (NULL-ended lists, NULL-ended); tests check docs/racks.md names each.
 * Backends list their own in struct hil_driver_ops. */
extern const char *const *const hil_rack_key_lists[];

/* Loads and validates a rack, the backends' settings through @backends
 * (borrowed; it must outlive the rack). On bad input every problem goes to
 * @diag and HIL_ECONFIG is returned; *out is only set on success and must
 * be freed with hil_rack_free(). */
int hil_rack_load(struct hil_rack **out, const char *path,
		  const struct hil_rack_backends *backends, struct hil_diag *diag);

void hil_rack_free(struct hil_rack *rack);

/* Borrowed pointer to the named board, or NULL. */
const struct hil_rack_board *hil_rack_board_find(const struct hil_rack *rack,
						 const char *name);

/* True when every board is simulated and power, probes and consoles are
 * sim drivers (the programmer may run a stand-in tool). */
bool hil_rack_is_simulated(const struct hil_rack *rack);

/* The default rack: $SFI_HARNESS_RACK, else the simulated rack shipped
 * with the tool. Borrowed. */
const char *hil_rack_default_path(void);

#endif
