/* Wilson 95 % intervals and the qualification decision. */
#include "harness/util/stats.h"

#include <criterion/criterion.h>

Test(stats, wilson_matches_published_values)
{
	double lo, hi;

	hil_wilson95(0, 20, &lo, &hi);
	cr_assert_float_eq(lo, 0.0, 1e-9);
	cr_assert_float_eq(hi, 0.16113, 1e-4);
	hil_wilson95(1, 20, &lo, &hi);
	cr_assert_float_eq(lo, 0.00888, 1e-4);
	cr_assert_float_eq(hi, 0.23613, 1e-4);
	hil_wilson95(10, 10, &lo, &hi);
	cr_assert_float_eq(lo, 0.72247, 1e-4);
	cr_assert_float_eq(hi, 1.0, 1e-9);
	hil_wilson95(0, 0, &lo, &hi);
	cr_assert_float_eq(lo, 0.0, 1e-9);
	cr_assert_float_eq(hi, 1.0, 1e-9);
}

Test(stats, decision_and_runs_needed)
{
	unsigned more;

	cr_assert_eq(hil_stat_decide(0, 20, 0.25, &more), HIL_STAT_PASS);
	cr_assert_eq(more, 0);
	cr_assert_eq(hil_stat_decide(10, 20, 0.25, &more), HIL_STAT_FAIL);
	cr_assert_eq(hil_stat_decide(0, 10, 0.25, &more), HIL_STAT_INCONCLUSIVE);
	/* 0 of 12 gives an upper bound of 0.2425: two more runs settle it */
	cr_assert_eq(more, 2);
	cr_assert_eq(hil_stat_decide(0, 12, 0.25, &more), HIL_STAT_PASS);
}

Test(stats, runs_needed_to_qualify_with_no_failure)
{
	/* z^2 (1 - p) / p with z = 1.96: 72.99, 34.57, 380.3; the exact binomial
	 * rule (1 - p)^n <= 0.05 would give 59, 29, 299 */
	cr_assert_eq(hil_stat_runs_needed(0.05), 73);
	cr_assert_eq(hil_stat_runs_needed(0.10), 35);
	cr_assert_eq(hil_stat_runs_needed(0.01), 381);
	for (double p = 0.005; p < 0.5; p *= 1.7) {
		unsigned n = hil_stat_runs_needed(p), more;
		cr_assert_eq(hil_stat_decide(0, n, p, &more), HIL_STAT_PASS, "p %g n %u", p, n);
		cr_assert_eq(hil_stat_decide(0, n - 1, p, &more), HIL_STAT_INCONCLUSIVE, "p %g n %u", p, n - 1);
	}
	cr_assert_eq(hil_stat_runs_needed(0), 0);
}
