/* Hostile and broken input to the sfi-harness binary: every case gets a
 * positioned error and exit 2, in bounded memory and time (the suite's
 * timeout is the hang check). docs/reliability.md lists the cases. */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *dir;

static void init(void)
{
	test_isolate_locks();
	dir = test_tmpdir();
}

TestSuite(bad_input, .init = init, .timeout = 60);

static char *repeated(const char *unit, size_t times)
{
	size_t len = strlen(unit);
	char *s = malloc(len * times + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * len, unit, len);
	s[len * times] = '\0';
	return s;
}

/* Most resident memory of any child so far, in KiB. */
static long children_max_rss_kib(void)
{
	struct rusage ru;

	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	return ru.ru_maxrss;
}

/* `sfi-harness check FILE`: exit 2, and the output names FILE:line:col (or
 * FILE: when the whole file is at fault) and contains @needle. */
static void refused(const char *name, const char *content, const char *needle, const char *where)
{
	char *path = test_write(dir, name, content), *out = NULL, *want = NULL;
	char *argv[] = { HIL_BINARY, "check", path, NULL };
	int code = test_spawn(argv, &out);

	cr_assert_eq(code, 2, "%s: exit %d\n%.2000s", name, code, out);
	cr_assert(strstr(out, needle), "%s: no '%s' in\n%.2000s", name, needle, out);
	cr_assert(asprintf(&want, "%s:%s", path, where) > 0);
	cr_assert(strstr(out, want), "%s: not positioned at %s\n%.2000s", name, where, out);
	cr_assert_lt(strlen(out), 8192, "%s: the error echoes the input back", name);
	free(want);
	free(out);
	free(path);
}

#define STEPS "steps:\n  - power: on\n"

Test(bad_input, tabs_for_indentation)
{
	refused("tabs.yaml", "campaign: c\nsteps:\n\t- power: on\n", "indentation uses spaces", "3:1:");
}

Test(bad_input, an_alias_bomb_is_refused_at_its_first_anchor)
{
	refused("bomb.yaml",
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"campaign: c\n" STEPS, "anchors are not supported", "1:4:");
}

Test(bad_input, a_huge_scalar)
{
	char *big = repeated("x", 1 << 20), *text = NULL;

	cr_assert(asprintf(&text, "campaign: %s\n" STEPS, big) > 0);
	refused("huge.yaml", text, "value too long", "1:11:");
	free(text);
	free(big);
}

Test(bad_input, a_file_too_large_to_be_a_scenario)
{
	char *line = repeated("# padding padding padding padding padding padding padding\n", 300000);

	refused("large.yaml", line, "too large", "");
	free(line);
}

Test(bad_input, deep_nesting)
{
	char *open = repeated("[", 10000), *close = repeated("]", 10000), *text = NULL;

	cr_assert(asprintf(&text, "campaign: c\n" STEPS "x: %s%s\n", open, close) > 0);
	refused("deep.yaml", text, "nesting too deep", "4:");
	free(text);
	free(close);
	free(open);
}

Test(bad_input, duplicate_keys)
{
	refused("dup.yaml", "campaign: c\nrepeat: 2\nrepeat: 3\n" STEPS, "duplicate key 'repeat'", "3:1:");
}

Test(bad_input, wrong_types)
{
	refused("types.yaml", "campaign: c\nrepeat: [1, 2]\n" STEPS, "repeat", "2:9:");
}

Test(bad_input, unknown_keys)
{
	refused("unknown.yaml", "campaign: c\nrepaet: 2\n" STEPS, "repaet", "2:1:");
}

Test(bad_input, a_missing_image)
{
	refused("missing.yaml",
		"campaign: c\nsteps:\n  - sfi_install: {image: no-such.sfi, license: {hsm_slot: 1}}\n",
		"no-such.sfi", "3:");
}

/* Relative paths stay in the campaign directory: `..` and symlinks that
 * leave it are refused, for files read and for the licence cache written. */
