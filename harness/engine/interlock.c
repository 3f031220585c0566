/* The irreversible-step interlock; see interlock.h. */
#include "harness/engine/interlock.h"
#include "harness/util/error.h"
#include "harness/util/term.h"
#include "harness/sfi/option_bytes.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The option-byte words the image's C area sets. Returns 1 when read, 0
 * when the image has no C area (it sets no option byte), and -1 when they
 * cannot be read, with why in @why: the interlock then fails closed. */
static int image_option_bytes(const struct hil_scenario *s, const char *image,
			      uint32_t words[HIL_OB_WORDS], char *why, size_t size)
{
	struct hil_sfi_image *img = NULL;
	struct hil_sfi_keys keys;
	int found = 0;

	if (hil_sfi_image_load(&img, image) < 0) {
		snprintf(why, size, "the image cannot be read: %s", hil_error_last());
		hil_sfi_image_free(img);
		return -1;
	}
	size_t c_areas = 0;
	for (size_t i = 0; i < img->areas_read; i++)
		c_areas += img->areas[i].type == 'C';
	if (c_areas > 1) {
		/* unverified: which of them the RSS applies; each could lock the board */
		snprintf(why, size, "it has %zu configuration areas (one is expected; which the RSS "
			 "applies is unverified)", c_areas);
		found = -1;
	}
	for (size_t i = 0; i < img->areas_read && found >= 0; i++) {
		uint8_t plain[4 * HIL_OB_WORDS];
		if (img->areas[i].type != 'C')
			continue;
		if (img->unverified) {
			snprintf(why, size, "the image's SFI protocol version %u has no public layout",
				 img->protocol);
			found = -1;
		} else if (!s->sfi_key || !s->sfi_nonce) {
			snprintf(why, size, "the scenario has no sfi_key to decrypt the image's "
				 "configuration area with");
			found = -1;
		} else if (hil_sfi_keys_load(&keys, s->sfi_key, s->sfi_nonce) < 0) {
			snprintf(why, size, "sfi_key: %s", hil_error_last());
			found = -1;
		} else if (img->areas[i].size != sizeof(plain)) {
			snprintf(why, size, "its configuration area has %u bytes, not the %zu of nine "
				 "option-byte words", img->areas[i].size, sizeof(plain));
			found = -1;
		} else if (hil_sfi_decrypt_area(&keys, img, i, plain) < 0) {
			snprintf(why, size, "its configuration area does not decrypt with the "
				 "scenario's sfi_key (another key?)");
			found = -1;
		} else {
			for (size_t w = 0; w < HIL_OB_WORDS; w++)
				words[w] = (uint32_t)plain[4 * w] | (uint32_t)plain[4 * w + 1] << 8 |
					   (uint32_t)plain[4 * w + 2] << 16 |
					   (uint32_t)plain[4 * w + 3] << 24;
			found = 1;
		}
	}
	hil_sfi_image_free(img);
	return found;
}

bool hil_interlock_reason(const struct hil_plan *plan, const struct hil_plan_cell *cell,
			  size_t i, char *why, size_t size)
{
	const struct hil_scenario *s = plan->scenario;
	const struct hil_step *st = &cell->steps[i];
	const struct hil_ob_rule *rule;
	uint32_t words[HIL_OB_WORDS];
	char unread[384];
	int read;

	if (st->irreversible) {
		snprintf(why, size, "declared irreversible in the scenario");
		return true;
	}
	if (st->kind != HIL_STEP_SFI_INSTALL || !st->image)
		return false;
	read = image_option_bytes(s, st->image, words, unread, sizeof(unread));
	if (read < 0) {
		/* fail closed: what cannot be read may lock the board for good */
		if (st->reversible)
			return false;
		snprintf(why, size, "its option bytes cannot be read (%s), so it may set one that "
			 "cannot be undone (give the scenario the image's sfi_key, or declare the "
			 "step `reversible: REASON`)", unread);
		return true;
	}
	if (read == 0 || !(rule = hil_ob_irreversible(words, s->ob_rules, s->ob_rule_count)))
		return false;
	snprintf(why, size, "its image sets %s=0x%X: %s", rule->name, rule->value, rule->why);
	return true;
}

int hil_interlock_check(const struct hil_plan *plan, bool allow, struct hil_diag *diag)
{
	const struct hil_scenario *s = plan->scenario;
	int error = 0;

	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t i = 0; i < s->step_count; i++) {
			char why[640];
			if (!hil_interlock_reason(plan, &plan->cells[k], i, why, sizeof(why)))
				continue;
			for (size_t b = 0; b < plan->board_count; b++) {
				const struct hil_rack_board *rb = plan->boards[b].board;
				if (plan->boards[b].skip_reason || (allow && rb->sacrificial))
					continue;
				hil_diag_add(diag, s->file, s->steps[i].line, s->steps[i].col,
					     "refused: step %zu (%s%s%s) on board '%s' cannot be undone: "
					     "%s (expected %s)", i + 1, hil_step_kind_name(s->steps[i].kind),
					     plan->cells[k].label[0] ? ", " : "", plan->cells[k].label,
					     rb->name, why, allow ? "the board marked sacrificial: true in "
					     "the rack" : "--allow-irreversible, on boards marked sacrificial");
				error = HIL_EREFUSED;
			}
		}
	return error ? hil_error_set(error, "irreversible steps refused") : 0;
}

size_t hil_interlock_list(const struct hil_plan *plan, FILE *out)
{
	size_t n = 0;

	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t i = 0; i < plan->scenario->step_count; i++) {
			char why[640];
			if (!hil_interlock_reason(plan, &plan->cells[k], i, why, sizeof(why)))
				continue;
			/* the label and the reason quote the scenario and its images */
			hil_term_printf(out, "  IRREVERSIBLE: step %zu %s%s%s: %s\n", i + 1,
					hil_step_kind_name(plan->scenario->steps[i].kind),
					plan->cells[k].label[0] ? " " : "", plan->cells[k].label, why);
			n++;
		}
	return n;
}
