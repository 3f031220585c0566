/* `sfi-harness doctor [--rack RACK]`: the day-one check of a rack host.
 * One line per item, "ok", "warn" or "fail", with what was seen and what
 * to do: the programmer CLI and its version, each board's probe by serial
 * and USB port, each power controller (an FTDI chip by serial and
 * interface), each console node, the udev rules and groups of the user
 * running it, the HSM, each board's target voltage, the lock folder, free
 * disk for results. Exit 0 only when nothing fails (warnings allowed).
 *
 * It switches no rail and opens no console (opening a tty raises DTR/RTS).
 * It does connect to each target once (IDENTIFY, with the rack's connect
 * settings: by default under reset), under the board's lock, unless
 * --no-connect; a board another run holds is not touched.
 *
 * All hardware is reached through driver ops (drivers/registry.h and the
 * role headers): probe list(), the programmer's run() and ready(), the
 * optional inspect() of power and console backends. */
#define _GNU_SOURCE /* nftw */
#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "drivers/registry.h"
#include "harness/cli/cli.h"
#include "harness/config/rack.h"
#include "harness/transcript/cubeprog_parse.h"
#include "harness/transcript/outcome.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/lock.h"
#include "harness/util/term.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char usage[] =
	"usage: sfi-harness doctor [--rack RACK] [--out DIR] [--hsm-slot N] [--no-connect]\n"
	"\n"
	"Checks that this host can drive RACK, one line per item (ok, warn, fail, and\n"
	"what to do): the programmer CLI and its version, each board's probe by\n"
	"serial and USB port, each power controller (FTDI chip by serial and\n"
	"interface), each console node, udev rules and groups for this user, the HSM\n"
	"(reader slot N, default 1: a warning unless --hsm-slot is given), each\n"
	"board's target voltage (one connect per board, with the rack's connect\n"
	"settings; --no-connect skips it), the lock folder, free disk where results\n"
	"go (DIR, default results). Switches no rail, opens no console.\n"
	"Exit 0 when nothing fails, 1 when something does, 2 on bad usage or rack.\n";

/* Free space where results go: a campaign's journal and logs are tens of
 * KiB per install (a rule of thumb from the sim's campaigns, not a bound). */
#define DISK_FAIL_MB 64
#define DISK_WARN_MB 1024
#define UDEV_RULES "70-sfi-harness.rules"

struct doctor {
	unsigned fails, warns;
	struct hil_health_sink sink;
	const struct hil_rack *rack;
	struct hil_driver_ctx ctx;
	struct hil_programmer *prog;    /* NULL when the programmer is not usable */
	struct hil_transcript listing;  /* what the CLI's probe listing said */
	bool *probe_seen;               /* per board: its probe is on the bus */
	bool listed;
	unsigned hsm_slot;
	bool hsm_asked, connect;
	const char *out_dir;
};

static void print_finding(void *payload, const struct hil_health *h)
{
	static const char *const names[] = { "ok", "warn", "fail" };
	struct doctor *d = payload;
	char what[512], todo[512];

	hil_term_safe(what, sizeof(what), h->what, false);
	hil_term_safe(todo, sizeof(todo), h->todo, false);
	printf("%-4s  %s%s%s\n", names[h->level], what, h->todo[0] ? " — " : "", todo);
	fflush(stdout);
	d->fails += h->level == HIL_HEALTH_FAIL;
	d->warns += h->level == HIL_HEALTH_WARN;
}

/* Runs @req on the programmer with a doctor's deadline; parses into @tx. */
static int run_op(struct doctor *d, struct hil_prog_request *req, struct hil_transcript *tx,
		  struct hil_prog_output *out)
{
	if (!req->timeout_s)
		req->timeout_s = d->rack->programmer_timeout_s < 60 ? d->rack->programmer_timeout_s
								   : 60;
	if (hil_programmer_run(d->prog, req, out) < 0)
		return -1;
	hil_cubeprog_parse(tx, out->transcript ? out->transcript : "", out->length);
	return 0;
}

