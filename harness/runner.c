/* Campaign runner: boards one after another; per board a pre-flight
 * (power, probe, identity), then every matrix cell x repetition as one
 * case. Every finished step and case goes to the journal first; reports
 * are rendered from the journal at the end. */
#include "drivers/programmer/cubeprog_parse.h"
#include "harness/clock.h"
#include "harness/error.h"
#include "harness/fileutil.h"
#include "harness/lock.h"
#include "harness/rack.h"
#include "harness/sfi_image.h"
#include "harness/strbuf.h"
#include "harness/utf8.h"
#include "harness/runner_internal.h"
#include "harness/xalloc.h"
#include "reports/results.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t hil_stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	hil_stop_requested = 1;
}

void hil_runner_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static json_t *hex_or_null(bool has, uint32_t v, const char *fmt)
{
	char buf[16];

	if (!has)
		return json_null();
	snprintf(buf, sizeof(buf), fmt, v);
	return json_string(buf);
}

/* Messages carry text from tools and boards: repaired to valid UTF-8,
 * which JSON requires (jansson refuses anything else). */
static json_t *str_or_null(const char *s)
{
	char *clean;
	json_t *j;

	if (!s || !s[0])
		return json_null();
	clean = hil_utf8_clean(s, strlen(s), false);
	j = json_string(clean);
	free(clean);
	return j;
}

static json_t *rss_array(const uint32_t *rss, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, hex_or_null(true, rss[i], "0x%X"));
	return a;
}

void hil_runner_journal(struct hil_run_state *run, json_t *rec)
{
	if (!rec) {
		/* json_pack() found a bad value: a harness bug, never silent */
		fprintf(stderr, "sfi-harness: internal error: a journal record could not be encoded\n");
		return;
	}
	pthread_mutex_lock(&run->lock);
	if (hil_journal_append(run->journal, rec) < 0)
		fprintf(stderr, "sfi-harness: journal: %s\n", hil_error_last());
	pthread_mutex_unlock(&run->lock);
}

static void progress(struct hil_run_state *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(struct hil_run_state *run, const char *fmt, ...)
{
	va_list ap;

	if (!run->opts->progress)
		return;
	pthread_mutex_lock(&run->lock);
	va_start(ap, fmt);
	vfprintf(run->opts->progress, fmt, ap);
	va_end(ap);
	fflush(run->opts->progress);
	pthread_mutex_unlock(&run->lock);
}

/* A board's progress: printed as it comes with one worker; with several,
 * kept until the board is done so boards do not interleave mid-line. */
static void board_progress(struct hil_board_run *br, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void board_progress(struct hil_board_run *br, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!br->run->opts->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (br->run->parallel)
		hil_strbuf_puts(&br->out, line);
	else
		progress(br->run, "%s", line);
}

/* -rssgetversion: not every bootloader answers it; a failure only means the
 * board reports no RSS version (expectations on rss_version will not match). */
static void read_rss_version(struct hil_board_run *br)
{
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	struct hil_prog_request req = { .op = HIL_PROG_RSS_VERSION, .timeout_s = 60 };
	struct hil_step_result res = { 0 };
	char *log = hil_xasprintf("logs/%s/rss-version.log", br->rb->name);

	hil_runner_program(br, &req, log, tx, &res);
	memcpy(br->id.rss_version, tx->rss_version, sizeof(br->id.rss_version));
	free(res.log);
	free(log);
	free(tx);
}

/* Before any write: the board on this probe must be the one the rack
 * describes (device id, and the bootloader when the rack pins it). */
static void check_identity(const struct hil_rack_board *rb, const struct hil_transcript *tx,
			   struct hil_step_result *res)
{
	if (rb->has_device_id && (!tx->has_device_id || tx->device_id != rb->device_id)) {
		res->cls = HIL_CLASS_IDENTITY_MISMATCH;
		snprintf(res->message, sizeof(res->message), "rack says device 0x%03X, the board "
			 "reports %s%03X: wrong board on probe %s?", rb->device_id,
			 tx->has_device_id ? "0x" : "no device id", tx->has_device_id ? tx->device_id : 0,
			 rb->probe_serial);
	} else if (rb->has_bl_version && (!tx->has_bl_version || tx->bl_version != rb->bl_version)) {
		res->cls = HIL_CLASS_IDENTITY_MISMATCH;
		snprintf(res->message, sizeof(res->message), "rack pins bootloader 0x%02X, the board "
			 "reports %s%02X", rb->bl_version, tx->has_bl_version ? "0x" : "none ",
			 tx->has_bl_version ? tx->bl_version : 0);
	}
}

/* Power on, wait for the probe, connect and read what the board reports. */
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
	if (res->cls == HIL_CLASS_SUCCESS)
		read_rss_version(br);
	br->id.has_device_id = tx->has_device_id;
	br->id.device_id = tx->device_id;
	br->id.has_bl_version = tx->has_bl_version;
	br->id.bl_version = tx->bl_version;
	memcpy(br->id.revision, tx->revision, sizeof(br->id.revision));

	if (res->cls == HIL_CLASS_SUCCESS)
		check_identity(rb, tx, res);
out:
	free(log);
	free(tx);
}

static void journal_board(struct hil_board_run *br, const struct hil_step_result *pre)
{
	const struct hil_identity *id = &br->id;

	hil_runner_journal(br->run, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o}",
				   "type", "board", "board", br->rb->name, "kind", br->rb->kind,
				   "probe_serial", br->rb->probe_serial,
				   "device_id", hex_or_null(id->has_device_id, id->device_id, "0x%03X"),
				   "bl_version", hex_or_null(id->has_bl_version, id->bl_version, "0x%02X"),
				   "revision", str_or_null(id->revision),
				   "rss_version", str_or_null(id->rss_version),
				   "class", hil_class_name(pre->cls),
				   "message", str_or_null(pre->message)));
}

