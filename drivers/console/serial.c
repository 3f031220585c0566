/* Serial console (termios): the ST-LINK virtual COM port or any UART
 * adapter, in raw mode at the rack's baud rate. Reads wait with poll() and
 * a deadline; nothing blocks forever. */
#include "drivers/console/console.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct serial {
	int fd;
	char device[256];           /* for messages */
};

static const struct {
	unsigned baud;
	speed_t speed;
} speeds[] = {
	{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
	{ 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 }, { 1000000, B1000000 }, { 2000000, B2000000 },
	{ 3000000, B3000000 }, { 4000000, B4000000 },
};

/* The console's settings in the rack: `device` (required) and `baud`. */
struct serial_cfg {
	char *device;
	unsigned baud;
};

static void serial_parse_config(struct hil_ycheck *c, const struct hil_ynode *entry,
				void **cfg_out)
{
	struct serial_cfg *cfg = hil_xcalloc(1, sizeof(*cfg));
	const struct hil_ynode *v;
	unsigned long baud = 115200;

	*cfg_out = cfg;
	if ((v = hil_ymap_get(entry, "device")))
		hil_ycheck_str(c, v, "console device", &cfg->device);
	else
		hil_ycheck_error(c, entry, "missing field 'device' in console (required unless "
				 "driver: sim)");
	if ((v = hil_ymap_get(entry, "baud")))
		hil_ycheck_uint(c, v, "baud", 300, 12000000, &baud);
	cfg->baud = (unsigned)baud;
}

static void serial_free_config(void *p)
{
	struct serial_cfg *cfg = p;

	if (cfg)
		free(cfg->device);
	free(cfg);
}

static int serial_open(struct hil_driver *drv)
{
	struct serial *s = drv->priv;
	const struct serial_cfg *cfg = drv->cfg;
	const char *name = hil_console_board(hil_console_of(drv))->name;
	const char *dev = cfg ? cfg->device : NULL;
	struct termios tio;
	speed_t speed = 0;

	if (!dev)
		return hil_error_set(HIL_ECONFIG, "[%s] console: no device", name);
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (speeds[i].baud == cfg->baud)
			speed = speeds[i].speed;
	if (!speed)
		return hil_error_set(HIL_ECONFIG, "[%s] console: %u baud is not a standard rate",
				     name, cfg->baud);
	snprintf(s->device, sizeof(s->device), "%s", dev);
	if ((s->fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return hil_error_set(errno == EACCES ? HIL_EACCES : HIL_ENOTFOUND,
				     "[%s] console %s: %s", name, dev, strerror(errno));
	if (tcgetattr(s->fd, &tio) != 0) {
		int e = errno;
		close(s->fd);
		return hil_error_set(HIL_EHW, "[%s] console %s is not a tty: %s", name, dev,
				     strerror(e));
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, speed);
	cfsetospeed(&tio, speed);
	if (tcsetattr(s->fd, TCSANOW, &tio) != 0) {
		int e = errno;
		close(s->fd);
		return hil_error_set(HIL_EHW, "[%s] console %s: cannot set %u baud raw: %s",
				     name, dev, cfg->baud, strerror(e));
	}
	tcflush(s->fd, TCIFLUSH);
	return 0;
}

static void serial_close(struct hil_driver *drv)
{
	struct hil_console *c = hil_console_of(drv);
	struct serial *s = c->drv.priv;

	close(s->fd);
}

static int serial_read(struct hil_console *c, char *buf, size_t size, unsigned timeout_ms,
		       size_t *got_out)
{
	struct serial *s = c->drv.priv;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int rc;

	*got_out = 0;
	do
		rc = poll(&p, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return hil_error_set(HIL_EIO, "[%s] console: %s", hil_console_board(c)->name,
				     strerror(errno));
	/* An unplugged adapter (or a DK's ST-LINK VCP at power-off) hangs the
	 * line up: poll reports POLLHUP/POLLERR at once, for ever. That is the
	 * harness's console gone, an infrastructure error, not a board that
	 * printed nothing (and never a loop of empty reads). */
	if (rc > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p.revents & POLLIN))
		return hil_error_set(HIL_EIO, "[%s] console %s hung up (unplugged?)",
				     hil_console_board(c)->name, s->device);
	if (rc == 0 || !(p.revents & POLLIN))
		return 0;
	n = read(s->fd, buf, size);
	if (n == 0)
		return hil_error_set(HIL_EIO, "[%s] console %s hung up (end of file)",
				     hil_console_board(c)->name, s->device);
	if (n < 0 && errno != EAGAIN)
		return hil_error_set(HIL_EIO, "[%s] console read: %s", hil_console_board(c)->name,
				     strerror(errno));
	*got_out = n > 0 ? (size_t)n : 0;
	return 0;
}

/* The node is there, a terminal, and this user may read and write it.
 * Not opened: opening a tty raises DTR and RTS, which some boards wire to
 * their reset. */
static void serial_inspect(const struct hil_driver_ctx *ctx, const struct hil_rack_board *b,
			   const struct hil_health_sink *sink)
{
	const struct serial_cfg *cfg = b->console_cfg;
	const char *dev = cfg && cfg->device ? cfg->device : "(none)";
	struct stat st;

	(void)ctx;
	if (stat(dev, &st) != 0)
		hil_health_add(sink, HIL_HEALTH_FAIL, "plug in the adapter, power the board on (a "
			       "DK's ST-LINK VCP exists only while the kit is powered: sfi-harness "
			       "power BOARD on), or fix console.device in the rack",
			       "console of %s: %s: %s", b->name, dev, strerror(errno));
	else if (!S_ISCHR(st.st_mode))
		hil_health_add(sink, HIL_HEALTH_FAIL, "console.device must name a serial port "
			       "(/dev/serial/by-id/...)", "console of %s: %s is not a terminal",
			       b->name, dev);
	else if (access(dev, R_OK | W_OK) != 0)
		hil_health_add(sink, HIL_HEALTH_FAIL, "install the udev rules of docs/lab-setup.md "
			       "§2 and add this user to the dialout group (log in again)",
			       "console of %s: %s: %s for this user", b->name, dev, strerror(errno));
	else
		hil_health_add(sink, HIL_HEALTH_OK, NULL, "console of %s: %s", b->name, dev);
}

/* A hung-up tty polls POLLHUP (or POLLERR, POLLNVAL) for ever; one that
 * still has unread bytes is alive until they are read. */
static bool serial_alive(struct hil_console *c)
{
	struct serial *s = c->drv.priv;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };

	return !(poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) &&
		 !(p.revents & POLLIN));
}

const struct hil_console_ops hil_console_serial = {
	.drv = {
		.name = "serial",
		.role = HIL_ROLE_CONSOLE,
		.priv_size = sizeof(struct serial),
		.parse_config = serial_parse_config,
		.free_config = serial_free_config,
		.open = serial_open,
		.close = serial_close,
	},
	.read = serial_read,
	.inspect = serial_inspect,
	.alive = serial_alive,
};
