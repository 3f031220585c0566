/* The simulated board behind all four sim backends: power, probe,
 * programmer and console agree with each other, and faults fire on
 * schedule. */
#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "harness/transcript/cubeprog_parse.h"
#include "drivers/programmer/programmer.h"
#include "drivers/registry.h"
#include "drivers/sim/board.h"
#include "harness/util/clock.h"
#include "harness/config/rack.h"
#include "support.h"
#include "contract/contract.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static struct hil_rack *rack;
static struct hil_driver_ctx ctx;
static struct hil_power *power;
static struct hil_probe *probe;
static struct hil_programmer *prog;

static void init(void)
{
	struct hil_diag d = { 0 };

	hil_clock_set_scale(0);
	cr_assert_eq(hil_registry_rack_load(&rack, HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", &d), 0);
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 7, NULL), 0);
	cr_assert_eq(hil_power_open(&power, &ctx, &rack->power[0]), 0);
	cr_assert_eq(hil_probe_open(&probe, &ctx, "sim"), 0);
	cr_assert_eq(hil_programmer_open(&prog, &ctx, "sim"), 0);
}

static void fini(void)
{
	hil_programmer_close(prog);
	hil_probe_close(probe);
	hil_power_close(power);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
}

TestSuite(sim, .init = init, .fini = fini);

static bool listed(const char *serial)
{
	struct hil_probe_info *list;
	size_t n;
	bool found = false;

	cr_assert_eq(hil_probe_list(probe, &list, &n), 0);
	for (size_t i = 0; i < n; i++)
		found = found || !strcmp(list[i].serial, serial);
	free(list);
	return found;
}

static enum hil_class run_op(const char *serial, enum hil_prog_op op, const char *image)
{
	struct hil_prog_request req = { .op = op, .probe_serial = serial, .image = image,
					.hsm_slot = 1, .timeout_s = 30 };
	struct hil_prog_output out;
	struct hil_transcript tx;
	enum hil_class cls;

	cr_assert_eq(hil_programmer_run(prog, &req, &out), 0);
	hil_cubeprog_parse(&tx, out.transcript, out.length);
	cls = hil_cubeprog_classify(&tx, op, &out);
	hil_prog_output_clear(&out);
	return cls;
}

#define DK "066DFF485750717867193015"       /* on-board probe */
#define BL91 "002F003F3137510539383538"     /* external probe */
#define IMAGE HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi"

Test(sim, on_board_probe_follows_board_power)
{
	const struct hil_rack_board *dk = hil_rack_board_find(rack, "dk-bl90");

	cr_assert(!listed(DK), "unpowered DK must not show its probe");
	cr_assert(listed(BL91), "an external probe is always on the bus");
	cr_assert_eq(hil_power_set(power, &dk->power, true), 0);
	hil_clock_set_scale(1); /* boot_ms is 400 in real time */
	cr_assert(!listed(DK), "the probe needs the board's boot time to enumerate");
	hil_clock_sleep_ms(500);
	cr_assert(listed(DK));
	hil_clock_set_scale(0);
	cr_assert_eq(run_op(DK, HIL_PROG_IDENTIFY, NULL), HIL_CLASS_SUCCESS);
	cr_assert_eq(hil_power_set(power, &dk->power, false), 0);
	cr_assert(!listed(DK));
	cr_assert_eq(run_op(DK, HIL_PROG_IDENTIFY, NULL), HIL_CLASS_NO_PROBE);
}

Test(sim, unpowered_target_behind_external_probe_is_no_target)
{
	cr_assert_eq(run_op(BL91, HIL_PROG_IDENTIFY, NULL), HIL_CLASS_NO_TARGET);
}

Test(sim, reset_held_means_no_target)
{
	const struct hil_rack_board *b = hil_rack_board_find(rack, "custom-bl92");

	hil_power_set(power, &b->power, true);
	hil_power_set(power, &b->reset, true);
	cr_assert_eq(run_op("003A00293438510B34313939", HIL_PROG_IDENTIFY, NULL), HIL_CLASS_NO_TARGET);
	hil_power_set(power, &b->reset, false);
	cr_assert_eq(run_op("003A00293438510B34313939", HIL_PROG_IDENTIFY, NULL), HIL_CLASS_SUCCESS);
}

