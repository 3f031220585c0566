/* report.html: one self-contained page (no network, no JavaScript) a lab
 * engineer opens to see which bootloader fails, how, and how sure we are. */
#ifndef HIL_REPORTS_HTML_H
#define HIL_REPORTS_HTML_H

#include "reports/results.h"

/* Writes report.html to @path (atomically; streamed, memory does not
 * grow with the installs). */
int hil_report_html_write(const struct hil_results *results, const char *path);

#endif
