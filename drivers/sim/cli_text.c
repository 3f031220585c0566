/* STM32_Programmer_CLI wording for the simulator; see cli_text.h.
 *
 * Sources, as ../shared/research/sfi.md numbers them: the seed's failing
 * log (../shared/seed/sfi-forum-thread.txt, S4, CubeProgrammer 2.10.0) and
 * its BL 0x90 success, §2.3 and §2.4 (AN5054's transcripts, S6-S8, S10,
 * S20). Every line printed here that none of them shows is marked
 * "unverified:" where it is written. */
#include "drivers/sim/cli_text.h"
#include "drivers/programmer/programmer.h"
#include "harness/sfi/sfi_image.h"

#include <stdio.h>
#include <string.h>

void hil_cli_banner_version(struct hil_strbuf *t, const char *version)
{
	hil_strbuf_printf(t, "      -------------------------------------------------------------------\n"
			  "                        STM32CubeProgrammer v%s                  \n"
			  "      -------------------------------------------------------------------\n\n",
			  version);
}

void hil_cli_banner(struct hil_strbuf *t, const struct hil_sim_profile *p)
{
	hil_cli_banner_version(t, p->tool_version);
}

/* What the tool prints for each `mode=` the help lists (sfi.md §2.1):
 * "Hot Plug" is the seed's, "Under Reset" and "Normal" are in public
 * CubeProgrammer 2.2-2.21 logs (e.g. `-c port=SWD mode=UR`: "Connect mode:
 * Under Reset", "Reset mode  : Hardware reset"); the other two are
 * unverified: no log with them was found. Not given: the help's default,
 * NORMAL. */
const char *hil_cli_connect_mode_text(const char *mode)
{
	static const char *const texts[][2] = {
		{ "UR", "Under Reset" }, { "HOTPLUG", "Hot Plug" }, { "NORMAL", "Normal" },
		{ "POWERDOWN", "Power Down" },          /* unverified: wording */
		{ "HWRSTPULSE", "Hardware reset pulse" }, /* unverified: wording */
	};

	if (!mode)
		return "Normal";
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		if (!strcmp(mode, texts[i][0]))
			return texts[i][1];
	return NULL;
}

/* "Software reset" is the seed's, "Hardware reset" the UR logs'; "Core
 * reset" is unverified. Not given: the help's default, SWrst. */
const char *hil_cli_reset_mode_text(const char *reset)
{
	if (!reset || !strcmp(reset, "SWrst"))
		return "Software reset";
	if (!strcmp(reset, "HWrst"))
		return "Hardware reset";
	if (!strcmp(reset, "Crst"))
		return "Core reset"; /* unverified: wording */
	return NULL;
}

/* The probe measures the target's supply: 0.00V with the board's power off. */
static void probe_lines(struct hil_strbuf *t, struct hil_sim_board *b)
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);

	hil_strbuf_printf(t, "ST-LINK SN  : %s\nST-LINK FW  : %s\nBoard       : %s\n"
			  "Voltage     : %s\n", hil_sim_board_serial(b), p->probe_firmware,
			  p->probe_product, hil_sim_board_powered(b) ? p->voltage : "0.00V");
}

void hil_cli_connect_block(struct hil_strbuf *t, struct hil_sim_board *b,
			   const struct hil_prog_request *req, bool full)
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);
	bool given = req && (req->connect_mode || req->connect_reset || req->freq_khz);
	const char *mode = given ? hil_cli_connect_mode_text(req->connect_mode) : "Hot Plug";
	/* the help: "Reset mode with UR connection mode is HWrst" */
	const char *reset = given && req->connect_mode && !strcmp(req->connect_mode, "UR")
		? "Hardware reset" : given ? hil_cli_reset_mode_text(req->connect_reset)
		: "Software reset";

	probe_lines(t, b);
	/* unverified: with freq= the real tool prints the rate the probe picked,
	 * which need not be the one asked for; 24000 KHz is the seed's
	 * STLINK-V3SET without freq= */
	hil_strbuf_printf(t, "SWD freq    : %u KHz\nConnect mode: %s\nReset mode  : %s\n",
			  req && req->freq_khz ? req->freq_khz : 24000u, mode ? mode : "--",
			  reset ? reset : "--");
	hil_strbuf_printf(t, "Device ID   : 0x%03X\nRevision ID : %s\n", p->device_id, p->revision);
	if (!full)
		return;
	hil_strbuf_printf(t, "Device name : %s\nFlash size  : %u MBytes\nDevice type : MCU\n"
			  "Device CPU  : Cortex-M7\nBL Version  : 0x%02X\n",
			  p->device_name, p->flash_kb / 1024, p->bl_version);
	hil_strbuf_putc(t, '\n');
}

