/* The process-wide stop level; see stop.h. */
#include "harness/util/stop.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static atomic_int level;        /* 0 running, 1 stop after the installs running, 2 stop now */
static atomic_int first_signal;

static void on_signal(int sig)
{
	int was = atomic_fetch_add(&level, 1);

	if (was == 0) {
		atomic_store(&first_signal, sig);
	} else if (was == 1) {
		/* write(2) is async-signal-safe; stdio is not */
		static const char msg[] = "\nsfi-harness: second stop signal: ending the running "
					  "tools now; the installs they were doing are recorded "
					  "as interrupted\n";
		ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)ignored;
	}
}

void hil_stop_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool hil_stop_requested(void)
{
	return atomic_load(&level) > 0;
}

bool hil_stop_now(void)
{
	return atomic_load(&level) > 1;
}

int hil_stop_signal(void)
{
	return atomic_load(&first_signal);
}

void hil_stop_request(void)
{
	int zero = 0;

	atomic_compare_exchange_strong(&level, &zero, 1);
}

void hil_stop_reset(void)
{
	atomic_store(&level, 0);
	atomic_store(&first_signal, 0);
}