static json_t *expected_json(const struct hil_expectation *e)
{
	static const char *const results[] = { "pass", "fail", "skip" };

	if (!e)
		return json_pack("{s:s, s:n, s:n, s:n, s:n}", "result", "pass", "class", "rss",
				 "reason", "max_failure_rate");
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "result", results[e->result],
			 "class", e->cls == HIL_CLASS_NONE ? json_null() : json_string(hil_class_name(e->cls)),
			 "rss", hex_or_null(e->has_rss, e->rss, "0x%X"),
			 "reason", str_or_null(e->reason),
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
	hil_runner_journal(br->run, json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:o, s:o, s:o, s:f, s:O}",
				   "type", "case", "board", br->rb->name, "case", name,
				   "cell", cell->label, "params", params_json(cell),
				   "iteration", (int)iteration,
				   "verdict", hil_verdict_name(o->verdict), "class", hil_class_name(o->cls),
				   "rss", rss_array(o->rss, o->rss_count), "expected", expected_json(e),
				   "message", str_or_null(o->message), "duration_s", o->duration_s,
				   "image", o->image ? o->image : json_null()));
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
	while (br->console->ops->read(br->console, buf, sizeof(buf), 0, &got) == 0 && got) {
		if (!f) {
			char *path = hil_xasprintf("%s/%s/console.log", br->run->opts->out_dir, case_dir);
			f = fopen(path, "ab");
			free(path);
			if (!f)
				return;
		}
		fwrite(buf, 1, got, f);
	}
	if (f)
		fclose(f);
}

/* Verbose: a line per install. Default: a character per install on the
 * cell's line (pytest style) and a line for each surprise after it. */
