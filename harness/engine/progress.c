/* What a person watching a campaign sees (docs/engine.md, "Progress").
 *
 *  - On a terminal: one live line per board — the install and step it is
 *    on, its last verdict, time on the board — and under them one overall
 *    line (installs done of planned, failed, errors, time left), redrawn
 *    in place. What deserves attention stays above the live lines: each
 *    board's identity, every fail, error and xpass, a busy, skipped or
 *    quarantined board. Those lines wrap at the terminal's width rather
 *    than being cut, so the bootloader version stays on screen.
 *  - Otherwise (a CI log), the quiet default: the same lasting lines with
 *    a time stamp, as they happen, and an overall line at each tenth of
 *    the plan or after a minute without one.
 *  - --verbose: also a line per install (on a terminal too: plain lines).
 *  - --quiet: nothing but the summary at the end.
 * Every write happens under the run's lock: workers share the terminal. */
#include "harness/engine/run_state.h"
#include "harness/engine/progress.h"
#include "harness/engine/case.h"
#include "harness/util/clock.h"
#include "harness/util/term.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define STATUS_LEN 160
#define OVERALL_EVERY_MS 60000.0

static void stamp(char buf[16])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
}

/* The installs this run plans (as runner.c records them) and those a
 * resumed journal already has. */
static void count_planned(struct hil_run_state *run)
{
	const struct hil_plan *plan = run->plan;

	for (size_t b = 0; b < plan->board_count; b++)
		for (size_t k = 0; k < plan->cell_count; k++) {
			if (!hil_case_wanted(run, b, k))
				continue;
			run->planned += plan->repeat;
			for (unsigned it = 1; run->opts->done && it <= plan->repeat; it++) {
				char *name = hil_case_name(plan, &plan->cells[k], it);
				run->resumed += hil_case_done(run, plan->boards[b].board->name, name);
				free(name);
			}
		}
	run->done = run->resumed;
}

void hil_progress_init(struct hil_run_state *run)
{
	FILE *f = run->opts->progress;

	run->progress_mode = !f ? HIL_PROGRESS_QUIET
		: !run->opts->verbose && isatty(fileno(f)) ? HIL_PROGRESS_LIVE : HIL_PROGRESS_PLAIN;
	run->started_ms = run->overall_ms = hil_clock_real_ms();
	count_planned(run);
	if (run->progress_mode != HIL_PROGRESS_LIVE)
		return;
	struct winsize ws;
	run->columns = ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 100;
	run->status = hil_xcalloc(run->plan->board_count ? run->plan->board_count : 1, STATUS_LEN);
	for (size_t i = 0; i < run->plan->board_count; i++)
		snprintf(run->status + i * STATUS_LEN, STATUS_LEN, "%-16s waiting",
			 run->plan->boards[i].board->name);
}

/* "40 of 120 installs done, 1 failed, 0 errors, about 25 s left": the
 * time left is this run's pace so far (real time) over what is left;
 * until: {failures} may end cells sooner. Call with run->lock held. */
static void overall_text(const struct hil_run_state *run, char *buf, size_t size)
{
	unsigned long long ran = run->done - run->resumed;
	double elapsed = (hil_clock_real_ms() - run->started_ms) / 1e3;
	int n = snprintf(buf, size, "%llu of %llu installs done, %llu failed, %llu error%s",
			 run->done, run->planned, run->failed, run->errors,
			 run->errors == 1 ? "" : "s");

	if (n < 0 || (size_t)n >= size)
		return;
	if (run->done >= run->planned)
		snprintf(buf + n, size - (size_t)n, ", %.0f s", elapsed);
	else if (ran)
		snprintf(buf + n, size - (size_t)n, ", about %.0f s left",
			 elapsed / (double)ran * (double)(run->planned - run->done));
	else
		snprintf(buf + n, size - (size_t)n, ", time left not known yet");
}

static size_t live_lines(const struct hil_run_state *run)
{
	return run->plan->board_count + 1; /* the boards, then the overall line */
}

/* Live mode: the board lines and the overall line, redrawn over the
 * previous ones. Call with run->lock held. */
static void redraw(struct hil_run_state *run)
{
	FILE *f = run->opts->progress;
	char overall[STATUS_LEN];

	if (run->status_drawn)
		fprintf(f, "\033[%zuA", live_lines(run));
	/* a live line that wraps would break the cursor arithmetic: cut to the width */
	for (size_t i = 0; i < run->plan->board_count; i++)
		fprintf(f, "\r\033[K%.*s\n", (int)run->columns - 1, run->status + i * STATUS_LEN);
	overall_text(run, overall, sizeof(overall));
	fprintf(f, "\r\033[Koverall: %.*s\n", (int)run->columns - 10, overall);
	run->status_drawn = true;
	fflush(f);
}

/* A lasting line, already made safe: above the live lines, or a stamped
 * plain line. Call with run->lock held. */
static void lasting_locked(struct hil_run_state *run, const char *text)
{
	FILE *f = run->opts->progress;
	char when[16];

	stamp(when);
	if (run->progress_mode == HIL_PROGRESS_LIVE) {
		/* up over the live lines and clear to the end of the screen: the
		 * lasting line may wrap over several rows, then the live lines
		 * are drawn afresh under it */
		if (run->status_drawn)
			fprintf(f, "\033[%zuA\r\033[J", live_lines(run));
		fprintf(f, "[%s] %s\n", when, text);
		run->status_drawn = false;
		redraw(run);
	} else {
		fprintf(f, "[%s] %s\n", when, text);
	}
	fflush(f);
}

