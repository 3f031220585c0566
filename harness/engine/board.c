/* One board in a campaign: its lock, the pre-flight (power, probe,
 * identity), then its installs cell by cell. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/stop.h"
#include "harness/util/fileutil.h"
#include "harness/engine/identity.h"
#include "harness/util/json_util.h"
#include "harness/util/lock.h"
#include "harness/config/rack.h"
#include "harness/engine/run_state.h"
#include "harness/engine/steps.h"
#include "harness/engine/progress.h"
#include "harness/engine/board.h"
#include "harness/engine/board_console.h"
#include "harness/engine/case.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fact the scenario's expectations read could not be had: the board's
 * installs cannot be judged, so they are errors (@cls, infrastructure),
 * never the verdict of a rule that happened to match without it. */
static void unknown_fact(struct hil_board_run *br, struct hil_step_result *res,
			 enum hil_fact fact, enum hil_class cls, const char *what)
{
	const struct hil_expectation *e = hil_expect_depends_on(br->run->plan->scenario, fact);

	if (!e)
		return;
	res->cls = cls;
	snprintf(res->message, sizeof(res->message), "%s, and the expectation at %s:%u:%u "
		 "depends on it: the installs cannot be judged", what,
		 br->run->plan->scenario->file, e->line, e->col);
}

/* -rssgetversion: not every bootloader answers it. A clean answer without
 * a version means the board reports none (expectations on rss_version do
 * not match); a tool that crashed, hung or never concluded means the
 * version is unknown. */
static void read_rss_version(struct hil_board_run *br, struct hil_step_result *pre)
{
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	struct hil_prog_request req = { .op = HIL_PROG_RSS_VERSION, .timeout_s = 60 };
	struct hil_step_result res = { 0 };
	char *log = hil_xasprintf("logs/%s/rss-version.log", br->rb->name);
	char what[600];

	hil_runner_program(br, &req, log, tx, &res);
	memcpy(br->id.rss_version, tx->rss_version, sizeof(br->id.rss_version));
	if (!tx->rss_version[0] && hil_class_is_infra(res.cls)) {
		snprintf(what, sizeof(what), "the RSS version could not be read (-rssgetversion: "
			 "%s%s%s)", hil_class_name(res.cls), res.message[0] ? ", " : "", res.message);
		unknown_fact(br, pre, HIL_FACT_RSS_VERSION, res.cls, what);
	}
	free(res.log);
	free(log);
	free(tx);
}

/* Power on, wait for the probe, connect and read what the board reports,
 * then check it is the board the rack describes (identity.c). */
static void preflight(struct hil_board_run *br, struct hil_step_result *res)
{
	const struct hil_rack_board *rb = br->rb;
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	struct hil_prog_request req = { .op = HIL_PROG_IDENTIFY, .timeout_s = 60 };
	char *log = hil_xasprintf("logs/%s/identify.log", rb->name);

	memset(res, 0, sizeof(*res));
	if (rb->reset.present && hil_runner_line(br, &rb->reset, false) < 0)
		snprintf(res->message, sizeof(res->message), "%s", hil_error_last());
	else if (rb->power.present && hil_runner_line(br, &rb->power, true) < 0)
		snprintf(res->message, sizeof(res->message), "%s", hil_error_last());
	if (res->message[0]) {
		res->cls = HIL_CLASS_POWER_ERROR;
		goto out;
	}
	if (hil_probe_wait(br->run->probe, rb->probe_serial, HIL_PROBE_WAIT_MS) < 0) {
		res->cls = HIL_CLASS_NO_PROBE;
		snprintf(res->message, sizeof(res->message), "%s", hil_error_last());
		goto out;
	}
	hil_runner_program(br, &req, log, tx, res);
	br->id.has_device_id = tx->has_device_id;
	br->id.device_id = tx->device_id;
	br->id.has_bl_version = tx->has_bl_version;
	br->id.bl_version = tx->bl_version;
	memcpy(br->id.revision, tx->revision, sizeof(br->id.revision));

	hil_identity_check(br, tx, res);
	if (res->cls == HIL_CLASS_SUCCESS && !br->id.has_bl_version)
		unknown_fact(br, res, HIL_FACT_BL_VERSION, HIL_CLASS_INCOMPLETE,
			     "the board did not report its bootloader version");
	if (res->cls == HIL_CLASS_SUCCESS)
		hil_identity_read_uid(br, res);
	if (res->cls == HIL_CLASS_SUCCESS)
		hil_identity_power_check(br, res);
	if (res->cls == HIL_CLASS_SUCCESS)
		read_rss_version(br, res);
out:
	free(log);
	free(tx);
}

static json_t *chip_uid_json(const struct hil_identity *id)
{
	char text[32];

	if (!id->has_chip_uid)
		return json_null();
	snprintf(text, sizeof(text), "%08X%08X%08X", id->chip_uid[0], id->chip_uid[1],
		 id->chip_uid[2]);
	return json_string(text);
}

static void journal_board(struct hil_board_run *br, const struct hil_step_result *pre)
{
	const struct hil_identity *id = &br->id;

	hil_runner_journal(br->run, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
						"s:s, s:o}",
				   "type", "board", "board", br->rb->name, "kind", br->rb->kind,
				   "probe_serial", br->rb->probe_serial,
				   "device_id", hil_json_hex(id->has_device_id, id->device_id, "0x%03X"),
				   "bl_version", hil_json_hex(id->has_bl_version, id->bl_version, "0x%02X"),
				   "revision", hil_json_text(id->revision),
				   "rss_version", hil_json_text(id->rss_version),
				   "chip_uid", chip_uid_json(id),
				   "power_check", hil_json_text(id->power_check),
				   "class", hil_class_name(pre->cls),
				   "message", hil_json_text(pre->message)));
}