static void report_case(struct hil_board_run *br, const char *name, const struct case_outcome *o)
{
	static const char marks[HIL_VERDICT_COUNT] = { '.', 'F', 'x', 'X', 'E', 's' };
	char rss[96] = "";
	size_t used = 0;
	bool quiet_ok = o->verdict == HIL_VERDICT_XFAIL || o->verdict == HIL_VERDICT_PASS;

	for (size_t i = 0; i < o->rss_count && used < sizeof(rss); i++)
		if (o->rss[i])
			used += (size_t)snprintf(rss + used, sizeof(rss) - used, "%s0x%X",
						 used ? "," : "RSS ", o->rss[i]);
	if (!br->run->opts->verbose) {
		board_progress(br, "%c", marks[o->verdict]);
		if (!quiet_ok)
			hil_strbuf_printf(&br->surprises, "    %s: %s %s %s%s%s\n", name,
					  hil_verdict_name(o->verdict), hil_class_name(o->cls), rss,
					  rss[0] ? " " : "", o->message);
		return;
	}
	board_progress(br, "  %-44s %-6s %-20s %s%s%s\n", name, hil_verdict_name(o->verdict),
		 o->cls == HIL_CLASS_NONE ? "-" : hil_class_name(o->cls), rss,
		 rss[0] && !quiet_ok ? " " : "", quiet_ok ? "" : o->message);
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
		      const char *name, const char *case_dir, struct case_outcome *o)
{
	for (size_t i = 0; i < br->run->plan->scenario->step_count; i++) {
		const struct hil_step *st = &cell->steps[i];
		struct hil_step_result res;

		double t0 = epoch_now();
		hil_step_run(br, st, i, case_dir, name, &res);
		double t1 = epoch_now();
		o->duration_s += res.duration_s;
		hil_runner_journal(br->run, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:f, s:o, s:f, s:f}",
					   "type", "step", "board", br->rb->name, "case", name,
					   "index", (int)i, "kind", hil_step_kind_name(st->kind),
					   "class", hil_class_name(res.cls),
					   "rss", rss_array(res.rss, res.rss_count),
					   "message", str_or_null(res.message), "duration_s", res.duration_s,
					   "log", str_or_null(res.log), "t0", t0, "t1", t1));
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

/* Whether this run does install @it of cell @k on board @index: its shard
 * (deterministic over board x cell), and not already in a resumed journal. */
static bool wanted(const struct hil_run_state *run, size_t index, size_t k)
{
	const struct hil_run_opts *o = run->opts;

	return !o->shards || (index * run->plan->cell_count + k) % o->shards == o->shard - 1;
}

static bool already_done(const struct hil_run_state *run, const char *board, const char *name)
{
	char key[512];

	if (!run->opts->done)
		return false;
	snprintf(key, sizeof(key), "%s\n%s", board, name);
	return json_object_get(run->opts->done, key) != NULL;
}

char *hil_case_name(const struct hil_plan *plan, const struct hil_plan_cell *cell, unsigned it)
{
	return hil_xasprintf("install%s%s%s run %0*u", cell->label[0] ? "[" : "", cell->label,
			     cell->label[0] ? "]" : "", plan->repeat >= 100 ? 3 : 2, it);
}

static void run_case(struct hil_board_run *br, const struct hil_plan_cell *cell,
		     unsigned iteration, const struct hil_step_result *pre)
{
	const struct hil_plan *plan = br->run->plan;
	const struct hil_expectation *e = hil_expect_match(plan->scenario, &br->id,
		(const char *const *)cell->names, (const char *const *)cell->values, cell->param_count);
	struct case_outcome o = { .cls = HIL_CLASS_SUCCESS };
	char *name = hil_case_name(plan, cell, iteration);

	if (already_done(br->run, br->rb->name, name)) { /* resume: it is in the journal */
		free(name);
		return;
	}
	char *slug = hil_slug(name);
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
	} else {
		hil_mkdir_p(abs_dir);
		run_steps(br, cell, name, case_dir, &o);
		drain_console(br, case_dir);
		o.verdict = hil_expect_verdict(e, o.cls, o.rss, o.rss_count, why, sizeof(why));
		if (o.verdict != HIL_VERDICT_PASS && !o.message[0])
			snprintf(o.message, sizeof(o.message), "%s", why);
		else if (o.verdict != HIL_VERDICT_PASS)
			snprintf(o.message + strlen(o.message), sizeof(o.message) - strlen(o.message),
				 " — %s", why);
	}
	journal_case(br, name, cell, iteration, e, &o);
	json_decref(o.image);
	report_case(br, name, &o);
	free(name);
	free(slug);
	free(case_dir);
	free(abs_dir);
}

