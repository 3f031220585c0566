/* The rack: which boards exist, how their power, reset, probe, console and
 * programmer are reached. Loaded from YAML (docs/racks.md) and validated in
 * full before anything runs.
 */
#ifndef HIL_HARNESS_RACK_H
#define HIL_HARNESS_RACK_H

#include "harness/util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hil_ynode;

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
	/* ftdi_gpio */
	uint32_t usb_vid, usb_pid;
	char *usb_serial;          /* NULL: first match */
	char interface;            /* 'A'..'D', 0 when unset */
	bool cbus;                 /* CBUS bitbang (pins 8..11) instead of async (0..7) */
	bool has_idle;
	uint32_t idle;             /* latch for pins no board line uses */
	/* command: argv lists, NULL-terminated; NULL when unset */
	char **on_argv, **off_argv;
	unsigned timeout_s;        /* command: deadline of each command */
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
	char *console_device;
	unsigned console_baud;
	bool has_device_id;
	uint32_t device_id;        /* identity check before any write */
	bool has_bl_version;
	uint32_t bl_version;       /* pinned bootloader version, checked too */
	bool has_chip_uid;
	uint32_t chip_uid[3];      /* pinned 96-bit UID, words in address order */
	bool power_check;          /* pre-flight: power off, the probe must lose target voltage */
	bool sacrificial;          /* irreversible steps allowed */
	char *sim_profile;         /* resolved path, or NULL */
	unsigned sim_power_pin;    /* the pin the sim board's supply is really on */
	unsigned line, col;
};

struct hil_rack {
	char *file;
	char *name;
	char *programmer_driver;   /* "sim", "cubeprog" */
	char *programmer_path;     /* STM32_Programmer_CLI, resolved */
	unsigned programmer_timeout_s;
	unsigned programmer_freq_khz;  /* 0: the tool's default */
	char *programmer_reset;        /* SWrst, HWrst, Crst; NULL: default */
	char *probe_driver;        /* "sim", "stlink_usb" */
	char *lock_dir;            /* NULL: default */
	double time_scale;         /* < 1 only on fully simulated racks (clock.h) */
	struct hil_rack_power *power;
	size_t power_count;
	struct hil_rack_board *boards;
	size_t board_count;
};

/* Loads and validates a rack. On bad input every problem goes to @diag and
 * HIL_ECONFIG is returned; *out is only set on success and must be freed
 * with hil_rack_free(). */
/* Every list of keys and names the rack format accepts (NULL-ended lists,
 * NULL-ended); tests check docs/racks.md names each. */
extern const char *const *const hil_rack_key_lists[];

int hil_rack_load(struct hil_rack **out, const char *path, struct hil_diag *diag);

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
