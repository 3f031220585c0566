/* Stopping a run from outside: SIGINT, SIGTERM and SIGHUP.
 *
 * The first signal asks for a graceful stop: nothing new starts, the
 * installs running now finish, the reports are written for what finished.
 * A second SIGINT (or SIGTERM/SIGHUP) asks to stop now: running tools are
 * ended at once (hil_subprocess_run() checks hil_stop_now()) and the
 * harness says so on stderr. A closed terminal (SIGHUP) is a stop, not a
 * death: the reports are still written.
 *
 * The level is a C11 atomic, so the worker threads that read it and the
 * signal handler that writes it need no lock (lock-free, hence
 * async-signal-safe: C11 7.14.1.1).
 */
#ifndef HIL_UTIL_STOP_H
#define HIL_UTIL_STOP_H

#include <stdbool.h>

/* Installs the handlers (and ignores SIGPIPE: a closed stdout must not kill
 * a campaign before its reports). Idempotent. */
void hil_stop_install_signals(void);

/* A stop was asked for (signal, or hil_stop_request()). */
bool hil_stop_requested(void);
/* A second signal came: end running tools now. */
bool hil_stop_now(void);
/* The signal that asked first (SIGINT, SIGTERM, SIGHUP), 0 when the stop
 * came from hil_stop_request() or none came. */
int hil_stop_signal(void);

/* Asks for a graceful stop from inside (a result could not be written). */
void hil_stop_request(void);

/* Forgets any stop (tests that run several campaigns in one process). */
void hil_stop_reset(void);

#endif
