/* Per-board flock locks with owner records; see lock.h. */
#include "harness/util/lock.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct hil_lock {
	int fd;
	char *path;      /* removed on release: a simulated world's own lock */
};

/* The names of locks scoped to one simulated world (hil_lock_name): each
 * campaign has its own, so they would pile up in the shared lock folder
 * (a 5 MB tmpfs on Debian) if they stayed; they are removed on release. */
#define SCOPED_PREFIX "sim-"

/* The shared default: /run/lock is a tmpfs every user may write (FHS 3.0
 * §5.9; Debian makes it 1777), emptied at boot like the locks it holds. */
#define SHARED_LOCK_DIR "/run/lock/sfi-harness"
#define FALLBACK_LOCK_DIR "/tmp/sfi-harness-locks"

/* Creates @dir for every user of the host: sticky and world-writable like
 * /tmp (anyone may create a lock, nobody may delete another's). */
static int make_shared_dir(const char *dir)
{
	struct stat st;
	int error;

	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return hil_error_set(HIL_EIO, "lock folder %s is not a folder", dir);
		return 0;
	}
	if ((error = hil_mkdir_p(dir)) < 0)
		return error;
	if (chmod(dir, 01777) != 0)
		return hil_error_set(HIL_EIO, "lock folder %s: chmod 1777: %s", dir, strerror(errno));
	return 0;
}

const char *hil_lock_dir(const char *rack_lock_dir)
{
	static _Atomic int warned;
	const char *env = getenv("SFI_HARNESS_LOCK_DIR");

	if (rack_lock_dir)
		return rack_lock_dir;
	if (env && env[0])
		return env;
	if (access("/run/lock", W_OK | X_OK) == 0 && make_shared_dir(SHARED_LOCK_DIR) == 0 &&
	    access(SHARED_LOCK_DIR, W_OK | X_OK) == 0)
		return SHARED_LOCK_DIR;
	if (!warned++)
		fprintf(stderr, "sfi-harness: %s cannot be used; board locks go to %s (set lock_dir "
			"in the rack, or SFI_HARNESS_LOCK_DIR, to a folder every user of the rack "
			"shares)\n", SHARED_LOCK_DIR, FALLBACK_LOCK_DIR);
	return FALLBACK_LOCK_DIR;
}

void hil_lock_name(char *out, size_t size, const char *serial, const char *scope)
{
	if (scope)
		snprintf(out, size, SCOPED_PREFIX "%s-%016llx", serial, hil_fnv1a(scope));
	else
		snprintf(out, size, "%s", serial);
}

/* The owner record is written in place over a fixed 512 bytes, padded
 * with spaces: the file is never truncated (a lock file is only ever
 * opened, never replaced or cut). */
#define OWNER_SIZE 512

static void write_owner(int fd, const char *campaign)
{
	const char *job = getenv("CI_JOB_URL") ? getenv("CI_JOB_URL") : getenv("BUILD_URL");
	char host[256] = "localhost", since[32], record[OWNER_SIZE];
	json_t *owner;
	char *text;

	gethostname(host, sizeof(host) - 1);
	hil_clock_utc_iso(since);
	owner = json_pack("{s:i, s:s, s:s, s:s?, s:s}", "pid", (int)getpid(), "host", host,
			  "campaign", campaign ? campaign : "", "job_url", job, "since", since);
	text = json_dumps(owner, JSON_COMPACT);
	memset(record, ' ', sizeof(record));
	record[sizeof(record) - 1] = '\n';
	if (text)
		memcpy(record, text, strlen(text) < sizeof(record) - 1 ? strlen(text)
								      : sizeof(record) - 1);
	if (pwrite(fd, record, sizeof(record), 0) < 0)
		(void)0; /* the record is informative; the flock is what counts */
	free(text);
	json_decref(owner);
}

static void clear_owner(int fd)
{
	char record[OWNER_SIZE];

	memset(record, ' ', sizeof(record));
	record[sizeof(record) - 1] = '\n';
	if (pwrite(fd, record, sizeof(record), 0) < 0)
		(void)0;
}

