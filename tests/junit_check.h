/* JUnit schema checks shared by the report tests (test_golden, test_junit). */
#ifndef HIL_TESTS_JUNIT_CHECK_H
#define HIL_TESTS_JUNIT_CHECK_H

/* Asserts that each <testsuite> of @path, as a document of its own, is
 * valid against ../shared/schemas/@xsd_name (Surefire's schema has one
 * testsuite per file); visibly nothing when ../shared is absent. */
void test_validate_junit_suites(const char *path, const char *xsd_name);

/* Asserts that the gitlab profile file @path is junit-10.xsd plus its two
 * GitLab extensions (testcase@file, a testcase's <properties>): both are
 * there, and without them the file validates. */
void test_validate_junit_gitlab(const char *path);

#endif