/* The programmer: ready() (the CLI exists and may run), then its probe
 * listing, whose banner gives the version. */
static void check_programmer(struct doctor *d)
{
	const struct hil_rack *rack = d->rack;
	const struct hil_driver_ops *ops = hil_registry_find(HIL_ROLE_PROGRAMMER,
							     rack->programmer_driver);
	struct hil_diag diag = { 0 };
	struct hil_prog_request req = { .op = HIL_PROG_LIST_PROBES, .hsm_slot = -1 };
	struct hil_prog_output out = { 0 };

	if (ops && ops->ready && ops->ready(rack, rack->programmer_cfg, &diag) < 0) {
		/* ready()'s message says what to set */
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "install STM32CubeProgrammer",
			       "%s", diag.count ? diag.lines[0] : "programmer not ready");
		hil_diag_clear(&diag);
		return;
	}
	if (hil_programmer_open(&d->prog, &d->ctx, rack->programmer_driver) < 0) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, NULL, "programmer %s: %s",
			       rack->programmer_driver, hil_error_last());
		d->prog = NULL;
		return;
	}
	if (run_op(d, &req, &d->listing, &out) < 0 || out.start_failed || out.signaled ||
	    out.timed_out) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "run it by hand: STM32_Programmer_CLI "
			       "-l st-link-only | cat -v", "programmer %s: its probe listing did not "
			       "run to its end (%s)", rack->programmer_driver,
			       out.error[0] ? out.error : out.timed_out ? "deadline" : "crashed");
	} else if (d->listing.tool_version[0]) {
		d->listed = true;
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "programmer %s: STM32CubeProgrammer v%s, "
			       "lists %zu probe(s)", rack->programmer_driver,
			       d->listing.tool_version, d->listing.probe_count);
	} else {
		d->listed = true;
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "send the output of STM32_Programmer_CLI "
			       "--version | cat -v (docs/lab-setup.md \"Day one\")",
			       "programmer %s: runs, but its version was not in its banner",
			       rack->programmer_driver);
	}
	hil_prog_output_clear(&out);
}

static bool cli_lists(const struct doctor *d, const char *serial)
{
	for (size_t i = 0; i < d->listing.probe_count; i++)
		if (!strcmp(d->listing.probes[i].serial, serial))
			return true;
	return false;
}

/* Each board's probe on the bus (probe driver), and in the CLI's listing. */
static void check_probes(struct doctor *d)
{
	struct hil_probe *probe = NULL;
	struct hil_probe_info *list = NULL;
	size_t n = 0;

	if (hil_probe_open(&probe, &d->ctx, d->rack->probe_driver) < 0 ||
	    hil_probe_list(probe, &list, &n) < 0) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "check that libusb can read the USB bus",
			       "probes (%s): %s", d->rack->probe_driver, hil_error_last());
		hil_probe_close(probe);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (list[i].serial[0] == '?')
			hil_health_add(&d->sink, HIL_HEALTH_FAIL, "install the udev rules of "
				       "docs/lab-setup.md §2, add this user to plugdev, log in again",
				       "probe %s at USB %s: cannot be opened by this user %s",
				       list[i].product, list[i].port_path, list[i].serial);
	for (size_t b = 0; b < d->rack->board_count; b++) {
		const struct hil_rack_board *board = &d->rack->boards[b];
		const struct hil_probe_info *seen = NULL;
		for (size_t i = 0; i < n && !seen; i++)
			if (board->probe_serial && !strcmp(list[i].serial, board->probe_serial))
				seen = &list[i];
		d->probe_seen[b] = seen != NULL;
		if (!seen)
			hil_health_add(&d->sink, HIL_HEALTH_FAIL, "plug it in, or fix probe.serial "
				       "(sfi-harness probes lists what is there); an on-board ST-LINK "
				       "(DK) is there only while its board is on: sfi-harness power "
				       "BOARD on", "probe of %s: %s not on the USB bus", board->name,
				       board->probe_serial);
		else if (d->listed && !cli_lists(d, seen->serial))
			hil_health_add(&d->sink, HIL_HEALTH_WARN, "another program may hold it, or "
				       "its firmware is too old for the CLI (update it with "
				       "STM32CubeProgrammer)", "probe of %s: %s (%s) at USB %s, but "
				       "the CLI's listing does not show it", board->name, seen->serial,
				       seen->product, seen->port_path[0] ? seen->port_path : "-");
		else
			hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "probe of %s: %s (%s) at USB %s",
				       board->name, seen->serial, seen->product,
				       seen->port_path[0] ? seen->port_path : "-");
	}
	free(list);
	hil_probe_close(probe);
}

