/* Class and verdict names; see outcome.h. */
#include "harness/transcript/outcome.h"

#include <string.h>

static const char *const class_names[HIL_CLASS_COUNT + 1] = {
	[HIL_CLASS_SUCCESS] = "success",
	[HIL_CLASS_RSS_ERROR] = "rss_error",
	[HIL_CLASS_SECURITY_STATE_FAIL] = "security_state_fail",
	[HIL_CLASS_SECURITY_ACTIVATION_FAIL] = "security_activation_fail",
	[HIL_CLASS_LICENSE_ERROR] = "license_error",
	[HIL_CLASS_OPTION_BYTES_ERROR] = "option_bytes_error",
	[HIL_CLASS_RECONNECT_FAIL] = "reconnect_fail",
	[HIL_CLASS_FILE_ERROR] = "file_error",
	[HIL_CLASS_VERIFY_MISMATCH] = "verify_mismatch",
	[HIL_CLASS_CONSOLE_MISMATCH] = "console_mismatch",
	[HIL_CLASS_UNKNOWN_ERROR] = "unknown_error",
	[HIL_CLASS_NO_PROBE] = "no_probe",
	[HIL_CLASS_NO_TARGET] = "no_target",
	[HIL_CLASS_TIMEOUT] = "timeout",
	[HIL_CLASS_TOOL_CRASH] = "tool_crash",
	[HIL_CLASS_POWER_ERROR] = "power_error",
	[HIL_CLASS_IDENTITY_MISMATCH] = "identity_mismatch",
	[HIL_CLASS_BOARD_BUSY] = "board_busy",
	[HIL_CLASS_BOARD_LOCKED] = "board_locked",
	[HIL_CLASS_INCOMPLETE] = "incomplete",
	[HIL_CLASS_COUNT] = NULL,
};

static const char *const verdict_names[HIL_VERDICT_COUNT] = {
	[HIL_VERDICT_PASS] = "pass",
	[HIL_VERDICT_FAIL] = "fail",
	[HIL_VERDICT_XFAIL] = "xfail",
	[HIL_VERDICT_XPASS] = "xpass",
	[HIL_VERDICT_ERROR] = "error",
	[HIL_VERDICT_SKIP] = "skip",
};

const char *hil_class_name(enum hil_class cls)
{
	if (cls < 0 || cls >= HIL_CLASS_COUNT)
		return "none";
	return class_names[cls];
}

enum hil_class hil_class_from_name(const char *name)
{
	for (int i = 0; i < HIL_CLASS_COUNT; i++)
		if (name && strcmp(class_names[i], name) == 0)
			return (enum hil_class)i;
	return HIL_CLASS_NONE;
}

bool hil_class_is_infra(enum hil_class cls)
{
	return cls >= HIL_CLASS_NO_PROBE && cls < HIL_CLASS_COUNT;
}

const char *const *hil_class_names(void)
{
	return class_names;
}

const char *hil_verdict_name(enum hil_verdict v)
{
	if (v < 0 || v >= HIL_VERDICT_COUNT)
		return "?";
	return verdict_names[v];
}

enum hil_verdict hil_verdict_from_name(const char *name)
{
	for (int i = 0; i < HIL_VERDICT_COUNT; i++)
		if (name && strcmp(verdict_names[i], name) == 0)
			return (enum hil_verdict)i;
	return HIL_VERDICT_COUNT;
}
