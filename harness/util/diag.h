/* Diagnostics for user input: a list of "file:line:col: message" lines.
 *
 * Loaders keep going after an error where they can, so one `check` shows
 * every problem of a file, not just the first. At most HIL_DIAG_MAX are
 * kept (a 10 000-cell matrix whose every cell names a missing image would
 * otherwise print 10 000 lines, each up to 1 KiB); the rest are counted.
 */
#ifndef HIL_HARNESS_DIAG_H
#define HIL_HARNESS_DIAG_H

#include <stddef.h>
#include <stdio.h>

#define HIL_DIAG_MAX 100

struct hil_diag {
	char **lines; /* owned */
	size_t count;
	size_t cap;
	size_t dropped; /* problems past HIL_DIAG_MAX, not kept */
};

/* Appends "file:line:col: <message>". line/col are 1-based; 0 omits them. */
void hil_diag_add(struct hil_diag *d, const char *file, unsigned line,
		  unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Prints the lines, then "... and N more problems" when some were dropped. */
void hil_diag_print(const struct hil_diag *d, FILE *f);

/* Frees the lines; the struct itself may be on the stack. */
void hil_diag_clear(struct hil_diag *d);

#endif
