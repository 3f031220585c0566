/* Campaign size limits; see limits.h. */
#include "harness/config/limits.h"
#include "harness/config/scenario.h"
#include "harness/util/diag.h"
#include "harness/yaml/ycheck.h"
#include "harness/yaml/yaml_tree.h"

const char *const hil_limit_keys[] = { "cells", "runs", "boards", "installs", NULL };

static void load_one(struct hil_ycheck *c, const struct hil_ynode *map, const char *key,
		     unsigned long max, unsigned long *value)
{
	const struct hil_ynode *v = hil_ymap_get(map, key);
	unsigned long n;

	if (v && hil_ycheck_uint(c, v, key, 1, max, &n))
		*value = n;
}

void hil_limits_load(struct hil_ycheck *c, struct hil_limits *out, const struct hil_ynode *node)
{
	*out = (struct hil_limits){ .cells = HIL_LIMIT_CELLS, .runs = HIL_LIMIT_RUNS,
				    .boards = HIL_LIMIT_BOARDS, .installs = HIL_LIMIT_INSTALLS };
	if (!node || !(hil_ycheck_map(c, node, "limits", hil_limit_keys) || node->kind == HIL_YNODE_MAP))
		return;
	out->line = node->line;
	out->col = node->col;
	load_one(c, node, "cells", HIL_LIMIT_MAX_CELLS, &out->cells);
	load_one(c, node, "runs", HIL_LIMIT_MAX_RUNS, &out->runs);
	load_one(c, node, "boards", HIL_LIMIT_MAX_BOARDS, &out->boards);
	load_one(c, node, "installs", HIL_LIMIT_MAX_INSTALLS, &out->installs);
}

bool hil_limits_cells(struct hil_ycheck *c, const struct hil_scenario *s,
		      const struct hil_ynode *matrix, size_t *cells_out)
{
	size_t cells = 1;
	bool overflow = false;

	for (size_t i = 0; i < s->matrix_count; i++) {
		size_t n = s->matrix[i].value_count ? s->matrix[i].value_count : 1;
		overflow = overflow || __builtin_mul_overflow(cells, n, &cells);
	}
	*cells_out = overflow ? 0 : cells;
	if (!overflow && cells <= s->limits.cells)
		return true;
	if (overflow)
		hil_ycheck_error(c, matrix, "the matrix makes more than 2^%zu cells (the product of "
				 "its %zu parameters' value counts; expected at most %lu cells: "
				 "fewer parameters or values, or several scenarios)",
				 sizeof(size_t) * 8, s->matrix_count, s->limits.cells);
	else
		hil_ycheck_error(c, matrix, "the matrix makes %zu cells, more than the limit of %lu "
				 "(expected fewer; `limits: {cells: N}` raises it, up to %lu)",
				 cells, s->limits.cells, HIL_LIMIT_MAX_CELLS);
	return false;
}

bool hil_limits_installs(struct hil_ycheck *c, const struct hil_scenario *s, size_t boards,
			 size_t cells, unsigned long runs, unsigned line, unsigned col)
{
	size_t installs;
	bool ok = true;

	if (!line)
		line = col = 1;
	if (runs > s->limits.runs) {
		hil_diag_add(c->diag, c->file, line, col, "%lu runs per cell, more than the limit "
			     "of %lu (expected fewer; `limits: {runs: N}` raises it, up to %lu)", runs,
			     s->limits.runs, HIL_LIMIT_MAX_RUNS);
		c->errors++;
		ok = false;
	}
	if (boards > s->limits.boards) {
		hil_diag_add(c->diag, c->file, line, col, "%zu boards, more than the limit of %lu "
			     "(`limits: {boards: N}` raises it, up to %lu)", boards, s->limits.boards,
			     HIL_LIMIT_MAX_BOARDS);
		c->errors++;
		ok = false;
	}
	if (__builtin_mul_overflow(boards, cells, &installs) ||
	    __builtin_mul_overflow(installs, (size_t)runs, &installs) ||
	    installs > s->limits.installs) {
		hil_diag_add(c->diag, c->file, line, col, "%zu boards x %zu cells x %lu runs is more "
			     "than the limit of %lu installs (expected fewer; `limits: {installs: N}` "
			     "raises it, up to %lu)", boards, cells, runs, s->limits.installs,
			     HIL_LIMIT_MAX_INSTALLS);
		c->errors++;
		ok = false;
	}
	return ok;
}
