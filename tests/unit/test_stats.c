/* Wilson 95 % intervals and the qualification decision. */
#include "harness/stats.h"

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
