/* Shared inside reports/ between the results model (results.c), its
 * journal boundary (results_journal.c) and the per-board install store
 * (results_store.c). Not for use elsewhere. */
#ifndef HIL_REPORTS_RESULTS_INTERNAL_H
#define HIL_REPORTS_RESULTS_INTERNAL_H

#include "reports/results.h"

#include <stdio.h>

/* The store's spill file, shared by every board of one model: created
 * (tmpfile(), already unlinked) when the first board's installs outgrow
 * memory. */
struct hil_results_spill {
	FILE *f;
	long size;
};

struct hil_results_store *hil_results_store_new(void);
void hil_results_store_free(struct hil_results_store *s);

/* A step of install @case_name: held until that install's case record. */
/* Forgets the steps still waiting for their case record (installs a kill
 * cut short: a resume record follows them). */
void hil_results_store_drop_waiting(struct hil_results_store *s);
void hil_results_store_add_step(struct hil_results_store *s, const char *case_name,
				const struct hil_results_step *step);
/* An install: @c (its steps ignored) with the steps held for its name,
 * which leave the store's waiting list. Encoded compactly, appended to the
 * board's installs (spilled to @spill when they outgrow memory). */
int hil_results_store_add_case(struct hil_results_store *s, struct hil_results_spill *spill,
			       const struct hil_results_case *c);

/* Model internals for results_journal.c. */
struct hil_results_board *hil_results_board_get(struct hil_results *r, const char *name);
/* Counts install @c of board @b into its cell and the totals. */
void hil_results_tally(struct hil_results *r, struct hil_results_board *b,
		       const struct hil_results_case *c, const char *const *param_names,
		       const char *const *param_values, size_t param_count, bool has_max_rate,
		       double max_rate, const char *reason);
struct hil_results_spill *hil_results_spill_of(struct hil_results *r);

#endif