void hil_cli_no_probe(struct hil_strbuf *t)
{
	hil_strbuf_puts(t, "Error: No ST-Link detected!\n");
}

void hil_cli_no_target(struct hil_strbuf *t, struct hil_sim_board *b)
{
	probe_lines(t, b);
	hil_strbuf_puts(t, "Error: No STM32 target found! If your product embeds Debug "
		       "Authentication, please perform a discovery using Debug Authentication\n");
}

void hil_cli_sfi_parse(struct hil_strbuf *t, const char *path, int hsm_slot,
		       const char *license_file, const struct hil_sfi_image *img)
{
	hil_strbuf_printf(t, "  Protocol Information         : static\n\n"
			  "  SFI File Information         : \n\n"
			  "     SFI file path             : %s\n", path);
	if (hsm_slot >= 0)
		hil_strbuf_printf(t, "     SFI HSM slot ID           : %d\n", hsm_slot);
	else
		/* unverified: the licence-file line (the seed installs from an HSM) */
		hil_strbuf_printf(t, "     SFI license file          : %s\n", license_file);
	hil_strbuf_printf(t, "     SFI header information    : \n"
			  "         SFI protocol version        : %u\n"
			  "         SFI total number of areas   : %u\n",
			  img->protocol, img->area_count);
	/* the seed prints "SFI image version : 2" here too; the protocol 1
	 * images the sim reads have no version field, so it is left out */
	hil_strbuf_puts(t, "     SFI Areas information     : \n\n");
	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		hil_strbuf_printf(t, "     Parsing Area %zu/%u    : \n"
				  "         Area type                   : %c\n"
				  "         Area size                   : %u\n"
				  "         Area destination address    : 0x%X\n\n",
				  i + 1, img->area_count, a->type, a->size, a->address);
	}
}

void hil_cli_license(struct hil_strbuf *t, int hsm_slot, bool ok)
{
	hil_strbuf_puts(t, "Reading the chip Certificate...\nRequesting Chip Certificate from device ...\n"
		       "Get Certificate done successfully\n");
	if (hsm_slot < 0) {
		/* unverified: the licence-file path's wording */
		hil_strbuf_puts(t, "Using the license file for the current STM32 device\n");
		return;
	}
	/* the seed's HSM library lines, with its addresses */
	hil_strbuf_printf(t, "requesting license for the current STM32 device\nInit Communication ...\n"
			  "ldm_LoadModule(): loading module \"./\" ... \n"
			  "ldm_LoadModule: OK loading library \"./\": 0x018ED970 ... \n"
			  "C_GetFunctionList() returned 0x00000000, g_pFunctionList=0x5F696060\n"
			  "P11 lib initialization Success!\n"
			  "Opening session with solt ID %d...\n"
			  "Succeed to Open session with reader solt ID %d\n", hsm_slot, hsm_slot);
	if (!ok) {
		/* unverified: the failure's wording */
		hil_strbuf_printf(t, "Error: Failed to get License for Firmware from HSM slot ID %d\n",
				  hsm_slot);
		return;
	}
	hil_strbuf_printf(t, "Succeed to generate license for the current STM32 device\n"
			  "Closing session with reader slot ID %d...\n"
			  "Session closed with reader slot ID %d\n"
			  "Closing communication with HSM...\nCommunication closed with HSM\n"
			  "Succeed to get License for Firmware from HSM slot ID %d\n",
			  hsm_slot, hsm_slot, hsm_slot);
}

void hil_cli_activate_security(struct hil_strbuf *t, bool already_set, bool ok)
{
	hil_strbuf_puts(t, "Starting Firmware Install operation...\nActivating security...\n");
	/* the seed's lines for a chip whose SECURITY bit is already set;
	 * unverified: what a first activation prints besides the time */
	if (already_set)
		hil_strbuf_puts(t, "Warning: Option Byte: SECURITY, value: 0x1, was not modified.\n"
			       "Warning: Option Bytes are unchanged, Data won't be downloaded\n");
	hil_cli_elapsed(t, "option Bytes configuration", 0.002);
	hil_strbuf_puts(t, ok ? "Activating security Success\n" : "Error: Activating security Failure\n");
}

