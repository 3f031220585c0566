/* `sfi-harness run SCENARIO...`: load, validate and plan everything first
 * (nothing runs if any input is bad), then run each campaign into its own
 * results folder and render its reports from its journal (cli_render.c). */
#include "harness/cli/cli.h"
#include "harness/util/fileutil.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/term.h"
#include "harness/util/stop.h"
#include "harness/engine/interlock.h"
#include "harness/engine/preflight.h"
#include "harness/transcript/outcome.h"
#include "harness/config/plan.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "harness/util/xalloc.h"
#include "drivers/registry.h"
#include "reports/junit.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
	"usage: sfi-harness run [options] SCENARIO...\n"
	"       sfi-harness run [options] --only-failed DIR [SCENARIO]\n"
	"\n"
	"Runs each SCENARIO on the rack and writes journal.jsonl, junit.xml,\n"
	"summary.json and logs/ into one results folder per campaign.\n"
	"\n"
	"  --rack RACK        rack file (default: $SFI_HARNESS_RACK or the simulated rack)\n"
	"  --out DIR          results folder (default: results/CAMPAIGN-UTCTIME);\n"
	"                     with several scenarios, DIR/CAMPAIGN for each\n"
	"  --board NAME       run only this board's installs (repeatable)\n"
	"  --only KEY=VALUE   run only the cells whose matrix parameter KEY is VALUE\n"
	"                     (repeatable: values of one KEY are alternatives)\n"
	"  --only-failed DIR  run again, into a new folder, the board x cells that\n"
	"                     failed or errored in the results folder DIR (its scenario\n"
	"                     and rack unless given)\n"
	"  --repeat N         override the scenario's repeat\n"
	"  --seed N           seed for simulated randomness (default: the scenario's)\n"
	"  --time-scale F     simulated racks only: wait F x each simulated delay (0..1)\n"
	"  --jobs N           boards worked on at once (default: all of the rack's)\n"
	"  --shard K/N        run only shard K of N (deterministic over board x cell);\n"
	"                     'sfi-harness merge' joins the shards' results\n"
	"  --wait-lock S      wait up to S seconds for a board another run holds\n"
	"  --allow-irreversible  let steps that change a board for good (RDP level 2,\n"
	"                     irreversible: true) run, on boards marked sacrificial\n"
	"  --junit-profile P  jenkins (default, junit-10.xsd), gitlab, or strict (Ant schema)\n"
	"  --json-events FILE one JSON line per step event, for dashboards (- for stdout)\n"
	"  --dry-run          validate and print the plan (this shard, this selection)\n"
	"                     and its estimated wall time; run nothing\n"
	"  --verbose          also a line per install\n"
	"  --quiet            no progress output, only the summary\n"
	"  --help\n"
	"\n"
	"Progress (docs/engine.md): each board's identity (BL version first), every\n"
	"fail, error and xpass as it happens, and an overall line (installs done of\n"
	"planned, failed, errors, time left): on a terminal live, one line per board\n"
	"and the overall line under them; in a log, time-stamped lines, the overall\n"
	"one at each tenth of the plan.\n"
	"\n"
	"Exit codes: 0 all as expected, 1 a failure or unexpected pass (xpass),\n"
	"2 bad usage or input, 3 infrastructure errors only or incomplete,\n"
	"4 inconclusive (more runs needed), 130 interrupted.\n";

struct run_args {
	const char *rack, *out;
	unsigned long repeat, seed;
	double time_scale;         /* < 0: the rack's */
	bool dry_run, quiet, verbose, allow_irreversible;
	unsigned long jobs, wait_lock;
	int junit_profile;
	const char *events;
	unsigned shard, shards;
	bool rack_given;
	const char **boards, **only;   /* --board, --only (argv's strings) */
	size_t board_count, only_count;
	const char *only_failed;
};

