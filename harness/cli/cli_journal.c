/* Commands that work from journals: `report DIR` re-renders a campaign's
 * reports, `resume DIR` finishes a campaign that was killed (merge is in
 * cli_merge.c). The journal is the only input, so each renders exactly what
 * a live run renders. Each reads every record once, into the typed results
 * model (reports/results.h): resume reads the journal before it runs and
 * then only what it appended. */
#include "harness/cli/cli.h"
#include "harness/history/history.h"
#include "harness/engine/preflight.h"
#include "harness/journal/campaign_dir.h"
#include "harness/util/clock.h"
#include "harness/util/digest.h"
#include "harness/util/error.h"
#include "harness/util/stop.h"
#include "harness/util/term.h"
#include "harness/util/fileutil.h"
#include "harness/journal/journal.h"
#include "harness/transcript/outcome.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "harness/util/xalloc.h"
#include "harness/util/strset.h"
#include "reports/trend.h"
#include "reports/write_all.h"

#include <jansson.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_usage[] =
	"usage: sfi-harness report DIR\n"
	"       sfi-harness report --history [--out trend.html] DIR...\n"
	"       sfi-harness report --history --db FILE [--out trend.html] [--rack R]\n"
	"                          [--board B] [--since DATE] [--until DATE]\n"
	"\n"
	"Renders report.html, junit.xml and summary.json again from DIR/journal.jsonl\n"
	"(byte for byte what the run wrote) and prints the summary. Exit code as the run's.\n"
	"--history: the share of installs as expected (pass or xfail) of every cell\n"
	"across nightly result folders, or the campaigns of a history database (--db,\n"
	"docs/history.md), oldest first, as a table (and an HTML page with an SVG plot\n"
	"and a legend with --out).\n";
static const char resume_usage[] =
	"usage: sfi-harness resume [--jobs N] [--allow-irreversible] DIR\n"
	"\n"
	"Continues the campaign in DIR after a crash, a kill (even SIGKILL) or an\n"
	"interrupt: installs already in the journal are not run again, the others are,\n"
	"and the reports cover all of them. The scenario and rack are the ones the\n"
	"journal names, read again and checked by run's pre-flight (the interlock\n"
	"too: --allow-irreversible as run takes it).\n";

static int finish(const char *dir, struct hil_results *results)
{
	int code = results->exit_code;

	hil_cli_print_summary(stdout, results, dir);
	hil_results_free(results);
	return code;
}

/* A results folder another run, resume or merge is writing: exit 3, the
 * holder named (like a busy board); the user's own mistakes: exit 2. */
int hil_cli_dir_refused(const char *cmd, int error)
{
	fprintf(stderr, "sfi-harness %s: %s\n", cmd, hil_error_last());
	return error == HIL_EBUSY || error == HIL_EIO ? HIL_EXIT_INFRA : HIL_EXIT_USAGE;
}

static char *journal_of(const char *dir)
{
	return hil_xasprintf("%s/journal.jsonl", dir);
}

static int report_history(int argc, char **argv)
{
	struct hil_history_filter f = { 0 };
	const char *html = NULL, *db = NULL;
	int first = 2;

	for (; first + 1 < argc && !strncmp(argv[first], "--", 2); first += 2) {
		const char *o = argv[first], *v = argv[first + 1];
		if (!strcmp(o, "--out"))
			html = v;
		else if (!strcmp(o, "--db"))
			db = v;
		else if (!strcmp(o, "--rack"))
			f.rack = v;
		else if (!strcmp(o, "--board"))
			f.board = v;
		else if (!strcmp(o, "--since"))
			f.since = v;
		else if (!strcmp(o, "--until"))
			f.until = v;
		else
			return hil_cli_usage_error("report", "--history: unknown option '%s'", o);
	}
	if (db) {
		if (first < argc)
			return hil_cli_usage_error("report", "--history --db takes no result folders");
		return hil_cli_history_trend(db, &f, html);
	}
	if (f.rack || f.board || f.since || f.until)
		return hil_cli_usage_error("report", "--rack, --board, --since and --until filter "
					   "the history database: give --db FILE");
	if (first >= argc)
		return hil_cli_usage_error("report", "--history needs result folders or --db FILE");
	if (hil_report_trend(argv + first, argc - first, stdout, html) < 0) {
		fprintf(stderr, "sfi-harness report: %s\n", hil_error_last());
		return HIL_EXIT_USAGE;
	}
	if (html)
		printf("trend: %s\n", html);
	return HIL_EXIT_OK;
}

