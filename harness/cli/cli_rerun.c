/* `run --only-failed DIR`: runs again, into a new results folder, the
 * boards' cells that failed or errored in an earlier campaign. DIR's
 * journal is read through the results model (reports/results.h), as the
 * reports read it; its campaign record names the scenario and the rack,
 * which are the defaults when none are given. A (board, cell) with a
 * fail, an xpass or an error in DIR runs again, repeat times; the other
 * cells are left out of the plan (docs/engine.md, "Running part of a
 * campaign"). */
#include "harness/cli/cli.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int hil_cli_rerun_load(struct hil_results **out, const char *dir)
{
	char *path = hil_xasprintf("%s/journal.jsonl", dir);
	struct stat st;
	int error = 0;

	*out = NULL;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "sfi-harness run: --only-failed %s: no journal.jsonl there (a "
			"results folder of 'sfi-harness run' has one)\n", dir);
		error = HIL_ENOTFOUND;
	} else if ((error = hil_results_load(out, path, true)) < 0) {
		fprintf(stderr, "sfi-harness run: --only-failed %s: %s\n", dir, hil_error_last());
	} else if (!(*out)->campaign || !(*out)->scenario) {
		fprintf(stderr, "sfi-harness run: --only-failed %s: its journal has no campaign "
			"record\n", dir);
		error = HIL_ECONFIG;
	}
	free(path);
	if (error < 0) {
		hil_results_free(*out);
		*out = NULL;
	}
	return error;
}

static bool failed_or_errored(const char *verdict)
{
	return !strcmp(verdict, "fail") || !strcmp(verdict, "xpass") || !strcmp(verdict, "error");
}

int hil_cli_rerun_select(struct hil_plan *plan, const struct hil_results *prior, const char *dir,
			 struct hil_diag *diag)
{
	size_t cells = plan->board_count * plan->cell_count;
	bool *keep = hil_xcalloc(cells + 1, sizeof(*keep));
	int error = 0, found = 0;

	if (strcmp(prior->campaign, plan->scenario->campaign) != 0) {
		hil_diag_add(diag, "--only-failed", 0, 0, "%s holds campaign %s, not %s: rerun it "
			     "with its own scenario", dir, prior->campaign, plan->scenario->campaign);
		free(keep);
		return HIL_ECONFIG;
	}
	for (size_t i = 0; i < prior->board_count && !error; i++) {
		struct hil_results_cursor *cur = NULL;
		const struct hil_results_case *c;
		int rc;
		if ((error = hil_results_cases_open(&cur, prior, i)) < 0)
			break;
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			if (!failed_or_errored(c->verdict))
				continue;
			long b = hil_plan_board_index(plan, c->board), k = hil_plan_cell_index(plan, c->cell);
			if (b < 0 || k < 0) {
				hil_diag_add(diag, "--only-failed", 0, 0, "%s: %s %s (%s) is not in this "
					     "campaign's plan any more (%s)", dir, c->board, c->name,
					     c->verdict, b < 0 ? "no such board" : "no such cell");
				error = HIL_ECONFIG;
				continue;
			}
			found += !keep[(size_t)b * plan->cell_count + (size_t)k];
			keep[(size_t)b * plan->cell_count + (size_t)k] = true;
		}
		if (rc < 0)
			error = rc;
		hil_results_cases_close(cur);
	}
	if (error < 0 && !diag->count)
		hil_diag_add(diag, "--only-failed", 0, 0, "%s: %s", dir, hil_error_last());
	if (!error && found)
		hil_plan_keep(plan, keep);
	free(keep);
	return error < 0 ? HIL_ECONFIG : found;
}
