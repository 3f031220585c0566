/* The serial console backend on a pseudo-terminal pair (openpty), and the
 * expect_console step through the runner. */
#include "drivers/console/console.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "contract/contract.h"
#include "support.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int master = -1, slave = -1;
static char slave_name[256];
static char *dir;

static void init(void)
{
	hil_clock_set_scale(0);
	cr_assert_eq(openpty(&master, &slave, slave_name, NULL, NULL), 0);
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(serial, .init = init, .timeout = 60);

static void pty_inject(void *payload, const char *text)
{
	cr_assert_eq(write(*(int *)payload, text, strlen(text)), (ssize_t)strlen(text));
}

static char *rack_with_pty_console(void)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text,
			   "rack: pty\nprogrammer: {driver: sim}\npower:\n  - {id: relay0, driver: sim}\n"
			   "boards:\n  - name: b\n    kind: k\n    probe: {serial: '003A00293438510B34313939'}\n"
			   "    power: {controller: relay0, pin: 0}\n"
			   "    console: {device: %s, baud: 115200}\n"
			   "    sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml\n", slave_name) > 0);
	path = test_write(dir, "rack.yaml", text);
	free(text);
	return path;
}

Test(serial, keeps_the_console_contract_on_a_pty)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	char *path = rack_with_pty_console();
	struct hil_console *con;

	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	struct hil_driver_ctx ctx;
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 0, NULL), 0);
	cr_assert_eq(hil_console_open(&con, &ctx, &rack->boards[0]), 0, "%s", "open");
	contract_console(con, pty_inject, &master);
	hil_console_close(con);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	free(path);
}

Test(serial, a_missing_device_is_a_clear_error)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	char *path = test_write(dir, "missing.yaml",
		"rack: r\nprogrammer: {driver: cubeprog}\nprobe: {driver: stlink_usb}\nboards:\n"
		"  - {name: x, kind: k, probe: {serial: '01'},"
		" console: {device: /dev/nonexistent-tty, baud: 115200}}\n");
	struct hil_driver_ctx ctx = { 0 };
	struct hil_console *con;

	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	ctx.rack = rack;
	cr_assert_lt(hil_console_open(&con, &ctx, &rack->boards[0]), 0);
	cr_assert(strstr(hil_error_last(), "/dev/nonexistent-tty"), "%s", hil_error_last());
	hil_rack_free(rack);
	free(path);
}

static void *print_banner(void *arg)
{
	(void)arg;
	usleep(200000);
	pty_inject(&master, "bootloader\r\nSBSFU v2.6 started\r\n");
	return NULL;
}

static int run_console_scenario(const char *pattern, json_t **res_out)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	char *rack_path = rack_with_pty_console(), *text = NULL, *out = NULL, *scen;
	int code = -1;
	pthread_t t;

	cr_assert(asprintf(&text, "campaign: console\nsteps:\n  - power: on\n"
			   "  - expect_console: {pattern: \"%s\", timeout_s: 3}\n", pattern) > 0);
	scen = test_write(dir, "s.yaml", text);
	cr_assert_eq(hil_scenario_load(&s, scen, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_registry_rack_load(&rack, rack_path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_plan_build(&plan, s, rack, 1, &d), 0, "%s", test_diag_text(&d));
	cr_assert(asprintf(&out, "%s/out-%s", dir, pattern[0] == 'S' ? "a" : "b") > 0);
	struct hil_run_opts opts = { .out_dir = out };
	hil_clock_set_scale(1); /* the pty is real time */
	pthread_create(&t, NULL, print_banner, NULL);
	cr_assert_eq(test_run_plan(plan, &opts, &code, res_out), 0);
	pthread_join(t, NULL);
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	free(scen);
	free(text);
	free(out);
	free(rack_path);
	return code;
}

static const char *case_class(json_t *res)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(res, "boards"), 0), "cases"), 0), "class"));
}

Test(serial, expect_console_passes_when_the_board_prints_the_pattern)
{
	json_t *res = NULL;

	cr_assert_eq(run_console_scenario("SBSFU v[0-9.]+ started", &res), 0);
	cr_assert_str_eq(case_class(res), "success");
	json_decref(res);
}

Test(serial, expect_console_fails_at_its_deadline_with_what_was_read)
{
	json_t *res = NULL;

	cr_assert_eq(run_console_scenario("APPLICATION READY", &res), 1);
	cr_assert_str_eq(case_class(res), "console_mismatch");
	json_decref(res);
}

Test(serial, an_unplugged_adapter_is_an_error_not_an_endless_stream_of_empty_reads)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	char *path = rack_with_pty_console();
	struct hil_console *con;
	struct hil_driver_ctx ctx;
	char buf[64];
	size_t got = 1;

	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 0, NULL), 0);
	cr_assert_eq(hil_console_open(&con, &ctx, &rack->boards[0]), 0, "%s", hil_error_last());
	close(slave);
	close(master); /* the adapter is gone: the line hangs up */
	int rc = 0;
	for (int i = 0; i < 1000 && rc == 0; i++)
		rc = hil_console_read(con, buf, sizeof(buf), 10, &got);
	cr_assert_lt(rc, 0, "a hung-up console kept answering 'nothing yet'");
	cr_assert(strstr(hil_error_last(), "hung up"), "%s", hil_error_last());
	hil_console_close(con);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	free(path);
}
