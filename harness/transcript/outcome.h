/* Outcome classes and verdicts: the stable identifiers of DESIGN §4 and §5.
 *
 * A class says what happened (parsed from the programmer's transcript or
 * measured by the harness); a verdict says whether that was what the
 * scenario expected. The names are contracts: they appear in JUnit type=,
 * journal.jsonl, summary.json and scenario files.
 */
#ifndef HIL_HARNESS_OUTCOME_H
#define HIL_HARNESS_OUTCOME_H

#include <stdbool.h>

enum hil_class {
	HIL_CLASS_NONE = -1,             /* "any" in expectations; unset */
	HIL_CLASS_SUCCESS = 0,
	HIL_CLASS_RSS_ERROR,
	HIL_CLASS_SECURITY_STATE_FAIL,
	HIL_CLASS_SECURITY_ACTIVATION_FAIL,
	HIL_CLASS_LICENSE_ERROR,
	HIL_CLASS_OPTION_BYTES_ERROR,
	HIL_CLASS_RECONNECT_FAIL,
	HIL_CLASS_FILE_ERROR,
	HIL_CLASS_VERIFY_MISMATCH,       /* harness addition: read-back differs from the image */
	HIL_CLASS_CONSOLE_MISMATCH,      /* harness addition: the console never printed the pattern */
	HIL_CLASS_UNKNOWN_ERROR,
	HIL_CLASS_NO_PROBE,              /* infrastructure from here on */
	HIL_CLASS_NO_TARGET,
	HIL_CLASS_TIMEOUT,
	HIL_CLASS_TOOL_CRASH,
	HIL_CLASS_POWER_ERROR,           /* harness addition: power controller failed */
	HIL_CLASS_IDENTITY_MISMATCH,     /* harness addition: not the board the rack says */
	HIL_CLASS_BOARD_BUSY,            /* harness addition: another run holds the board's lock */
	HIL_CLASS_BOARD_LOCKED,          /* harness addition: RDP level 2, never regressed */
	HIL_CLASS_INCOMPLETE,
	HIL_CLASS_COUNT
};

enum hil_verdict {
	HIL_VERDICT_PASS,
	HIL_VERDICT_FAIL,
	HIL_VERDICT_XFAIL,
	HIL_VERDICT_XPASS,
	HIL_VERDICT_ERROR,
	HIL_VERDICT_SKIP,
	HIL_VERDICT_COUNT
};

/* Exit codes of DESIGN §5. */
enum hil_exit {
	HIL_EXIT_OK = 0,
	HIL_EXIT_FAIL = 1,
	HIL_EXIT_USAGE = 2,
	HIL_EXIT_INFRA = 3,
	HIL_EXIT_INCONCLUSIVE = 4,  /* a statistical cell needs more runs; nothing failed */
	HIL_EXIT_INTERRUPTED = 130,
};

const char *hil_class_name(enum hil_class cls);
/* HIL_CLASS_NONE when @name is not a class. */
enum hil_class hil_class_from_name(const char *name);
/* Infrastructure classes become JUnit <error> and verdict `error`. */
bool hil_class_is_infra(enum hil_class cls);
/* NULL-terminated list of every class name, in enum order. */
const char *const *hil_class_names(void);

const char *hil_verdict_name(enum hil_verdict v);
enum hil_verdict hil_verdict_from_name(const char *name); /* HIL_VERDICT_COUNT if unknown */

#endif
