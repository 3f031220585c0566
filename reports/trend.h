/* Pass-rate trends across nightly result folders: per cell (board and
 * matrix cell), the share of installs that succeeded in each run, as a
 * table and an inline SVG plot. A regression on a new bootloader shows as a
 * step down. */
#ifndef HIL_REPORTS_TREND_H
#define HIL_REPORTS_TREND_H

#include <stdio.h>

/* Reads @count result folders (their journals), prints the table to
 * @table and, when @html_path is given, writes trend.html there. */
int hil_report_trend(char *const dirs[], int count, FILE *table, const char *html_path);

#endif
