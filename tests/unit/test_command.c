/* The command power backend: the power contract over real subprocesses
 * (`test {pin} -lt 8` stands in for a relay tool that knows pins 0..7), and
 * its settings parsed from the rack by the backend itself. */
#include "drivers/power/power.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/util/error.h"
#include "contract/contract.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char rack_text[] =
	"rack: t\nprogrammer: {driver: cubeprog}\nprobe: {driver: stlink_usb}\npower:\n"
	"  - {id: pdu, driver: command, on: [test, '{pin}', -lt, '8'],"
	" off: [test, '{pin}', -lt, '8'], timeout_s: 5}\n"
	"boards:\n  - {name: b, kind: k, probe: {serial: '1'}, power: {controller: pdu, pin: 3}}\n";

Test(command, keeps_the_power_contract)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	char *dir = test_tmpdir(), *path = test_write(dir, "rack.yaml", rack_text);
	struct hil_rack_line pin63 = { .present = true, .controller = 0, .pin = 63 };
	struct hil_driver_ctx ctx;
	struct hil_power *pw;

	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 0, NULL), 0);
	cr_assert_eq(hil_power_open(&pw, &ctx, &rack->power[0]), 0, "%s", hil_error_last());
	cr_assert_null(hil_power_ops(pw)->get, "commands cannot read a line back");
	contract_power(pw, &rack->boards[0].power, &pin63);
	cr_assert(strstr(hil_error_last(), "[power pdu] 'test' failed (exit 1)"), "%s",
		  hil_error_last());
	hil_power_close(pw);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	free(path);
	free(dir);
}