static void check_power_and_consoles(struct doctor *d)
{
	for (size_t i = 0; i < d->rack->power_count; i++) {
		const struct hil_rack_power *pw = &d->rack->power[i];
		const struct hil_power_ops *ops =
			(const struct hil_power_ops *)hil_registry_find(HIL_ROLE_POWER, pw->driver);
		if (ops && ops->inspect)
			ops->inspect(&d->ctx, pw, &d->sink);
		else
			hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "power %s (%s): nothing to "
				       "check on this host", pw->id, pw->driver);
	}
	for (size_t b = 0; b < d->rack->board_count; b++) {
		const struct hil_rack_board *board = &d->rack->boards[b];
		const struct hil_console_ops *ops;
		if (!board->console_driver)
			continue;
		ops = (const struct hil_console_ops *)hil_registry_find(HIL_ROLE_CONSOLE,
									board->console_driver);
		if (ops && ops->inspect)
			ops->inspect(&d->ctx, board, &d->sink);
		else
			hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "console of %s (%s): nothing to "
				       "check on this host", board->name, board->console_driver);
	}
}

static bool in_group(const char *name)
{
	struct group *g = getgrnam(name);
	gid_t groups[256];
	int n = getgroups(256, groups);

	if (!g)
		return false;
	if (getegid() == g->gr_gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == g->gr_gid)
			return true;
	return false;
}

/* The udev rules and the groups they give access to, for a rack with real
 * USB or serial hardware. The opens above are the real test; this says
 * why they would fail. */
static void check_permissions(struct doctor *d)
{
	static const char *const dirs[] = { "/etc/udev/rules.d", "/usr/lib/udev/rules.d",
					     "/lib/udev/rules.d", NULL };
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw ? pw->pw_name : "this user";
	char path[512];
	bool found = false;

	if (hil_rack_is_simulated(d->rack)) {
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "permissions: a simulated rack needs "
			       "no device access");
		return;
	}
	for (size_t i = 0; !found && dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/" UDEV_RULES, dirs[i]);
		found = access(path, R_OK) == 0;
	}
	if (found)
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "udev rules: %s", path);
	else
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "install drivers/udev/" UDEV_RULES " "
			       "(docs/lab-setup.md §2), then udevadm control --reload && udevadm "
			       "trigger", "udev rules: no " UDEV_RULES " in /etc/udev/rules.d or "
			       "/usr/lib/udev/rules.d");
	for (int k = 0; k < 2; k++) {
		const char *group = k ? "dialout" : "plugdev";
		if (in_group(group))
			hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "groups: %s is in %s", user, group);
		else
			hil_health_add(&d->sink, HIL_HEALTH_WARN, k ? "sudo usermod -aG dialout USER, "
				       "log in again (consoles)" : "sudo usermod -aG plugdev USER, "
				       "log in again (ST-LINKs, FTDI chips; a desktop seat's uaccess "
				       "may cover it)", "groups: %s is not in %s", user, group);
	}
}

/* The HSM answers -hsmgetcounter. unverified: the counter's wording
 * (docs/lab-setup.md "Day one" asks for a capture), so an answer the
 * parser does not read is a warning, not a number. */
