/* Expectation matching by reported identity and matrix params, and the
 * verdict table of DESIGN §5. */
#include "harness/config/expect.h"

#include <criterion/criterion.h>
#include <string.h>

static struct hil_expectation rules[3];
static struct hil_scenario scen = { .expect = rules, .expect_count = 3 };
static char *pnames[] = { "image" }, *pvals[] = { "b.sfi" };

static void init(void)
{
	memset(rules, 0, sizeof(rules));
	rules[0].when.has_bl_version = true;
	rules[0].when.bl_version = 0x91;
	rules[0].when.param_names = pnames;
	rules[0].when.param_values = pvals;
	rules[0].when.param_count = 1;
	rules[0].result = HIL_EXPECT_FAIL;
	rules[0].cls = HIL_CLASS_RSS_ERROR;
	rules[0].has_rss = true;
	rules[0].rss = 0x16;
	rules[1].when.has_bl_version = true;
	rules[1].when.bl_version = 0x91;
	rules[1].result = HIL_EXPECT_SKIP;
	rules[2].when.revision = "Rev X";
	rules[2].result = HIL_EXPECT_PASS;
}

TestSuite(expect, .init = init);

static const struct hil_expectation *match(uint32_t bl, const char *rev, const char *image)
{
	struct hil_identity id = { .has_bl_version = true, .bl_version = bl };
	const char *names[] = { "image" }, *values[] = { image };

	strcpy(id.revision, rev);
	return hil_expect_match(&scen, &id, names, values, 1);
}

Test(expect, first_matching_rule_wins)
{
	cr_assert_eq(match(0x91, "--", "b.sfi"), &rules[0]);
	cr_assert_eq(match(0x91, "--", "a.sfi"), &rules[1]);
	cr_assert_eq(match(0x92, "rev x", "a.sfi"), &rules[2]); /* revision: case-insensitive */
	cr_assert_null(match(0x90, "Rev Z", "a.sfi"));
}

Test(expect, unreported_bl_version_matches_no_bl_rule)
{
	struct hil_identity id = { 0 };
	const char *names[] = { "image" }, *values[] = { "b.sfi" };

	cr_assert_null(hil_expect_match(&scen, &id, names, values, 1));
}

static enum hil_verdict verdict(const struct hil_expectation *e, enum hil_class cls, uint32_t rss)
{
	char why[256];
	uint32_t list[1] = { rss };

	return hil_expect_verdict(e, cls, list, rss ? 1 : 0, why, sizeof(why));
}

Test(expect, verdict_table)
{
	/* expected pass (explicit or no rule) */
	cr_assert_eq(verdict(NULL, HIL_CLASS_SUCCESS, 0), HIL_VERDICT_PASS);
	cr_assert_eq(verdict(&rules[2], HIL_CLASS_SUCCESS, 0), HIL_VERDICT_PASS);
	cr_assert_eq(verdict(&rules[2], HIL_CLASS_RSS_ERROR, 0x16), HIL_VERDICT_FAIL);
	cr_assert_eq(verdict(NULL, HIL_CLASS_VERIFY_MISMATCH, 0), HIL_VERDICT_FAIL);
	/* expected failure rss_error 0x16 */
	cr_assert_eq(verdict(&rules[0], HIL_CLASS_RSS_ERROR, 0x16), HIL_VERDICT_XFAIL);
	cr_assert_eq(verdict(&rules[0], HIL_CLASS_SUCCESS, 0), HIL_VERDICT_XPASS);
	cr_assert_eq(verdict(&rules[0], HIL_CLASS_RSS_ERROR, 0x17), HIL_VERDICT_FAIL);
	cr_assert_eq(verdict(&rules[0], HIL_CLASS_SECURITY_STATE_FAIL, 0), HIL_VERDICT_FAIL);
	/* infrastructure is an error whatever was expected */
	cr_assert_eq(verdict(&rules[0], HIL_CLASS_NO_PROBE, 0), HIL_VERDICT_ERROR);
	cr_assert_eq(verdict(NULL, HIL_CLASS_TIMEOUT, 0), HIL_VERDICT_ERROR);
	cr_assert_eq(verdict(NULL, HIL_CLASS_INCOMPLETE, 0), HIL_VERDICT_ERROR);
}

Test(expect, fail_without_class_accepts_any_failure)
{
	struct hil_expectation any = { .result = HIL_EXPECT_FAIL, .cls = HIL_CLASS_NONE };

	cr_assert_eq(verdict(&any, HIL_CLASS_LICENSE_ERROR, 0), HIL_VERDICT_XFAIL);
	cr_assert_eq(verdict(&any, HIL_CLASS_SUCCESS, 0), HIL_VERDICT_XPASS);
}

Test(expect, explanation_names_both_classes)
{
	char why[256];

	hil_expect_verdict(&rules[0], HIL_CLASS_SECURITY_STATE_FAIL, NULL, 0, why, sizeof(why));
	cr_assert_str_eq(why, "expected rss_error, got security_state_fail");
}

Test(outcome, class_names_round_trip_and_infra_split)
{
	for (int c = 0; c < HIL_CLASS_COUNT; c++)
		cr_assert_eq(hil_class_from_name(hil_class_name((enum hil_class)c)), c);
	cr_assert(!hil_class_is_infra(HIL_CLASS_RSS_ERROR));
	cr_assert(!hil_class_is_infra(HIL_CLASS_UNKNOWN_ERROR));
	cr_assert(hil_class_is_infra(HIL_CLASS_NO_TARGET));
	cr_assert(hil_class_is_infra(HIL_CLASS_INCOMPLETE));
	cr_assert_eq(hil_class_from_name("nope"), HIL_CLASS_NONE);
}