#define UP "../../../../../../../../../../../.."
Test(bad_input, paths_that_climb_out_of_the_campaign_directory)
{
	refused("climb.yaml", "campaign: c\nsteps:\n  - sfi_install: {image: " UP "/etc/hostname,"
		" license: {hsm_slot: 1}}\n", "image '" UP "/etc/hostname' climbs out of the campaign "
		"directory", "3:");
	refused("cache.yaml", "campaign: c\nsteps:\n  - sfi_install: {image: climb.yaml, license: "
		"{hsm_slot: 1, cache: " UP "/tmp/licences}}\n", "license cache '" UP "/tmp/licences' "
		"climbs out", "3:");
	refused("keys.yaml", "campaign: c\nsfi_key: {key: ../k.hex, nonce: n.hex}\n" STEPS,
		"key '../k.hex' climbs out", "2:16:");

	char *link = NULL;
	cr_assert(asprintf(&link, "%s/elsewhere.sfi", dir) > 0);
	cr_assert_eq(symlink("/etc/hostname", link), 0);
	refused("symlink.yaml", "campaign: c\nsteps:\n  - sfi_install: {image: elsewhere.sfi,"
		" license: {hsm_slot: 1}}\n", "image 'elsewhere.sfi' climbs out", "3:");
	free(link);
}

Test(bad_input, root_widens_the_campaign_directory)
{
	char *sub = NULL, *out = NULL;

	cr_assert(asprintf(&sub, "%s/campaign", dir) > 0);
	cr_assert_eq(mkdir(sub, 0755), 0);
	char *image = NULL;
	size_t image_len = 0;
	cr_assert_eq(hil_read_file(&image, &image_len, HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi",
				   1 << 20), 0);
	char *shared = NULL;
	cr_assert(asprintf(&shared, "%s/shared.sfi", dir) > 0);
	FILE *f = fopen(shared, "wb");
	cr_assert(f && fwrite(image, 1, image_len, f) == image_len && fclose(f) == 0);
	free(image);
	free(shared);
	char *scen = test_write(sub, "s.yaml", "campaign: c\nsteps:\n  - sfi_install: {image: "
				"../shared.sfi, license: {hsm_slot: 1}}\n    reversible: a test image\n");
	char *argv[] = { HIL_BINARY, "check", scen, NULL };
	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, "climbs out"), "%s", out);
	free(out);
	free(test_write(sub, "s.yaml", "campaign: c\nroot: ..\nsteps:\n  - sfi_install: {image: "
			"../shared.sfi, license: {hsm_slot: 1}}\n    reversible: a test image\n"));
	cr_assert_eq(test_spawn(argv, &out), 0, "root: .. takes the parent in: %s", out);
	free(out);
	free(scen);
	free(sub);
	refused("noroot.yaml", "campaign: c\nroot: no-such-dir\n" STEPS,
		"campaign root", "2:7:");
}

Test(bad_input, a_missing_file)
{
	char *path = NULL, *out = NULL;

	cr_assert(asprintf(&path, "%s/not-there.yaml", dir) > 0);
	char *argv[] = { HIL_BINARY, "check", path, NULL };
	cr_assert_eq(test_spawn(argv, &out), 2, "%s", out);
	cr_assert(strstr(out, path) && strstr(out, "No such file"), "%s", out);
	free(out);
	free(path);
}

Test(bad_input, binary_garbage_is_not_yaml)
{
	refused("garbage.yaml", "campaign: \x01\x02\xff\xfe\n" STEPS, "invalid", "1:");
}

/* Transcripts are the programmer's output, not the user's: they are
 * classified, never refused, and stay bounded whatever they hold. */
