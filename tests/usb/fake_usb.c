/* Emulated USB devices; see fake_usb.h. Based on the working model of
 * ../shared/research/deps.md §3.4, extended with an event log, raw serial
 * descriptors and unplugging. */
#include "fake_usb.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

struct pending {
	UMockdevIoctlData *urb, *buf;
};

struct handler_ctx {
	struct fake_dev *dev;
	GQueue q;
	GMutex qlock;
	gulong latency_us;          /* FAKE_USB_LATENCY_US: a slow device (or a loaded machine) */
};

static void log_event(struct fake_dev *d, enum fake_event_kind kind, uint8_t a, uint8_t b)
{
	if (d->n_events < sizeof(d->events) / sizeof(*d->events))
		d->events[d->n_events++] = (struct fake_event){ kind, a, b, d->pins };
}

static int string_desc(struct fake_dev *d, uint8_t idx, uint8_t *out, int max)
{
	uint8_t desc[64];
	int len;

	if (idx == 0) {
		static const uint8_t langs[] = { 4, 3, 0x09, 0x04 };
		len = 4;
		memcpy(desc, langs, 4);
	} else if (idx == 3 && d->raw_serial) {
		len = 2 + 24;
		for (int i = 0; i < 12; i++) {
			desc[2 + 2 * i] = d->raw_serial[i];
			desc[3 + 2 * i] = 0;
		}
	} else {
		const char *s = idx < 4 ? d->strings[idx] : NULL;
		if (!s)
			return -EPIPE; /* STALL */
		len = 2 + 2 * (int)strlen(s);
		for (size_t i = 0; s[i] && 2 + 2 * i + 1 < sizeof(desc); i++) {
			desc[2 + 2 * i] = (uint8_t)s[i];
			desc[3 + 2 * i] = 0;
		}
	}
	desc[0] = (uint8_t)len;
	desc[1] = 3;
	if (len > max)
		len = max;
	memcpy(out, desc, (size_t)len);
	return len;
}

static void control_in(struct fake_dev *d, struct usbdevfs_urb *u, uint8_t *b)
{
	uint8_t rt = b[0], rq = b[1];
	uint16_t wv = (uint16_t)(b[2] | b[3] << 8), wl = (uint16_t)(b[6] | b[7] << 8);
	uint8_t *data = b + 8;
	int n = -EPIPE;

	if (rt == 0x80 && rq == 6 && (wv >> 8) == 3) {
		n = string_desc(d, wv & 0xff, data, wl);
	} else if (rt == 0xC0 && rq == 0x0C && wl >= 1) { /* SIO_READ_PINS */
		data[0] = d->pins;
		log_event(d, FAKE_READ_PINS, d->pins, 0);
		n = 1;
	} else if (rt == 0xC0 && rq == 0x0A && wl >= 1) { /* GET_LATENCY */
		data[0] = 16;
		n = 1;
	}
	if (n < 0)
		u->status = n;
	else
		u->actual_length = n;
}

/* Runs the device model for one URB. */
static void complete_urb(struct fake_dev *d, struct usbdevfs_urb *u, uint8_t *b)
{
	g_mutex_lock(&d->lock);
	u->status = 0;
	u->actual_length = 0;
	if (d->unplugged) {
		u->status = -ENODEV;
	} else if (u->type == USBDEVFS_URB_TYPE_CONTROL && (b[0] & 0x80)) {
		control_in(d, u, b);
	} else if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
		if (b[0] == 0x40 && b[1] == 0x0B) { /* SIO_SET_BITMODE */
			d->bitmode = b[3];
			d->direction = b[2];
			/* pins that become outputs are driven at the latch */
			d->pins = (uint8_t)((d->pins & ~d->direction) | (d->latch & d->direction));
			log_event(d, FAKE_SET_BITMODE, b[2], b[3]);
		}
	} else if (u->type == USBDEVFS_URB_TYPE_BULK && !(u->endpoint & 0x80)) {
		for (int i = 0; i < u->buffer_length; i++) {
			/* the latch takes the byte; only output pins follow it */
			d->latch = b[i];
			d->pins = (uint8_t)((d->pins & ~d->direction) | (b[i] & d->direction));
			log_event(d, FAKE_WRITE, b[i], 0);
		}
		u->actual_length = u->buffer_length;
	} else if (u->type == USBDEVFS_URB_TYPE_BULK && u->buffer_length >= 2) {
		b[0] = 0x01; /* FTDI modem status, no data */
		b[1] = 0x60;
		u->actual_length = 2;
	} else {
		u->status = -EPIPE;
	}
	g_mutex_unlock(&d->lock);
}

static gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user)
{
	struct handler_ctx *h = user;
	gulong req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	GError *err = NULL;

	(void)base;
	if (h->latency_us)
		g_usleep(h->latency_us);
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), &err);
		*(uint32_t *)d->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
				       USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		umockdev_ioctl_client_complete(client, 0, 0);
		g_object_unref(d);
		return TRUE;
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION: {
		g_mutex_lock(&h->dev->lock);
		bool gone = h->dev->unplugged;
		g_mutex_unlock(&h->dev->lock);
		if (gone)
			umockdev_ioctl_client_complete(client, -1, ENODEV);
		else
			umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	}
	case USBDEVFS_GETDRIVER:
	case USBDEVFS_IOCTL: /* no kernel driver bound: detach -> not found */
		umockdev_ioctl_client_complete(client, -1, ENODATA);
		return TRUE;
	case USBDEVFS_SUBMITURB: {
		UMockdevIoctlData *ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
		struct usbdevfs_urb *u = (struct usbdevfs_urb *)ud->data;
		UMockdevIoctlData *bd = umockdev_ioctl_data_resolve(ud, offsetof(struct usbdevfs_urb, buffer),
								     (gsize)u->buffer_length, &err);
		struct pending *p = g_new(struct pending, 1);
		p->urb = ud;
		p->buf = bd;
		g_mutex_lock(&h->qlock);
		g_queue_push_tail(&h->q, p);
		g_mutex_unlock(&h->qlock);
		umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		g_mutex_lock(&h->qlock);
		struct pending *p = g_queue_pop_head(&h->q);
		g_mutex_unlock(&h->qlock);
		if (!p) {
			umockdev_ioctl_client_complete(client, -1, EAGAIN);
			return TRUE;
		}
		complete_urb(h->dev, (struct usbdevfs_urb *)p->urb->data, p->buf->data);
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &err);
		umockdev_ioctl_data_set_ptr(d, 0, p->urb);
		umockdev_ioctl_client_complete(client, 0, 0);
		g_object_unref(d);
		g_object_unref(p->buf);
		g_object_unref(p->urb);
		g_free(p);
		return TRUE;
	}
	default:
		g_mutex_lock(&h->dev->lock);
		h->dev->unknown_ioctls++;
		g_mutex_unlock(&h->dev->lock);
		umockdev_ioctl_client_complete(client, -1, ENOTTY);
		return TRUE;
	}
}

static void free_ctx(gpointer data, GClosure *closure)
{
	(void)closure;
	g_free(data);
}

static UMockdevIoctlBase *handler_new(struct fake_dev *dev)
{
	UMockdevIoctlBase *b = umockdev_ioctl_base_new();
	struct handler_ctx *h = g_new0(struct handler_ctx, 1);
	const char *lat = getenv("FAKE_USB_LATENCY_US");

	h->dev = dev;
	h->latency_us = lat ? strtoul(lat, NULL, 10) : 0;
	g_queue_init(&h->q);
	g_mutex_init(&h->qlock);
	g_signal_connect_data(b, "handle-ioctl", G_CALLBACK(on_ioctl), h, free_ctx, 0);
	return b;
}

/* Device descriptor + one configuration with one vendor interface and a
 * bulk IN/OUT endpoint pair, as hex. */
