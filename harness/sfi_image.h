/* Reading .sfi images (protocol v1 layout, ../shared/research/sfi.md §1.2).
 *
 * Header: "SFIMAGIC", u16 protocol version, u16 area count, 16-byte tag.
 * Each area: type, version, u16 index, u32 size, u32 address, u16 total,
 * 16-byte tag, then `size` bytes of payload. All little-endian.
 *
 * This reader checks only what it needs to walk the file safely; the full
 * checker (P/R pairs, address ranges, overlaps) belongs to `sfi inspect`.
 */
#ifndef HIL_HARNESS_SFI_IMAGE_H
#define HIL_HARNESS_SFI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define HIL_SFI_HEADER_SIZE 28
#define HIL_SFI_AREA_HEADER_SIZE 30

struct hil_sfi_area {
	char type;              /* 'F', 'C', 'M', 'P', 'R', ... */
	uint8_t version;
	uint16_t index;
	uint32_t size;
	uint32_t address;
	uint16_t total;
	uint8_t tag[16];
	size_t offset;          /* of the area descriptor in the file */
	const uint8_t *payload; /* into hil_sfi_image.data */
};

struct hil_sfi_image {
	uint16_t protocol;
	uint16_t area_count;    /* as the header says */
	uint8_t tag[16];
	struct hil_sfi_area *areas;
	size_t areas_read;
	uint8_t *data;          /* the whole file */
	size_t length;
};

/* Reads and walks @path. HIL_EIO when it cannot be read, HIL_EPROTO with
 * the byte offset in the message when it is not a walkable SFI file.
 * *out: free with hil_sfi_image_free(). */
int hil_sfi_image_load(struct hil_sfi_image **out, const char *path);

/* Same over memory (copied). @name is used in messages. */
int hil_sfi_image_parse(struct hil_sfi_image **out, const char *name,
			const uint8_t *data, size_t length);

void hil_sfi_image_free(struct hil_sfi_image *img);

#endif
