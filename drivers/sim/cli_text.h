/* What STM32_Programmer_CLI prints, piece by piece, for the simulator.
 *
 * The wording and layout follow the real tool's logs
 * (../shared/seed/sfi-forum-thread.txt, ../shared/research/sfi.md §2.3,
 * §2.4), so that the sim's transcripts go through the same parser as the
 * real tool's. Where the real text is not known (flagged "sim wording"),
 * the line is written to be classified the same way the real one would;
 * such lines are marked "unverified:" or "sim wording" in cli_text.c.
 */
#ifndef HIL_DRIVERS_SIM_CLI_TEXT_H
#define HIL_DRIVERS_SIM_CLI_TEXT_H

#include "drivers/sim/board.h"
#include "harness/util/strbuf.h"

#include <stdbool.h>

struct hil_sfi_image;

void hil_cli_banner(struct hil_strbuf *t, const struct hil_sim_profile *p);

/* @text coloured as STM32_Programmer_CLI colours what it writes, a line at
 * a time, into @out (the stand-in's FAKE_CUBEPROG_COLOR); see cli_text.c. */
void hil_cli_colour(struct hil_strbuf *out, const char *text, size_t len);

struct hil_prog_request;

/* The probe and device block printed after connecting, its "SWD freq",
 * "Connect mode" and "Reset mode" lines for the connect settings in @req
 * (the seed's "24000 KHz", "Hot Plug", "Software reset" when it gives
 * none: the sim programmer). @full false gives the shorter block printed
 * after "Reconnecting...". */
void hil_cli_connect_block(struct hil_strbuf *t, struct hil_sim_board *b,
			   const struct hil_prog_request *req, bool full);

/* "Connect mode" and "Reset mode" texts for `-c mode=` and `reset=` values
 * (NULL: not given); NULL for a value the real tool's help does not list. */
const char *hil_cli_connect_mode_text(const char *mode);
const char *hil_cli_reset_mode_text(const char *reset);

/* The banner for tool version @version ("2.10.0"), as -version prints it. */
void hil_cli_banner_version(struct hil_strbuf *t, const char *version);

/* -rssgetversion answer; returns the exit status. */
int hil_cli_rss_version(struct hil_strbuf *t, const struct hil_sim_profile *p);

void hil_cli_no_probe(struct hil_strbuf *t);
void hil_cli_no_target(struct hil_strbuf *t, struct hil_sim_board *b);

/* "SFI File Information" and one "Parsing Area i/N" block per area. */
void hil_cli_sfi_parse(struct hil_strbuf *t, const char *path, int hsm_slot,
		       const char *license_file, const struct hil_sfi_image *img);

/* Chip certificate and HSM license sequence; @ok false ends in an error. */
void hil_cli_license(struct hil_strbuf *t, int hsm_slot, bool ok);

void hil_cli_activate_security(struct hil_strbuf *t, bool already_set, bool ok);
void hil_cli_set_write_mode(struct hil_strbuf *t);
void hil_cli_part_start(struct hil_strbuf *t, unsigned part);
void hil_cli_rss_complete(struct hil_strbuf *t, uint32_t value);

/* -ob displ style dump; @header is printed first. */
void hil_cli_ob_dump(struct hil_strbuf *t, struct hil_sim_board *b, const char *header);

/* "Time elapsed during <what>: hh:mm:ss.mmm" */
void hil_cli_elapsed(struct hil_strbuf *t, const char *what, double seconds);

#endif
