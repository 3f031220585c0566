/* The results model every report is rendered from, built from the journal
 * alone (so run, resume, merge and report render the same): typed structs
 * for the campaign, its boards, their installs (cases) with their steps,
 * the matrix cells and the totals. docs/reading-reports.md describes each
 * field as summary.json shows it.
 *
 * The model reads each journal record once and keeps it in compact typed
 * form: the campaign, boards, cells and totals in memory; each board's
 * installs in a per-board byte store (results_store.c) that stays in
 * memory while small and spills to a temporary file in 64 KiB chunks, so
 * memory does not grow with the number of installs. A writer asks for a
 * board's installs and gets them one at a time, in journal order, as often
 * as it needs (hil_results_cases_*). JSON stays at the boundaries: the
 * journal (results_journal.c) and summary.json (summary_json.c).
 *
 * Text fields are never NULL unless said so ("" when the journal has
 * none). The model never writes a report (reports/write_all.c does).
 */
#ifndef HIL_REPORTS_RESULTS_H
#define HIL_REPORTS_RESULTS_H

#include "harness/transcript/outcome.h"

#include <stdbool.h>
#include <stddef.h>

/* One step of an install, as its step record says. */
struct hil_results_step {
	const char *kind, *cls, *message, *log;
	double duration_s, t0, t1;
};

/* An earlier attempt of an install (an infrastructure error, retried). */
struct hil_results_attempt {
	const char *cls, *message;
};

/* One install, with the steps of every attempt, in journal order. Valid
 * until the next hil_results_cases_next() or _close() on its cursor. */
struct hil_results_case {
	const char *board, *name, *cell, *verdict, *cls, *message;
	const char *const *rss;               /* RSS values ("0x16"); an entry NULL: not text */
	size_t rss_count;
	const char *expected_result;
	const char *expected_class;           /* NULL: no class expected */
	bool has_image;                       /* the installed image's identity: */
	const char *image_path, *image_sha256;
	long long image_protocol, image_areas;
	const struct hil_results_attempt *attempts; /* NULL with attempt_count 0: none */
	size_t attempt_count;
	const struct hil_results_step *steps;
	size_t step_count;
	double duration_s;
};

/* A board's identity fields, in the board record's words. */
enum hil_results_board_field {
	HIL_RB_KIND, HIL_RB_PROBE_SERIAL, HIL_RB_DEVICE_ID, HIL_RB_BL_VERSION, HIL_RB_REVISION,
	HIL_RB_RSS_VERSION, HIL_RB_CHIP_UID, HIL_RB_POWER_CHECK, HIL_RB_CLASS, HIL_RB_MESSAGE,
	HIL_RB_FIELD_COUNT
};

/* The journal's (and summary.json's) key of each board field. */
extern const char *const hil_results_board_keys[HIL_RB_FIELD_COUNT];

struct hil_results_store;

struct hil_results_board {
	char *name;
	char *rack;                           /* a merged campaign's: the board's rack; NULL: the campaign's */
	/* NULL: null or not in the journal (seen says which, order is the
	 * board record's key order, for summary.json) */
	char *field[HIL_RB_FIELD_COUNT];
	bool seen[HIL_RB_FIELD_COUNT];
	unsigned char order[HIL_RB_FIELD_COUNT];
	size_t order_count;
	size_t case_count;                    /* installs in the journal */
	struct hil_results_store *store;      /* its installs (results_store.c) */
};

struct json_t; /* jansson's, at the journal boundary only */
struct hil_results_spill;

/* The keys of a cell object that appear in the order the installs first
 * needed them: a verdict count (enum hil_verdict) or max_failure_rate. */
#define HIL_RESULTS_KEY_MAX_RATE HIL_VERDICT_COUNT

struct hil_results_cell {
	size_t board;                         /* index in boards */
	char *label;                          /* "image=x.sfi", "" without a matrix */
	char *bl_version;                     /* the board's when first seen; NULL: null */
	char **param_names, **param_values;   /* values NULL: not text */
	size_t param_count;
	unsigned long runs, failures, verdicts[HIL_VERDICT_COUNT];
	char **class_names;                   /* classes in first-seen order */
	unsigned long *class_counts;
	size_t class_count;
	unsigned char key_order[HIL_VERDICT_COUNT + 1];
	size_t key_count;
	bool max_rate_seen, has_max_rate;
	double max_rate;
	/* set by hil_results_finish(): */
	double failure_rate, ci_lo, ci_hi;    /* failure_rate only when runs */
	const char *verdict;                  /* pass ... skip, qualification words */
	bool has_more_runs;
	unsigned more_runs;
	char rss_text[64];                    /* "RSS 0x16,0x17": the CLI summary's column */
	char *reason;                         /* the expectation's reason; NULL: none */
};

