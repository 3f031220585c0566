/* Power and reset lines on FTDI GPIO (libftdi1): FT232R, FT232H, FT2232H and
 * FT4232H in asynchronous bitbang (pins 0..7 of the chosen interface), or
 * CBUS bitbang (pins 0..3 = CBUS0..3, `mode: cbus`) where the EEPROM sets
 * the CBUS pins to I/O mode.
 *
 * Glitch-free start: a harness starting must never toggle a rail. open()
 * reads the pins, enters bitbang with every pin an input, writes the latch
 * (the levels just read for pins boards use; the rack's `idle` for the
 * others), and only then makes the used pins outputs — so they come up at
 * the level they already had.
 *
 * Several boards share one chip: set() is a read-modify-write of the
 * latch, under a mutex and an flock on a per-chip lock file, so switching
 * one board's line never disturbs another's.
 *
 * A chip unplugged mid-run fails the write; the driver tries once to reopen
 * it (restoring the latch it last wrote) and otherwise reports HIL_EHW. All
 * libftdi return codes are translated in ftdi_fail() and nowhere else.
 */
#include "drivers/power/power.h"
#include "harness/config/names.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <errno.h>
#include <fcntl.h>
#include <ftdi.h>
#include <libusb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The controller's settings in the rack: `usb: {vid, pid, serial}`,
 * `interface`, `mode`, `idle`. */
struct ftdi_gpio_cfg {
	uint32_t vid, pid;
	char *serial;                 /* NULL: first match */
	char interface;               /* 'A'..'D', 0 when unset */
	bool cbus;                    /* CBUS bitbang (pins 0..3) instead of async (0..7) */
	bool has_idle;
	uint32_t idle;                /* latch for pins no board line uses */
};

static const char *const usb_keys[] = { "vid", "pid", "serial", NULL };
static const char *const modes[] = { "async", "cbus", NULL };
static const char *const *const key_lists[] = { usb_keys, modes, NULL };

static void ftdi_gpio_parse_config(struct hil_ycheck *c, const struct hil_ynode *entry,
				   void **cfg_out)
{
	struct ftdi_gpio_cfg *cfg = hil_xcalloc(1, sizeof(*cfg));
	const struct hil_ynode *v, *f;

	*cfg_out = cfg;
	if ((v = hil_ymap_get(entry, "usb")) &&
	    (hil_ycheck_map(c, v, "power controller usb", usb_keys) || v->kind == HIL_YNODE_MAP)) {
		if ((f = hil_ycheck_require(c, v, "vid", "usb")))
			hil_ycheck_hex(c, f, "usb vid", &cfg->vid);
		if ((f = hil_ycheck_require(c, v, "pid", "usb")))
			hil_ycheck_hex(c, f, "usb pid", &cfg->pid);
		char why[96];
		/* the serial names the chip's lock file (ftdi_lock below) */
		if ((f = hil_ymap_get(v, "serial")) && hil_ycheck_str(c, f, "usb serial", &cfg->serial) &&
		    !hil_serial_ok(cfg->serial, why, sizeof(why)))
			hil_ycheck_error(c, f, "usb serial: %s (expected the FTDI chip's serial: "
					 "letters and digits)", why);
	}
	if ((v = hil_ymap_get(entry, "interface"))) {
		static const char *const ifaces[] = { "A", "B", "C", "D", NULL };
		int i;
		if (hil_ycheck_enum(c, v, "interface", ifaces, &i))
			cfg->interface = (char)('A' + i);
	}
	if ((v = hil_ymap_get(entry, "mode"))) {
		int mode;
		if (hil_ycheck_enum(c, v, "mode", modes, &mode))
			cfg->cbus = mode == 1;
	}
	if ((v = hil_ymap_get(entry, "idle")))
		cfg->has_idle = hil_ycheck_hex(c, v, "idle", &cfg->idle);
	if (!hil_ymap_get(entry, "usb"))
		hil_ycheck_error(c, entry, "missing field 'usb' in ftdi_gpio power controller "
				 "(required: {vid, pid, serial})");
}

static void ftdi_gpio_free_config(void *p)
{
	struct ftdi_gpio_cfg *cfg = p;

	if (cfg)
		free(cfg->serial);
	free(cfg);
}