int hil_cli_report(int argc, char **argv)
{
	struct hil_results *results = NULL;
	char *path;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return fputs(report_usage, stdout), HIL_EXIT_OK;
	if (argc >= 2 && !strcmp(argv[1], "--history"))
		return report_history(argc, argv);
	if (argc != 2)
		return hil_cli_usage_error("report", "give one results folder");
	/* a folder a run is still writing: its reports come when it ends */
	struct hil_campaign_dir *cd = NULL;
	int error = hil_campaign_dir_open(&cd, argv[1], HIL_CAMPAIGN_READ, NULL);
	bool live = cd && hil_campaign_dir_live(cd);
	hil_campaign_dir_close(cd);
	if (error < 0)
		return hil_cli_dir_refused("report", error);
	if (live) {
		fprintf(stderr, "sfi-harness report: %s is being written by a run, resume or merge "
			"now: its reports are written when it ends (the journal so far is in "
			"%s/journal.jsonl)\n", argv[1], argv[1]);
		return HIL_EXIT_INFRA;
	}
	path = journal_of(argv[1]);
	if ((error = hil_results_load(&results, path, true)) < 0 ||
	    (error = hil_reports_write_all(results, argv[1], hil_results_junit_profile(results))) < 0) {
		/* a journal that does not read is the input's fault; a report that
		 * cannot be written (a full disk) the machine's */
		fprintf(stderr, "sfi-harness report: %s%s\n", hil_error_last(),
			error == HIL_EIO && results ? " (free space, then run sfi-harness report again)" : "");
		hil_results_free(results);
		free(path);
		return error == HIL_EIO && results ? HIL_EXIT_INFRA : HIL_EXIT_USAGE;
	}
	free(path);
	return finish(argv[1], results);
}

/* "board\ncase" of every install the journal finished, whole. */
static int done_cases(struct hil_strset *done, struct hil_strset *failed, const struct hil_results *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, r, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			char *key = hil_xasprintf("%s\n%s", c->board, c->name);
			hil_strset_add(done, key);
			/* a failure for until: {failures}, as board.c counts them */
			if (strcmp(c->verdict, "error") && strcmp(c->verdict, "skip") &&
			    strcmp(c->cls, "success"))
				hil_strset_add(failed, key);
			free(key);
		}
		hil_results_cases_close(cur);
	}
	return rc;
}

/* The part of the campaign run --board/--only/--only-failed kept, as the
 * campaign record names it: resume runs that part, not the whole. */
static int keep_selection(struct hil_plan *plan, const struct hil_results *prev)
{
	if (!prev->has_selection)
		return 0;
	bool *keep = hil_xcalloc(plan->board_count * plan->cell_count + 1, sizeof(*keep));
	for (size_t i = 0; i < prev->selected_count; i++) {
		char *pair = hil_xstrdup(prev->selected[i]), *label = strchr(pair, '\n');
		*label++ = '\0';
		long b = hil_plan_board_index(plan, pair), k = hil_plan_cell_index(plan, label);
		if (b >= 0 && k >= 0)
			keep[(size_t)b * plan->cell_count + (size_t)k] = true;
		free(pair);
	}
	hil_plan_keep(plan, keep);
	free(keep);
	return 0;
}

static int resume_campaign(const char *dir, struct hil_campaign_dir *cd, struct hil_results *prev,
			   const struct hil_strset *done, const struct hil_strset *done_failed,
			   unsigned jobs, bool allow_irreversible)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	int code = HIL_EXIT_USAGE, error = HIL_ECONFIG;

	if (prev->scenario && prev->rack_file && hil_scenario_load(&s, prev->scenario, &d) == 0 &&
	    hil_registry_rack_load(&rack, prev->rack_file, &d) == 0 &&
	    hil_plan_build(&plan, s, rack, (unsigned)prev->repeat, &d) == 0 &&
	    keep_selection(plan, prev) == 0 &&
	    /* the scenario, rack and images are read again: the same pre-flight
	     * as run, the interlock with it, before any board is touched */
	    (error = hil_preflight(plan, allow_irreversible, &d)) == 0) {
		/* exactly the recorded plan: its shard, seed, time scale, JUnit
		 * profile and (unless --jobs says otherwise) its jobs */
		struct hil_run_opts opts = { .out_dir = dir, .dir = cd, .progress = stdout, .done = done,
					     .done_failed = done_failed,
					     .jobs = jobs ? jobs : (unsigned)prev->jobs,
					     .shard = (unsigned)prev->shard,
					     .shards = (unsigned)prev->shards,
					     .junit_profile = hil_results_junit_profile(prev),
					     .seed = (uint64_t)prev->seed };
		hil_clock_set_scale(prev->time_scale);
		hil_stop_install_signals();
		if ((error = hil_cli_run_plan(plan, &opts, prev, &code)) == 0)
			hil_cli_print_summary(stdout, prev, dir);
	}
	hil_diag_print(&d, stderr);
	hil_diag_clear(&d);
	if (error < 0 && !d.count)
		fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last());
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	return error < 0 ? (error == HIL_EREFUSED || error == HIL_ECONFIG ? HIL_EXIT_USAGE : HIL_EXIT_INFRA)
			 : code;
}

