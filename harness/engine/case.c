/* One install (a "case"): the scenario's steps on one board for one
 * matrix cell and iteration, its verdict from the expectations, and its
 * records in the journal. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/stop.h"
#include "harness/util/fileutil.h"
#include "harness/util/json_util.h"
#include "harness/config/rack.h"
#include "harness/engine/run_state.h"
#include "harness/engine/steps.h"
#include "harness/engine/progress.h"
#include "harness/engine/case.h"
#include "harness/engine/license.h"
#include "harness/engine/board_console.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *expected_json(const struct hil_expectation *e)
{
	static const char *const results[] = { "pass", "fail", "skip" };

	if (!e)
		return json_pack("{s:s, s:n, s:n, s:n, s:n}", "result", "pass", "class", "rss",
				 "reason", "max_failure_rate");
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "result", results[e->result],
			 "class", e->cls == HIL_CLASS_NONE ? json_null() : json_string(hil_class_name(e->cls)),
			 "rss", hil_json_hex(e->has_rss, e->rss, "0x%X"),
			 "reason", hil_json_text(e->reason),
			 "max_failure_rate", e->has_max_failure_rate ? json_real(e->max_failure_rate)
								      : json_null());
}

static json_t *params_json(const struct hil_plan_cell *cell)
{
	json_t *p = json_object();

	for (size_t i = 0; i < cell->param_count; i++)
		json_object_set_new(p, cell->names[i], json_string(cell->values[i]));
	return p;
}

struct case_outcome {
	json_t *image;              /* sha256, protocol, areas of the installed image */
	json_t *attempts;           /* earlier attempts that ended in an infrastructure error */
	enum hil_verdict verdict;
	enum hil_class cls;
	uint32_t rss[HIL_STEP_MAX_RSS];
	size_t rss_count;
	char message[512];
	double duration_s;
};

static void journal_case(struct hil_board_run *br, const char *name,
			 const struct hil_plan_cell *cell, unsigned iteration,
			 const struct hil_expectation *e, const struct case_outcome *o)
{
	hil_runner_journal_async(br->run, json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:o, s:o, s:o, s:f, s:O, s:O}",
				   "type", "case", "board", br->rb->name, "case", name,
				   "cell", cell->label, "params", params_json(cell),
				   "iteration", (int)iteration,
				   "verdict", hil_verdict_name(o->verdict), "class", hil_class_name(o->cls),
				   "rss", hil_json_rss(o->rss, o->rss_count), "expected", expected_json(e),
				   "message", hil_json_text(o->message), "duration_s", o->duration_s,
				   "image", o->image ? o->image : json_null(),
				   "attempts", o->attempts ? o->attempts : json_null()));
}

/* What the install put on the board: the image's sha256, protocol version
 * and area count, read from the file (null when it cannot be read). */
static json_t *image_json(const char *path)
{
	struct hil_sfi_image *img = NULL;
	char sha[65];
	json_t *j = NULL;

	if (hil_sfi_image_load(&img, path) == 0) {
		for (int i = 0; i < 32; i++)
			snprintf(sha + 2 * i, 3, "%02x", img->sha256[i]);
		j = json_pack("{s:s, s:s, s:i, s:i}", "path", path, "sha256", sha,
			      "protocol_version", img->protocol, "areas", (int)img->areas_read);
	}
	hil_sfi_image_free(img);
	return j;
}

/* Saves what the console printed during the case, if anything. */
static void drain_console(struct hil_board_run *br, const char *case_dir)
{
	char buf[4096];
	size_t got = 0;
	FILE *f = NULL;

	if (!br->console)
		return;
	while (hil_console_read(br->console, buf, sizeof(buf), 0, &got) == 0 && got) {
		if (!f) {
			char *path = hil_xasprintf("%s/%s/console.log", br->run->opts->out_dir, case_dir);
			f = fopen(path, "abe");
			free(path);
			if (!f)
				return;
		}
		fwrite(buf, 1, got, f);
	}
	if (f)
		fclose(f);
}

static void report_case(struct hil_board_run *br, const char *name, const struct case_outcome *o)
{
	char rss[96] = "";
	size_t used = 0;

	for (size_t i = 0; i < o->rss_count && used < sizeof(rss); i++)
		if (o->rss[i])
			used += (size_t)snprintf(rss + used, sizeof(rss) - used, "%s0x%X",
						 used ? "," : "RSS ", o->rss[i]);
	hil_progress_case(br, name, hil_verdict_name(o->verdict),
			  o->cls == HIL_CLASS_NONE ? "-" : hil_class_name(o->cls), rss, o->message,
			  o->verdict == HIL_VERDICT_FAIL || o->verdict == HIL_VERDICT_ERROR ||
			  o->verdict == HIL_VERDICT_XPASS);
}

static bool write_failed(struct hil_run_state *run)
{
	bool failed;

	pthread_mutex_lock(&run->lock);
	failed = run->write_failed;
	pthread_mutex_unlock(&run->lock);
	return failed;
}

/* Wall-clock seconds since the epoch: when steps really ran, comparable
 * across boards, workers and shards. */
