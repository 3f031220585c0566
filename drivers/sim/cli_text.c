/* STM32_Programmer_CLI wording for the simulator; see cli_text.h. */
#include "drivers/sim/cli_text.h"
#include "harness/sfi/sfi_image.h"

#include <stdio.h>

void hil_cli_banner(struct hil_strbuf *t, const struct hil_sim_profile *p)
{
	hil_strbuf_printf(t, "      -------------------------------------------------------------------\n"
			  "                        STM32CubeProgrammer v%s                  \n"
			  "      -------------------------------------------------------------------\n\n",
			  p->tool_version);
}

/* The probe measures the target's supply: 0.00V with the board's power off. */
static void probe_lines(struct hil_strbuf *t, struct hil_sim_board *b)
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);

	hil_strbuf_printf(t, "ST-LINK SN  : %s\nST-LINK FW  : %s\nBoard       : %s\n"
			  "Voltage     : %s\n", hil_sim_board_serial(b), p->probe_firmware,
			  p->probe_product, hil_sim_board_powered(b) ? p->voltage : "0.00V");
}

void hil_cli_connect_block(struct hil_strbuf *t, struct hil_sim_board *b, bool full)
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);

	probe_lines(t, b);
	hil_strbuf_puts(t, "SWD freq    : 24000 KHz\nConnect mode: Hot Plug\nReset mode  : Software reset\n");
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
		hil_strbuf_printf(t, "     SFI license file          : %s\n", license_file); /* sim wording */
	hil_strbuf_printf(t, "     SFI header information    : \n"
			  "         SFI protocol version        : %u\n"
			  "         SFI total number of areas   : %u\n"
			  "     SFI Areas information     : \n\n",
			  img->protocol, img->area_count);
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
		hil_strbuf_puts(t, "Using the license file for the current STM32 device\n"); /* sim wording */
		return;
	}
	hil_strbuf_printf(t, "requesting license for the current STM32 device\nInit Communication ...\n"
			  "P11 lib initialization Success!\n"
			  "Opening session with solt ID %d...\n"
			  "Succeed to Open session with reader solt ID %d\n", hsm_slot, hsm_slot);
	if (!ok) {
		/* sim wording */
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
		hil_strbuf_puts(t, "Error: Unable to get the RSS version\n"); /* sim wording */
		return 1;
	}
	hil_strbuf_printf(t, "Execute RSS get version Payload...\nRSS version = %s\n", p->rss_version);
	return 0;
}
