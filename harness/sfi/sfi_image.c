/* .sfi reader and checker; see sfi_image.h. Every read is bounds-checked
 * against the file length: images come from outside. */
#include "harness/sfi/sfi_image.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMAGE_BYTES (64u * 1024 * 1024)
#define MAX_AREAS 4096

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void problem(struct hil_sfi_image *img, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct hil_sfi_image *img, size_t offset, const char *fmt, ...)
{
	va_list ap;

	if (img->problem_count >= HIL_SFI_MAX_PROBLEMS)
		return;
	img->problems[img->problem_count].offset = offset;
	va_start(ap, fmt);
	vsnprintf(img->problems[img->problem_count].text, sizeof(img->problems[0].text), fmt, ap);
	va_end(ap);
	img->problem_count++;
}

void hil_sfi_image_free(struct hil_sfi_image *img)
{
	if (!img)
		return;
	free(img->areas);
	free(img->data);
	free(img);
}

/* The problem that stops the walk: recorded last (replacing the last
 * warning when the list is full) and reported as the error, never a
 * warning that came before it. */
static int fatal(struct hil_sfi_image *img, const char *name, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fatal(struct hil_sfi_image *img, const char *name, size_t offset, const char *fmt, ...)
{
	struct hil_sfi_problem *p;
	va_list ap;

	if (img->problem_count == HIL_SFI_MAX_PROBLEMS)
		img->problem_count--;
	p = &img->problems[img->problem_count++];
	p->offset = offset;
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
	return hil_error_set(HIL_EPROTO, "%s: offset %zu: %s", name, p->offset, p->text);
}

static int walk_header(struct hil_sfi_image *img, const char *name)
{
	const uint8_t *d = img->data;

	if (img->length < HIL_SFI_HEADER_SIZE) {
		return fatal(img, name, img->length, "file too short for an SFI header (%zu bytes, expected "
			"at least 28)", img->length);
	}
	if (memcmp(d, "SFIMAGIC", 8) != 0) {
		return fatal(img, name, 0, "bad magic (expected \"SFIMAGIC\")");
	}
	img->protocol = le16(d + 8);
	img->area_count = le16(d + 10);
	memcpy(img->tag, d + 12, 16);
	if (img->protocol != 1) {
		img->unverified = true;
		problem(img, 8, "protocol version %u has no public layout: areas read with the v1 "
			"layout, UNVERIFIED", img->protocol);
	}
	return 0;
}

static int walk_areas(struct hil_sfi_image *img, const char *name)
{
	const uint8_t *d = img->data;
	size_t off = HIL_SFI_HEADER_SIZE, cap = 0;

	while (off < img->length) {
		struct hil_sfi_area *a;

		if (img->length - off < HIL_SFI_AREA_HEADER_SIZE) {
			return fatal(img, name, off, "truncated area descriptor (%zu bytes left, expected 30)",
				img->length - off);
		}
		if (img->areas_read == MAX_AREAS) {
			return fatal(img, name, off, "more than %d areas", MAX_AREAS);
		}
		if (img->areas_read == cap) {
			cap = cap ? cap * 2 : 8;
			img->areas = hil_xrealloc(img->areas, cap * sizeof(*img->areas));
		}
		a = &img->areas[img->areas_read];
		memset(a, 0, sizeof(*a));
		a->offset = off;
		a->type = (char)d[off];
		a->version = d[off + 1];
		a->index = le16(d + off + 2);
		a->size = le32(d + off + 4);
		a->address = le32(d + off + 8);
		a->total = le16(d + off + 12);
		memcpy(a->tag, d + off + 14, 16);
		off += HIL_SFI_AREA_HEADER_SIZE;
		if (a->size > img->length - off) {
			return fatal(img, name, a->offset + 4, "area %u claims %u bytes, only %zu left in the file",
				a->index, a->size, img->length - off);
		}
		a->payload = d + off;
		off += a->size;
		img->areas_read++;
	}
	if (img->areas_read != img->area_count)
		problem(img, 10, "the header announces %u areas, the file holds %zu", img->area_count,
			img->areas_read);
	return 0;
}

int hil_sfi_image_parse(struct hil_sfi_image **out, const char *name,
			const uint8_t *data, size_t length)
{
	struct hil_sfi_image *img = hil_xcalloc(1, sizeof(*img));
	unsigned int md_len = 0;
	int error;

	img->data = hil_xmalloc(length);
	memcpy(img->data, data, length);
	img->length = length;
	EVP_Digest(data, length, img->sha256, &md_len, EVP_sha256(), NULL);
	if ((error = walk_header(img, name)) == 0)
		error = walk_areas(img, name);
	*out = img;
	return error;
}

int hil_sfi_image_load(struct hil_sfi_image **out, const char *path)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf;
	long size;
	int error;

	*out = NULL;
	if (!f)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (unsigned long)size > MAX_IMAGE_BYTES) {
		fclose(f);
		return hil_error_set(HIL_EIO, "%s: not a readable file of at most 64 MiB", path);
	}
	buf = hil_xmalloc((size_t)size);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(buf);
		return hil_error_set(HIL_EIO, "%s: read error", path);
	}
	fclose(f);
	error = hil_sfi_image_parse(out, path, buf, (size_t)size);
	free(buf);
	return error;
}

