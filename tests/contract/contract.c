/* Role contracts; see contract.h. */
#include "contract.h"
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

const char *const contract_runs[] = {
	"power/command test_command", "power/ftdi_gpio test_usb", "power/sim test_sim",
	"probe/sim test_sim", "probe/stlink_usb test_usb",
	"programmer/cubeprog test_cubeprog", "programmer/sim test_sim",
	"console/serial test_serial", "console/sim test_sim",
	NULL,
};

void contract_power(struct hil_power *pw, const struct hil_rack_line *line,
		    const struct hil_rack_line *bad_line)
{
	bool on = false;

	cr_assert_eq(hil_power_set(pw, line, true), 0, "[%s] set on: %s", pw->drv.ops->name,
		     hil_error_last());
	if (hil_power_ops(pw)->get) {
		cr_assert_eq(hil_power_ops(pw)->get(pw, line, &on), 0);
		cr_assert(on, "[%s] reads back on", pw->drv.ops->name);
	}
	cr_assert_eq(hil_power_set(pw, line, false), 0, "[%s] set off", pw->drv.ops->name);
	if (hil_power_ops(pw)->get) {
		cr_assert_eq(hil_power_ops(pw)->get(pw, line, &on), 0);
		cr_assert(!on, "[%s] reads back off", pw->drv.ops->name);
	}
	if (bad_line)
		cr_assert_lt(hil_power_set(pw, bad_line, true), 0, "[%s] a pin it cannot drive",
			     pw->drv.ops->name);
}

/* How long one listing takes here and now (a loaded machine or a slow
 * emulated device makes it longer; the wait's deadline check comes after a
 * listing, so a listing is what a wait may overrun its deadline by). */
static double listing_ms(struct hil_probe *p)
{
	struct hil_probe_info *list = NULL;
	size_t n = 0;
	double start = hil_clock_real_ms();

	cr_assert_eq(hil_probe_list(p, &list, &n), 0, "[%s] list: %s", p->drv.ops->name, hil_error_last());
	free(list);
	return hil_clock_real_ms() - start;
}

void contract_probe(struct hil_probe *p, const char *serial)
{
	struct hil_probe_info *list = NULL;
	size_t n = 0;
	bool found = false;
	const unsigned deadline = 300;

	cr_assert_eq(hil_probe_list(p, &list, &n), 0, "[%s] list: %s", p->drv.ops->name, hil_error_last());
	for (size_t i = 0; i < n; i++)
		found = found || !strcmp(list[i].serial, serial);
	free(list);
	cr_assert(found, "[%s] %s listed", p->drv.ops->name, serial);
	cr_assert_eq(hil_probe_wait(p, serial, 1000), 0, "[%s] wait for a present probe",
		     p->drv.ops->name);
	double before = listing_ms(p);
	double start = hil_clock_real_ms(), start_h = hil_clock_now();
	cr_assert_eq(hil_probe_wait(p, "NOT-A-PROBE", deadline), HIL_ETIMEOUT, "[%s] absent probe",
		     p->drv.ops->name);
	double waited = hil_clock_real_ms() - start, waited_h = (hil_clock_now() - start_h) * 1e3;
	double after = listing_ms(p), one = before > after ? before : after;
	/* not before the deadline (harness time: the sim may skip its sleeps) */
	cr_assert_geq(waited_h, deadline, "[%s] gave up after %.0f ms of a %u ms deadline",
		      p->drv.ops->name, waited_h, deadline);
	/* and not much after it: the last listing may start just before the
	 * deadline; the bound grows with what a listing costs on this machine
	 * now instead of assuming an idle one */
	double bound = deadline + 3 * one + 1000;
	cr_assert_lt(waited, bound,
		     "[%s] the deadline holds: %.0f ms for a %u ms deadline (a listing takes %.0f ms, bound %.0f ms)",
		     p->drv.ops->name, waited, deadline, one, bound);
}

void contract_console(struct hil_console *c, void (*inject)(void *payload, const char *text),
		      void *payload)
{
	char buf[256] = "";
	size_t got = 1, total = 0;

	cr_assert_eq(hil_console_read(c, buf, sizeof(buf), 50, &got), 0, "[%s] idle read", c->drv.ops->name);
	cr_assert_eq(got, 0, "[%s] nothing pending", c->drv.ops->name);
	inject(payload, "BOOT OK fw=1.2.3\n");
	for (int tries = 0; tries < 20 && !strstr(buf, "\n"); tries++) {
		cr_assert_eq(hil_console_read(c, buf + total, sizeof(buf) - 1 - total, 100, &got), 0);
		total += got;
		buf[total] = '\0';
	}
	cr_assert_str_eq(buf, "BOOT OK fw=1.2.3\n", "[%s] what was printed arrives", c->drv.ops->name);
}

void contract_programmer(struct hil_programmer *p, const char *serial, uint32_t device_id)
{
	struct hil_prog_request req = { .op = HIL_PROG_IDENTIFY, .probe_serial = serial,
					.timeout_s = 30 };
	struct hil_prog_output out;
	struct hil_transcript tx;
	enum hil_class cls;

	cr_assert_eq(hil_programmer_run(p, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cls = hil_cubeprog_classify(&tx, req.op, &out);
	cr_assert_eq(cls, HIL_CLASS_SUCCESS, "[%s] identify: %s", p->drv.ops->name, out.transcript);
	cr_assert_eq(tx.device_id, device_id);
	hil_prog_output_clear(&out);
	req.probe_serial = "NOT-A-PROBE";
	cr_assert_eq(hil_programmer_run(p, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cr_assert_eq(hil_cubeprog_classify(&tx, req.op, &out), HIL_CLASS_NO_PROBE, "[%s] %s",
		     p->drv.ops->name, out.transcript);
	hil_prog_output_clear(&out);
}
