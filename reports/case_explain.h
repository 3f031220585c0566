/* The catalogue entry (harness/catalogue.h) that explains one install of
 * the results model, for the reports. */
#ifndef HIL_REPORTS_CASE_EXPLAIN_H
#define HIL_REPORTS_CASE_EXPLAIN_H

#include "harness/transcript/catalogue.h"

#include <jansson.h>
#include <stdbool.h>

/* NULL for a pass or a skip, and when the catalogue has nothing. */
const struct hil_catalogue_entry *hil_case_explanation(const json_t *c);

#endif
