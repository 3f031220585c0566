/* Commands that work from journals: `report DIR` re-renders a campaign's
 * reports, `resume DIR` finishes a campaign that was killed, `merge DIR...
 * --out DIR` joins shards (or any campaigns of one scenario) into one set
 * of reports. The journal is the only input, so each renders exactly what
 * a live run renders. Each reads every record once, into the typed results
 * model (reports/results.h): resume reads the journal before it runs and
 * then only what it appended; merge hands the model each record it
 * copies. */
#include "harness/cli/cli.h"
#include "harness/engine/preflight.h"
#include "harness/journal/campaign_dir.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/stop.h"
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
	"\n"
	"Renders report.html, junit.xml and summary.json again from DIR/journal.jsonl\n"
	"(byte for byte what the run wrote) and prints the summary. Exit code as the run's.\n"
	"--history: the pass rate of every cell across nightly result folders, oldest\n"
	"first, as a table (and an HTML page with an SVG plot with --out).\n";
static const char resume_usage[] =
	"usage: sfi-harness resume [--jobs N] [--allow-irreversible] DIR\n"
	"\n"
	"Continues the campaign in DIR after a crash, a kill (even SIGKILL) or an\n"
	"interrupt: installs already in the journal are not run again, the others are,\n"
	"and the reports cover all of them. The scenario and rack are the ones the\n"
	"journal names, read again and checked by run's pre-flight (the interlock\n"
	"too: --allow-irreversible as run takes it).\n";
static const char merge_usage[] =
	"usage: sfi-harness merge DIR... --out DIR\n"
	"\n"
	"Joins the journals of several result folders (the shards of one campaign,\n"
	"--shard K/N) into OUT/journal.jsonl and renders one set of reports.\n";

static int finish(const char *dir, struct hil_results *results)
{
	int code = results->exit_code;

	hil_cli_print_summary(stdout, results, dir);
	hil_results_free(results);
	return code;
}

static char *journal_of(const char *dir)
{
	return hil_xasprintf("%s/journal.jsonl", dir);
}

static int report_history(int argc, char **argv)
{
	const char *html = NULL;
	int first = 2;

	if (argc > 3 && !strcmp(argv[2], "--out")) {
		html = argv[3];
		first = 4;
	}
	if (first >= argc)
		return hil_cli_usage_error("report", "--history needs result folders");
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
	path = journal_of(argv[1]);
	if (hil_results_load(&results, path, true) < 0 ||
	    hil_reports_write_all(results, argv[1], hil_results_junit_profile(results)) < 0) {
		fprintf(stderr, "sfi-harness report: %s\n", hil_error_last());
		hil_results_free(results);
		free(path);
		return HIL_EXIT_USAGE;
	}
	free(path);
	return finish(argv[1], results);
}

/* "board\ncase" of every install the journal finished, whole. */
static int done_cases(struct hil_strset *done, const struct hil_results *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->board_count && rc >= 0; i++) {
		struct hil_results_cursor *cur;
		const struct hil_results_case *c;
		hil_results_cases_open(&cur, r, i);
		while ((rc = hil_results_cases_next(cur, &c)) > 0) {
			char *key = hil_xasprintf("%s\n%s", c->board, c->name);
			hil_strset_add(done, key);
			free(key);
		}
		hil_results_cases_close(cur);
	}
	return rc;
}

