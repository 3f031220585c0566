/* harness/util/term.c: nothing a terminal acts on passes raw. */
#include "harness/util/diag.h"
#include "harness/util/error.h"
#include "harness/util/json_util.h"
#include "harness/util/term.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *safe(const char *s, bool multiline)
{
	static char out[512];

	return hil_term_safe(out, sizeof(out), s, multiline);
}

Test(term, controls_become_visible_escapes)
{
	cr_assert_str_eq(safe("a\033[2Jb", false), "a\\x1B[2Jb");
	cr_assert_str_eq(safe("\033]0;title\007", false), "\\x1B]0;title\\x07");
	cr_assert_str_eq(safe("x\x7fy", false), "x\\x7Fy");
	cr_assert_str_eq(safe("line1\nline2\tz", false), "line1\\x0Aline2\\x09z");
	cr_assert_str_eq(safe("line1\nline2\tz", true), "line1\nline2\tz");
	cr_assert_str_eq(safe("cr\rhere", true), "cr\\x0Dhere", "a carriage return overwrites");
}

Test(term, c1_bidi_and_invisible_characters_are_escaped_and_plain_utf8_passes)
{
	cr_assert_str_eq(safe("csi\xc2\x9b" "2J", false), "csi\\u009B2J");
	cr_assert_str_eq(safe("abc\xe2\x80\xae" "fed", false), "abc\\u202Efed");
	cr_assert_str_eq(safe("\xe2\x81\xa6x\xe2\x81\xa9", false), "\\u2066x\\u2069");
	cr_assert_str_eq(safe("zero\xe2\x80\x8bwidth", false), "zero\\u200Bwidth");
	cr_assert_str_eq(safe("raw\x9b" "8bit", false), "raw\\x9B8bit", "an 8-bit CSI byte");
	cr_assert_str_eq(safe("\xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x8c", false),
			 "\xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x8c");
	cr_assert(!hil_term_needs_escape("dk-bl90 install[image=x.sfi] run 01", false));
	cr_assert(hil_term_needs_escape("a\xe2\x80\xae", false));
}

Test(term, output_is_cut_at_a_character_boundary)
{
	char out[8];

	hil_term_safe(out, sizeof(out), "ab\033cdef", false);
	cr_assert_str_eq(out, "ab\\x1Bc", "an escape is never cut in half: %s", out);
	hil_term_safe(out, 4, "\xe2\x80\x94\xe2\x80\x94", false);
	cr_assert_str_eq(out, "\xe2\x80\x94");
}

Test(term, error_and_diagnostic_messages_carry_no_raw_control)
{
	struct hil_diag d = { 0 };

	hil_error_set(HIL_ECONFIG, "campaign '%s' is bad", "x\033[2Jy");
	cr_assert_str_eq(hil_error_last(), "campaign 'x\\x1B[2Jy' is bad");
	hil_diag_add(&d, "sc\033]0;t\007.yaml", 3, 7, "key '%s'", "\xc2\x9b" "1m");
	cr_assert_str_eq(d.lines[0], "sc\\x1B]0;t\\x07.yaml:3:7: key '\\u009B1m'");
	hil_diag_clear(&d);
}

Test(term, an_error_may_quote_the_previous_one)
{
	char first[64];

	hil_error_set(HIL_EHW, "write failed: %s", "device gone");
	snprintf(first, sizeof(first), "%s", hil_error_last());
	/* the FTDI reopen path: the new message embeds hil_error_last() itself */
	hil_error_set(HIL_EHW, "%s (reopening failed: %s)", first, hil_error_last());
	cr_assert_str_eq(hil_error_last(), "write failed: device gone (reopening failed: write "
			 "failed: device gone)");
}

Test(term, the_dup_form_takes_any_length_and_shows_nul_bytes)
{
	char big[5000];

	memset(big, 'a', sizeof(big));
	big[0] = '\033';
	char *s = hil_term_safe_dup(big, sizeof(big), false);
	cr_assert_eq(strlen(s), sizeof(big) + 3, "not cut at a fixed buffer");
	cr_assert(!strncmp(s, "\\x1Baa", 6));
	free(s);
	s = hil_term_safe_dup("a\0b\n", 4, true);
	cr_assert_str_eq(s, "a\\x00b\n");
	free(s);
}

Test(term, json_for_a_terminal_is_printable_ascii)
{
	json_t *j = json_pack("{s:s}", "v", "del\x7f rtl\xe2\x80\xae csi\xc2\x9b esc\x1b");
	char *text = hil_json_dumps_ascii(j, JSON_COMPACT);

	cr_assert_str_eq(text, "{\"v\":\"del\\u007F rtl\\u202E csi\\u009B esc\\u001B\"}");
	json_t *back = json_loads(text, 0, NULL);
	cr_assert(json_equal(j, back), "the same JSON to a reader");
	json_decref(back);
	json_decref(j);
	free(text);
}
