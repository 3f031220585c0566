/* Campaign planning; see plan.h. */
#include "harness/config/plan.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/strset.h"
#include "harness/yaml/subst.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool hil_step_is_irreversible(const struct hil_step *st)
{
	/* regress erases the board's firmware: sacrificial boards only too */
	return st->kind == HIL_STEP_SFI_INSTALL || st->kind == HIL_STEP_REGRESS;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A value as its cell's label shows it: its base name (@short_paths), or
 * all of it; a value of more than LABEL_VALUE_MAX bytes by its first 40
 * and a hash of the whole, so that labels (and the install names, logs
 * and journal lines made of them) stay small whatever the matrix holds. */
#define LABEL_VALUE_MAX 64

static void label_value(struct hil_strbuf *b, const char *value, bool short_paths)
{
	const char *v = short_paths ? base_name(value) : value;

	if (strlen(v) <= LABEL_VALUE_MAX)
		hil_strbuf_puts(b, v);
	else
		hil_strbuf_printf(b, "%.40s~%016llx", v, hil_fnv1a(value));
}

static char *make_label(const struct hil_plan_cell *cell, bool short_paths)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	for (size_t i = 0; i < cell->param_count; i++) {
		hil_strbuf_printf(&b, "%s%s=", i ? "," : "", cell->names[i]);
		label_value(&b, cell->values[i], short_paths);
	}
	return hil_strbuf_detach(&b);
}

/* Cell k of the cartesian product, last parameter varying fastest. The
 * names and values are the scenario's (a copy per cell would be 640 MB
 * for 10 000 cells of 64 KiB values). */
static void fill_cell(struct hil_plan_cell *cell, const struct hil_scenario *s, size_t k)
{
	cell->param_count = s->matrix_count;
	cell->names = hil_xcalloc(s->matrix_count, sizeof(char *));
	cell->values = hil_xcalloc(s->matrix_count, sizeof(char *));
	for (size_t i = s->matrix_count; i-- > 0;) {
		const struct hil_matrix_param *p = &s->matrix[i];
		cell->names[i] = p->name;
		cell->values[i] = p->values[k % p->value_count];
		k /= p->value_count;
	}
}

/* Substitutes @text for @cell and resolves it against the scenario's
 * directory; reports a missing file, or a relative path that leaves the
 * campaign directory, at the step's position. */
static char *cell_path(struct hil_ycheck *c, const struct hil_scenario *s,
		       const struct hil_plan_cell *cell, const struct hil_step *st,
		       const char *text, const char *what)
{
	char *subst = NULL, *path;

	if (!text)
		return NULL;
	if (hil_subst(&subst, text, cell->names, cell->values, cell->param_count) < 0) {
		hil_diag_add(c->diag, c->file, st->line, st->col, "%s: %s", what, hil_error_last());
		c->errors++;
		return NULL;
	}
	path = hil_scenario_path(c, s, st->line, st->col, subst, what);
	if (path && access(path, R_OK) != 0) {
		hil_diag_add(c->diag, c->file, st->line, st->col, "%s '%s' not found%s%s "
			     "(expected a readable file; relative paths start at the scenario's "
			     "folder)", what, path, cell->label[0] ? " for " : "", cell->label);
		c->errors++;
	}
	free(subst);
	return path;
}

static void plan_steps(struct hil_ycheck *c, const struct hil_scenario *s,
		       struct hil_plan_cell *cell)
{
	cell->steps = hil_xcalloc(s->step_count, sizeof(*cell->steps));
	for (size_t i = 0; i < s->step_count; i++) {
		const struct hil_step *src = &s->steps[i];
		struct hil_step *dst = &cell->steps[i];

		*dst = *src;
		dst->image = cell_path(c, s, cell, src, src->image, "image");
		dst->license_file = cell_path(c, s, cell, src, src->license_file, "license file");
		dst->expect_file = cell_path(c, s, cell, src, src->expect_file, "verify_flash expect");
		dst->verify_image = cell_path(c, s, cell, src, src->verify_image, "verify_flash image");
	}
}

static bool scenario_is_irreversible(const struct hil_scenario *s)
{
	for (size_t i = 0; i < s->step_count; i++)
		if (hil_step_is_irreversible(&s->steps[i]))
			return true;
	return false;
}

static bool scenario_uses(const struct hil_scenario *s, enum hil_step_kind kind)
{
	for (size_t i = 0; i < s->step_count; i++)
		if (s->steps[i].kind == kind)
			return true;
	return false;
}

