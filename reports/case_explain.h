/* The catalogue entry (harness/transcript/catalogue.h) that explains one
 * install of the results model, for the reports. */
#ifndef HIL_REPORTS_CASE_EXPLAIN_H
#define HIL_REPORTS_CASE_EXPLAIN_H

#include "harness/transcript/catalogue.h"
#include "reports/results.h"

/* NULL for a pass or a skip, and when the catalogue has nothing. */
const struct hil_catalogue_entry *hil_case_explanation(const struct hil_results_case *c);

#endif
