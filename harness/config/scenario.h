/* A campaign scenario: which boards, which matrix of parameters, how many
 * repetitions, which steps, and what outcome to expect for what each board
 * reports about itself. Loaded from YAML (docs/scenarios.md).
 */
#ifndef HIL_HARNESS_SCENARIO_H
#define HIL_HARNESS_SCENARIO_H

#include "harness/config/limits.h"
#include "harness/util/diag.h"
#include "harness/transcript/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hil_step_kind {
	HIL_STEP_POWER,
	HIL_STEP_SFI_INSTALL,
	HIL_STEP_READ_OB,
	HIL_STEP_VERIFY_FLASH,
	HIL_STEP_WAIT,
	HIL_STEP_RESET,
	HIL_STEP_EXPECT_CONSOLE,
	HIL_STEP_REGRESS,         /* back to SFI's starting state: RDP 0, flash erased */
};

enum hil_power_action {
	HIL_POWER_ON,
	HIL_POWER_OFF,
	HIL_POWER_CYCLE,
};

/* An option-byte value a read_ob step expects. */
struct hil_ob_expect {
	char *name;
	uint32_t value;
};

/* One step. String fields may hold ${param} references, substituted per
 * matrix cell by the planner. */
struct hil_step {
	enum hil_step_kind kind;
	unsigned line, col;
	/* power */
	enum hil_power_action power;
	unsigned off_ms;          /* how long the rail stays off in a cycle */
	unsigned settle_ms;       /* wait after power on */
	/* sfi_install */
	char *image;
	int hsm_slot;             /* -1: license file instead */
	char *license_file;
	char *license_cache;      /* folder of per-chip licence files; NULL: none */
	unsigned timeout_s;       /* sfi_install, regress: 0 = the rack's default */
	/* read_ob */
	struct hil_ob_expect *ob_expect;
	size_t ob_expect_count;
	/* verify_flash: a plaintext file at an address, or an image's F areas
	 * decrypted with the given key and nonce */
	char *expect_file;
	uint32_t address;
	char *verify_image;
	char *verify_key, *verify_nonce;
	/* wait */
	unsigned wait_ms;
	/* reset: 0 = the rack's pulse_ms */
	unsigned pulse_ms;
	/* expect_console: an extended regular expression */
	char *pattern;
	unsigned console_timeout_s;
	/* declared permanent: runs only with --allow-irreversible, on
	 * sacrificial boards (harness/interlock.c) */
	bool irreversible;
	/* sfi_install only: why the image is known to be reversible although
	 * the interlock cannot read its option bytes (no key, another key...);
	 * NULL: unreadable option bytes count as possibly irreversible. */
	char *reversible;
};

struct hil_matrix_param {
	char *name;
	char **values;
	size_t value_count;
};

/* A condition on what the board reports, or on a matrix parameter. */
struct hil_when {
	bool has_bl_version, has_device_id;
	uint32_t bl_version, device_id;
	char *revision;           /* NULL: any */
	char *rss_version;        /* NULL: any */
	char *board_kind;         /* NULL: any */
	char **param_names, **param_values;
	size_t param_count;
};

enum hil_expect_result {
	HIL_EXPECT_PASS,
	HIL_EXPECT_FAIL,
	HIL_EXPECT_SKIP,
};

struct hil_expectation {
	struct hil_when when;
	enum hil_expect_result result;
	enum hil_class cls;       /* HIL_CLASS_NONE: any failure class */
	bool has_rss;
	uint32_t rss;
	bool has_max_failure_rate;
	double max_failure_rate;
	char *reason;
	unsigned line, col;
};

struct hil_scenario {
	char *file;
	char *campaign;
	char *description;
	bool all_boards;
	char **boards;            /* when !all_boards */
	size_t board_count;
	unsigned *board_lines, *board_cols;
	unsigned repeat;
	unsigned repeat_line, repeat_col; /* of repeat or max_runs; 0 when unset */
	struct hil_limits limits;         /* limits.h */
	size_t cell_count;        /* the matrix's cells, within limits.cells */
	uint64_t seed;
	bool xpass_fails;         /* an xpass fails the run (default true) */
	unsigned hsm_reserve;     /* HSM licences a campaign must leave untouched */
	unsigned retries;         /* extra attempts after an infrastructure error */
	unsigned retry_backoff_ms;/* before the first retry; doubles each time */
	unsigned quarantine_after;/* consecutive infra errors that bench a board; 0: never */
	unsigned until_failures;  /* stop a cell after this many failed installs; 0: off */
	char *root;               /* the campaign directory, real path (confine.h) */
	char *sfi_key, *sfi_nonce;/* the campaign's image key: lets the interlock read C areas */
	unsigned sfi_key_line, sfi_key_col; /* where sfi_key is; 0 when there is none */
	struct hil_ob_rule *ob_rules; /* irreversible_option_bytes (option_bytes.h) */
	size_t ob_rule_count;
	struct hil_matrix_param *matrix;
	size_t matrix_count;
	struct hil_step *steps;
	size_t step_count;
	struct hil_expectation *expect;
	size_t expect_count;
};

/* Loads and validates a scenario. Paths in step arguments are resolved
 * against the scenario's directory. On bad input every problem goes to
 * @diag and HIL_ECONFIG is returned. *out: free with hil_scenario_free(). */
int hil_scenario_load(struct hil_scenario **out, const char *path, struct hil_diag *diag);

void hil_scenario_free(struct hil_scenario *s);

const char *hil_step_kind_name(enum hil_step_kind kind);

/* Every list of keys and names the scenario format accepts (NULL-ended
 * lists, NULL-ended); tests check docs/scenarios.md names each. */
extern const char *const *const hil_scenario_key_lists[];

/* @text resolved against the scenario file. A relative path that leaves
 * the campaign directory is reported at @line:@col (as @what) through @c
 * and NULL is returned. free() the result. */
struct hil_ycheck;
char *hil_scenario_path(struct hil_ycheck *c, const struct hil_scenario *s, unsigned line,
			unsigned col, const char *text, const char *what);

#endif
