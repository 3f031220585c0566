/* Wilson intervals and the qualification decision; see stats.h. */
#include "harness/util/stats.h"

#include <math.h>

#define Z95 1.959963984540054

void hil_wilson95(unsigned failures, unsigned runs, double *lo, double *hi)
{
	double n = runs, p, z2 = Z95 * Z95, centre, half;

	if (runs == 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	p = failures / n;
	centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	half = Z95 * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
	*lo = fmax(0.0, centre - half);
	*hi = fmin(1.0, centre + half);
	if (failures == 0)
		*lo = 0.0;
	if (failures == runs)
		*hi = 1.0;
}

static enum hil_stat_verdict decide(unsigned failures, unsigned runs, double max_rate)
{
	double lo, hi;

	hil_wilson95(failures, runs, &lo, &hi);
	if (hi <= max_rate)
		return HIL_STAT_PASS;
	if (lo > max_rate)
		return HIL_STAT_FAIL;
	return HIL_STAT_INCONCLUSIVE;
}

enum hil_stat_verdict hil_stat_decide(unsigned failures, unsigned runs, double max_rate,
				      unsigned *more_runs_out)
{
	enum hil_stat_verdict v = decide(failures, runs, max_rate);
	double rate = runs ? (double)failures / runs : 0.0;

	*more_runs_out = 0;
	if (v != HIL_STAT_INCONCLUSIVE)
		return v;
	/* At the observed rate, when would the interval leave the limit? */
	for (unsigned total = runs + 1; total <= runs + 100000u; total++) {
		unsigned f = (unsigned)lround(rate * total);
		if (decide(f, total, max_rate) != HIL_STAT_INCONCLUSIVE) {
			*more_runs_out = total - runs;
			break;
		}
	}
	return v;
}

unsigned hil_stat_runs_needed(double max_rate)
{
	/* Zero failures in n runs: the Wilson upper bound is z^2 / (n + z^2),
	 * at or below max_rate from n >= z^2 (1 - max_rate) / max_rate. The
	 * loop settles rounding at the boundary the same way decide() does. */
	unsigned n;

	if (!(max_rate > 0.0 && max_rate < 1.0))
		return 0;
	n = (unsigned)floor(Z95 * Z95 * (1.0 - max_rate) / max_rate);
	while (n > 1 && decide(0, n - 1, max_rate) == HIL_STAT_PASS)
		n--;
	while (decide(0, n, max_rate) != HIL_STAT_PASS)
		n++;
	return n;
}

const char *hil_stat_verdict_name(enum hil_stat_verdict v)
{
	switch (v) {
	case HIL_STAT_PASS: return "pass";
	case HIL_STAT_FAIL: return "fail";
	case HIL_STAT_INCONCLUSIVE: return "inconclusive";
	}
	return "?";
}
