/* A board's installs in compact form, and the cursor that hands them out
 * one at a time (results.h, hil_results_cases_*).
 *
 * Each install is encoded once, when its case record is read, as one
 * blob: lengths and numbers in native byte order, strings NUL-terminated
 * so the decoder hands out pointers into its buffer without copying. A
 * board's blobs collect in memory; past CHUNK bytes they go to the
 * model's spill file as one chunk, so a board with 30 000 installs costs
 * its chunk offsets, not its installs. Reading a board back reads its
 * chunks in order, then what is still in memory. Steps arrive before their
 * install's case record (and, after a crash and a resume, an install's
 * earlier attempts before its later ones): they wait, encoded, in a list
 * until a case record of their install's name takes them. */
#include "reports/results_internal.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define NO_TEXT UINT32_MAX

struct waiting_step {
	char *case_name;
	char *blob;
	size_t len;
};

struct hil_results_store {
	struct hil_strbuf tail;   /* encoded installs not spilled */
	long *chunk_at;           /* spilled chunks: offset and length in the spill file */
	size_t *chunk_len;
	size_t chunk_count, chunk_cap, max_chunk;
	struct waiting_step *waiting;
	size_t waiting_count, waiting_cap;
};

struct hil_results_cursor {
	const struct hil_results_store *store;
	FILE *spill;
	size_t chunk;             /* next chunk to read; chunk_count: the tail */
	char *buf;                /* the chunk being decoded */
	const char *at, *end;
	bool tail_done;
	struct hil_results_case c;
	const char **rss;
	struct hil_results_attempt *attempts;
	struct hil_results_step *steps;
	size_t rss_cap, attempt_cap, step_cap;
};

static void put_u32(struct hil_strbuf *b, uint32_t v)
{
	hil_strbuf_put(b, (const char *)&v, sizeof(v));
}

static void put_f64(struct hil_strbuf *b, double v)
{
	hil_strbuf_put(b, (const char *)&v, sizeof(v));
}

static void put_i64(struct hil_strbuf *b, long long v)
{
	int64_t x = v;

	hil_strbuf_put(b, (const char *)&x, sizeof(x));
}

static void put_str(struct hil_strbuf *b, const char *s)
{
	if (!s) {
		put_u32(b, NO_TEXT);
		return;
	}
	size_t len = strlen(s);
	put_u32(b, (uint32_t)len);
	hil_strbuf_put(b, s, len + 1);
}

/* The decoder trusts its input: only this file wrote it. */
static uint32_t get_u32(const char **p)
{
	uint32_t v;

	memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

static double get_f64(const char **p)
{
	double v;

	memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

static long long get_i64(const char **p)
{
	int64_t v;

	memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return (long long)v;
}

static const char *get_str(const char **p)
{
	uint32_t len = get_u32(p);
	const char *s = *p;

	if (len == NO_TEXT)
		return NULL;
	*p += len + 1;
	return s;
}

struct hil_results_store *hil_results_store_new(void)
{
	return hil_xcalloc(1, sizeof(struct hil_results_store));
}

void hil_results_store_free(struct hil_results_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->waiting_count; i++) {
		free(s->waiting[i].case_name);
		free(s->waiting[i].blob);
	}
	free(s->waiting);
	free(s->chunk_at);
	free(s->chunk_len);
	hil_strbuf_free(&s->tail);
	free(s);
}

void hil_results_store_add_step(struct hil_results_store *s, const char *case_name,
				const struct hil_results_step *st)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	put_str(&b, st->kind);
	put_str(&b, st->cls);
	put_str(&b, st->message);
	put_str(&b, st->log);
	put_f64(&b, st->duration_s);
	put_f64(&b, st->t0);
	put_f64(&b, st->t1);
	if (s->waiting_count == s->waiting_cap) {
		s->waiting_cap = s->waiting_cap ? 2 * s->waiting_cap : 8;
		s->waiting = hil_xrealloc(s->waiting, s->waiting_cap * sizeof(*s->waiting));
	}
	s->waiting[s->waiting_count++] = (struct waiting_step){ hil_xstrdup(case_name), b.buf, b.len };
}

void hil_results_store_drop_waiting(struct hil_results_store *s)
{
	for (size_t i = 0; s && i < s->waiting_count; i++) {
		free(s->waiting[i].case_name);
		free(s->waiting[i].blob);
	}
	if (s)
		s->waiting_count = 0;
}

static int spill(struct hil_results_store *s, struct hil_results_spill *sp)
{
	if (!sp->f && !(sp->f = tmpfile()))
		return hil_error_set(HIL_EIO, "results: no temporary file for the installs: %s",
				     strerror(errno));
	if (fseek(sp->f, sp->size, SEEK_SET) != 0 || fwrite(s->tail.buf, 1, s->tail.len, sp->f) != s->tail.len)
		return hil_error_set(HIL_EIO, "results: cannot write the temporary file: %s",
				     strerror(errno));
	if (s->chunk_count == s->chunk_cap) {
		s->chunk_cap = s->chunk_cap ? 2 * s->chunk_cap : 16;
		s->chunk_at = hil_xrealloc(s->chunk_at, s->chunk_cap * sizeof(*s->chunk_at));
		s->chunk_len = hil_xrealloc(s->chunk_len, s->chunk_cap * sizeof(*s->chunk_len));
	}
	s->chunk_at[s->chunk_count] = sp->size;
	s->chunk_len[s->chunk_count++] = s->tail.len;
	if (s->tail.len > s->max_chunk)
		s->max_chunk = s->tail.len;
	sp->size += (long)s->tail.len;
	s->tail.len = 0;
	return 0;
}