/* A board line's pin must exist on its controller: 0..7 in async bitbang,
 * 0..3 (CBUS0..3) in CBUS mode. */
static bool check_pin(const struct hil_rack *rack, const struct hil_rack_board *b,
		      const struct hil_rack_line *line, const char *what, struct hil_diag *diag)
{
	const struct hil_rack_power *pw;
	const struct ftdi_gpio_cfg *cfg;
	unsigned max;

	if (!line->present || line->controller >= rack->power_count)
		return true;
	pw = &rack->power[line->controller];
	if (strcmp(pw->driver, "ftdi_gpio") != 0 || !(cfg = pw->cfg))
		return true;
	max = cfg->cbus ? 4 : 8;
	if (line->pin < max)
		return true;
	hil_diag_add(diag, rack->file, b->line, b->col, "board '%s': %s pin %u does not exist on "
		     "ftdi_gpio controller '%s' (expected 0..%u in %s mode)", b->name, what,
		     line->pin, pw->id, max - 1, cfg->cbus ? "cbus" : "async");
	return false;
}

static int ftdi_gpio_check(const struct hil_rack *rack, struct hil_diag *diag)
{
	bool ok = true;

	for (size_t i = 0; i < rack->board_count; i++) {
		ok &= check_pin(rack, &rack->boards[i], &rack->boards[i].power, "power", diag);
		ok &= check_pin(rack, &rack->boards[i], &rack->boards[i].reset, "reset", diag);
	}
	return ok ? 0 : HIL_ECONFIG;
}

struct ftdi_gpio {
	const struct ftdi_gpio_cfg *cfg;
	const char *id;               /* the controller's, for messages */
	struct ftdi_context *ftdi;
	pthread_mutex_t lock;
	int lock_fd;                  /* per-chip flock, -1 when none could be made */
	uint8_t latch;                /* last value written */
	uint8_t direction;            /* 1 = output: pins some board line uses */
	bool cbus;
};

/* The one place libftdi codes become harness errors. libftdi's negative
 * values mean different things per function, so the message carries both
 * what was being done and libftdi's own text. */
static int ftdi_fail(struct hil_power *pw, int rc, const char *what)
{
	struct ftdi_gpio *g = pw->drv.priv;
	const char *text = g->ftdi ? ftdi_get_error_string(g->ftdi) : "no context";
	int code = HIL_EHW;

	if (!strcmp(what, "open") && (rc == -3 || rc == -11))
		code = HIL_ENOTFOUND;           /* device not found / interface busy */
	else if (!strcmp(what, "open") && rc == -5)
		code = HIL_EBUSY;               /* unable to claim: another process has it */
	else if (!strcmp(what, "open") && rc == -4)
		code = HIL_EACCES;              /* unable to open: udev permissions */
	return hil_error_set(code, "[power %s] FTDI %04X:%04X %s: %s failed: %s (libftdi %d)",
			     g->id, g->cfg->vid, g->cfg->pid,
			     g->cfg->serial ? g->cfg->serial : "(any)", what, text, rc);
}

/* Pins that some board's power or reset line uses on this controller. */
static uint8_t used_pins(const struct hil_power *pw)
{
	const struct hil_rack *rack = pw->drv.ctx->rack;
	size_t self = (size_t)(hil_power_entry(pw) - rack->power);
	uint8_t mask = 0;

	for (size_t i = 0; i < rack->board_count; i++) {
		const struct hil_rack_line *lines[2] = { &rack->boards[i].power, &rack->boards[i].reset };
		for (int k = 0; k < 2; k++)
			if (lines[k]->present && lines[k]->controller == self && lines[k]->pin < 8)
				mask |= (uint8_t)(1u << lines[k]->pin);
	}
	return mask;
}

static int set_mode(struct hil_power *pw, uint8_t direction, uint8_t latch)
{
	struct ftdi_gpio *g = pw->drv.priv;
	int rc;

	if (g->cbus)
		rc = ftdi_set_bitmode(g->ftdi, (uint8_t)((direction & 0x0F) << 4 | (latch & 0x0F)),
				      BITMODE_CBUS);
	else
		rc = ftdi_set_bitmode(g->ftdi, direction, BITMODE_BITBANG);
	return rc < 0 ? ftdi_fail(pw, rc, "set bitmode") : 0;
}