static bool board_has_work(const struct hil_run_state *run, const struct hil_board_run *br)
{
	const struct hil_plan *plan = run->plan;

	for (size_t k = 0; k < plan->cell_count; k++) {
		if (!wanted(run, br->index, k))
			continue;
		for (unsigned it = 1; it <= plan->repeat; it++) {
			char *name = hil_case_name(plan, &plan->cells[k], it);
			bool done = already_done(run, br->rb->name, name);
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
	if (hil_lock_board(lock, hil_lock_dir(run->plan->rack->lock_dir), pb->board->probe_serial,
			   run->opts->wait_lock_s, run->plan->scenario->campaign) < 0) {
		pre->cls = HIL_CLASS_BOARD_BUSY;
		snprintf(pre->message, sizeof(pre->message), "%s", hil_error_last());
		board_progress(br, "   busy: %s\n", pre->message);
		return;
	}
	if (pb->board->console_driver && hil_console_open(&br->console, &run->ctx, pb->board) < 0)
		fprintf(stderr, "sfi-harness: [%s] console: %s (continuing without it)\n",
			pb->board->name, hil_error_last());
	preflight(br, pre);
	free(pre->log);
	pre->log = NULL;
	board_progress(br, "   reports device 0x%03X, revision %s, BL 0x%02X, RSS %s%s%s\n",
		       br->id.device_id, br->id.revision[0] ? br->id.revision : "?", br->id.bl_version,
		       br->id.rss_version[0] ? br->id.rss_version : "n/a",
		       pre->cls != HIL_CLASS_SUCCESS ? " — pre-flight failed: " : "",
		       pre->cls != HIL_CLASS_SUCCESS ? pre->message : "");
}

static void run_board(struct hil_run_state *run, size_t index)
{
	const struct hil_plan_board *pb = &run->plan->boards[index];
	struct hil_board_run br = { .run = run, .pb = pb, .rb = pb->board, .index = index };
	struct hil_step_result pre = { .cls = HIL_CLASS_SUCCESS };
	const struct hil_plan *plan = run->plan;
	struct hil_lock *lock = NULL;

	if (!board_has_work(run, &br))
		return;
	br.id.board_kind = pb->board->kind;
	board_progress(&br, "\n== %s (%s, probe %s)\n", pb->board->name, pb->board->kind,
		       pb->board->probe_serial);
	if (!pb->skip_reason)
		start_board(&br, &pre, &lock);
	journal_board(&br, &pre);
	for (size_t k = 0; k < plan->cell_count && !hil_stop_requested; k++) {
		if (!wanted(run, index, k))
			continue;
		if (!run->opts->verbose)
			board_progress(&br, "   %-32s ", plan->cells[k].label[0] ? plan->cells[k].label
									  : "install");
		for (unsigned it = 1; it <= plan->repeat && !hil_stop_requested; it++)
			run_case(&br, &plan->cells[k], it, &pre);
		if (!run->opts->verbose)
			board_progress(&br, "\n%s", hil_strbuf_str(&br.surprises));
		hil_strbuf_free(&br.surprises);
	}
	hil_console_close(br.console);
	hil_lock_release(lock);
	if (run->parallel && br.out.len)
		progress(run, "%s", hil_strbuf_str(&br.out));
	hil_strbuf_free(&br.out);
}

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
		if (i >= pool->run->plan->board_count || hil_stop_requested)
			return NULL;
		run_board(pool->run, i);
	}
}