static void push(const char ***list, size_t *n, const char *s)
{
	*list = hil_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = s;
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{ "rack", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "time-scale", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "wait-lock", required_argument, NULL, 'w' },
		{ "junit-profile", required_argument, NULL, 'J' },
		{ "allow-irreversible", no_argument, NULL, 'I' },
		{ "json-events", required_argument, NULL, 'E' },
		{ "board", required_argument, NULL, 'B' },
		{ "only", required_argument, NULL, 'O' },
		{ "only-failed", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "r:o:n:s:t:dqvhj:S:w:J:E:IB:O:F:", options, NULL)) != -1) {
		switch (c) {
		case 'r': a->rack = optarg; a->rack_given = true; break;
		case 'B': push(&a->boards, &a->board_count, optarg); break;
		case 'O': push(&a->only, &a->only_count, optarg); break;
		case 'F': a->only_failed = optarg; break;
		case 'o': a->out = optarg; break;
		case 'd': a->dry_run = true; break;
		case 'q': a->quiet = true; break;
		case 'v': a->verbose = true; break;
		case 'j':
			a->jobs = strtoul(optarg, &end, 10);
			if (*end || !a->jobs || a->jobs > 1024)
				return hil_cli_usage_error("run", "--jobs: '%s' is not a number from 1 to 1024",
							   optarg);
			break;
		case 'S':
			if (sscanf(optarg, "%u/%u", &a->shard, &a->shards) != 2 || !a->shards ||
			    !a->shard || a->shard > a->shards)
				return hil_cli_usage_error("run", "--shard: '%s' is not K/N with 1 <= K <= N",
							   optarg);
			break;
		case 'J':
			if ((a->junit_profile = hil_junit_profile_from_name(optarg)) < 0)
				return hil_cli_usage_error("run", "--junit-profile: '%s' is not jenkins, "
							   "gitlab or strict", optarg);
			break;
		case 'E': a->events = optarg; break;
		case 'I': a->allow_irreversible = true; break;
		case 'w':
			a->wait_lock = strtoul(optarg, &end, 10);
			if (*end || a->wait_lock > 86400)
				return hil_cli_usage_error("run", "--wait-lock: '%s' is not a number of "
							   "seconds", optarg);
			break;
		case 'h': fputs(usage, stdout); return -1;
		case 'n':
			a->repeat = strtoul(optarg, &end, 10);
			if (*end || !a->repeat || a->repeat > 100000)
				return hil_cli_usage_error("run", "--repeat: '%s' is not a whole number "
							   "from 1 to 100000", optarg);
			break;
		case 's':
			a->seed = strtoul(optarg, &end, 10);
			if (*end || !optarg[0])
				return hil_cli_usage_error("run", "--seed: '%s' is not a whole number", optarg);
			break;
		case 't':
			a->time_scale = strtod(optarg, &end);
			if (*end || !optarg[0] || a->time_scale < 0 || a->time_scale > 1)
				return hil_cli_usage_error("run", "--time-scale: '%s' is not a number "
							   "from 0 to 1", optarg);
			break;
		default:
			return hil_cli_usage_error("run", "unknown option");
		}
	}
	if (a->only_failed && argc - optind > 1)
		return hil_cli_usage_error("run", "--only-failed takes one SCENARIO at most (DIR's "
					   "campaign)");
	if (optind >= argc && !a->only_failed)
		return hil_cli_usage_error("run", "no SCENARIO given");
	return 0;
}

static char *out_dir_for(const struct run_args *a, const struct hil_scenario *s, bool several)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (a->out)
		return several ? hil_xasprintf("%s/%s", a->out, s->campaign) : hil_xstrdup(a->out);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (a->dry_run || hil_mkdir_p("results") < 0)
		return hil_xasprintf("results/%s-%s", s->campaign, stamp);
	/* Two people starting the demo in the same second on one host: each
	 * gets its own folder. mkdir is atomic, so the one that creates a name
	 * owns it; the other takes the next suffix. */
	for (unsigned k = 1; k < 1000; k++) {
		char *dir = k == 1 ? hil_xasprintf("results/%s-%s", s->campaign, stamp)
				   : hil_xasprintf("results/%s-%s-%u", s->campaign, stamp, k);
		if (mkdir(dir, 0755) == 0 || errno != EEXIST)
			return dir;
		free(dir);
	}
	return hil_xasprintf("results/%s-%s", s->campaign, stamp);
}

/* 2 (refused) beats 1 beats 3 beats 4 beats 0 (docs/reading-reports.md);
 * 130 when interrupted and nothing failed. */
static int combine(int a, int b)
{
	static const int rank[] = { [0] = 0, [4] = 1, [3] = 2, [1] = 3, [2] = 4 };

	if (a == HIL_EXIT_INTERRUPTED || b == HIL_EXIT_INTERRUPTED)
		return a == HIL_EXIT_FAIL || b == HIL_EXIT_FAIL ? HIL_EXIT_FAIL : HIL_EXIT_INTERRUPTED;
	if (a < 0 || a > 4 || b < 0 || b > 4)
		return a > b ? a : b;
	return rank[a] >= rank[b] ? a : b;
}

/* One campaign's plan: built, narrowed to --board, --only and
 * --only-failed, then the pre-flight run refuses with. *nothing: no cell
 * of DIR failed or errored. */
static int prepare(struct hil_plan **plan, const struct hil_scenario *s, const struct hil_rack *rack,
		   const struct run_args *a, const struct hil_results *prior, struct hil_diag *diag,
		   bool *nothing)
{
	int found;

	if (hil_plan_build(plan, s, rack, (unsigned)a->repeat, diag) < 0 ||
	    hil_plan_select(*plan, a->boards, a->board_count, a->only, a->only_count, diag) < 0)
		return -1;
	if (prior) {
		if ((found = hil_cli_rerun_select(*plan, prior, a->only_failed, diag)) < 0)
			return -1;
		if (!found)
			*nothing = true;
		else if (!a->quiet && !(a->events && !strcmp(a->events, "-")))
			hil_term_printf(stdout, "Running again the %d board x cell(s) that failed or errored in %s\n",
			       found, a->only_failed);
	}
	return hil_preflight(*plan, a->allow_irreversible, diag) < 0 ? -1 : 0;
}

