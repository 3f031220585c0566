/* Ingesting a finished campaign into the history; see history.h.
 *
 * A campaign is keyed by what its campaign record says of it (name, start,
 * host, scenario hash, rack, shard), so the same folder added twice adds
 * nothing; an install by its board, name and the wall-clock start of its
 * first step, so the installs of a shard and of the merged folder made
 * from it are stored once. */
#include "harness/history/history.h"
#include "harness/history/history_internal.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *campaign_key(const struct hil_results *r)
{
	return hil_xasprintf("%s|%s|%s|%s|%s|%lld/%lld", hil_results_text(r->campaign),
			     hil_results_text(r->started), hil_results_text(r->host),
			     hil_results_text(r->scenario_sha256), hil_results_text(r->rack), r->shard,
			     r->shards);
}

/* The campaign's row: inserted, or *known when it was there. */
static int add_campaign(struct hil_history *h, const struct hil_results *r, const char *folder,
			long long *id, bool *known)
{
	static const char sql[] =
		"INSERT INTO campaigns (key, campaign, scenario, scenario_sha256, rack, host, started,"
		" finished, complete, exit_code, installs_done, installs_planned, folder, added)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO NOTHING";
	char *key = campaign_key(r), now[32];
	sqlite3_stmt *st = NULL;
	int error = 0;

	hil_clock_utc_iso(now);
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(key);
		return hil_history_db_error(h, "cannot prepare the campaign insert");
	}
	const char *text[] = { key, hil_results_text(r->campaign), r->scenario, r->scenario_sha256,
			       r->rack, r->host, r->started, r->finished };
	for (int i = 0; i < 8; i++)
		bind_text(st, i + 1, text[i]);
	sqlite3_bind_int(st, 9, r->complete);
	sqlite3_bind_int(st, 10, r->exit_code);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)r->installs_done);
	if (r->installs_planned)
		sqlite3_bind_int64(st, 12, (sqlite3_int64)r->installs_planned);
	else
		sqlite3_bind_null(st, 12);
	bind_text(st, 13, folder);
	bind_text(st, 14, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = hil_history_db_error(h, "cannot add the campaign");
	*known = sqlite3_changes(h->db) == 0;
	sqlite3_finalize(st);
	if (!error) {
		if (sqlite3_prepare_v2(h->db, "SELECT id FROM campaigns WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
			error = hil_history_db_error(h, "cannot find the campaign");
		else {
			bind_text(st, 1, key);
			if (sqlite3_step(st) == SQLITE_ROW)
				*id = sqlite3_column_int64(st, 0);
			else
				error = hil_history_db_error(h, "cannot find the campaign");
			sqlite3_finalize(st);
		}
	}
	free(key);
	return error;
}

static int add_board(struct hil_history *h, sqlite3_stmt *st, long long id,
		     const struct hil_results *r, const struct hil_results_board *b)
{
	static const enum hil_results_board_field fields[] = {
		HIL_RB_KIND, HIL_RB_PROBE_SERIAL, HIL_RB_DEVICE_ID, HIL_RB_BL_VERSION,
		HIL_RB_REVISION, HIL_RB_RSS_VERSION, HIL_RB_CHIP_UID,
	};

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, b->name);
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		bind_text(st, (int)i + 3, b->field[fields[i]]);
	/* a merged campaign's board keeps its own rack */
	bind_text(st, 10, b->rack ? b->rack : hil_results_text(r->rack));
	return sqlite3_step(st) == SQLITE_DONE ? 0 : hil_history_db_error(h, "cannot add a board");
}

/* "0x16,0x17": the install's RSS values; NULL without one. */
static char *rss_text(const struct hil_results_case *c)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;

	for (size_t i = 0; i < c->rss_count; i++)
		if (c->rss[i])
			hil_strbuf_printf(&b, "%s%s", b.len ? "," : "", c->rss[i]);
	return hil_strbuf_detach(&b);
}

