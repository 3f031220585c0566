/* Transcript parser and classifier: the seed thread's real logs (when
 * ../shared is there), and the variations the real tool and GUI produce. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/transcript/transcript_json.h"
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static struct hil_transcript tx;

static enum hil_class classify(const char *text, enum hil_prog_op op, int exit_status)
{
	struct hil_prog_output run = { .exit_status = exit_status };

	hil_cubeprog_parse(&tx, text, strlen(text));
	return hil_cubeprog_classify(&tx, op, &run);
}

static const char failure_tail[] =
	"Starting SFI part 1\n"
	"RSS process started...\nRSS command execution OK\nRSS complete Value = 0x16\n"
	"Reconnected !\n"
	"Error: SECURITY State Fail\nError: Invalid state after SFI install !\n"
	"Error: RSS internal system error or License is invalid !\n"
	"Waiting 8s for end of regression...\nDisplay OB after Abort for sanity check\n"
	"   Read Out Protection:\n     RDP          : 0xAA (Level 0, no protection) \n"
	"     SECURITY     : 0x1 (Security feature enabled) \n"
	"Error: x.sfi SFI file Install Operation Failure! Please, try again\n";

Test(parse, seed_failure_is_rss_error_with_value_and_identity)
{
	const char *shared = test_shared_dir("the seed thread's two real logs");
	char *text = NULL, *path;
	size_t len;

	if (!shared)
		cr_skip_test("no ../shared");
	path = NULL;
	cr_assert(asprintf(&path, "%s/seed/sfi-forum-thread.txt", shared) > 0);
	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 20), 0);
	char *first = strstr(text, "./STM32_Programmer_CLI");
	char *end = strstr(text, "Install Operation Failure! Please, try again");
	cr_assert(first && end);
	hil_cubeprog_parse(&tx, first, (size_t)(end - first) + 45);
	cr_assert_eq(hil_cubeprog_classify(&tx, HIL_PROG_SFI_INSTALL, NULL), HIL_CLASS_RSS_ERROR);
	cr_assert_eq(tx.device_id, 0x480);
	cr_assert_eq(tx.bl_version, 0x91);
	cr_assert_str_eq(tx.revision, "--");
	cr_assert_str_eq(tx.probe_serial, "002F003F3137510539383538");
	cr_assert_str_eq(tx.tool_version, "2.10.0");
	cr_assert_eq(tx.sfi_protocol, 2);
	cr_assert_eq(tx.sfi_areas_total, 9);
	cr_assert_eq(tx.area_count, 9);
	cr_assert_eq(tx.areas[5].type, 'P');
	cr_assert_eq(tx.areas[8].type, 'C');
	cr_assert_eq(tx.areas[8].size, 36);
	cr_assert_eq(tx.rss_count, 1);
	cr_assert_eq(tx.rss_complete[0], 0x16);
	cr_assert(tx.reconnected);
	cr_assert_eq(tx.error_count, 4);
	cr_assert_geq(tx.ob_count, 20);
	cr_assert_str_eq(tx.ob[0].name, "RDP");
	cr_assert_eq(tx.ob[0].value, 0xAA);

	/* The second log: BL 0x90 succeeds with the "Could not verify" warning. */
	char *second = strstr(text, "Database: Config 0 is active.");
	char *second_end = strstr(second, "00:00:01.528");
	cr_assert(second && second_end);
	hil_cubeprog_parse(&tx, second, (size_t)(second_end - second));
	cr_assert_eq(hil_cubeprog_classify(&tx, HIL_PROG_SFI_INSTALL, NULL), HIL_CLASS_SUCCESS);
	cr_assert_geq(tx.warning_count, 1);
	free(text);
	free(path);
}

Test(parse, rss_value_wins_over_the_security_state_triple)
{
	cr_assert_eq(classify(failure_tail, HIL_PROG_SFI_INSTALL, 1), HIL_CLASS_RSS_ERROR);
	cr_assert(tx.saw_security_state);
	cr_assert_eq(tx.ob_count, 2);
}

