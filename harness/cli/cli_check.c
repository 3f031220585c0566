/* `sfi-harness check FILE...`: validates racks, scenarios and simulated
 * board profiles without running anything. A scenario is also planned
 * against the rack, so dangling board names and missing images show up. */
#include "harness/cli/cli.h"
#include "harness/transcript/outcome.h"
#include "harness/util/error.h"
#include "harness/util/term.h"
#include "harness/config/plan.h"
#include "harness/engine/preflight.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/config/scenario.h"
#include "harness/yaml/yaml_tree.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
	"usage: sfi-harness check [--rack RACK] [--allow-irreversible] FILE...\n"
	"\n"
	"Validates each FILE: a rack (top-level 'rack:'), a scenario ('campaign:') or a\n"
	"simulated board profile ('profile:'). Scenarios are also planned against RACK\n"
	"(default: $SFI_HARNESS_RACK or the simulated rack) and get run's pre-flight:\n"
	"the programmer tool, every file the campaign reads, and the irreversible-step\n"
	"interlock (--allow-irreversible as run takes it). Every problem is printed as\n"
	"file:line:col: what is wrong (what was expected). Exit 0 when all are valid, 2 if not:\n"
	"what check refuses, run refuses with the same message.\n";

static bool allow_irreversible;

static int check_scenario(const char *path, const char *rack_path, struct hil_diag *diag)
{
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	int error;

	if ((error = hil_scenario_load(&s, path, diag)) < 0)
		return error;
	if ((error = hil_registry_rack_load(&rack, rack_path, diag)) == 0 &&
	    (error = hil_plan_build(&plan, s, rack, 0, diag)) == 0 &&
	    (error = hil_preflight(plan, allow_irreversible, diag)) == 0)
		hil_term_printf(stdout, "%s: ok (campaign %s: %zu board(s) x %zu cell(s) x %u run(s) "
				"on rack %s)\n", path, s->campaign, plan->board_count,
				plan->cell_count, plan->repeat, rack->name);
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	return error;
}

static int check_file(const char *path, const char *rack_path, struct hil_diag *diag)
{
	struct hil_ynode *root = NULL;
	char what[256];
	int error;

	if ((error = hil_yaml_load_file(&root, path, diag)) < 0)
		return error;
	bool is_rack = hil_ymap_get(root, "rack");
	if (is_rack) {
		struct hil_rack *rack = NULL;
		hil_ynode_free(root);
		if ((error = hil_registry_rack_load(&rack, path, diag)) == 0)
			hil_term_printf(stdout, "%s: ok (rack %s, %zu board(s))\n", path, rack->name,
					rack->board_count);
		hil_rack_free(rack);
		return error;
	}
	/* a file a backend owns (a simulated board profile) */
	error = hil_registry_check_file(path, root, what, sizeof(what), diag);
	hil_ynode_free(root);
	if (error == 0)
		hil_term_printf(stdout, "%s: ok (%s)\n", path, what);
	if (error != HIL_ENOTFOUND)
		return error;
	return check_scenario(path, rack_path, diag);
}

int hil_cli_check(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rack", required_argument, NULL, 'r' },
		{ "allow-irreversible", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rack = hil_rack_default_path();
	int c, status = HIL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "r:Ih", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			rack = optarg;
			break;
		case 'I':
			allow_irreversible = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return HIL_EXIT_OK;
		default:
			return hil_cli_usage_error("check", "unknown option");
		}
	}
	if (optind >= argc)
		return hil_cli_usage_error("check", "no FILE given");
	for (int i = optind; i < argc; i++) {
		struct hil_diag diag = { 0 };
		if (check_file(argv[i], rack, &diag) < 0)
			status = HIL_EXIT_USAGE;
		hil_diag_print(&diag, stderr);
		hil_diag_clear(&diag);
	}
	return status;
}
