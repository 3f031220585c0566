/* Simulated STM32_Programmer_CLI: runs an operation against the sim board
 * model and prints what the real tool would print. It does not classify
 * anything; the core parses this text like the real tool's. */
#include "drivers/programmer/programmer.h"
#include "drivers/sim/board.h"
#include "drivers/sim/config.h"
#include "drivers/sim/cli_text.h"
#include "drivers/sim/license.h"
#include "drivers/sim/protect.h"
#include "drivers/sim/rss.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sim_open(struct hil_driver *drv)
{
	struct hil_programmer *p = hil_programmer_of(drv);

	if (!p->drv.ctx->sim)
		return hil_error_set(HIL_ECONFIG, "sim programmer: the driver context has no "
				     "simulated world (hil_driver_ctx_init)");
	return 0;
}

static void sim_close(struct hil_driver *drv)
{
	(void)drv;
}

static void install_failure_tail(struct hil_strbuf *t, struct hil_sim_board *b, const char *path)
{
	const struct hil_sim_profile *prof = hil_sim_board_profile(b);

	hil_cli_elapsed(t, "option Bytes configuration", 0.019);
	hil_cli_elapsed(t, "option Bytes configuration", 0.028);
	hil_strbuf_printf(t, "Waiting %us for end of regression...\n",
			  (prof->regression_wait_ms + 999) / 1000);
	hil_clock_sleep_ms(prof->regression_wait_ms);
	hil_cli_ob_dump(t, b, "Display OB after Abort for sanity check");
	hil_strbuf_printf(t, "Error: %s SFI file Install Operation Failure! Please, try again\n", path);
}

static void reconnect(struct hil_strbuf *t, struct hil_sim_board *b,
		      const struct hil_prog_request *req)
{
	hil_clock_sleep_ms(hil_sim_board_profile(b)->connect_ms);
	hil_cli_connect_block(t, b, req, false);
	hil_strbuf_puts(t, "Reconnected !\n");
}

/* What a successful install leaves: the decrypted F areas in flash (now
 * and then corrupted, per the profile), and the option bytes the C area
 * asked for. */
static void write_areas(struct hil_sim_board *b, const struct hil_sfi_image *img,
			const struct hil_sim_rss *rss, const struct hil_sim_rule *rule, uint64_t salt)
{
	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		if (a->type != 'F')
			continue;
		hil_sim_board_flash_write(b, a->address, rss->plain[i], a->size);
		if (rule && hil_sim_board_random(b, salt * 131 + i) < rule->corruption_rate)
			hil_sim_board_flash_corrupt(b, a->address, a->size, salt * 131 + i);
	}
	if (rss->has_c_area) {
		hil_sim_board_ob_set(b, "RDP", rss->rdp);
		hil_sim_board_ob_set(b, "SECURITY", rss->security);
	}
	if (rule && rule->disables_debug) /* it runs after the install's last reset */
		hil_sim_board_set_debug_locked(b, true);
}

/* The last SFI part and its conclusion, per the profile's rule. */
static int sfi_finish(struct hil_strbuf *t, struct hil_sim_board *b,
		      const struct hil_prog_request *req, const struct hil_sfi_image *img,
		      const struct hil_sim_rss *rss, const struct hil_sim_rule *rule)
{
	const char *path = req->image;
	uint64_t salt = req->salt;
	enum hil_sim_outcome outcome = rule ? rule->outcome : HIL_SIM_SUCCESS;
	uint32_t rss_value = outcome == HIL_SIM_RSS_ERROR ? rule->rss : 0;

	if (!rss->authentic) { /* the RSS rejects the image before writing anything */
		outcome = HIL_SIM_RSS_ERROR;
		rss_value = HIL_SIM_RSS_AUTH_FAILED;
	} else if (hil_sim_sfi_refused(b)) { /* not SFI's starting state (protect.c) */
		outcome = HIL_SIM_RSS_ERROR;
		rss_value = HIL_SIM_RSS_NOT_INSTALLABLE;
	}
	hil_clock_sleep_ms(hil_sim_board_profile(b)->rss_ms);
	if (outcome == HIL_SIM_SUCCESS) {
		hil_strbuf_puts(t, "all areas processed\nRSS process started...\nhalt ap 0\nrun ap 0\n"
			       "RSS command execution OK\n");
		if (rule && rule->unverified_warning)
			hil_strbuf_puts(t, "Warning: Could not verify security state after last "
				       "chunk programming\n");
		hil_strbuf_printf(t, "SFI Process Finished!\nSFI file %s Install Operation Success\n",
				  path);
		write_areas(b, img, rss, rule, salt);
		return 0;
	}
	hil_cli_rss_complete(t, rss_value);
	reconnect(t, b, req);
	hil_strbuf_puts(t, "Error: SECURITY State Fail\nError: Invalid state after SFI install !\n");
	if (outcome == HIL_SIM_RSS_ERROR)
		hil_strbuf_puts(t, "Error: RSS internal system error or License is invalid !\n");
	install_failure_tail(t, b, path);
	return 1;
}

