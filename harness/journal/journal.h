/* journal.jsonl: the campaign's single source of truth.
 *
 * One JSON object per line, appended as each step and each case
 * finishes: campaign and board records are fsync'ed before the call
 * returns, step and install records by a flusher thread within about
 * 50 ms (a power cut can lose those last few; their installs run again on
 * resume). Report writers read only this file (docs/reading-reports.md,
 * "journal.jsonl records", lists the record types).
 */
#ifndef HIL_HARNESS_JOURNAL_H
#define HIL_HARNESS_JOURNAL_H

#include <jansson.h>
#include <stdio.h>

struct hil_journal;

/* Creates (or appends to) @path. *out: close with hil_journal_close(). */
int hil_journal_open(struct hil_journal **out, const char *path);

/* Writes @record as one line and fsyncs. Steals the reference to @record. */
int hil_journal_append(struct hil_journal *j, json_t *record);
/* Writes @record as one line at once; a flusher thread fsyncs it (with
 * whatever else was written meanwhile) without making the caller wait. A
 * failed background fsync makes the next append fail. Closing the journal
 * waits for the last fsync. For step and install records: a power cut can
 * lose the last few, whose installs then run again on resume. */
int hil_journal_append_async(struct hil_journal *j, json_t *record);

/* How long the flusher gathers records into one fsync (default 50 ms).
 * For tests: close must not wait for it. */
void hil_journal_set_gather_ms(struct hil_journal *j, unsigned ms);

/* Fsyncs what is left and frees @j (NULL: nothing). It wakes the flusher
 * out of its gathering period, so it returns after one fsync, not after
 * the period. */
void hil_journal_close(struct hil_journal *j);

/* Calls @fn with each record of the journal at @path, in order, and the
 * byte offset of its line (@fn owns @rec). A torn last line (a crash
 * mid-write) ends the walk; a bad line elsewhere is HIL_EPROTO. @fn
 * returning < 0 stops the walk with that error. Memory: one record. */
int hil_journal_walk(const char *path, int (*fn)(json_t *rec, long offset, void *payload),
		     void *payload);
/* The same from byte @offset of the file on: *offset moves past each record
 * handed to @fn, so a later call reads only what was appended since
 * (resume: the records of the installs it ran). */
int hil_journal_walk_from(const char *path, long *offset,
			  int (*fn)(json_t *rec, long offset, void *payload), void *payload);

/* How many lines this process has parsed into records (the tests check
 * that each command parses every record once). */
unsigned long hil_journal_parse_count(void);

/* Reads every record of @path into a new array. A torn last line (crash
 * while writing) is ignored; any other bad line is an error that names
 * its line number. */
int hil_journal_read(json_t **records_out, const char *path);

/* Cuts a torn last line (a crash mid-write) off @path, so appending can
 * resume on a line of its own. */
int hil_journal_repair(const char *path);

#endif