static void run_boards(struct hil_run_state *run)
{
	size_t n = run->plan->board_count, jobs = run->opts->jobs ? run->opts->jobs : n;
	struct pool pool = { .run = run, .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t *threads;

	if (jobs > n)
		jobs = n;
	run->parallel = jobs > 1;
	if (jobs <= 1) {
		for (size_t i = 0; i < n && !hil_stop_requested; i++)
			run_board(run, i);
		return;
	}
	threads = hil_xcalloc(jobs, sizeof(*threads));
	for (size_t i = 0; i < jobs; i++)
		pthread_create(&threads[i], NULL, worker, &pool);
	for (size_t i = 0; i < jobs; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

/* Simulated boards behind a real programmer driver (the stand-in CLI):
 * their state must live in files the tool's process can map too. */
static void share_sim_state(struct hil_run_state *run)
{
	const struct hil_rack *rack = run->plan->rack;
	char scale[32];
	bool sim_boards = false;

	for (size_t i = 0; i < rack->board_count; i++)
		sim_boards = sim_boards || rack->boards[i].sim_profile;
	if (!sim_boards || !strcmp(rack->programmer_driver, "sim") || getenv("HIL_SIM_STATE_DIR"))
		return;
	char *dir = hil_xasprintf("%s/sim-state", run->opts->out_dir);
	setenv("HIL_SIM_STATE_DIR", dir, 1);
	snprintf(scale, sizeof(scale), "%g", hil_clock_scale());
	setenv("HIL_TIME_SCALE", scale, 1);
	free(dir);
}

static int open_drivers(struct hil_run_state *run)
{
	const struct hil_rack *rack = run->plan->rack;
	int error;

	share_sim_state(run);
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
}

static int out_dir_is_fresh(const struct hil_run_opts *opts)
{
	char *path = hil_xasprintf("%s/journal.jsonl", opts->out_dir);
	int error = 0;

	if (access(path, F_OK) == 0)
		error = hil_error_set(HIL_EREFUSED, "%s already holds a campaign (journal.jsonl); "
				      "choose another --out", opts->out_dir);
	free(path);
	return error;
}

static int start_journal(struct hil_run_state *run, unsigned hsm_planned)
{
	const struct hil_plan *plan = run->plan;
	char *path = hil_xasprintf("%s/journal.jsonl", run->opts->out_dir);
	char started[32], host[256] = "localhost";
	int error;

	if ((error = hil_mkdir_p(run->opts->out_dir)) < 0) {
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
	hil_runner_journal(run, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:i, s:f, s:i, s:o}",
			       "type", "campaign", "campaign", plan->scenario->campaign,
			       "scenario", scenario_abs ? scenario_abs : plan->scenario->file,
			       "rack", plan->rack->name,
			       "rack_file", rack_abs ? rack_abs : plan->rack->file,
			       "started", started, "host", host, "seed", (json_int_t)run->ctx.seed,
			       "xpass_fails", plan->scenario->xpass_fails, "repeat", (int)plan->repeat,
			       "time_scale", hil_clock_scale(), "hsm_draws_planned", (int)hsm_planned,
			       "boards", boards));
	free(scenario_abs);
	free(rack_abs);
	return 0;
}

int hil_run(const struct hil_plan *plan, const struct hil_run_opts *opts,
	    int *exit_code_out, json_t **results_out)
{
	struct hil_run_state run = { .plan = plan, .opts = opts, .lock = PTHREAD_MUTEX_INITIALIZER };
	char *journal_path = hil_xasprintf("%s/journal.jsonl", opts->out_dir);
	char finished[32];
	json_t *results = NULL;
	unsigned hsm_planned = 0;
	int error;

	*exit_code_out = HIL_EXIT_INFRA;
	run.ctx.rack = plan->rack;
	run.ctx.seed = opts->seed ? opts->seed : plan->scenario->seed;
	/* Everything that can refuse the campaign comes before any board is touched. */
	if ((!opts->done && (error = out_dir_is_fresh(opts)) < 0) || (error = open_drivers(&run)) < 0 ||
	    (error = hil_hsm_guard(&run, &hsm_planned)) < 0 ||
	    (error = start_journal(&run, hsm_planned)) < 0)
		goto out;
	run_boards(&run);
	hil_clock_utc_iso(finished);
	hil_runner_journal(&run, json_pack("{s:s, s:s, s:b}", "type", "end", "finished", finished,
				"interrupted", (int)hil_stop_requested));
	hil_journal_close(run.journal);
	run.journal = NULL;
	if ((error = hil_results_load(&results, journal_path)) < 0 ||
	    (error = hil_reports_write_all(results, opts->out_dir)) < 0)
		goto out;
	*exit_code_out = (int)json_integer_value(json_object_get(results, "exit_code"));
out:
	close_drivers(&run);
	hil_journal_close(run.journal);
	free(journal_path);
	if (results_out && !error)
		*results_out = results;
	else
		json_decref(results);
	return error;
}
