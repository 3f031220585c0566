/* Simulated certificate and licence; see license.h. */
#include "drivers/sim/license.h"

#include <openssl/evp.h>
#include <string.h>

static void sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, a, alen);
	EVP_DigestUpdate(ctx, b, blen);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

void hil_sim_certificate(struct hil_sim_board *b, uint8_t out[HIL_SIM_CERT_SIZE])
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);
	const char *name = hil_sim_board_name(b);
	uint8_t uid[32];

	memset(out, 0, HIL_SIM_CERT_SIZE);
	/* ASCII product id first, as on real chips (sfi.md §1.1: "45002001" on H7) */
	memcpy(out, "48002001", 8);
	out[8] = (uint8_t)p->device_id;
	out[9] = (uint8_t)(p->device_id >> 8);
	sha256("uid", 3, name, strlen(name), uid);
	memcpy(out + 16, uid, 32);
}

void hil_sim_license_for(struct hil_sim_board *b, uint8_t out[HIL_SIM_LICENSE_SIZE])
{
	const struct hil_sim_profile *p = hil_sim_board_profile(b);
	uint8_t cert[HIL_SIM_CERT_SIZE], mac[32];

	hil_sim_certificate(b, cert);
	sha256(cert, sizeof(cert), &p->keys, sizeof(p->keys), mac);
	memset(out, 0, HIL_SIM_LICENSE_SIZE);
	memcpy(out, "SIMLIC01", 8);
	memcpy(out + 8, mac, 32);
}

bool hil_sim_license_valid(struct hil_sim_board *b, const uint8_t *data, size_t len)
{
	uint8_t want[HIL_SIM_LICENSE_SIZE];

	hil_sim_license_for(b, want);
	return len == sizeof(want) && memcmp(data, want, sizeof(want)) == 0;
}
