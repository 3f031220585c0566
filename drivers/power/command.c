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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int command_open(struct hil_driver *drv)
{
	struct hil_power *pw = hil_power_of(drv);

	if (!hil_power_entry(pw)->on_argv || !hil_power_entry(pw)->off_argv)
		return hil_error_set(HIL_ECONFIG, "[power %s] needs 'on' and 'off' commands",
				     hil_power_entry(pw)->id);
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
	char *const *tmpl = on ? hil_power_entry(pw)->on_argv : hil_power_entry(pw)->off_argv;
	struct hil_subprocess_result res;
	size_t n = 0;
	char **argv;
	int error = 0;

	while (tmpl[n])
		n++;
	argv = hil_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		argv[i] = expand(tmpl[i], line->pin);
	struct hil_subprocess_opts opts = { .argv = argv, .timeout_ms = hil_power_entry(pw)->timeout_s * 1000u,
					    .grace_ms = 1000, .max_output = 4096 };
	if ((error = hil_subprocess_run(&res, &opts)) < 0)
		goto out;
	if (res.start_failed)
		error = hil_error_set(HIL_EHW, "[power %s] %s", hil_power_entry(pw)->id, res.error);
	else if (res.timed_out)
		error = hil_error_set(HIL_ETIMEOUT, "[power %s] '%s' did not finish in %u s",
				      hil_power_entry(pw)->id, argv[0], hil_power_entry(pw)->timeout_s);
	else if (res.signaled || res.exit_status != 0)
		error = hil_error_set(HIL_EHW, "[power %s] '%s' failed (%s %d): %.200s", hil_power_entry(pw)->id,
				      argv[0], res.signaled ? "signal" : "exit",
				      res.signaled ? res.term_signal : res.exit_status, res.output);
	free(res.output);
out:
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return error;
}

const struct hil_power_ops hil_power_command = {
	.drv = {
		.name = "command",
		.role = HIL_ROLE_POWER,
		.priv_size = 0,
		.open = command_open,
		.close = command_close,
	},
	.set = command_set,
};
