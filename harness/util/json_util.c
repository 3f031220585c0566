/* JSON helpers for journal records; see json_util.h. */
#include "harness/util/json_util.h"
#include "harness/util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *hil_json_hex(bool has, uint32_t v, const char *fmt)
{
	char buf[16];

	if (!has)
		return json_null();
	snprintf(buf, sizeof(buf), fmt, v);
	return json_string(buf);
}

/* Messages carry text from tools and boards: repaired to valid UTF-8,
 * which JSON requires (jansson refuses anything else). */
json_t *hil_json_text(const char *s)
{
	char *clean;
	json_t *j;

	if (!s || !s[0])
		return json_null();
	clean = hil_utf8_clean(s, strlen(s), false);
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *hil_json_rss(const uint32_t *rss, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, hil_json_hex(true, rss[i], "0x%X"));
	return a;
}
