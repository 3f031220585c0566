/* Which catalogue entry explains an install; see case_explain.h. */
#include "reports/case_explain.h"

#include <string.h>

const struct hil_catalogue_entry *hil_case_explanation(const struct hil_results_case *c)
{
	const char *values[16];
	size_t n = 0;

	if (!c->verdict[0] || !strcmp(c->verdict, "pass") || !strcmp(c->verdict, "skip"))
		return NULL;
	for (size_t i = 0; i < c->rss_count && n < sizeof(values) / sizeof(*values); i++)
		values[n++] = c->rss[i];
	return hil_catalogue_outcome(c->cls, values, n);
}
