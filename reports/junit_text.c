/* The texts a JUnit testcase carries; see junit_internal.h. A CI page shows
 * an outcome element's text and little else: GitLab keeps nothing but the
 * text of <failure>/<error>/<skipped> (an element with attributes only
 * reaches its page as a Hash, ext/gitlab/junit.rb), and Jenkins' junit
 * plugin shows the text as the "Stacktrace" under the message attribute
 * (CaseResult.getError). So the text says, in order of use: what happened
 * and whose problem it is, the board, the programmer's own last "Error:"
 * line, the catalogue's explanation and next step, and the end of the
 * transcript. Logs are read from the results folder, never followed
 * through a symlink, at most 64 KiB from their end. */
#define _GNU_SOURCE /* memmem */
#include "reports/case_explain.h"
#include "reports/junit_internal.h"
#include "harness/transcript/outcome.h"
#include "harness/util/xalloc.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_READ_MAX (64 * 1024)
#define TAIL_LINES 20
#define TAIL_BYTES 2048

static bool failed(const struct hil_results_step *st)
{
	return strcmp(st->cls, "success") != 0;
}

/* The engine stops an attempt at its first step that did not succeed
 * (harness/engine/case.c, run_steps) and retries only after an
 * infrastructure error, so every retried attempt ends at a failed step. */
bool hil_junit_spans(const struct hil_results_case *c, struct hil_junit_span *spans)
{
	size_t k = 0, first = 0;

	bool ok = true;

	for (size_t i = 0; i < c->step_count && k < c->attempt_count; i++)
		if (failed(&c->steps[i])) {
			/* the attempt record names the class its failed step had */
			ok = ok && !strcmp(c->steps[i].cls, c->attempts[k].cls);
			spans[k++] = (struct hil_junit_span){ first, i + 1, i };
			first = i + 1;
		}
	struct hil_junit_span *last = &spans[c->attempt_count];
	*last = (struct hil_junit_span){ first, c->step_count, SIZE_MAX };
	ok = ok && k == c->attempt_count;
	for (size_t i = first; i < c->step_count && ok; i++)
		if (failed(&c->steps[i])) {
			/* only the last step of an attempt fails, with the case's class */
			ok = i + 1 == c->step_count && !strcmp(c->steps[i].cls, c->cls);
			last->failed = i;
		}
	if (ok)
		return true;
	for (size_t j = 0; j < c->attempt_count; j++)
		spans[j] = (struct hil_junit_span){ 0, 0, SIZE_MAX };
	*last = (struct hil_junit_span){ 0, c->step_count, SIZE_MAX };
	for (size_t i = c->step_count; i-- > 0 && last->failed == SIZE_MAX;)
		if (failed(&c->steps[i]))
			last->failed = i;
	return false;
}

static char *full_path(const struct hil_junit_ctx *ctx, const char *log)
{
	return log[0] == '/' ? hil_xstrdup(log) : hil_xasprintf("%s/%s", ctx->dir, log);
}

char *hil_junit_path(const struct hil_junit_ctx *ctx, const char *log)
{
	char *full = log[0] == '/' ? hil_xstrdup(log) : hil_xasprintf("%s/%s", ctx->shown, log);
	size_t n = strlen(ctx->base);

	if (n == 1) /* the base is "/" */
		n = 0;
	if (!strncmp(full, ctx->base, n) && full[n] == '/' && full[n + 1]) {
		char *rel = hil_xstrdup(full + n + 1);
		free(full);
		return rel;
	}
	return full;
}

void hil_junit_attachment(struct hil_strbuf *b, const struct hil_junit_ctx *ctx, const char *log)
{
	char *p = hil_junit_path(ctx, log);

	/* GitLab's ATTACHMENT_TAG_REGEX stops at [ ] and |; a line break would
	 * end the tag for Jenkins' junit-attachments */
	if (strpbrk(p, "[]|\r\n"))
		hil_strbuf_printf(b, "log: %s\n", p);
	else
		hil_strbuf_printf(b, "[[ATTACHMENT|%s]]\n", p);
	free(p);
}

/* The last LOG_READ_MAX bytes of a step's log, NUL-terminated; NULL when
 * it is not a regular file in reach (a relative path that climbs out of
 * the results folder, a symlink, a folder, absent). */
static char *read_log_end(const struct hil_junit_ctx *ctx, const char *log, size_t *len)
{
	if (!log[0] || (log[0] != '/' && (!strncmp(log, "../", 3) || strstr(log, "/../"))))
		return NULL;
	char *path = full_path(ctx, log), *buf = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	free(path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t from = st.st_size > LOG_READ_MAX ? st.st_size - LOG_READ_MAX : 0;
		buf = hil_xmalloc(LOG_READ_MAX + 1);
		ssize_t n = pread(fd, buf, LOG_READ_MAX, from);
		*len = n > 0 ? (size_t)n : 0;
		buf[*len] = '\0';
	}
	close(fd);
	return buf;
}

/* The programmer's last "Error:" line (STM32_Programmer_CLI prints its
 * errors so: fixtures/transcripts/, the seed thread's logs). */
static void last_error_line(struct hil_strbuf *b, const char *text, size_t len)
{
	const char *found = NULL, *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *hit = memmem(p, (size_t)(e - p), "Error:", 6);
		if (hit)
			found = hit;
		p = e + 1;
	}
	if (!found)
		return;
	const char *e = memchr(found, '\n', (size_t)(end - found));
	size_t n = (size_t)((e ? e : end) - found);
	while (n && (found[n - 1] == '\r' || found[n - 1] == ' '))
		n--;
	hil_strbuf_printf(b, "tool: %.*s\n", (int)(n > 300 ? 300 : n), found);
}

