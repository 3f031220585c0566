/* Parser and classifier for STM32_Programmer_CLI transcripts (DESIGN §4).
 *
 * A pure function over text: fed by the real tool, the simulator and
 * golden files alike. Tolerant of GUI-log prefixes (`HH:MM:SS : `,
 * `HH:MM:SS:mmm : `), CRLF, collapsed or doubled whitespace,
 * `Reconnected !`/`Reconnected!`, truncated logs, `--` values and non-hex
 * serials. Memory is bounded: fixed-size result, lines cut at 4 KiB, NUL
 * bytes treated as line noise.
 */
#ifndef HIL_DRIVERS_PROGRAMMER_CUBEPROG_PARSE_H
#define HIL_DRIVERS_PROGRAMMER_CUBEPROG_PARSE_H

#include "harness/transcript/prog_op.h"
#include "harness/transcript/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIL_TX_MAX_AREAS 64
#define HIL_TX_MAX_RSS 16
#define HIL_TX_MAX_OB 64
#define HIL_TX_MAX_MSGS 16
#define HIL_TX_MSG_LEN 200
#define HIL_TX_MAX_PROBES 16
#define HIL_TX_MAX_WORDS 16

struct hil_tx_area {
	unsigned index;
	char type;
	uint32_t size;
	uint32_t address;
};

struct hil_tx_ob {
	char name[32];
	uint32_t value;
	char description[96];       /* the text in parentheses; "" when none */
};

/* One probe of a `-l st-link` listing (old and new formats). */
struct hil_tx_probe {
	char serial[64];
	char firmware[32];
	char board[32];
};

struct hil_transcript {
	char tool_version[24];
	char probe_serial[64];
	char probe_firmware[32];
	char probe_board[32];
	bool has_voltage;
	unsigned voltage_mv;        /* "Voltage : 3.28V": the target voltage the probe measures */
	bool has_device_id, has_bl_version;
	uint32_t device_id, bl_version;
	char device_name[64];
	char revision[16];          /* "Rev Z", "--", "" when not printed */
	char rss_version[24];       /* "" when not printed */
	int sfi_protocol, sfi_areas_total, sfi_image_version; /* -1: not printed */
	struct hil_tx_area areas[HIL_TX_MAX_AREAS];
	size_t area_count;
	unsigned parts_started;
	uint32_t rss_complete[HIL_TX_MAX_RSS];
	size_t rss_count;
	bool rss_cmd_failed;        /* "Execution of RSS CMD failed, returned value = X" */
	uint32_t rss_cmd_value;
	struct hil_tx_ob ob[HIL_TX_MAX_OB];
	size_t ob_count;
	char errors[HIL_TX_MAX_MSGS][HIL_TX_MSG_LEN];
	size_t error_count;         /* all seen; the first HIL_TX_MAX_MSGS are kept */
	char warnings[HIL_TX_MAX_MSGS][HIL_TX_MSG_LEN];
	size_t warning_count;
	struct hil_tx_probe probes[HIL_TX_MAX_PROBES];
	size_t probe_count;
	/* -r32 ADDRESS SIZE: "0x08FFF800 : 0034002F 3130510D 34383739", the
	 * words from the first address printed, in order (consecutive only). */
	uint32_t mem_address;
	uint32_t mem_words[HIL_TX_MAX_WORDS];
	size_t mem_word_count;
	bool has_hsm_counter;
	uint32_t hsm_counter;
	bool sfi_finished;          /* SFI Process Finished! / Install Operation Success */
	bool read_ok;               /* Data read successfully */
	bool certificate_ok;        /* Get Certificate done successfully */
	bool license_ok;            /* Succeed to get License for Firmware from HSM ... */
	bool ob_programmed;         /* Option Bytes successfully programmed */
	bool mass_erased;           /* Mass erase successfully achieved */
	bool reconnected;
	/* What the error lines said, by class. */
	bool saw_no_probe, saw_no_target, saw_security_state, saw_activation_fail,
	     saw_license_error, saw_ob_error, saw_reconnect_fail, saw_file_error;
	/* a probe error named outside an Error: line (a retried connect the
	 * tool got past): no_probe only when the operation did not conclude */
	bool saw_probe_trouble;
};

/* Parses @len bytes of @text into *out (which it resets first). */
void hil_cubeprog_parse(struct hil_transcript *out, const char *text, size_t len);

/* The same, a line at a time, as the tool prints (progress display). */
struct hil_cubeprog_stream {
	struct hil_transcript *t;
	bool in_ob_dump;
	bool in_probe_list;
	bool in_dfu_list;           /* `-l`'s DFU section: its Device ID is not the target's */
	int area;                   /* index into t->areas of the open "Parsing Area"; -1 */
};
void hil_cubeprog_stream_init(struct hil_cubeprog_stream *s, struct hil_transcript *out);
/* @line need not be NUL-terminated; lines longer than 4 KiB are cut. */
void hil_cubeprog_stream_line(struct hil_cubeprog_stream *s, const char *line, size_t len);

/* Parses the log at @path ("-": standard input) as it is read, whatever
 * its size (parse_file.c). A directory, FIFO, socket or device is refused
 * (HIL_EIO, the message says what it is); a read error is an error, never
 * a shorter log. *bytes_out (may be NULL): how much was read. */
int hil_cubeprog_parse_file(struct hil_transcript *out, const char *path, size_t *bytes_out);

/* "success", "failure" or "incomplete" for a class (DESIGN §4 JSON). */
const char *hil_cubeprog_verdict(enum hil_class cls);

/* The class of one operation's outcome: what the text says, checked against
 * how the process ended. @run may be NULL (text only, e.g. `transcript`). */
enum hil_class hil_cubeprog_classify(const struct hil_transcript *t, enum hil_prog_op op,
				     const struct hil_prog_output *run);

#endif
