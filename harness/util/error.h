/* Error codes and the thread-local "last error" message.
 *
 * Convention (libgit2 docs/error-handling.md): functions return 0 or a
 * negative HIL_E* code, and set the message where the error is detected:
 *
 *     return hil_error_set(HIL_ETIMEOUT, "[%s] probe %s not seen after %u ms", ...);
 *
 * A harness fault (an error code) is never a device verdict: a device that
 * did the wrong thing is a successful call whose result says so.
 */
#ifndef HIL_HARNESS_ERROR_H
#define HIL_HARNESS_ERROR_H

enum hil_error {
	HIL_OK = 0,
	HIL_ERROR = -1,     /* anything not listed below */
	HIL_ENOTFOUND = -2, /* board, probe, file or key absent */
	HIL_ETIMEOUT = -3,  /* a deadline passed */
	HIL_EBUSY = -4,     /* resource held by someone else */
	HIL_EACCES = -5,    /* permissions (udev rules, files) */
	HIL_EPROTO = -6,    /* unparseable tool or device output */
	HIL_ECONFIG = -7,   /* bad rack, scenario or profile */
	HIL_ENOMEM = -8,
	HIL_EHW = -9,       /* hardware or driver library failure */
	HIL_EIO = -10,      /* file system */
	HIL_EREFUSED = -11, /* a safety guard refused the operation */
};

/* Sets the calling thread's last error message and returns @code. */
int hil_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The calling thread's last message; "" when none. Borrowed: valid until
 * the next hil_error_set() on this thread. */
const char *hil_error_last(void);

void hil_error_clear(void);

/* Short stable name of a code ("timeout", "not found", ...). */
const char *hil_error_name(int code);

#endif
