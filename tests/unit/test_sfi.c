/* SFI images: ST's real v1 files (when ../shared is there), a corpus of
 * malformed files, the build/decrypt round trip, and the simulated RSS. */
#include "harness/transcript/cubeprog_parse.h"
#include "drivers/programmer/programmer.h"
#include "drivers/power/power.h"
#include "drivers/sim/rss.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/sfi/sfi_image.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define KEYS HIL_SOURCE_DIR "/fixtures/keys/test-key.hex", HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex"

static struct hil_sfi_image *load(const char *path)
{
	struct hil_sfi_image *img = NULL;

	cr_assert_eq(hil_sfi_image_load(&img, path), 0, "%s", hil_error_last());
	return img;
}

Test(sfi, st_data_sfi_has_the_documented_layout)
{
	const char *shared = test_shared_dir("ST's real .sfi images");
	char *path = NULL;

	if (!shared)
		cr_skip_test("no ../shared");
	cr_assert(asprintf(&path, "%s/ext/st-sfi-v1/data.sfi", shared) > 0);
	struct hil_sfi_image *img = load(path);
	cr_assert_eq(hil_sfi_image_check(img, 0x08000000u, 2u << 20), 0, "%s", img->problems[0].text);
	cr_assert_eq(img->protocol, 1);
	cr_assert_eq(img->areas_read, 3);
	static const struct { char type; uint32_t size, addr; } want[] = {
		{ 'F', 844, 0x08000000 }, { 'F', 9884, 0x08030000 }, { 'C', 36, 0 } };
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(img->areas[i].type, want[i].type);
		cr_assert_eq(img->areas[i].size, want[i].size);
		cr_assert_eq(img->areas[i].address, want[i].addr);
		cr_assert_eq(img->areas[i].version, 0x17);
	}
	hil_sfi_image_free(img);
	free(path);
	cr_assert(asprintf(&path, "%s/ext/st-sfi-v1/data_combined.sfi", shared) > 0);
	img = load(path);
	cr_assert_eq(hil_sfi_image_check(img, 0x08000000u, 2u << 20), 0);
	cr_assert_eq(img->areas_read, 4);
	cr_assert_eq(img->areas[2].type, 'M');
	cr_assert_eq(img->areas[2].size, 1688);
	hil_sfi_image_free(img);
	free(path);
}

static uint8_t *fixture(size_t *len)
{
	char *data = NULL;

	cr_assert_eq(hil_read_file(&data, len, HIL_SOURCE_DIR "/fixtures/images/sbsfu_rdp_bb.sfi",
				   1 << 20), 0);
	return (uint8_t *)data;
}

Test(sfi, truncation_at_every_offset_is_a_clear_error)
{
	size_t len;
	uint8_t *data = fixture(&len);

	for (size_t cut = 0; cut < len; cut++) {
		struct hil_sfi_image *img = NULL;
		int error = hil_sfi_image_parse(&img, "t.sfi", data, cut);
		if (error == 0)
			hil_sfi_image_check(img, 0x08000000u, 2u << 20);
		cr_assert(error < 0 || img->problem_count > 0, "cut at %zu accepted", cut);
		cr_assert(strlen(img->problems[0].text) > 10);
		hil_sfi_image_free(img);
	}
	free(data);
}

static const char *first_problem(uint8_t *data, size_t len, size_t *offset)
{
	static char text[256];
	struct hil_sfi_image *img = NULL;

	if (hil_sfi_image_parse(&img, "t.sfi", data, len) == 0)
		hil_sfi_image_check(img, 0x08000000u, 2u << 20);
	cr_assert_gt(img->problem_count, 0, "no problem found");
	snprintf(text, sizeof(text), "%s", img->problems[0].text);
	*offset = img->problems[0].offset;
	hil_sfi_image_free(img);
	return text;
}

Test(sfi, lies_in_the_file_are_found_with_their_offset)
{
	size_t len, off;
	uint8_t *data = fixture(&len);

	data[0] = 'X';
	cr_assert(strstr(first_problem(data, len, &off), "bad magic"));
	cr_assert_eq(off, 0);
	data[0] = 'S';
	data[10] = 9; /* header claims 9 areas */
	cr_assert(strstr(first_problem(data, len, &off), "announces 9 areas, the file holds 5"));
	cr_assert_eq(off, 10);
	data[10] = 5;
	data[28 + 4] = 0xFF; data[28 + 5] = 0xFF; data[28 + 6] = 0xFF; data[28 + 7] = 0x7F; /* size */
	cr_assert(strstr(first_problem(data, len, &off), "claims 2147483647 bytes"));
	cr_assert_eq(off, 32);
	free(data);
}

