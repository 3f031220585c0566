/* summary.json: the machine-readable verdicts (DESIGN §6 keys: campaign,
 * totals, cells, exit_code; plus boards' identities), from the results
 * model. One of the model's two JSON boundaries (the journal is the
 * other): the keys come out in the order earlier versions wrote them. */
#ifndef HIL_REPORTS_SUMMARY_JSON_H
#define HIL_REPORTS_SUMMARY_JSON_H

#include "reports/results.h"

#include <jansson.h>

/* The summary as a JSON object (what summary.json holds). Decref it. */
json_t *hil_report_summary_json(const struct hil_results *results);

int hil_report_summary_write(const struct hil_results *results, const char *path);

#endif
