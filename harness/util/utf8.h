/* UTF-8 hygiene for text that comes from outside (tool transcripts, board
 * consoles) and goes into JSON or XML, which both require valid UTF-8. */
#ifndef HIL_HARNESS_UTF8_H
#define HIL_HARNESS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at @p (at most @left bytes), or 0
 * when it is not one (also for surrogates, overlongs, U+FFFE/U+FFFF). */
size_t hil_utf8_len(const unsigned char *p, size_t left);

/* A new copy of @len bytes of @s with every invalid byte replaced by
 * U+FFFD; with @drop_controls, control characters other than tab, CR and
 * LF are removed too (XML 1.0 cannot carry them at all). */
char *hil_utf8_clean(const char *s, size_t len, bool drop_controls);

#endif
