/* Commands that work from journals: `report DIR` re-renders a campaign's
 * reports, `resume DIR` finishes a campaign that was killed, `merge DIR...
 * --out DIR` joins shards (or any campaigns of one scenario) into one set
 * of reports. The journal is the only input, so each renders exactly what
 * a live run renders. */
#include "harness/cli/cli.h"
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
#include "reports/results.h"
#include "reports/trend.h"

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
	"usage: sfi-harness resume [--jobs N] DIR\n"
	"\n"
	"Continues the campaign in DIR after a crash, a kill (even SIGKILL) or an\n"
	"interrupt: installs already in the journal are not run again, the others are,\n"
	"and the reports cover all of them. The scenario and rack are the ones the\n"
	"journal names.\n";
static const char merge_usage[] =
	"usage: sfi-harness merge DIR... --out DIR\n"
	"\n"
	"Joins the journals of several result folders (the shards of one campaign,\n"
	"--shard K/N) into OUT/journal.jsonl and renders one set of reports.\n";

static int finish(const char *dir, json_t *results)
{
	int code = (int)json_integer_value(json_object_get(results, "exit_code"));

	hil_cli_print_summary(stdout, results, dir);
	json_decref(results);
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
	json_t *results = NULL;
	char *path;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return fputs(report_usage, stdout), HIL_EXIT_OK;
	if (argc >= 2 && !strcmp(argv[1], "--history"))
		return report_history(argc, argv);
	if (argc != 2)
		return hil_cli_usage_error("report", "give one results folder");
	path = journal_of(argv[1]);
	if (hil_results_load(&results, path) < 0 ||
	    hil_reports_write_all(results, argv[1], hil_results_junit_profile(results)) < 0) {
		fprintf(stderr, "sfi-harness report: %s\n", hil_error_last());
		json_decref(results);
		free(path);
		return HIL_EXIT_USAGE;
	}
	free(path);
	return finish(argv[1], results);
}

/* {"board\ncase": true} for every install the journal finished. */
static json_t *done_cases(const json_t *records)
{
	json_t *done = json_object(), *rec;
	size_t i;

	json_array_foreach(records, i, rec) {
		const char *type = json_string_value(json_object_get(rec, "type"));
		if (!type || strcmp(type, "case"))
			continue;
		char *key = hil_xasprintf("%s\n%s", json_string_value(json_object_get(rec, "board")),
					  json_string_value(json_object_get(rec, "case")));
		json_object_set_new(done, key, json_true());
		free(key);
	}
	return done;
}

static int resume_campaign(const char *dir, const json_t *campaign, const json_t *done,
			   unsigned jobs, int profile, json_t **results)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	const char *scen = json_string_value(json_object_get(campaign, "scenario"));
	const char *rack_file = json_string_value(json_object_get(campaign, "rack_file"));
	int code = HIL_EXIT_USAGE, error = HIL_ECONFIG;

	if (scen && rack_file && hil_scenario_load(&s, scen, &d) == 0 &&
	    hil_registry_rack_load(&rack, rack_file, &d) == 0 &&
	    hil_plan_build(&plan, s, rack, (unsigned)json_integer_value(json_object_get(campaign, "repeat")),
			   &d) == 0) {
		struct hil_run_opts opts = { .out_dir = dir, .progress = stdout, .done = done, .jobs = jobs,
					     .junit_profile = profile,
					     .seed = (uint64_t)json_integer_value(json_object_get(campaign, "seed")) };
		hil_clock_set_scale(json_number_value(json_object_get(campaign, "time_scale")));
		hil_stop_install_signals();
		error = hil_run(plan, &opts, &code, results);
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

int hil_cli_resume(int argc, char **argv)
{
	static const struct option options[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *records = NULL, *results = NULL;
	unsigned jobs = 0;
	char *path;
	int c, code;

	while ((c = getopt_long(argc, argv, "j:h", options, NULL)) != -1) {
		if (c == 'j')
			jobs = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'h')
			return fputs(resume_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("resume", "unknown option");
	}
	if (optind != argc - 1)
		return hil_cli_usage_error("resume", "give one results folder");
	path = journal_of(argv[optind]);
	if (hil_journal_repair(path) < 0 || hil_journal_read(&records, path) < 0 ||
	    !json_array_size(records)) {
		fprintf(stderr, "sfi-harness resume: %s\n", hil_error_last()[0] ? hil_error_last()
			: "empty journal");
		json_decref(records);
		free(path);
		return HIL_EXIT_USAGE;
	}
	json_t *done = done_cases(records);
	json_t *prev = NULL;
	hil_results_build(&prev, records);
	code = resume_campaign(argv[optind], json_array_get(records, 0), done, jobs,
			       hil_results_junit_profile(prev), &results);
	json_decref(prev);
	json_decref(done);
	json_decref(records);
	free(path);
	return results ? (json_decref(results), code) : code;
}

/* Every record of every journal, one campaign record first and one end
 * record last; step logs keep pointing at their shard's folder. */
static json_t *merged_records(char **dirs, int n)
{
	json_t *all = json_array(), *end = NULL, *rec;
	bool interrupted = false;

	for (int d = 0; d < n; d++) {
		char *path = journal_of(dirs[d]), *abs = realpath(dirs[d], NULL);
		json_t *records = NULL;
		size_t i;
		if (hil_journal_read(&records, path) < 0) {
			fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
			json_decref(all);
			free(path);
			free(abs);
			return NULL;
		}
		json_array_foreach(records, i, rec) {
			const char *type = json_string_value(json_object_get(rec, "type"));
			if (type && !strcmp(type, "end")) {
				interrupted = interrupted || json_is_true(json_object_get(rec, "interrupted"));
				json_decref(end);
				end = json_incref(rec);
				continue;
			}
			if (type && (!strcmp(type, "campaign") || !strcmp(type, "resume")) &&
			    (d > 0 || strcmp(type, "campaign")))
				continue;
			const char *log = json_string_value(json_object_get(rec, "log"));
			if (log && log[0] != '/' && abs) {
				char *full = hil_xasprintf("%s/%s", abs, log);
				json_object_set_new(rec, "log", json_string(full));
				free(full);
			}
			json_array_append(all, rec);
		}
		json_decref(records);
		free(path);
		free(abs);
	}
	if (end) {
		json_object_set_new(end, "interrupted", json_boolean(interrupted));
		json_array_append_new(all, end);
	}
	return all;
}

int hil_cli_merge(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	json_t *records, *results = NULL, *rec;
	struct hil_journal *j = NULL;
	size_t i;
	int c;

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
	char *path = journal_of(out);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "sfi-harness merge: %s already exists; choose another --out\n", path);
		free(path);
		return HIL_EXIT_USAGE;
	}
	if (!(records = merged_records(argv + optind, argc - optind))) {
		free(path);
		return HIL_EXIT_USAGE;
	}
	if (hil_mkdir_p(out) < 0 || hil_journal_open(&j, path) < 0) {
		fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
		json_decref(records);
		free(path);
		return HIL_EXIT_USAGE;
	}
	json_array_foreach(records, i, rec)
		hil_journal_append(j, json_incref(rec));
	hil_journal_close(j);
	hil_results_build(&results, records);
	json_decref(records);
	free(path);
	if (hil_reports_write_all(results, out, hil_results_junit_profile(results)) < 0) {
		fprintf(stderr, "sfi-harness merge: %s\n", hil_error_last());
		json_decref(results);
		return HIL_EXIT_INFRA;
	}
	return finish(out, results);
}
