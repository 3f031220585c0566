/* The real ftdi_gpio and stlink_usb backends, unmodified, against
 * emulated USB devices (umockdev, in-process device models). The tests
 * assert what goes over the wire. Run under umockdev-wrapper; label usb. */
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "fake_usb.h"
#include "support.h"
#include "contract/contract.h"

#include <criterion/criterion.h>
#include <ftdi.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static UMockdevTestbed *tb;
static struct fake_dev ft232h;
static struct fake_dev stlink_v21, stlink_v3set, stlink_v3minie, stlink_v2;
static const uint8_t v2_serial[12] = { 0x55, 0xFF, 0x6E, 0x06, 0x49, 0x89, 0x57, 0x49,
				       0x51, 0x23, 0x11, 0x87 };

static void init(void)
{
	tb = umockdev_testbed_new(); /* before the check below: it caches its answer */
	cr_assert(umockdev_in_mock_environment(), "run under umockdev-wrapper (ctest does)");
	ft232h = (struct fake_dev){ .vid = 0x0403, .pid = 0x6014, .bcd = 0x0900,
				    .strings = { NULL, "FTDI", "Single RS232-HS", "FT5TESTX" },
				    .pins = 0x02 };
	stlink_v21 = (struct fake_dev){ .vid = 0x0483, .pid = 0x374B, .bcd = 0x0100,
					.strings = { NULL, "STMicroelectronics", "STM32 STLink",
						     "066DFF485750717867193015" } };
	stlink_v3set = (struct fake_dev){ .vid = 0x0483, .pid = 0x374F, .bcd = 0x0100,
					  .strings = { NULL, "STMicroelectronics", "STLINK-V3",
						       "002F003F3137510539383538" } };
	stlink_v3minie = (struct fake_dev){ .vid = 0x0483, .pid = 0x3754, .bcd = 0x0100,
					    .strings = { NULL, "STMicroelectronics", "STLINK-V3",
							 "003A00293438510B34313939" } };
	stlink_v2 = (struct fake_dev){ .vid = 0x0483, .pid = 0x3748, .bcd = 0x0200,
				       .strings = { NULL, "STMicroelectronics", "STM32 STLink", NULL },
				       .raw_serial = v2_serial };
	fake_usb_add(tb, &ft232h, 9);
}

static void fini(void)
{
	g_object_unref(tb);
}

TestSuite(usb, .init = init, .fini = fini, .timeout = 60);

static struct hil_rack *load_rack(void)
{
	char *dir = test_tmpdir();
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	char *path = test_write(dir, "rack.yaml",
		"rack: usb\nprogrammer: {driver: cubeprog, path: /opt/st/STM32_Programmer_CLI}\n"
		"probe: {driver: stlink_usb}\n"
		"power:\n  - {id: ft0, driver: ftdi_gpio, usb: {vid: 0x0403, pid: 0x6014, serial: FT5TESTX},"
		" idle: 0x00}\n"
		"boards:\n"
		"  - name: a\n    kind: k\n    probe: {serial: '066DFF485750717867193015'}\n"
		"    power: {controller: ft0, pin: 0, active: high}\n"
		"    reset: {controller: ft0, pin: 1, active: low}\n"
		"  - name: b\n    kind: k\n    probe: {serial: '002F003F3137510539383538'}\n"
		"    power: {controller: ft0, pin: 2, active: low}\n");

	setenv("HIL_LOCK_DIR", dir, 1);
	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	free(path);
	free(dir);
	return rack;
}

/* The chip's state as the model has it (read under its lock: the model
 * runs on umockdev's handler thread). */
static struct fake_state chip(void)
{
	struct fake_state st;

	fake_usb_state(&ft232h, &st);
	return st;
}

static uint8_t pins(void)
{
	return chip().pins;
}

static void expect_event(size_t i, enum fake_event_kind kind, uint8_t a, uint8_t b)
{
	struct fake_state st = chip();

	cr_assert_gt(st.n_events, i, "event %zu missing (only %zu)", i, st.n_events);
	cr_expect_eq(st.events[i].kind, kind, "event %zu kind", i);
	cr_expect_eq(st.events[i].a, a, "event %zu: 0x%02X, expected 0x%02X", i, st.events[i].a, a);
	if (kind == FAKE_SET_BITMODE)
		cr_expect_eq(st.events[i].b, b, "event %zu mode", i);
}