static void check_pairs(struct hil_sfi_image *img)
{
	int open_pause = -1;

	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		if (a->type == 'P') {
			if (open_pause >= 0)
				problem(img, a->offset, "area %u: pause area while area %d's pause has no "
					"resume (expected P then R)", a->index, open_pause);
			open_pause = a->index;
		} else if (a->type == 'R') {
			if (open_pause < 0)
				problem(img, a->offset, "area %u: resume area without a pause before it",
					a->index);
			else if (img->areas[i - 1].type != 'P' ||
				 img->areas[i - 1].address != a->address)
				problem(img, a->offset, "area %u: resume does not follow its pause at the "
					"same continuation-token address", a->index);
			open_pause = -1;
		}
	}
	if (open_pause >= 0)
		problem(img, img->length, "pause area %d has no resume area", open_pause);
}

static void check_area(struct hil_sfi_image *img, const struct hil_sfi_area *a, size_t pos,
		       uint32_t base, uint32_t size)
{
	if (a->index != pos + 1)
		problem(img, a->offset + 2, "area index %u at position %zu (expected %zu: indexes run "
			"1..N)", a->index, pos + 1, pos + 1);
	if (a->total != img->area_count)
		problem(img, a->offset + 12, "area %u says %u areas in total, the header %u",
			a->index, a->total, img->area_count);
	if (a->type == 'C') {
		if (a->address != 0)
			problem(img, a->offset + 8, "C area %u at address 0x%X (expected 0)", a->index,
				a->address);
		if (a->size != HIL_SFI_C_AREA_SIZE)
			problem(img, a->offset + 4, "C area %u is %u bytes (expected 36: nine option-"
				"byte words on H7)", a->index, a->size);
	} else if (a->type == 'F' || a->type == 'M') {
		if (a->address < base || a->address - base >= size || a->size > size - (a->address - base))
			problem(img, a->offset + 8, "%c area %u at 0x%08X+%u is outside the flash "
				"0x%08X..0x%08X", a->type, a->index, a->address, a->size, base,
				base + size - 1);
	} else if (a->type != 'P' && a->type != 'R') {
		problem(img, a->offset, "area %u has unknown type 0x%02X (expected F, M, C, P or R)",
			a->index, (unsigned char)a->type);
	}
}

static void check_overlaps(struct hil_sfi_image *img)
{
	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		for (size_t k = i + 1; a->type == 'F' && k < img->areas_read; k++) {
			const struct hil_sfi_area *b = &img->areas[k];
			if (b->type == 'F' && a->address < b->address + (uint64_t)b->size &&
			    b->address < a->address + (uint64_t)a->size)
				problem(img, b->offset + 8, "F areas %u and %u overlap (0x%08X+%u and "
					"0x%08X+%u)", a->index, b->index, a->address, a->size,
					b->address, b->size);
		}
	}
}

size_t hil_sfi_image_check(struct hil_sfi_image *img, uint32_t flash_base, uint32_t flash_size)
{
	for (size_t i = 0; i < img->areas_read; i++)
		check_area(img, &img->areas[i], i, flash_base, flash_size);
	check_pairs(img);
	check_overlaps(img);
	return img->problem_count;
}
