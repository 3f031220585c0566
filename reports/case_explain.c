/* Which catalogue entry explains an install; see case_explain.h. */
#include "reports/case_explain.h"

#include <string.h>

const struct hil_catalogue_entry *hil_case_explanation(const json_t *c)
{
	const char *verdict = json_string_value(json_object_get(c, "verdict"));
	const json_t *rss = json_object_get(c, "rss");
	const char *values[16];
	size_t n = 0, i;
	json_t *v;

	if (!verdict || !strcmp(verdict, "pass") || !strcmp(verdict, "skip"))
		return NULL;
	json_array_foreach(rss, i, v)
		if (n < sizeof(values) / sizeof(*values))
			values[n++] = json_string_value(v);
	return hil_catalogue_outcome(json_string_value(json_object_get(c, "class")), values, n);
}
