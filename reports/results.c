/* The results model; see results.h. This file keeps the campaign's boards,
 * counts each install into its cell and the totals as it is read, and at
 * the end decides the cells (statistics, worst verdict) and the exit code.
 * The records come in through results_journal.c; the installs are kept by
 * results_store.c. */
#include "reports/results_internal.h"
#include "harness/journal/journal.h"
#include "harness/util/stats.h"
#include "harness/util/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? hil_xstrdup(s) : NULL;
}

struct hil_results *hil_results_new(bool keep_cases)
{
	struct hil_results *r = hil_xcalloc(1, sizeof(*r));

	r->keep_cases = keep_cases;
	r->xpass_fails = true;
	r->spill = hil_xcalloc(1, sizeof(*r->spill));
	return r;
}

static void cell_free(struct hil_results_cell *c)
{
	for (size_t i = 0; i < c->param_count; i++) {
		free(c->param_names[i]);
		free(c->param_values[i]);
	}
	for (size_t i = 0; i < c->class_count; i++)
		free(c->class_names[i]);
	free(c->param_names);
	free(c->param_values);
	free(c->class_names);
	free(c->class_counts);
	free(c->reason);
	free(c->label);
	free(c->bl_version);
}

void hil_results_free(struct hil_results *r)
{
	if (!r)
		return;
	char **text[] = { &r->campaign, &r->scenario, &r->rack, &r->rack_file, &r->started,
			  &r->host, &r->finished, &r->junit_profile, &r->scenario_sha256,
			  &r->rack_sha256, &r->incomplete, &r->description };
	for (size_t i = 0; i < sizeof(text) / sizeof(*text); i++)
		free(*text[i]);
	for (size_t i = 0; i < r->reversible_count; i++)
		free(r->reversible[i]);
	free(r->reversible);
	for (size_t i = 0; i < r->selected_count; i++)
		free(r->selected[i]);
	free(r->selected);
	for (size_t i = 0; i < r->board_count; i++) {
		struct hil_results_board *b = &r->boards[i];
		for (size_t k = 0; k < HIL_RB_FIELD_COUNT; k++)
			free(b->field[k]);
		free(b->name);
		free(b->rack);
		hil_results_store_free(b->store);
	}
	for (size_t i = 0; i < r->cell_count; i++)
		cell_free(&r->cells[i]);
	if (r->spill->f)
		fclose(r->spill->f);
	free(r->spill);
	free(r->boards);
	free(r->cells);
	free(r);
}

struct hil_results_spill *hil_results_spill_of(struct hil_results *r)
{
	return r->spill;
}

struct hil_results_board *hil_results_board_get(struct hil_results *r, const char *name)
{
	if (r->last_board < r->board_count && !strcmp(r->boards[r->last_board].name, name))
		return &r->boards[r->last_board];
	for (size_t i = 0; i < r->board_count; i++)
		if (!strcmp(r->boards[i].name, name)) {
			r->last_board = i;
			return &r->boards[i];
		}
	if (r->board_count == r->board_cap) {
		r->board_cap = r->board_cap ? 2 * r->board_cap : 8;
		r->boards = hil_xrealloc(r->boards, r->board_cap * sizeof(*r->boards));
	}
	struct hil_results_board *b = &r->boards[r->board_count];
	memset(b, 0, sizeof(*b));
	b->name = hil_xstrdup(name);
	b->store = hil_results_store_new();
	r->last_board = r->board_count++;
	return b;
}

static struct hil_results_cell *cell_get(struct hil_results *r, size_t board, const char *label,
					 const char *const *names, const char *const *values,
					 size_t param_count)
{
	for (size_t i = r->cell_count; i-- > 0;)
		if (r->cells[i].board == board && !strcmp(r->cells[i].label, label))
			return &r->cells[i];
	if (r->cell_count == r->cell_cap) {
		r->cell_cap = r->cell_cap ? 2 * r->cell_cap : 16;
		r->cells = hil_xrealloc(r->cells, r->cell_cap * sizeof(*r->cells));
	}
	struct hil_results_cell *c = &r->cells[r->cell_count++];
	memset(c, 0, sizeof(*c));
	c->board = board;
	c->label = hil_xstrdup(label);
	c->bl_version = dup_or_null(r->boards[board].field[HIL_RB_BL_VERSION]);
	c->param_count = param_count;
	c->param_names = hil_xcalloc(param_count ? param_count : 1, sizeof(char *));
	c->param_values = hil_xcalloc(param_count ? param_count : 1, sizeof(char *));
	for (size_t i = 0; i < param_count; i++) {
		c->param_names[i] = hil_xstrdup(names[i]);
		c->param_values[i] = dup_or_null(values[i]);
	}
	return c;
}

