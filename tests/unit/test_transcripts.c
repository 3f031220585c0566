/* Golden transcripts (fixtures/transcripts/NAME.log + NAME.expect.json;
 * the seed thread's two real logs are read from ../shared when it is
 * there), and the variants every log must survive: GUI-log prefixes, CRLF,
 * collapsed whitespace, and truncation at every line. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/transcript/transcript_json.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define DIR_TX HIL_SOURCE_DIR "/fixtures/transcripts"


struct golden {
	char *name;
	char *log;       /* NULL when its source is missing */
	size_t len;
	json_t *expect;
	enum hil_prog_op op;
};

/* The log of a golden file: beside it, or cut out of a ../shared file. */
static char *golden_log(const char *name, const json_t *expect, size_t *len)
{
	const json_t *src = json_object_get(expect, "source");
	char *path = NULL, *text = NULL;

	if (!src) {
		cr_assert(asprintf(&path, "%s/%s.log", DIR_TX, name) > 0);
		cr_assert_eq(hil_read_file(&text, len, path, 1 << 24), 0, "%s", path);
		free(path);
		return text;
	}
	const char *shared = test_shared_dir(name);
	if (!shared)
		return NULL;
	cr_assert(asprintf(&path, "%s/%s", shared, json_string_value(json_object_get(src, "file"))) > 0);
	cr_assert_eq(hil_read_file(&text, len, path, 1 << 24), 0, "%s", path);
	free(path);
	const char *from = json_string_value(json_object_get(src, "from"));
	const char *to = json_string_value(json_object_get(src, "to"));
	char *a = strstr(text, from), *b = a ? strstr(a, to) : NULL;
	cr_assert(a && b, "%s: markers not found in the source", name);
	*len = (size_t)(b - a) + strlen(to);
	memmove(text, a, *len);
	text[(*len)++] = '\n';
	return text;
}

static size_t load_goldens(struct golden *g, size_t max)
{
	DIR *d = opendir(DIR_TX);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);
		char *path = NULL;
		if (l < 12 || strcmp(e->d_name + l - 12, ".expect.json"))
			continue;
		g[n].name = strndup(e->d_name, l - 12);
		cr_assert(asprintf(&path, "%s/%s", DIR_TX, e->d_name) > 0);
		g[n].expect = json_load_file(path, 0, NULL);
		cr_assert_not_null(g[n].expect, "%s is not JSON", path);
		free(path);
		const char *op = json_string_value(json_object_get(g[n].expect, "op"));
		int k = hil_prog_op_from_name(op ? op : "");
		cr_assert_geq(k, 0, "%s: unknown op", g[n].name);
		g[n].op = (enum hil_prog_op)k;
		g[n].log = golden_log(g[n].name, g[n].expect, &g[n].len);
		n++;
	}
	closedir(d);
	return n;
}

static void free_goldens(struct golden *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
		free(g[i].log);
		json_decref(g[i].expect);
	}
}

static struct hil_transcript tx;

static enum hil_class classify(const char *text, size_t len, enum hil_prog_op op)
{
	hil_cubeprog_parse(&tx, text, len);
	return hil_cubeprog_classify(&tx, op, NULL);
}

static json_t *parse_json(const char *text, size_t len, enum hil_prog_op op)
{
	enum hil_class cls = classify(text, len, op);

	return hil_transcript_json(&tx, cls);
}

Test(transcripts, every_golden_file_parses_to_its_expected_json)
{
	struct golden g[64];
	size_t n = load_goldens(g, 64), checked = 0;

	cr_assert_geq(n, 20, "fixtures/transcripts is missing files");
	for (size_t i = 0; i < n; i++) {
		if (!g[i].log)
			continue;
		json_t *got = parse_json(g[i].log, g[i].len, g[i].op);
		json_t *want = json_object_get(g[i].expect, "parse");
		char *got_text = json_dumps(got, JSON_INDENT(1) | JSON_SORT_KEYS);
		cr_expect(json_equal(got, want), "%s: parse differs from its expect.json:\n%s",
			  g[i].name, got_text);
		free(got_text);
		json_decref(got);
		checked++;
	}
	free_goldens(g, n);
	cr_assert_geq(checked, 20);
}