Test(sfi, checker_finds_pairs_addresses_c_area_and_overlaps)
{
	static const uint8_t fw[64] = { 1 };
	struct hil_sfi_keys k;
	struct hil_sfi_build_area bad[] = {
		{ 'F', 0x08000000, fw, 64 }, { 'F', 0x08000020, fw, 64 },   /* overlap */
		{ 'R', 0x081FF000, NULL, 0 },                               /* resume, no pause */
		{ 'F', 0x09000000, fw, 64 },                                /* outside flash */
		{ 'C', 0, fw, 32 },                                         /* C area of 32 */
	};
	uint8_t *data;
	size_t len;
	struct hil_sfi_image *img = NULL;

	cr_assert_eq(hil_sfi_keys_load(&k, KEYS), 0);
	cr_assert_eq(hil_sfi_build(&data, &len, &k, bad, 5), 0);
	cr_assert_eq(hil_sfi_image_parse(&img, "bad.sfi", data, len), 0);
	cr_assert_eq(hil_sfi_image_check(img, 0x08000000u, 2u << 20), 4);
	char all[2048] = "";
	for (size_t i = 0; i < img->problem_count; i++)
		strcat(strcat(all, img->problems[i].text), "\n");
	cr_assert(strstr(all, "resume area without a pause"), "%s", all);
	cr_assert(strstr(all, "outside the flash"), "%s", all);
	cr_assert(strstr(all, "is 32 bytes (expected 36"), "%s", all);
	cr_assert(strstr(all, "F areas 1 and 2 overlap"), "%s", all);
	hil_sfi_image_free(img);
	free(data);
}

Test(sfi, build_then_decrypt_gives_the_plaintext_and_any_flipped_bit_is_caught)
{
	uint8_t fw[300];
	struct hil_sfi_keys k, other;
	uint8_t *data, plain[300];
	size_t len;

	for (size_t i = 0; i < sizeof(fw); i++)
		fw[i] = (uint8_t)(i * 7);
	struct hil_sfi_build_area areas[] = { { 'F', 0x08000000, fw, 300 }, { 'C', 0, fw, 36 } };
	cr_assert_eq(hil_sfi_keys_load(&k, KEYS), 0);
	cr_assert_eq(hil_sfi_build(&data, &len, &k, areas, 2), 0);
	struct hil_sfi_image *img = NULL;
	cr_assert_eq(hil_sfi_image_parse(&img, "rt.sfi", data, len), 0);
	cr_assert_eq(hil_sfi_verify_header(&k, img), 0);
	cr_assert_eq(hil_sfi_decrypt_area(&k, img, 0, plain), 0);
	cr_assert_arr_eq(plain, fw, 300);
	cr_assert(memcmp(img->areas[0].payload, fw, 300) != 0, "the payload is encrypted");
	hil_sfi_image_free(img);
	other = k;
	other.key[0] ^= 1;
	cr_assert_eq(hil_sfi_image_parse(&img, "rt.sfi", data, len), 0);
	cr_assert_lt(hil_sfi_decrypt_area(&other, img, 0, plain), 0, "another key");
	hil_sfi_image_free(img);
	for (size_t byte = 0; byte < len; byte++) {
		bool caught = false;
		data[byte] ^= 0x10;
		if (hil_sfi_image_parse(&img, "rt.sfi", data, len) < 0 ||
		    hil_sfi_verify_header(&k, img) < 0)
			caught = true;
		for (size_t a = 0; !caught && a < img->areas_read; a++)
			caught = hil_sfi_decrypt_area(&k, img, a, plain) < 0;
		cr_assert(caught, "flipped bit in byte %zu not caught", byte);
		hil_sfi_image_free(img);
		img = NULL;
		data[byte] ^= 0x10;
	}
	free(data);
}

