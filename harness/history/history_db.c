/* Opening the history database and keeping its schema current.
 *
 * The schema is versioned with PRAGMA user_version: each entry of
 * migrations[] takes the database from version i to i + 1, inside one
 * transaction, so an old database is brought up to date on the next write
 * and a newer one (of a later sfi-harness) is refused rather than
 * misread. WAL lets queries run while the merge job writes; a writer waits
 * up to 30 s for another (busy timeout), then gives up with HIL_EBUSY. */
#include "harness/history/history.h"
#include "harness/history/history_internal.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include "harness/util/fileutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 30000

static const char *const migrations[HIL_HISTORY_SCHEMA] = {
	/* 0 -> 1 */
	"CREATE TABLE campaigns ("
	" id INTEGER PRIMARY KEY,"
	" key TEXT NOT NULL UNIQUE,"          /* campaign|started|host|scenario_sha256|rack|shard */
	" campaign TEXT NOT NULL, scenario TEXT, scenario_sha256 TEXT, rack TEXT, host TEXT,"
	" started TEXT, finished TEXT, complete INTEGER NOT NULL, exit_code INTEGER,"
	" installs_done INTEGER, installs_planned INTEGER, folder TEXT, added TEXT NOT NULL);"
	"CREATE TABLE boards ("
	" campaign_id INTEGER NOT NULL REFERENCES campaigns(id), board TEXT NOT NULL,"
	" kind TEXT, probe_serial TEXT, device_id TEXT, bl_version TEXT, revision TEXT,"
	" rss_version TEXT, chip_uid TEXT, PRIMARY KEY (campaign_id, board));"
	"CREATE TABLE installs ("
	" id INTEGER PRIMARY KEY,"
	" campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	" board TEXT NOT NULL, name TEXT NOT NULL, cell TEXT NOT NULL, verdict TEXT NOT NULL,"
	" class TEXT, rss TEXT, expected TEXT, image TEXT, image_sha256 TEXT, duration_s REAL,"
	" t0 REAL, UNIQUE (board, name, t0));"
	"CREATE INDEX installs_by_campaign ON installs (campaign_id, board);"
	"CREATE INDEX installs_by_board ON installs (board);"
	"CREATE INDEX installs_by_class ON installs (class, verdict);"
	"CREATE INDEX installs_by_verdict ON installs (verdict);"
	"CREATE INDEX installs_by_image ON installs (image_sha256);"
	"CREATE INDEX campaigns_by_started ON campaigns (started);"
	"CREATE INDEX campaigns_by_rack ON campaigns (rack, started);"
	"CREATE INDEX boards_by_chip ON boards (chip_uid);"
	"CREATE INDEX boards_by_bl ON boards (bl_version);"
	"CREATE INDEX boards_by_probe ON boards (probe_serial);",
	/* 1 -> 2: each board's own rack (a merged campaign spans racks); the
	 * boards already there take their campaign's */
	"ALTER TABLE boards ADD COLUMN rack TEXT;"
	"UPDATE boards SET rack = (SELECT rack FROM campaigns WHERE campaigns.id = boards.campaign_id);"
	"CREATE INDEX boards_by_rack ON boards (rack);",
};

int hil_history_db_error(struct hil_history *h, const char *what)
{
	int code = sqlite3_errcode(h->db);

	if (code == SQLITE_NOTADB)
		return hil_error_set(HIL_ECONFIG, "%s is not a SQLite database, so not a results "
				     "history: give another --db file", h->path);
	return hil_error_set(code == SQLITE_BUSY || code == SQLITE_LOCKED ? HIL_EBUSY : HIL_EIO,
			     "%s: %s: %s%s", h->path, what, sqlite3_errmsg(h->db),
			     code == SQLITE_BUSY ? " (another writer held the database for 30 s; "
			     "one writer at a time: docs/history.md)" : "");
}

static int exec(struct hil_history *h, const char *sql, const char *what)
{
	return sqlite3_exec(h->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
	       : hil_history_db_error(h, what);
}

static int schema_version(struct hil_history *h, int *version)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return hil_history_db_error(h, "cannot read the schema version");
	*version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Brings the schema from its version to HIL_HISTORY_SCHEMA, each step in
 * its own transaction (taken with the write lock, so two writers never
 * migrate at once). */
static int migrate(struct hil_history *h)
{
	int version = 0, error;

	for (;;) {
		if ((error = exec(h, "BEGIN IMMEDIATE", "cannot start a transaction")) < 0)
			return error;
		if ((error = schema_version(h, &version)) < 0)
			goto fail;
		if (version >= HIL_HISTORY_SCHEMA)
			return exec(h, "COMMIT", "cannot commit");
		char pragma[48];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
		if ((error = exec(h, migrations[version], "cannot migrate the schema")) < 0 ||
		    (error = exec(h, pragma, "cannot set the schema version")) < 0 ||
		    (error = exec(h, "COMMIT", "cannot commit the migration")) < 0)
			goto fail;
	}
fail:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

/* PRAGMA journal_mode = WAL takes the write lock and, unlike a
 * transaction, does not wait for it through the busy handler: another
 * writer creating the database at the same moment is waited for here,
 * for as long as the busy timeout. */
static int use_wal(struct hil_history *h)
{
	for (int waited_ms = 0;; waited_ms += 20) {
		int rc = sqlite3_exec(h->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited_ms >= BUSY_TIMEOUT_MS)
			return hil_history_db_error(h, "cannot use WAL");
		sqlite3_sleep(20);
	}
}

int hil_history_open(struct hil_history **out, const char *path, bool write)
{
	struct hil_history *h = hil_xcalloc(1, sizeof(*h));
	int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	int version = 0, error = 0;

	*out = NULL;
	h->path = hil_xstrdup(path);
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		error = hil_error_set(HIL_ECONFIG, "%s is %s, not a history database file: give a "
				      "file for --db", path, S_ISLNK(st.st_mode) ? "a symbolic link"
				      : hil_file_kind(st.st_mode));
		goto fail;
	}
	if (sqlite3_open_v2(path, &h->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		error = hil_error_set(write ? HIL_EIO : HIL_ECONFIG, "%s: %s", path,
				      h->db ? sqlite3_errmsg(h->db) : "cannot open it");
		goto fail;
	}
	sqlite3_busy_timeout(h->db, BUSY_TIMEOUT_MS);
	if ((error = schema_version(h, &version)) < 0)
		goto fail;
	if (version > HIL_HISTORY_SCHEMA) {
		error = hil_error_set(HIL_ECONFIG, "%s has schema version %d; this sfi-harness knows "
				      "up to %d: use a newer sfi-harness", path, version,
				      HIL_HISTORY_SCHEMA);
		goto fail;
	}
	if (write && ((error = use_wal(h)) < 0 ||
		      (error = exec(h, "PRAGMA foreign_keys = ON", "cannot check references")) < 0 ||
		      (error = migrate(h)) < 0))
		goto fail;
	if (!write && version < HIL_HISTORY_SCHEMA) {
		error = hil_error_set(HIL_ECONFIG, "%s is not a results history (schema %d of %d): "
				      "`sfi-harness history add --db %s DIR` creates or updates it",
				      path, version, HIL_HISTORY_SCHEMA, path);
		goto fail;
	}
	*out = h;
	return 0;
fail:
	hil_history_close(h);
	return error;
}

void hil_history_close(struct hil_history *h)
{
	if (!h)
		return;
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}
