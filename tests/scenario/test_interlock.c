/* The irreversible-step interlock fails closed, through the binary: an
 * image whose option bytes cannot be read counts as possibly irreversible,
 * and every way of failing to read them is refused by check, --dry-run and
 * run alike, before any board is touched. */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir, *rack, *rdp2;

#define KEY HIL_SOURCE_DIR "/fixtures/keys/test-key.hex"
#define NONCE HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex"

static void init(void)
{
	char *out = NULL;

	test_isolate_locks();
	dir = test_tmpdir();
	rack = test_write(dir, "rack.yaml",
		"rack: r\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: spare, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	cr_assert(asprintf(&rdp2, "%s/rdp2.sfi", dir) > 0);
	/* RDP=0xCC in OPTSR: level 2, permanent */
	char *argv[] = { HIL_BINARY, "sfi", "build", "--key", KEY, "--nonce", NONCE, "--area",
			 "F:0x08000000:" HIL_SOURCE_DIR "/fixtures/images/sbsfu.bin", "--ob-words",
			 "0x1026CCD0,0,0,0,0,0,0,0,0", "-o", rdp2, NULL };
	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	free(out);
}

TestSuite(interlock, .init = init, .timeout = 120);

static char *scenario(const char *name, const char *key_line, const char *image, const char *extra)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "campaign: brick\nboards: [spare]\n%ssteps:\n  - power: on\n"
			   "  - sfi_install: {image: %s, license: {hsm_slot: 1}}\n%s", key_line, image,
			   extra) > 0);
	path = test_write(dir, name, text);
	free(text);
	return path;
}

/* check, run --dry-run and run all exit 2 with @needle; nothing touched. */
static void refused_everywhere(const char *scen, const char *needle)
{
	char *out = NULL, *results = NULL;

	cr_assert(asprintf(&results, "%s/results-%d", dir, (int)strlen(scen)) > 0);
	char *check[] = { HIL_BINARY, "check", "--rack", rack, (char *)scen, NULL };
	char *dry[] = { HIL_BINARY, "run", "--dry-run", "--rack", rack, (char *)scen, NULL };
	char *run[] = { HIL_BINARY, "run", "--rack", rack, "--out", results, (char *)scen, NULL };
	char *const *cmds[] = { check, dry, run };
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(test_spawn(cmds[i], &out), 2, "%s %s: %s", cmds[i][1], scen, out);
		cr_assert(strstr(out, needle), "%s: no '%s' in\n%s", cmds[i][1], needle, out);
		free(out);
	}
	cr_assert(access(results, F_OK) != 0, "run touched something");
	free(results);
}

Test(interlock, an_rdp2_image_is_refused_with_the_right_key)
{
	char *s = scenario("right.yaml", "sfi_key: {key: " KEY ", nonce: " NONCE "}\n", rdp2, "");

	refused_everywhere(s, "its image sets RDP=0xCC");
	free(s);
}

Test(interlock, no_sfi_key_is_refused_not_waved_through)
{
	char *s = scenario("nokey.yaml", "", rdp2, "");

	refused_everywhere(s, "its option bytes cannot be read (the scenario has no sfi_key");
	free(s);
}

/* The rdp2 image with the key file @name holding @key_text: refused with @needle. */
static void refused_with_key(const char *name, const char *key_text, const char *needle)
{
	char *key = test_write(dir, name, key_text), *line = NULL, *scen_name = NULL;

	cr_assert(asprintf(&line, "sfi_key: {key: %s, nonce: " NONCE "}\n", key) > 0);
	cr_assert(asprintf(&scen_name, "%s.yaml", name) > 0);
	char *s = scenario(scen_name, line, rdp2, "");
	refused_everywhere(s, needle);
	free(s);
	free(scen_name);
	free(line);
	free(key);
}

Test(interlock, a_key_of_31_digits_is_refused_before_any_board)
{
	refused_with_key("short.hex", "0123456789abcdef0123456789abcde\n", "short.hex");
}

Test(interlock, a_key_path_that_does_not_exist_is_refused)
{
	char *s = scenario("missing.yaml", "sfi_key: {key: /nonexistent/key.hex, nonce: " NONCE "}\n",
			   rdp2, "");

	refused_everywhere(s, "/nonexistent/key.hex");
	free(s);
}

