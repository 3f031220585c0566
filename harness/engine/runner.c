/* Campaign runner: opens the drivers and the journal, then runs the
 * plan's boards on worker threads (at most opts->jobs at once; board.c
 * runs one board's pre-flight and installs). Every finished step and
 * case goes to the journal; the CLI renders the reports from the journal
 * once the run is over. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/digest.h"
#include "harness/util/error.h"
#include "harness/util/stop.h"
#include "harness/util/fileutil.h"
#include "harness/util/lock.h"
#include "harness/config/rack.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/strbuf.h"
#include "harness/util/utf8.h"
#include "harness/engine/run_state.h"
#include "harness/engine/progress.h"
#include "harness/engine/board.h"
#include "harness/engine/case.h"
#include "harness/engine/hsm_guard.h"
#include "harness/engine/runner.h"
#include "harness/journal/campaign_dir.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One worker per board, at most opts->jobs at once. */
struct pool {
	struct hil_run_state *run;
	pthread_mutex_t lock;
	size_t next;
};

static void *worker(void *arg)
{
	struct pool *pool = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&pool->lock);
		i = pool->next++;
		pthread_mutex_unlock(&pool->lock);
		if (i >= pool->run->plan->board_count || hil_stop_requested())
			return NULL;
		hil_board_run(pool->run, i);
	}
}

