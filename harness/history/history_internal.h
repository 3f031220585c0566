/* What the history's files share: the open database. */
#ifndef HIL_HISTORY_INTERNAL_H
#define HIL_HISTORY_INTERNAL_H

#include <sqlite3.h>

struct hil_history {
	sqlite3 *db;
	char *path;
};

/* An error naming the database and SQLite's message; returns HIL_EIO
 * (HIL_EBUSY when another writer held it past the busy timeout). */
int hil_history_db_error(struct hil_history *h, const char *what);

#endif
