/* junit.xml from the results model: a testsuite per board, a testcase per
 * install. Valid against Jenkins xUnit's junit-10.xsd. Verdict mapping:
 * fail and xpass -> <failure type="CLASS">, error -> <error type="CLASS">,
 * skip -> <skipped>, pass and xfail -> a passing testcase (xfail says so
 * in system-out). */
#ifndef HIL_REPORTS_JUNIT_H
#define HIL_REPORTS_JUNIT_H

#include <jansson.h>

int hil_report_junit_write(const json_t *results, const char *path);

#endif
