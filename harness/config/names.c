/* Name checks; see names.h. */
#include "harness/config/names.h"

#include <stdio.h>
#include <string.h>

static bool plain(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Describes the first character that is not allowed: printable ones
 * quoted, others by their code (a control must not be echoed raw). */
static void bad_char(char *why, size_t size, unsigned char c, size_t at)
{
	if (c >= 0x21 && c < 0x7F)
		snprintf(why, size, "'%c' at character %zu", c, at + 1);
	else
		snprintf(why, size, "byte 0x%02X at character %zu", c, at + 1);
}

static bool check(const char *name, char *why, size_t size, const char *extra)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0) {
		snprintf(why, size, "it is empty");
		return false;
	}
	if (len > HIL_NAME_MAX) {
		snprintf(why, size, "it has %zu characters, more than %d", len, HIL_NAME_MAX);
		return false;
	}
	if (!plain(name[0])) {
		bad_char(why, size, (unsigned char)name[0], 0);
		snprintf(why + strlen(why), size - strlen(why), " (it must start with a letter or "
			 "digit)");
		return false;
	}
	for (size_t i = 1; i < len; i++) {
		if (plain(name[i]) || (name[i] && strchr(extra, name[i])))
			continue;
		bad_char(why, size, (unsigned char)name[i], i);
		return false;
	}
	return true;
}

bool hil_name_ok(const char *name, char *why, size_t why_size)
{
	return check(name, why, why_size, "._+-");
}

bool hil_serial_ok(const char *serial, char *why, size_t why_size)
{
	return check(serial, why, why_size, "");
}