Test(parse, security_state_fail_without_rss_value)
{
	cr_assert_eq(classify("RSS complete Value = 0x0\nReconnected!\nError: SECURITY State Fail\n"
			      "Error: Invalid state after SFI install !\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_SECURITY_STATE_FAIL);
}

Test(parse, success_needs_its_marker_not_just_exit_zero)
{
	cr_assert_eq(classify("Starting SFI part 1\nRSS process started...\n", HIL_PROG_SFI_INSTALL, 0),
		     HIL_CLASS_INCOMPLETE);
	cr_assert_eq(classify("all areas processed\nSFI Process Finished!\n", HIL_PROG_SFI_INSTALL, 0),
		     HIL_CLASS_SUCCESS);
	cr_assert_eq(classify("SFI Process Finished!\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_UNKNOWN_ERROR);
}

Test(parse, gui_prefixes_crlf_and_collapsed_spaces)
{
	const char *text =
		"13:02:11 : BL Version : 0x92\r\n"
		"13:02:11:123 : Device ID:0x480\r\n"
		"13:02:12 :   Revision   ID  :   Rev X\r\n"
		"13:02:15:001 : RSS complete Value = 0x0\r\n"
		"13:02:16 : SFI Process Finished!\r\n";

	cr_assert_eq(classify(text, HIL_PROG_SFI_INSTALL, 0), HIL_CLASS_SUCCESS);
	cr_assert_eq(tx.bl_version, 0x92);
	cr_assert_eq(tx.device_id, 0x480);
	cr_assert_str_eq(tx.revision, "Rev X");
}

Test(parse, infrastructure_messages)
{
	cr_assert_eq(classify("Error: No ST-Link detected!\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_NO_PROBE);
	cr_assert_eq(classify("ST-LINK SN : 1\nError: No STM32 target found! If your product embeds "
			      "Debug Authentication, please perform a discovery\n",
			      HIL_PROG_SFI_INSTALL, 1), HIL_CLASS_NO_TARGET);
	cr_assert_eq(classify("Error: Activating security Failure\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_SECURITY_ACTIVATION_FAIL);
	cr_assert_eq(classify("Error: Something new\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_UNKNOWN_ERROR);
}

Test(parse, how_the_process_ended_comes_first)
{
	struct hil_prog_output hung = { .timed_out = true, .signaled = true };
	struct hil_prog_output crashed = { .signaled = true, .term_signal = 11 };

	hil_cubeprog_parse(&tx, failure_tail, strlen(failure_tail));
	cr_assert_eq(hil_cubeprog_classify(&tx, HIL_PROG_SFI_INSTALL, &hung), HIL_CLASS_TIMEOUT);
	cr_assert_eq(hil_cubeprog_classify(&tx, HIL_PROG_SFI_INSTALL, &crashed), HIL_CLASS_TOOL_CRASH);
}

Test(parse, hostile_input_stays_bounded)
{
	size_t len = 10u << 20;
	char *text = malloc(len);

	memset(text, 'A', len);
	memcpy(text + len - 40, "\nRSS complete Value = 0x16\n\0\0\0xx", 32);
	hil_cubeprog_parse(&tx, text, len);
	cr_assert_eq(tx.rss_count, 1);
	cr_assert_eq(tx.rss_complete[0], 0x16);
	free(text);
}

Test(parse, target_voltage_of_the_connect_block)
{
	cr_assert_eq(classify("ST-LINK SN  : 0030\nVoltage     : 3.76V\nDevice ID   : 0x480\n",
			      HIL_PROG_IDENTIFY, 0), HIL_CLASS_SUCCESS);
	cr_assert(tx.has_voltage);
	cr_assert_eq(tx.voltage_mv, 3760);
	cr_assert_eq(classify("ST-LINK SN  : 0030\nVoltage     : 0.00V\nError: No STM32 target found!\n",
			      HIL_PROG_IDENTIFY, 1), HIL_CLASS_NO_TARGET);
	cr_assert(tx.has_voltage);
	cr_assert_eq(tx.voltage_mv, 0);
	classify("Voltage     : 3.3V\n", HIL_PROG_IDENTIFY, 0);
	cr_assert_eq(tx.voltage_mv, 3300);
	classify("Voltage     : high\n", HIL_PROG_IDENTIFY, 0);
	cr_assert(!tx.has_voltage, "not a voltage");
}

Test(parse, r32_dump_gives_the_words_in_address_order)
{
	static const char dump[] =
		"Reading 32-bit memory content\n  Size          : 20 Bytes\n"
		"  Address:      : 0x08FFF800\n\n"
		"0x08FFF800 : 0034002F 3130510D 34383739 FFFFFFFF\n"
		"0x08FFF810 : 12345678\n"
		"0x20000000 : DEADBEEF\n";   /* not the same block: ignored */

	cr_assert_eq(classify(dump, HIL_PROG_READ_WORDS, 0), HIL_CLASS_SUCCESS);
	cr_assert_eq(tx.mem_address, 0x08FFF800);
	cr_assert_eq(tx.mem_word_count, 5);
	cr_assert_eq(tx.mem_words[0], 0x0034002F);
	cr_assert_eq(tx.mem_words[2], 0x34383739);
	cr_assert_eq(tx.mem_words[4], 0x12345678);
	cr_assert_eq(classify("Reading 32-bit memory content\nError: failed to read memory\n",
			      HIL_PROG_READ_WORDS, 1), HIL_CLASS_UNKNOWN_ERROR);
	cr_assert_eq(tx.mem_word_count, 0);
}

Test(parse, a_decimal_comma_in_the_target_voltage)
{
	classify("Voltage     : 3,30V\n", HIL_PROG_IDENTIFY, 0);
	cr_assert(tx.has_voltage);
	cr_assert_eq(tx.voltage_mv, 3300);
}

Test(parse, a_long_device_name_is_kept_whole)
{
	classify("Device name : STM32H7A3xI/H7B3xI/H7B0xB-long-variant\n", HIL_PROG_IDENTIFY, 0);
	cr_assert_str_eq(tx.device_name, "STM32H7A3xI/H7B3xI/H7B0xB-long-variant");
}

Test(parse, a_bare_warning_is_an_empty_message_not_a_null)
{
	classify("Warning:\nError: x\n", HIL_PROG_SFI_INSTALL, 1);
	json_t *j = hil_transcript_json(&tx, HIL_CLASS_UNKNOWN_ERROR);
	json_t *w = json_object_get(j, "warnings");
	cr_assert_eq(json_array_size(w), 1);
	cr_assert(json_is_string(json_array_get(w, 0)), "the bare warning became null");
	cr_assert_str_eq(json_string_value(json_array_get(w, 0)), "");
	json_decref(j);
}

Test(parse, a_dfu_device_s_id_in_a_listing_is_not_the_target_s)
{
	classify("=====  DFU Interface   =====\n"
		 "Total number of available STM32 device in DFU mode: 1\n"
		 "  Device Index           : USB1\n"
		 "  Product ID             : DFU in FS Mode\n"
		 "  Serial number          : 207F35A43130\n"
		 "  Device ID              : 0x0480\n"
		 "===== STLink Interface =====\n"
		 "-------- Connected ST-LINK Probes List --------\n"
		 "ST-Link Probe 0 :\n   ST-LINK SN  : 066DFF485750717867193015\n", HIL_PROG_LIST_PROBES, 0);
	cr_assert(!tx.has_device_id, "the DFU device's ID was taken as the target's");
	cr_assert_eq(tx.probe_count, 1);
	cr_assert_str_eq(tx.probes[0].serial, "066DFF485750717867193015");
}

Test(parse, a_probe_error_the_tool_got_past_is_not_no_probe)
{
	/* a DEV_CONNECT_ERR the tool retried past, then the install's marker */
	cr_assert_eq(classify("ST-LINK error (DEV_CONNECT_ERR)\nReconnected !\n"
			      "SFI Process Finished!\nSFI file x.sfi Install Operation Success\n",
			      HIL_PROG_SFI_INSTALL, 0), HIL_CLASS_SUCCESS);
	/* without a conclusion it is the probe */
	cr_assert_eq(classify("ST-LINK error (DEV_CONNECT_ERR)\n", HIL_PROG_SFI_INSTALL, 1),
		     HIL_CLASS_NO_PROBE);
	/* and said in an Error: line it is the probe whatever follows */
	cr_assert_eq(classify("Error: ST-LINK error (DEV_CONNECT_ERR)\nSFI Process Finished!\n",
			      HIL_PROG_SFI_INSTALL, 0), HIL_CLASS_NO_PROBE);
}
