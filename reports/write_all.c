/* All of a results folder's reports; see write_all.h. */
#include "reports/write_all.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/summary_json.h"

#include <stdio.h>

int hil_reports_write_all(const struct hil_results *results, const char *dir, int junit_profile)
{
	return hil_reports_write_all_as(results, dir, NULL, junit_profile);
}

int hil_reports_write_all_as(const struct hil_results *results, const char *dir,
			     const char *shown_dir, int junit_profile)
{
	char path[4096];
	int error;

	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	if ((error = hil_report_junit_write(results, path, (enum hil_junit_profile)junit_profile,
					    shown_dir)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if ((error = hil_report_html_write(results, path)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return hil_report_summary_write(results, path);
}

int hil_results_junit_profile(const struct hil_results *results)
{
	int p = hil_junit_profile_from_name(results->junit_profile);

	return p < 0 ? HIL_JUNIT_JENKINS : p;
}
