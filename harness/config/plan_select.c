/* Part of a campaign: the boards and matrix cells `run --board`, `--only`
 * and `--only-failed` keep (plan.h), and the one rule that says whether a
 * board's cell runs, shard included, for the engine, the dry run and the
 * installs a campaign record plans. The selection is a mask over board x
 * cell; a shard stays the same shard whatever is selected, so selected
 * shard runs still merge. */
#include "harness/config/plan.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

bool hil_plan_wants(const struct hil_plan *plan, size_t board, size_t cell, unsigned shard,
		    unsigned shards)
{
	if (plan->wanted && !plan->wanted[board * plan->cell_count + cell])
		return false;
	return !shards || (board * plan->cell_count + cell) % shards == shard - 1;
}

long hil_plan_board_index(const struct hil_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->board_count; i++)
		if (!strcmp(plan->boards[i].board->name, name))
			return (long)i;
	return -1;
}

long hil_plan_cell_index(const struct hil_plan *plan, const char *label)
{
	for (size_t k = 0; k < plan->cell_count; k++)
		if (!strcmp(plan->cells[k].label, label))
			return (long)k;
	return -1;
}

static bool *mask(struct hil_plan *plan)
{
	size_t n = plan->board_count * plan->cell_count;

	if (!plan->wanted) {
		plan->wanted = hil_xcalloc(n ? n : 1, sizeof(*plan->wanted));
		for (size_t i = 0; i < n; i++)
			plan->wanted[i] = true;
	}
	return plan->wanted;
}

void hil_plan_keep(struct hil_plan *plan, const bool *keep)
{
	bool *m = mask(plan);

	for (size_t i = 0; i < plan->board_count * plan->cell_count; i++)
		m[i] = m[i] && keep[i];
}

/* "dk-bl90, custom-bl91": what the reader could have typed. */
static char *board_names(const struct hil_plan *plan)
{
	struct hil_strbuf b = { 0 };

	for (size_t i = 0; i < plan->board_count; i++)
		hil_strbuf_printf(&b, "%s%s", i ? ", " : "", plan->boards[i].board->name);
	return b.buf ? hil_strbuf_detach(&b) : hil_xstrdup("none");
}

static char *param_values(const struct hil_plan *plan, const char *key)
{
	struct hil_strbuf b = { 0 };

	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t p = 0; p < plan->cells[k].param_count; p++)
			if (!strcmp(plan->cells[k].names[p], key))
				hil_strbuf_printf(&b, "%s%s", b.len ? ", " : "", plan->cells[k].values[p]);
	return b.buf ? hil_strbuf_detach(&b) : hil_xstrdup("none");
}

static char *param_names(const struct hil_plan *plan)
{
	struct hil_strbuf b = { 0 };

	for (size_t p = 0; plan->cell_count && p < plan->cells[0].param_count; p++)
		hil_strbuf_printf(&b, "%s%s", p ? ", " : "", plan->cells[0].names[p]);
	return b.buf ? hil_strbuf_detach(&b) : hil_xstrdup("none: the scenario has no matrix");
}

/* A matrix value as --only may name it: whole, or as the cell's label
 * shows a path (its last component). */
static bool value_is(const char *value, const char *given)
{
	const char *slash = strrchr(value, '/');

	return !strcmp(value, given) || (slash && !strcmp(slash + 1, given));
}

/* Whether cell @k matches every key of @only (one of the values given for it). */
static bool cell_matches(const struct hil_plan_cell *cell, const char *const *only, size_t n)
{
	for (size_t p = 0; p < cell->param_count; p++) {
		bool named = false, hit = false;
		size_t len = strlen(cell->names[p]);
		for (size_t i = 0; i < n; i++)
			if (!strncmp(only[i], cell->names[p], len) && only[i][len] == '=') {
				named = true;
				hit = hit || value_is(cell->values[p], only[i] + len + 1);
			}
		if (named && !hit)
			return false;
	}
	return true;
}

static int check_only(const struct hil_plan *plan, const char *only, struct hil_diag *diag)
{
	const char *eq = strchr(only, '=');
	const struct hil_plan_cell *c0 = plan->cell_count ? &plan->cells[0] : NULL;
	bool known = false, seen = false;

	if (!eq || eq == only) {
		hil_diag_add(diag, "--only", 0, 0, "'%s' is not KEY=VALUE (a matrix parameter and "
			     "one of its values)", only);
		return HIL_ECONFIG;
	}
	size_t len = (size_t)(eq - only);
	for (size_t p = 0; c0 && p < c0->param_count; p++)
		known = known || (strlen(c0->names[p]) == len && !strncmp(c0->names[p], only, len));
	if (!known) {
		char *names = param_names(plan);
		hil_diag_add(diag, "--only", 0, 0, "'%.*s' is not a matrix parameter of campaign %s "
			     "(its parameters: %s)", (int)len, only, plan->scenario->campaign, names);
		free(names);
		return HIL_ECONFIG;
	}
	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t p = 0; p < plan->cells[k].param_count; p++)
			seen = seen || (strlen(plan->cells[k].names[p]) == len &&
					!strncmp(plan->cells[k].names[p], only, len) &&
					value_is(plan->cells[k].values[p], eq + 1));
	if (!seen) {
		char *key = hil_xasprintf("%.*s", (int)len, only);
		char *values = param_values(plan, key);
		hil_diag_add(diag, "--only", 0, 0, "no cell has %s (its values: %s)", only, values);
		free(values);
		free(key);
		return HIL_ECONFIG;
	}
	return 0;
}

int hil_plan_select(struct hil_plan *plan, const char *const *boards, size_t board_count,
		    const char *const *only, size_t only_count, struct hil_diag *diag)
{
	bool *keep = hil_xcalloc(plan->board_count * plan->cell_count + 1, sizeof(*keep));
	bool *board_kept = hil_xcalloc(plan->board_count + 1, sizeof(*board_kept));
	int error = 0;

	if (!board_count && !only_count)
		goto out;
	for (size_t i = 0; i < board_count; i++) {
		long b = hil_plan_board_index(plan, boards[i]);
		if (b < 0) {
			char *names = board_names(plan);
			hil_diag_add(diag, "--board", 0, 0, "'%s' is not a board of campaign %s on "
				     "rack %s (its boards: %s)", boards[i], plan->scenario->campaign,
				     plan->rack->name, names);
			free(names);
			error = HIL_ECONFIG;
		} else {
			board_kept[b] = true;
		}
	}
	for (size_t i = 0; i < only_count; i++)
		if (check_only(plan, only[i], diag) < 0)
			error = HIL_ECONFIG;
	if (error)
		goto out;
	bool any = false;
	for (size_t b = 0; b < plan->board_count; b++)
		for (size_t k = 0; k < plan->cell_count; k++) {
			bool on = (!board_count || board_kept[b]) &&
				  cell_matches(&plan->cells[k], only, only_count);
			keep[b * plan->cell_count + k] = on;
			any = any || on;
		}
	if (!any) {
		hil_diag_add(diag, "--only", 0, 0, "no cell matches every --only given: nothing to run");
		error = HIL_ECONFIG;
		goto out;
	}
	hil_plan_keep(plan, keep);
out:
	free(keep);
	free(board_kept);
	return error;
}