static void read_owner(int fd, char *out, size_t size)
{
	ssize_t n = pread(fd, out, size - 1, 0);

	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\n'))
		n--;
	out[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(out, size, "(no owner record)");
}

/* A lock file is a plain file with one name: a symlink is refused by
 * O_NOFOLLOW, a hard link to something else (nlink > 1) or a FIFO here.
 * 1: the file was removed since it was opened (nlink 0). */
static int check_lock_file(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return hil_error_set(HIL_EIO, "lock %s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_nlink == 0)
		return 1; /* removed by its releaser since the open: open anew */
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		return hil_error_set(HIL_EIO, "lock %s is not a plain file (%s): remove it", path,
				     !S_ISREG(st.st_mode) ? "not a regular file" : "it has other names");
	/* every user of the rack opens it: rw for all, whatever the umask */
	if (st.st_uid == geteuid() && (st.st_mode & 0666) != 0666)
		(void)fchmod(fd, 0666);
	return 0;
}

int hil_lock_file(struct hil_lock **out, const char *path, unsigned wait_s, const char *campaign,
		  const char *what, const char *hint)
{
	char owner[512];
	double deadline = hil_clock_real_ms() + wait_s * 1000.0;
	int fd, error;

	*out = NULL;
again:
	/* O_NOFOLLOW: a symlink planted where the lock goes is refused, never
	 * followed (and its target never truncated) */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	if (fd < 0)
		return hil_error_set(HIL_EIO, "lock %s: %s%s", path, strerror(errno),
				     errno == ELOOP ? " (a symbolic link: remove it)" : "");
	if ((error = check_lock_file(fd, path)) < 0)
		goto fail;
	if (error > 0) {
		close(fd);
		goto again;
	}
	/* Waiting: polls from 1 ms, doubling to 50 ms, each wait drawn at
	 * random within [step, 2 step). Waiters that started together (every
	 * board of a rack asking the one HSM at once) would otherwise poll in
	 * step and each hand-over would cost a whole interval: 16 boards at a
	 * fixed 100 ms queued 1.6 s for 16 short draws (bench B7). */
	unsigned step_us = 1000, seed = (unsigned)fd ^ (unsigned)getpid() ^
					(unsigned)(uintptr_t)&step_us;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			error = hil_error_set(HIL_EIO, "lock %s: %s", path, strerror(errno));
			goto fail;
		}
		if (hil_clock_real_ms() >= deadline) {
			read_owner(fd, owner, sizeof(owner));
			error = hil_error_set(HIL_EBUSY, "%s is busy: held by %s (lock %s%s%s)", what,
					      owner, path, hint ? "; " : "", hint ? hint : "");
			goto fail;
		}
		usleep(step_us + (unsigned)rand_r(&seed) % step_us);
		if (step_us < 50000)
			step_us *= 2;
	}
	/* the file may have been removed (a scoped lock's holder releasing it)
	 * while this one waited on it: the lock is the file now at @path */
	struct stat held, now;
	if (fstat(fd, &held) == 0 && (stat(path, &now) != 0 || now.st_ino != held.st_ino ||
				      now.st_dev != held.st_dev)) {
		close(fd);
		goto again;
	}
	write_owner(fd, campaign);
	*out = hil_xcalloc(1, sizeof(**out));
	(*out)->fd = fd;
	const char *base = strrchr(path, '/');
	if (!strncmp(base ? base + 1 : path, SCOPED_PREFIX, strlen(SCOPED_PREFIX)))
		(*out)->path = hil_xstrdup(path);
	return 0;
fail:
	close(fd);
	return error;
}

int hil_lock_board(struct hil_lock **out, const char *dir, const char *serial, unsigned wait_s,
		   const char *campaign)
{
	char *path, *what;
	int error;

	*out = NULL;
	if ((error = make_shared_dir(dir)) < 0)
		return error;
	path = hil_xasprintf("%s/%s.lock", dir, serial);
	what = hil_xasprintf("board with probe %s", serial);
	error = hil_lock_file(out, path, wait_s, campaign, what,
			      "--wait-lock SECONDS waits for it");
	free(what);
	free(path);
	return error;
}

int hil_lock_fd(const struct hil_lock *lock)
{
	return lock ? lock->fd : 0;
}

void hil_lock_release(struct hil_lock *lock)
{
	if (!lock)
		return;
	clear_owner(lock->fd);
	if (lock->path) /* removed while held: a waiter finds it gone and opens anew */
		unlink(lock->path);
	close(lock->fd); /* closing drops the flock */
	free(lock->path);
	free(lock);
}
