/* Failure-rate statistics for repeated cells (DESIGN §5). */
#ifndef HIL_HARNESS_STATS_H
#define HIL_HARNESS_STATS_H

enum hil_stat_verdict {
	HIL_STAT_PASS,          /* the 95 % interval lies at or below the limit */
	HIL_STAT_FAIL,          /* the interval lies above the limit */
	HIL_STAT_INCONCLUSIVE,  /* the interval straddles the limit */
};

/* Wilson score interval at 95 % for @failures out of @runs. runs == 0
 * gives [0, 1]. */
void hil_wilson95(unsigned failures, unsigned runs, double *lo, double *hi);

/* Decides a cell against @max_rate. For INCONCLUSIVE, *more_runs_out is
 * how many further runs at the observed rate would settle it (0 when even
 * 100 000 runs would not). */
enum hil_stat_verdict hil_stat_decide(unsigned failures, unsigned runs, double max_rate,
				      unsigned *more_runs_out);

const char *hil_stat_verdict_name(enum hil_stat_verdict v);

/* The fewest runs that, all clean, show a failure rate at or below
 * @max_rate at 95 % confidence (Wilson): 73 for 5 %, 35 for 10 %, 381 for
 * 1 %. 0 for a rate outside (0, 1). Each failure seen adds more. */
unsigned hil_stat_runs_needed(double max_rate);

#endif