/* What the simulated tool writes (a certificate, a licence, a read-back):
 * whole or not at all, as a reader must never see half a file, but not
 * fsync'ed: the real tool does not sync its output either, and a sync per
 * install cost the benchmark's campaigns two disk flushes each. */
static int save(struct hil_strbuf *t, const char *path, const void *data, size_t len)
{
	if (hil_write_file_replace(path, data, len) == 0)
		return 0;
	hil_strbuf_printf(t, "Error: cannot write %s: %s\n", path, hil_error_last()); /* unverified */
	return 1;
}

static int sim_certificate(struct hil_strbuf *t, struct hil_sim_board *b, const char *path)
{
	uint8_t cert[HIL_SIM_CERT_SIZE];

	hil_sim_certificate(b, cert);
	hil_strbuf_puts(t, "Reading the chip Certificate...\nRequesting Chip Certificate from device ...\n");
	if (save(t, path, cert, sizeof(cert)))
		return 1;
	/* S6/S7's line; unverified: "Certificate saved to" */
	hil_strbuf_printf(t, "Get Certificate done successfully\nCertificate saved to %s\n", path);
	return 0;
}

/* -hsmgetlicense: one HSM draw, a licence file for this chip. */
static int sim_get_license(struct hil_strbuf *t, struct hil_sim_world *w, struct hil_sim_board *b,
			   const struct hil_prog_request *req)
{
	int slot = req->hsm_slot < 0 ? 1 : req->hsm_slot;
	uint8_t lic[HIL_SIM_LICENSE_SIZE];

	hil_strbuf_puts(t, "Requesting Chip Certificate from device ...\nGet Certificate done successfully\n"
		       "requesting license for the current STM32 device\nInit Communication ...\n"
		       "P11 lib initialization Success!\n");
	if (hil_sim_hsm_counter(w, slot) <= 0) {
		/* unverified: wording */
		hil_strbuf_printf(t, "Error: Failed to get License for Firmware from HSM slot ID %d: "
				  "counter exhausted\n", slot);
		return 1;
	}
	hil_sim_hsm_take(w, slot);
	hil_sim_license_for(b, lic);
	if (save(t, req->upload_path, lic, sizeof(lic)))
		return 1;
	/* unverified: -hsmgetlicense's answer and "License saved to" (the
	 * first two lines are the install's, S6/S7) */
	hil_strbuf_printf(t, "Succeed to generate license for the current STM32 device\n"
			  "Succeed to get License for Firmware from HSM slot ID %d\n"
			  "License saved to %s\n", slot, req->upload_path);
	return 0;
}

/* hsm=0: the licence file must be this chip's. */
static bool license_file_ok(struct hil_strbuf *t, struct hil_sim_board *b, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	bool ok = hil_read_file(&data, &len, path ? path : "", 4096) == 0 &&
		  hil_sim_license_valid(b, (const uint8_t *)data, len);

	free(data);
	if (!ok) /* unverified: the licence-file check's wording */
		hil_strbuf_printf(t, "Error: License file %s is not valid for this device\n",
				  path ? path : "(none)");
	return ok;
}

