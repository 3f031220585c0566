/* The hostile-input suite, part two (part one: test_hostile.c): what
 * reaches the reports and the terminal from files the harness did not
 * write itself. A journal whose every text (names, messages, log paths,
 * or verdicts and classes) holds a hostile class is rendered by `report`,
 * `report --history` and `merge`; a programmer log holding one in every field
 * goes through `transcript`, `transcript --json` and `explain`; matrix
 * values go out as --json-events on standard output. Each run gets
 * hostile_check() (hostile.h). */
#include "hostile.h"
#include "support.h"
#include "harness/util/xalloc.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOARD_PROFILE HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml"
#define SUCCESS_LOG HIL_SOURCE_DIR "/fixtures/transcripts/sim-bl92-success.log"
#define OUT_ALLOWED "w/x/y/campaign/out/"
#define MARK "@@HOSTILE@@"

TestSuite(hostile_reports, .timeout = 300);

static const char rack[] =
	"rack: r\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
	"boards:\n  - {name: b1, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
	" sacrificial: true, sim: " BOARD_PROFILE "}\n";

/* A clean campaign into --out; its page is the baseline. */
static void clean_run(const struct hostile_tree *t, const char *matrix_value)
{
	struct hostile_run r;
	char *scen = hil_xasprintf("campaign: c\nmatrix:\n  v: [a, %s]\nsteps:\n  - power: on\n",
				   matrix_value);
	static const char *const args[] = { "run", "--rack", "rack.yaml", "--out", "out", "s.yaml",
					    NULL };

	free(hostile_write(t, "rack.yaml", rack, strlen(rack)));
	free(hostile_write(t, "s.yaml", scen, strlen(scen)));
	hostile_check(&r, t, "the clean campaign", args, OUT_ALLOWED, NULL);
	cr_assert_eq(r.code, 0, "%s", r.output);
	hostile_run_free(&r);
	free(scen);
}

/* The class's bytes as the inside of a JSON string (raw when the class is
 * raw bytes: a journal that is not UTF-8). */
static char *json_inside(const struct hostile_class *c)
{
	size_t len;
	char *bytes = hostile_bytes(c, &len);

	if (c->raw)
		return bytes;
	json_t *s = json_stringn_nocheck(bytes, len);
	char *text = json_dumps(s, JSON_ENCODE_ANY);
	size_t n = strlen(text);
	memmove(text, text + 1, n - 2);
	text[n - 2] = '\0';
	json_decref(s);
	free(bytes);
	return text;
}

static bool listed(const char *key, const char *const keys[])
{
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

/* Puts MARK before every string under a key of @keys, in @v and below. */
static void mark(json_t *v, const char *const keys[], bool in_listed)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_string(v) && in_listed) {
		char *s = hil_xasprintf(MARK "%s", json_string_value(v));
		json_string_set(v, s);
		free(s);
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, item)
			mark(item, keys, listed(key, keys));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			mark(item, keys, in_listed);
	}
}

/* @src with every text under @keys prefixed by the class, written to @dst. */
static void hostile_journal(const char *src, const char *dst, const char *const keys[],
			    const struct hostile_class *c)
{
	FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
	char *inside = json_inside(c), *line = NULL;
	size_t cap = 0;

	cr_assert(in && out);
	while (getline(&line, &cap, in) > 0) {
		json_t *rec = json_loads(line, 0, NULL);
		cr_assert_not_null(rec, "%s", line);
		mark(rec, keys, false);
		char *text = json_dumps(rec, JSON_COMPACT);
		char *p = text, *m;
		for (; (m = strstr(p, MARK)); p = m + strlen(MARK)) {
			fwrite(p, 1, (size_t)(m - p), out);
			fputs(inside, out);
		}
		fprintf(out, "%s\n", p);
		free(text);
		json_decref(rec);
	}
	free(line);
	free(inside);
	fclose(in);
	fclose(out);
}

static void journal_classes(const char *const keys[], const char *variant)
{
	for (size_t i = 0; i < hostile_class_count; i++) {
		const struct hostile_class *c = &hostile_classes[i];
		struct hostile_tree t;
		struct hostile_run r;
		char *what = hil_xasprintf("report of a journal with %s in its %s", c->what, variant);

		hostile_tree_make(&t);
		clean_run(&t, "b");
		char *page = hil_xasprintf("%s/report.html", t.out);
		hostile_clean_page(page);
		char *h = hil_xasprintf("%s/h", t.out), *src = hil_xasprintf("%s/journal.jsonl", t.out);
		char *dst = hil_xasprintf("%s/journal.jsonl", h);
		cr_assert_eq(mkdir(h, 0755), 0);
		hostile_journal(src, dst, keys, c);
		const char *report[] = { "report", "out/h", NULL };
		hostile_check(&r, &t, what, report, OUT_ALLOWED, h);
		hostile_run_free(&r);
		const char *history[] = { "report", "--history", "--out", "out/h/trend.html", "out",
					  "out/h", NULL };
		char *trend = hil_xasprintf("%s (report --history)", what);
		hostile_check(&r, &t, trend, history, OUT_ALLOWED, h);
		hostile_run_free(&r);
		const char *merge[] = { "merge", "out/h", "--out", "out/m", NULL };
		char *m = hil_xasprintf("%s/m", t.out), *merged = hil_xasprintf("%s (merge)", what);
		hostile_check(&r, &t, merged, merge, OUT_ALLOWED, m);
		hostile_run_free(&r);
		free(merged);
		free(m);
		free(trend);
		free(page);
		free(h);
		free(src);
		free(dst);
		hostile_tree_free(&t);
		free(what);
	}
}

