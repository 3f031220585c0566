/* Shared between runner.c (campaign and board loop) and steps.c (one step
 * on one board). Not for use elsewhere. */
#ifndef HIL_HARNESS_RUNNER_INTERNAL_H
#define HIL_HARNESS_RUNNER_INTERNAL_H

#include "drivers/console/console.h"
#include "drivers/power/power.h"
#include "drivers/probe/probe.h"
#include "drivers/programmer/programmer.h"
#include "harness/config/expect.h"
#include "harness/journal/journal.h"
#include "harness/engine/runner.h"
#include "harness/util/strbuf.h"

#include <pthread.h>

#define HIL_STEP_MAX_RSS 16
#define HIL_PROBE_WAIT_MS 15000u

struct hil_run_state {
	pthread_mutex_t lock;            /* journal, progress output, power instances */
	int progress_mode;               /* HIL_PROGRESS_* */
	char *status;                    /* live mode: one line per board */
	bool status_drawn;
	unsigned columns;                /* terminal width, live mode */
	const struct hil_plan *plan;
	const struct hil_run_opts *opts;
	struct hil_driver_ctx ctx;
	struct hil_journal *journal;
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
	struct hil_console *console;     /* NULL: none */
	struct hil_identity id;
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

/* Runs one step of a case; @case_dir is the case's log folder relative to
 * out_dir. Fills @res (free res->log). */
void hil_step_run(struct hil_board_run *br, const struct hil_step *st, size_t index,
		  const char *case_dir, const char *case_name, struct hil_step_result *res);

/* Switches a board line through its controller (opened on first use). */
int hil_runner_line(struct hil_board_run *br, const struct hil_rack_line *line, bool on);

/* Runs one programmer operation and classifies it; saves the transcript
 * to @log_rel (relative to out_dir) when non-NULL. The parse goes to @tx. */
struct hil_transcript;
void hil_runner_program(struct hil_board_run *br, struct hil_prog_request *req,
			const char *log_rel, struct hil_transcript *tx,
			struct hil_step_result *res);

/* Refuses (HIL_EREFUSED, with the numbers) a campaign that could draw more
 * HSM licences than the counters allow (hsm_guard.c). */
int hil_hsm_guard(struct hil_run_state *run, unsigned *planned_out);

/* Progress (progress.c): live lines on a terminal, stamped lines elsewhere. */
enum { HIL_PROGRESS_QUIET, HIL_PROGRESS_PLAIN, HIL_PROGRESS_LIVE };
void hil_progress_init(struct hil_run_state *run);
void hil_progress_finish(struct hil_run_state *run);
/* A board event worth keeping on screen (identity, busy, quarantine). */
void hil_progress_board(struct hil_board_run *br, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hil_progress_step(struct hil_board_run *br, const char *case_name, const char *step);
/* An install's end; @notable ones (fail, error, xpass) stay on screen. */
void hil_progress_case(struct hil_board_run *br, const char *name, const char *verdict,
		       const char *cls, const char *rss, const char *message, bool notable);
void hil_progress_board_done(struct hil_board_run *br, const char *summary);

/* Board @index of the plan, start to end (board.c). */
void hil_board_run(struct hil_run_state *run, size_t index);

/* One install (case.c); @pre is the board's pre-flight result. Returns the
 * install's class and its verdict (HIL_VERDICT_COUNT when it was not run:
 * already in a resumed journal). */
enum hil_class hil_case_run(struct hil_board_run *br, const struct hil_plan_cell *cell,
			    unsigned iteration, const struct hil_step_result *pre,
			    enum hil_verdict *verdict_out);
/* Whether this run does cell @k of board @index (its shard). */
bool hil_case_wanted(const struct hil_run_state *run, size_t index, size_t k);
/* Whether a resumed journal already has this install. */
bool hil_case_done(const struct hil_run_state *run, const char *board, const char *name);

/* "install[image=x.sfi] run 03": unique per board, the key of resume. */
char *hil_case_name(const struct hil_plan *plan, const struct hil_plan_cell *cell, unsigned it);

/* --json-events: writes @event as one line (steals it); no-op without. */
void hil_runner_event(struct hil_run_state *run, json_t *event);

/* Appends a record to the campaign's journal (steals @rec). */
void hil_runner_journal(struct hil_run_state *run, json_t *rec);
/* A step or install record: written at once, fsync'ed in the background
 * (journal.h, hil_journal_append_async). */
void hil_runner_journal_async(struct hil_run_state *run, json_t *rec);

/* Journals one HSM licence draw. */
void hil_runner_hsm_draw(struct hil_board_run *br, const char *case_name, int slot,
			 const char *why);

/* The licence file for the chip on @br, from the step's cache or from one
 * HSM draw into it (license.c). *path_out: free(). On failure @res says why. */
int hil_license_for_chip(struct hil_board_run *br, const struct hil_step *st, const char *log,
			 const char *case_name, char **path_out, struct hil_step_result *res);

#endif