struct hil_results {
	/* the campaign record (the first one); NULL: not in the journal */
	char *campaign, *scenario, *rack, *rack_file, *started, *host, *finished, *junit_profile;
	char *description;                    /* the scenario's; NULL: none */
	char *scenario_sha256, *rack_sha256;  /* NULL: a journal from before they were kept */
	bool has_seed, xpass_fails, interrupted;
	long long seed, repeat;
	long long shard, shards, jobs;        /* as run was given them; 0: none */
	double time_scale;
	/* Completeness (docs/engine.md, "campaign directory"): the installs
	 * planned (by the campaign record(s); 0: unknown) and in the journal;
	 * ended: an end record follows the last start (campaign or resume);
	 * write_failed: the run stopped because a result could not be saved;
	 * incomplete: a reason from merge (a shard missing or unfinished) or
	 * from the caller (a writer still live), NULL: none. By
	 * hil_results_finish(): complete, and why_incomplete (never NULL when
	 * !complete). */
	unsigned long long installs_planned, installs_done;
	bool ended, write_failed, complete;
	bool merged;                          /* made by merge (merged_from) */
	char *incomplete;
	const char *why_incomplete;
	/* "IMAGE: REASON" of each install the scenario declares reversible
	 * (step `reversible:`), from the campaign record */
	char **reversible;
	size_t reversible_count;
	/* run --board/--only/--only-failed: the (board, cell label) pairs the
	 * campaign kept, "BOARD\nLABEL"; has_selection false: all of them */
	char **selected;
	size_t selected_count;
	bool has_selection;
	unsigned long hsm_draws;
	struct hil_results_board *boards;     /* plan order, then first seen */
	size_t board_count;
	struct hil_results_cell *cells;       /* after hil_results_finish(): board order */
	size_t cell_count;
	unsigned long totals[HIL_VERDICT_COUNT];
	int exit_code;                        /* DESIGN §5 and docs/reading-reports.md, by hil_results_finish() */
	bool inconclusive;                    /* a statistical cell needs more runs */
	size_t record_count;
	long journal_offset;                  /* hil_results_read() went this far */
	bool keep_cases;
	/* private */
	struct hil_results_spill *spill;      /* the boards' spilled installs */
	bool campaign_seen;
	size_t last_board, cell_cap, board_cap;
};

/* A new, empty model. @keep_cases false: count the installs but keep none
 * (pass-rate trends need only the cells). Free with hil_results_free(). */
struct hil_results *hil_results_new(bool keep_cases);
void hil_results_free(struct hil_results *r);

/* Reads the records @path holds past r->journal_offset into @r (all of
 * them the first time; a second call reads what was appended since). */
int hil_results_read(struct hil_results *r, const char *path);
/* Adds one journal record (not modified) to @r: merge feeds records it
 * also writes. */
int hil_results_add(struct hil_results *r, const struct json_t *record);
/* Cell verdicts and order, exit code. Call after the last record; adding
 * more records after it is not allowed. */
void hil_results_finish(struct hil_results *r);

/* new + read + finish. *out: hil_results_free(). */
int hil_results_load(struct hil_results **out, const char *journal_path, bool keep_cases);

/* The installs of board @board (an index in r->boards), one at a time in
 * journal order:
 *
 *   struct hil_results_cursor *cur;
 *   const struct hil_results_case *c;
 *   int rc;
 *   if (hil_results_cases_open(&cur, r, i) < 0) ...
 *   while ((rc = hil_results_cases_next(cur, &c)) > 0) ...use c...
 *   hil_results_cases_close(cur);   (rc < 0: a read error, message set)
 */
struct hil_results_cursor;
int hil_results_cases_open(struct hil_results_cursor **out, const struct hil_results *r, size_t board);
int hil_results_cases_next(struct hil_results_cursor *cur, const struct hil_results_case **out);
void hil_results_cases_close(struct hil_results_cursor *cur);

/* "" for NULL: text fields the reports print either way. */
static inline const char *hil_results_text(const char *s)
{
	return s ? s : "";
}

/* What @r's exit code means, in words ("all as expected", "incomplete",
 * "inconclusive, more runs needed", ...): the summary and report.html. */
const char *hil_results_exit_meaning(const struct hil_results *r);

#endif
