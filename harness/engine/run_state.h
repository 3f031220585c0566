/* The state of one campaign run (struct hil_run_state) and of each board's
 * worker (struct hil_board_run), and the run's outputs that every engine
 * file writes to: the journal, --json-events and the stop on a failed write
 * (run_state.c).
 *
 * Private to harness/engine/: runner.c, board.c, case.c, steps.c,
 * identity.c, license.c, hsm_guard.c, board_console.c, regress.c and
 * progress.c include it. Code
 * outside the engine uses runner.h (ci/check-layers.sh enforces that).
 */
#ifndef HIL_ENGINE_RUN_STATE_H
#define HIL_ENGINE_RUN_STATE_H

#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "harness/config/expect.h"
#include "harness/journal/journal.h"
#include "harness/engine/runner.h"
#include "harness/util/strbuf.h"

#include <pthread.h>

struct hil_campaign_dir;

#define HIL_STEP_MAX_RSS 16
#define HIL_PROBE_WAIT_MS 15000u

struct hil_run_state {
	pthread_mutex_t lock;            /* journal, progress output, power instances */
	int progress_mode;               /* HIL_PROGRESS_* */
	char *status;                    /* live mode: one line per board */
	bool status_drawn;
	unsigned columns;                /* terminal width, live mode */
	/* the overall progress line (progress.c): installs planned by this run
	 * (resumed ones count as done), done so far, failed (fail, xpass) and
	 * errors; when this run started, its installs and the last overall
	 * line off a terminal (real ms, tenths of the plan) */
	unsigned long long planned, done, resumed, failed, errors;
	double started_ms, overall_ms;
	unsigned overall_tenth;
	const struct hil_plan *plan;
	const struct hil_run_opts *opts;
	struct hil_driver_ctx ctx;
	struct hil_journal *journal;
	struct hil_campaign_dir *dir;    /* the results folder, locked (journal/campaign_dir.h) */
	struct hil_programmer *programmer;
	struct hil_probe *probe;
	struct hil_power **power;        /* one per rack controller, opened lazily */
	bool write_failed;               /* a result could not be saved: the campaign stops */
};

/* A result (journal record or step log) could not be written: reports the
 * cause once and stops the campaign after the installs now running, so
 * nothing further is run without a record. Call with run->lock held. */
void hil_runner_write_failed(struct hil_run_state *run, const char *what);

struct hil_board_run {
	struct hil_run_state *run;
	const struct hil_plan_board *pb;
	const struct hil_rack_board *rb;
	struct hil_console *console;     /* NULL: none (or gone: console_error) */
	char console_error[256];         /* why a rack console is not open; "" */
	int lock_fd;                     /* the board's lock, kept by its tools; 0: none */
	struct hil_identity id;
	bool t_vcc_unwired;              /* the probe reads ~0 V, yet the target answers */
	char last_verdict[8];            /* for the live line */
	double started_s;                /* real seconds, when the board started */
	size_t index;                    /* in plan->boards */
	uint64_t salt;                   /* of the step running now (programmer.h) */
	unsigned infra_streak;           /* consecutive installs that ended in error */
	char quarantine[256];            /* why the board sits out; "" when it does not */
	enum hil_class quarantine_class;
};

struct hil_step_result {
	enum hil_class cls;
	int exit_status;                 /* of the programmer; -1 when none */
	int term_signal;                 /* the signal that ended it, 0 when none */
	uint32_t rss[HIL_STEP_MAX_RSS];
	size_t rss_count;
	char message[512];
	double duration_s;
	char *log;                       /* relative to out_dir, or NULL */
};

/* What a simulated board's lock is scoped to (lock.h, hil_lock_name), or
 * NULL on a real rack. */
const char *hil_runner_lock_scope(const struct hil_run_state *run);

/* --json-events: writes @event as one line (steals it); no-op without. */
void hil_runner_event(struct hil_run_state *run, json_t *event);

/* Appends a record to the campaign's journal (steals @rec). */
void hil_runner_journal(struct hil_run_state *run, json_t *rec);
/* A step or install record: written at once, fsync'ed in the background
 * (journal.h, hil_journal_append_async). */
void hil_runner_journal_async(struct hil_run_state *run, json_t *rec);

#endif
