/* Programmer role: run one programming operation and hand back what the
 * tool printed.
 *
 * The backend only runs the operation; it does not judge it. The core
 * parses and classifies the transcript with cubeprog_parse, the same way
 * for the real STM32_Programmer_CLI and for the simulator, so the sim
 * exercises the parser on every run.
 *
 * Lifecycle as for every role (drivers/driver.h): core-allocated instance
 * and priv_size bytes; close() iff open() returned 0.
 */
#ifndef HIL_DRIVERS_PROGRAMMER_PROGRAMMER_H
#define HIL_DRIVERS_PROGRAMMER_PROGRAMMER_H

#include "drivers/driver.h"
#include "harness/transcript/prog_op.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct hil_prog_request {
	enum hil_prog_op op;
	const char *probe_serial;
	const char *image;          /* SFI_INSTALL */
	int hsm_slot;               /* SFI_INSTALL; -1 when license_file is used */
	const char *license_file;
	uint32_t address, size;     /* READ_FLASH, READ_WORDS (size in bytes) */
	const char *upload_path;    /* READ_FLASH, GET_CERTIFICATE, HSM_GET_LICENSE: output file */
	unsigned timeout_s;         /* deadline for the whole operation */
	/* Connect under reset (mode=UR): the core held in reset before the
	 * firmware runs, so firmware that disables the debug port (a release
	 * SBSFU image) cannot keep the tool out. The regress step's operations
	 * (UM2237's help: "mode=<mode> : Connection mode. Value in
	 * {UR/HOTPLUG/NORMAL/...}"; ST's answer for a board stuck at RDP 0xBB:
	 * `-c port=SWD mode=UR -ob RDP=0xAA`, community.st.com "STM32H725 RDP
	 * locked to BB"). false: the backend's usual mode (HOTPLUG). */
	bool under_reset;
	/* Identifies the operation within the campaign (case and step), so a
	 * simulated board's random events do not depend on the order work is
	 * done in (shards, resume). Real tools ignore it; cubeprog hands it to
	 * the tool as HIL_OP_SALT for the stand-in CLI. */
	uint64_t salt;
	/* Optional (> 2): the board's lock; a tool process keeps it open, so
	 * another run cannot take the board while this tool still lives, even
	 * when the harness is gone (hil_subprocess_opts.inherit_fd). */
	int lock_fd;
	/* Optional: the connect settings as a tool was given them (`-c mode=
	 * reset= freq=`); NULL / 0: not given. The stand-in CLI sets them from
	 * its argv so the simulator prints the connect block the real tool
	 * would; the cubeprog backend takes its own from the rack instead. */
	const char *connect_mode, *connect_reset;
	unsigned freq_khz;
	/* Optional: each line as the tool prints it (progress display). */
	void (*on_line)(void *payload, const char *line, size_t len);
	void *payload;
};


/* A programmer instance is a driver (one per rack; drv.entry is NULL). */
struct hil_programmer {
	struct hil_driver drv;
};

struct hil_programmer_ops {
	struct hil_driver_ops drv;         /* name, priv_size, open, close */
	/* Runs @req. Returns 0 whenever an outcome is in @out, including a tool
	 * that crashed or timed out; negative only for harness faults. */
	int (*run)(struct hil_programmer *p, const struct hil_prog_request *req,
		   struct hil_prog_output *out);
};

static inline struct hil_programmer *hil_programmer_of(struct hil_driver *drv)
{
	return (struct hil_programmer *)drv; /* drv is its first member */
}

static inline const struct hil_programmer_ops *hil_programmer_ops(const struct hil_programmer *p)
{
	return (const struct hil_programmer_ops *)p->drv.ops; /* drv is its first member */
}

static inline int hil_programmer_run(struct hil_programmer *p, const struct hil_prog_request *req,
				     struct hil_prog_output *out)
{
	return hil_programmer_ops(p)->run(p, req, out);
}

extern const struct hil_programmer_ops hil_programmer_cubeprog;
extern const struct hil_programmer_ops hil_programmer_sim;


/* The address of the 96-bit chip unique ID of a device (read as three
 * words with READ_WORDS), 0 when the harness does not know it. */
#define HIL_CHIP_UID_BYTES 12
uint32_t hil_chip_uid_address(uint32_t device_id);

int hil_programmer_open(struct hil_programmer **out, const struct hil_driver_ctx *ctx,
			const char *driver);
void hil_programmer_close(struct hil_programmer *p);
void hil_prog_output_clear(struct hil_prog_output *out);

#endif