Test(transcripts, seed_failure_gives_the_documented_answer)
{
	struct golden g[64];
	size_t n = load_goldens(g, 64);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(g[i].name, "seed-bl91-rss16") != 0)
			continue;
		if (!g[i].log) {
			free_goldens(g, n);
			cr_skip_test("no ../shared: the seed log is not here");
		}
		json_t *j = parse_json(g[i].log, g[i].len, HIL_PROG_SFI_INSTALL);
		cr_assert_str_eq(json_string_value(json_object_get(j, "class")), "rss_error");
		cr_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "failure");
		cr_assert_str_eq(json_string_value(json_array_get(json_object_get(
			json_object_get(j, "sfi"), "rss_complete"), 0)), "0x16");
		cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "device"),
								   "bl_version")), "0x91");
		cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "device"), "id")),
				 "0x480");
		cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "sfi"),
								"areas_total")), 9);
		json_decref(j);
		free_goldens(g, n);
		return;
	}
	cr_assert_fail("seed-bl91-rss16.expect.json missing");
}

/* Rewrites every line of @text with @fn. */
static char *each_line(const char *text, size_t len, size_t *out_len,
		       void (*fn)(struct hil_strbuf *b, const char *line, size_t n, size_t lineno))
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	size_t start = 0, lineno = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i > start || i < len)
			fn(&b, text + start, i - start, lineno++);
		start = i + 1;
	}
	*out_len = b.len;
	return hil_strbuf_detach(&b);
}

static void gui_prefix(struct hil_strbuf *b, const char *l, size_t n, size_t k)
{
	hil_strbuf_printf(b, "%02zu:%02zu:%02zu : %.*s\n", 10 + k / 3600, k / 60 % 60, k % 60,
			  (int)n, l);
}

static void gui_prefix_ms(struct hil_strbuf *b, const char *l, size_t n, size_t k)
{
	hil_strbuf_printf(b, "14:%02zu:%02zu:%03zu : %.*s\n", k / 60 % 60, k % 60, k % 1000, (int)n, l);
}

static void crlf(struct hil_strbuf *b, const char *l, size_t n, size_t k)
{
	(void)k;
	hil_strbuf_put(b, l, n);
	hil_strbuf_puts(b, "\r\n");
}

static void collapse(struct hil_strbuf *b, const char *l, size_t n, size_t k)
{
	bool space = true;

	(void)k;
	for (size_t i = 0; i < n; i++) {
		bool is_space = l[i] == ' ' || l[i] == '\t';
		if (!is_space || !space)
			hil_strbuf_putc(b, is_space ? ' ' : l[i]);
		space = is_space;
	}
	hil_strbuf_putc(b, '\n');
}

/* As a terminal-colouring tool or wrapper writes it: the window title set
 * (OSC), errors red, warnings yellow, everything else in bold green field
 * names, each line reset at its end (SGR, ECMA-48), and a cursor move. */
static void coloured(struct hil_strbuf *b, const char *l, size_t n, size_t k)
{
	if (k == 0)
		hil_strbuf_puts(b, "\033]0;STM32CubeProgrammer\007");
	if (n >= 6 && !strncmp(l, "Error:", 6))
		hil_strbuf_printf(b, "\033[31m%.*s\033[0m\n", (int)n, l);
	else if (n >= 8 && !strncmp(l, "Warning:", 8))
		hil_strbuf_printf(b, "\033[1;33m%.*s\033[39;49m\n", (int)n, l);
	else if (k % 5 == 3)
		hil_strbuf_printf(b, "\033[2K\033[1G\033[32m%.*s\033[m\n", (int)n, l);
	else
		hil_strbuf_printf(b, "\033[01;32m%.*s\033[0m\n", (int)n, l);
}

