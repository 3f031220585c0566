/* `sfi-harness probes` on an emulated USB bus (umockdev, as test_usb.c):
 * without a rack it lists the bus through the real stlink_usb backend,
 * with a rack it also names the boards whose probe is not plugged in.
 * Run under umockdev-wrapper; label usb. */
#include "fake_usb.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static UMockdevTestbed *tb;
static struct fake_dev v3set, other;

static void init(void)
{
	tb = umockdev_testbed_new();
	cr_assert(umockdev_in_mock_environment(), "run under umockdev-wrapper (ctest does)");
	v3set = (struct fake_dev){ .vid = 0x0483, .pid = 0x374F, .bcd = 0x0100,
				   .strings = { NULL, "STMicroelectronics", "STLINK-V3",
						"002F003F3137510539383538" } };
	/* not an ST-LINK: never listed */
	other = (struct fake_dev){ .vid = 0x0403, .pid = 0x6014, .bcd = 0x0900,
				   .strings = { NULL, "FTDI", "Single RS232-HS", "FT5TESTX" } };
	fake_usb_add(tb, &v3set, 3);
	fake_usb_add(tb, &other, 9);
	unsetenv("SFI_HARNESS_RACK");
}

static void fini(void)
{
	g_object_unref(tb);
}

TestSuite(probes_bus, .init = init, .fini = fini, .timeout = 60);

Test(probes_bus, without_a_rack_the_usb_bus_is_listed)
{
	char *out = NULL;
	char *argv[] = { HIL_BINARY, "probes", NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(strstr(out, "ST-LINK probes on the USB bus"), "%s", out);
	cr_assert(strstr(out, "002F003F3137510539383538") && strstr(out, "STLINK-V3SET") &&
		  strstr(out, "0483:374f"), "%s", out);
	cr_assert_null(strstr(out, "FT5TESTX"), "%s", out);
	cr_assert_null(strstr(out, "not in rack"), "no rack, no board column: %s", out);
	free(out);
}

Test(probes_bus, with_a_rack_the_boards_not_seen_are_named)
{
	char *dir = test_tmpdir(), *out = NULL;
	char *rack = test_write(dir, "rack.yaml",
		"rack: usb\nprogrammer: {driver: cubeprog}\nprobe: {driver: stlink_usb}\nboards:\n"
		"  - {name: here, kind: k, probe: {serial: '002F003F3137510539383538'}}\n"
		"  - {name: gone, kind: k, probe: {serial: '066DFF485750717867193015'}}\n");
	char *text[] = { HIL_BINARY, "probes", "--rack", rack, NULL };
	char *as_json[] = { HIL_BINARY, "probes", "--json", "--rack", rack, NULL };

	cr_assert_eq(test_spawn(text, &out), 0, "%s", out);
	cr_assert(strstr(out, "002F003F3137510539383538") && strstr(out, " here\n"), "%s", out);
	cr_assert(strstr(out, "not seen: board gone (probe 066DFF485750717867193015)"), "%s", out);
	free(out);
	cr_assert_eq(test_spawn(as_json, &out), 0, "%s", out);
	json_t *list = json_loads(out, 0, NULL);
	cr_assert_eq(json_array_size(list), 2, "%s", out);
	json_t *gone = json_array_get(list, 1);
	cr_assert_str_eq(json_string_value(json_object_get(gone, "board")), "gone");
	cr_assert(json_is_false(json_object_get(gone, "seen")), "%s", out);
	cr_assert(json_is_true(json_object_get(json_array_get(list, 0), "seen")), "%s", out);
	json_decref(list);
	free(out);
	free(rack);
	free(dir);
}