static int add_case(struct hil_history *h, sqlite3_stmt *st, long long id,
		    const struct hil_results_case *c, struct hil_history_added *out)
{
	char *rss = rss_text(c);
	const char *image = c->has_image ? c->image_path : NULL;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	const char *text[] = { c->board, c->name, c->cell, c->verdict, c->cls, rss && *rss ? rss : NULL,
			       c->expected_result, image, c->has_image ? c->image_sha256 : NULL };
	for (int i = 0; i < 9; i++)
		bind_text(st, i + 2, text[i]);
	sqlite3_bind_double(st, 11, c->duration_s);
	if (c->step_count && c->steps[0].t0 > 0)
		sqlite3_bind_double(st, 12, c->steps[0].t0);
	else
		sqlite3_bind_null(st, 12);
	free(rss);
	if (sqlite3_step(st) != SQLITE_DONE)
		return hil_history_db_error(h, "cannot add an install");
	if (sqlite3_changes(h->db))
		out->installs++;
	else
		out->already++;
	return 0;
}

static int add_installs(struct hil_history *h, const struct hil_results *r, long long id,
			struct hil_history_added *out)
{
	static const char board_sql[] =
		"INSERT INTO boards (campaign_id, board, kind, probe_serial, device_id, bl_version,"
		" revision, rss_version, chip_uid, rack) VALUES (?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT DO NOTHING";
	static const char case_sql[] =
		"INSERT INTO installs (campaign_id, board, name, cell, verdict, class, rss, expected,"
		" image, image_sha256, duration_s, t0) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT DO NOTHING";
	sqlite3_stmt *bst = NULL, *cst = NULL;
	int error = 0;

	if (sqlite3_prepare_v2(h->db, board_sql, -1, &bst, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db, case_sql, -1, &cst, NULL) != SQLITE_OK)
		error = hil_history_db_error(h, "cannot prepare the inserts");
	for (size_t i = 0; !error && i < r->board_count; i++) {
		struct hil_results_cursor *cur = NULL;
		const struct hil_results_case *c;
		int rc;
		if ((error = add_board(h, bst, id, r, &r->boards[i])) < 0 ||
		    (error = hil_results_cases_open(&cur, r, i)) < 0)
			break;
		while ((rc = hil_results_cases_next(cur, &c)) > 0 && !error)
			error = add_case(h, cst, id, c, out);
		if (rc < 0 && !error)
			error = rc;
		hil_results_cases_close(cur);
	}
	sqlite3_finalize(bst);
	sqlite3_finalize(cst);
	return error;
}

/* A campaign the history has, kept incomplete (--allow-incomplete) and
 * since finished (resumed): true, and its row brought up to date. */
static int update_if_finished(struct hil_history *h, const struct hil_results *r, long long id,
			      bool *updated)
{
	sqlite3_stmt *st = NULL;
	int error = 0, complete = 1;

	*updated = false;
	if (sqlite3_prepare_v2(h->db, "SELECT complete FROM campaigns WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return hil_history_db_error(h, "cannot read the campaign");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		complete = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (complete || !r->complete)
		return 0;
	if (sqlite3_prepare_v2(h->db, "UPDATE campaigns SET complete = 1, finished = ?, exit_code = ?,"
			       " installs_done = ?, installs_planned = ? WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return hil_history_db_error(h, "cannot update the campaign");
	bind_text(st, 1, r->finished);
	sqlite3_bind_int(st, 2, r->exit_code);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->installs_done);
	if (r->installs_planned)
		sqlite3_bind_int64(st, 4, (sqlite3_int64)r->installs_planned);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = hil_history_db_error(h, "cannot update the campaign");
	sqlite3_finalize(st);
	*updated = !error;
	return error;
}

int hil_history_add(struct hil_history *h, const struct hil_results *r, const char *folder,
		    bool allow_incomplete, struct hil_history_added *out)
{
	long long id = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if (!r->complete && !allow_incomplete)
		return hil_error_set(HIL_EREFUSED, "%s is not complete (%s): the history keeps "
				     "finished campaigns; resume it first, or add it with "
				     "--allow-incomplete to keep it marked incomplete", folder,
				     r->why_incomplete);
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hil_history_db_error(h, "cannot start a transaction");
	if ((error = add_campaign(h, r, folder, &id, &out->campaign_known)) == 0 && out->campaign_known)
		error = update_if_finished(h, r, id, &out->completed);
	if (!error && (!out->campaign_known || out->completed))
		error = add_installs(h, r, id, out);
	if (error < 0 || sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (!error)
			error = hil_history_db_error(h, "cannot commit");
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		memset(out, 0, sizeof(*out));
	}
	return error;
}