static void same_meaning(const json_t *a, const json_t *b, const char *what, const char *name)
{
	static const char *const keys[] = { "class", "device", "sfi", "option_bytes", "errors" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		cr_expect(json_equal(json_object_get(a, keys[i]), json_object_get(b, keys[i])),
			  "%s with %s: '%s' differs", name, what, keys[i]);
}

Test(transcripts, prefixes_crlf_colours_and_collapsed_whitespace_change_nothing)
{
	static const struct {
		const char *what;
		void (*fn)(struct hil_strbuf *, const char *, size_t, size_t);
	} variants[] = { { "GUI prefixes", gui_prefix }, { "GUI prefixes with ms", gui_prefix_ms },
			 { "CRLF", crlf }, { "collapsed whitespace", collapse },
			 { "terminal colours", coloured } };
	struct golden g[64];
	size_t n = load_goldens(g, 64);

	for (size_t i = 0; i < n; i++) {
		if (!g[i].log)
			continue;
		json_t *want = json_object_get(g[i].expect, "parse");
		for (size_t v = 0; v < sizeof(variants) / sizeof(*variants); v++) {
			size_t len;
			char *text = each_line(g[i].log, g[i].len, &len, variants[v].fn);
			json_t *got = parse_json(text, len, g[i].op);
			same_meaning(got, want, variants[v].what, g[i].name);
			json_decref(got);
			free(text);
		}
	}
	free_goldens(g, n);
}

Test(transcripts, truncated_at_every_line_is_never_a_success)
{
	struct golden g[64];
	size_t n = load_goldens(g, 64), cuts = 0;

	for (size_t i = 0; i < n; i++) {
		if (!g[i].log)
			continue;
		for (size_t at = 0; at < g[i].len; at++) {
			if (g[i].log[at] != '\n')
				continue;
			/* the cut keeps half of the next line, as a dying tool would */
			size_t cut = at + 1 + (at + 1 < g[i].len ? 3 : 0);
			if (cut > g[i].len)
				cut = g[i].len;
			enum hil_class cls = classify(g[i].log, cut, g[i].op);
			bool marker_seen = classify(g[i].log, cut, g[i].op) == HIL_CLASS_SUCCESS &&
					   (g[i].op != HIL_PROG_SFI_INSTALL || tx.sfi_finished);
			if (cls == HIL_CLASS_SUCCESS)
				cr_expect(marker_seen, "%s cut at byte %zu: success without its marker",
					  g[i].name, cut);
			if (!strcmp(json_string_value(json_object_get(json_object_get(g[i].expect, "parse"),
								      "class")), "success") &&
			    g[i].op == HIL_PROG_SFI_INSTALL && !tx.sfi_finished)
				cr_expect_eq(cls, HIL_CLASS_INCOMPLETE, "%s cut at byte %zu: %s", g[i].name,
					     cut, hil_class_name(cls));
			cuts++;
		}
	}
	free_goldens(g, n);
	cr_assert_gt(cuts, 300, "every line of every golden log is a cut");
}

Test(transcripts, probe_listings_old_and_new)
{
	struct golden g[64];
	size_t n = load_goldens(g, 64), lists = 0;

	for (size_t i = 0; i < n; i++) {
		const json_t *want = json_object_get(g[i].expect, "probes");
		if (!want)
			continue;
		classify(g[i].log, g[i].len, HIL_PROG_LIST_PROBES);
		cr_assert_eq(tx.probe_count, json_array_size(want), "%s", g[i].name);
		for (size_t k = 0; k < tx.probe_count; k++) {
			const json_t *p = json_array_get(want, k);
			cr_expect_str_eq(tx.probes[k].serial, json_string_value(json_object_get(p, "serial")));
			cr_expect_str_eq(tx.probes[k].firmware,
					 json_string_value(json_object_get(p, "firmware")));
			cr_expect_str_eq(tx.probes[k].board, json_string_value(json_object_get(p, "board")));
		}
		lists++;
	}
	free_goldens(g, n);
	cr_assert_eq(lists, 2);
}

Test(transcripts, option_byte_dump_keeps_descriptions)
{
	char *text = NULL;
	size_t len;

	cr_assert_eq(hil_read_file(&text, &len, DIR_TX "/sim-bl91-rss16.log", 1 << 20), 0);
	classify(text, len, HIL_PROG_SFI_INSTALL);
	cr_assert_geq(tx.ob_count, 10);
	cr_assert_str_eq(tx.ob[0].name, "RDP");
	cr_assert_str_eq(tx.ob[0].description, "Level 0, no protection");
	free(text);
}