static int write_latch(struct hil_power *pw, uint8_t latch)
{
	struct ftdi_gpio *g = pw->drv.priv;
	int rc;

	if (g->cbus)
		return set_mode(pw, g->direction, latch);
	rc = ftdi_write_data(g->ftdi, &latch, 1);
	return rc != 1 ? ftdi_fail(pw, rc, "write") : 0;
}

static int read_latch(struct hil_power *pw, uint8_t *out)
{
	struct ftdi_gpio *g = pw->drv.priv;
	int rc = ftdi_read_pins(g->ftdi, out);

	if (rc < 0)
		return ftdi_fail(pw, rc, "read pins");
	if (g->cbus)
		*out &= 0x0F;
	return 0;
}

static int usb_open(struct hil_power *pw)
{
	struct ftdi_gpio *g = pw->drv.priv;
	const struct ftdi_gpio_cfg *cfg = g->cfg;
	int rc;

	if (!(g->ftdi = ftdi_new()))
		return hil_error_set(HIL_ENOMEM, "[power %s] ftdi_new failed", g->id);
	enum ftdi_interface iface = (enum ftdi_interface)(INTERFACE_A + cfg->interface - 'A');
	if (cfg->interface && (rc = ftdi_set_interface(g->ftdi, iface)) < 0)
		return ftdi_fail(pw, rc, "select interface");
	if ((rc = ftdi_usb_open_desc(g->ftdi, (int)cfg->vid, (int)cfg->pid, NULL, cfg->serial)) < 0)
		return ftdi_fail(pw, rc, "open");
	return 0;
}

/* The glitch-free start sequence described at the top of the file. */
static int glitch_free_start(struct hil_power *pw)
{
	struct ftdi_gpio *g = pw->drv.priv;
	uint8_t now = 0, idle = (uint8_t)g->cfg->idle;
	int error;

	if ((error = read_latch(pw, &now)) < 0)
		return error;
	g->latch = (uint8_t)((now & g->direction) | (g->cfg->has_idle ? idle & ~g->direction
								      : now & ~g->direction));
	if ((error = set_mode(pw, 0x00, g->latch)) < 0)  /* every pin an input */
		return error;
	if (!g->cbus && (error = write_latch(pw, g->latch)) < 0)
		return error;
	return set_mode(pw, g->direction, g->latch);     /* now drive, at those levels */
}

static void open_lock_file(struct hil_power *pw)
{
	struct ftdi_gpio *g = pw->drv.priv;
	char path[256];

	const char *dir = pw->drv.ctx->rack->lock_dir ? pw->drv.ctx->rack->lock_dir
		: getenv("HIL_LOCK_DIR") ? getenv("HIL_LOCK_DIR") : "/tmp";

	snprintf(path, sizeof(path), "%s/sfi-harness-ftdi-%04x-%04x-%s-%c.lock", dir, g->cfg->vid,
		 g->cfg->pid, g->cfg->serial ? g->cfg->serial : "any",
		 g->cfg->interface ? g->cfg->interface : 'A');
	g->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
}

static int ftdi_gpio_open(struct hil_driver *drv)
{
	struct hil_power *pw = hil_power_of(drv);
	struct ftdi_gpio *g = pw->drv.priv;
	int error;

	g->id = hil_power_entry(pw)->id;
	if (!(g->cfg = drv->cfg))
		return hil_error_set(HIL_ECONFIG, "[power %s] no ftdi_gpio settings", g->id);
	pthread_mutex_init(&g->lock, NULL);
	g->cbus = g->cfg->cbus;
	g->direction = used_pins(pw);
	if (g->cbus)
		g->direction &= 0x0F;
	open_lock_file(pw);
	if ((error = usb_open(pw)) < 0 || (error = glitch_free_start(pw)) < 0) {
		if (g->ftdi)
			ftdi_free(g->ftdi);
		if (g->lock_fd >= 0)
			close(g->lock_fd);
		pthread_mutex_destroy(&g->lock);
		return error;
	}
	return 0;
}

