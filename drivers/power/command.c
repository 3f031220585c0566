/* Power through external commands (uhubctl, PDU tools, relay CLIs): the
 * rack gives an argv for on and one for off; "{pin}" in an argument becomes
 * the line's pin number, so one controller can serve every outlet of a PDU.
 * Run through harness/subprocess: no shell, the controller's deadline
 * (timeout_s), and the whole process group ends if it hangs. A command
 * that fails or times out is a power error, with its output in the message. */
#include "drivers/power/power.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/strbuf.h"
#include "harness/util/subprocess.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The controller's settings: `on`, `off` (argv lists, NULL-ended) and
 * `timeout_s`. */
struct command_cfg {
	char **on_argv, **off_argv;
	unsigned timeout_s;
};

static char **load_argv(struct hil_ycheck *c, const struct hil_ynode *node, const char *what)
{
	char **argv;

	if (!hil_ycheck_seq(c, node, what))
		return NULL;
	if (node->count == 0) {
		hil_ycheck_error(c, node, "%s is empty (expected a program and its arguments)",
				 what);
		return NULL;
	}
	argv = hil_xcalloc(node->count + 1, sizeof(*argv));
	for (size_t i = 0; i < node->count; i++)
		if (!hil_ycheck_str(c, node->items[i], what, &argv[i]))
			argv[i] = hil_xstrdup("");
	return argv;
}

static void command_parse_config(struct hil_ycheck *c, const struct hil_ynode *entry,
				 void **cfg_out)
{
	struct command_cfg *cfg = hil_xcalloc(1, sizeof(*cfg));
	const struct hil_ynode *v;
	unsigned long t = 30;

	if ((v = hil_ymap_get(entry, "timeout_s")))
		hil_ycheck_uint(c, v, "timeout_s", 1, 3600, &t);
	cfg->timeout_s = (unsigned)t;
	if ((v = hil_ymap_get(entry, "on")))
		cfg->on_argv = load_argv(c, v, "power 'on' command");
	if ((v = hil_ymap_get(entry, "off")))
		cfg->off_argv = load_argv(c, v, "power 'off' command");
	if (!hil_ymap_get(entry, "on") || !hil_ymap_get(entry, "off"))
		hil_ycheck_error(c, entry, "command power controller needs both 'on' and 'off' "
				 "(expected argv lists, e.g. on: [uhubctl, -a, on, -p, 2])");
	*cfg_out = cfg;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void command_free_config(void *p)
{
	struct command_cfg *cfg = p;

	if (!cfg)
		return;
	free_argv(cfg->on_argv);
	free_argv(cfg->off_argv);
	free(cfg);
}

static int command_open(struct hil_driver *drv)
{
	const struct command_cfg *cfg = drv->cfg;
	const struct hil_rack_power *entry = drv->entry;

	if (!cfg || !cfg->on_argv || !cfg->off_argv)
		return hil_error_set(HIL_ECONFIG, "[power %s] needs 'on' and 'off' commands",
				     entry->id);
	return 0;
}

static void command_close(struct hil_driver *drv)
{
	(void)drv;
}

static char *expand(const char *arg, unsigned pin)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	for (const char *p = arg; *p;) {
		if (!strncmp(p, "{pin}", 5)) {
			hil_strbuf_printf(&b, "%u", pin);
			p += 5;
		} else {
			hil_strbuf_putc(&b, *p++);
		}
	}
	return hil_strbuf_detach(&b);
}

static int command_set(struct hil_power *pw, const struct hil_rack_line *line, bool on)
{
	const struct command_cfg *cfg = pw->drv.cfg;
	const char *id = hil_power_entry(pw)->id;
	char *const *tmpl = on ? cfg->on_argv : cfg->off_argv;
	struct hil_subprocess_result res;
	size_t n = 0;
	char **argv;
	int error = 0;

	while (tmpl[n])
		n++;
	argv = hil_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		argv[i] = expand(tmpl[i], line->pin);
	struct hil_subprocess_opts opts = { .argv = argv, .timeout_ms = cfg->timeout_s * 1000u,
					    .grace_ms = 1000, .max_output = 4096 };
	if ((error = hil_subprocess_run(&res, &opts)) < 0)
		goto out;
	if (res.start_failed)
		error = hil_error_set(HIL_EHW, "[power %s] %s", id, res.error);
	else if (res.timed_out)
		error = hil_error_set(HIL_ETIMEOUT, "[power %s] '%s' did not finish in %u s",
				      id, argv[0], cfg->timeout_s);
	else if (res.signaled || res.exit_status != 0)
		error = hil_error_set(HIL_EHW, "[power %s] '%s' failed (%s %d): %.200s", id,
				      argv[0], res.signaled ? "signal" : "exit",
				      res.signaled ? res.term_signal : res.exit_status, res.output);
	free(res.output);
out:
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return error;
}

/* The programs of on and off are there and may be run (a bare name is
 * looked up in PATH, as it is run). */
static void command_inspect(const struct hil_driver_ctx *ctx, const struct hil_rack_power *entry,
			    const struct hil_health_sink *sink)
{
	const struct command_cfg *cfg = entry->cfg;
	char **argvs[2] = { cfg ? cfg->on_argv : NULL, cfg ? cfg->off_argv : NULL };

	(void)ctx;
	for (int k = 0; k < 2; k++) {
		const char *prog = argvs[k] && argvs[k][0] ? argvs[k][0] : NULL;
		char *found = prog && !strchr(prog, '/') ? hil_find_in_path(prog) : NULL;
		bool ok = prog && (strchr(prog, '/') ? access(prog, X_OK) == 0 : found != NULL);

		if (k == 1 && prog && argvs[0] && argvs[0][0] && !strcmp(prog, argvs[0][0])) {
			free(found);
			break; /* on and off run the same program: said once */
		}
		if (ok)
			hil_health_add(sink, HIL_HEALTH_OK, NULL, "power %s: %s runs %s%s%s",
				       entry->id, k ? "off" : "on", prog, found ? " = " : "",
				       found ? found : "");
		else
			hil_health_add(sink, HIL_HEALTH_FAIL, "install it, or give its absolute path "
				       "in the rack", "power %s: %s command %s not found or not "
				       "executable", entry->id, k ? "off" : "on", prog ? prog : "(none)");
		free(found);
	}
}

const struct hil_power_ops hil_power_command = {
	.drv = {
		.name = "command",
		.role = HIL_ROLE_POWER,
		.priv_size = 0,
		.parse_config = command_parse_config,
		.free_config = command_free_config,
		.open = command_open,
		.close = command_close,
	},
	.set = command_set,
	.inspect = command_inspect,
};