static int sim_sfi(struct hil_strbuf *t, struct hil_sim_world *w, struct hil_sim_board *b,
		   const struct hil_prog_request *req)
{
	const struct hil_sim_profile *prof = hil_sim_board_profile(b);
	const struct hil_sim_rule *rule;
	struct hil_sfi_image *img = NULL;
	struct hil_sim_rss rss;
	struct hil_sim_ob ob[16];
	unsigned parts = 1, kib;
	bool secured = false;
	int status;

	if (hil_sfi_image_load(&img, req->image) < 0) {
		/* unverified: wording */
		hil_strbuf_printf(t, "Error: SFI file %s cannot be used: %s\n", req->image,
				  hil_error_last());
		hil_sfi_image_free(img);
		return 1;
	}
	hil_sim_rss_open(&rss, prof, img);
	rule = hil_sim_profile_match(prof, req->image, rss.authentic && rss.has_c_area, rss.rdp);
	hil_cli_sfi_parse(t, req->image, req->hsm_slot, req->license_file, img);
	if (req->hsm_slot < 0 && !license_file_ok(t, b, req->license_file)) {
		hil_sim_rss_close(&rss);
		hil_sfi_image_free(img);
		return 1;
	}
	if (req->hsm_slot >= 0 && (!rule || rule->outcome != HIL_SIM_LICENSE_ERROR))
		hil_sim_hsm_take(w, req->hsm_slot);
	hil_cli_license(t, req->hsm_slot, !rule || rule->outcome != HIL_SIM_LICENSE_ERROR);
	if (rule && rule->outcome == HIL_SIM_LICENSE_ERROR) {
		/* the harness draws first (-hsmgetlicense) and installs with the
		 * file: the profile's refused licence is refused here (sim wording) */
		if (req->hsm_slot < 0)
			hil_strbuf_printf(t, "Error: License file %s is not valid for this device\n",
					  req->license_file ? req->license_file : "(none)");
		hil_sim_rss_close(&rss);
		hil_sfi_image_free(img);
		return 1;
	}
	for (size_t i = 0, n = hil_sim_board_ob(b, ob, 16); i < n; i++)
		secured = secured || (!strcmp(ob[i].name, "SECURITY") && ob[i].value);
	hil_cli_activate_security(t, secured, !rule || rule->outcome != HIL_SIM_ACTIVATION_FAIL);
	if (rule && rule->outcome == HIL_SIM_ACTIVATION_FAIL) {
		hil_strbuf_printf(t, "Error: %s SFI file Install Operation Failure! Please, try again\n",
				  req->image);
		hil_sim_rss_close(&rss);
		hil_sfi_image_free(img);
		return 1;
	}
	hil_sim_board_ob_set(b, "SECURITY", 1);
	hil_cli_set_write_mode(t);
	for (size_t i = 0; i < img->areas_read; i++)
		parts += img->areas[i].type == 'P';
	kib = (unsigned)(img->length / 1024 / parts + 1);
	/* a failing install stops after part 1, as the seed's BL 0x91 log does
	 * (its 9-area image has a P/R split, so 2 parts) */
	unsigned last = !rss.authentic || (rule && rule->outcome != HIL_SIM_SUCCESS) ? 1 : parts;
	for (unsigned part = 1; part < last; part++) {
		hil_cli_part_start(t, part);
		hil_clock_sleep_ms(prof->per_kib_ms * kib + prof->rss_ms);
		hil_cli_rss_complete(t, 0);
		hil_strbuf_puts(t, "Reconnecting...\n");
		reconnect(t, b, req);
		hil_strbuf_puts(t, "Requesting security state...\n");
	}
	hil_cli_part_start(t, last);
	hil_clock_sleep_ms(prof->per_kib_ms * kib);
	status = sfi_finish(t, b, req, img, &rss, rule);
	hil_sim_rss_close(&rss);
	hil_sfi_image_free(img);
	return status;
}

static int sim_read_flash(struct hil_strbuf *t, struct hil_sim_board *b,
			  const struct hil_prog_request *req)
{
	uint8_t *data = hil_xmalloc(req->size);
	FILE *f = NULL;
	int status = 1;

	/* unverified: the -u answer's wording, its errors and its end */
	hil_strbuf_printf(t, "UPLOADING ...\n  Size          : %u Bytes\n  Address       : 0x%X\n\n"
			  "Read progress:\n", req->size, req->address);
	hil_clock_sleep_ms(hil_sim_board_profile(b)->per_kib_ms * (req->size / 1024 + 1) / 4);
	if (hil_sim_reads_blocked(b)) {
		hil_strbuf_puts(t, "Error: Data read failed\n"); /* RDP 1 (protect.c) */
	} else if (hil_sim_board_flash_read(b, req->address, data, req->size) < 0) {
		hil_strbuf_printf(t, "Error: failed to read memory at address 0x%X\n", req->address);
	} else if (!(f = fopen(req->upload_path, "wbe")) ||
		   fwrite(data, 1, req->size, f) != req->size) {
		hil_strbuf_printf(t, "Error: failed to write file %s: %s\n", req->upload_path,
				  strerror(errno));
	} else {
		hil_strbuf_puts(t, "Data read successfully\n");
		hil_cli_elapsed(t, "the read operation is", 0.01);
		status = 0;
	}
	if (f)
		fclose(f);
	free(data);
	return status;
}

