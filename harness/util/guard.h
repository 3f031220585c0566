/* The guardian: a tool's whole process group dies with the harness.
 *
 * PR_SET_PDEATHSIG (subprocess.c) kills the tool itself when the harness
 * dies, but not what the tool started (STM32_Programmer_CLI's helpers, a
 * wrapper script's children). So the first tool started also starts one
 * small guardian process, in a session of its own (a CI runner that kills
 * the harness's process group does not kill it), that knows the process
 * group of every tool running now. When the harness ends, however it ends
 * (SIGKILL included), the guardian's pipe reaches end of file and it kills
 * each of those groups with SIGKILL, then exits. It holds no other
 * descriptor of the harness (no board lock, no journal).
 */
#ifndef HIL_UTIL_GUARD_H
#define HIL_UTIL_GUARD_H

#include <sys/types.h>

/* Registers the process group of a tool just started (starting the
 * guardian on first use). 0, or negative when no guardian could be
 * started (the tool still dies with the harness through PDEATHSIG). */
int hil_guard_add(pid_t pgid);
/* Forgets a group whose tool has been reaped. */
void hil_guard_remove(pid_t pgid);

/* The guardian's pid, 0 when none was started (tests). */
pid_t hil_guard_pid(void);

#endif
