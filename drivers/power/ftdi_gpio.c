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
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftdi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct ftdi_gpio {
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
			     hil_power_entry(pw)->id, hil_power_entry(pw)->usb_vid, hil_power_entry(pw)->usb_pid,
			     hil_power_entry(pw)->usb_serial ? hil_power_entry(pw)->usb_serial : "(any)", what, text, rc);
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
	const struct hil_rack_power *cfg = hil_power_entry(pw);
	int rc;

	if (!(g->ftdi = ftdi_new()))
		return hil_error_set(HIL_ENOMEM, "[power %s] ftdi_new failed", cfg->id);
	if (cfg->interface &&
	    (rc = ftdi_set_interface(g->ftdi, (enum ftdi_interface)(INTERFACE_A + cfg->interface - 'A'))) < 0)
		return ftdi_fail(pw, rc, "select interface");
	if ((rc = ftdi_usb_open_desc(g->ftdi, (int)cfg->usb_vid, (int)cfg->usb_pid, NULL,
				     cfg->usb_serial)) < 0)
		return ftdi_fail(pw, rc, "open");
	return 0;
}

/* The glitch-free start sequence described at the top of the file. */
static int glitch_free_start(struct hil_power *pw)
{
	struct ftdi_gpio *g = pw->drv.priv;
	uint8_t now = 0, idle = (uint8_t)hil_power_entry(pw)->idle;
	int error;

	if ((error = read_latch(pw, &now)) < 0)
		return error;
	g->latch = (uint8_t)((now & g->direction) | (hil_power_entry(pw)->has_idle ? idle & ~g->direction
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

	snprintf(path, sizeof(path), "%s/sfi-harness-ftdi-%04x-%04x-%s-%c.lock", dir, hil_power_entry(pw)->usb_vid,
		 hil_power_entry(pw)->usb_pid, hil_power_entry(pw)->usb_serial ? hil_power_entry(pw)->usb_serial : "any",
		 hil_power_entry(pw)->interface ? hil_power_entry(pw)->interface : 'A');
	g->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
}

static int ftdi_gpio_open(struct hil_driver *drv)
{
	struct hil_power *pw = hil_power_of(drv);
	struct ftdi_gpio *g = pw->drv.priv;
	int error;

	pthread_mutex_init(&g->lock, NULL);
	g->cbus = hil_power_entry(pw)->cbus;
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
				     hil_power_entry(pw)->id, line->pin, g->cbus ? "cbus (0..3)" : "async (0..7)");
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

const struct hil_power_ops hil_power_ftdi_gpio = {
	.drv = {
		.name = "ftdi_gpio",
		.role = HIL_ROLE_POWER,
		.priv_size = sizeof(struct ftdi_gpio),
		.open = ftdi_gpio_open,
		.close = ftdi_gpio_close,
	},
	.set = ftdi_gpio_set,
	.get = ftdi_gpio_get,
};
