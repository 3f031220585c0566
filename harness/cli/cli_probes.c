/* `sfi-harness probes [--json]`: the debug probes on the bus now, and which
 * rack board each belongs to. `sfi-harness power BOARD on|off|cycle`: switch
 * one board's rail by hand, for bring-up. */
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "harness/util/lock.h"
#include "harness/cli/cli.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/json_util.h"
#include "harness/util/term.h"
#include "harness/transcript/outcome.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char probes_usage[] =
	"usage: sfi-harness probes [--rack RACK] [--json]\n"
	"\n"
	"Without a rack (no --rack, no $SFI_HARNESS_RACK): the ST-LINK probes on the\n"
	"USB bus now (the stlink_usb backend), with serial, model (from the USB product\n"
	"id) and USB port path. With a rack: the probes its probe driver sees, the\n"
	"rack board that uses each serial (or \"not in rack\"), then every rack board\n"
	"whose probe is not seen. Exit 0, or 3 when the bus cannot be read.\n";

static const char power_usage[] =
	"usage: sfi-harness power [--rack RACK] [--off-ms N] BOARD on|off|cycle\n"
	"\n"
	"Switches BOARD's power line through its controller (cycle: off, wait\n"
	"--off-ms, default 1000, on). Exit 0, 2 on bad input, 3 when the controller fails.\n";

static const char *board_of(const struct hil_rack *rack, const char *serial)
{
	for (size_t i = 0; i < rack->board_count; i++)
		if (rack->boards[i].probe_serial && !strcmp(rack->boards[i].probe_serial, serial))
			return rack->boards[i].name;
	return NULL;
}

/* Bring-up next to a stand-in tool: HIL_SIM_STATE_DIR, when set, is where
 * the simulated boards' state is shared (the folder the tool is given), so
 * `power b00 on` powers the board the tool then sees. Read here, as the
 * command's input, and handed to the driver context: the drivers never
 * read the environment. */
static const char *shared_sim_state(void)
{
	const char *dir = getenv("HIL_SIM_STATE_DIR");

	return dir && dir[0] ? dir : NULL;
}

static int load(struct hil_rack **rack, const char *path)
{
	struct hil_diag d = { 0 };
	int error = hil_registry_rack_load(rack, path, &d);

	hil_diag_print(&d, stderr);
	hil_diag_clear(&d);
	return error;
}

static bool listed(const struct hil_probe_info *list, size_t n, const char *serial)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].serial, serial))
			return true;
	return false;
}

/* @rack NULL: the bus alone, no board column. */
static void print_probes(const struct hil_rack *rack, const struct hil_probe_info *list, size_t n,
			 bool as_json)
{
	json_t *arr = json_array();
	size_t unseen = 0;

	if (!rack && !as_json)
		printf("ST-LINK probes on the USB bus (give --rack RACK to match them to its boards):\n");
	for (size_t i = 0; i < n; i++) {
		const char *board = rack ? board_of(rack, list[i].serial) : NULL;
		char vidpid[16];
		snprintf(vidpid, sizeof(vidpid), "%04x:%04x", list[i].vid, list[i].pid);
		if (as_json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "serial", list[i].serial,
					      "model", list[i].product, "usb_id", vidpid,
					      "port", list[i].port_path);
			if (rack) {
				json_object_set_new(o, "board", board ? json_string(board) : json_null());
				json_object_set_new(o, "seen", json_true());
			}
			json_array_append_new(arr, o);
			continue;
		}
		/* serial and product are what the device's USB descriptors say */
		hil_term_printf(stdout, "%-26s %-24s %s  port %-10s %s\n", list[i].serial,
				list[i].product, vidpid, list[i].port_path[0] ? list[i].port_path : "-",
				!rack ? "" : board ? board : "not in rack");
	}
	if (!n && !as_json)
		printf("no ST-LINK probe found\n");
	/* the rack's boards whose probe is not there: unplugged, unpowered
	 * (a simulated board's probe appears when its power is on), or
	 * plugged into another host */
	for (size_t i = 0; rack && i < rack->board_count; i++) {
		const struct hil_rack_board *b = &rack->boards[i];
		if (!b->probe_serial || listed(list, n, b->probe_serial))
			continue;
		unseen++;
		if (as_json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "serial", b->probe_serial,
							     "board", b->name, "seen", 0));
		else
			hil_term_printf(stdout, "not seen: board %s (probe %s): unplugged, not powered, or on another "
			       "host\n", b->name, b->probe_serial);
	}
	if (rack && !as_json && !unseen && rack->board_count)
		hil_term_printf(stdout, "every board of rack %s has its probe on the bus\n", rack->name);
	if (as_json) {
		char *text = hil_json_dumps_ascii(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(text);
		free(text);
	}
	json_decref(arr);
}