/* Resume runs the plan the campaign record describes: a scenario or rack
 * file that changed since would run something else under the old name. A
 * journal from before the hashes were kept is resumed as it was. */
static int same_files(const struct hil_results *prev)
{
	const char *files[] = { prev->scenario, prev->rack_file };
	const char *recorded[] = { prev->scenario_sha256, prev->rack_sha256 };
	const char *what[] = { "scenario", "rack" };

	for (int i = 0; i < 2; i++) {
		char now[65];
		if (!recorded[i] || !files[i])
			continue;
		if (hil_file_sha256(files[i], now) < 0)
			return hil_error_set(HIL_ECONFIG, "the campaign's %s %s cannot be read (%s): "
					     "resume needs the files the campaign started with",
					     what[i], files[i], hil_error_last());
		if (strcmp(now, recorded[i]))
			return hil_error_set(HIL_ECONFIG, "the %s %s changed since the campaign started "
					     "(sha256 %.12s... then, %.12s... now): resume continues the "
					     "recorded plan only; restore the file, or start a new campaign "
					     "with `sfi-harness run`", what[i], files[i], recorded[i], now);
	}
	return 0;
}

/* A campaign that ran to its end has no install to resume: say so, write
 * its reports (a run whose report writing failed gets them now), show its
 * summary; *code: the campaign's exit code (3 when the reports still
 * cannot be written). */
static bool already_complete(struct hil_results *prev, const char *dir, int *code)
{
	if (!prev->campaign_seen || !prev->ended || prev->interrupted || prev->write_failed ||
	    prev->incomplete)
		return false;
	hil_results_finish(prev);
	printf("%s: the campaign is complete (it ended %s); no install to resume\n", dir,
	       prev->finished ? prev->finished : "?");
	*code = prev->exit_code;
	if (hil_reports_write_all(prev, dir, hil_results_junit_profile(prev)) < 0) {
		fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last());
		*code = HIL_EXIT_INFRA;
		return true;
	}
	hil_cli_print_summary(stdout, prev, dir);
	return true;
}


int hil_cli_resume(int argc, char **argv)
{
	static const struct option options[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "allow-irreversible", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hil_strset done = HIL_STRSET_INIT, done_failed = HIL_STRSET_INIT;
	struct hil_results *prev = NULL;
	unsigned jobs = 0;
	char *path;
	int c, code;

	bool allow = false;

	while ((c = getopt_long(argc, argv, "j:Ih", options, NULL)) != -1) {
		if (c == 'j') {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || !n || n > 1024 || optarg[0] == '-')
				return hil_cli_usage_error("resume", "--jobs: '%s' is not a number from 1 to "
							   "1024", optarg);
			jobs = (unsigned)n;
		}
		else if (c == 'I')
			allow = true;
		else if (c == 'h')
			return fputs(resume_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("resume", "unknown option");
	}
	if (optind != argc - 1)
		return hil_cli_usage_error("resume", "give one results folder");
	/* locked before anything is read: two resumes never both run what the
	 * journal lacks */
	struct hil_campaign_dir *cd = NULL;
	int error = hil_campaign_dir_open(&cd, argv[optind], HIL_CAMPAIGN_APPEND, NULL);
	if (error < 0)
		return hil_cli_dir_refused("resume", error);
	path = journal_of(argv[optind]);
	prev = hil_results_new(true);
	if (hil_journal_repair(path) < 0 || hil_results_read(prev, path) < 0 || !prev->record_count ||
	    done_cases(&done, &done_failed, prev) < 0) {
		fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last()[0] ? hil_error_last()
			: "empty journal");
		hil_results_free(prev);
		hil_strset_clear(&done);
		hil_strset_clear(&done_failed);
		hil_campaign_dir_close(cd);
		free(path);
		return HIL_EXIT_USAGE;
	}
	if (prev->merged) {
		/* its plan is its sources': they are what resume continues */
		hil_term_printf(stderr, "sfi-harness resume: %s is a merged folder%s%s: resume the "
				"folder that did not finish, then merge again (`sfi-harness merge "
				"... --out NEW`)\n", argv[optind], prev->incomplete ? " and incomplete: " : "",
				prev->incomplete ? prev->incomplete : "");
		code = HIL_EXIT_USAGE;
	} else if (!already_complete(prev, argv[optind], &code)) {
		if (same_files(prev) < 0) {
			fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last());
			code = HIL_EXIT_USAGE;
		} else {
			code = resume_campaign(argv[optind], cd, prev, &done, &done_failed, jobs, allow);
		}
	}
	hil_results_free(prev);
	hil_strset_clear(&done);
	hil_strset_clear(&done_failed);
	hil_campaign_dir_close(cd);
	free(path);
	return code;
}