void hil_cli_set_write_mode(struct hil_strbuf *t)
{
	hil_strbuf_puts(t, "Setting write mode to SFI\n"
		       "Warning: Option Byte: SECURITY, value: 0x1, was not modified.\n"
		       "Warning: Option Byte: ST_RAM_SIZE, value: 0x3, was not modified.\n"
		       "Warning: Option Bytes are unchanged, Data won't be downloaded\n");
	hil_cli_elapsed(t, "option Bytes configuration", 0.002);
	hil_strbuf_puts(t, "Succeed to set write mode for SFI\n");
}

void hil_cli_part_start(struct hil_strbuf *t, unsigned part)
{
	hil_strbuf_printf(t, "Starting SFI part %u\nWriting license to address 0x24020800\n"
			  "Writing Img header to address 0x24021000\n"
			  "Writing areas and areas wrapper...\n", part);
}

void hil_cli_rss_complete(struct hil_strbuf *t, uint32_t value)
{
	hil_strbuf_printf(t, "RSS process started...\nRSS command execution OK\n"
			  "RSS complete Value = 0x%X\n", value);
}

void hil_cli_ob_dump(struct hil_strbuf *t, struct hil_sim_board *b, const char *header)
{
	struct hil_sim_ob ob[16];
	size_t n = hil_sim_board_ob(b, ob, 16);

	/* unverified: the real dump groups the bytes under headings ("Read Out
	 * Protection:", "User Configuration:" ...); the entries are the seed's */
	hil_strbuf_printf(t, "%s\n", header);
	for (size_t i = 0; i < n; i++)
		hil_strbuf_printf(t, "     %-13s: 0x%X (%s) \n", ob[i].name, ob[i].value, ob[i].meaning);
}

void hil_cli_elapsed(struct hil_strbuf *t, const char *what, double seconds)
{
	unsigned ms = (unsigned)(seconds * 1000.0 + 0.5);

	hil_strbuf_printf(t, "Time elapsed during %s: %02u:%02u:%02u.%03u\n", what, ms / 3600000,
			  ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

int hil_cli_rss_version(struct hil_strbuf *t, const struct hil_sim_profile *p)
{
	if (!p->rss_version) {
		hil_strbuf_puts(t, "Error: Unable to get the RSS version\n"); /* unverified: wording */
		return 1;
	}
	hil_strbuf_printf(t, "Execute RSS get version Payload...\nRSS version = %s\n", p->rss_version);
	return 0;
}

/* Colour as the real tool writes it even into a pipe: a public capture of
 * `STM32_Programmer_CLI --version` (v2.20.0) run from Python's subprocess
 * starts each banner line with ESC[36m ESC[01m (cyan, bold) and other text
 * with ESC[39;49m, and puts ESC[39;49m ESC[0m after the newline: the
 * reset opens the next line. AN5054 says a green message marks success and
 * a red one an error; unverified: the codes for those (ESC[32m, ESC[31m
 * here), which lines are green, and yellow (ESC[33m) for warnings. */
void hil_cli_colour(struct hil_strbuf *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text - i) : len - i;
		const char *line = text + i, *sgr = "\x1b[39;49m";
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), line);
		const char *v = strstr(buf, "STM32CubeProgrammer v");
		if (strstr(buf, "-----") || (v && v[21] >= '0' && v[21] <= '9'))
			sgr = "\x1b[36m\x1b[01m";
		else if (!strncmp(buf, "Error", 5))
			sgr = "\x1b[31m";
		else if (!strncmp(buf, "Warning", 7))
			sgr = "\x1b[33m";
		else if (strstr(buf, "Success") || strstr(buf, "successfully") ||
			 strstr(buf, "Succeed") || strstr(buf, "Finished!"))
			sgr = "\x1b[32m";
		hil_strbuf_puts(out, sgr);
		hil_strbuf_put(out, line, n);
		if (nl)
			hil_strbuf_puts(out, "\n\x1b[39;49m\x1b[0m");
		i += n + (nl != NULL);
	}
}