int hil_cli_probes(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rack", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("SFI_HARNESS_RACK");
	const char *rack_path = env && env[0] ? env : NULL;
	struct hil_rack *rack = NULL;
	struct hil_probe *probe = NULL;
	struct hil_probe_info *list = NULL;
	struct hil_driver_ctx ctx = { 0 };
	bool as_json = false;
	size_t n = 0;
	int c, status = HIL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "r:jh", options, NULL)) != -1) {
		if (c == 'r')
			rack_path = optarg;
		else if (c == 'j')
			as_json = true;
		else if (c == 'h')
			return fputs(probes_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("probes", "unknown option");
	}
	if (optind != argc)
		return hil_cli_usage_error("probes", "no arguments expected");
	if (rack_path && load(&rack, rack_path) < 0)
		return HIL_EXIT_USAGE;
	if (rack)
		hil_clock_set_scale(rack->time_scale);
	/* no rack: the real bus, through the registry like any backend */
	if (hil_driver_ctx_init(&ctx, rack, 0, rack ? shared_sim_state() : NULL) < 0 ||
	    hil_probe_open(&probe, &ctx, rack ? rack->probe_driver : "stlink_usb") < 0 ||
	    hil_probe_list(probe, &list, &n) < 0) {
		fprintf(stderr, "sfi-harness probes: %s\n", hil_error_last());
		status = HIL_EXIT_INFRA;
	} else {
		print_probes(rack, list, n, as_json);
	}
	free(list);
	hil_probe_close(probe);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	return status;
}

static int switch_power(struct hil_power *pw, const struct hil_rack_board *b, const char *action,
			unsigned off_ms)
{
	int error = 0;

	if (strcmp(action, "on") != 0)
		error = hil_power_set(pw, &b->power, false);
	if (!error && !strcmp(action, "cycle"))
		hil_clock_sleep_ms(off_ms);
	if (!error && strcmp(action, "off") != 0)
		error = hil_power_set(pw, &b->power, true);
	return error;
}

int hil_cli_power(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rack", required_argument, NULL, 'r' },
		{ "off-ms", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rack_path = hil_rack_default_path();
	struct hil_rack *rack = NULL;
	struct hil_power *pw = NULL;
	struct hil_lock *lock = NULL;
	struct hil_driver_ctx ctx = { 0 };
	unsigned off_ms = 1000;
	int c, status = HIL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "r:o:h", options, NULL)) != -1) {
		if (c == 'r')
			rack_path = optarg;
		else if (c == 'o')
			off_ms = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'h')
			return fputs(power_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("power", "unknown option");
	}
	if (argc - optind != 2 || (strcmp(argv[optind + 1], "on") && strcmp(argv[optind + 1], "off") &&
				   strcmp(argv[optind + 1], "cycle")))
		return hil_cli_usage_error("power", "expected BOARD on|off|cycle");
	if (load(&rack, rack_path) < 0)
		return HIL_EXIT_USAGE;
	const struct hil_rack_board *b = hil_rack_board_find(rack, argv[optind]);
	if (!b || !b->power.present) {
		fprintf(stderr, "sfi-harness power: %s '%s' in %s", b ? "no power line for board" :
			"no board", argv[optind], rack_path);
		for (size_t i = 0; !b && i < rack->board_count; i++)
			fprintf(stderr, "%s%s", i ? ", " : " (expected one of: ", rack->boards[i].name);
		fprintf(stderr, "%s\n", !b && rack->board_count ? ")" : "");
		hil_rack_free(rack);
		return HIL_EXIT_USAGE;
	}
	/* the board's lock, as a campaign takes it: never switch a board that
	 * another run is driving */
	char lock_name[128];
	hil_lock_name(lock_name, sizeof(lock_name), b->probe_serial,
		      hil_rack_is_simulated(rack) ? shared_sim_state() : NULL);
	if (hil_lock_board(&lock, hil_lock_dir(rack->lock_dir), lock_name, 0,
			   "sfi-harness power") < 0 ||
	    hil_driver_ctx_init(&ctx, rack, 0, shared_sim_state()) < 0 ||
	    hil_power_open(&pw, &ctx, &rack->power[b->power.controller]) < 0 ||
	    switch_power(pw, b, argv[optind + 1], off_ms) < 0) {
		fprintf(stderr, "sfi-harness power: %s\n", hil_error_last());
		status = HIL_EXIT_INFRA;
	} else {
		printf("%s: power %s\n", b->name, argv[optind + 1]);
	}
	hil_power_close(pw);
	hil_driver_ctx_fini(&ctx);
	hil_lock_release(lock);
	hil_rack_free(rack);
	return status;
}