static void descriptors(const struct fake_dev *d, char *out, size_t size)
{
	bool ftdi = d->vid == 0x0403;

	snprintf(out, size,
		 "12010002%s0140%02X%02X%02X%02X%02X%02X010203010902200001010080FA0904000002FFFFFF"
		 "%02X0705810200020007050%c02000200",
		 ftdi ? "0000" : "EF02", d->vid & 0xff, d->vid >> 8, d->pid & 0xff, d->pid >> 8,
		 d->bcd & 0xff, d->bcd >> 8, ftdi ? 2 : 4, ftdi ? '2' : '1');
}

void fake_usb_add(UMockdevTestbed *tb, struct fake_dev *dev, unsigned devnum)
{
	char desc[256], text[2048];
	GError *err = NULL;

	g_mutex_init(&dev->lock);
	dev->devnum = devnum;
	snprintf(dev->syspath, sizeof(dev->syspath), "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u",
		 devnum);
	snprintf(dev->devnode, sizeof(dev->devnode), "/dev/bus/usb/001/%03u", devnum);
	descriptors(dev, desc, sizeof(desc));
	snprintf(text, sizeof(text),
		 "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
		 "N: bus/usb/001/%03u=%s\n"
		 "E: BUSNUM=001\nE: DEVNUM=%03u\nE: DEVNAME=/dev/bus/usb/001/%03u\n"
		 "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: MAJOR=189\nE: MINOR=%u\n"
		 "E: PRODUCT=%x/%x/%x\nE: SUBSYSTEM=usb\n"
		 "A: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\nA: bNumInterfaces= 1\\n\n"
		 "A: busnum=1\\n\nA: devnum=%u\\n\nA: devpath=%u\\n\n"
		 "A: idProduct=%04x\\n\nA: idVendor=%04x\\n\nA: speed=480\\n\n"
		 "H: descriptors=%s\n",
		 devnum, devnum, desc, devnum, devnum, devnum, dev->vid, dev->pid, dev->bcd, devnum,
		 devnum, dev->pid, dev->vid, desc);
	/* The model listens before the device exists: a listing running in
	 * another thread (a wait during a replug) must never see the device
	 * without its ioctl socket. umockdev binds that socket and only then
	 * listens; a libusb_open in between makes the preload exit(1)
	 * ("Failed to connect to ioctl socket"), and an open before the socket
	 * exists talks to a plain file. */
	UMockdevIoctlBase *h = handler_new(dev);
	g_assert_true(umockdev_testbed_attach_ioctl(tb, dev->devnode, h, &err));
	g_object_unref(h);
	g_assert_true(umockdev_testbed_add_from_string(tb, text, &err));
	umockdev_testbed_uevent(tb, dev->syspath, "add");
}

void fake_usb_remove(UMockdevTestbed *tb, struct fake_dev *dev)
{
	GError *err = NULL;

	/* the mirror image of fake_usb_add: the device leaves sysfs before its
	 * model stops listening, so a listing in another thread never opens a
	 * node whose socket is gone */
	umockdev_testbed_uevent(tb, dev->syspath, "remove");
	umockdev_testbed_remove_device(tb, dev->syspath);
	umockdev_testbed_detach_ioctl(tb, dev->devnode, &err);
}

void fake_usb_clear(struct fake_dev *dev)
{
	g_mutex_lock(&dev->lock);
	dev->n_events = 0;
	g_mutex_unlock(&dev->lock);
}

void fake_usb_state(struct fake_dev *dev, struct fake_state *out)
{
	g_mutex_lock(&dev->lock);
	out->pins = dev->pins;
	out->n_events = dev->n_events;
	memcpy(out->events, dev->events, sizeof(out->events));
	out->unknown_ioctls = dev->unknown_ioctls;
	g_mutex_unlock(&dev->lock);
}

void fake_usb_set_unplugged(struct fake_dev *dev, bool unplugged)
{
	g_mutex_lock(&dev->lock);
	dev->unplugged = unplugged;
	g_mutex_unlock(&dev->lock);
}
