/* JSON helpers for journal records; see json_util.h. */
#include "harness/util/json_util.h"
#include "harness/util/utf8.h"
#include "harness/util/xalloc.h"

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

char *hil_json_dumps_ascii(const json_t *j, size_t flags)
{
	char *text = json_dumps(j, flags | JSON_ENSURE_ASCII);
	size_t dels = 0;

	if (!text)
		return NULL;
	for (const char *p = text; *p; p++)
		dels += *p == 0x7F;
	if (!dels)
		return text;
	/* DEL is never structural JSON: each one is inside a string */
	char *out = hil_xmalloc(strlen(text) + dels * 5 + 1), *q = out;
	for (const char *p = text; *p; p++) {
		if (*p == 0x7F) {
			memcpy(q, "\\u007F", 6); /* upper case, as jansson writes */
			q += 6;
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	free(text);
	return out;
}
