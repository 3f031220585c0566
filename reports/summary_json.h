/* summary.json: the machine-readable verdicts (DESIGN §6 keys: campaign,
 * totals, cells, exit_code; plus boards' identities). */
#ifndef HIL_REPORTS_SUMMARY_JSON_H
#define HIL_REPORTS_SUMMARY_JSON_H

#include <jansson.h>

int hil_report_summary_write(const json_t *results, const char *path);

#endif
