/* Text for a terminal: nothing a terminal would act on gets through raw.
 *
 * Names, paths, keys and tool messages come from files a user (or an
 * attacker) wrote; echoed raw, "ESC [ 2 J" clears the screen, "ESC ] 0 ;"
 * retitles the window, U+202E reverses what follows, and a C1 CSI (U+009B)
 * does what ESC [ does on many terminals. Each such character is written
 * visibly instead: C0 controls, DEL and invalid UTF-8 bytes as \xNN, C1
 * controls and the bidi and invisible format characters (U+061C,
 * U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF) as \uNNNN.
 * A backslash stays a backslash (the escapes are for people, not a format
 * to decode).
 */
#ifndef HIL_UTIL_TERM_H
#define HIL_UTIL_TERM_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes @s, made safe, into @out (@size bytes, always NUL-terminated;
 * cut at a character boundary when it does not fit). With @multiline, \n
 * and \t pass (messages of several lines); otherwise they are escaped too.
 * Returns @out. */
char *hil_term_safe(char *out, size_t size, const char *s, bool multiline);

/* The same escapes for @len bytes of @s (a NUL byte included: \x00) into
 * a new string of whatever length (free it). Reports use it too
 * (reports/xml_text.h), so a page shows a name exactly as the terminal
 * does. */
char *hil_term_safe_dup(const char *s, size_t len, bool multiline);

/* printf() to @f with the formatted text made safe (multi-line: \n and
 * \t pass), for output that prints what a file or a device said. */
void hil_term_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hil_term_vprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* True when @s holds a character hil_term_safe() would escape. */
bool hil_term_needs_escape(const char *s, bool multiline);

#endif
