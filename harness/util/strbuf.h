/* A growable string buffer (cf. git strbuf, curl dynbuf). */
#ifndef HIL_HARNESS_STRBUF_H
#define HIL_HARNESS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct hil_strbuf {
	char *buf;   /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define HIL_STRBUF_INIT { NULL, 0, 0 }

void hil_strbuf_put(struct hil_strbuf *b, const char *data, size_t len);
void hil_strbuf_puts(struct hil_strbuf *b, const char *s);
void hil_strbuf_putc(struct hil_strbuf *b, char c);
void hil_strbuf_printf(struct hil_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents ("" when empty). Borrowed. */
const char *hil_strbuf_str(const struct hil_strbuf *b);
/* Hands the string to the caller (never NULL) and resets the buffer. */
char *hil_strbuf_detach(struct hil_strbuf *b);
void hil_strbuf_free(struct hil_strbuf *b);

/* Copies @src into @dst[size], cutting it short if needed; always
 * NUL-terminated. Returns true when nothing was cut. */
bool hil_copy_str(char *dst, size_t size, const char *src);

/* FNV-1a hash of a string: stable across runs and hosts. */
unsigned long long hil_fnv1a(const char *s);

#endif