Test(sim, install_outcome_follows_the_profile)
{
	const struct hil_rack_board *b91 = hil_rack_board_find(rack, "custom-bl91");
	const struct hil_rack_board *b92 = hil_rack_board_find(rack, "custom-bl92");

	hil_power_set(power, &b91->power, true);
	hil_power_set(power, &b92->power, true);
	cr_assert_eq(run_op(BL91, HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_RSS_ERROR);
	cr_assert_eq(run_op("003A00293438510B34313939", HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_SUCCESS);
	cr_assert_eq(run_op("003A00293438510B34313939", HIL_PROG_SFI_INSTALL, "/nonexistent.sfi"),
		     HIL_CLASS_FILE_ERROR);
}

Test(sim, successful_install_writes_the_firmware_to_flash)
{
	const struct hil_rack_board *b = hil_rack_board_find(rack, "custom-bl92");
	struct hil_sim_board *sb = hil_sim_board_by_name(ctx.sim, "custom-bl92");
	uint8_t head[8];

	hil_power_set(power, &b->power, true);
	cr_assert_eq(hil_sim_board_flash_read(sb, 0x08000000, head, 8), 0);
	cr_assert_eq(head[0], 0xFF, "flash starts erased");
	cr_assert_eq(run_op("003A00293438510B34313939", HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_SUCCESS);
	cr_assert_eq(hil_sim_board_flash_read(sb, 0x08000000, head, 8), 0);
	cr_assert_eq(head[3], 0x20, "initial stack pointer 0x20020000 at the vector table");
}

Test(sim, scheduled_faults_fire_after_countdown)
{
	const struct hil_rack_board *b = hil_rack_board_find(rack, "custom-bl92");
	struct hil_sim_board *sb = hil_sim_board_by_name(ctx.sim, "custom-bl92");
	const char *sn = "003A00293438510B34313939";

	hil_power_set(power, &b->power, true);
	hil_sim_board_fail(sb, HIL_SIM_POINT_PROGRAMMER, HIL_SIM_FAULT_HANG, 1, 1);
	cr_assert_eq(run_op(sn, HIL_PROG_IDENTIFY, NULL), HIL_CLASS_SUCCESS);
	cr_assert_eq(run_op(sn, HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_TIMEOUT);
	cr_assert_eq(run_op(sn, HIL_PROG_IDENTIFY, NULL), HIL_CLASS_SUCCESS, "repeat was 1");
	hil_sim_board_fail(sb, HIL_SIM_POINT_PROGRAMMER, HIL_SIM_FAULT_TRUNCATE, 0, 1);
	cr_assert_eq(run_op(sn, HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_INCOMPLETE);
	hil_sim_board_fail(sb, HIL_SIM_POINT_PROGRAMMER, HIL_SIM_FAULT_CRASH, 0, 1);
	cr_assert_eq(run_op(sn, HIL_PROG_SFI_INSTALL, IMAGE), HIL_CLASS_TOOL_CRASH);
	hil_sim_board_fail(sb, HIL_SIM_POINT_PROBE, HIL_SIM_FAULT_UNPLUG, 0, 1);
	cr_assert(!listed(sn));
	cr_assert(listed(sn));
	hil_sim_board_fail(sb, HIL_SIM_POINT_POWER, HIL_SIM_FAULT_ERROR, 0, 1);
	cr_assert_lt(hil_power_set(power, &b->power, true), 0);
	cr_assert_geq(hil_sim_board_calls(sb, HIL_SIM_POINT_PROGRAMMER), 5);
}

Test(sim, console_prints_the_banner_at_power_on_and_is_silent_when_off)
{
	/* an external UART (custom board): there while the board is off */
	const struct hil_rack_board *b = hil_rack_board_find(rack, "custom-bl92");
	struct hil_console *con;
	char buf[256];
	size_t got;

	cr_assert_eq(hil_console_open(&con, &ctx, b), 0);
	cr_assert_eq(hil_console_read(con, buf, sizeof(buf), 50, &got), 0);
	cr_assert_eq(got, 0);
	hil_power_set(power, &b->power, true);
	cr_assert_eq(hil_console_read(con, buf, sizeof(buf) - 1, 50, &got), 0);
	buf[got] = '\0';
	cr_assert(strstr(buf, "BL 0x92"), "%s", buf);
	hil_console_close(con);
}

Test(sim, a_dk_console_is_its_st_links_vcp_gone_at_power_off_and_new_at_power_on)
{
	const struct hil_rack_board *b = hil_rack_board_find(rack, "dk-bl90");
	struct hil_console *con = NULL, *again = NULL;
	char buf[256];
	size_t got;

	cr_assert_lt(hil_console_open(&con, &ctx, b), 0, "no VCP node while the DK is off");
	hil_power_set(power, &b->power, true);
	cr_assert_eq(hil_console_open(&con, &ctx, b), 0);
	cr_assert_eq(hil_console_read(con, buf, sizeof(buf) - 1, 50, &got), 0);
	buf[got] = '\0';
	cr_assert(strstr(buf, "BL 0x90"), "%s", buf);
	hil_power_set(power, &b->power, false);
	hil_power_set(power, &b->power, true);
	cr_assert_lt(hil_console_read(con, buf, sizeof(buf), 50, &got), 0,
		     "the node opened before the power cycle hung up");
	cr_assert_eq(hil_console_open(&again, &ctx, b), 0, "a new open reads the new node");
	cr_assert_eq(hil_console_read(again, buf, sizeof(buf), 50, &got), 0);
	hil_console_close(again);
	hil_console_close(con);
}

Test(registry, names_agree_with_the_tables)
{
	for (int role = HIL_ROLE_POWER; role <= HIL_ROLE_CONSOLE; role++) {
		char names[256];
		strcpy(names, hil_registry_names((enum hil_role)role));
		for (char *tok = strtok(names, ", "); tok; tok = strtok(NULL, ", "))
			cr_assert(hil_registry_known((enum hil_role)role, tok), "%s", tok);
	}
	cr_assert(!hil_registry_known(HIL_ROLE_POWER, "nosuch"));
}

/* Every backend of the build has a contract run (tests/contract/). */
Test(registry, every_backend_keeps_its_role_contract_somewhere)
{
	static const char *const roles[] = { "power", "probe", "programmer", "console" };
	const struct hil_driver_ops *ops;

	for (int role = HIL_ROLE_POWER; role <= HIL_ROLE_CONSOLE; role++)
		for (size_t i = 0; (ops = hil_registry_at((enum hil_role)role, i)); i++) {
			char key[64];
			bool found = false;
			snprintf(key, sizeof(key), "%s/%s ", roles[role], ops->name);
			for (size_t k = 0; contract_runs[k]; k++)
				found = found || !strncmp(contract_runs[k], key, strlen(key));
			cr_assert(found, "backend %s has no contract run (tests/contract/contract.h)",
				  key);
			cr_assert_eq(ops->role, (enum hil_role)role, "%s", key);
		}
}

static void sim_console_inject(void *payload, const char *text)
{
	hil_sim_board_console_write(payload, text);
}

Test(sim, backends_keep_the_role_contracts)
{
	const struct hil_rack_board *b91 = hil_rack_board_find(rack, "custom-bl91");
	struct hil_rack_line nowhere = { .present = true, .controller = 0, .pin = 63 };
	struct hil_console *con;

	contract_power(power, &b91->power, &nowhere);
	contract_probe(probe, BL91);
	hil_power_set(power, &b91->power, true);
	contract_programmer(prog, BL91, 0x480);
	cr_assert_eq(hil_console_open(&con, &ctx, b91), 0);
	char drain[256];
	size_t got;
	hil_console_read(con, drain, sizeof(drain), 0, &got); /* the power-on banner */
	contract_console(con, sim_console_inject, hil_sim_board_by_name(ctx.sim, "custom-bl91"));
	hil_console_close(con);
}
