/* Append-only, fsync'ed JSON-lines journal; see journal.h.
 *
 * Records are written at once. Synced records are fsync'ed before append
 * returns; the others by a flusher thread, which fsyncs whenever records
 * have been written since its last fsync, so installs do not wait for the
 * disk (benchmark B2) while a record still reaches it within one fsync.
 * Closing wakes the flusher out of its gathering wait: the last fsync runs
 * at once, not at the end of the period (benchmark B7: a 1-install
 * campaign used to spend 50 of its 66 ms there). */
#include "harness/journal/journal.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long the flusher gathers records before an fsync: a power cut loses
 * at most about this much (plus the fsync), and at most one fsync runs
 * per interval however many boards write. */
#define FLUSH_GATHER_MS 50

struct hil_journal {
	int fd;
	char *path;
	bool broken; /* a write failed: later records would leave a hole */
	pthread_mutex_t lock;          /* the flusher's state below */
	pthread_cond_t wake;           /* a record was written, or close */
	pthread_t flusher;
	unsigned gather_ms;
	bool flusher_running, stop;
	unsigned long written, synced; /* records written / covered by an fsync */
	int flush_errno;               /* a background fsync failed */
};

/* Called with the lock held: waits until the gathering period is over
 * (what the next few ms write goes into the same fsync) or close sets
 * stop. The records written meanwhile signal too; they do not end it. */
static void gather(struct hil_journal *j)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += j->gather_ms / 1000;
	until.tv_nsec += (long)(j->gather_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!j->stop && pthread_cond_timedwait(&j->wake, &j->lock, &until) != ETIMEDOUT)
		;
}

static void *flusher_main(void *arg)
{
	struct hil_journal *j = arg;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		while (j->synced == j->written && !j->stop)
			pthread_cond_wait(&j->wake, &j->lock);
		if (j->synced == j->written)
			break;
		gather(j);
		unsigned long target = j->written;
		pthread_mutex_unlock(&j->lock);
		int rc = fsync(j->fd), err = errno;
		pthread_mutex_lock(&j->lock);
		if (rc != 0 && !j->flush_errno)
			j->flush_errno = err;
		j->synced = target;
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* A record was written without fsync: wake (or start) the flusher. */
static void flush_soon(struct hil_journal *j)
{
	pthread_mutex_lock(&j->lock);
	j->written++;
	if (!j->flusher_running)
		j->flusher_running = pthread_create(&j->flusher, NULL, flusher_main, j) == 0;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	if (!j->flusher_running) /* no thread: stay durable the slow way */
		(void)fsync(j->fd);
}

static int flush_error(struct hil_journal *j)
{
	int err;

	pthread_mutex_lock(&j->lock);
	err = j->flush_errno;
	pthread_mutex_unlock(&j->lock);
	return err;
}

int hil_journal_open(struct hil_journal **out, const char *path)
{
	struct hil_journal *j;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	*out = NULL;
	if (fd < 0)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	j = hil_xcalloc(1, sizeof(*j));
	j->fd = fd;
	j->path = hil_xstrdup(path);
	j->gather_ms = FLUSH_GATHER_MS;
	pthread_mutex_init(&j->lock, NULL);
	/* the gathering deadline is on the monotonic clock: a clock step
	 * (NTP on a rack host) neither stretches nor skips it */
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->wake, &attr);
	pthread_condattr_destroy(&attr);
	*out = j;
	return 0;
}

