/* Terminal-safe text; see term.h. */
#include "harness/util/term.h"
#include "harness/util/utf8.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static uint32_t decode(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0];
	if (n == 2)
		return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	if (n == 3)
		return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	       (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

static bool is_format_char(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

/* How the character at @p (of @left bytes) is written: its byte length in
 * *len, and into @esc its escape, or "" when it passes as it is. */
static void classify(const unsigned char *p, size_t left, bool multiline, size_t *len,
		     char esc[12])
{
	size_t n = hil_utf8_len(p, left);

	esc[0] = '\0';
	if (n == 0) { /* not UTF-8: one byte, shown as such */
		*len = 1;
		snprintf(esc, 12, "\\x%02X", p[0]);
		return;
	}
	*len = n;
	uint32_t c = decode(p, n);
	if (c < 0x20 || c == 0x7F) {
		if (!(multiline && (c == '\n' || c == '\t')))
			snprintf(esc, 12, "\\x%02X", (unsigned)c);
	} else if (is_format_char(c)) {
		snprintf(esc, 12, "\\u%04X", (unsigned)c);
	}
}

char *hil_term_safe(char *out, size_t size, const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p), used = 0;

	if (!size)
		return out;
	while (left) {
		char esc[12];
		size_t len;
		classify(p, left, multiline, &len, esc);
		const char *piece = esc[0] ? esc : (const char *)p;
		size_t piece_len = esc[0] ? strlen(esc) : len;
		if (used + piece_len >= size)
			break;
		memcpy(out + used, piece, piece_len);
		used += piece_len;
		p += len;
		left -= len;
	}
	out[used] = '\0';
	return out;
}

char *hil_term_safe_dup(const char *s, size_t len, bool multiline)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	while (len) {
		char esc[12];
		size_t n;
		classify(p, len, multiline, &n, esc);
		if (esc[0])
			hil_strbuf_puts(&b, esc);
		else
			hil_strbuf_put(&b, (const char *)p, n);
		p += n;
		len -= n;
	}
	return hil_strbuf_detach(&b);
}

void hil_term_vprintf(FILE *f, const char *fmt, va_list ap)
{
	va_list again;
	int len;

	va_copy(again, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	if (len >= 0) {
		char *raw = hil_xmalloc((size_t)len + 1);
		vsnprintf(raw, (size_t)len + 1, fmt, again);
		char *safe = hil_term_safe_dup(raw, (size_t)len, true);
		fputs(safe, f);
		free(safe);
		free(raw);
	}
	va_end(again);
}

void hil_term_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hil_term_vprintf(f, fmt, ap);
	va_end(ap);
}

bool hil_term_needs_escape(const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p);

	while (left) {
		char esc[12];
		size_t len;
		classify(p, left, multiline, &len, esc);
		if (esc[0])
			return true;
		p += len;
		left -= len;
	}
	return false;
}