Test(bad_input, hostile_transcripts_are_classified_in_bounded_memory)
{
	static const char tail[] = "\0\0 garbage \xff\xfe \xc3\x28\nRSS complete Value = 0x16\n";
	char *line = repeated("A", 10 << 20), *out = NULL, *path = NULL;

	cr_assert(asprintf(&path, "%s/hostile.log", dir) > 0);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fwrite(line, 1, strlen(line), f);
	fwrite(tail, 1, sizeof(tail) - 1, f);
	fclose(f);
	char *argv[] = { HIL_BINARY, "transcript", "--json", path, NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%.2000s", out);
	cr_assert(strstr(out, "\"rss_error\""), "%.2000s", out);
	cr_assert_lt(strlen(out), 64 * 1024, "the JSON repeats the 10 MB line");
	/* the 10 MB line is read once, not copied per pattern */
	cr_assert_lt(children_max_rss_kib(), 256 * 1024, "%ld KiB", children_max_rss_kib());
	free(out);
	free(path);
	free(line);
}

/* "matrix:\n  p0: [a, b, ...]\n  p1: ..." with @params parameters of
 * @values values each. */
static char *matrix_scenario(unsigned params, unsigned values, const char *extra)
{
	struct { char *buf; size_t len; } m = { NULL, 0 };
	FILE *f = open_memstream(&m.buf, &m.len);

	fprintf(f, "campaign: big\n%smatrix:\n", extra);
	for (unsigned p = 0; p < params; p++) {
		fprintf(f, "  p%u: [", p);
		for (unsigned v = 0; v < values; v++)
			fprintf(f, "%sv%u", v ? ", " : "", v);
		fprintf(f, "]\n");
	}
	fprintf(f, STEPS);
	fclose(f);
	return m.buf;
}

Test(bad_input, a_million_cell_matrix_is_over_the_limit_at_the_matrix_position)
{
	char *s = matrix_scenario(6, 10, "");

	refused("million.yaml", s, "the matrix makes 1000000 cells, more than the limit of 10000",
		"3:3:");
	free(s);
}

Test(bad_input, two_to_the_64_cells_do_not_wrap_to_zero)
{
	char *s = matrix_scenario(64, 2, "");

	refused("wrap.yaml", s, "the matrix makes more than 2^64 cells", "3:3:");
	free(s);
}

Test(bad_input, a_trillion_cells_are_refused_not_an_out_of_memory_abort)
{
	char *s = matrix_scenario(12, 10, "limits: {cells: 1000000}\n");

	refused("trillion.yaml", s, "more than the limit of 1000000", "4:3:");
	free(s);
}

Test(bad_input, a_limit_past_its_hard_maximum_is_refused)
{
	refused("limit.yaml", "campaign: c\nlimits: {cells: 99999999}\n" STEPS,
		"cells: 99999999 is out of range (expected a whole number from 1 to 1000000)", "2:17:");
}

Test(bad_input, installs_over_the_limit_are_refused_at_repeat)
{
	refused("installs.yaml", "campaign: c\nlimits: {installs: 100}\nrepeat: 50\n" STEPS,
		"is more than the limit of 100 installs", "3:9:");
}

Test(bad_input, a_raised_limit_plans_a_hundred_thousand_cells)
{
	char *s = matrix_scenario(5, 10, "limits: {cells: 100000, installs: 1000000}\n");
	char *path = test_write(dir, "hundred-k.yaml", s), *out = NULL;
	char *argv[] = { HIL_BINARY, "check", path, NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%.2000s", out);
	free(out);
	free(path);
	free(s);
}

Test(bad_input, a_campaign_name_that_would_climb_out_of_the_results_is_refused)
{
	refused("climb.yaml", "campaign: ../../../../tmp/x\n" STEPS,
		"campaign name: '.' at character 1", "1:11:");
	refused("slash.yaml", "campaign: a/b\n" STEPS, "campaign name: '/' at character 2", "1:11:");
	refused("esc.yaml", "campaign: \"a\\e[2Jb\"\n" STEPS,
		"campaign name: byte 0x1B at character 2", "1:11:");
	refused("markup.yaml", "campaign: 'x\"><script>'\n" STEPS, "campaign name: '\"'", "1:11:");
}

#define RACK_HEAD "rack: r\nprogrammer: {driver: sim}\nprobe: {driver: sim}\n" \
	"power:\n  - {id: relay0, driver: sim}\nboards:\n"

Test(bad_input, board_names_and_probe_serials_that_would_become_paths_outside_are_refused)
{
	refused("board.yaml", RACK_HEAD "  - name: ../../x\n    kind: k\n"
		"    probe: {serial: 066DFF485750717867193015}\n",
		"board name: '.' at character 1", "7:11:");
	refused("serial.yaml", RACK_HEAD "  - name: b\n    kind: k\n    probe: {serial: ../x}\n",
		"probe serial: '.' at character 1", "9:21:");
	refused("markup.yaml", RACK_HEAD "  - name: 'x\"><script>alert(1)</script>'\n    kind: k\n"
		"    probe: {serial: 066DFF485750717867193015}\n", "board name: '\"' at character 2",
		"7:11:");
	refused("ftdi.yaml", "rack: r\nprogrammer: {driver: cubeprog}\nprobe: {driver: stlink_usb}\n"
		"power:\n  - {id: f, driver: ftdi_gpio, usb: {vid: 0x0403, pid: 0x6014, serial: ../../etc}}\n"
		"boards: []\n", "usb serial: '.' at character 1", "5:72:");
}
