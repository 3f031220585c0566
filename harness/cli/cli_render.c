/* Running a plan and rendering its reports: the engine writes the journal,
 * then the results model reads it (each record once) and reports/ writes
 * the files. Shared by `run` and `resume`; `report` and `merge` render
 * through hil_reports_write_all directly. */
#include "harness/cli/cli.h"
#include "harness/journal/campaign_dir.h"
#include "harness/transcript/outcome.h"
#include "harness/util/xalloc.h"
#include "reports/write_all.h"

#include <stdlib.h>

int hil_cli_run_plan(const struct hil_plan *plan, const struct hil_run_opts *opts,
		     struct hil_results *results, int *exit_code_out)
{
	char *journal = hil_xasprintf("%s/journal.jsonl", opts->out_dir);
	struct hil_run_opts o = *opts;
	struct hil_campaign_dir *own = NULL;
	bool incomplete = false;
	int error;

	*exit_code_out = HIL_EXIT_INFRA;
	/* the results folder stays locked until its reports are written */
	if (!o.dir && (error = hil_campaign_dir_open(&own, o.out_dir, o.done ? HIL_CAMPAIGN_APPEND
						     : HIL_CAMPAIGN_NEW, plan->scenario->campaign)) < 0)
		goto out;
	if (own)
		o.dir = own;
	if ((error = hil_run(plan, &o, &incomplete)) < 0 ||
	    (error = hil_results_read(results, journal)) < 0)
		goto out;
	hil_results_finish(results);
	if (incomplete && results->exit_code != HIL_EXIT_FAIL)
		/* incomplete for want of space, not interrupted by the user */
		results->exit_code = HIL_EXIT_INFRA;
	if ((error = hil_reports_write_all(results, opts->out_dir, opts->junit_profile)) < 0)
		goto out;
	*exit_code_out = results->exit_code;
out:
	hil_campaign_dir_close(own);
	free(journal);
	return error;
}
