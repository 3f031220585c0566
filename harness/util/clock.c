/* Harness time; see clock.h for the time-scale rule. */
#include "harness/util/clock.h"
#include "harness/util/stop.h"

#include <errno.h>
#include <time.h>

static double time_scale = 1.0;
static _Thread_local double skipped_s; /* harness time not slept for real */

void hil_clock_set_scale(double scale)
{
	time_scale = scale < 0 ? 0 : scale > 1 ? 1 : scale;
}

double hil_clock_scale(void)
{
	return time_scale;
}

double hil_clock_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double hil_clock_now(void)
{
	return hil_clock_real_ms() / 1e3 + skipped_s;
}

void hil_clock_sleep_ms(unsigned ms)
{
	double real_ms = ms * time_scale;
	double until = hil_clock_real_ms() + real_ms;

	skipped_s += (ms - real_ms) / 1e3;
	/* in slices, so a second stop signal (stop.h) ends a long simulated
	 * wait as it ends a running tool */
	for (double left = real_ms; left > 0 && !hil_stop_now(); left = until - hil_clock_real_ms()) {
		double slice = left < 100 ? left : 100;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)(slice * 1e6) };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

void hil_clock_utc_iso(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}
