/* JSON values the journal writers share: hex numbers as "0x..", text from
 * tools repaired to valid UTF-8 (jansson refuses anything else). */
#ifndef HIL_HARNESS_JSON_UTIL_H
#define HIL_HARNESS_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "0x%X"-style string per @fmt, or null when !@has. New reference. */
json_t *hil_json_hex(bool has, uint32_t v, const char *fmt);
/* A string (repaired to valid UTF-8), or null for NULL/"". New reference. */
json_t *hil_json_text(const char *s);
/* ["0x16", ...]. New reference. */
json_t *hil_json_rss(const uint32_t *rss, size_t n);

/* json_dumps(@j, @flags) in pure printable ASCII, for JSON that goes to a
 * terminal (--json output, --json-events -): every character past ASCII is
 * \uXXXX (JSON_ENSURE_ASCII) and DEL, which jansson leaves raw, is
 * \u007F too. The same JSON to any reader. NULL when jansson fails; free it. */
char *hil_json_dumps_ascii(const json_t *j, size_t flags);

#endif
