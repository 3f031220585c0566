/* What a person watching a campaign sees.
 *
 *  - On a terminal: one live line per board — the install and step it is
 *    on, iteration k/N, its last verdict, time on the board — redrawn in
 *    place; anything that deserves attention (a fail, an error, an xpass,
 *    a busy or quarantined board) is printed above the live lines and stays.
 *  - Otherwise (CI logs, --verbose): plain lines with a time stamp, one per
 *    board event and per install.
 *  - --quiet: nothing but the summary at the end.
 * Every write happens under the run's lock: workers share the terminal. */
#include "harness/engine/run_state.h"
#include "harness/engine/progress.h"
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

static void stamp(char buf[16])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
}

void hil_progress_init(struct hil_run_state *run)
{
	FILE *f = run->opts->progress;

	run->progress_mode = !f ? HIL_PROGRESS_QUIET
		: !run->opts->verbose && isatty(fileno(f)) ? HIL_PROGRESS_LIVE : HIL_PROGRESS_PLAIN;
	if (run->progress_mode != HIL_PROGRESS_LIVE)
		return;
	struct winsize ws;
	run->columns = ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 100;
	run->status = hil_xcalloc(run->plan->board_count ? run->plan->board_count : 1, STATUS_LEN);
	for (size_t i = 0; i < run->plan->board_count; i++)
		snprintf(run->status + i * STATUS_LEN, STATUS_LEN, "%-16s waiting",
			 run->plan->boards[i].board->name);
}

/* Live mode: the board lines, redrawn over the previous ones. */
static void redraw(struct hil_run_state *run)
{
	FILE *f = run->opts->progress;

	if (run->status_drawn)
		fprintf(f, "\033[%zuA", run->plan->board_count);
	/* a line that wraps would break the cursor arithmetic: cut to the width */
	for (size_t i = 0; i < run->plan->board_count; i++)
		fprintf(f, "\r\033[K%.*s\n", (int)run->columns - 1, run->status + i * STATUS_LEN);
	run->status_drawn = true;
	fflush(f);
}

/* A lasting line: above the live lines, or a stamped plain line. */
static void lasting(struct hil_run_state *run, const char *raw)
{
	FILE *f = run->opts->progress;
	char when[16], text[1024];

	if (run->progress_mode == HIL_PROGRESS_QUIET)
		return;
	/* names and tool messages come from input files and tools: no control
	 * of theirs reaches the terminal (term.h) */
	hil_term_safe(text, sizeof(text), raw, false);
	stamp(when);
	pthread_mutex_lock(&run->lock);
	if (run->progress_mode == HIL_PROGRESS_LIVE && run->status_drawn)
		fprintf(f, "\033[%zuA\r\033[K", run->plan->board_count);
	if (run->progress_mode == HIL_PROGRESS_LIVE)
		fprintf(f, "[%s] %.*s\n", when, (int)run->columns - 12, text);
	else
		fprintf(f, "[%s] %s\n", when, text);
	if (run->progress_mode == HIL_PROGRESS_LIVE) {
		run->status_drawn = false;
		redraw(run);
	}
	fflush(f);
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

void hil_progress_case(struct hil_board_run *br, const char *name, const char *verdict,
		       const char *cls, const char *rss, const char *message, bool notable)
{
	char text[1024];

	snprintf(br->last_verdict, sizeof(br->last_verdict), "%s", verdict);
	if (br->run->progress_mode == HIL_PROGRESS_PLAIN || notable) {
		snprintf(text, sizeof(text), "%s %s: %s %s%s%s%s%s", br->rb->name, name, verdict, cls,
			 rss[0] ? " " : "", rss, notable && message[0] ? " — " : "",
			 notable ? message : "");
		lasting(br->run, text);
	}
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
