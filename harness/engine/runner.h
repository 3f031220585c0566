/* The engine's public face: runs a plan on the rack's drivers, one worker
 * thread per board (at most --jobs at once), and writes the journal as it
 * goes. This is the only engine header code outside harness/engine/ uses;
 * the engine's files share run_state.h and their own private headers.
 *
 * Inside the engine, calls go one way: runner.c (the campaign) -> board.c
 * (a board's worker) -> case.c (an install) -> steps.c (a step) ->
 * identity.c / license.c, with progress.c, hsm_guard.c and run_state.c
 * (the journal and events every file writes to) beside them. */
#ifndef HIL_HARNESS_RUNNER_H
#define HIL_HARNESS_RUNNER_H

#include "harness/config/plan.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct hil_run_opts {
	const char *out_dir;       /* created; must not hold a journal already */
	FILE *progress;            /* progress output; NULL for none */
	bool verbose;              /* a line per install instead of one per cell */
	uint64_t seed;             /* simulated randomness; 0: the scenario's */
	unsigned jobs;             /* boards worked on at once; 0: all of them */
	unsigned shard, shards;    /* run shard K of N (1-based); shards 0: all */
	unsigned wait_lock_s;      /* how long to wait for a board another run holds */
	/* resume: the cases already in the journal ({"board\ncase": true});
	 * they are not run again and the journal is appended to. NULL: new. */
	const json_t *done;
	int junit_profile;         /* enum hil_junit_profile (reports/junit.h) */
	FILE *events;              /* --json-events: one JSON line per step event; NULL: none */
};

/* A stop (SIGINT, SIGTERM, SIGHUP: harness/util/stop.h) means nothing
 * new starts, reports are written for what finished, exit code 130; a
 * second signal also ends the running tools at once. */

/* Runs @plan. On return the journal, junit.xml and summary.json are in
 * out_dir, *exit_code_out holds the DESIGN §5 code and *results_out (may
 * be NULL) the results model (decref it). Negative only when the harness
 * itself failed (cannot write the output folder, no driver). */
int hil_run(const struct hil_plan *plan, const struct hil_run_opts *opts,
	    int *exit_code_out, json_t **results_out);

/* The most HSM licences @plan can draw (the guard's bound; hsm_guard.c). */
unsigned hil_hsm_planned(const struct hil_plan *plan);

#endif
