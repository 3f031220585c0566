/* Queries of the history; see history.h. Every filter is a bound
 * parameter (no text is ever pasted into SQL), each on an indexed column
 * except the RSS value (a list in one column) and names matched by
 * suffix. */
#include "harness/history/history.h"
#include "harness/history/history_internal.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct where {
	struct hil_strbuf sql;
	const char *params[32];
	int count;
};

/* " AND @clause", its ? each bound to @value. */
static void add(struct where *w, const char *clause, const char *value)
{
	int n = 0;

	for (const char *p = clause; *p; p++)
		n += *p == '?';
	if (!value || w->count + n > (int)(sizeof(w->params) / sizeof(*w->params)))
		return;
	hil_strbuf_printf(&w->sql, " AND %s", clause);
	while (n--)
		w->params[w->count++] = value;
}

/* "2026-12-01" until: the whole day. */
static char *until_end(const char *until)
{
	return until && strlen(until) == 10 ? hil_xasprintf("%sT99", until) : NULL;
}

static void filters(struct where *w, const struct hil_history_filter *f, char *until_day)
{
	add(w, "b.rack = ?", f->rack);
	/* the file, or its name at the end of a path: compared as text, no
	 * LIKE (whose % and _ would be wildcards, and ASCII case-blind) */
	add(w, "(c.scenario = ? OR substr(c.scenario, -(length(?) + 1)) = '/' || ?)", f->scenario);
	add(w, "c.campaign = ?", f->campaign);
	add(w, "c.started >= ?", f->since);
	add(w, "c.started <= ?", until_day ? until_day : f->until);
	add(w, "b.chip_uid = ?", f->chip_uid);
	add(w, "b.probe_serial = ?", f->probe);
	add(w, "b.bl_version = ?", f->bl_version);
	add(w, "b.rss_version = ?", f->rss_version);
}

static void install_filters(struct where *w, const struct hil_history_filter *f)
{
	add(w, "i.board = ?", f->board);
	add(w, "i.class = ?", f->cls);
	add(w, "i.verdict = ?", f->verdict);
	add(w, "instr(',' || i.rss || ',', ',' || ? || ',') > 0", f->rss);
	add(w, "(i.image_sha256 = ? OR i.image = ? OR substr(i.image, -(length(?) + 1)) = '/' || ?)",
	    f->image);
}

static int prepare(struct hil_history *h, const char *head, struct where *w, const char *tail,
		   sqlite3_stmt **st)
{
	char *sql = hil_xasprintf("%s WHERE 1%s %s", head, hil_strbuf_str(&w->sql), tail);
	int error = 0;

	if (sqlite3_prepare_v2(h->db, sql, -1, st, NULL) != SQLITE_OK)
		error = hil_history_db_error(h, "cannot prepare the query");
	for (int i = 0; !error && i < w->count; i++)
		sqlite3_bind_text(*st, i + 1, w->params[i], -1, SQLITE_STATIC);
	free(sql);
	return error;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

int hil_history_query(struct hil_history *h, const struct hil_history_filter *f,
		      int (*fn)(const struct hil_history_row *row, void *payload), void *payload)
{
	struct where w = { 0 };
	char *until_day = until_end(f->until), tail[64] = "ORDER BY c.started DESC, i.id";
	sqlite3_stmt *st = NULL;
	int error, rc = SQLITE_DONE;

	filters(&w, f, until_day);
	install_filters(&w, f);
	if (f->limit)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " LIMIT %lu", f->limit);
	error = prepare(h,
		"SELECT c.started, c.campaign, b.rack, i.board, b.bl_version, b.rss_version, b.chip_uid,"
		" b.probe_serial, i.cell, i.name, i.verdict, i.class, i.rss, i.image, i.image_sha256,"
		" i.duration_s FROM installs i JOIN campaigns c ON c.id = i.campaign_id"
		" LEFT JOIN boards b ON b.campaign_id = i.campaign_id AND b.board = i.board",
		&w, tail, &st);
	while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hil_history_row row = {
			col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
			col(st, 7), col(st, 8), col(st, 9), col(st, 10), col(st, 11), col(st, 12),
			col(st, 13), col(st, 14), sqlite3_column_double(st, 15),
		};
		error = fn(&row, payload);
	}
	if (!error && rc != SQLITE_DONE)
		error = hil_history_db_error(h, "the query failed");
	sqlite3_finalize(st);
	hil_strbuf_free(&w.sql);
	free(until_day);
	return error;
}

int hil_history_cells(struct hil_history *h, const struct hil_history_filter *f,
		      int (*fn)(const struct hil_history_cell *cell, void *payload), void *payload)
{
	struct where w = { 0 };
	char *until_day = until_end(f->until);
	sqlite3_stmt *st = NULL;
	int error, rc = SQLITE_DONE;

	filters(&w, f, until_day);
	install_filters(&w, f);
	/* as expected: a pass, or a failure the expectation foresaw (xfail) */
	error = prepare(h,
		"SELECT c.id, c.started, c.campaign, i.board, i.cell,"
		" sum(i.verdict NOT IN ('error', 'skip')),"
		" sum(i.verdict IN ('pass', 'xfail')), c.complete"
		" FROM installs i JOIN campaigns c ON c.id = i.campaign_id"
		" LEFT JOIN boards b ON b.campaign_id = i.campaign_id AND b.board = i.board",
		&w, "GROUP BY c.id, i.board, i.cell ORDER BY c.started, c.id, min(i.id)", &st);
	while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hil_history_cell cell = {
			sqlite3_column_int64(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
			(unsigned long)sqlite3_column_int64(st, 5), (unsigned long)sqlite3_column_int64(st, 6),
			sqlite3_column_int(st, 7) != 0,
		};
		error = fn(&cell, payload);
	}
	if (!error && rc != SQLITE_DONE)
		error = hil_history_db_error(h, "the query failed");
	sqlite3_finalize(st);
	hil_strbuf_free(&w.sql);
	free(until_day);
	return error;
}