static void check_hsm(struct doctor *d)
{
	struct hil_prog_request req = { .op = HIL_PROG_HSM_COUNTER, .hsm_slot = (int)d->hsm_slot };
	struct hil_prog_output out = { 0 };
	static struct hil_transcript tx;
	enum hil_health_level missing = d->hsm_asked ? HIL_HEALTH_FAIL : HIL_HEALTH_WARN;

	if (!d->prog) {
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "fix the programmer first", "HSM slot %u: "
			       "not checked (no usable programmer)", d->hsm_slot);
		return;
	}
	if (run_op(d, &req, &tx, &out) < 0 || out.start_failed || out.signaled || out.timed_out ||
	    out.exit_status != 0 || tx.error_count)
		hil_health_add(&d->sink, missing, "plug in the HSM and its reader (slot=N is the "
			       "reader's); campaigns with licence files need none",
			       "HSM slot %u: no answer%s%s", d->hsm_slot, tx.error_count ? ": " : "",
			       tx.error_count ? tx.errors[0] : "");
	else if (tx.has_hsm_counter)
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "HSM slot %u: answers, %u licence(s) "
			       "left (counter text unverified)", d->hsm_slot, tx.hsm_counter);
	else
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "send the output of STM32_Programmer_CLI "
			       "-hsmgetcounter slot=N | cat -v (docs/lab-setup.md \"Day one\")",
			       "HSM slot %u: answers, but not with the counter line the harness "
			       "expects (its wording is unverified)", d->hsm_slot);
	hil_prog_output_clear(&out);
}

static const char *sim_scope(const struct doctor *d)
{
	return hil_rack_is_simulated(d->rack) ? d->ctx.sim_state_dir : NULL;
}

/* One connect per board, under its lock: the voltage its probe measures. */
static void check_target(struct doctor *d, const struct hil_rack_board *b)
{
	struct hil_prog_request req = { .op = HIL_PROG_IDENTIFY, .probe_serial = b->probe_serial,
					.hsm_slot = -1 };
	struct hil_prog_output out = { 0 };
	static struct hil_transcript tx;
	struct hil_lock *lock = NULL;
	char name[128];

	hil_lock_name(name, sizeof(name), b->probe_serial, sim_scope(d));
	if (hil_lock_board(&lock, hil_lock_dir(d->rack->lock_dir), name, 0, "sfi-harness doctor") < 0) {
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "run doctor again when it is free",
			       "target of %s: not checked: %s", b->name, hil_error_last());
		return;
	}
	req.lock_fd = -1;
	if (run_op(d, &req, &tx, &out) < 0 || out.start_failed)
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, NULL, "target of %s: the programmer did "
			       "not run: %s", b->name, out.error[0] ? out.error : hil_error_last());
	else if (!tx.has_voltage)
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "see the probe line above; run "
			       "STM32_Programmer_CLI -c port=swd sn=SERIAL | cat -v", "target of %s: "
			       "no voltage reading%s%s", b->name, tx.error_count ? ": " : "",
			       tx.error_count ? tx.errors[0] : "");
	else if (tx.voltage_mv < 1000)
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "power the board on (sfi-harness power "
			       "BOARD on); an STLINK-V3SET reads 0.00V when its T_VCC pin is not "
			       "wired to the target", "target of %s: %u.%02u V", b->name,
			       tx.voltage_mv / 1000, tx.voltage_mv % 1000 / 10);
	else if (!tx.has_device_id)
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "check SWD and NRST wiring (mode UR "
			       "needs NRST from the probe) or the connect settings in the rack",
			       "target of %s: %u.%02u V, but no device answered%s%s", b->name,
			       tx.voltage_mv / 1000, tx.voltage_mv % 1000 / 10,
			       tx.error_count ? ": " : "", tx.error_count ? tx.errors[0] : "");
	else
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "target of %s: %u.%02u V, device "
			       "0x%03X%s", b->name, tx.voltage_mv / 1000, tx.voltage_mv % 1000 / 10,
			       tx.device_id, tx.has_bl_version ? "" : ", bootloader not read");
	hil_prog_output_clear(&out);
	hil_lock_release(lock);
}

