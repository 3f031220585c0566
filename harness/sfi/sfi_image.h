/* Reading and checking .sfi images (protocol v1 layout,
 * ../shared/research/sfi.md §1.2).
 *
 * Header: "SFIMAGIC", u16 protocol version, u16 area count, 16-byte tag.
 * Each area: type, version, u16 index, u32 size, u32 address, u16 total,
 * 16-byte tag, then `size` bytes of payload. All little-endian.
 *
 * Protocol 2 (what TrustedPackageCreator makes for H7A/B today) has no
 * public layout: such a file is walked with the v1 layout and every result
 * is flagged unverified — never guessed silently.
 */
#ifndef HIL_HARNESS_SFI_IMAGE_H
#define HIL_HARNESS_SFI_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIL_SFI_HEADER_SIZE 28
#define HIL_SFI_AREA_HEADER_SIZE 30
#define HIL_SFI_C_AREA_SIZE 36          /* 9 option-byte words on H7 */
#define HIL_SFI_MAX_PROBLEMS 64

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

struct hil_sfi_problem {
	size_t offset;          /* byte offset in the file */
	char text[192];
};

struct hil_sfi_image {
	uint16_t protocol;
	uint16_t area_count;    /* as the header says */
	uint8_t tag[16];
	bool unverified;        /* protocol != 1: layout assumed, not known */
	struct hil_sfi_area *areas;
	size_t areas_read;
	uint8_t *data;          /* the whole file */
	size_t length;
	uint8_t sha256[32];
	struct hil_sfi_problem problems[HIL_SFI_MAX_PROBLEMS];
	size_t problem_count;
};

/* Reads @path and walks it. HIL_EIO when it cannot be read; HIL_EPROTO
 * when it cannot be walked at all (no magic, truncated descriptor, a size
 * past the end) — the error (and the last problem) says where, not a warning
 * found before it. *out is set in both cases
 * where a header was read, so inspect can show what there is. Free with
 * hil_sfi_image_free(). */
int hil_sfi_image_load(struct hil_sfi_image **out, const char *path);

/* Same over memory (copied). @name is used in messages. */
int hil_sfi_image_parse(struct hil_sfi_image **out, const char *name,
			const uint8_t *data, size_t length);

/* The checks of a well-formed image for a device whose flash is
 * [@flash_base, @flash_base + @flash_size): indexes 1..N, totals, P/R
 * pairs, F addresses inside the flash, C areas at 0 with 36 bytes,
 * overlapping F areas. Adds problems; returns how many there are now. */
size_t hil_sfi_image_check(struct hil_sfi_image *img, uint32_t flash_base, uint32_t flash_size);

void hil_sfi_image_free(struct hil_sfi_image *img);

#endif