int hil_results_store_add_case(struct hil_results_store *s, struct hil_results_spill *sp,
			       const struct hil_results_case *c)
{
	struct hil_strbuf *b = &s->tail;
	size_t start = b->len, steps = 0, kept = 0;

	put_u32(b, 0); /* the blob's length, below */
	put_str(b, c->board);
	put_str(b, c->name);
	put_str(b, c->cell);
	put_str(b, c->verdict);
	put_str(b, c->cls);
	put_str(b, c->message);
	put_str(b, c->expected_result);
	put_str(b, c->expected_class);
	put_u32(b, c->has_image);
	put_str(b, c->image_path);
	put_str(b, c->image_sha256);
	put_i64(b, c->image_protocol);
	put_i64(b, c->image_areas);
	put_f64(b, c->duration_s);
	put_u32(b, (uint32_t)c->rss_count);
	for (size_t i = 0; i < c->rss_count; i++)
		put_str(b, c->rss[i]);
	put_u32(b, (uint32_t)c->attempt_count);
	for (size_t i = 0; i < c->attempt_count; i++) {
		put_str(b, c->attempts[i].cls);
		put_str(b, c->attempts[i].message);
	}
	for (size_t i = 0; i < s->waiting_count; i++)
		steps += !strcmp(s->waiting[i].case_name, c->name);
	put_u32(b, (uint32_t)steps);
	for (size_t i = 0; i < s->waiting_count; i++) {
		struct waiting_step *w = &s->waiting[i];
		if (strcmp(w->case_name, c->name) != 0) {
			s->waiting[kept++] = *w;
			continue;
		}
		hil_strbuf_put(b, w->blob, w->len);
		free(w->case_name);
		free(w->blob);
	}
	s->waiting_count = kept;
	uint32_t len = (uint32_t)(b->len - start);
	memcpy(b->buf + start, &len, sizeof(len));
	return b->len >= CHUNK ? spill(s, sp) : 0;
}

int hil_results_cases_open(struct hil_results_cursor **out, const struct hil_results *r, size_t board)
{
	struct hil_results_cursor *cur = hil_xcalloc(1, sizeof(*cur));

	cur->store = board < r->board_count ? r->boards[board].store : NULL;
	cur->spill = r->spill ? r->spill->f : NULL;
	*out = cur;
	return 0;
}

/* The next chunk into cur->buf, then the tail; false at the end. */
static int next_chunk(struct hil_results_cursor *cur)
{
	const struct hil_results_store *s = cur->store;

	if (!s)
		return 0;
	if (cur->chunk < s->chunk_count) {
		size_t len = s->chunk_len[cur->chunk];
		if (!cur->buf)
			cur->buf = hil_xmalloc(s->max_chunk);
		if (!cur->spill || fseek(cur->spill, s->chunk_at[cur->chunk], SEEK_SET) != 0 ||
		    fread(cur->buf, 1, len, cur->spill) != len)
			return hil_error_set(HIL_EIO, "results: cannot read the temporary file back");
		cur->chunk++;
		cur->at = cur->buf;
		cur->end = cur->buf + len;
		return 1;
	}
	if (cur->tail_done || !s->tail.len)
		return 0;
	cur->tail_done = true;
	cur->at = s->tail.buf;
	cur->end = s->tail.buf + s->tail.len;
	return 1;
}

static void *room(void *p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return p;
	*cap = n;
	return hil_xrealloc(p, n * size);
}

int hil_results_cases_next(struct hil_results_cursor *cur, const struct hil_results_case **out)
{
	struct hil_results_case *c = &cur->c;
	int rc;

	if (cur->at == cur->end && (rc = next_chunk(cur)) <= 0)
		return rc;
	const char *p = cur->at;
	size_t n;
	cur->at += get_u32(&p);
	c->board = get_str(&p);
	c->name = get_str(&p);
	c->cell = get_str(&p);
	c->verdict = get_str(&p);
	c->cls = get_str(&p);
	c->message = get_str(&p);
	c->expected_result = get_str(&p);
	c->expected_class = get_str(&p);
	c->has_image = get_u32(&p) != 0;
	c->image_path = get_str(&p);
	c->image_sha256 = get_str(&p);
	c->image_protocol = get_i64(&p);
	c->image_areas = get_i64(&p);
	c->duration_s = get_f64(&p);
	n = get_u32(&p);
	cur->rss = room(cur->rss, &cur->rss_cap, n, sizeof(*cur->rss));
	for (size_t i = 0; i < n; i++)
		cur->rss[i] = get_str(&p);
	c->rss = cur->rss;
	c->rss_count = n;
	n = get_u32(&p);
	cur->attempts = room(cur->attempts, &cur->attempt_cap, n, sizeof(*cur->attempts));
	for (size_t i = 0; i < n; i++) {
		cur->attempts[i].cls = get_str(&p);
		cur->attempts[i].message = get_str(&p);
	}
	c->attempts = n ? cur->attempts : NULL;
	c->attempt_count = n;
	n = get_u32(&p);
	cur->steps = room(cur->steps, &cur->step_cap, n, sizeof(*cur->steps));
	for (size_t i = 0; i < n; i++) {
		struct hil_results_step *st = &cur->steps[i];
		st->kind = get_str(&p);
		st->cls = get_str(&p);
		st->message = get_str(&p);
		st->log = get_str(&p);
		st->duration_s = get_f64(&p);
		st->t0 = get_f64(&p);
		st->t1 = get_f64(&p);
	}
	c->steps = cur->steps;
	c->step_count = n;
	*out = c;
	return 1;
}

void hil_results_cases_close(struct hil_results_cursor *cur)
{
	if (!cur)
		return;
	free(cur->buf);
	free(cur->rss);
	free(cur->attempts);
	free(cur->steps);
	free(cur);
}