static bool board_has_work(const struct hil_run_state *run, const struct hil_board_run *br)
{
	const struct hil_plan *plan = run->plan;

	for (size_t k = 0; k < plan->cell_count; k++) {
		if (!hil_case_wanted(run, br->index, k))
			continue;
		for (unsigned it = 1; it <= plan->repeat; it++) {
			char *name = hil_case_name(plan, &plan->cells[k], it);
			bool done = hil_case_done(run, br->rb->name, name);
			free(name);
			if (!done)
				return true;
		}
	}
	return false;
}

static void start_board(struct hil_board_run *br, struct hil_step_result *pre, struct hil_lock **lock)
{
	struct hil_run_state *run = br->run;
	const struct hil_plan_board *pb = br->pb;
	char *dir = hil_xasprintf("%s/logs/%s", run->opts->out_dir, pb->board->name);

	hil_mkdir_p(dir);
	free(dir);
	char name[128];
	hil_lock_name(name, sizeof(name), pb->board->probe_serial, hil_runner_lock_scope(run));
	if (hil_lock_board(lock, hil_lock_dir(run->plan->rack->lock_dir), name,
			   run->opts->wait_lock_s, run->plan->scenario->campaign) < 0) {
		pre->cls = HIL_CLASS_BOARD_BUSY;
		snprintf(pre->message, sizeof(pre->message), "%s", hil_error_last());
		hil_progress_board(br, "busy: %s", pre->message);
		return;
	}
	br->lock_fd = hil_lock_fd(*lock);
	/* before the pre-flight, which powers the board: an external adapter
	 * reads the boot from the start; a console on the board's own ST-LINK
	 * is not there while the board is off and comes once it is on (the
	 * pre-flight's power check refreshes it, board_console.c) */
	hil_board_console_reopen(br, 0);
	preflight(br, pre);
	hil_board_console_refresh(br, pre->cls == HIL_CLASS_SUCCESS ? HIL_CONSOLE_WAIT_MS : 0);
	if (br->console_error[0])
		fprintf(stderr, "sfi-harness: [%s] %s (continuing without it)\n", pb->board->name,
			br->console_error);
	free(pre->log);
	pre->log = NULL;
	/* what was read, and "not read" for what was not (progress.c) */
	hil_progress_identity(br, pre);
}

/* After quarantine_after infrastructure errors in a row, a board sits out
 * the rest of the campaign (its installs become errors with the reason)
 * and the other boards go on. */
static void watch_for_quarantine(struct hil_board_run *br, enum hil_class cls, enum hil_verdict v)
{
	unsigned limit = br->run->plan->scenario->quarantine_after;

	br->infra_streak = v == HIL_VERDICT_ERROR ? br->infra_streak + 1 : 0;
	if (!limit || br->quarantine[0] || br->infra_streak < limit)
		return;
	br->quarantine_class = cls;
	snprintf(br->quarantine, sizeof(br->quarantine), "quarantined: %u infrastructure errors in a "
		 "row (last: %s); the board sits out the rest of the campaign", br->infra_streak,
		 hil_class_name(cls));
	hil_progress_board(br, "%s", br->quarantine);
}

void hil_board_run(struct hil_run_state *run, size_t index)
{
	const struct hil_plan_board *pb = &run->plan->boards[index];
	struct hil_board_run br = { .run = run, .pb = pb, .rb = pb->board, .index = index };
	struct hil_step_result pre = { .cls = HIL_CLASS_SUCCESS };
	const struct hil_plan *plan = run->plan;
	struct hil_lock *lock = NULL;

	if (!board_has_work(run, &br))
		return;
	br.id.board_kind = pb->board->kind;
	br.started_s = hil_clock_real_ms() / 1e3;
	snprintf(br.last_verdict, sizeof(br.last_verdict), "-");
	if (pb->skip_reason)
		hil_progress_board(&br, "skipped: %s", pb->skip_reason);
	else
		start_board(&br, &pre, &lock);
	journal_board(&br, &pre);
	for (size_t k = 0; k < plan->cell_count && !hil_stop_requested(); k++) {
		if (!hil_case_wanted(run, index, k))
			continue;
		unsigned failures = 0;
		for (unsigned it = 1; it <= plan->repeat && !hil_stop_requested(); it++) {
			enum hil_verdict v;
			enum hil_class cls = hil_case_run(&br, &plan->cells[k], it, &pre, &v);
			if (v == HIL_VERDICT_COUNT) { /* in the journal already (resume) */
				failures += hil_case_done_failed(run, br.rb->name, &plan->cells[k], it);
				if (plan->scenario->until_failures &&
				    failures >= plan->scenario->until_failures)
					break; /* the cell had stopped before the kill */
				continue;
			}
			watch_for_quarantine(&br, cls, v);
			failures += v != HIL_VERDICT_ERROR && v != HIL_VERDICT_SKIP &&
				    cls != HIL_CLASS_SUCCESS;
			if (plan->scenario->until_failures && failures >= plan->scenario->until_failures)
				break; /* until: {failures: K} reached */
		}
	}
	hil_board_console_drop(&br);
	hil_lock_release(lock);
	hil_progress_board_done(&br, hil_stop_requested() ? "stopped" : "done");
}