int hil_cli_run(int argc, char **argv)
{
	struct run_args a = { .rack = hil_rack_default_path(), .time_scale = -1 };
	struct hil_diag diag = { 0 };
	struct hil_rack *rack = NULL;
	struct hil_scenario **scen = NULL;
	struct hil_plan **plans = NULL;
	struct hil_results *prior = NULL;
	const char *prior_scenario = NULL;
	bool nothing = false;
	int status, n, bad = 0;

	if ((status = parse_args(&a, argc, argv)) != 0) {
		free(a.boards);
		free(a.only);
		return status < 0 ? HIL_EXIT_OK : status;
	}
	n = argc - optind;
	if (a.only_failed) {
		if (hil_cli_rerun_load(&prior, a.only_failed) < 0) {
			free(a.boards);
			free(a.only);
			return HIL_EXIT_USAGE;
		}
		if (!a.rack_given && prior->rack_file)
			a.rack = prior->rack_file; /* the rack DIR ran on */
		if (!n) {
			prior_scenario = prior->scenario;
			n = 1;
		}
	}
	scen = hil_xcalloc((size_t)n, sizeof(*scen));
	plans = hil_xcalloc((size_t)n, sizeof(*plans));
	bad = hil_registry_rack_load(&rack, a.rack, &diag) < 0;
	for (int i = 0; i < n; i++)
		if (hil_scenario_load(&scen[i], prior_scenario ? prior_scenario : argv[optind + i],
				      &diag) == 0 && rack)
			bad |= prepare(&plans[i], scen[i], rack, &a, prior, &diag, &nothing) < 0;
		else
			bad = 1;
	if (!bad && nothing) {
		printf("sfi-harness run: nothing failed or errored in %s: nothing to run again\n",
		       a.only_failed);
		bad = 1; /* run nothing; exit 0 below */
	}
	/* with --out, each of several campaigns gets OUT/<campaign>: two of one
	 * name would meet there after the first had run */
	for (int i = 0; !bad && a.out && i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (!strcmp(scen[i]->campaign, scen[j]->campaign)) {
				hil_diag_add(&diag, scen[j]->file, 0, 0, "campaign '%s' is also the campaign "
					     "of %s: with --out each campaign gets OUT/<campaign>; give "
					     "each scenario its own campaign name", scen[j]->campaign,
					     scen[i]->file);
				bad = 1;
				break;
			}
	if (!bad && a.time_scale >= 0 && a.time_scale < 1 && !hil_rack_is_simulated(rack)) {
		hil_diag_add(&diag, a.rack, 0, 0, "--time-scale below 1 needs a fully simulated rack");
		bad = 1;
	}
	hil_diag_print(&diag, stderr);
	hil_diag_clear(&diag);
	status = bad && !nothing ? HIL_EXIT_USAGE : HIL_EXIT_OK;
	if (bad && !nothing)
		fprintf(stderr, "sfi-harness run: nothing was run; fix the input above\n");
	hil_clock_set_scale(a.time_scale >= 0 ? a.time_scale : rack ? rack->time_scale : 1.0);
	FILE *events = NULL;
	if (!bad && a.events && !a.dry_run &&
	    !(events = strcmp(a.events, "-") ? fopen(a.events, "we") : stdout)) {
		fprintf(stderr, "sfi-harness run: --json-events %s: cannot write it\n", a.events);
		bad = 1;
		status = HIL_EXIT_USAGE;
	}
	if (events == stdout)
		a.quiet = true; /* the events own standard output */
	hil_stop_install_signals();
	for (int i = 0; !bad && i < n && !hil_stop_requested(); i++) {
		char *out = out_dir_for(&a, scen[i], n > 1);
		struct hil_run_opts opts = { .out_dir = out, .progress = a.quiet ? NULL : stdout,
					     .seed = a.seed, .verbose = a.verbose,
					     .jobs = (unsigned)a.jobs, .shard = a.shard, .shards = a.shards,
					     .wait_lock_s = (unsigned)a.wait_lock,
					     .junit_profile = a.junit_profile, .events = events };
		struct hil_results *results = hil_results_new(true);
		int code, rc;

		if (a.dry_run) {
			hil_cli_print_plan(plans[i], (unsigned)a.jobs, a.shard, a.shards);
		} else if ((rc = hil_cli_run_plan(plans[i], &opts, results, &code)) < 0) {
			fprintf(stderr, "sfi-harness run: %s\n", hil_error_last());
			status = combine(status, rc == HIL_EREFUSED || rc == HIL_ECONFIG ? HIL_EXIT_USAGE : HIL_EXIT_INFRA);
		} else {
			/* with --json-events -, standard output is the events' alone */
			hil_cli_print_summary(events == stdout ? stderr : stdout, results, out);
			status = combine(status, code);
		}
		hil_results_free(results);
		free(out);
	}
	if (events && events != stdout)
		fclose(events);
	for (int i = 0; i < n; i++) {
		hil_plan_free(plans[i]);
		hil_scenario_free(scen[i]);
	}
	free(plans);
	free(scen);
	hil_rack_free(rack);
	hil_results_free(prior);
	free(a.boards);
	free(a.only);
	return status;
}
