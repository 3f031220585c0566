/* Growable string buffer; see strbuf.h. */
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct hil_strbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->buf = hil_xrealloc(b->buf, cap);
	b->cap = cap;
}

void hil_strbuf_put(struct hil_strbuf *b, const char *data, size_t len)
{
	grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void hil_strbuf_puts(struct hil_strbuf *b, const char *s)
{
	hil_strbuf_put(b, s, strlen(s));
}

void hil_strbuf_putc(struct hil_strbuf *b, char c)
{
	hil_strbuf_put(b, &c, 1);
}

void hil_strbuf_printf(struct hil_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *hil_strbuf_str(const struct hil_strbuf *b)
{
	return b->buf ? b->buf : "";
}

char *hil_strbuf_detach(struct hil_strbuf *b)
{
	char *s = b->buf ? b->buf : hil_xstrdup("");

	b->buf = NULL;
	b->len = b->cap = 0;
	return s;
}

void hil_strbuf_free(struct hil_strbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

bool hil_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	bool whole = n < size;

	if (!size)
		return false;
	if (!whole)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return whole;
}

unsigned long long hil_fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}
