/* Role contracts: the same assertions run over every compiled backend of a
 * role (cf. Zephyr's GPIO API suite over real and emulated drivers). Each
 * test file that can set a backend up calls these: test_sim (sim),
 * test_usb (ftdi_gpio, stlink_usb under umockdev), test_serial (serial on a
 * pty), test_cubeprog (cubeprog with the stand-in tool), test_command
 * (command with real subprocesses). contract_runs lists them; a registry
 * test checks that every backend of the build has one. */
#ifndef HIL_TESTS_CONTRACT_H
#define HIL_TESTS_CONTRACT_H

#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"

struct hil_rack_line;

/* "role/backend test_file" for every backend some test runs the contract
 * over, NULL-ended. */
extern const char *const contract_runs[];

/* set() on and off succeed; where get() is not NULL, it agrees; a
 * line on a pin the controller cannot drive is an error, not a crash. */
void contract_power(struct hil_power *pw, const struct hil_rack_line *line,
		    const struct hil_rack_line *bad_line);

/* @serial is listed, waiting for it succeeds at once, waiting for a serial
 * that is not there ends with HIL_ETIMEOUT at the deadline. */
void contract_probe(struct hil_probe *p, const char *serial);

/* Nothing pending: read() returns no bytes within its timeout. After
 * @inject(@payload) the text arrives. */
void contract_console(struct hil_console *c, void (*inject)(void *payload, const char *text),
		      void *payload);

/* identify on @serial is a success naming the device; on a serial no probe
 * has it is no_probe (or tool_crash/no_target for tools that say so). */
void contract_programmer(struct hil_programmer *p, const char *serial, uint32_t device_id);

#endif