static void check_targets(struct doctor *d)
{
	for (size_t b = 0; b < d->rack->board_count; b++) {
		const struct hil_rack_board *board = &d->rack->boards[b];
		if (!d->connect)
			hil_health_add(&d->sink, HIL_HEALTH_WARN, "run doctor without --no-connect",
				       "target of %s: not checked (--no-connect)", board->name);
		else if (!d->prog)
			hil_health_add(&d->sink, HIL_HEALTH_WARN, "fix the programmer first",
				       "target of %s: not checked (no usable programmer)", board->name);
		else if (!d->probe_seen[b])
			hil_health_add(&d->sink, HIL_HEALTH_WARN, "fix its probe first (above)",
				       "target of %s: not checked (its probe is not on the bus)",
				       board->name);
		else
			check_target(d, board);
	}
}

/* The lock folder is shared (sticky, world-writable, as the harness makes
 * it) and writable by this user, or can be made. */
static void check_lock_dir(struct doctor *d)
{
	const char *dir = hil_lock_dir(d->rack->lock_dir);
	char parent[4096];
	struct stat st;

	if (stat(dir, &st) != 0) {
		snprintf(parent, sizeof(parent), "%s", dir);
		char *slash = strrchr(parent, '/');
		if (slash)
			*(slash == parent ? slash + 1 : slash) = '\0';
		if (access(slash ? parent : ".", W_OK) == 0)
			hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "lock folder %s: not there yet, "
				       "the first run makes it (mode 1777)", dir);
		else
			hil_health_add(&d->sink, HIL_HEALTH_FAIL, "sudo mkdir -m 1777 DIR, or set "
				       "lock_dir in the rack", "lock folder %s: missing and %s is not "
				       "writable", dir, slash ? parent : ".");
	} else if (!S_ISDIR(st.st_mode)) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "remove it, or set lock_dir in the rack",
			       "lock folder %s: is a %s", dir, hil_file_kind(st.st_mode));
	} else if (access(dir, W_OK | X_OK) != 0) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "sudo chmod 1777 DIR (every lab user "
			       "shares it)", "lock folder %s: not writable by this user", dir);
	} else if ((st.st_mode & 01777) != 01777) {
		hil_health_add(&d->sink, HIL_HEALTH_WARN, "chmod 1777 DIR, so every lab user of this "
			       "host can take boards and none can remove another's lock",
			       "lock folder %s: mode %04o, not shared (1777)", dir,
			       (unsigned)(st.st_mode & 07777));
	} else {
		hil_health_add(&d->sink, HIL_HEALTH_OK, NULL, "lock folder %s: shared (1777), "
			       "writable", dir);
	}
}

static void check_disk(struct doctor *d)
{
	char where[4096];
	struct statvfs vfs;

	snprintf(where, sizeof(where), "%s", d->out_dir);
	while (access(where, F_OK) != 0 && strrchr(where, '/'))
		*strrchr(where, '/') = '\0';
	if (access(where, F_OK) != 0 || !where[0])
		snprintf(where, sizeof(where), ".");
	if (statvfs(where, &vfs) != 0) {
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, NULL, "disk for results (%s): %s",
			       d->out_dir, strerror(errno));
		return;
	}
	unsigned long long mb = (unsigned long long)vfs.f_bavail * vfs.f_frsize / (1024 * 1024);
	enum hil_health_level level = mb < DISK_FAIL_MB ? HIL_HEALTH_FAIL
		: mb < DISK_WARN_MB ? HIL_HEALTH_WARN : HIL_HEALTH_OK;
	hil_health_add(&d->sink, level, level == HIL_HEALTH_OK ? NULL : "free space, or run with "
		       "--out on a larger disk", "disk for results (%s): %llu MiB free%s",
		       d->out_dir, mb, access(where, W_OK) == 0 ? "" : ", not writable");
	if (access(where, W_OK) != 0)
		hil_health_add(&d->sink, HIL_HEALTH_FAIL, "run from a folder you may write, or "
			       "give --out DIR", "disk for results: %s is not writable", where);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Simulated boards behind a real programmer (the stand-in CLI) share their
 * state with it through a folder: the shared one of bring-up
 * (HIL_SIM_STATE_DIR, as `power` and `probes` take it), the rack's
 * sim_state, or a scratch folder of this check. */
