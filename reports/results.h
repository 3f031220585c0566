/* The results model every report is rendered from, built from the
 * journal alone (so run, resume, merge and report render the same).
 *
 * A JSON object:
 *   campaign, scenario, rack, started, finished, seed, xpass_fails,
 *   boards: [{board, kind, probe_serial, device_id, bl_version, revision,
 *             rss_version, chip_uid, power_check, class, message,
 *             cases: [{..., steps: [...]}]}],
 *   cells:  [{board, bl_version, cell, params, runs, failures,
 *             failure_rate, ci95: [lo, hi], verdict, classes: {class: n},
 *             max_failure_rate, more_runs}],
 *   totals: {pass, fail, xfail, xpass, error, skip},
 *   exit_code
 * docs/reading-reports.md describes each field.
 */
#ifndef HIL_REPORTS_RESULTS_H
#define HIL_REPORTS_RESULTS_H

#include <jansson.h>

/* Builds the model from journal @records (not modified). *out: decref. */
int hil_results_build(json_t **out, const json_t *records);

/* Reads @journal_path and builds the model without the installs: boards
 * carry no "cases"; hil_results_board_cases() reads a board's back from
 * the journal. Memory does not grow with the number of installs. */
int hil_results_load(json_t **out, const char *journal_path);

/* The installs of @board (an element of results' boards), each with its
 * steps: from the model when it holds them (hil_results_build), else read
 * back from the journal. A new reference: decref it. */
json_t *hil_results_board_cases(const json_t *results, const json_t *board);

/* Writes junit.xml (in @junit_profile, an enum hil_junit_profile),
 * summary.json and report.html into @dir from @results. */
int hil_reports_write_all(const json_t *results, const char *dir, int junit_profile);

/* The JUnit profile the journal's run used (jenkins when it says none). */
int hil_results_junit_profile(const json_t *results);

#endif