static double epoch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_steps(struct hil_board_run *br, const struct hil_plan_cell *cell,
		      const char *name, const char *case_dir, unsigned attempt,
		      struct case_outcome *o)
{
	for (size_t i = 0; i < br->run->plan->scenario->step_count; i++) {
		const struct hil_step *st = &cell->steps[i];
		struct hil_step_result res;

		double t0 = epoch_now();
		hil_progress_step(br, name, hil_step_kind_name(st->kind));
		hil_runner_event(br->run, json_pack("{s:s, s:s, s:s, s:i, s:s, s:f}", "event", "step_start",
						    "board", br->rb->name, "case", name, "index", (int)i,
						    "kind", hil_step_kind_name(st->kind), "t", t0));
		hil_step_run(br, st, i, attempt, case_dir, name, &res);
		double t1 = epoch_now();
		o->duration_s += res.duration_s;
		hil_runner_journal_async(br->run, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:f, s:o, s:f, s:f, s:o, s:o}",
					   "type", "step", "board", br->rb->name, "case", name,
					   "attempt", (int)attempt + 1,
					   "index", (int)i, "kind", hil_step_kind_name(st->kind),
					   "class", hil_class_name(res.cls),
					   "rss", hil_json_rss(res.rss, res.rss_count),
					   "message", hil_json_text(res.message), "duration_s", res.duration_s,
					   "log", hil_json_text(res.log), "t0", t0, "t1", t1,
					   "exit_status", res.exit_status >= 0 && res.log ? json_integer(res.exit_status)
										    : json_null(),
					   "signal", res.term_signal ? json_integer(res.term_signal) : json_null()));
		hil_runner_event(br->run, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:f, s:f}", "event",
						    "step_end", "board", br->rb->name, "case", name,
						    "index", (int)i, "kind", hil_step_kind_name(st->kind),
						    "class", hil_class_name(res.cls), "duration_s",
						    res.duration_s, "t", t1));
		free(res.log);
		if (st->kind == HIL_STEP_SFI_INSTALL) {
			memcpy(o->rss, res.rss, sizeof(res.rss));
			o->rss_count = res.rss_count;
			json_decref(o->image);
			o->image = image_json(st->image);
		}
		if (res.cls != HIL_CLASS_SUCCESS) {
			o->cls = res.cls;
			snprintf(o->message, sizeof(o->message), "%s: %s", hil_step_kind_name(st->kind),
				 res.message[0] ? res.message : hil_class_name(res.cls));
			return;
		}
	}
}

/* Before a retry: wait (doubling each time), then power-cycle the board so
 * the next attempt starts from a clean state. */
static void prepare_retry(struct hil_board_run *br, unsigned attempt)
{
	const struct hil_scenario *s = br->run->plan->scenario;
	unsigned backoff = s->retry_backoff_ms << (attempt < 10 ? attempt : 10);

	hil_clock_sleep_ms(backoff);
	if (!br->rb->power.present)
		return;
	if (hil_runner_line(br, &br->rb->power, false) == 0) {
		hil_clock_sleep_ms(1000);
		hil_runner_line(br, &br->rb->power, true);
		hil_board_console_refresh(br, HIL_CONSOLE_WAIT_MS);
		hil_clock_sleep_ms(200);
	}
}

/* Runs the steps, again after an infrastructure error while retries are
 * left. Every attempt stays in the journal (its steps carry "attempt"). */
static void run_attempts(struct hil_board_run *br, const struct hil_plan_cell *cell,
			 const char *name, const char *case_dir, struct case_outcome *o)
{
	unsigned retries = br->run->plan->scenario->retries;

	for (unsigned attempt = 0;; attempt++) {
		double spent = o->duration_s;
		o->cls = HIL_CLASS_SUCCESS;
		o->message[0] = '\0';
		o->rss_count = 0;
		run_steps(br, cell, name, case_dir, attempt, o);
		if (!hil_class_is_infra(o->cls) || attempt >= retries || hil_stop_requested())
			return;
		if (!o->attempts)
			o->attempts = json_array();
		json_array_append_new(o->attempts, json_pack("{s:i, s:s, s:o, s:f}", "attempt",
							     (int)attempt + 1, "class", hil_class_name(o->cls),
							     "message", hil_json_text(o->message),
							     "duration_s", o->duration_s - spent));
		prepare_retry(br, attempt);
	}
}

/* Whether this run does install @it of cell @k on board @index: its shard
 * (deterministic over board x cell), and not already in a resumed journal. */
bool hil_case_wanted(const struct hil_run_state *run, size_t index, size_t k)
{
	const struct hil_run_opts *o = run->opts;

	return hil_plan_wants(run->plan, index, k, o->shard, o->shards);
}

bool hil_case_done_failed(const struct hil_run_state *run, const char *board,
			  const struct hil_plan_cell *cell, unsigned it)
{
	if (!run->opts->done_failed)
		return false;
	char *name = hil_case_name(run->plan, cell, it), *key = hil_xasprintf("%s\n%s", board, name);
	bool failed = hil_strset_has(run->opts->done_failed, key);
	free(key);
	free(name);
	return failed;
}