static int append(struct hil_journal *j, json_t *record, bool sync)
{
	char *line = json_dumps(record, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len, done = 0;
	int error = 0;

	json_decref(record);
	if (!line)
		return hil_error_set(HIL_ENOMEM, "journal: cannot encode record");
	int err = flush_error(j);
	if (err && !j->broken) {
		j->broken = true;
		free(line);
		return hil_error_set(HIL_EIO, "%s: fsync: %s", j->path, strerror(err));
	}
	if (j->broken) {
		free(line);
		return hil_error_set(HIL_EIO, "%s: an earlier record could not be written", j->path);
	}
	/* O_APPEND: the line starts at the current end; remembered to cut a
	 * half-written line back off (disk full), so the file stays whole lines. */
	off_t start = lseek(j->fd, 0, SEEK_END);
	len = strlen(line);
	line[len++] = '\n'; /* json_dumps leaves room: we overwrite the NUL */
	while (done < len) {
		ssize_t n = write(j->fd, line + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hil_error_set(HIL_EIO, "%s: %s", j->path, strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	free(line);
	if (!error && sync && fsync(j->fd) != 0)
		error = hil_error_set(HIL_EIO, "%s: fsync: %s", j->path, strerror(errno));
	else if (!error && !sync)
		flush_soon(j);
	if (error) {
		j->broken = true;
		if (start >= 0 && ftruncate(j->fd, start) == 0)
			(void)fsync(j->fd);
	}
	return error;
}

int hil_journal_append(struct hil_journal *j, json_t *record)
{
	return append(j, record, true);
}

int hil_journal_append_async(struct hil_journal *j, json_t *record)
{
	return append(j, record, false);
}

void hil_journal_set_gather_ms(struct hil_journal *j, unsigned ms)
{
	pthread_mutex_lock(&j->lock);
	j->gather_ms = ms;
	pthread_mutex_unlock(&j->lock);
}

void hil_journal_close(struct hil_journal *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	if (j->flusher_running)
		pthread_join(j->flusher, NULL);
	(void)fsync(j->fd);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	close(j->fd);
	free(j->path);
	free(j);
}

/* Lines parsed into records by this process (tests: each once per command). */
static unsigned long parse_count;

unsigned long hil_journal_parse_count(void)
{
	return __atomic_load_n(&parse_count, __ATOMIC_RELAXED);
}

int hil_journal_walk_from(const char *path, long *offset,
			  int (*fn)(json_t *rec, long offset, void *payload), void *payload)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	long at = *offset;
	int error = 0;

	if (!f)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (at && fseek(f, at, SEEK_SET) != 0) {
		fclose(f);
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	}
	while (!error && (n = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *rec;
		bool torn = n == 0 || line[n - 1] != '\n';

		lineno++;
		if (n <= 1) {
			if (!torn)
				*offset = at += n;
			continue;
		}
		__atomic_fetch_add(&parse_count, 1, __ATOMIC_RELAXED);
		rec = json_loadb(line, (size_t)n, 0, &jerr);
		if (!rec || !json_is_object(rec)) {
			json_decref(rec);
			if (torn)
				break; /* crash mid-write: the record never finished */
			error = hil_error_set(HIL_EPROTO, "%s:%u: not a journal record: %s", path,
					      lineno, jerr.text);
			break;
		}
		long start = at;
		*offset = at += n;
		error = fn(rec, start, payload);
	}
	free(line);
	fclose(f);
	return error < 0 ? error : 0;
}

int hil_journal_walk(const char *path, int (*fn)(json_t *rec, long offset, void *payload),
		     void *payload)
{
	long offset = 0;

	return hil_journal_walk_from(path, &offset, fn, payload);
}

static int append_record(json_t *rec, long offset, void *records)
{
	(void)offset;
	return json_array_append_new(records, rec);
}

int hil_journal_read(json_t **records_out, const char *path)
{
	json_t *records = json_array();
	int error = hil_journal_walk(path, append_record, records);

	*records_out = NULL;
	if (error < 0) {
		json_decref(records);
		return error;
	}
	*records_out = records;
	return 0;
}

int hil_journal_repair(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	off_t size, keep;
	char c;

	if (fd < 0)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	size = lseek(fd, 0, SEEK_END);
	for (keep = size; keep > 0; keep--)
		if (pread(fd, &c, 1, keep - 1) == 1 && c == '\n')
			break;
	if (keep != size && ftruncate(fd, keep) != 0) {
		close(fd);
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}
