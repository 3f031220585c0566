/* Command-line front end: `sfi-harness COMMAND [options]`. */
#ifndef HIL_HARNESS_CLI_H
#define HIL_HARNESS_CLI_H

#include "harness/engine/runner.h"
#include "reports/results.h"

#include <stdio.h>

int hil_cli_main(int argc, char **argv);

int hil_cli_run(int argc, char **argv);
int hil_cli_check(int argc, char **argv);
int hil_cli_transcript(int argc, char **argv);
int hil_cli_probes(int argc, char **argv);
int hil_cli_power(int argc, char **argv);
int hil_cli_doctor(int argc, char **argv);
int hil_cli_sfi(int argc, char **argv);
int hil_cli_report(int argc, char **argv);
int hil_cli_resume(int argc, char **argv);
int hil_cli_merge(int argc, char **argv);
int hil_cli_explain(int argc, char **argv);
int hil_cli_history(int argc, char **argv);

struct hil_history_filter;
/* report --history --db: the trends of the history database @db's
 * campaigns that match @f (table, and trend.html at @html). */
int hil_cli_history_trend(const char *db, const struct hil_history_filter *f, const char *html);

/* The per-board/cell verdict table and report paths printed after a run. */
void hil_cli_print_summary(FILE *f, const struct hil_results *results, const char *out_dir);

/* Runs @plan (hil_run), then reads what it journaled into @results (a new
 * model, or for resume one that read the journal so far), finishes it and
 * renders junit.xml, report.html and summary.json into opts->out_dir.
 * *exit_code_out: the DESIGN §5 code. Negative when the harness itself
 * failed (as hil_run), or the reports could not be written. */
int hil_cli_run_plan(const struct hil_plan *plan, const struct hil_run_opts *opts,
		     struct hil_results *results, int *exit_code_out);

/* run --dry-run: the plan of this run (shard @shard of @shards, 0: all;
 * the selection plan->wanted keeps), its estimated wall time and what
 * it may draw (cli_dryrun.c). */
void hil_cli_print_plan(const struct hil_plan *plan, unsigned jobs, unsigned shard, unsigned shards);

/* run --only-failed DIR (cli_rerun.c): reads DIR's journal into *out
 * (free with hil_results_free; says why on stderr when it cannot), then
 * narrows @plan to the board x cells that failed or errored in it.
 * _select returns how many, 0 when none did, or HIL_ECONFIG with @diag
 * (another campaign, a board or cell the plan no longer has). */
int hil_cli_rerun_load(struct hil_results **out, const char *dir);
int hil_cli_rerun_select(struct hil_plan *plan, const struct hil_results *prior, const char *dir,
			 struct hil_diag *diag);

/* A results folder refused (campaign_dir.h): prints why; exit 3 when
 * another writer holds it or the file system failed, else 2. */
int hil_cli_dir_refused(const char *cmd, int error);

/* Prints "sfi-harness CMD: <message>" and a hint to --help; returns 2. */
int hil_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