static void transcript_tail(struct hil_strbuf *b, const char *name, const char *text, size_t len)
{
	size_t from = len, lines = 0;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	from = len;
	while (from > 0 && len - from < TAIL_BYTES) {
		if (text[from - 1] == '\n' && ++lines == TAIL_LINES)
			break;
		from--;
	}
	if (len == from)
		return;
	const char *base = strrchr(name, '/');
	hil_strbuf_printf(b, "--- end of %s ---\n%.*s\n", base ? base + 1 : name, (int)(len - from),
			  text + from);
}

static void board_line(struct hil_strbuf *b, const struct hil_results_board *board)
{
	const char *const *f = (const char *const *)board->field;

	hil_strbuf_printf(b, "board: %s (%s), probe %s, BL %s, RSS %s, chip UID %s\n", board->name,
			  hil_results_text(f[HIL_RB_KIND]), hil_results_text(f[HIL_RB_PROBE_SERIAL]),
			  hil_results_text(f[HIL_RB_BL_VERSION]),
			  f[HIL_RB_RSS_VERSION] ? f[HIL_RB_RSS_VERSION] : "not reported",
			  f[HIL_RB_CHIP_UID] ? f[HIL_RB_CHIP_UID] : "not read");
}

void hil_junit_outcome_text(struct hil_strbuf *b, const struct hil_junit_ctx *ctx,
			    const struct hil_results_board *board, const struct hil_results_case *c,
			    const struct hil_junit_span *span, bool final, const char *cls,
			    const char *message)
{
	bool infra = hil_class_is_infra(hil_class_from_name(cls));
	bool brief = ctx->trim >= HIL_JUNIT_TRIM_BRIEF;

	if (final && !strcmp(c->verdict, "skip")) { /* never ran: the reason and the board */
		hil_strbuf_printf(b, "not run: %s\n", message[0] ? message : "skipped");
		board_line(b, board);
		return;
	}
	hil_strbuf_printf(b, "class: %s (%s)\n", cls,
			  infra ? "infrastructure: the lab or the harness, not the device"
				: !strcmp(cls, "success") ? "the install succeeded" : "device outcome");
	if (message[0])
		hil_strbuf_printf(b, "message: %s\n", message);
	if (final) {
		hil_strbuf_puts(b, "rss: ");
		hil_junit_join_rss(b, c->rss, c->rss_count);
		hil_strbuf_printf(b, "%s\nexpected: %s%s%s\n", c->rss_count ? "" : "none reported",
				  c->expected_result, c->expected_class ? " " : "",
				  hil_results_text(c->expected_class));
	}
	if (!brief) {
		board_line(b, board);
		if (c->has_image)
			hil_strbuf_printf(b, "image: %s sha256 %s\n", c->image_path, c->image_sha256);
	}
	const struct hil_results_step *st =
		span && span->failed != SIZE_MAX ? &c->steps[span->failed] : NULL;
	size_t len = 0;
	char *log = st ? read_log_end(ctx, st->log, &len) : NULL;
	if (log)
		last_error_line(b, log, len);
	const struct hil_catalogue_entry *e = final ? hil_case_explanation(c) : hil_catalogue_class(cls);
	if (e)
		hil_strbuf_printf(b, "explain (%s, %s): %s\n", e->who, e->confidence, e->meaning);
	if (e && !brief)
		hil_strbuf_printf(b, "next: %s\nsource: %s\n", e->next, e->source);
	if (st && st->log[0]) {
		char *p = hil_junit_path(ctx, st->log);
		hil_strbuf_printf(b, "log: %s\n", p);
		free(p);
	}
	if (log && ctx->trim == HIL_JUNIT_TRIM_NONE)
		transcript_tail(b, st->log, log, len);
	free(log);
}

void hil_junit_steps_text(struct hil_strbuf *b, const struct hil_junit_ctx *ctx,
			  const struct hil_results_case *c, const struct hil_junit_span *span)
{
	bool brief = ctx->trim >= HIL_JUNIT_TRIM_BRIEF;

	/* GitLab keeps the first attachment of a case: the failing step's log */
	if (span->failed != SIZE_MAX && c->steps[span->failed].log[0])
		hil_junit_attachment(b, ctx, c->steps[span->failed].log);
	for (size_t i = span->first; i < span->end; i++) {
		const struct hil_results_step *st = &c->steps[i];
		hil_strbuf_printf(b, "step %s: %s (%.3f s)%s%s\n", st->kind, st->cls, st->duration_s,
				  st->message[0] ? " — " : "", st->message);
		if (st->log[0] && i != span->failed && !brief)
			hil_junit_attachment(b, ctx, st->log);
	}
}

const char *hil_junit_xfail_reason(const struct hil_results_case *c)
{
	static const char mark[] = "expected failure: ";
	const char *found = NULL;

	for (const char *p = c->message; (p = strstr(p, mark)); p += sizeof(mark) - 1)
		found = p + sizeof(mark) - 1;
	return found && found[0] ? found : c->cls;
}

void hil_junit_join_rss(struct hil_strbuf *b, const char *const *rss, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hil_strbuf_printf(b, "%s%s", i ? "," : "", hil_results_text(rss[i]));
}
