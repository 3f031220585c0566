/* Helpers shared by the Criterion tests. */
#ifndef HIL_TESTS_SUPPORT_H
#define HIL_TESTS_SUPPORT_H

#include "harness/util/diag.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A fresh directory under $TMPDIR (or /tmp); the test owns it. */
char *test_tmpdir(void);

/* Writes @content to @dir/@name; returns the path (free it). */
char *test_write(const char *dir, const char *name, const char *content);

/* True when some diagnostic line contains @needle. */
bool test_diag_has(const struct hil_diag *d, const char *needle);

/* All diagnostics joined by newlines, for assertion messages. */
const char *test_diag_text(const struct hil_diag *d);

/* ../shared when it is beside the project; NULL (and a visible skip
 * message on stderr) when it is not. */
const char *test_shared_dir(const char *why);

/* Gives this test process its own board-lock folder, so tests running in
 * parallel on the same simulated rack do not find each other's boards busy. */
void test_isolate_locks(void);

/* Asserts that the XML file @xml is valid against ../shared/schemas/@xsd_name;
 * does nothing (visibly) when ../shared is not there. */
void test_validate_xml(const char *xml, const char *xsd_name);

/* Runs argv (no shell), captures stdout+stderr into *output_out (free it),
 * returns the exit status, or -1 when it could not run. */
int test_spawn(char *const argv[], char **output_out);

/* Starts argv (no shell) with stdout and stderr to /dev/null; returns its
 * pid for the test to signal and wait for. */
pid_t test_spawn_quiet(char *const argv[]);
/* Whether @pid runs (exists and is not a zombie). */
bool test_alive(pid_t pid);

/* The same with stdout and stderr into the file @output. */
pid_t test_spawn_to(char *const argv[], const char *output);

/* The results model as JSON for assertions: summary.json's keys, and each
 * board with its "cases" (each with "steps" and "attempts", null when none). */
struct hil_results;
json_t *test_results_json(const struct hil_results *r);

/* Runs @plan as `sfi-harness run` does (the engine, then the reports from
 * the journal: hil_cli_run_plan) and returns its error; *res_out (may be
 * NULL) gets test_results_json() of the model. */
struct hil_plan;
struct hil_run_opts;
int test_run_plan(const struct hil_plan *plan, const struct hil_run_opts *opts, int *code,
		  json_t **res_out);

/* Runs argv (sfi-harness run ... --out @out_dir) and loads its
 * summary.json into *summary (the test fails without one); *output (may be
 * NULL) gets what it printed. Returns the exit code. */
int test_run_summary(char *const argv[], const char *out_dir, json_t **summary, char **output);

/* The cell of @board and @label ("" without a matrix) in a results model
 * or summary.json; the test fails when there is none. */
const json_t *test_cell(const json_t *results, const char *board, const char *label);

/* How many install (case) records the journal of results folder @out
 * holds now (0 while it has none). */
size_t test_cases_in(const char *out);

#endif