/* Leaves the lines as they are: closing must not toggle a rail either. */
static void ftdi_gpio_close(struct hil_driver *drv)
{
	struct hil_power *pw = hil_power_of(drv);
	struct ftdi_gpio *g = pw->drv.priv;

	ftdi_usb_close(g->ftdi);
	ftdi_free(g->ftdi);
	if (g->lock_fd >= 0)
		close(g->lock_fd);
	pthread_mutex_destroy(&g->lock);
}

/* After an unplug: one attempt to get the chip back, as it was. */
static int reopen(struct hil_power *pw)
{
	struct ftdi_gpio *g = pw->drv.priv;
	int error;

	ftdi_usb_close(g->ftdi);
	ftdi_free(g->ftdi);
	g->ftdi = NULL;
	if ((error = usb_open(pw)) < 0)
		return error;
	if ((error = set_mode(pw, 0x00, g->latch)) < 0 ||
	    (!g->cbus && (error = write_latch(pw, g->latch)) < 0))
		return error;
	return set_mode(pw, g->direction, g->latch);
}

static int rmw(struct hil_power *pw, uint8_t bit, bool level)
{
	struct ftdi_gpio *g = pw->drv.priv;
	uint8_t next = (uint8_t)(level ? g->latch | bit : g->latch & ~bit);
	int error = write_latch(pw, next);

	if (error < 0) {
		char first[512];
		snprintf(first, sizeof(first), "%s", hil_error_last());
		if (reopen(pw) < 0 || (error = write_latch(pw, next)) < 0)
			return hil_error_set(HIL_EHW, "%s (reopening failed: %s)", first,
					     hil_error_last());
	}
	g->latch = next;
	return 0;
}

static int ftdi_gpio_set(struct hil_power *pw, const struct hil_rack_line *line, bool on)
{
	struct ftdi_gpio *g = pw->drv.priv;
	unsigned max = g->cbus ? 4 : 8;
	bool level = on == line->active_high;
	int error;

	if (line->pin >= max)
		return hil_error_set(HIL_ECONFIG, "[power %s] pin %u does not exist in %s mode",
				     g->id, line->pin, g->cbus ? "cbus (0..3)" : "async (0..7)");
	pthread_mutex_lock(&g->lock);
	if (g->lock_fd >= 0)
		flock(g->lock_fd, LOCK_EX);
	error = rmw(pw, (uint8_t)(1u << line->pin), level);
	if (g->lock_fd >= 0)
		flock(g->lock_fd, LOCK_UN);
	pthread_mutex_unlock(&g->lock);
	return error;
}

static int ftdi_gpio_get(struct hil_power *pw, const struct hil_rack_line *line, bool *on_out)
{
	struct ftdi_gpio *g = pw->drv.priv;
	uint8_t pins = 0;
	int error;

	pthread_mutex_lock(&g->lock);
	error = read_latch(pw, &pins);
	pthread_mutex_unlock(&g->lock);
	if (error < 0)
		return error;
	*on_out = ((pins >> line->pin) & 1) == line->active_high;
	return 0;
}

/* Chip kind and interface count from bcdDevice, as libftdi's
 * ftdi_usb_open_dev() tells the chips apart. */
