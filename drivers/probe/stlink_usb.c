/* ST-LINK discovery over libusb: VID 0x0483 with the ST-LINK V2, V2-1 and
 * V3 product ids (../shared/research/sfi.md §6.1), their serial strings,
 * and the USB port path, so a lab can tell which probe is on which board.
 *
 * Serials: probes report their serial as a string descriptor of 24
 * UTF-16 units (bLength 50), read as text. Old ST-LINK/V2 firmware (PID
 * 0x3748) has a bug: it puts the 12 raw bytes of the serial in the
 * descriptor, one per UTF-16 unit (bLength 26). Only then are the low
 * bytes printed as 24 hex digits, which is what STM32_Programmer_CLI
 * shows and takes in sn=. The rule is OpenOCD's
 * (openocd-org/openocd src/jtag/drivers/stlink_usb.c,
 * stlink_usb_get_alternate_serial(): "based on the length (0x1a = 26) we
 * could easily decide if we have to fixup the serial"; bLength 50 is the
 * "good ST-Link adapter" read as a string). Current V2 firmware reports a
 * normal string, used as it is.
 *
 * Each listing uses a fresh libusb context, so it sees the bus as it is now
 * (after a power cycle, the probe of an STM32H7B3I-DK disappears and comes
 * back). Waiting uses libusb hotplug events where libusb has them, and
 * polling otherwise; both end at the deadline. libusb codes are translated
 * in usb_fail() and nowhere else.
 */
#include "drivers/probe/probe.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_VID 0x0483

static const struct {
	uint16_t pid;
	const char *model;
} stlink_pids[] = {
	{ 0x3744, "ST-LINK/V1" },
	{ 0x3748, "ST-LINK/V2" },
	{ 0x374A, "ST-LINK/V2 (audio)" },
	{ 0x374B, "ST-LINK/V2-1" },
	{ 0x3752, "ST-LINK/V2-1 (no MSD)" },
	{ 0x374D, "STLINK-V3 (loader)" },
	{ 0x374E, "STLINK-V3E/V3MINI" },
	{ 0x374F, "STLINK-V3SET" },
	{ 0x3753, "STLINK-V3 (2 VCP)" },
	{ 0x3754, "STLINK-V3MINIE (no MSD)" },
	{ 0x3755, "STLINK-V3PWR (loader)" },
	{ 0x3757, "STLINK-V3PWR" },
};

const char *hil_stlink_model(uint16_t pid)
{
	for (size_t i = 0; i < sizeof(stlink_pids) / sizeof(*stlink_pids); i++)
		if (stlink_pids[i].pid == pid)
			return stlink_pids[i].model;
	return NULL;
}

static int usb_fail(int rc, const char *what)
{
	int code = HIL_EHW;

	if (rc == LIBUSB_ERROR_ACCESS)
		code = HIL_EACCES;
	else if (rc == LIBUSB_ERROR_NO_DEVICE || rc == LIBUSB_ERROR_NOT_FOUND)
		code = HIL_ENOTFOUND;
	else if (rc == LIBUSB_ERROR_BUSY)
		code = HIL_EBUSY;
	else if (rc == LIBUSB_ERROR_TIMEOUT)
		code = HIL_ETIMEOUT;
	else if (rc == LIBUSB_ERROR_NO_MEM)
		code = HIL_ENOMEM;
	return hil_error_set(code, "libusb: %s: %s (%s)%s", what, libusb_strerror(rc),
			     libusb_error_name(rc),
			     code == HIL_EACCES ? "; install the udev rules of docs/lab-setup.md" : "");
}

static int stlink_open(struct hil_driver *drv)
{
	(void)drv;
	return 0;
}

static void stlink_close(struct hil_driver *drv)
{
	(void)drv;
}

/* The LANGID of string descriptor zero, as OpenOCD reads it; 0x0409 when
 * the device gives none. */
static uint16_t langid(libusb_device_handle *h)
{
	unsigned char d[8];
	int n = libusb_get_string_descriptor(h, 0, 0, d, sizeof(d));

	return n >= 4 ? (uint16_t)(d[2] | d[3] << 8) : 0x0409;
}

/* The old ST-LINK/V2 firmware's descriptor (see the top of the file): the
 * low byte of each of its 12 UTF-16 units, as hex. False when the
 * descriptor is not that one (bLength other than 26), so the caller reads
 * it as the string it is. */
static bool binary_serial(libusb_device_handle *h, uint8_t index, char *out, size_t size)
{
	unsigned char desc[64];
	struct hil_strbuf b = HIL_STRBUF_INIT;
	int n = libusb_get_string_descriptor(h, index, langid(h), desc, sizeof(desc));

	if (n < 26 || desc[0] != 26 || desc[1] != LIBUSB_DT_STRING)
		return false;
	for (int i = 2; i < 26; i += 2)
		hil_strbuf_printf(&b, "%02X", desc[i]);
	hil_copy_str(out, size, hil_strbuf_str(&b));
	hil_strbuf_free(&b);
	return true;
}