bool hil_case_done(const struct hil_run_state *run, const char *board, const char *name)
{
	if (!run->opts->done)
		return false;
	char *key = hil_xasprintf("%s\n%s", board, name); /* whole: names can be long */
	bool done = hil_strset_has(run->opts->done, key);
	free(key);
	return done;
}

/* The folder name of an install's logs: its name made file-safe, and
 * bounded: a long matrix value must not make a name over NAME_MAX (255),
 * so past 96 characters the name is cut and a hash of the whole name
 * keeps it unique. */
static char *case_slug(const char *name)
{
	char *slug = hil_slug(name);

	if (strlen(slug) > 96) {
		char *bounded = hil_xasprintf("%.80s-%016llx", slug, hil_fnv1a(name));
		free(slug);
		slug = bounded;
	}
	return slug;
}

char *hil_case_name(const struct hil_plan *plan, const struct hil_plan_cell *cell, unsigned it)
{
	return hil_xasprintf("install%s%s%s run %0*u", cell->label[0] ? "[" : "", cell->label,
			     cell->label[0] ? "]" : "", plan->repeat >= 100 ? 3 : 2, it);
}

enum hil_class hil_case_run(struct hil_board_run *br, const struct hil_plan_cell *cell,
			    unsigned iteration, const struct hil_step_result *pre,
			    enum hil_verdict *verdict_out)
{
	const struct hil_plan *plan = br->run->plan;
	const struct hil_expectation *e = hil_expect_match(plan->scenario, &br->id,
		(const char *const *)cell->names, (const char *const *)cell->values, cell->param_count);
	struct case_outcome o = { .cls = HIL_CLASS_SUCCESS };
	char *name = hil_case_name(plan, cell, iteration);

	*verdict_out = HIL_VERDICT_COUNT;
	if (hil_case_done(br->run, br->rb->name, name)) { /* resume: it is in the journal */
		free(name);
		return HIL_CLASS_NONE;
	}
	char *slug = case_slug(name);
	char *case_dir = hil_xasprintf("logs/%s/%s", br->rb->name, slug);
	char *abs_dir = hil_xasprintf("%s/%s", br->run->opts->out_dir, case_dir);
	char why[512];

	if (br->pb->skip_reason || (e && e->result == HIL_EXPECT_SKIP)) {
		o.verdict = HIL_VERDICT_SKIP;
		o.cls = HIL_CLASS_NONE;
		snprintf(o.message, sizeof(o.message), "%s", br->pb->skip_reason ? br->pb->skip_reason
			 : e->reason ? e->reason : "skipped by the scenario for this board");
	} else if (pre->cls != HIL_CLASS_SUCCESS) {
		o.verdict = HIL_VERDICT_ERROR;
		o.cls = pre->cls;
		snprintf(o.message, sizeof(o.message), "pre-flight: %s", pre->message);
	} else if (br->quarantine[0]) {
		o.verdict = HIL_VERDICT_ERROR;
		o.cls = br->quarantine_class;
		snprintf(o.message, sizeof(o.message), "%s", br->quarantine);
	} else {
		bool wrote_before = write_failed(br->run);
		hil_mkdir_p(abs_dir);
		run_attempts(br, cell, name, case_dir, &o);
		drain_console(br, case_dir);
		/* An install a second stop signal cut short, or during which a
		 * result could not be written, has no outcome to judge: it is not
		 * recorded, so resume runs it again, and it is never a verdict. */
		if (hil_stop_now() || (!wrote_before && write_failed(br->run))) {
			hil_progress_case(br, name, "not recorded", hil_class_name(o.cls), "",
					  hil_stop_now() ? "interrupted: runs again on resume"
							 : "a result could not be written: runs "
							   "again on resume", true);
			json_decref(o.image);
			json_decref(o.attempts);
			*verdict_out = HIL_VERDICT_COUNT;
			free(name);
			free(slug);
			free(case_dir);
			free(abs_dir);
			return HIL_CLASS_NONE;
		}
		hil_license_drop(abs_dir); /* recorded below: its licences are done with */
		o.verdict = hil_expect_verdict(e, o.cls, o.rss, o.rss_count, why, sizeof(why));
		if (o.verdict != HIL_VERDICT_PASS && !o.message[0])
			snprintf(o.message, sizeof(o.message), "%s", why);
		else if (o.verdict != HIL_VERDICT_PASS)
			snprintf(o.message + strlen(o.message), sizeof(o.message) - strlen(o.message),
				 " — %s", why);
	}
	journal_case(br, name, cell, iteration, e, &o);
	hil_runner_event(br->run, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f}", "event", "case_end",
					    "board", br->rb->name, "case", name,
					    "verdict", hil_verdict_name(o.verdict),
					    "class", hil_class_name(o.cls), "t", epoch_now()));
	json_decref(o.image);
	json_decref(o.attempts);
	report_case(br, name, &o);
	free(name);
	free(slug);
	free(case_dir);
	free(abs_dir);
	*verdict_out = o.verdict;
	return o.cls;
}