Test(sfi, fixture_images_are_what_build_images_sh_makes)
{
	char *dir = test_tmpdir(), *a = NULL, *b = NULL, *out = NULL;
	size_t la, lb;
	char *argv[] = { "/bin/bash", HIL_SOURCE_DIR "/fixtures/images/build-images.sh", HIL_BINARY, dir,
			 NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	static const char *const names[] = { "sbsfu_bb.sfi", "sbsfu_rdp_bb.sfi", "rdp-0xAA.sfi",
					     "rdp-0xBB.sfi" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *name = names[i];
		char *p1 = NULL, *p2 = NULL;
		cr_assert(asprintf(&p1, "%s/%s", dir, name) > 0);
		cr_assert(asprintf(&p2, HIL_SOURCE_DIR "/fixtures/images/%s", name) > 0);
		cr_assert_eq(hil_read_file(&a, &la, p1, 1 << 20), 0);
		cr_assert_eq(hil_read_file(&b, &lb, p2, 1 << 20), 0);
		cr_assert(la == lb && !memcmp(a, b, la), "%s differs from a rebuild", name);
		free(a);
		free(b);
		free(p1);
		free(p2);
	}
	free(out);
	free(dir);
}

Test(sfi, simulated_rss_reads_the_c_area_and_rejects_a_tampered_image)
{
	struct hil_diag d = { 0 };
	struct hil_sim_profile *prof = NULL;
	struct hil_sim_rss rss;
	size_t len;
	uint8_t *data = fixture(&len);
	struct hil_sfi_image *img = NULL;

	cr_assert_eq(hil_sim_profile_load(&prof, HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml", &d), 0);
	cr_assert_eq(hil_sfi_image_parse(&img, "x.sfi", data, len), 0);
	hil_sim_rss_open(&rss, prof, img);
	cr_assert(rss.authentic, "%s", rss.why);
	cr_assert_eq(rss.rdp, 0xBB, "sbsfu_rdp_bb asks for RDP level 1");
	cr_assert(rss.security);
	hil_sim_rss_close(&rss);
	hil_sfi_image_free(img);
	data[len - 1] ^= 1; /* the C area's last byte */
	cr_assert_eq(hil_sfi_image_parse(&img, "x.sfi", data, len), 0);
	hil_sim_rss_open(&rss, prof, img);
	cr_assert(!rss.authentic);
	cr_assert(strstr(rss.why, "area 5"), "%s", rss.why);
	hil_sim_rss_close(&rss);
	hil_sfi_image_free(img);
	hil_sim_profile_free(prof);
	free(data);
}

Test(sfi, installs_through_the_sim_show_what_the_image_asked_for)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	struct hil_power *pw;
	struct hil_programmer *prog;
	char *dir = test_tmpdir(), *tampered = NULL, *text = NULL;
	size_t len;
	uint8_t *data = fixture(&len);

	hil_clock_set_scale(0);
	cr_assert_eq(hil_registry_rack_load(&rack, HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", &d), 0);
	struct hil_driver_ctx ctx;
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 1, NULL), 0);
	const struct hil_rack_board *b = hil_rack_board_find(rack, "custom-bl92");
	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0);
	cr_assert_eq(hil_programmer_open(&prog, &ctx, "sim"), 0);
	hil_power_set(pw, &b->power, true);
	struct hil_prog_request req = { .op = HIL_PROG_SFI_INSTALL, .probe_serial = b->probe_serial,
					.image = HIL_SOURCE_DIR "/fixtures/images/sbsfu_rdp_bb.sfi",
					.hsm_slot = 1, .timeout_s = 30 };
	struct hil_prog_output out;
	struct hil_transcript tx;
	cr_assert_eq(hil_programmer_run(prog, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_eq(hil_cubeprog_classify(&tx, req.op, &out), HIL_CLASS_SUCCESS);
	hil_prog_output_clear(&out);
	req.op = HIL_PROG_READ_OB;
	cr_assert_eq(hil_programmer_run(prog, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_str_eq(tx.ob[0].name, "RDP");
	cr_assert_eq(tx.ob[0].value, 0xBB, "read_ob shows the RDP level the image asked for");
	hil_prog_output_clear(&out);
	data[len / 2] ^= 0x40;
	cr_assert(asprintf(&tampered, "%s/tampered.sfi", dir) > 0);
	cr_assert_eq(hil_write_file_atomic(tampered, data, len), 0);
	req.op = HIL_PROG_SFI_INSTALL;
	req.image = tampered;
	cr_assert_eq(hil_programmer_run(prog, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_eq(hil_cubeprog_classify(&tx, req.op, &out), HIL_CLASS_RSS_ERROR);
	cr_assert_eq(tx.rss_complete[tx.rss_count - 1], HIL_SIM_RSS_AUTH_FAILED);
	hil_prog_output_clear(&out);
	hil_programmer_close(prog);
	hil_power_close(pw);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	free(tampered);
	free(text);
	free(data);
	free(dir);
}

Test(sfi, a_fatal_problem_after_a_warning_is_the_error_reported)
{
	size_t len;
	uint8_t *data = fixture(&len);
	struct hil_sfi_image *img = NULL;

	data[8] = 2; /* protocol 2: a warning (no public layout) */
	/* then cut inside the first area descriptor: fatal */
	int error = hil_sfi_image_parse(&img, "t.sfi", data, 28 + 10);
	cr_assert_lt(error, 0);
	cr_assert(strstr(hil_error_last(), "truncated area descriptor"), "%s", hil_error_last());
	cr_assert(!strstr(hil_error_last(), "protocol version"), "%s", hil_error_last());
	cr_assert(strstr(img->problems[0].text, "protocol version"), "the warning is still listed");
	hil_sfi_image_free(img);
	free(data);
}