static void run_boards(struct hil_run_state *run)
{
	size_t n = run->plan->board_count, jobs = run->opts->jobs ? run->opts->jobs : n;
	struct pool pool = { .run = run, .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t *threads;

	if (jobs > n)
		jobs = n;
	if (jobs <= 1) {
		for (size_t i = 0; i < n && !hil_stop_requested(); i++)
			hil_board_run(run, i);
		return;
	}
	threads = hil_xcalloc(jobs, sizeof(*threads));
	for (size_t i = 0; i < jobs; i++)
		pthread_create(&threads[i], NULL, worker, &pool);
	for (size_t i = 0; i < jobs; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

/* The run's driver context, with its own simulated world. Simulated
 * boards behind a real programmer driver (the stand-in CLI) keep their
 * state in files of this campaign's folder, which the tool's process maps
 * too (the cubeprog backend tells it where). */
static int open_drivers(struct hil_run_state *run, uint64_t seed)
{
	const struct hil_rack *rack = run->plan->rack;
	char *state_dir = NULL;
	bool sim_boards = false;
	int error;

	for (size_t i = 0; i < rack->board_count; i++)
		sim_boards = sim_boards || rack->boards[i].sim;
	if (rack->sim_state)
		state_dir = hil_xstrdup(rack->sim_state); /* boards shared by every run of the rack */
	else if (sim_boards && strcmp(rack->programmer_driver, "sim") != 0)
		state_dir = hil_xasprintf("%s/sim-state", run->opts->out_dir);
	error = hil_driver_ctx_init(&run->ctx, rack, seed, state_dir);
	free(state_dir);
	if (error < 0)
		return error;
	run->power = hil_xcalloc(rack->power_count ? rack->power_count : 1, sizeof(*run->power));
	if ((error = hil_programmer_open(&run->programmer, &run->ctx, rack->programmer_driver)) < 0)
		return error;
	return hil_probe_open(&run->probe, &run->ctx, rack->probe_driver);
}

static void close_drivers(struct hil_run_state *run)
{
	for (size_t i = 0; run->power && i < run->plan->rack->power_count; i++)
		hil_power_close(run->power[i]);
	free(run->power);
	hil_probe_close(run->probe);
	hil_programmer_close(run->programmer);
	hil_driver_ctx_fini(&run->ctx);
}

/* The results folder, through the campaign directory (one writer at a
 * time, a symlink or a file refused, the journal created O_EXCL and the
 * folder fsync'ed); unless the caller opened it already. */
static int open_out_dir(struct hil_run_state *run, struct hil_campaign_dir **own)
{
	const struct hil_run_opts *opts = run->opts;
	struct hil_campaign_dir *cd = opts->dir;
	int error;

	*own = NULL;
	if (!cd) {
		if ((error = hil_campaign_dir_open(&cd, opts->out_dir, opts->done ? HIL_CAMPAIGN_APPEND
						   : HIL_CAMPAIGN_NEW, run->plan->scenario->campaign)) < 0)
			return error;
		*own = cd;
	}
	run->dir = cd;
	return 0;
}

/* The installs this run (this shard) plans: every wanted cell of every
 * board, repeat times (until: {failures} may stop a cell sooner). */
static unsigned long long installs_planned(const struct hil_run_state *run)
{
	const struct hil_plan *plan = run->plan;
	unsigned long long n = 0;

	for (size_t b = 0; b < plan->board_count; b++)
		for (size_t k = 0; k < plan->cell_count; k++)
			n += hil_case_wanted(run, b, k) ? plan->repeat : 0;
	return n;
}

/* The installs the scenario declares reversible although their option
 * bytes cannot be read (step `reversible: REASON`): each image once, with
 * its reason, for the reports to show (docs/scenarios.md). */
static json_t *declared_reversible(const struct hil_plan *plan)
{
	json_t *list = json_array();

	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t j = 0; j < plan->scenario->step_count; j++) {
			const struct hil_step *st = &plan->cells[k].steps[j];
			if (st->kind != HIL_STEP_SFI_INSTALL || !st->reversible)
				continue;
			bool seen = false;
			size_t i;
			json_t *e;
			json_array_foreach(list, i, e)
				seen = seen || !strcmp(json_string_value(json_object_get(e, "image")), st->image);
			if (!seen)
				json_array_append_new(list, json_pack("{s:s, s:s}", "image", st->image,
								      "reason", st->reversible));
		}
	return list;
}

/* What resume needs to continue exactly this plan and what merge needs to
 * tell campaigns apart: the shard, the jobs, the installs planned, and the
 * SHA-256 of the scenario and rack files (docs/engine.md, "campaign
 * directory"). A file that cannot be hashed stops the campaign. */
static int record_plan(const struct hil_run_state *run, json_t *rec)
{
	const struct hil_run_opts *o = run->opts;
	char scenario_sha[65], rack_sha[65];
	int error;

	if ((error = hil_file_sha256(run->plan->scenario->file, scenario_sha)) < 0 ||
	    (error = hil_file_sha256(run->plan->rack->file, rack_sha)) < 0)
		return error;
	json_object_set_new(rec, "scenario_sha256", json_string(scenario_sha));
	json_object_set_new(rec, "rack_sha256", json_string(rack_sha));
	json_object_set_new(rec, "shard", json_integer(o->shards ? o->shard : 0));
	json_object_set_new(rec, "shards", json_integer(o->shards));
	json_object_set_new(rec, "jobs", json_integer(o->jobs));
	json_object_set_new(rec, "installs_planned", json_integer((json_int_t)installs_planned(run)));
	if (run->plan->wanted) { /* --board, --only, --only-failed: the (board, cell) pairs kept */
		const struct hil_plan *plan = run->plan;
		json_t *sel = json_array();
		for (size_t b = 0; b < plan->board_count; b++)
			for (size_t k = 0; k < plan->cell_count; k++)
				if (plan->wanted[b * plan->cell_count + k])
					json_array_append_new(sel, json_pack("[s,s]", plan->boards[b].board->name,
									     plan->cells[k].label));
		json_object_set_new(rec, "selected", sel);
	}
	json_object_set_new(rec, "declared_reversible", declared_reversible(run->plan));
	if (run->plan->scenario->description)
		json_object_set_new(rec, "description", json_string(run->plan->scenario->description));
	return 0;
}

static int start_journal(struct hil_run_state *run, unsigned hsm_planned)
{
	const struct hil_plan *plan = run->plan;
	char *path = hil_xasprintf("%s/journal.jsonl", run->opts->out_dir);
	char started[32], host[256] = "localhost";
	int error;

	/* a new campaign's journal: created O_EXCL, its folder fsync'ed, only
	 * now that nothing can refuse the campaign any more */
	if (!run->opts->done && (error = hil_campaign_dir_create_journal(run->dir)) < 0) {
		free(path);
		return error;
	}
	error = hil_journal_open(&run->journal, path);
	free(path);
	if (error < 0)
		return error;
	gethostname(host, sizeof(host) - 1);
	hil_clock_utc_iso(started);
	json_t *boards = json_array();
	char *scenario_abs = realpath(plan->scenario->file, NULL), *rack_abs = realpath(plan->rack->file, NULL);
	for (size_t i = 0; i < plan->board_count; i++)
		json_array_append_new(boards, json_string(plan->boards[i].board->name));
	if (run->opts->done) { /* resume: the campaign record is already there */
		hil_clock_utc_iso(started);
		hil_runner_journal(run, json_pack("{s:s, s:s, s:i}", "type", "resume", "at", started,
						  "pid", (int)getpid()));
		json_decref(boards);
		free(scenario_abs);
		free(rack_abs);
		return 0;
	}
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:i, s:f, s:i, s:o}",
				"type", "campaign", "campaign", plan->scenario->campaign,
				"scenario", scenario_abs ? scenario_abs : plan->scenario->file,
				"rack", plan->rack->name,
				"rack_file", rack_abs ? rack_abs : plan->rack->file,
				"started", started, "host", host, "seed", (json_int_t)run->ctx.seed,
				"xpass_fails", plan->scenario->xpass_fails, "repeat", (int)plan->repeat,
				"time_scale", hil_clock_scale(), "hsm_draws_planned", (int)hsm_planned,
				"boards", boards);
	if (rec && (error = record_plan(run, rec)) < 0) {
		json_decref(rec);
		free(scenario_abs);
		free(rack_abs);
		return error;
	}
	hil_runner_journal(run, rec);
	static const char *const profiles[] = { "jenkins", "gitlab", "strict" };
	hil_runner_journal(run, json_pack("{s:s, s:s}", "type", "settings", "junit_profile",
					  profiles[run->opts->junit_profile % 3]));
	free(scenario_abs);
	free(rack_abs);
	return 0;
}

