/* AES-128-GCM for SFI images; see sfi_crypto.h. */
#include "harness/sfi/sfi_crypto.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static int hex_bytes(uint8_t *out, size_t n, const char *s)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], 0 };
		if (!isxdigit((unsigned char)byte[0]) || !isxdigit((unsigned char)byte[1]))
			return -1;
		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return 0;
}

static int load_secret(uint8_t *out, size_t n, const char *spec, const char *what)
{
	char *data = NULL;
	size_t len = 0;

	if (hex_bytes(out, n, spec) == 0)
		return 0;
	if (hil_read_file(&data, &len, spec, 4096) < 0)
		return hil_error_set(HIL_ECONFIG, "%s '%s': neither %zu hex digits nor a readable file",
				     what, spec, 2 * n);
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	data[len] = '\0';
	int error = len == n ? (memcpy(out, data, n), 0) : hex_bytes(out, n, data);
	free(data);
	if (error)
		return hil_error_set(HIL_ECONFIG, "%s file %s: %zu bytes (expected %zu bytes, or %zu "
				     "hex digits)", what, spec, len, n, 2 * n);
	return 0;
}

int hil_sfi_keys_load(struct hil_sfi_keys *out, const char *key_spec, const char *nonce_spec)
{
	int error = load_secret(out->key, sizeof(out->key), key_spec, "key");

	return error ? error : load_secret(out->nonce, sizeof(out->nonce), nonce_spec, "nonce");
}

static void area_iv(uint8_t iv[12], const uint8_t nonce[12], uint16_t index)
{
	unsigned carry = index;

	memcpy(iv, nonce, 12);
	for (int i = 11; i >= 0 && carry; i--) {
		carry += iv[i];
		iv[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* One AES-128-GCM pass: encrypt (@enc) or decrypt @in into @out with
 * @aad; the tag is written (enc) or checked (dec). 0, or HIL_EPROTO. */
static int gcm(bool enc, const struct hil_sfi_keys *k, const uint8_t iv[12], const uint8_t *aad,
	       size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, k->key, iv, enc) &&
	     EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) &&
	     (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len)) &&
	     (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag)) &&
	     EVP_CipherFinal_ex(ctx, out ? out + len : tag, &n) &&
	     (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag));
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : HIL_EPROTO;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

int hil_sfi_build(uint8_t **out, size_t *len_out, const struct hil_sfi_keys *k,
		  const struct hil_sfi_build_area *areas, size_t count)
{
	size_t len = HIL_SFI_HEADER_SIZE, off = HIL_SFI_HEADER_SIZE;
	uint8_t *img, iv[12];

	*out = NULL;
	if (count == 0 || count > 0xFFFF)
		return hil_error_set(HIL_ECONFIG, "an image needs 1 to 65535 areas");
	for (size_t i = 0; i < count; i++)
		len += HIL_SFI_AREA_HEADER_SIZE + areas[i].size;
	img = hil_xcalloc(1, len);
	memcpy(img, "SFIMAGIC", 8);
	put16(img + 8, 1);
	put16(img + 10, (uint16_t)count);
	for (size_t i = 0; i < count; i++) {
		uint8_t *d = img + off;
		d[0] = (uint8_t)areas[i].type;
		d[1] = 0x17; /* the area version of every area in ST's own v1 images */
		put16(d + 2, (uint16_t)(i + 1));
		put32(d + 4, (uint32_t)areas[i].size);
		put32(d + 8, areas[i].address);
		put16(d + 12, (uint16_t)count);
		area_iv(iv, k->nonce, (uint16_t)(i + 1));
		if (gcm(true, k, iv, d, 14, areas[i].plain, d + HIL_SFI_AREA_HEADER_SIZE, areas[i].size,
			d + 14) < 0) {
			free(img);
			return hil_error_set(HIL_EPROTO, "AES-GCM failed on area %zu", i + 1);
		}
		off += HIL_SFI_AREA_HEADER_SIZE + areas[i].size;
	}
	if (gcm(true, k, k->nonce, img, 12, NULL, NULL, 0, img + 12) < 0) {
		free(img);
		return hil_error_set(HIL_EPROTO, "AES-GCM failed on the header");
	}
	*out = img;
	*len_out = len;
	return 0;
}

int hil_sfi_verify_header(const struct hil_sfi_keys *k, const struct hil_sfi_image *img)
{
	uint8_t tag[16];

	memcpy(tag, img->tag, 16);
	if (gcm(false, k, k->nonce, img->data, 12, NULL, NULL, 0, tag) < 0)
		return hil_error_set(HIL_EPROTO, "image header: authentication failed (tampered, "
				     "or made with another key)");
	return 0;
}

int hil_sfi_decrypt_area(const struct hil_sfi_keys *k, const struct hil_sfi_image *img, size_t i,
			 uint8_t *plain)
{
	const struct hil_sfi_area *a = &img->areas[i];
	uint8_t iv[12], tag[16];

	area_iv(iv, k->nonce, a->index);
	memcpy(tag, a->tag, 16);
	if (gcm(false, k, iv, img->data + a->offset, 14, a->payload, plain, a->size, tag) < 0)
		return hil_error_set(HIL_EPROTO, "area %u (%c @ 0x%08X): authentication failed "
				     "(tampered, or made with another key)", a->index, a->type, a->address);
	return 0;
}