Test(usb, ftdi_open_is_glitch_free)
{
	struct hil_rack *rack = load_rack();
	struct hil_driver_ctx ctx = { .rack = rack };
	struct hil_power *pw;

	/* before: board a's rail off (pin0 low), a's reset released (pin1 high,
	 * active low), board b's rail ON (pin2 low, active low) */
	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0);
	expect_event(0, FAKE_READ_PINS, 0x02, 0);
	expect_event(1, FAKE_SET_BITMODE, 0x00, BITMODE_BITBANG);  /* all inputs */
	expect_event(2, FAKE_WRITE, 0x02, 0);                      /* latch = levels read */
	expect_event(3, FAKE_SET_BITMODE, 0x07, BITMODE_BITBANG);  /* then drive pins 0..2 */
	struct fake_state st = chip();
	cr_assert_eq(st.n_events, 4);
	for (size_t i = 0; i < st.n_events; i++)
		cr_assert_eq(st.events[i].pins_after, 0x02, "a pin toggled at event %zu", i);
	cr_assert_eq(st.unknown_ioctls, 0);
	hil_power_close(pw);
	cr_assert_eq(pins(), 0x02, "closing must not toggle a rail either");
	hil_rack_free(rack);
}

Test(usb, ftdi_boards_on_one_chip_do_not_disturb_each_other)
{
	struct hil_rack *rack = load_rack();
	struct hil_driver_ctx ctx = { .rack = rack };
	const struct hil_rack_board *a = &rack->boards[0], *b = &rack->boards[1];
	struct hil_power *pw;
	bool on;

	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0);
	fake_usb_clear(&ft232h);
	cr_assert_eq(hil_power_set(pw, &a->power, true), 0);    /* pin0 high */
	cr_assert_eq(pins(), 0x03);
	cr_assert_eq(hil_power_set(pw, &b->power, false), 0);   /* active low: pin2 high */
	cr_assert_eq(pins(), 0x07, "board a's pins stay as they were");
	cr_assert_eq(hil_power_set(pw, &a->reset, true), 0);    /* active low: pin1 low */
	cr_assert_eq(pins(), 0x05);
	cr_assert_eq(hil_power_set(pw, &b->power, true), 0);    /* pin2 low */
	cr_assert_eq(pins(), 0x01);
	expect_event(0, FAKE_WRITE, 0x03, 0);
	expect_event(1, FAKE_WRITE, 0x07, 0);
	expect_event(2, FAKE_WRITE, 0x05, 0);
	expect_event(3, FAKE_WRITE, 0x01, 0);
	cr_assert_eq(hil_power_ops(pw)->get(pw, &a->reset, &on), 0);
	cr_assert(on, "reset reads back asserted (active low, pin low)");
	hil_power_close(pw);
	hil_rack_free(rack);
}

Test(usb, ftdi_unplug_is_an_error_then_the_chip_is_reopened)
{
	struct hil_rack *rack = load_rack();
	struct hil_driver_ctx ctx = { .rack = rack };
	const struct hil_rack_board *a = &rack->boards[0];
	struct hil_power *pw;

	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0);
	fake_usb_set_unplugged(&ft232h, true);
	cr_assert_lt(hil_power_set(pw, &a->power, true), 0);
	fake_usb_set_unplugged(&ft232h, false);
	fake_usb_clear(&ft232h);
	cr_assert_eq(hil_power_set(pw, &a->power, true), 0, "back after the replug");
	/* reopened glitch-free with the latch it had, then the change */
	expect_event(0, FAKE_SET_BITMODE, 0x00, BITMODE_BITBANG);
	expect_event(1, FAKE_WRITE, 0x02, 0);
	expect_event(2, FAKE_SET_BITMODE, 0x07, BITMODE_BITBANG);
	expect_event(3, FAKE_WRITE, 0x03, 0);
	hil_power_close(pw);
	hil_rack_free(rack);
}

Test(usb, ftdi_missing_chip_is_not_found)
{
	struct hil_rack *rack = load_rack();
	struct hil_driver_ctx ctx = { .rack = rack };
	struct hil_power *pw;

	fake_usb_remove(tb, &ft232h);
	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), HIL_ENOTFOUND);
	hil_rack_free(rack);
}

static void add_probes(void)
{
	fake_usb_add(tb, &stlink_v21, 2);
	fake_usb_add(tb, &stlink_v3set, 3);
	fake_usb_add(tb, &stlink_v3minie, 4);
	fake_usb_add(tb, &stlink_v2, 5);
}

static struct hil_probe *open_probe(void)
{
	struct hil_driver_ctx ctx = { 0 };
	struct hil_probe *p;

	cr_assert_eq(hil_probe_open(&p, &ctx, "stlink_usb"), 0);
	return p;
}

static const struct hil_probe_info *find(const struct hil_probe_info *list, size_t n, uint16_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].pid == pid)
			return &list[i];
	return NULL;
}