/* The word at @address: the chip UID, or flash. */
static bool read_word(struct hil_sim_board *b, uint32_t address, uint32_t *word)
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);
	uint32_t uid_at = hil_chip_uid_address(p->device_id), uid[3];
	uint8_t bytes[4];

	if (uid_at && address >= uid_at && address - uid_at < HIL_CHIP_UID_BYTES) {
		hil_sim_board_uid(b, uid);
		*word = uid[(address - uid_at) / 4];
		return true;
	}
	if (hil_sim_reads_blocked(b) || hil_sim_board_flash_read(b, address, bytes, sizeof(bytes)) < 0)
		return false;
	*word = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
		(uint32_t)bytes[3] << 24;
	return true;
}

/* -r32 ADDRESS SIZE, four words a line as the real tool prints them. */
static int sim_read_words(struct hil_strbuf *t, struct hil_sim_board *b,
			  const struct hil_prog_request *req)
{
	uint32_t word;

	/* unverified: the -r32 answer's wording */
	hil_strbuf_printf(t, "Reading 32-bit memory content\n  Size          : %u Bytes\n"
			  "  Address:      : 0x%08X\n\n", req->size, req->address);
	if (!req->size || req->size % 4 || req->address % 4) {
		hil_strbuf_puts(t, "Error: the address and size must be multiples of 4\n"); /* unverified */
		return 1;
	}
	for (uint32_t off = 0; off < req->size; off += 4) {
		if (!read_word(b, req->address + off, &word)) {
			/* unverified: wording */
			hil_strbuf_printf(t, "\nError: failed to read memory at address 0x%08X\n",
					  req->address + off);
			return 1;
		}
		if (off % 16 == 0)
			hil_strbuf_printf(t, "%s0x%08X :", off ? "\n" : "", req->address + off);
		hil_strbuf_printf(t, " %08X", word);
	}
	hil_strbuf_puts(t, "\n\n");
	return 0;
}

static int sim_list_probes(struct hil_strbuf *t, struct hil_sim_world *w)
{
	struct hil_sim_board *b;
	unsigned n = 0;

	hil_strbuf_puts(t, "      -------------------------------------------------------------------\n"
		       "                        STM32CubeProgrammer v2.10.0                  \n"
		       "      -------------------------------------------------------------------\n\n"
		       "===== STLink Interface =====\n\n-------- Connected ST-LINK Probes List --------\n\n");
	for (size_t i = 0; (b = hil_sim_board_at(w, i)); i++) {
		const struct hil_sim_profile *prof = hil_sim_board_profile(b);
		if (!hil_sim_board_probe_present(b))
			continue;
		hil_strbuf_printf(t, "ST-Link Probe %u :\n   ST-LINK SN  : %s\n   ST-LINK FW  : %s\n"
				  "   Access Port Number  : 2\n   Board Name  : %s\n"
				  "----------------------------------------------\n", n++,
				  hil_sim_board_serial(b), prof->probe_firmware, prof->probe_product);
	}
	if (!n)
		hil_strbuf_puts(t, "Error: No ST-Link detected!\n");
	return n ? 0 : 1;
}

/* unverified: the whole -hsmgetcounter answer; the real text is in none of
 * the sources read (docs/lab-setup.md "Day one" asks for a capture) */
static int sim_hsm_counter(struct hil_strbuf *t, struct hil_sim_world *w, int slot)
{
	int left = hil_sim_hsm_counter(w, slot < 0 ? 1 : slot);

	if (left < 0) {
		hil_strbuf_printf(t, "Error: no HSM in reader slot %d\n", slot);
		return 1;
	}
	hil_strbuf_printf(t, "Getting the HSM counter from slot %d ...\nHSM counter : %d\n",
			  slot < 0 ? 1 : slot, left);
	return 0;
}

/* Misbehaviour scheduled through the fault API or the profile. */
static void apply_fault(enum hil_sim_fault fault, const struct hil_prog_request *req,
			struct hil_strbuf *t, struct hil_prog_output *out)
{
	size_t half = t->len / 2;

