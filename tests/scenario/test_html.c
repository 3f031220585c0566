/* report.html in a real browser: headless Chromium renders the errata
 * demo's report; its DOM must show the three bootloader versions with
 * their verdicts. A screenshot goes to results/test-report/ for people. */
#include "harness/util/clock.h"
#include "harness/util/fileutil.h"
#include "harness/config/plan.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/engine/runner.h"
#include "harness/config/scenario.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHROMIUM "/usr/bin/chromium"

static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
	hil_clock_set_scale(0);
}

TestSuite(html, .init = init, .timeout = 180);

static char *errata_report(void)
{
	struct hil_diag d = { 0 };
	struct hil_scenario *s = NULL;
	struct hil_rack *rack = NULL;
	struct hil_plan *plan = NULL;
	char *out = NULL;
	json_t *res = NULL;
	int code;

	cr_assert_eq(hil_scenario_load(&s, HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", &d), 0);
	cr_assert_eq(hil_registry_rack_load(&rack, HIL_SOURCE_DIR "/fixtures/racks/sim.yaml", &d), 0);
	cr_assert_eq(hil_plan_build(&plan, s, rack, 0, &d), 0);
	cr_assert(asprintf(&out, "%s/errata", dir) > 0);
	struct hil_run_opts opts = { .out_dir = out };
	cr_assert_eq(test_run_plan(plan, &opts, &code, &res), 0);
	json_decref(res);
	hil_plan_free(plan);
	hil_rack_free(rack);
	hil_scenario_free(s);
	return out;
}

Test(html, report_is_self_contained)
{
	char *out = errata_report(), *html = NULL, *path = NULL;
	size_t len;

	cr_assert(asprintf(&path, "%s/report.html", out) > 0);
	cr_assert_eq(hil_read_file(&html, &len, path, 1 << 24), 0);
	free(path);
	cr_assert_null(strstr(html, "<script"), "readable with JavaScript off");
	cr_assert_null(strstr(html, "http://"), "no network");
	cr_assert_null(strstr(html, "https://"), "no network");
	cr_assert(strstr(html, "<svg"), "the timeline is inline SVG");
	free(html);
	free(out);
}

Test(html, chromium_renders_the_three_bootloaders_with_their_verdicts)
{
	char *out, *url = NULL, *dom = NULL, *profile = NULL, *shot = NULL, *shot_arg = NULL;

	if (access(CHROMIUM, X_OK) != 0) {
		fprintf(stderr, "SKIPPED: no %s (ci/setup.sh installs Debian's chromium)\n", CHROMIUM);
		cr_skip_test("no chromium");
	}
	out = errata_report();
	cr_assert(asprintf(&url, "file://%s/report.html", out) > 0);
	cr_assert(asprintf(&profile, "--user-data-dir=%s/chromium", dir) > 0);
	char *argv[] = { CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
			 "--disable-background-networking", "--disable-component-update",
			 "--disable-sync", "--no-first-run", profile, "--dump-dom", url, NULL };
	cr_assert_eq(test_spawn(argv, &dom), 0, "%s", dom);
	static const char *const rows[][2] = { { "dk-bl90", "0x90" }, { "custom-bl91", "0x91" },
					       { "custom-bl92", "0x92" } };
	for (int i = 0; i < 3; i++) {
		char *row = NULL;
		cr_assert(asprintf(&row, "<tr data-board=\"%s\"><th>%s</th><td class=\"bl\">%s</td>",
				   rows[i][0], rows[i][0], rows[i][1]) > 0);
		char *at = strstr(dom, row);
		cr_assert_not_null(at, "row of %s (BL %s) in the rendered DOM", rows[i][0], rows[i][1]);
		char *end = strstr(at, "</tr>");
		const char *want = i == 1 ? "data-verdict=\"xfail\"" : "data-verdict=\"pass\"";
		char *cell = strstr(at, want);
		cr_assert(cell && cell < end, "BL %s shows %s", rows[i][1], want);
		free(row);
	}
	cr_assert(strstr(dom, "rss_error ×"), "the class of the expected failure is shown");
	/* a screenshot for people, under results/ (ignored by git) */
	hil_mkdir_p(HIL_SOURCE_DIR "/results/test-report");
	cr_assert(asprintf(&shot, HIL_SOURCE_DIR "/results/test-report/report.png") > 0);
	cr_assert(asprintf(&shot_arg, "--screenshot=%s", shot) > 0);
	char *argv2[] = { CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
			  "--disable-background-networking", "--disable-component-update",
			  "--disable-sync", "--no-first-run", profile, "--window-size=1300,1000",
			  shot_arg, url, NULL };
	char *log = NULL;
	cr_assert_eq(test_spawn(argv2, &log), 0, "%s", log);
	cr_assert_eq(access(shot, R_OK), 0, "screenshot written to %s", shot);
	free(log);
	free(shot);
	free(shot_arg);
	free(dom);
	free(profile);
	free(url);
	free(out);
}