static const char *chip_kind(uint16_t bcd, unsigned *interfaces)
{
	static const struct { uint16_t bcd; const char *name; unsigned interfaces; } kinds[] = {
		{ 0x0200, "FT232AM", 1 }, { 0x0400, "FT232BM", 1 }, { 0x0500, "FT2232C", 2 },
		{ 0x0600, "FT232R", 1 }, { 0x0700, "FT2232H", 2 }, { 0x0800, "FT4232H", 4 },
		{ 0x0900, "FT232H", 1 }, { 0x1000, "FT230X", 1 },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (kinds[i].bcd == bcd) {
			*interfaces = kinds[i].interfaces;
			return kinds[i].name;
		}
	*interfaces = 4; /* unknown: do not refuse an interface for it */
	return "FTDI chip";
}

/* "1-4.2", the USB port path (as sfi-harness probes prints it). */
static void usb_port(libusb_device *dev, char *out, size_t size)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(dev, ports, sizeof(ports));
	size_t used = (size_t)snprintf(out, size, "%u-", libusb_get_bus_number(dev));

	for (int i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%u", i ? "." : "", ports[i]);
}

/* The doctor's look at a controller: its chip on the bus (by serial), the
 * interface on that chip, where it is, whether this user may open it.
 * Nothing is sent to the chip: libftdi reads the string descriptors only
 * (ftdi_usb_get_strings opens and closes the device, no SIO request). The
 * libftdi messages are reported as they are; there is no HIL_E code to
 * translate them into (ftdi_fail serves open instances). */
static void ftdi_gpio_inspect(const struct hil_driver_ctx *ctx, const struct hil_rack_power *entry,
			      const struct hil_health_sink *sink)
{
	const struct ftdi_gpio_cfg *cfg = entry->cfg;
	struct ftdi_context *f = ftdi_new();
	struct ftdi_device_list *list = NULL;
	const char *want = cfg && cfg->serial ? cfg->serial : NULL;
	char iface = cfg && cfg->interface ? cfg->interface : 'A';
	bool found = false, denied = false;
	int n;

	(void)ctx;
	if (!cfg || !f || (n = ftdi_usb_find_all(f, &list, (int)cfg->vid, (int)cfg->pid)) < 0) {
		hil_health_add(sink, HIL_HEALTH_FAIL, "check that libusb can read the USB bus",
			       "power %s: cannot list FTDI devices: %s", entry->id,
			       f ? ftdi_get_error_string(f) : "no libftdi context");
		goto out;
	}
	for (struct ftdi_device_list *d = list; d && !found; d = d->next) {
		char serial[64] = "", port[32];
		struct libusb_device_descriptor desc;
		unsigned interfaces;
		const char *kind;

		if (ftdi_usb_get_strings(f, d->dev, NULL, 0, NULL, 0, serial, sizeof(serial)) < 0) {
			denied = true; /* its strings cannot be read: it cannot be opened */
			continue;
		}
		if (want && strcmp(serial, want) != 0)
			continue;
		found = true;
		usb_port(d->dev, port, sizeof(port));
		kind = libusb_get_device_descriptor(d->dev, &desc) == 0
			? chip_kind(desc.bcdDevice, &interfaces) : (interfaces = 4, "FTDI chip");
		if ((unsigned)(iface - 'A') >= interfaces)
			hil_health_add(sink, HIL_HEALTH_FAIL, "pick an interface the chip has "
				       "(interface: A .. in the rack)", "power %s: FTDI %s (%s) at USB "
				       "%s has no interface %c", entry->id, serial, kind, port, iface);
		else
			hil_health_add(sink, HIL_HEALTH_OK, NULL, "power %s: FTDI %s (%s) interface %c "
				       "at USB %s", entry->id, serial, kind, iface, port);
	}
	if (!found)
		hil_health_add(sink, HIL_HEALTH_FAIL, denied
			       ? "install the udev rules of docs/lab-setup.md §2 and add this user "
				 "to plugdev (log in again)"
			       : "plug the chip in, or fix usb: {vid, pid, serial} (lsusb -v -d 0403: "
				 "| grep iSerial)",
			       "power %s: FTDI %04X:%04X %s %s", entry->id, cfg->vid, cfg->pid,
			       want ? want : "(any serial)", denied
			       ? "not readable by this user (a chip's strings could not be read)"
			       : "not on the USB bus");
out:
	ftdi_list_free(&list);
	if (f)
		ftdi_free(f);
}

const struct hil_power_ops hil_power_ftdi_gpio = {
	.drv = {
		.name = "ftdi_gpio",
		.role = HIL_ROLE_POWER,
		.priv_size = sizeof(struct ftdi_gpio),
		.keys = key_lists,
		.parse_config = ftdi_gpio_parse_config,
		.free_config = ftdi_gpio_free_config,
		.check = ftdi_gpio_check,
		.open = ftdi_gpio_open,
		.close = ftdi_gpio_close,
	},
	.set = ftdi_gpio_set,
	.get = ftdi_gpio_get,
	.inspect = ftdi_gpio_inspect,
};
