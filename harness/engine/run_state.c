/* The run's shared outputs (run_state.h): journal records, --json-events
 * lines and the one stop when a result cannot be written. Every engine
 * file writes through these, under the run's lock, so records and event
 * lines from parallel board workers never interleave. */
#include "harness/engine/run_state.h"
#include "harness/util/error.h"
#include "harness/util/json_util.h"
#include "harness/util/stop.h"

#include <stdio.h>
#include <stdlib.h>

const char *hil_runner_lock_scope(const struct hil_run_state *run)
{
	if (!hil_rack_is_simulated(run->plan->rack))
		return NULL;
	/* the simulated world lives in its state folder (shared with a stand-in
	 * tool), else in this run alone, kept with its results */
	return run->ctx.sim_state_dir ? run->ctx.sim_state_dir : run->opts->out_dir;
}

static void journal(struct hil_run_state *run, json_t *rec, bool sync)
{
	if (!rec) {
		/* json_pack() found a bad value: a harness bug, never silent */
		fprintf(stderr, "sfi-harness: internal error: a journal record could not be encoded\n");
		return;
	}
	pthread_mutex_lock(&run->lock);
	if ((sync ? hil_journal_append(run->journal, rec)
		  : hil_journal_append_async(run->journal, rec)) < 0)
		hil_runner_write_failed(run, hil_error_last());
	pthread_mutex_unlock(&run->lock);
}

void hil_runner_journal(struct hil_run_state *run, json_t *rec)
{
	journal(run, rec, true);
}

void hil_runner_journal_async(struct hil_run_state *run, json_t *rec)
{
	journal(run, rec, false);
}

void hil_runner_write_failed(struct hil_run_state *run, const char *what)
{
	if (run->write_failed)
		return;
	run->write_failed = true;
	hil_stop_request();
	fprintf(stderr, "sfi-harness: cannot write results: %s\n"
		"sfi-harness: the campaign stops after the installs now running; the journal keeps "
		"every record written before. Free space, then run: sfi-harness resume %s\n",
		what, run->opts->out_dir);
}

void hil_runner_event(struct hil_run_state *run, json_t *event)
{
	char *line;

	if (!run->opts->events || !event) {
		json_decref(event);
		return;
	}
	line = hil_json_dumps_ascii(event, JSON_COMPACT);
	json_decref(event);
	if (!line)
		return;
	pthread_mutex_lock(&run->lock);
	fprintf(run->opts->events, "%s\n", line);
	fflush(run->opts->events);
	pthread_mutex_unlock(&run->lock);
	free(line);
}
