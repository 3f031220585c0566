/* Trends across nightly campaigns: per cell (board and matrix cell), the
 * share of its installs that came out as expected (passed, or failed as
 * the scenario expected: xfail) in each campaign, as a table and an HTML
 * page with an inline SVG plot and a legend. A regression on a new
 * bootloader shows as a step down. The campaigns come from result folders
 * (hil_report_trend) or from the history database (harness/history,
 * through hil_trend_*). */
#ifndef HIL_REPORTS_TREND_H
#define HIL_REPORTS_TREND_H

#include <stdbool.h>
#include <stdio.h>

struct hil_trend;

struct hil_trend *hil_trend_new(void);
void hil_trend_free(struct hil_trend *t);
/* Adds a campaign (columns in the order added: oldest first) labelled by
 * its start time (marked * when not @complete); returns its index. */
size_t hil_trend_campaign(struct hil_trend *t, const char *started, bool complete);
/* One cell of campaign @campaign: @runs installs that ran (not errors or
 * skips), @as_expected of them passed or failed as expected. */
void hil_trend_cell(struct hil_trend *t, size_t campaign, const char *key, unsigned long runs,
		    unsigned long as_expected);
/* Prints the table to @table and, when @html_path is given, writes the
 * page there. */
int hil_trend_render(const struct hil_trend *t, FILE *table, const char *html_path);

/* Reads @count result folders (their journals), prints the table to
 * @table and, when @html_path is given, writes trend.html there. */
int hil_report_trend(char *const dirs[], int count, FILE *table, const char *html_path);

#endif