static char *sim_state_dir(const struct hil_rack *rack, bool *scratch)
{
	const char *env = getenv("HIL_SIM_STATE_DIR");
	char tmpl[] = "/tmp/sfi-harness-doctor-XXXXXX";
	bool sim_boards = false;

	*scratch = false;
	if (env && env[0])
		return strdup(env);
	if (rack->sim_state)
		return strdup(rack->sim_state);
	for (size_t i = 0; i < rack->board_count; i++)
		sim_boards = sim_boards || rack->boards[i].sim;
	if (!sim_boards || !strcmp(rack->programmer_driver, "sim") || !mkdtemp(tmpl))
		return NULL;
	*scratch = true;
	return strdup(tmpl);
}

int hil_cli_doctor(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rack", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "hsm-slot", required_argument, NULL, 's' },
		{ "no-connect", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { .hsm_slot = 1, .connect = true, .out_dir = "results" };
	const char *rack_path = hil_rack_default_path();
	struct hil_rack *rack = NULL;
	struct hil_diag diag = { 0 };
	char *state = NULL, *end;
	bool scratch = false;
	int c;

	while ((c = getopt_long(argc, argv, "r:o:s:nh", options, NULL)) != -1) {
		if (c == 'r') {
			rack_path = optarg;
		} else if (c == 'o') {
			d.out_dir = optarg;
		} else if (c == 's') {
			unsigned long slot = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || slot > 255)
				return hil_cli_usage_error("doctor", "--hsm-slot takes a reader slot "
							   "number, not '%s'", optarg);
			d.hsm_slot = (unsigned)slot;
			d.hsm_asked = true;
		} else if (c == 'n') {
			d.connect = false;
		} else if (c == 'h') {
			return fputs(usage, stdout), HIL_EXIT_OK;
		} else {
			return hil_cli_usage_error("doctor", "unknown option");
		}
	}
	if (optind != argc)
		return hil_cli_usage_error("doctor", "no arguments expected");
	if (hil_registry_rack_load(&rack, rack_path, &diag) < 0) {
		hil_diag_print(&diag, stderr);
		hil_diag_clear(&diag);
		return HIL_EXIT_USAGE;
	}
	hil_clock_set_scale(rack->time_scale);
	d.rack = rack;
	d.probe_seen = calloc(rack->board_count ? rack->board_count : 1, sizeof(bool));
	d.sink = (struct hil_health_sink){ .add = print_finding, .payload = &d };
	state = sim_state_dir(rack, &scratch);
	printf("sfi-harness doctor: rack %s (%s)\n", rack->name, rack->file);
	if (hil_driver_ctx_init(&d.ctx, rack, 0, state) < 0) {
		hil_health_add(&d.sink, HIL_HEALTH_FAIL, NULL, "drivers: %s", hil_error_last());
	} else {
		check_programmer(&d);
		check_probes(&d);
		check_power_and_consoles(&d);
		check_permissions(&d);
		check_hsm(&d);
		check_targets(&d);
		check_lock_dir(&d);
		check_disk(&d);
	}
	printf("%u failed, %u warning(s)\n", d.fails, d.warns);
	hil_programmer_close(d.prog);
	hil_driver_ctx_fini(&d.ctx);
	if (scratch)
		nftw(state, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(state);
	free(d.probe_seen);
	hil_rack_free(rack);
	return d.fails ? HIL_EXIT_FAIL : HIL_EXIT_OK;
}