Test(usb, stlink_probes_are_listed_with_serials_models_and_ports)
{
	struct hil_probe *p;
	struct hil_probe_info *list;
	size_t n;

	add_probes();
	p = open_probe();
	cr_assert_eq(hil_probe_list(p, &list, &n), 0, "%s", hil_error_last());
	cr_assert_eq(n, 4, "four ST-LINKs, the FTDI chip is not one");
	const struct hil_probe_info *v21 = find(list, n, 0x374B), *v3 = find(list, n, 0x374F);
	const struct hil_probe_info *mini = find(list, n, 0x3754), *v2 = find(list, n, 0x3748);
	cr_assert(v21 && v3 && mini && v2);
	cr_assert_str_eq(v21->serial, "066DFF485750717867193015");
	cr_assert_str_eq(v21->product, "ST-LINK/V2-1");
	cr_assert_str_eq(v3->serial, "002F003F3137510539383538");
	cr_assert_str_eq(v3->product, "STLINK-V3SET");
	cr_assert_str_eq(mini->serial, "003A00293438510B34313939");
	cr_assert_str_eq(v2->serial, "55FF6E064989574951231187", "the V2's 12 binary bytes, as hex");
	cr_assert_str_eq(v3->port_path, "1-3");
	free(list);
	hil_probe_close(p);
}

struct replug {
	unsigned delay_ms;
	_Atomic double plugged_at;  /* hil_clock_real_ms() as the probe starts coming back */
};

static void *replug_later(void *arg)
{
	struct replug *r = arg;

	usleep(r->delay_ms * 1000u);
	r->plugged_at = hil_clock_real_ms();
	fake_usb_add(tb, &stlink_v3set, 3);
	return NULL;
}

Test(usb, stlink_wait_sees_a_probe_come_back_after_a_power_cycle)
{
	struct hil_probe *p = open_probe();
	struct replug r = { .delay_ms = 400 };
	pthread_t t;

	/* 400 ms off, as a board's power cycle; the wait's deadline is generous
	 * (a loaded machine lists slowly): what is tested is that the wait sees
	 * the probe come back, by hotplug or by relisting, not how fast */
	pthread_create(&t, NULL, replug_later, &r);
	cr_assert_eq(hil_probe_wait(p, "002F003F3137510539383538", 20000), 0, "%s", hil_error_last());
	double returned_at = hil_clock_real_ms();
	pthread_join(t, NULL);
	cr_assert_gt(r.plugged_at, 0);
	cr_assert_geq(returned_at, r.plugged_at, "the wait returned before the probe was back");
	hil_probe_close(p);
}

Test(usb, stlink_wait_gives_up_at_the_deadline)
{
	struct hil_probe *p;

	add_probes();
	p = open_probe();
	fake_usb_remove(tb, &stlink_v3set);
	cr_assert_eq(hil_probe_wait(p, "002F003F3137510539383538", 600), HIL_ETIMEOUT);
	cr_assert(strstr(hil_error_last(), "not seen after 600 ms"), "%s", hil_error_last());
	cr_assert_eq(hil_probe_wait(p, "066DFF485750717867193015", 600), 0, "the others are there");
	hil_probe_close(p);
}

Test(usb, real_backends_keep_the_role_contracts)
{
	struct hil_rack *rack = load_rack();
	struct hil_driver_ctx ctx = { .rack = rack };
	struct hil_rack_line pin9 = { .present = true, .controller = 0, .pin = 9, .active_high = true };
	struct hil_power *pw;
	struct hil_probe *p;

	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0);
	contract_power(pw, &rack->boards[0].power, &pin9);
	hil_power_close(pw);
	add_probes();
	p = open_probe();
	contract_probe(p, "002F003F3137510539383538");
	hil_probe_close(p);
	hil_rack_free(rack);
}

Test(usb, probes_command_lists_the_emulated_probes_as_json)
{
	char *dir = test_tmpdir(), *out = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: usb\nprogrammer: {driver: cubeprog}\nprobe: {driver: stlink_usb}\nboards:\n"
		"  - {name: dk-1, kind: STM32H7B3I-DK, probe: {serial: '066DFF485750717867193015'}}\n");
	char *argv[] = { HIL_BINARY, "probes", "--json", "--rack", rack, NULL };

	add_probes();
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	json_t *list = json_loads(out, 0, NULL);
	cr_assert(json_is_array(list), "%s", out);
	cr_assert_eq(json_array_size(list), 4, "%s", out);
	size_t i;
	json_t *e;
	bool dk = false, v2 = false;
	json_array_foreach(list, i, e) {
		const char *serial = json_string_value(json_object_get(e, "serial"));
		dk = dk || (!strcmp(serial, "066DFF485750717867193015") &&
			    !strcmp(json_string_value(json_object_get(e, "board")), "dk-1"));
		v2 = v2 || (!strcmp(serial, "55FF6E064989574951231187") &&
			    json_is_null(json_object_get(e, "board")));
	}
	cr_assert(dk, "the DK's probe is mapped to its rack board: %s", out);
	cr_assert(v2, "a probe not in the rack says so: %s", out);
	json_decref(list);
	free(out);
	free(rack);
	free(dir);
}
