/* AES-128-GCM for SFI images, through OpenSSL EVP (AN5054 §2.2, as read in
 * ../shared/research/sfi.md §1.1):
 *
 *   - each area's payload is encrypted with IV = nonce + area index (the
 *     96-bit nonce read as a big-endian number, plus the index), its
 *     30-byte descriptor's first 14 bytes as AAD, and the 16-byte tag kept
 *     in the descriptor;
 *   - the 12-byte image header (magic, version, area count) is
 *     authenticated only (AAD, no plaintext) with IV = the nonce, and the
 *     tag kept in the header.
 *
 * This is this project's reading of AN5054, used for the test images and
 * the simulator's RSS; ST's own images need ST's key and are only inspected.
 */
#ifndef HIL_HARNESS_SFI_CRYPTO_H
#define HIL_HARNESS_SFI_CRYPTO_H

#include "harness/sfi/sfi_image.h"

#include <stddef.h>
#include <stdint.h>

struct hil_sfi_keys {
	uint8_t key[16];
	uint8_t nonce[12];
};

/* @key_spec / @nonce_spec: a file of exactly 16 / 12 bytes (as
 * TrustedPackageCreator takes them), or the same as 32 / 24 hex digits. */
int hil_sfi_keys_load(struct hil_sfi_keys *out, const char *key_spec, const char *nonce_spec);

struct hil_sfi_build_area {
	char type;               /* F, M, C, P, R */
	uint32_t address;
	const uint8_t *plain;    /* NULL when size is 0 */
	size_t size;
};

/* Builds a protocol-1 image. *out: free(). */
int hil_sfi_build(uint8_t **out, size_t *len_out, const struct hil_sfi_keys *k,
		  const struct hil_sfi_build_area *areas, size_t count);

/* Authenticates the header; HIL_EPROTO when its tag does not match. */
int hil_sfi_verify_header(const struct hil_sfi_keys *k, const struct hil_sfi_image *img);

/* Decrypts area @i into @plain (area size bytes) and checks its tag;
 * HIL_EPROTO when it does not match (tampered, or another key). */
int hil_sfi_decrypt_area(const struct hil_sfi_keys *k, const struct hil_sfi_image *img, size_t i,
			 uint8_t *plain);

#endif
