/* Probe role: find debug probes (ST-LINKs) and wait for one to appear.
 *
 * Lifecycle as for every role (drivers/driver.h): the core allocates the
 * instance and priv_size bytes, calls open(), and calls close() iff open()
 * returned 0.
 */
#ifndef HIL_DRIVERS_PROBE_PROBE_H
#define HIL_DRIVERS_PROBE_PROBE_H

#include "drivers/driver.h"

#include <stddef.h>
#include <stdint.h>

struct hil_probe_info {
	char serial[64];
	char product[32];     /* "STLINK-V3SET" */
	char firmware[32];    /* "V3J9M3B5S1", "" when unknown */
	uint16_t vid, pid;
	char port_path[32];   /* "1-2.3", "" when unknown */
};

/* A probe instance is a driver (one per rack; drv.entry is NULL). */
struct hil_probe {
	struct hil_driver drv;
};

struct hil_probe_ops {
	struct hil_driver_ops drv;         /* name, priv_size, open, close */
	/* Lists the probes present now. *list_out: free() it. */
	int (*list)(struct hil_probe *p, struct hil_probe_info **list_out, size_t *count_out);
	/* Optional: waits until @serial is listed, at most @timeout_ms (real
	 * time); HIL_ETIMEOUT then. Without it the core polls list(). */
	int (*wait)(struct hil_probe *p, const char *serial, unsigned timeout_ms);
};

static inline struct hil_probe *hil_probe_of(struct hil_driver *drv)
{
	return (struct hil_probe *)drv; /* drv is its first member */
}

static inline const struct hil_probe_ops *hil_probe_ops(const struct hil_probe *p)
{
	return (const struct hil_probe_ops *)p->drv.ops; /* drv is its first member */
}

static inline int hil_probe_list(struct hil_probe *p, struct hil_probe_info **list_out,
				 size_t *count_out)
{
	return hil_probe_ops(p)->list(p, list_out, count_out);
}

extern const struct hil_probe_ops hil_probe_sim;
extern const struct hil_probe_ops hil_probe_stlink_usb;

/* The model name of an ST-LINK product id, NULL when it is not one. */
const char *hil_stlink_model(uint16_t pid);

int hil_probe_open(struct hil_probe **out, const struct hil_driver_ctx *ctx, const char *driver);
void hil_probe_close(struct hil_probe *p);

/* Waits until a probe with @serial is listed. Polls every 50 ms (of
 * harness time) until @timeout_ms has passed: then HIL_ETIMEOUT. */
int hil_probe_wait(struct hil_probe *p, const char *serial, unsigned timeout_ms);

#endif