static int resume_campaign(const char *dir, struct hil_campaign_dir *cd, struct hil_results *prev,
			   const struct hil_strset *done, unsigned jobs, bool allow_irreversible)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	int code = HIL_EXIT_USAGE, error = HIL_ECONFIG;

	if (prev->scenario && prev->rack_file && hil_scenario_load(&s, prev->scenario, &d) == 0 &&
	    hil_registry_rack_load(&rack, prev->rack_file, &d) == 0 &&
	    hil_plan_build(&plan, s, rack, (unsigned)prev->repeat, &d) == 0 &&
	    /* the scenario, rack and images are read again: the same pre-flight
	     * as run, the interlock with it, before any board is touched */
	    (error = hil_preflight(plan, allow_irreversible, &d)) == 0) {
		struct hil_run_opts opts = { .out_dir = dir, .dir = cd, .progress = stdout, .done = done,
					     .jobs = jobs,
					     .junit_profile = hil_results_junit_profile(prev),
					     .seed = (uint64_t)prev->seed };
		hil_clock_set_scale(prev->time_scale);
		hil_stop_install_signals();
		error = hil_cli_run_plan(plan, &opts, prev, &code);
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

/* A results folder another run, resume or merge is writing: exit 3, the
 * holder named (like a busy board); the user's own mistakes: exit 2. */
static int dir_refused(const char *cmd, int error)
{
	fprintf(stderr, "sfi-harness %s: %s\n", cmd, hil_error_last());
	return error == HIL_EBUSY || error == HIL_EIO ? HIL_EXIT_INFRA : HIL_EXIT_USAGE;
}

int hil_cli_resume(int argc, char **argv)
{
	static const struct option options[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "allow-irreversible", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hil_strset done = HIL_STRSET_INIT;
	struct hil_results *prev = NULL;
	unsigned jobs = 0;
	char *path;
	int c, code;

	bool allow = false;

	while ((c = getopt_long(argc, argv, "j:Ih", options, NULL)) != -1) {
		if (c == 'j')
			jobs = (unsigned)strtoul(optarg, NULL, 10);
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
		return dir_refused("resume", error);
	path = journal_of(argv[optind]);
	prev = hil_results_new(true);
	if (hil_journal_repair(path) < 0 || hil_results_read(prev, path) < 0 || !prev->record_count ||
	    done_cases(&done, prev) < 0) {
		fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last()[0] ? hil_error_last()
			: "empty journal");
		hil_results_free(prev);
		hil_strset_clear(&done);
		hil_campaign_dir_close(cd);
		free(path);
		return HIL_EXIT_USAGE;
	}
	code = resume_campaign(argv[optind], cd, prev, &done, jobs, allow);
	hil_results_free(prev);
	hil_strset_clear(&done);
	hil_campaign_dir_close(cd);
	free(path);
	return code;
}

/* merge: every record of every journal, one campaign record first and one
 * end record last; step logs keep pointing at their shard's folder. Each
 * record is read once, written to the merged journal and handed to the
 * model. */
struct merge {
	struct hil_journal *out;
	struct hil_strset installs; /* "board\ncase": each install once */
	const char *shard;
	struct hil_results *results;
	json_t *end;
	const char *abs;        /* the shard's folder */
	bool first, interrupted;
	int error;
};

static int merge_record(json_t *rec, long offset, void *payload)
{
	struct merge *m = payload;
	const char *type = json_string_value(json_object_get(rec, "type"));
	int error;

	(void)offset;
	if (type && !strcmp(type, "end")) {
		m->interrupted = m->interrupted || json_is_true(json_object_get(rec, "interrupted"));
		json_decref(m->end);
		m->end = rec;
		return 0;
	}
	if (type && (!strcmp(type, "campaign") || !strcmp(type, "resume")) &&
	    (!m->first || strcmp(type, "campaign"))) {
		json_decref(rec);
		return 0;
	}
	if (type && !strcmp(type, "case")) {
		char *key = hil_xasprintf("%s\n%s", json_string_value(json_object_get(rec, "board")),
					  json_string_value(json_object_get(rec, "case")));
		bool fresh = hil_strset_add(&m->installs, key);
		free(key);
		if (!fresh) {
			error = hil_error_set(HIL_ECONFIG, "%s: install '%s' of board %s is already in "
					      "another folder given (the same shard twice?): nothing "
					      "was merged", m->shard,
					      json_string_value(json_object_get(rec, "case")),
					      json_string_value(json_object_get(rec, "board")));
			json_decref(rec);
			return error;
		}
	}
	const char *log = json_string_value(json_object_get(rec, "log"));
	if (log && log[0] != '/' && m->abs) {
		char *full = hil_xasprintf("%s/%s", m->abs, log);
		json_object_set_new(rec, "log", json_string(full));
		free(full);
	}
	if ((error = hil_results_add(m->results, rec)) < 0 ||
	    (error = hil_journal_append_async(m->out, json_incref(rec))) < 0) {
		json_decref(rec);
		return error;
	}
	json_decref(rec);
	return 0;
}

static int merge_journals(struct merge *m, char **dirs, int n)
{
	int error = 0;

	for (int d = 0; d < n && !error; d++) {
		char *path = journal_of(dirs[d]), *abs = realpath(dirs[d], NULL);
		m->abs = abs;
		m->shard = dirs[d];
		m->first = d == 0;
		error = hil_journal_walk(path, merge_record, m);
		free(path);
		free(abs);
	}
	if (!error && m->end) {
		json_object_set_new(m->end, "interrupted", json_boolean(m->interrupted));
		if ((error = hil_results_add(m->results, m->end)) == 0)
			error = hil_journal_append(m->out, json_incref(m->end));
	}
	return error;
}

int hil_cli_merge(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct merge m = { 0 };
	int c, error;

	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'h')
			return fputs(merge_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("merge", "unknown option");
	}
	if (!out || optind >= argc)
		return hil_cli_usage_error("merge", "give the result folders and --out DIR");
	bool out_existed = access(out, F_OK) == 0;
	/* the output read as one of its own sources would grow without end */
	char *out_real = realpath(out, NULL);
	for (int i = optind; out_real && i < argc; i++) {
		char *src = realpath(argv[i], NULL);
		bool same = src && !strcmp(src, out_real);
		free(src);
		if (same) {
			fprintf(stderr, "sfi-harness merge: --out %s is also a folder to merge; give a "
				"new folder\n", out);
			free(out_real);
			return HIL_EXIT_USAGE;
		}
	}
	free(out_real);
	struct hil_campaign_dir *cd = NULL;
	if ((error = hil_campaign_dir_open(&cd, out, HIL_CAMPAIGN_NEW, NULL)) < 0)
		return dir_refused("merge", error);
	char *path = journal_of(out);
	if (hil_campaign_dir_create_journal(cd) < 0 || hil_journal_open(&m.out, path) < 0) {
		fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
		hil_campaign_dir_close(cd);
		free(path);
		return HIL_EXIT_USAGE;
	}
	m.results = hil_results_new(true);
	error = merge_journals(&m, argv + optind, argc - optind);
	hil_journal_close(m.out);
	json_decref(m.end);
	hil_strset_clear(&m.installs);
	if (error < 0) { /* a shard could not be read: no half-merged journal stays */
		fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
		unlink(path);
		hil_campaign_dir_close(cd);
		if (!out_existed) { /* only what merge created goes: the lock, then the folder */
			char *lock = hil_xasprintf("%s/.lock", out);
			unlink(lock);
			free(lock);
			rmdir(out);
		}
		hil_results_free(m.results);
		free(path);
		return HIL_EXIT_USAGE;
	}
	free(path);
	hil_results_finish(m.results);
	if (hil_reports_write_all(m.results, out, hil_results_junit_profile(m.results)) < 0) {
		fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
		hil_results_free(m.results);
		hil_campaign_dir_close(cd);
		return HIL_EXIT_INFRA;
	}
	hil_campaign_dir_close(cd);
	return finish(out, m.results);
}