static void plan_boards(struct hil_ycheck *c, struct hil_plan *plan, bool *refused)
{
	const struct hil_scenario *s = plan->scenario;
	const struct hil_rack *rack = plan->rack;
	bool irreversible = scenario_is_irreversible(s);
	bool console = scenario_uses(s, HIL_STEP_EXPECT_CONSOLE);
	size_t n = s->all_boards ? rack->board_count : s->board_count;

	plan->boards = hil_xcalloc(n ? n : 1, sizeof(*plan->boards));
	for (size_t i = 0; i < n; i++) {
		const struct hil_rack_board *b = s->all_boards ? &rack->boards[i]
			: hil_rack_board_find(rack, s->boards[i]);
		if (!b) {
			struct hil_strbuf names = HIL_STRBUF_INIT;
			for (size_t j = 0; j < rack->board_count; j++)
				hil_strbuf_printf(&names, "%s%s", j ? ", " : "", rack->boards[j].name);
			hil_diag_add(c->diag, c->file, s->board_lines[i], s->board_cols[i],
				     "unknown board '%s' (expected a board name of rack '%s', %s: %s)",
				     s->boards[i], rack->name, rack->file,
				     names.len ? hil_strbuf_str(&names) : "it has none");
			hil_strbuf_free(&names);
			c->errors++;
			continue;
		}
		struct hil_plan_board *pb = &plan->boards[plan->board_count++];
		pb->board = b;
		if (console && !b->console_driver) {
			pb->skip_reason = hil_xasprintf("no console in the rack for %s, and the scenario "
							"reads the console (expect_console)", b->name);
			continue;
		}
		if (!irreversible || b->sacrificial)
			continue;
		if (!s->all_boards) {
			hil_diag_add(c->diag, c->file, s->board_lines[i], s->board_cols[i],
				     "refused: board '%s' is not marked sacrificial and this "
				     "scenario installs SFI or erases the board (regress), which "
				     "cannot be undone (set "
				     "'sacrificial: true' for it in %s if it may be spent)",
				     b->name, rack->file);
			c->errors++;
			*refused = true;
		}
		pb->skip_reason = hil_xasprintf("not sacrificial: the rack does not allow "
						"irreversible steps (sfi_install, regress) on %s", b->name);
	}
}

int hil_plan_build(struct hil_plan **out, const struct hil_scenario *s,
		   const struct hil_rack *rack, unsigned repeat, struct hil_diag *diag)
{
	struct hil_ycheck c = { .file = s->file, .diag = diag };
	struct hil_plan *plan = hil_xcalloc(1, sizeof(*plan));
	bool refused = false, short_ok = true;

	*out = NULL;
	plan->scenario = s;
	plan->rack = rack;
	plan->repeat = repeat ? repeat : s->repeat;
	plan_boards(&c, plan, &refused);
	/* sizes first: nothing is allocated for a campaign over its limits */
	if (!hil_limits_installs(&c, s, plan->board_count, s->cell_count, plan->repeat,
				 s->repeat_line, s->repeat_col)) {
		hil_plan_free(plan);
		return hil_error_set(HIL_ECONFIG, "%s: cannot plan", s->file);
	}
	plan->cell_count = s->cell_count;
	plan->cells = hil_xcalloc(plan->cell_count ? plan->cell_count : 1, sizeof(*plan->cells));
	struct hil_strset labels = { 0 }; /* linear, not pairwise, in the cells */
	for (size_t k = 0; k < plan->cell_count; k++) {
		fill_cell(&plan->cells[k], s, k);
		plan->cells[k].label = make_label(&plan->cells[k], true);
		short_ok = short_ok && hil_strset_add(&labels, plan->cells[k].label);
	}
	hil_strset_clear(&labels);
	for (size_t k = 0; k < plan->cell_count; k++) {
		if (!short_ok) {
			free(plan->cells[k].label);
			plan->cells[k].label = make_label(&plan->cells[k], false);
		}
		plan_steps(&c, s, &plan->cells[k]);
	}
	if (c.errors) {
		hil_plan_free(plan);
		return hil_error_set(refused ? HIL_EREFUSED : HIL_ECONFIG, "%s: cannot plan", s->file);
	}
	*out = plan;
	return 0;
}

void hil_plan_free(struct hil_plan *plan)
{
	if (!plan)
		return;
	for (size_t k = 0; k < plan->cell_count; k++) {
		struct hil_plan_cell *cell = &plan->cells[k];
		for (size_t i = 0; cell->steps && i < plan->scenario->step_count; i++) {
			free(cell->steps[i].image);
			free(cell->steps[i].license_file);
			free(cell->steps[i].expect_file);
			free(cell->steps[i].verify_image);
		}
		free(cell->names);
		free(cell->values);
		free(cell->label);
		free(cell->steps);
	}
	for (size_t i = 0; i < plan->board_count; i++)
		free(plan->boards[i].skip_reason);
	free(plan->cells);
	free(plan->boards);
	free(plan->wanted);
	free(plan);
}
