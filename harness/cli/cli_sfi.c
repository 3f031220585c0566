/* `sfi-harness sfi inspect [--json] FILE` and `sfi-harness sfi build ...`:
 * look inside an SFI image, and make test images with a known key. */
#include "harness/cli/cli.h"
#include "harness/util/error.h"
#include "harness/util/json_util.h"
#include "harness/util/term.h"
#include "harness/util/fileutil.h"
#include "harness/transcript/outcome.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: sfi-harness sfi inspect [--json] [--flash-kb N] FILE\n"
	"       sfi-harness sfi build --key K --nonce N --area TYPE:ADDR:FILE ...\n"
	"                             [--ob-words W1,...,W9] [--image-version V] -o OUT.sfi\n"
	"\n"
	"inspect: the header, each area (type, index, size, address, tag), the file's\n"
	"sha256 and every problem found, each with its byte offset. Addresses are\n"
	"checked against the flash of an STM32H7A/B (0x08000000, --flash-kb 2048).\n"
	"Exit 0 for a valid image, 2 for a malformed one.\n"
	"\n"
	"build: a protocol-1 image, AES-128-GCM (docs/sfi.md). K and N: files of 16 and\n"
	"12 bytes, or 32 and 24 hex digits. TYPE is F, M, P or R (P/R take '-' as\n"
	"FILE); --ob-words adds the 36-byte C area (nine 32-bit option-byte words).\n";

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static json_t *inspect_json(const char *path, const struct hil_sfi_image *img)
{
	json_t *areas = json_array(), *problems = json_array();
	char sha[65], tag[33];

	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		char type[2] = { a->type, 0 }, addr[16];
		hex(tag, a->tag, 16);
		snprintf(addr, sizeof(addr), "0x%08X", a->address);
		json_array_append_new(areas, json_pack("{s:i, s:s, s:I, s:s, s:i, s:s, s:I}", "index",
						       a->index, "type", type, "size", (json_int_t)a->size,
						       "address", addr, "version", a->version, "tag", tag,
						       "offset", (json_int_t)a->offset));
	}
	for (size_t i = 0; i < img->problem_count; i++)
		json_array_append_new(problems, json_pack("{s:I, s:s}", "offset",
							  (json_int_t)img->problems[i].offset, "problem",
							  img->problems[i].text));
	hex(sha, img->sha256, 32);
	hex(tag, img->tag, 16);
	return json_pack("{s:s, s:I, s:s, s:i, s:i, s:b, s:s, s:o, s:o, s:b}", "file", path, "size",
			 (json_int_t)img->length, "sha256", sha, "protocol_version", img->protocol,
			 "areas_total", img->area_count, "unverified", img->unverified, "tag", tag,
			 "areas", areas, "problems", problems, "valid", img->problem_count == 0);
}

static void inspect_text(const char *path, const struct hil_sfi_image *img)
{
	char sha[65], tag[33];

	hex(sha, img->sha256, 32);
	hex(tag, img->tag, 16);
	hil_term_printf(stdout, "%s: %zu bytes, sha256 %s\n", path, img->length, sha);
	printf("header: protocol %u%s, %u areas, tag %s\n", img->protocol,
	       img->unverified ? " (layout UNVERIFIED)" : "", img->area_count, tag);
	printf("  #   type  size       address     offset  tag\n");
	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		hex(tag, a->tag, 16);
		printf("  %-3u %c     %-10u 0x%08X  %-7zu %s\n", a->index, a->type, a->size, a->address,
		       a->offset, tag);
	}
	for (size_t i = 0; i < img->problem_count; i++)
		hil_term_printf(stdout, "problem at offset %zu: %s\n", img->problems[i].offset,
				img->problems[i].text);
	printf("%s\n", img->problem_count ? "INVALID" : "valid");
}

