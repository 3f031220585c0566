/* The irreversible-step interlock; see interlock.h. */
#include "harness/interlock.h"
#include "harness/error.h"
#include "harness/sfi_crypto.h"
#include "harness/sfi_image.h"
#include "harness/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The RDP level the image's C area asks for, or -1 when it cannot be read
 * (no campaign key, another key, no C area). */
static int image_rdp(const struct hil_scenario *s, const char *image)
{
	struct hil_sfi_image *img = NULL;
	struct hil_sfi_keys keys;
	int rdp = -1;

	if (!s->sfi_key || !s->sfi_nonce || hil_sfi_keys_load(&keys, s->sfi_key, s->sfi_nonce) < 0 ||
	    hil_sfi_image_load(&img, image) < 0) {
		hil_sfi_image_free(img);
		return -1;
	}
	for (size_t i = 0; i < img->areas_read; i++) {
		uint8_t plain[64];
		if (img->areas[i].type != 'C' || img->areas[i].size < 4 || img->areas[i].size > 64)
			continue;
		if (hil_sfi_decrypt_area(&keys, img, i, plain) == 0)
			rdp = plain[1];
	}
	hil_sfi_image_free(img);
	return rdp;
}

const char *hil_interlock_reason(const struct hil_plan *plan, const struct hil_plan_cell *cell,
				 size_t i)
{
	const struct hil_step *st = &cell->steps[i];

	if (st->irreversible)
		return "declared irreversible in the scenario";
	if (st->kind == HIL_STEP_SFI_INSTALL && st->image &&
	    image_rdp(plan->scenario, st->image) == (int)HIL_RDP_LEVEL2)
		return "its image sets RDP level 2 (0xCC): the debug port closes for good";
	return NULL;
}

int hil_interlock_check(const struct hil_plan *plan, bool allow, struct hil_diag *diag)
{
	const struct hil_scenario *s = plan->scenario;
	int error = 0;

	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t i = 0; i < s->step_count; i++) {
			const char *why = hil_interlock_reason(plan, &plan->cells[k], i);
			if (!why)
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
			const char *why = hil_interlock_reason(plan, &plan->cells[k], i);
			if (!why)
				continue;
			fprintf(out, "  IRREVERSIBLE: step %zu %s%s%s: %s\n", i + 1,
				hil_step_kind_name(plan->scenario->steps[i].kind),
				plan->cells[k].label[0] ? " " : "", plan->cells[k].label, why);
			n++;
		}
	return n;
}
