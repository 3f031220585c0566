/* Thread-local last-error message; see error.h for the convention. */
#include "harness/util/error.h"
#include "harness/util/term.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];

int hil_error_set(int code, const char *fmt, ...)
{
	char raw[sizeof(last_message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* messages carry names and paths from input files, and end up on a
	 * terminal: nothing in them may act on it (term.h) */
	hil_term_safe(last_message, sizeof(last_message), raw, true);
	return code;
}

const char *hil_error_last(void)
{
	return last_message;
}

void hil_error_clear(void)
{
	last_message[0] = '\0';
}

const char *hil_error_name(int code)
{
	switch (code) {
	case HIL_OK: return "ok";
	case HIL_ENOTFOUND: return "not found";
	case HIL_ETIMEOUT: return "timeout";
	case HIL_EBUSY: return "busy";
	case HIL_EACCES: return "permission denied";
	case HIL_EPROTO: return "protocol error";
	case HIL_ECONFIG: return "configuration error";
	case HIL_ENOMEM: return "out of memory";
	case HIL_EHW: return "hardware error";
	case HIL_EIO: return "i/o error";
	case HIL_EREFUSED: return "refused";
	default: return "error";
	}
}
