/* The campaign directory; see campaign_dir.h. */
#include "harness/journal/campaign_dir.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/lock.h"
#include "harness/util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct hil_campaign_dir {
	char *path;
	char *journal;
	struct hil_lock *lock;  /* writers only */
	bool live;              /* readers: a writer held the lock */
};

/* What is at @path now: nothing, a real folder, or something we refuse. */
static int check_target(const char *path, enum hil_campaign_access how, bool *exists)
{
	struct stat st;

	*exists = false;
	if (lstat(path, &st) != 0) {
		if (errno == ENOTDIR)
			return hil_error_set(HIL_ECONFIG, "%s: a part of the path is a file, not a "
					     "folder: give a folder for the results", path);
		if (errno != ENOENT)
			return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
		if (how != HIL_CAMPAIGN_NEW)
			return hil_error_set(HIL_ECONFIG, "%s: no such results folder", path);
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return hil_error_set(HIL_ECONFIG, "%s is a symbolic link: give the results folder "
				     "itself (a link could point at another campaign's files)", path);
	if (!S_ISDIR(st.st_mode))
		return hil_error_set(HIL_ECONFIG, "%s exists and is not a folder: give a new "
				     "folder for the results", path);
	*exists = true;
	return 0;
}

static int take_lock(struct hil_campaign_dir *cd, const char *campaign)
{
	char *lock_path = hil_xasprintf("%s/.lock", cd->path);
	char *what = hil_xasprintf("results folder %s", cd->path);
	int error = hil_lock_file(&cd->lock, lock_path, 0, campaign, what,
				  "one run, resume or merge writes a folder at a time");

	free(what);
	free(lock_path);
	return error;
}

/* @dir/@name is absent, or an entry of type @type (S_IFREG, S_IFDIR) that
 * is not a symbolic link and has one name. */
static int plain_entry(const char *dir, const char *name, mode_t type)
{
	char *path = hil_xasprintf("%s/%s", dir, name);
	struct stat st;
	int error = 0;

	if (lstat(path, &st) == 0 &&
	    ((st.st_mode & S_IFMT) != type || (type == S_IFREG && st.st_nlink != 1)))
		error = hil_error_set(HIL_ECONFIG, "%s is %s, not the campaign's own %s: remove it or "
				      "give another folder", path, S_ISLNK(st.st_mode)
				      ? "a symbolic link" : "something else",
				      type == S_IFDIR ? "folder" : "file");
	free(path);
	return error;
}

/* The journal's size; -1 when there is none. */
static long long journal_size(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Whether @path holds nothing but @allowed names (NULL-terminated); the
 * first other name in *other (borrowed from @buf). */
static int holds_only(const char *path, const char *const *allowed, char *buf, size_t size)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	if (!d)
		return errno == ENOENT ? 0 : hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	while (!found && (e = readdir(d))) {
		bool ok = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(e->d_name, allowed[i]);
		if (!ok) {
			snprintf(buf, size, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* NEW in an existing folder: one with an (empty: checked before) journal
 * is a campaign's that stopped before its first record, taken over whole;
 * otherwise it may hold only a lock and an empty logs/ (a run refused
 * before it began). Anything else is not ours to overwrite. */
static int only_ours(const char *path)
{
	char *journal = hil_xasprintf("%s/journal.jsonl", path);
	bool campaign_folder = journal_size(journal) == 0;

	free(journal);
	if (campaign_folder)
		return 0;
	static const char *const ours[] = { ".lock", "logs", NULL };
	static const char *const none[] = { NULL };
	char other[256];
	char *logs = hil_xasprintf("%s/logs", path);
	int found = holds_only(path, ours, other, sizeof(other));

	if (found == 0 && (found = holds_only(logs, none, other, sizeof(other))) > 0)
		snprintf(other, sizeof(other), "logs/...");
	free(logs);
	if (found <= 0)
		return found;
	return hil_error_set(HIL_ECONFIG, "%s is not empty (it holds '%s'): a new campaign never "
			     "writes over what it did not create; give a new or empty folder", path,
			     other);
}

/* READ: is a writer there now? A shared lock that cannot be had says so. */
static void probe_writer(struct hil_campaign_dir *cd)
{
	char *lock_path = hil_xasprintf("%s/.lock", cd->path);
	int fd = open(lock_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		cd->live = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd);
	}
	free(lock_path);
}

int hil_campaign_dir_open(struct hil_campaign_dir **out, const char *path,
			  enum hil_campaign_access how, const char *campaign)
{
	struct hil_campaign_dir *cd;
	bool exists;
	int error;

	*out = NULL;
	if (!path || !*path)
		return hil_error_set(HIL_ECONFIG, "the results folder has an empty name");
	if ((error = check_target(path, how, &exists)) < 0)
		return error;
	if (!exists) {
		if ((error = hil_mkdir_p(path)) < 0 || (error = hil_fsync_parent(path)) < 0)
			return error;
		/* created by someone else between the check and mkdir: look again */
		if ((error = check_target(path, how, &exists)) < 0)
			return error;
	}
	cd = hil_xcalloc(1, sizeof(*cd));
	cd->path = hil_xstrdup(path);
	cd->journal = hil_xasprintf("%s/journal.jsonl", path);
	/* a journal or logs/ that is a link (or another kind of file) would
	 * send what the campaign writes outside its folder */
	if ((error = plain_entry(cd->path, "journal.jsonl", S_IFREG)) < 0 ||
	    (error = plain_entry(cd->path, "logs", S_IFDIR)) < 0)
		goto fail;
	/* a folder holding what is not ours is refused before even a lock
	 * file is made in it (and again under the lock, below) */
	if (how == HIL_CAMPAIGN_NEW && exists && journal_size(cd->journal) < 0 &&
	    (error = only_ours(cd->path)) < 0)
		goto fail;
	if (how == HIL_CAMPAIGN_READ) {
		probe_writer(cd);
	} else if ((error = take_lock(cd, campaign)) < 0) {
		goto fail;
	}
	/* decided under the lock, so two runs racing for one folder cannot both
	 * find it free */
	if (how == HIL_CAMPAIGN_NEW && journal_size(cd->journal) > 0) {
		error = hil_error_set(HIL_ECONFIG, "%s already holds a campaign: `sfi-harness resume "
				      "%s` continues it, or give a new folder", path, path);
		goto fail;
	}
	if (how == HIL_CAMPAIGN_NEW && (error = only_ours(cd->path)) < 0)
		goto fail;
	if (how != HIL_CAMPAIGN_NEW && journal_size(cd->journal) < 0) {
		error = hil_error_set(HIL_ECONFIG, "%s: no journal.jsonl: not a results folder", path);
		goto fail;
	}
	if (how == HIL_CAMPAIGN_APPEND && journal_size(cd->journal) == 0) {
		error = hil_error_set(HIL_ECONFIG, "%s: the journal is empty: the campaign stopped "
				      "before it recorded anything; run it again with --out %s", path,
				      path);
		goto fail;
	}
	*out = cd;
	return 0;
fail:
	hil_campaign_dir_close(cd);
	return error;
}

void hil_campaign_dir_close(struct hil_campaign_dir *cd)
{
	if (!cd)
		return;
	hil_lock_release(cd->lock);
	free(cd->path);
	free(cd->journal);
	free(cd);
}

const char *hil_campaign_dir_path(const struct hil_campaign_dir *cd)
{
	return cd->path;
}

const char *hil_campaign_dir_journal(const struct hil_campaign_dir *cd)
{
	return cd->journal;
}

int hil_campaign_dir_create_journal(struct hil_campaign_dir *cd)
{
	/* an empty journal of a run that stopped before its first record is
	 * taken over (under the lock); anything else was never ours */
	if (journal_size(cd->journal) == 0 && unlink(cd->journal) != 0)
		return hil_error_set(HIL_EIO, "%s: %s", cd->journal, strerror(errno));
	int fd = open(cd->journal, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return hil_error_set(errno == EEXIST ? HIL_ECONFIG : HIL_EIO, "%s: %s", cd->journal,
				     strerror(errno));
	if (fsync(fd) != 0) {
		int err = errno;
		close(fd);
		return hil_error_set(HIL_EIO, "%s: fsync: %s", cd->journal, strerror(err));
	}
	close(fd);
	return hil_campaign_dir_sync(cd);
}

int hil_campaign_dir_sync(const struct hil_campaign_dir *cd)
{
	return hil_fsync_dir(cd->path);
}

bool hil_campaign_dir_live(const struct hil_campaign_dir *cd)
{
	return cd->live;
}