Test(interlock, another_key_is_refused_as_unreadable)
{
	refused_with_key("other.hex", "ffeeddccbbaa99887766554433221100\n",
			 "does not decrypt with the scenario's sfi_key");
}

Test(interlock, an_image_of_an_unverified_protocol_version_is_refused)
{
	char *data = NULL, *path = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(hil_read_file(&data, &len, rdp2, 1 << 20), 0);
	data[8] = 2; /* protocol 2: no public layout */
	cr_assert(asprintf(&path, "%s/v2.sfi", dir) > 0);
	cr_assert((f = fopen(path, "wb")) && fwrite(data, 1, len, f) == len && fclose(f) == 0);
	char *s = scenario("v2.yaml", "sfi_key: {key: " KEY ", nonce: " NONCE "}\n", path, "");
	refused_everywhere(s, "protocol version 2 has no public layout");
	free(s);
	free(path);
	free(data);
}

Test(interlock, an_image_that_does_not_parse_or_is_not_a_file_is_refused)
{
	char *bad = test_write(dir, "bad.sfi", "not an image");
	char *s = scenario("bad.yaml", "sfi_key: {key: " KEY ", nonce: " NONCE "}\n", bad, "");
	char *d = scenario("dir.yaml", "sfi_key: {key: " KEY ", nonce: " NONCE "}\n", dir, "");

	refused_everywhere(s, "bad.sfi");
	refused_everywhere(d, "a directory, not a file");
	free(d);
	free(s);
	free(bad);
}

Test(interlock, a_declared_reversible_image_or_allow_irreversible_on_a_sacrificial_board_runs)
{
	char *out = NULL;
	char *rev = scenario("rev.yaml", "", HIL_SOURCE_DIR "/fixtures/images/rdp-0xAA.sfi",
			     "    reversible: RDP stays at level 0 (0xAA) in this test image\n");
	char *check[] = { HIL_BINARY, "check", "--rack", rack, rev, NULL };

	cr_assert_eq(test_spawn(check, &out), 0, "%s", out);
	free(out);
	char *nokey = scenario("nokey2.yaml", "", rdp2, "");
	char *allowed[] = { HIL_BINARY, "check", "--allow-irreversible", "--rack", rack, nokey, NULL };
	cr_assert_eq(test_spawn(allowed, &out), 0, "sacrificial and allowed: %s", out);
	free(out);
	free(nokey);
	free(rev);
}

Test(interlock, reversible_is_only_for_an_install_and_never_with_irreversible)
{
	char *out = NULL;
	char *s = test_write(dir, "rev-bad.yaml", "campaign: c\nsteps:\n  - power: on\n"
			     "    reversible: why\n");
	char *argv[] = { HIL_BINARY, "check", "--rack", rack, s, NULL };

	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "reversible: expected the reason an sfi_install's image"), "%s", out);
	free(out);
	free(s);
}

Test(interlock, a_declared_reversible_image_and_its_reason_are_shown_in_the_reports)
{
	char *out = NULL, *results = NULL, *text = NULL;
	size_t len;
	char *rev = scenario("rev-run.yaml", "", HIL_SOURCE_DIR "/fixtures/images/rdp-0xAA.sfi",
			     "    reversible: RDP stays at level 0 (0xAA) in this test image\n");

	cr_assert(asprintf(&results, "%s/rev-results", dir) > 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", results, rev, NULL };
	cr_assert_eq(test_spawn(run, &out), 0, "%s", out);
	free(out);
	char *summary = NULL, *html = NULL;
	cr_assert(asprintf(&summary, "%s/summary.json", results) > 0 &&
		  asprintf(&html, "%s/report.html", results) > 0);
	cr_assert_eq(hil_read_file(&text, &len, summary, 1 << 20), 0);
	cr_assert(strstr(text, "rdp-0xAA.sfi: RDP stays at level 0 (0xAA) in this test image"), "%s", text);
	free(text);
	cr_assert_eq(hil_read_file(&text, &len, html, 1 << 22), 0);
	cr_assert(strstr(text, "Declared reversible by the scenario"), "report.html does not say it");
	cr_assert(strstr(text, "RDP stays at level 0 (0xAA) in this test image"));
	free(text);
	free(html);
	free(summary);
	free(results);
	free(rev);
}
