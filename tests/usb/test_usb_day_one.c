/* Day one on emulated USB (issue 17): ST-LINK/V2 serials decoded by
 * OpenOCD's rule (hex only for the old firmware's 26-byte descriptor), and
 * `sfi-harness doctor` finding probes by serial and USB port and FTDI
 * chips by serial and interface without touching a pin. Run under
 * umockdev-wrapper; label usb. */
#include "drivers/probe/probe.h"
#include "fake_usb.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static UMockdevTestbed *tb;
static struct fake_dev ft232h, v3set, v2_old, v2_new;
/* Old V2 firmware: 12 raw bytes, one per UTF-16 unit (bLength 26), from
 * OpenOCD's example serial "57FF72067265575742132067". */
static const uint8_t old_serial[12] = { 0x57, 0xFF, 0x72, 0x06, 0x72, 0x65, 0x57, 0x57,
					0x42, 0x13, 0x20, 0x67 };

static void init(void)
{
	tb = umockdev_testbed_new();
	cr_assert(umockdev_in_mock_environment(), "run under umockdev-wrapper (ctest does)");
	ft232h = (struct fake_dev){ .vid = 0x0403, .pid = 0x6014, .bcd = 0x0900,
				    .strings = { NULL, "FTDI", "Single RS232-HS", "FT5TESTX" },
				    .pins = 0x02 };
	v3set = (struct fake_dev){ .vid = 0x0483, .pid = 0x374F, .bcd = 0x0100,
				   .strings = { NULL, "STMicroelectronics", "STLINK-V3",
						"002F003F3137510539383538" } };
	v2_old = (struct fake_dev){ .vid = 0x0483, .pid = 0x3748, .bcd = 0x0200,
				    .strings = { NULL, "STMicroelectronics", "STM32 STLink", NULL },
				    .raw_serial = old_serial };
	/* Current V2 firmware: a normal 24-character string (bLength 50); the
	 * serial of a V2J37S7 probe in a public CubeProgrammer 2.17 log */
	v2_new = (struct fake_dev){ .vid = 0x0483, .pid = 0x3748, .bcd = 0x0200,
				    .strings = { NULL, "STMicroelectronics", "STM32 STLink",
						 "53FF6C064884534937360587" } };
}

static void fini(void)
{
	g_object_unref(tb);
}

TestSuite(usb_day_one, .init = init, .fini = fini, .timeout = 60);

static const struct hil_probe_info *by_port(const struct hil_probe_info *l, size_t n,
					    const char *port)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].port_path, port))
			return &l[i];
	return NULL;
}

Test(usb_day_one, v2_serials_follow_openocds_rule_for_both_descriptor_kinds)
{
	struct hil_driver_ctx ctx = { 0 };
	struct hil_probe *p;
	struct hil_probe_info *list = NULL;
	size_t n = 0;

	fake_usb_add(tb, &v2_old, 5);
	fake_usb_add(tb, &v2_new, 6);
	cr_assert_eq(hil_probe_open(&p, &ctx, "stlink_usb"), 0);
	cr_assert_eq(hil_probe_list(p, &list, &n), 0);
	cr_assert_eq(n, 2);
	const struct hil_probe_info *old = by_port(list, n, "1-5"), *cur = by_port(list, n, "1-6");
	cr_assert(old && cur);
	cr_assert_str_eq(old->serial, "57FF72067265575742132067",
			 "bLength 26: the low byte of each unit, as hex");
	cr_assert_str_eq(cur->serial, "53FF6C064884534937360587",
			 "bLength 50: the string as it is, not 48 hex digits");
	free(list);
	hil_probe_close(p);
}

static bool has_line(const char *out, const char *level, const char *needle)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t len = strchr(p, '\n') ? (size_t)(strchr(p, '\n') - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), p);
		if (!strncmp(line, level, strlen(level)) && strstr(line, needle))
			return true;
	}
	return false;
}

Test(usb_day_one, doctor_finds_probes_and_ftdi_chips_by_serial_and_leaves_the_pins_alone)
{
	char *dir = test_tmpdir(), *out = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: usb\nprogrammer: {driver: cubeprog, path: /nonexistent/STM32_Programmer_CLI}\n"
		"probe: {driver: stlink_usb}\n"
		"power:\n"
		"  - {id: ft-a, driver: ftdi_gpio, usb: {vid: 0x0403, pid: 0x6014, serial: FT5TESTX},"
		" interface: A}\n"
		"  - {id: ft-b, driver: ftdi_gpio, usb: {vid: 0x0403, pid: 0x6014, serial: FT5TESTX},"
		" interface: B}\n"
		"  - {id: ft-gone, driver: ftdi_gpio, usb: {vid: 0x0403, pid: 0x6014, serial: FTGONE01}}\n"
		"boards:\n"
		"  - name: set\n    kind: k\n    probe: {serial: '002F003F3137510539383538'}\n"
		"    power: {controller: ft-a, pin: 0}\n"
		"  - name: v2\n    kind: k\n    probe: {serial: '53FF6C064884534937360587'}\n"
		"  - name: away\n    kind: k\n    probe: {serial: '066DFF485750717867193015'}\n");
	char *argv[] = { HIL_BINARY, "doctor", "--rack", rack, "--out", dir, NULL };
	struct fake_state st;

	test_isolate_locks();
	fake_usb_add(tb, &ft232h, 9);
	fake_usb_add(tb, &v3set, 3);
	fake_usb_add(tb, &v2_new, 6);
	fake_usb_clear(&ft232h);
	cr_assert_eq(test_spawn(argv, &out), 1, "%s", out);
	cr_assert(has_line(out, "ok", "probe of set: 002F003F3137510539383538 (STLINK-V3SET) at USB "
			   "1-3"), "%s", out);
	cr_assert(has_line(out, "ok", "probe of v2: 53FF6C064884534937360587 (ST-LINK/V2) at USB "
			   "1-6"), "%s", out);
	cr_assert(has_line(out, "fail", "probe of away: 066DFF485750717867193015 not on the USB bus"),
		  "%s", out);
	cr_assert(has_line(out, "ok", "power ft-a: FTDI FT5TESTX (FT232H) interface A at USB 1-9"),
		  "%s", out);
	cr_assert(has_line(out, "fail", "power ft-b: FTDI FT5TESTX (FT232H) at USB 1-9 has no "
			   "interface B"), "%s", out);
	cr_assert(has_line(out, "fail", "power ft-gone: FTDI 0403:6014 FTGONE01 not on the USB bus"),
		  "%s", out);
	cr_assert(has_line(out, "fail", "/nonexistent/STM32_Programmer_CLI"), "%s", out);
	fake_usb_state(&ft232h, &st);
	for (size_t i = 0; i < st.n_events; i++)
		cr_assert_eq(st.events[i].kind, FAKE_READ_PINS, "doctor sent the chip a %s",
			     st.events[i].kind == FAKE_SET_BITMODE ? "bitmode" : "write");
	cr_assert_eq(st.pins, 0x02, "the pins are as they were");
	free(out);
	free(rack);
	free(dir);
}