static void lasting(struct hil_run_state *run, const char *raw)
{
	char text[1024];

	if (run->progress_mode == HIL_PROGRESS_QUIET)
		return;
	/* names and tool messages come from input files and tools: no control
	 * of theirs reaches the terminal (term.h) */
	hil_term_safe(text, sizeof(text), raw, false);
	pthread_mutex_lock(&run->lock);
	lasting_locked(run, text);
	pthread_mutex_unlock(&run->lock);
}

void hil_progress_board(struct hil_board_run *br, const char *fmt, ...)
{
	char text[1024];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s: ", br->rb->name);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	va_end(ap);
	lasting(br->run, text);
}

/* A hex field the pre-flight may not have read: "not read" rather than a
 * zero that reads like a measurement. */
static const char *hex_or_not_read(char *buf, size_t size, bool has, const char *fmt, unsigned v)
{
	if (!has)
		return "not read";
	snprintf(buf, size, fmt, v);
	return buf;
}

void hil_progress_identity(struct hil_board_run *br, const struct hil_step_result *pre)
{
	const struct hil_identity *id = &br->id;
	char dev[16], bl[16], uid[32];
	bool failed = pre->cls != HIL_CLASS_SUCCESS;

	if (id->has_chip_uid)
		snprintf(uid, sizeof(uid), "%08X%08X%08X", id->chip_uid[0], id->chip_uid[1],
			 id->chip_uid[2]);
	/* the bootloader version first: expectations are matched against it,
	 * and a narrow terminal must not lose it */
	hil_progress_board(br, "BL %s, device %s, revision %s, RSS %s, UID %s, %s, probe %s%s%s",
			   hex_or_not_read(bl, sizeof(bl), id->has_bl_version, "0x%02X", id->bl_version),
			   hex_or_not_read(dev, sizeof(dev), id->has_device_id, "0x%03X", id->device_id),
			   id->revision[0] ? id->revision : failed ? "not read" : "?",
			   id->rss_version[0] ? id->rss_version : failed ? "not read" : "n/a",
			   id->has_chip_uid ? uid : "not read", br->rb->kind, br->rb->probe_serial,
			   failed ? " — pre-flight failed: " : "", failed ? pre->message : "");
}

static void set_status(struct hil_board_run *br, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_status(struct hil_board_run *br, const char *fmt, ...)
{
	struct hil_run_state *run = br->run;
	char *line = run->status + br->index * STATUS_LEN;
	va_list ap;

	if (run->progress_mode != HIL_PROGRESS_LIVE)
		return;
	char raw[STATUS_LEN];
	pthread_mutex_lock(&run->lock);
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	hil_term_safe(line, STATUS_LEN, raw, false);
	redraw(run);
	pthread_mutex_unlock(&run->lock);
}

void hil_progress_step(struct hil_board_run *br, const char *case_name, const char *step)
{
	set_status(br, "%-16s %-44.44s %-14s last: %-6s %6.0f s", br->rb->name, case_name, step,
		   br->last_verdict, hil_clock_real_ms() / 1e3 - br->started_s);
}

/* Off a terminal: the overall line at each further tenth of the plan, or
 * when a minute has gone by without one. Call with run->lock held. */
static void maybe_overall(struct hil_run_state *run)
{
	unsigned tenth = run->planned ? (unsigned)(run->done * 10 / run->planned) : 10;
	double now = hil_clock_real_ms();
	char text[STATUS_LEN + 16];

	if (run->progress_mode != HIL_PROGRESS_PLAIN ||
	    (tenth <= run->overall_tenth && now - run->overall_ms < OVERALL_EVERY_MS))
		return;
	run->overall_tenth = tenth;
	run->overall_ms = now;
	memcpy(text, "overall: ", 10);
	overall_text(run, text + 9, sizeof(text) - 9);
	lasting_locked(run, text);
}

void hil_progress_case(struct hil_board_run *br, const char *name, const char *verdict,
		       const char *cls, const char *rss, const char *message, bool notable)
{
	struct hil_run_state *run = br->run;
	char raw[1024], text[1024];

	snprintf(br->last_verdict, sizeof(br->last_verdict), "%s", verdict);
	if (run->progress_mode == HIL_PROGRESS_QUIET)
		return;
	pthread_mutex_lock(&run->lock);
	run->done++;
	run->failed += !strcmp(verdict, "fail") || !strcmp(verdict, "xpass");
	run->errors += !strcmp(verdict, "error");
	if (run->opts->verbose || notable) {
		snprintf(raw, sizeof(raw), "%s %s: %s %s%s%s%s%s", br->rb->name, name, verdict, cls,
			 rss[0] ? " " : "", rss, notable && message[0] ? " — " : "",
			 notable ? message : "");
		lasting_locked(run, hil_term_safe(text, sizeof(text), raw, false));
	}
	maybe_overall(run);
	pthread_mutex_unlock(&run->lock);
	hil_progress_step(br, name, "done");
}

void hil_progress_board_done(struct hil_board_run *br, const char *summary)
{
	set_status(br, "%-16s %s (%0.f s)", br->rb->name, summary,
		   hil_clock_real_ms() / 1e3 - br->started_s);
	if (br->run->progress_mode == HIL_PROGRESS_PLAIN)
		hil_progress_board(br, "%s", summary);
}

void hil_progress_finish(struct hil_run_state *run)
{
	free(run->status);
	run->status = NULL;
}
