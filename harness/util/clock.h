/* Harness time: real time, or simulated time run faster.
 *
 * A simulated rack may run with a time scale below 1: every harness wait
 * (hold times, the simulator's RSS and regression waits) then sleeps only
 * scale x its length, while hil_clock_now() advances by the full length.
 * Durations in reports are therefore what the board would have taken.
 * The offset is per thread, so parallel board workers keep their own.
 * Real racks always run at scale 1 (the runner refuses anything else).
 */
#ifndef HIL_HARNESS_CLOCK_H
#define HIL_HARNESS_CLOCK_H

/* 0 <= scale <= 1. Process-wide; set before workers start. */
void hil_clock_set_scale(double scale);
double hil_clock_scale(void);

/* Monotonic seconds of harness time. */
double hil_clock_now(void);

/* Waits @ms of harness time. */
void hil_clock_sleep_ms(unsigned ms);

/* Real monotonic milliseconds, for deadlines on real I/O. */
double hil_clock_real_ms(void);

/* "2026-11-25T13:20:16" (UTC, no zone: what strict JUnit wants). */
void hil_clock_utc_iso(char buf[32]);

#endif
