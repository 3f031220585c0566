/* Allocation helpers that abort on exhaustion.
 *
 * A test harness that runs out of memory cannot report anything useful, so
 * allocation failure is fatal (with a message) rather than a code path in
 * every caller. Inputs from outside are bounded before they are stored.
 */
#ifndef HIL_HARNESS_XALLOC_H
#define HIL_HARNESS_XALLOC_H

#include <stddef.h>

void *hil_xmalloc(size_t n);
void *hil_xcalloc(size_t count, size_t size);
void *hil_xrealloc(void *p, size_t n);
/* NULL in, NULL out. */
char *hil_xstrdup(const char *s);
char *hil_xstrndup(const char *s, size_t n);
char *hil_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
