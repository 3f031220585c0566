/* Collected input diagnostics; see diag.h. */
#include "harness/util/diag.h"
#include "harness/util/term.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>

void hil_diag_add(struct hil_diag *d, const char *file, unsigned line,
		  unsigned col, const char *fmt, ...)
{
	char raw[1024], msg[1024], where[512];
	va_list ap;

	if (d->count >= HIL_DIAG_MAX) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* the message quotes the input, the file name is the user's: both are
	 * printed on a terminal, so neither may carry a control (term.h) */
	hil_term_safe(msg, sizeof(msg), raw, true);
	hil_term_safe(where, sizeof(where), file, false);
	file = where;

	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->lines = hil_xrealloc(d->lines, d->cap * sizeof(*d->lines));
	}
	if (line)
		d->lines[d->count++] = hil_xasprintf("%s:%u:%u: %s", file, line, col, msg);
	else
		d->lines[d->count++] = hil_xasprintf("%s: %s", file, msg);
}

void hil_diag_print(const struct hil_diag *d, FILE *f)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(f, "%s\n", d->lines[i]);
	if (d->dropped)
		fprintf(f, "... and %zu more problem%s (the first %d are shown)\n", d->dropped,
			d->dropped == 1 ? "" : "s", HIL_DIAG_MAX);
}

void hil_diag_clear(struct hil_diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->count = d->cap = d->dropped = 0;
}