Test(hostile_reports, a_journal_with_hostile_names_messages_and_log_paths)
{
	static const char *const keys[] = { "campaign", "rack", "rack_file", "scenario", "started",
					    "host", "board", "boards", "kind", "probe_serial",
					    "device_id", "bl_version", "revision", "rss_version",
					    "chip_uid", "power_check", "message", "case", "cell",
					    "log", "reason", NULL };
	journal_classes(keys, "names, messages and log paths");
}

Test(hostile_reports, a_journal_with_hostile_verdicts_and_classes)
{
	static const char *const keys[] = { "verdict", "class", "result", "rss", NULL };
	journal_classes(keys, "verdicts and classes");
}

/* A programmer log that holds the class in every field the parser reads
 * and on a line of its own. */
static char *hostile_log(const struct hostile_class *c, size_t *len)
{
	size_t n;
	char *bytes = hostile_bytes(c, &n), *buf = NULL;
	FILE *f = open_memstream(&buf, len), *in = fopen(SUCCESS_LOG, "r");
	char line[4096];
	static const char *const fields[] = { "ST-LINK SN  :", "Board       :", "Device name :",
					      "Revision ID :", "BL Version  :", NULL };

	cr_assert_not_null(in);
	while (fgets(line, sizeof(line), in)) {
		bool hit = false;
		for (size_t k = 0; fields[k] && !hit; k++)
			if (!strncmp(line, fields[k], strlen(fields[k]))) {
				fprintf(f, "%s ", fields[k]);
				fwrite(bytes, 1, n, f);
				fputc('\n', f);
				hit = true;
			}
		if (!hit)
			fputs(line, f);
	}
	fputs("Error: ", f);
	fwrite(bytes, 1, n, f);
	fputs("\n", f);
	fwrite(bytes, 1, n, f);
	fputs("\nRSS complete Value = 0x16\n", f);
	fclose(in);
	fclose(f);
	free(bytes);
	return buf;
}

Test(hostile_reports, programmer_logs_through_transcript_and_explain)
{
	for (size_t i = 0; i < hostile_class_count; i++) {
		struct hostile_tree t;
		struct hostile_run r;
		size_t len;
		char *log = hostile_log(&hostile_classes[i], &len);

		hostile_tree_make(&t);
		free(hostile_write(&t, "tool.log", log, len));
		static const char *const commands[][4] = {
			{ "transcript", "tool.log", NULL },
			{ "transcript", "--json", "tool.log", NULL },
			{ "explain", "tool.log", NULL },
		};
		for (size_t k = 0; k < 3; k++) {
			char *what = hil_xasprintf("%s %s: a log with %s", commands[k][0],
						   commands[k][1], hostile_classes[i].what);
			hostile_check(&r, &t, what, commands[k], NULL, NULL);
			if (k == 1) {
				json_error_t err;
				json_t *j = json_loadb(r.output, r.output_len, 0, &err);
				cr_assert_not_null(j, "%s: not JSON: %s", what, err.text);
				json_decref(j);
			}
			cr_assert_neq(r.code, 2, "%s: a log is classified, not refused", what);
			hostile_run_free(&r);
			free(what);
		}
		hostile_tree_free(&t);
		free(log);
	}
}

/* `transcript` reads a log file, or standard input when given `-`:
 * anything else is refused with exit 2 and says what it is. */
Test(hostile_reports, transcript_refuses_what_is_not_a_log_file)
{
	struct hostile_tree t;
	struct hostile_run r;

	hostile_tree_make(&t);
	char *fifo = hil_xasprintf("%s/fifo", t.campaign), *sock = hil_xasprintf("%s/sock", t.campaign);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	hostile_socket(&t, "sock");
	static const char *const inputs[][2] = {
		{ ".", "a directory" }, { "fifo", "a FIFO" }, { "sock", "a socket" },
		{ "/dev/zero", "a device" }, { "/dev/null", "a device" },
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		const char *args[] = { "transcript", inputs[i][0], NULL };
		hostile_check(&r, &t, inputs[i][1], args, NULL, NULL);
		cr_assert_eq(r.code, 2, "%s: exit %d\n%s", inputs[i][0], r.code, r.output);
		cr_assert(strstr(r.output, inputs[i][1]), "%s", r.output);
		hostile_run_free(&r);
	}
	free(fifo);
	free(sock);
	hostile_tree_free(&t);
}

/* --json-events - puts the events on standard output: pure ASCII JSON,
 * whatever the matrix values hold. */
Test(hostile_reports, matrix_values_in_json_events_on_standard_output)
{
	hostile_output_max = 1u << 20; /* each event names its install, value and all */
	for (size_t i = 0; i < hostile_class_count; i++) {
		struct hostile_tree t;
		struct hostile_run r;
		char *value = hostile_yaml_value(&hostile_classes[i]);
		char *scen = hil_xasprintf("campaign: c\nmatrix:\n  v: [a, %s]\nsteps:\n  - power: on\n",
					   value);
		char *what = hil_xasprintf("--json-events -: a matrix value with %s",
					   hostile_classes[i].what);

		hostile_tree_make(&t);
		free(hostile_write(&t, "rack.yaml", rack, strlen(rack)));
		free(hostile_write(&t, "s.yaml", scen, strlen(scen)));
		static const char *const args[] = { "run", "--quiet", "--json-events", "-", "--rack",
						    "rack.yaml", "--out", "out", "s.yaml", NULL };
		hostile_check(&r, &t, what, args, OUT_ALLOWED, NULL);
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
		free(scen);
		free(value);
	}
}
