/* The campaign directory: the one object through which run, resume, merge
 * and report create or open a results folder.
 *
 * - A writer (run, resume, merge) holds an exclusive lock on the folder
 *   (DIR/.lock, flock) for its whole life: a second writer is refused at
 *   once, naming the holder, and adds nothing. The lock is the folder's,
 *   not the board's: two campaigns in two folders still share boards
 *   through the board locks.
 * - A new campaign's folder is created (a symlink or an existing file is
 *   refused, and a folder that already holds a journal), the journal is
 *   created with O_EXCL, and the folder (and its parent) are fsync'ed after
 *   every create and rename, so a power cut never loses the journal's
 *   creation or an atomic rename.
 * - A reader (report) takes no lock but learns whether a writer is live,
 *   so a report of a running campaign says it is not complete.
 */
#ifndef HIL_JOURNAL_CAMPAIGN_DIR_H
#define HIL_JOURNAL_CAMPAIGN_DIR_H

#include <stdbool.h>

struct hil_campaign_dir;

enum hil_campaign_access {
	HIL_CAMPAIGN_NEW,    /* run: create; refuse a folder with a journal */
	HIL_CAMPAIGN_APPEND, /* resume: the journal must be there */
	HIL_CAMPAIGN_READ,   /* report: no lock; see hil_campaign_dir_live() */
};

/* Opens @path for @how. Errors: HIL_ECONFIG (a symlink, a file, a folder
 * that already holds a campaign, no journal to resume: the user's input),
 * HIL_EBUSY (another writer holds it; the message names it), HIL_EIO.
 * @campaign goes into the lock's owner record. *out: hil_campaign_dir_close(). */
int hil_campaign_dir_open(struct hil_campaign_dir **out, const char *path,
			  enum hil_campaign_access how, const char *campaign);

/* Releases the lock. NULL is fine. */
void hil_campaign_dir_close(struct hil_campaign_dir *cd);

/* The folder and its journal, borrowed. */
const char *hil_campaign_dir_path(const struct hil_campaign_dir *cd);
const char *hil_campaign_dir_journal(const struct hil_campaign_dir *cd);

/* HIL_CAMPAIGN_NEW: creates the (empty) journal with O_EXCL and fsyncs
 * the folder, so the file exists after a power cut. */
int hil_campaign_dir_create_journal(struct hil_campaign_dir *cd);

/* fsync of the folder: after a create or a rename in it. */
int hil_campaign_dir_sync(const struct hil_campaign_dir *cd);

/* READ: whether a writer held the lock when the folder was opened. */
bool hil_campaign_dir_live(const struct hil_campaign_dir *cd);

#endif
