/* report.html: one self-contained page (no network, no JavaScript) a lab
 * engineer opens to see which bootloader fails, how, and how sure we are. */
#ifndef HIL_REPORTS_HTML_H
#define HIL_REPORTS_HTML_H

#include <jansson.h>

int hil_report_html_write(const json_t *results, const char *path);

#endif
