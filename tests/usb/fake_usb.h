/* Emulated USB devices for the real libusb/libftdi code paths, on top of
 * umockdev's in-process ioctl handler (../shared/research/deps.md §3.4).
 * Test-only: run under umockdev-wrapper (LD_PRELOAD). The models record
 * what crosses the wire so tests can assert the exact bytes, in order.
 *
 * FAKE_USB_LATENCY_US=N makes every ioctl the models answer take N µs more:
 * a slow device, or a loaded machine, for the runs of docs/reliability.md
 * "Tests under load". No test may depend on the models being fast. */
#ifndef HIL_TESTS_FAKE_USB_H
#define HIL_TESTS_FAKE_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

#define FAKE_MAX_EVENTS 256

enum fake_event_kind {
	FAKE_SET_BITMODE,   /* a = direction mask, b = mode */
	FAKE_WRITE,         /* a = byte written */
	FAKE_READ_PINS,     /* a = value answered */
};

struct fake_event {
	enum fake_event_kind kind;
	uint8_t a, b;
	uint8_t pins_after;         /* the levels on the pins once it was done */
};

struct fake_dev {
	GMutex lock;                /* guards everything below once added */
	/* identity */
	uint16_t vid, pid, bcd;
	const char *strings[4];     /* 1 manufacturer, 2 product, 3 serial */
	const uint8_t *raw_serial;  /* ST-LINK/V2: 12 binary bytes instead of text */
	/* FTDI model */
	uint8_t bitmode, direction, pins, latch;
	struct fake_event events[FAKE_MAX_EVENTS];
	size_t n_events;
	bool unplugged;             /* every transfer fails with ENODEV */
	unsigned unknown_ioctls;
	/* where it sits */
	unsigned devnum;
	char syspath[128];
	char devnode[64];
};

/* Adds @dev to @tb at bus 1, port @devnum, and attaches its model. */
void fake_usb_add(UMockdevTestbed *tb, struct fake_dev *dev, unsigned devnum);

/* Removes it (as an unplug or a power cut would), with a "remove" uevent. */
void fake_usb_remove(UMockdevTestbed *tb, struct fake_dev *dev);

/* Clears the event log. */
void fake_usb_clear(struct fake_dev *dev);

/* The model runs on umockdev's handler thread: the test thread reads and
 * changes its state only through these, under the model's lock. */
struct fake_state {
	uint8_t pins;
	struct fake_event events[FAKE_MAX_EVENTS];
	size_t n_events;
	unsigned unknown_ioctls;
};

void fake_usb_state(struct fake_dev *dev, struct fake_state *out);

/* Every transfer (and claim, reset, ...) fails with ENODEV while set. */
void fake_usb_set_unplugged(struct fake_dev *dev, bool unplugged);

#endif