	switch (fault) {
	case HIL_SIM_FAULT_HANG:
		hil_clock_sleep_ms(req->timeout_s * 1000u);
		t->len = half;
		out->timed_out = true;
		out->signaled = true;
		out->term_signal = SIGKILL;
		break;
	case HIL_SIM_FAULT_CRASH:
		t->len = half;
		out->signaled = true;
		out->term_signal = SIGSEGV;
		break;
	case HIL_SIM_FAULT_TRUNCATE:
		t->len = half;
		out->exit_status = 0;
		break;
	case HIL_SIM_FAULT_GARBAGE:
		t->len = 0;
		hil_strbuf_puts(t, "\x1b[31m\x01\x02 ?? ST-LINK \xff\xfe usb_bulk_transfer -7 ...\n");
		out->exit_status = 1;
		break;
	default:
		return;
	}
	if (t->buf)
		t->buf[t->len] = '\0';
}

static int sim_run(struct hil_programmer *p, const struct hil_prog_request *req,
		   struct hil_prog_output *out)
{
	struct hil_sim_world *w = p->drv.ctx->sim;
	struct hil_sim_board *b = hil_sim_board_by_serial(w, req->probe_serial);
	struct hil_strbuf t = HIL_STRBUF_INIT;
	enum hil_sim_fault fault = HIL_SIM_FAULT_NONE;
	int status = 1;

	memset(out, 0, sizeof(*out));
	if (req->op == HIL_PROG_LIST_PROBES || req->op == HIL_PROG_HSM_COUNTER) {
		status = req->op == HIL_PROG_LIST_PROBES ? sim_list_probes(&t, w)
							 : sim_hsm_counter(&t, w, req->hsm_slot);
		goto done;
	}
	if (!b || !hil_sim_board_probe_present(b)) {
		hil_cli_no_probe(&t);
		goto done;
	}
	fault = hil_sim_board_fault_take(b, HIL_SIM_POINT_PROGRAMMER);
	hil_cli_banner(&t, hil_sim_board_profile(b));
	hil_clock_sleep_ms(hil_sim_board_profile(b)->connect_ms);
	if (!hil_sim_board_target_alive(b) || !hil_sim_connectable(b, req->under_reset)) {
		hil_cli_no_target(&t, b);
		goto done;
	}
	hil_cli_connect_block(&t, b, req, true);
	switch (req->op) {
	case HIL_PROG_IDENTIFY:
		status = 0;
		break;
	case HIL_PROG_RSS_VERSION:
		status = hil_cli_rss_version(&t, hil_sim_board_profile(b));
		break;
	case HIL_PROG_ABORT:
		hil_strbuf_puts(&t, "Abort operation done\n"); /* unverified: -a's answer */
		status = 0;
		break;
	case HIL_PROG_LIST_PROBES:
	case HIL_PROG_HSM_COUNTER:
		break; /* handled before connecting */
	case HIL_PROG_GET_CERTIFICATE:
		status = sim_certificate(&t, b, req->upload_path);
		break;
	case HIL_PROG_HSM_GET_LICENSE:
		status = sim_get_license(&t, w, b, req);
		break;
	case HIL_PROG_READ_OB:
		hil_cli_ob_dump(&t, b, "      OPTION BYTES BANK: 0\n");
		status = 0;
		break;
	case HIL_PROG_READ_FLASH:
		status = sim_read_flash(&t, b, req);
		break;
	case HIL_PROG_READ_WORDS:
		status = sim_read_words(&t, b, req);
		break;
	case HIL_PROG_SFI_INSTALL:
		status = sim_sfi(&t, w, b, req);
		break;
	case HIL_PROG_RDP_REGRESS:
		status = hil_sim_rdp_regress(&t, b);
		break;
	case HIL_PROG_ERASE_ALL:
		status = hil_sim_erase_all(&t, b);
		break;
	}
done:
	out->exit_status = status;
	apply_fault(fault, req, &t, out);
	out->length = t.len;
	out->transcript = hil_strbuf_detach(&t);
	return 0;
}

const struct hil_programmer_ops hil_programmer_sim = {
	.drv = {
		.name = "sim",
		.role = HIL_ROLE_PROGRAMMER,
		.priv_size = 0,
		.check = hil_sim_check_rack,
		.open = sim_open,
		.close = sim_close,
	},
	.run = sim_run,
};
