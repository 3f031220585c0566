/* .sfi reader; see sfi_image.h. Every read is bounds-checked against the
 * file length, since images come from outside. */
#include "harness/sfi_image.h"
#include "harness/error.h"
#include "harness/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMAGE_BYTES (64u * 1024 * 1024)

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void hil_sfi_image_free(struct hil_sfi_image *img)
{
	if (!img)
		return;
	free(img->areas);
	free(img->data);
	free(img);
}

static int walk(struct hil_sfi_image *img, const char *name)
{
	const uint8_t *d = img->data;
	size_t off = HIL_SFI_HEADER_SIZE;

	if (img->length < HIL_SFI_HEADER_SIZE)
		return hil_error_set(HIL_EPROTO, "%s: offset 0: file too short for an SFI header "
				     "(%zu bytes, expected at least 28)", name, img->length);
	if (memcmp(d, "SFIMAGIC", 8) != 0)
		return hil_error_set(HIL_EPROTO, "%s: offset 0: bad magic (expected \"SFIMAGIC\")", name);
	img->protocol = le16(d + 8);
	img->area_count = le16(d + 10);
	memcpy(img->tag, d + 12, 16);
	if (img->protocol != 1)
		return hil_error_set(HIL_EPROTO, "%s: offset 8: protocol version %u has no public "
				     "layout (only version 1 can be read)", name, img->protocol);
	img->areas = hil_xcalloc(img->area_count ? img->area_count : 1, sizeof(*img->areas));
	while (off < img->length) {
		struct hil_sfi_area *a;

		if (img->areas_read == img->area_count)
			return hil_error_set(HIL_EPROTO, "%s: offset %zu: data after the %u areas the "
					     "header announces", name, off, img->area_count);
		if (img->length - off < HIL_SFI_AREA_HEADER_SIZE)
			return hil_error_set(HIL_EPROTO, "%s: offset %zu: truncated area descriptor",
					     name, off);
		a = &img->areas[img->areas_read];
		a->offset = off;
		a->type = (char)d[off];
		a->version = d[off + 1];
		a->index = le16(d + off + 2);
		a->size = le32(d + off + 4);
		a->address = le32(d + off + 8);
		a->total = le16(d + off + 12);
		memcpy(a->tag, d + off + 14, 16);
		off += HIL_SFI_AREA_HEADER_SIZE;
		if (a->size > img->length - off)
			return hil_error_set(HIL_EPROTO, "%s: offset %zu: area %u claims %u bytes, only "
					     "%zu left in the file", name, a->offset, a->index, a->size,
					     img->length - off);
		a->payload = d + off;
		off += a->size;
		img->areas_read++;
	}
	if (img->areas_read != img->area_count)
		return hil_error_set(HIL_EPROTO, "%s: offset %zu: file ends after %zu of %u areas",
				     name, off, img->areas_read, img->area_count);
	return 0;
}

int hil_sfi_image_parse(struct hil_sfi_image **out, const char *name,
			const uint8_t *data, size_t length)
{
	struct hil_sfi_image *img = hil_xcalloc(1, sizeof(*img));
	int error;

	*out = NULL;
	img->data = hil_xmalloc(length);
	memcpy(img->data, data, length);
	img->length = length;
	if ((error = walk(img, name)) < 0) {
		hil_sfi_image_free(img);
		return error;
	}
	*out = img;
	return 0;
}

int hil_sfi_image_load(struct hil_sfi_image **out, const char *path)
{
	FILE *f = fopen(path, "rb");
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
