/* Per-board flock locks with owner records; see lock.h. */
#include "harness/util/lock.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct hil_lock {
	int fd;
};

const char *hil_lock_dir(const char *rack_lock_dir)
{
	const char *env = getenv("SFI_HARNESS_LOCK_DIR");

	if (rack_lock_dir)
		return rack_lock_dir;
	return env && env[0] ? env : "/tmp/sfi-harness-locks";
}

static void write_owner(int fd, const char *campaign)
{
	const char *job = getenv("CI_JOB_URL") ? getenv("CI_JOB_URL") : getenv("BUILD_URL");
	char host[256] = "localhost", since[32];
	json_t *owner;
	char *text;

	gethostname(host, sizeof(host) - 1);
	hil_clock_utc_iso(since);
	owner = json_pack("{s:i, s:s, s:s, s:s?, s:s}", "pid", (int)getpid(), "host", host,
			  "campaign", campaign ? campaign : "", "job_url", job, "since", since);
	text = json_dumps(owner, JSON_COMPACT);
	if (text && ftruncate(fd, 0) == 0 && pwrite(fd, text, strlen(text), 0) < 0)
		(void)0; /* the record is informative; the flock is what counts */
	free(text);
	json_decref(owner);
}

static void read_owner(int fd, char *out, size_t size)
{
	ssize_t n = pread(fd, out, size - 1, 0);

	out[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(out, size, "(no owner record)");
}

int hil_lock_file(struct hil_lock **out, const char *path, unsigned wait_s, const char *campaign,
		  const char *what, const char *hint)
{
	char owner[512];
	double deadline = hil_clock_real_ms() + wait_s * 1000.0;
	int fd, error;

	*out = NULL;
	/* O_NOFOLLOW: a symlink planted where the lock goes is refused, never
	 * followed (and its target never truncated) */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return hil_error_set(HIL_EIO, "lock %s: %s", path, strerror(errno));
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
		usleep(100000);
	}
	write_owner(fd, campaign);
	*out = hil_xcalloc(1, sizeof(**out));
	(*out)->fd = fd;
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
	if ((error = hil_mkdir_p(dir)) < 0)
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
	if (ftruncate(lock->fd, 0) != 0)
		(void)0;
	close(lock->fd); /* closing drops the flock */
	free(lock);
}
