/* Text for XML and HTML, one rule for every writer (junit.c, html.c,
 * trend.c): nothing a reader's screen would act on, and nothing that
 * would end an attribute or start an element, reaches a page raw.
 *
 * Names, labels, messages and paths come from files a user (or an
 * attacker) wrote and from programmer transcripts. XML 1.0 cannot carry
 * most C0 controls at all (one makes a JUnit file unreadable to Jenkins),
 * and characters it can carry still mislead: U+202E reverses what a
 * reader sees, a C1 CSI (U+009B) acts on terminals that show a log. Each
 * such character is written visibly, as harness/util/term.h does for the
 * terminal, so a page shows a name exactly as the terminal does: C0
 * controls (but tab and newline in multi-line text), DEL and every byte
 * that is not UTF-8 as \xNN; C1 controls and the bidi and invisible
 * format characters (U+061C, U+200B-U+200F, U+202A-U+202E,
 * U+2060-U+2069, U+FEFF) as \uNNNN. docs/reliability.md, "Hostile
 * input", lists where each is tested. */
#ifndef HIL_REPORTS_XML_TEXT_H
#define HIL_REPORTS_XML_TEXT_H

#include <stddef.h>

struct hil_strbuf;

/* Returns a new copy of @len bytes of @s with the characters above made
 * visible (tab and newline pass): for libxml2's writer, which escapes
 * markup itself. */
char *hil_xml_clean(const char *s, size_t len);

/* Appends @s to @b for HTML or XML text or a double- or single-quoted
 * attribute: made visible as above (tab and newline pass) and
 * & < > " ' escaped. */
void hil_xml_escape(struct hil_strbuf *b, const char *s);

#endif
