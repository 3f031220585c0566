/* The results history: a SQLite database of finished campaigns and their
 * installs, for queries across nights, racks, boards and bootloaders
 * (docs/history.md). One writer at a time (SQLite's own lock, waited for
 * up to a busy timeout), readers alongside (WAL). */
#ifndef HIL_HISTORY_H
#define HIL_HISTORY_H

#include "reports/results.h"

#include <stdbool.h>

struct hil_history;

/* The schema version this build writes and reads (PRAGMA user_version). */
#define HIL_HISTORY_SCHEMA 2

/* Opens @path, creating it (and migrating an older schema) when @write.
 * A database of a newer schema, or not ours, is HIL_ECONFIG. */
int hil_history_open(struct hil_history **out, const char *path, bool write);
void hil_history_close(struct hil_history *h);

struct hil_history_added {
	unsigned long long installs;   /* new rows */
	unsigned long long already;    /* installs the database had */
	bool campaign_known;           /* the campaign itself was there */
	bool completed;                /* ... kept incomplete, now finished: its installs added */
};

/* Adds the finished campaign @r (a model with its installs) read from
 * @folder, in one transaction. The same campaign again adds nothing; an
 * install already there (the same board, install and start time: a shard
 * and the merge of it) is counted in already. An incomplete campaign is
 * HIL_EREFUSED unless @allow_incomplete (then kept with complete = 0). */
int hil_history_add(struct hil_history *h, const struct hil_results *r, const char *folder,
		    bool allow_incomplete, struct hil_history_added *out);

/* Filters of a query; NULL fields match everything. Dates compare with
 * the campaign's start ("2026-12-01" or "2026-12-01T02:00:00"), until
 * inclusive of that day. */
struct hil_history_filter {
	const char *board, *chip_uid, *probe, *bl_version, *rss_version, *rss, *cls, *verdict;
	const char *image;             /* a file name, a path or a SHA-256 */
	const char *rack, *scenario, *campaign, *since, *until;
	unsigned long limit;           /* 0: no limit */
};

/* One install, as a query row. Valid during the callback. */
struct hil_history_row {
	const char *started, *campaign, *rack, *board, *bl_version, *rss_version, *chip_uid, *probe;
	const char *cell, *name, *verdict, *cls, *rss, *image, *image_sha256;
	double duration_s;
};

/* Calls @fn with each matching install, newest campaign first; @fn
 * returning < 0 stops with that error. */
int hil_history_query(struct hil_history *h, const struct hil_history_filter *f,
		      int (*fn)(const struct hil_history_row *row, void *payload), void *payload);

/* One cell of one campaign, for trends: its installs that ran (not
 * errors or skips) and those that passed or failed as expected. */
struct hil_history_cell {
	long long campaign_id;
	const char *started, *campaign, *board, *cell;
	unsigned long runs, as_expected;
	bool complete;                 /* the campaign ran to its end */
};

/* The cells of the campaigns that match @f, oldest campaign first. */
int hil_history_cells(struct hil_history *h, const struct hil_history_filter *f,
		      int (*fn)(const struct hil_history_cell *cell, void *payload), void *payload);

#endif
