/* What every driver instance is and gets, whatever its role: the part of
 * the ops every backend fills (name, priv_size, its rack settings, open,
 * close), the instance the core allocates for it, and the context it runs
 * in (the rack, the run's seed and simulated world). The four role contracts
 * (drivers/<role>/<role>.h) extend these; one generic open/close
 * (drivers/instance.c) serves them all.
 *
 * Lifecycle, for every role: the core allocates the instance and priv_size
 * bytes of zeroed backend state, then calls open(); close() is called if
 * and only if open() returned 0, and the core frees both afterwards.
 * Backends never free the instance. Optional operations are NULL.
 *
 * Configuration: a backend owns its settings in the rack. The rack loader
 * (through drivers/registry.c) hands it its entry; parse_config() reads
 * the keys it takes into a struct of its own, which the rack keeps,
 * opaque, and every instance of the backend gets as drv->cfg. check() then
 * looks across the whole rack once it parsed cleanly.
 *
 * One context serves one run (or one CLI command); two contexts never
 * share simulated state. */
#ifndef HIL_DRIVERS_DRIVER_H
#define HIL_DRIVERS_DRIVER_H

#include "harness/config/rack.h"

#include <stddef.h>
#include <stdint.h>

struct hil_diag;
struct hil_driver;
struct hil_sim_world;
struct hil_ycheck;
struct hil_ynode;

/* A run's context: made by hil_driver_ctx_init(), borrowed by every
 * instance of the run. Real backends need only rack and seed. */
struct hil_driver_ctx {
	const struct hil_rack *rack;
	uint64_t seed;            /* for simulated randomness: same seed, same run */
	/* Where the simulated boards keep their state, so a stand-in tool in
	 * another process sees the same boards; NULL: in memory. Owned. */
	char *sim_state_dir;
	struct hil_sim_world *sim; /* the rack's simulated boards; owned */
};

/* The first member of every role's ops struct (struct hil_power_ops, ...). */
struct hil_driver_ops {
	const char *name;             /* `driver:` in the rack */
	enum hil_role role;
	size_t priv_size;             /* bytes of backend state the core allocates */
	/* NULL-ended lists (NULL-ended) of the keys and values its entry
	 * takes; docs/racks.md names each (tests check). Optional. */
	const char *const *const *keys;

	/* Optional: reads the backend's settings in @entry (its `power:` item,
	 * the `programmer:` or `probe:` map, a board's `console:` map; the
	 * core has read `driver` and the other common keys). Problems go to @c
	 * with their file:line:col and make the rack invalid. *cfg_out: the
	 * settings (NULL when none), freed with free_config(). */
	void (*parse_config)(struct hil_ycheck *c, const struct hil_ynode *entry, void **cfg_out);
	void (*free_config)(void *cfg);
	/* Optional: checks across the rack's entries, once it parsed cleanly;
	 * run once per rack that uses the backend. Adds diagnostics to @diag
	 * and returns HIL_ECONFIG when something is wrong, else 0. */
	int (*check)(const struct hil_rack *rack, struct hil_diag *diag);
	/* Optional: what must hold on this host before a campaign uses the
	 * backend with settings @cfg (the tool it runs exists and may be run),
	 * checked by the one pre-flight of check, --dry-run and run, before
	 * any board is touched. Adds diagnostics; HIL_ECONFIG when not ready. */
	int (*ready)(const struct hil_rack *rack, const void *cfg, struct hil_diag *diag);

	int (*open)(struct hil_driver *drv);
	void (*close)(struct hil_driver *drv);
};

/* The first member of every role's instance (struct hil_power, ...). */
struct hil_driver {
	const struct hil_driver_ops *ops;
	const struct hil_driver_ctx *ctx;
	void *priv;                   /* priv_size bytes, owned by the core; NULL when 0 */
	/* The rack entry this instance serves, borrowed: a struct
	 * hil_rack_power (power), a struct hil_rack_board (console), NULL for
	 * the rack-wide probe and programmer. */
	const void *entry;
	const void *cfg;              /* the backend's settings (parse_config), borrowed */
};

/* One finding of `sfi-harness doctor` about the rack's hardware on this
 * host (harness/cli/cli_doctor.c): how it stands, what was seen, and what
 * to do when it is not ok. */
enum hil_health_level { HIL_HEALTH_OK, HIL_HEALTH_WARN, HIL_HEALTH_FAIL };

struct hil_health {
	enum hil_health_level level;
	char what[400];               /* "FTDI FT6ABC12 interface A (FT232H) at USB 1-4.2" */
	char todo[256];               /* "" when there is nothing to do */
};

/* Where a backend's inspect() operation (power, console) reports: add() is
 * called once per finding, with the caller's @payload. */
struct hil_health_sink {
	void (*add)(void *payload, const struct hil_health *finding);
	void *payload;
};

/* Reports one finding to @sink: @todo (may be NULL) says what to do, the
 * rest is printf-like (what was seen). */
void hil_health_add(const struct hil_health_sink *sink, enum hil_health_level level,
		    const char *todo, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Finds backend @name of @role (drivers/registry.c), allocates its
 * instance and state and opens it for @entry with settings @cfg (see
 * struct hil_driver). HIL_ECONFIG when no such backend is built; else
 * open()'s result. *out is set only on success: close it with
 * hil_driver_close(). */
int hil_driver_open(struct hil_driver **out, enum hil_role role, const char *name,
		    const struct hil_driver_ctx *ctx, const void *entry, const void *cfg);
/* Closes and frees an instance; NULL is fine. */
void hil_driver_close(struct hil_driver *drv);

/* Sets up @ctx for @rack: copies @sim_state_dir (may be NULL) and makes
 * the simulated world of the rack's simulated boards. Release with
 * hil_driver_ctx_fini() after every instance using it is closed; fini is
 * safe on a context whose init failed or that is all zeros. */
int hil_driver_ctx_init(struct hil_driver_ctx *ctx, const struct hil_rack *rack, uint64_t seed,
			const char *sim_state_dir);
void hil_driver_ctx_fini(struct hil_driver_ctx *ctx);

#endif
