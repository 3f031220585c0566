/* The reports of one results folder from its model: junit.xml,
 * report.html and summary.json. The CLI calls it after run, resume, merge
 * and report; the model itself writes nothing. */
#ifndef HIL_REPORTS_WRITE_ALL_H
#define HIL_REPORTS_WRITE_ALL_H

#include "reports/results.h"

/* Writes junit.xml (in @junit_profile, an enum hil_junit_profile),
 * report.html and summary.json into @dir. */
int hil_reports_write_all(const struct hil_results *results, const char *dir, int junit_profile);
/* The same, written into @dir for the folder @shown_dir it will be
 * renamed to (merge): the JUnit's attachment paths name @shown_dir. */
int hil_reports_write_all_as(const struct hil_results *results, const char *dir,
			     const char *shown_dir, int junit_profile);

/* The JUnit profile the journal's run used (jenkins when it says none):
 * an enum hil_junit_profile. */
int hil_results_junit_profile(const struct hil_results *results);

#endif
