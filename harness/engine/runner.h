/* The engine's public face: runs a plan on the rack's drivers, one worker
 * thread per board (at most --jobs at once), and writes the journal as it
 * goes. This is the only engine header code outside harness/engine/ uses;
 * the engine's files share run_state.h and their own private headers.
 *
 * Inside the engine, calls go one way: runner.c (the campaign) -> board.c
 * (a board's worker) -> case.c (an install) -> steps.c (a step) ->
 * identity.c / license.c, with progress.c, hsm_guard.c and run_state.c
 * (the journal and events every file writes to) beside them. It renders
 * nothing: the CLI renders the reports from the journal afterwards
 * (reports/ sits above the engine). */
#ifndef HIL_HARNESS_RUNNER_H
#define HIL_HARNESS_RUNNER_H

#include "harness/config/plan.h"
#include "harness/util/strset.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct hil_campaign_dir;

struct hil_run_opts {
	const char *out_dir;       /* created; must not hold a journal already */
	FILE *progress;            /* progress output; NULL for none */
	bool verbose;              /* a line per install instead of one per cell */
	uint64_t seed;             /* simulated randomness; 0: the scenario's */
	unsigned jobs;             /* boards worked on at once; 0: all of them */
	unsigned shard, shards;    /* run shard K of N (1-based); shards 0: all */
	unsigned wait_lock_s;      /* how long to wait for a board another run holds */
	/* resume: the cases already in the journal ("board\ncase" keys);
	 * they are not run again and the journal is appended to. NULL: new. */
	const struct hil_strset *done;
	/* resume: those of them that count as failed installs for until:
	 * {failures} (ran, class not success), so a cell that had stopped
	 * stays stopped. NULL: none. */
	const struct hil_strset *done_failed;
	int junit_profile;         /* enum hil_junit_profile (reports/junit.h) */
	FILE *events;              /* --json-events: one JSON line per step event; NULL: none */
	/* Optional: out_dir already opened (and locked) by the caller, who
	 * keeps the lock until its reports are written; NULL: hil_run opens
	 * out_dir itself, for as long as it runs (journal/campaign_dir.h). */
	struct hil_campaign_dir *dir;
};

/* A stop (SIGINT, SIGTERM, SIGHUP: harness/util/stop.h) means nothing
 * new starts, reports are written for what finished, exit code 130; a
 * second signal also ends the running tools at once. */

/* Runs @plan. On return out_dir holds the journal and logs/; render the
 * reports from the journal (harness/cli: hil_cli_render). *incomplete_out
 * (may be NULL) is true when a result could not be written and the
 * campaign stopped for it (the exit code is then 3 unless something
 * failed). Negative only when the harness itself failed (cannot write the
 * output folder, no driver). */
int hil_run(const struct hil_plan *plan, const struct hil_run_opts *opts, bool *incomplete_out);

/* The most HSM licences @plan can draw in shard @shard of @shards (0: no
 * sharding) with its selection (the guard's bound; hsm_guard.c). */
unsigned hil_hsm_planned(const struct hil_plan *plan, unsigned shard, unsigned shards);

#endif
