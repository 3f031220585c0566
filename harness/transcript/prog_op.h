/* The programmer operations: what a transcript is the output of.
 *
 * The vocabulary shared by the transcript layer (the classifier reads a
 * transcript knowing which operation printed it), the programmer backends
 * (drivers/programmer/) and the stand-in CLI's fault switch.
 */
#ifndef HIL_TRANSCRIPT_PROG_OP_H
#define HIL_TRANSCRIPT_PROG_OP_H

#include <stdbool.h>
#include <stddef.h>

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
	HIL_PROG_RDP_REGRESS, /* -ob RDP=0xAA: RDP level 1 -> 0, which mass-erases the flash */
	HIL_PROG_ERASE_ALL,   /* -e all: mass erase at RDP level 0 */
};

/* What one run of the tool left: its text and how its process ended. */
struct hil_prog_output {
	char *transcript;           /* owned; what the tool printed (stdout+stderr) */
	size_t length;
	int exit_status;            /* valid when !signaled */
	int term_signal;            /* valid when signaled */
	bool signaled;
	bool timed_out;             /* the harness deadline stopped it */
	bool interrupted;           /* a second stop signal ended it (util/stop.h) */
	bool start_failed;          /* the tool could not be started */
	char error[256];            /* why, when start_failed */
};

/* "connect", "sfi", "ob", "upload", "rss", "list", "hsm", "abort",
 * "certificate", "license", "read32", "regress", "erase": the names `transcript --op`, the
 * stand-in CLI's fault switch and the golden files use. */
const char *hil_prog_op_name(enum hil_prog_op op);
/* The operation of @name, or -1. */
int hil_prog_op_from_name(const char *name);

#endif