static void count_class(struct hil_results_cell *c, const char *cls)
{
	for (size_t i = 0; i < c->class_count; i++)
		if (!strcmp(c->class_names[i], cls)) {
			c->class_counts[i]++;
			return;
		}
	c->class_names = hil_xrealloc(c->class_names, (c->class_count + 1) * sizeof(char *));
	c->class_counts = hil_xrealloc(c->class_counts, (c->class_count + 1) * sizeof(unsigned long));
	c->class_names[c->class_count] = hil_xstrdup(cls);
	c->class_counts[c->class_count++] = 1;
}

/* The RSS values of a cell's installs as the CLI summary prints them
 * ("RSS 0x16,0x17"), built install by install in journal order. */
static void add_rss_text(struct hil_results_cell *cell, const struct hil_results_case *c)
{
	size_t used = strlen(cell->rss_text), size = sizeof(cell->rss_text);

	for (size_t i = 0; i < c->rss_count; i++) {
		const char *val = c->rss[i];
		if (val && strcmp(val, "0x0") && !strstr(cell->rss_text, val) && used < size)
			used += (size_t)snprintf(cell->rss_text + used, size - used, "%s%s",
						 used ? "," : "RSS ", val);
	}
}

void hil_results_tally(struct hil_results *r, struct hil_results_board *b,
		       const struct hil_results_case *c, const char *const *param_names,
		       const char *const *param_values, size_t param_count, bool has_max_rate,
		       double max_rate, const char *reason)
{
	struct hil_results_cell *cell = cell_get(r, (size_t)(b - r->boards), c->cell, param_names,
						 param_values, param_count);
	enum hil_verdict v = hil_verdict_from_name(c->verdict);

	count_class(cell, c->cls);
	if (reason && *reason && !cell->reason) /* the expectation's, as the first install says */
		cell->reason = hil_xstrdup(reason);
	add_rss_text(cell, c);
	if (v != HIL_VERDICT_COUNT) {
		if (!cell->verdicts[v]++)
			cell->key_order[cell->key_count++] = (unsigned char)v;
		r->totals[v]++;
	}
	if (!strcmp(c->verdict, "error") || !strcmp(c->verdict, "skip"))
		return;
	cell->runs++;
	if (strcmp(c->cls, "success") != 0)
		cell->failures++;
	if (!cell->max_rate_seen) {
		cell->max_rate_seen = true;
		cell->key_order[cell->key_count++] = HIL_RESULTS_KEY_MAX_RATE;
		cell->has_max_rate = has_max_rate;
		cell->max_rate = max_rate;
	}
}

/* Cell verdict: statistical when max_failure_rate is set, else the worst
 * install verdict (fail > xpass > error > xfail > pass > skip). */
static void decide_cell(struct hil_results_cell *c)
{
	static const enum hil_verdict order[] = { HIL_VERDICT_FAIL, HIL_VERDICT_XPASS,
						  HIL_VERDICT_ERROR, HIL_VERDICT_XFAIL,
						  HIL_VERDICT_PASS, HIL_VERDICT_SKIP };
	unsigned runs = (unsigned)c->runs, fails = (unsigned)c->failures;

	hil_wilson95(fails, runs, &c->ci_lo, &c->ci_hi);
	c->failure_rate = runs ? (double)fails / runs : 0;
	c->has_more_runs = false;
	if (c->has_max_rate && runs) {
		unsigned more = 0;
		enum hil_stat_verdict v = hil_stat_decide(fails, runs, c->max_rate, &more);
		c->verdict = hil_stat_verdict_name(v);
		c->has_more_runs = v == HIL_STAT_INCONCLUSIVE;
		c->more_runs = more;
		return;
	}
	c->verdict = "skip";
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++)
		if (c->verdicts[order[i]]) {
			c->verdict = hil_verdict_name(order[i]);
			return;
		}
}

/* Whether the campaign ran to its end, and if not, why (summary.json,
 * report.html and the JUnit say it). */
