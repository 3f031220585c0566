/* Programmer role: run one programming operation and hand back what the
 * tool printed.
 *
 * The backend only runs the operation; it does not judge it. The core
 * parses and classifies the transcript with cubeprog_parse, the same way
 * for the real STM32_Programmer_CLI and for the simulator, so the sim
 * exercises the parser on every run.
 *
 * Lifecycle: core-allocated instance and priv_size bytes; close() iff
 * open() returned 0.
 */
#ifndef HIL_DRIVERS_PROGRAMMER_PROGRAMMER_H
#define HIL_DRIVERS_PROGRAMMER_PROGRAMMER_H

#include "drivers/driver.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hil_prog_op {
	HIL_PROG_IDENTIFY,    /* connect and print the device block */
	HIL_PROG_SFI_INSTALL, /* -sfi protocol=static FILE hsm=1 slot=N | hsm=0 LICENSE */
	HIL_PROG_READ_OB,     /* -ob displ */
	HIL_PROG_READ_FLASH,  /* -u ADDRESS SIZE FILE */
	HIL_PROG_RSS_VERSION, /* -rssgetversion */
	HIL_PROG_LIST_PROBES, /* -l st-link (no connection) */
	HIL_PROG_HSM_COUNTER, /* -hsmgetcounter slot=N (no connection) */
	HIL_PROG_ABORT,       /* -a: clean up a stuck operation */
	HIL_PROG_GET_CERTIFICATE, /* -gc FILE: the chip certificate */
	HIL_PROG_HSM_GET_LICENSE, /* -hsmgetlicense FILE slot=N: one HSM draw */
	HIL_PROG_READ_WORDS,  /* -r32 ADDRESS SIZE: words printed, e.g. the chip UID */
};

struct hil_prog_request {
	enum hil_prog_op op;
	const char *probe_serial;
	const char *image;          /* SFI_INSTALL */
	int hsm_slot;               /* SFI_INSTALL; -1 when license_file is used */
	const char *license_file;
	uint32_t address, size;     /* READ_FLASH, READ_WORDS (size in bytes) */
	const char *upload_path;    /* READ_FLASH, GET_CERTIFICATE, HSM_GET_LICENSE: output file */
	unsigned timeout_s;         /* deadline for the whole operation */
	/* Identifies the operation within the campaign (case and step), so a
	 * simulated board's random events do not depend on the order work is
	 * done in (shards, resume). Real tools ignore it; cubeprog hands it to
	 * the tool as HIL_OP_SALT for the stand-in CLI. */
	uint64_t salt;
	/* Optional: each line as the tool prints it (progress display). */
	void (*on_line)(void *payload, const char *line, size_t len);
	void *payload;
};

struct hil_prog_output {
	char *transcript;           /* owned; what the tool printed (stdout+stderr) */
	size_t length;
	int exit_status;            /* valid when !signaled */
	int term_signal;            /* valid when signaled */
	bool signaled;
	bool timed_out;             /* the harness deadline stopped it */
	bool start_failed;          /* the tool could not be started */
	char error[256];            /* why, when start_failed */
};

struct hil_programmer {
	const struct hil_programmer_ops *ops;
	const struct hil_driver_ctx *ctx;
	void *priv;
};

struct hil_programmer_ops {
	const char *name;
	unsigned caps;
	size_t priv_size;

	int (*open)(struct hil_programmer *p);
	void (*close)(struct hil_programmer *p);
	/* Runs @req. Returns 0 whenever an outcome is in @out, including a tool
	 * that crashed or timed out; negative only for harness faults. */
	int (*run)(struct hil_programmer *p, const struct hil_prog_request *req,
		   struct hil_prog_output *out);
};

extern const struct hil_programmer_ops hil_programmer_cubeprog;
extern const struct hil_programmer_ops hil_programmer_sim;

/* "connect", "sfi", "ob", "upload", "rss", "list", "hsm", "abort",
 * "certificate", "license", "read32": the names `transcript --op`, the
 * stand-in CLI's fault switch and the golden files use. */
const char *hil_prog_op_name(enum hil_prog_op op);
/* The operation of @name, or -1. */
int hil_prog_op_from_name(const char *name);

/* The address of the 96-bit chip unique ID of a device (read as three
 * words with READ_WORDS), 0 when the harness does not know it. */
#define HIL_CHIP_UID_BYTES 12
uint32_t hil_chip_uid_address(uint32_t device_id);

int hil_programmer_open(struct hil_programmer **out, const struct hil_driver_ctx *ctx,
			const char *driver);
void hil_programmer_close(struct hil_programmer *p);
void hil_prog_output_clear(struct hil_prog_output *out);

#endif
