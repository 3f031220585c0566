/* junit.xml from the results model: a testsuite per board, a testcase per
 * install. Valid against Jenkins xUnit's junit-10.xsd. Verdict mapping:
 * fail and xpass -> <failure type="CLASS">, error -> <error type="CLASS">,
 * skip -> <skipped>, pass and xfail -> a passing testcase (xfail says so
 * in system-out). */
#ifndef HIL_REPORTS_JUNIT_H
#define HIL_REPORTS_JUNIT_H

#include "reports/results.h"

/* The JUnit dialects CI systems read (../shared/research/hil-anchors.md §3):
 *  - jenkins: valid against Jenkins xUnit's junit-10.xsd, with Surefire's
 *    flakyError/rerunError for retried attempts (the default);
 *  - gitlab: testcase names unique across the file, classname
 *    campaign/board (GitLab shows it as the suite), [[ATTACHMENT|..]] lines;
 *  - strict: valid against the Ant schema (windyroad): no attributes on
 *    <testsuites>, at most one outcome per testcase, no per-case output
 *    (it goes to the suite's system-out), no extra elements. */
enum hil_junit_profile {
	HIL_JUNIT_JENKINS,
	HIL_JUNIT_GITLAB,
	HIL_JUNIT_STRICT,
};

/* -1 when @name is not a profile. */
int hil_junit_profile_from_name(const char *name);

/* Writes junit.xml to @path (atomically; streamed, memory does not grow
 * with the installs). */
int hil_report_junit_write(const struct hil_results *results, const char *path,
			   enum hil_junit_profile profile);

#endif
