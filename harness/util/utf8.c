/* UTF-8 validation and repair; see utf8.h. */
#include "harness/util/utf8.h"
#include "harness/util/strbuf.h"

#include <stdint.h>

size_t hil_utf8_len(const unsigned char *p, size_t left)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

char *hil_utf8_clean(const char *s, size_t len, bool drop_controls)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = hil_utf8_len(p + i, len - i);
		if (n == 0) {
			hil_strbuf_puts(&b, "\xEF\xBF\xBD");
			i++;
		} else if (drop_controls && n == 1 && p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			   p[i] != '\r') {
			i++;
		} else {
			hil_strbuf_put(&b, (const char *)p + i, n);
			i += n;
		}
	}
	return hil_strbuf_detach(&b);
}