static int cmd_inspect(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "flash-kb", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hil_sfi_image *img = NULL;
	bool as_json = false;
	unsigned long flash_kb = 2048;
	int c, error;

	while ((c = getopt_long(argc, argv, "jf:h", options, NULL)) != -1) {
		if (c == 'j')
			as_json = true;
		else if (c == 'f')
			flash_kb = strtoul(optarg, NULL, 10);
		else if (c == 'h')
			return fputs(usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("sfi inspect", "unknown option");
	}
	if (optind != argc - 1)
		return hil_cli_usage_error("sfi inspect", "give one FILE");
	error = hil_sfi_image_load(&img, argv[optind]);
	if (!img) {
		fprintf(stderr, "sfi-harness sfi inspect: %s\n", hil_error_last());
		return HIL_EXIT_USAGE;
	}
	if (error == 0)
		hil_sfi_image_check(img, 0x08000000u, (uint32_t)(flash_kb * 1024));
	if (as_json) {
		json_t *j = inspect_json(argv[optind], img);
		char *text = hil_json_dumps_ascii(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(text);
		free(text);
		json_decref(j);
	} else {
		inspect_text(argv[optind], img);
	}
	int status = img->problem_count ? HIL_EXIT_USAGE : HIL_EXIT_OK;
	hil_sfi_image_free(img);
	return status;
}

struct build_args {
	const char *key, *nonce, *out, *ob_words;
	struct hil_sfi_build_area areas[64];
	char *payloads[64];
	size_t count;
};

static int add_area(struct build_args *b, const char *spec)
{
	char type, *end, file[4096];
	unsigned long addr;
	size_t len = 0;

	if (b->count >= 63 || strlen(spec) < 5 || spec[1] != ':')
		return hil_error_set(HIL_ECONFIG, "--area '%s': expected TYPE:ADDR:FILE", spec);
	type = spec[0];
	addr = strtoul(spec + 2, &end, 0);
	if (*end != ':' || !strchr("FMPR", type))
		return hil_error_set(HIL_ECONFIG, "--area '%s': expected TYPE (F, M, P, R):ADDR:FILE",
				     spec);
	snprintf(file, sizeof(file), "%s", end + 1);
	if (strcmp(file, "-") != 0 && hil_read_file(&b->payloads[b->count], &len, file, 32u << 20) < 0)
		return HIL_EIO;
	b->areas[b->count] = (struct hil_sfi_build_area){ type, (uint32_t)addr,
							  (const uint8_t *)b->payloads[b->count], len };
	b->count++;
	return 0;
}

static int add_ob_words(struct build_args *b)
{
	uint8_t *c = hil_xcalloc(1, HIL_SFI_C_AREA_SIZE);
	const char *p = b->ob_words;
	int n = 0;

	for (; n < 9 && *p; n++) {
		char *end;
		unsigned long w = strtoul(p, &end, 0);
		for (int k = 0; k < 4; k++)
			c[4 * n + k] = (uint8_t)(w >> (8 * k));
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
	if (n != 9 || *p) {
		free(c);
		return hil_error_set(HIL_ECONFIG, "--ob-words: expected nine comma-separated 32-bit "
				     "words (the H7 C area)");
	}
	b->payloads[b->count] = (char *)c;
	b->areas[b->count++] = (struct hil_sfi_build_area){ 'C', 0, c, HIL_SFI_C_AREA_SIZE };
	return 0;
}

/* What `sfi inspect` would call INVALID is not written: the checker that
 * inspect runs (addresses in the H7A/B's 2 MiB of flash, pairs, the C area)
 * runs on the built image first. */
static int refuse_invalid(const uint8_t *img, size_t len, const char *name)
{
	struct hil_sfi_image *parsed = NULL;
	int error = hil_sfi_image_parse(&parsed, name, img, len);

	if (error == 0 && hil_sfi_image_check(parsed, 0x08000000u, 2u << 20) > 0)
		error = hil_error_set(HIL_ECONFIG, "the image would be invalid, not written: offset "
				      "%zu: %s (sfi inspect checks the same)",
				      parsed->problems[0].offset, parsed->problems[0].text);
	hil_sfi_image_free(parsed);
	return error;
}

static int cmd_build(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "area", required_argument, NULL, 'a' },
		{ "ob-words", required_argument, NULL, 'w' },
		{ "image-version", required_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_args b = { 0 };
	struct hil_sfi_keys keys;
	uint8_t *img = NULL;
	size_t len;
	int c, error = 0;

	while (!error && (c = getopt_long(argc, argv, "k:n:a:w:v:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'k': b.key = optarg; break;
		case 'n': b.nonce = optarg; break;
		case 'a': error = add_area(&b, optarg); break;
		case 'w': b.ob_words = optarg; break;
		case 'v':
			fprintf(stderr, "sfi-harness sfi build: note: protocol 1 has no image-version "
				"field; --image-version %s is not stored\n", optarg);
			break;
		case 'o': b.out = optarg; break;
		case 'h': fputs(usage, stdout); return HIL_EXIT_OK;
		default: return hil_cli_usage_error("sfi build", "unknown option");
		}
	}
	if (!error && (!b.key || !b.nonce || !b.out || (!b.count && !b.ob_words)))
		error = hil_error_set(HIL_ECONFIG, "--key, --nonce, -o and at least one area are needed");
	if (!error && b.ob_words)
		error = add_ob_words(&b);
	if (!error)
		error = hil_sfi_keys_load(&keys, b.key, b.nonce);
	if (!error)
		error = hil_sfi_build(&img, &len, &keys, b.areas, b.count);
	if (!error)
		error = refuse_invalid(img, len, b.out);
	if (!error)
		error = hil_write_file_atomic(b.out, img, len);
	for (size_t i = 0; i < b.count; i++)
		free(b.payloads[i]);
	free(img);
	if (error) {
		fprintf(stderr, "sfi-harness sfi build: %s\n", hil_error_last());
		return HIL_EXIT_USAGE;
	}
	printf("%s: %zu bytes, %zu areas\n", b.out, len, b.count);
	return HIL_EXIT_OK;
}

int hil_cli_sfi(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "build"))
		return cmd_build(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return fputs(usage, stdout), HIL_EXIT_OK;
	return hil_cli_usage_error("sfi", "expected 'inspect' or 'build'");
}
