/* junit.xml from the results model: a testsuite per board, a testcase per
 * install, written for what Jenkins' junit plugin and GitLab's parser read
 * (docs/reading-reports.md, "junit.xml"). Verdict mapping:
 *   fail, xpass -> <failure type="CLASS" message="...">TEXT</failure>
 *   error       -> <error type="CLASS" message="infrastructure ...">TEXT</error>
 *   xfail       -> <skipped type="xfail" message="expected failure: REASON">TEXT
 *                  (type only where the schema allows it: gitlab)
 *   skip        -> <skipped message="REASON">TEXT</skipped>
 *   pass        -> a passing testcase
 * TEXT is what a CI page shows: class, RSS value, the tool's last "Error:"
 * line, the catalogue's explanation and next step, the transcript's tail.
 * Earlier attempts (infrastructure errors, retried) are Surefire's
 * flakyError (the install came through) or rerunError (it did not), each
 * with its <stackTrace> and its own steps and logs in its system-out. */
#ifndef HIL_REPORTS_JUNIT_H
#define HIL_REPORTS_JUNIT_H

#include "reports/results.h"

#include <stddef.h>

/* The JUnit dialects CI systems read (../shared/research/hil-anchors.md §3):
 *  - jenkins: valid against Jenkins xUnit's junit-10.xsd, and each
 *    testsuite against Maven Surefire's surefire-test-report.xsd (so no
 *    hostname/id/package on a suite, no suite output, no testcase file or
 *    properties: neither schema has them); the default;
 *  - gitlab: testcase names unique across the file, classname
 *    campaign/board (GitLab shows it as the suite), testcase file (the
 *    scenario) and case <properties>; passing cases carry no output
 *    (GitLab drops it) once the file would pass GitLab's 30 MB limit;
 *  - strict: valid against the Ant schema (windyroad): no attributes on
 *    <testsuites>, at most one outcome per testcase, no per-case output
 *    (a non-passing install's details are its outcome's text; passing
 *    installs' go to the suite's system-out), no extra elements. */
enum hil_junit_profile {
	HIL_JUNIT_JENKINS,
	HIL_JUNIT_GITLAB,
	HIL_JUNIT_STRICT,
};

/* GitLab refuses a JUnit file of 30 MB or more (ext/gitlab/xml_converter.rb,
 * Gitlab::MAX_XML_SIZE). */
#define HIL_JUNIT_GITLAB_MAX_BYTES (30u * 1024 * 1024)

/* The environment variable that sets the attachment base for every
 * command that writes reports (sfi-harness --attachment-base sets it). */
#define HIL_JUNIT_ATTACHMENT_BASE_ENV "SFI_HARNESS_ATTACHMENT_BASE"

struct hil_junit_opts {
	enum hil_junit_profile profile;
	/* Attachment and file paths are written relative to this folder (the
	 * CI workspace); a path outside it stays absolute. NULL: the current
	 * working directory. Optional. */
	const char *attachment_base;
	/* Where the journal's relative log paths are; NULL: the folder of the
	 * junit.xml written. Optional. */
	const char *results_dir;
	/* The folder as the paths name it, when the reports are written
	 * elsewhere first (merge builds beside it and renames); NULL: where
	 * they are written. Optional. */
	const char *shown_dir;
	/* The largest file to write: past it the output is trimmed in steps
	 * (docs/reading-reports.md, "Size"). 0: HIL_JUNIT_GITLAB_MAX_BYTES for
	 * the gitlab profile, no limit for the others. */
	size_t max_bytes;
};

/* -1 when @name is not a profile. */
int hil_junit_profile_from_name(const char *name);

/* Writes junit.xml to @path (atomically; streamed, memory does not grow
 * with the installs). The attachment base is $SFI_HARNESS_ATTACHMENT_BASE
 * when set, else the current working directory; @shown_dir as in
 * hil_junit_opts (NULL: the folder of @path). */
int hil_report_junit_write(const struct hil_results *results, const char *path,
			   enum hil_junit_profile profile, const char *shown_dir);

/* The same with every option spelled out. */
int hil_report_junit_write_opts(const struct hil_results *results, const char *path,
				const struct hil_junit_opts *opts);

#endif
