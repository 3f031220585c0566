/* XML and HTML text; see xml_text.h. */
#include "reports/xml_text.h"
#include "harness/util/strbuf.h"
#include "harness/util/term.h"

#include <stdlib.h>
#include <string.h>

char *hil_xml_clean(const char *s, size_t len)
{
	return hil_term_safe_dup(s, len, true);
}

void hil_xml_escape(struct hil_strbuf *b, const char *s)
{
	char *clean = hil_xml_clean(s ? s : "", s ? strlen(s) : 0);
	const char *p = clean;

	for (;;) { /* the plain runs between special characters in one piece each */
		size_t plain = strcspn(p, "&<>\"'");
		hil_strbuf_put(b, p, plain);
		p += plain;
		switch (*p) {
		case '\0': free(clean); return;
		case '&': hil_strbuf_puts(b, "&amp;"); break;
		case '<': hil_strbuf_puts(b, "&lt;"); break;
		case '>': hil_strbuf_puts(b, "&gt;"); break;
		case '"': hil_strbuf_puts(b, "&quot;"); break;
		default: hil_strbuf_puts(b, "&#39;"); break;
		}
		p++;
	}
}