int hil_run(const struct hil_plan *plan, const struct hil_run_opts *opts, bool *incomplete_out)
{
	struct hil_run_state run = { .plan = plan, .opts = opts, .lock = PTHREAD_MUTEX_INITIALIZER };
	char finished[32];
	unsigned hsm_planned = 0;
	struct hil_campaign_dir *own_dir = NULL;
	int error;

	if (incomplete_out)
		*incomplete_out = false;
	/* Everything that can refuse the campaign comes before any board is touched. */
	if ((error = open_out_dir(&run, &own_dir)) < 0 ||
	    (error = open_drivers(&run, opts->seed ? opts->seed : plan->scenario->seed)) < 0 ||
	    (error = hil_hsm_guard(&run, &hsm_planned)) < 0 ||
	    (error = start_journal(&run, hsm_planned)) < 0)
		goto out;
	hil_progress_init(&run);
	run_boards(&run);
	hil_progress_finish(&run);
	hil_clock_utc_iso(finished);
	/* a stop for a write failure is not the user's interrupt: resume
	 * after freeing space (exit 3, reports/results.c) */
	hil_runner_journal(&run, json_pack("{s:s, s:s, s:b, s:b}", "type", "end", "finished", finished,
				"interrupted", (int)hil_stop_requested(),
				"write_failed", (int)run.write_failed));
	if (incomplete_out)
		*incomplete_out = run.write_failed;
out:
	close_drivers(&run);
	hil_journal_close(run.journal);
	hil_campaign_dir_close(own_dir);
	return error;
}
