/* The table a person reads after a run: one line per board and cell with
 * the verdict, then where the reports are. From the typed results model;
 * a cell's RSS column was gathered as its installs were read. */
#include "harness/cli/cli.h"
#include "harness/util/term.h"
#include "harness/transcript/outcome.h"

#include <stdio.h>
#include <string.h>

static const char *text_or(const char *s, const char *fallback)
{
	return s ? s : fallback;
}

static void classes_text(char *buf, size_t size, const struct hil_results_cell *cell)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cell->class_count; i++) {
		const char *cls = cell->class_names[i];
		if (!strcmp(cls, "success") || !strcmp(cls, "none") || used >= size)
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s x%lld", used ? ", " : "",
					 cls, (long long)cell->class_counts[i]);
	}
}

/* A cell with max_failure_rate, in a qualification's words. */
static const char *qualification(const struct hil_results_cell *cell, char *text, size_t size)
{
	const char *v = cell->verdict;

	if (!strcmp(v, "pass"))
		return "qualified";
	if (!strcmp(v, "fail"))
		return "not qualified";
	snprintf(text, size, "inconclusive, %lld more runs needed",
		 cell->has_more_runs ? (long long)cell->more_runs : 0LL);
	return text;
}

static void detail(char *buf, size_t size, const struct hil_results_cell *cell)
{
	char classes[256], words[64];

	classes_text(classes, sizeof(classes), cell);
	if (cell->has_max_rate)
		snprintf(buf, size, "%s: failure rate %.1f%% (95%% CI %.1f-%.1f%%, limit %.1f%%)%s%s",
			 qualification(cell, words, sizeof(words)),
			 cell->runs ? 100 * cell->failure_rate : 0.0, 100 * cell->ci_lo,
			 100 * cell->ci_hi, 100 * cell->max_rate, classes[0] ? "; " : "", classes);
	else
		snprintf(buf, size, "%s", classes);
}

/* A cell whose detail would be empty (no class but success, no rate):
 * what its installs ended in and what was expected of them, from its
 * first install, so an empty column never leaves the reader guessing. */
static void plain_detail(char *buf, size_t size, const struct hil_results *r,
			 const struct hil_results_cell *cell)
{
	struct hil_results_cursor *cur = NULL;
	const struct hil_results_case *c = NULL;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cell->class_count && used < size; i++)
		if (strcmp(cell->class_names[i], "none") != 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s x%lld", used ? ", " : "",
						 cell->class_names[i], (long long)cell->class_counts[i]);
	if (used >= size || hil_results_cases_open(&cur, r, cell->board) < 0)
		return;
	while (hil_results_cases_next(cur, &c) > 0 && strcmp(c->cell, cell->label) != 0)
		c = NULL;
	if (c && !strcmp(c->verdict, "skip"))
		snprintf(buf + used, size - used, "%sskipped: %s", used ? "; " : "", c->message);
	else if (c && c->expected_class)
		snprintf(buf + used, size - used, "%sexpected %s %s", used ? "; " : "",
			 c->expected_result, c->expected_class);
	else if (c)
		snprintf(buf + used, size - used, "%sexpected %s, no expectation class", used ? "; " : "",
			 c->expected_result);
	hil_results_cases_close(cur);
}

void hil_cli_print_summary(FILE *f, const struct hil_results *results, const char *out_dir)
{
	const unsigned long *totals = results->totals;
	int code = results->exit_code;

	/* every name here comes from input files or the journal: made safe for
	 * the terminal (util/term.h) */
	char c1[256], c2[256], c3[256], c4[512], c5[64];
	fprintf(f, "\nCampaign %s on rack %s\n",
		hil_term_safe(c1, sizeof(c1), text_or(results->campaign, "?"), false),
		hil_term_safe(c2, sizeof(c2), text_or(results->rack, "?"), false));
	fprintf(f, "%-16s %-5s %-28s %5s %5s  %-13s %s\n", "board", "BL", "cell", "runs", "fail",
		"verdict", "detail");
	for (size_t i = 0; i < results->cell_count; i++) {
		const struct hil_results_cell *cell = &results->cells[i];
		const char *rss = cell->rss_text;
		char text[512];
		detail(text, sizeof(text), cell);
		if (!text[0] && !rss[0])
			plain_detail(text, sizeof(text), results, cell);
		fprintf(f, "%-16s %-5s %-28s %5lld %5lld  %-13s %s%s%s\n",
			hil_term_safe(c1, sizeof(c1), results->boards[cell->board].name, false),
			hil_term_safe(c5, sizeof(c5), text_or(cell->bl_version, "?"), false),
			hil_term_safe(c2, sizeof(c2), cell->label[0] ? cell->label : "-", false),
			(long long)cell->runs, (long long)cell->failures, cell->verdict,
			hil_term_safe(c4, sizeof(c4), text, false), rss[0] && text[0] ? " " : "",
			hil_term_safe(c3, sizeof(c3), rss, false));
	}
	fprintf(f, "\nTotals (installs, not cells): %lld pass, %lld fail, %lld xfail, %lld xpass, %lld error, %lld skip\n",
		(long long)totals[HIL_VERDICT_PASS], (long long)totals[HIL_VERDICT_FAIL],
		(long long)totals[HIL_VERDICT_XFAIL], (long long)totals[HIL_VERDICT_XPASS],
		(long long)totals[HIL_VERDICT_ERROR], (long long)totals[HIL_VERDICT_SKIP]);
	fprintf(f, "HSM licences drawn: %lld\n", (long long)results->hsm_draws);
	if (code != 1 && totals[HIL_VERDICT_FAIL] > 0)
		fprintf(f, "Note: the failed installs lie within a max_failure_rate the scenario "
			"accepts (see the cells above); JUnit still lists each one as a failure.\n");
	if (!results->complete) {
		char planned[48] = "";
		if (results->installs_planned)
			snprintf(planned, sizeof(planned), " of %llu planned", results->installs_planned);
		hil_term_printf(f, "Incomplete: %llu install(s)%s in the journal; %s\n",
				results->installs_done, planned, results->why_incomplete);
		if (!results->merged && results->campaign_seen &&
		    !(results->installs_planned && results->installs_done > results->installs_planned))
			hil_term_printf(f, "To finish it: sfi-harness resume %s\n", out_dir);
	}
	/* --out is as the user typed it (or pasted it from a file) */
	hil_term_printf(f, "Reports:\n  %s/report.html\n  %s/junit.xml\n  %s/summary.json\n"
			"  %s/journal.jsonl\n  %s/logs/\n", out_dir, out_dir, out_dir, out_dir, out_dir);
	fprintf(f, "Exit code %d: %s\n", code, hil_results_exit_meaning(results));
}
