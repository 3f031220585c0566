/* Expectations: which outcome a scenario expects for what a board reports,
 * and the verdict table of DESIGN §5. */
#ifndef HIL_HARNESS_EXPECT_H
#define HIL_HARNESS_EXPECT_H

#include "harness/transcript/outcome.h"
#include "harness/config/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a board reported about itself when the harness connected. */
struct hil_identity {
	bool has_device_id, has_bl_version;
	uint32_t device_id, bl_version;
	char revision[16];      /* "" when not reported */
	char rss_version[24];   /* "" when not reported */
	const char *board_kind; /* from the rack */
	bool has_chip_uid;
	uint32_t chip_uid[3];   /* words in address order */
	char power_check[224];  /* "passed: ...", "t_vcc_not_wired: ...", "not checked: ...", "failed" */
};

/* The first expectation of @s whose `when` matches @id and the cell's
 * parameters, or NULL (then the scenario expects a pass). Borrowed. */
const struct hil_expectation *hil_expect_match(const struct hil_scenario *s,
					       const struct hil_identity *id,
					       const char *const names[],
					       const char *const values[], size_t count);

/* What a board reports that an expectation can depend on. */
enum hil_fact {
	HIL_FACT_BL_VERSION,
	HIL_FACT_RSS_VERSION,
	HIL_FACT_REVISION,
	HIL_FACT_DEVICE_ID,
};

/* The first expectation of @s whose `when` reads @fact, or NULL. When a
 * board's @fact could not be read, its installs cannot be judged by such a
 * scenario: they are errors, never another verdict. Borrowed. */
const struct hil_expectation *hil_expect_depends_on(const struct hil_scenario *s,
						    enum hil_fact fact);

/* The verdict for an install whose outcome was @cls with RSS values @rss.
 * @e NULL means "expect pass". Writes a one-line explanation to @why for
 * anything but pass. Never returns HIL_VERDICT_SKIP (the caller decides
 * that before running). */
enum hil_verdict hil_expect_verdict(const struct hil_expectation *e, enum hil_class cls,
				    const uint32_t *rss, size_t rss_count,
				    char *why, size_t why_size);

#endif
