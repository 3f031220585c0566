/* The simulated RSS; see rss.h. */
#include "drivers/sim/rss.h"
#include "harness/util/error.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void hil_sim_rss_open(struct hil_sim_rss *out, const struct hil_sim_profile *p,
		      const struct hil_sfi_image *img)
{
	memset(out, 0, sizeof(*out));
	out->count = img->areas_read;
	out->plain = hil_xcalloc(out->count ? out->count : 1, sizeof(*out->plain));
	if (!p->has_keys) {
		snprintf(out->why, sizeof(out->why), "no SFI key provisioned for this board "
			 "(sfi_key in its profile)");
		return;
	}
	if (hil_sfi_verify_header(&p->keys, img) < 0) {
		snprintf(out->why, sizeof(out->why), "%s", hil_error_last());
		return;
	}
	for (size_t i = 0; i < img->areas_read; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		out->plain[i] = hil_xmalloc(a->size ? a->size : 1);
		if (hil_sfi_decrypt_area(&p->keys, img, i, out->plain[i]) < 0) {
			snprintf(out->why, sizeof(out->why), "%s", hil_error_last());
			return;
		}
		if (a->type == 'C' && a->size >= 4) {
			out->has_c_area = true;
			out->optsr = le32(out->plain[i]);
			out->rdp = (out->optsr >> 8) & 0xFF;
			out->security = (out->optsr >> 21) & 1;
		}
	}
	out->authentic = true;
}

void hil_sim_rss_close(struct hil_sim_rss *rss)
{
	for (size_t i = 0; i < rss->count; i++)
		free(rss->plain[i]);
	free(rss->plain);
	memset(rss, 0, sizeof(*rss));
}