static void decide_complete(struct hil_results *r)
{
	r->why_incomplete = NULL;
	if (!r->campaign_seen)
		r->why_incomplete = "the journal has no campaign record";
	else if (r->incomplete)
		r->why_incomplete = r->incomplete;
	else if (!r->ended)
		r->why_incomplete = "the campaign stopped before its end (killed, or still running): "
				    "`sfi-harness resume` finishes it";
	else if (r->write_failed)
		r->why_incomplete = "a result could not be written (a full disk?): free space, then "
				    "`sfi-harness resume`";
	else if (r->interrupted)
		r->why_incomplete = "interrupted: `sfi-harness resume` finishes it";
	else if (r->installs_planned && r->installs_done > r->installs_planned)
		/* each planned install is recorded once: more means two writers
		 * (a results folder's .lock removed while a run held it) */
		r->why_incomplete = "the journal holds more installs than were planned: two runs "
				    "wrote this folder at once; its results cannot be trusted, run the "
				    "campaign again into a new folder";
	r->complete = !r->why_incomplete;
}

/* DESIGN §5, with this round's two additions (docs/reading-reports.md,
 * "Exit codes"): 1 on fail / xpass (unless allowed); else 130 if
 * interrupted; else 3 on errors or when the campaign is not complete
 * (killed, a write failed, a shard missing: an incomplete campaign never
 * exits 0); else 4 when a statistical cell is inconclusive; else 0. */
static int exit_code(struct hil_results *r)
{
	bool failed = false;

	r->inconclusive = false;
	for (size_t i = 0; i < r->cell_count; i++) {
		const struct hil_results_cell *c = &r->cells[i];
		failed = failed || !strcmp(c->verdict, "fail") ||
			 (r->xpass_fails && (!strcmp(c->verdict, "xpass") || c->verdicts[HIL_VERDICT_XPASS]));
		r->inconclusive = r->inconclusive || c->has_more_runs;
	}
	if (failed)
		return HIL_EXIT_FAIL;
	if (r->interrupted)
		return HIL_EXIT_INTERRUPTED;
	if (r->totals[HIL_VERDICT_ERROR] || !r->complete)
		return HIL_EXIT_INFRA;
	return r->inconclusive ? HIL_EXIT_INCONCLUSIVE : HIL_EXIT_OK;
}

const char *hil_results_exit_meaning(const struct hil_results *r)
{
	switch (r->exit_code) {
	case HIL_EXIT_OK:
		return "all as expected";
	case HIL_EXIT_FAIL:
		return "a failure or an unexpected pass";
	case HIL_EXIT_USAGE:
		return "bad input";
	case HIL_EXIT_INFRA:
		return r->totals[HIL_VERDICT_ERROR] ? "infrastructure errors" : "incomplete";
	case HIL_EXIT_INCONCLUSIVE:
		return "inconclusive, more runs needed";
	case HIL_EXIT_INTERRUPTED:
		return "interrupted";
	default:
		return "?";
	}
}

void hil_results_finish(struct hil_results *r)
{
	struct hil_results_cell *sorted = hil_xcalloc(r->cell_count ? r->cell_count : 1, sizeof(*sorted));
	size_t n = 0;

	/* cells in board order, then first sight */
	for (size_t b = 0; b < r->board_count; b++)
		for (size_t i = 0; i < r->cell_count; i++)
			if (r->cells[i].board == b)
				sorted[n++] = r->cells[i];
	free(r->cells);
	r->cells = sorted;
	r->cell_cap = r->cell_count;
	for (size_t i = 0; i < r->cell_count; i++)
		decide_cell(&r->cells[i]);
	r->installs_done = 0;
	for (size_t v = 0; v < HIL_VERDICT_COUNT; v++)
		r->installs_done += r->totals[v];
	decide_complete(r);
	r->exit_code = exit_code(r);
}

static int read_record(json_t *rec, long offset, void *payload)
{
	int error = hil_results_add(payload, rec);

	(void)offset;
	json_decref(rec);
	return error;
}

int hil_results_read(struct hil_results *r, const char *path)
{
	return hil_journal_walk_from(path, &r->journal_offset, read_record, r);
}

int hil_results_load(struct hil_results **out, const char *journal_path, bool keep_cases)
{
	struct hil_results *r = hil_results_new(keep_cases);
	int error;

	*out = NULL;
	if ((error = hil_results_read(r, journal_path)) < 0) {
		hil_results_free(r);
		return error;
	}
	hil_results_finish(r);
	*out = r;
	return 0;
}