static void read_serial(libusb_device *dev, const struct libusb_device_descriptor *d,
			struct hil_probe_info *info)
{
	libusb_device_handle *h = NULL;
	unsigned char s[128];
	int rc;

	if ((rc = libusb_open(dev, &h)) < 0) {
		usb_fail(rc, "open");
		snprintf(info->serial, sizeof(info->serial), "?(%s)", libusb_error_name(rc));
		return;
	}
	if (d->idProduct == 0x3748 && binary_serial(h, d->iSerialNumber, info->serial,
						       sizeof(info->serial))) {
		/* the old V2 firmware's raw bytes, now hex */
	} else if ((rc = libusb_get_string_descriptor_ascii(h, d->iSerialNumber, s, sizeof(s))) > 0) {
		hil_copy_str(info->serial, sizeof(info->serial), (const char *)s);
	} else {
		usb_fail(rc, "read serial");
		snprintf(info->serial, sizeof(info->serial), "?(%s)", libusb_error_name(rc));
	}
	libusb_close(h);
}

static void port_path(libusb_device *dev, char *out, size_t size)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(dev, ports, sizeof(ports));
	size_t used = (size_t)snprintf(out, size, "%u-", libusb_get_bus_number(dev));

	for (int i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%u", i ? "." : "", ports[i]);
}

static int usb_list(struct hil_probe_info **list_out, size_t *count_out)
{
	libusb_context *ctx = NULL;
	libusb_device **devs = NULL;
	struct hil_probe_info *list = NULL;
	size_t n = 0;
	ssize_t count;
	int rc;

	*list_out = NULL;
	*count_out = 0;
	if ((rc = libusb_init(&ctx)) < 0)
		return usb_fail(rc, "init");
	if ((count = libusb_get_device_list(ctx, &devs)) < 0) {
		rc = usb_fail((int)count, "list devices");
		libusb_exit(ctx);
		return rc;
	}
	for (ssize_t i = 0; i < count; i++) {
		struct libusb_device_descriptor d;
		const char *model;

		if (libusb_get_device_descriptor(devs[i], &d) < 0 || d.idVendor != ST_VID ||
		    !(model = hil_stlink_model(d.idProduct)))
			continue;
		list = hil_xrealloc(list, (n + 1) * sizeof(*list));
		memset(&list[n], 0, sizeof(*list));
		list[n].vid = d.idVendor;
		list[n].pid = d.idProduct;
		hil_copy_str(list[n].product, sizeof(list[n].product), model);
		read_serial(devs[i], &d, &list[n]);
		port_path(devs[i], list[n].port_path, sizeof(list[n].port_path));
		n++;
	}
	libusb_free_device_list(devs, 1);
	libusb_exit(ctx);
	*list_out = list;
	*count_out = n;
	return 0;
}

static int stlink_list(struct hil_probe *p, struct hil_probe_info **list_out, size_t *count_out)
{
	(void)p;
	return usb_list(list_out, count_out);
}

static bool listed(const char *serial)
{
	struct hil_probe_info *list = NULL;
	size_t n = 0;
	bool found = false;

	if (usb_list(&list, &n) == 0)
		for (size_t i = 0; i < n; i++)
			found = found || !strcmp(list[i].serial, serial);
	free(list);
	return found;
}

static int LIBUSB_CALL on_arrival(libusb_context *ctx, libusb_device *dev,
				  libusb_hotplug_event event, void *user)
{
	(void)ctx;
	(void)dev;
	(void)event;
	*(bool *)user = true;
	return 0;
}

/* Hotplug events (where libusb has them) wake the wait early; a listing
 * every 250 ms covers systems without them and missed events. */
static int stlink_wait(struct hil_probe *p, const char *serial, unsigned timeout_ms)
{
	double deadline = hil_clock_real_ms() + timeout_ms;
	libusb_context *ctx = NULL;
	libusb_hotplug_callback_handle cb;
	bool hotplug = false, arrived = false;

	(void)p;
	if (libusb_init(&ctx) == 0 && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, 0, ST_VID,
					     LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
					     on_arrival, &arrived, &cb) == 0)
		hotplug = true;
	for (;;) {
		if (listed(serial))
			break;
		double left = deadline - hil_clock_real_ms();
		if (left <= 0) {
			if (ctx)
				libusb_exit(ctx);
			return hil_error_set(HIL_ETIMEOUT, "ST-LINK %s not seen after %u ms", serial,
					     timeout_ms);
		}
		unsigned slice = left < 250 ? (unsigned)left : 250;
		if (hotplug) {
			struct timeval tv = { 0, (long)slice * 1000 };
			arrived = false;
			libusb_handle_events_timeout_completed(ctx, &tv, NULL);
		} else {
			struct timespec ts = { 0, (long)slice * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (ctx)
		libusb_exit(ctx);
	return 0;
}

const struct hil_probe_ops hil_probe_stlink_usb = {
	.drv = {
		.name = "stlink_usb",
		.role = HIL_ROLE_PROBE,
		.priv_size = 0,
		.open = stlink_open,
		.close = stlink_close,
	},
	.list = stlink_list,
	.wait = stlink_wait,
};
