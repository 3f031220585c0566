/* SQLite-style fault injection over a small campaign: the Nth write, the
 * Nth fsync and the Nth rename under the results folder fail, for every N
 * until N passes the number of such calls, and a SIGKILL lands after every
 * Nth journal record. Each time the journal is whole lines, `resume`
 * completes the campaign, no install is lost or run twice, and the reports
 * are there and parse. (inject.c is the LD_PRELOAD shim.) */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INSTALLS 3

static char *dir, *rack, *scen;

static void init(void)
{
	char real[PATH_MAX];

	test_isolate_locks();
	char *tmp = test_tmpdir();
	cr_assert(realpath(tmp, real));
	free(tmp);
	dir = strdup(real);
	rack = test_write(dir, "rack.yaml",
		"rack: inject\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: b, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	scen = test_write(dir, "s.yaml",
		"campaign: inject\nrepeat: 3\nsfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex,"
		" nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
		"  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
		" license: {hsm_slot: 1}}\n");
}

TestSuite(inject, .init = init, .timeout = 600);

/* Whole lines, each a JSON object; the installs, each once. */
static size_t installs_once(const char *out)
{
	char *path = NULL, *text = NULL, *save = NULL;
	size_t len = 0, n = 0;
	char seen[INSTALLS * 4][128];

	cr_assert(asprintf(&path, "%s/journal.jsonl", out) > 0);
	cr_assert_eq(hil_read_file(&text, &len, path, 16 << 20), 0, "%s", path);
	cr_assert(len && text[len - 1] == '\n', "a torn last line");
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *rec = json_loads(line, 0, NULL);
		cr_assert_not_null(rec, "not JSON: %.100s", line);
		const char *type = json_string_value(json_object_get(rec, "type"));
		if (type && !strcmp(type, "case")) {
			const char *name = json_string_value(json_object_get(rec, "case"));
			for (size_t i = 0; i < n; i++)
				cr_assert_str_neq(seen[i], name, "install %s recorded twice", name);
			cr_assert_lt(n, sizeof(seen) / sizeof(*seen));
			snprintf(seen[n++], sizeof(seen[0]), "%s", name);
		}
		json_decref(rec);
	}
	free(text);
	free(path);
	return n;
}

static void reports_parse(const char *out)
{
	char *path = NULL;

	cr_assert(asprintf(&path, "%s/summary.json", out) > 0);
	json_t *sum = json_load_file(path, 0, NULL);
	cr_assert_not_null(sum, "%s does not parse", path);
	json_decref(sum);
	free(path);
	cr_assert(asprintf(&path, "%s/junit.xml", out) > 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	cr_assert_not_null(doc, "%s is not well-formed XML", path);
	xmlFreeDoc(doc);
	free(path);
	cr_assert(asprintf(&path, "%s/report.html", out) > 0);
	cr_assert_eq(access(path, R_OK), 0, "no report.html");
	free(path);
}

/* Runs the campaign with the Nth @op failing; then resumes it (or runs it
 * again when the fault struck before the journal existed) until it is
 * complete. Returns false when the Nth call never came. */
static bool one_fault(const char *op, unsigned nth)
{
	char *out = NULL, *fired = NULL, *journal = NULL, *output = NULL, n[16];
	bool struck;

	cr_assert(asprintf(&out, "%s/%s-%u", dir, op, nth) > 0);
	cr_assert(asprintf(&fired, "%s.fired", out) > 0);
	cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
	snprintf(n, sizeof(n), "%u", nth);
	setenv("LD_PRELOAD", HIL_INJECT_LIB, 1);
	/* in the sanitizer build the shim comes before ASan's runtime */
	setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=1:abort_on_error=1", 1);
	setenv("HIL_FAULT_DIR", out, 1);
	setenv("HIL_FAULT_OP", op, 1);
	setenv("HIL_FAULT_NTH", n, 1);
	setenv("HIL_FAULT_FIRED", fired, 1);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	int code = test_spawn(run, &output);
	unsetenv("LD_PRELOAD");
	unsetenv("HIL_FAULT_OP");
	struck = access(fired, F_OK) == 0;
	cr_assert(code == 0 || code == 3, "%s #%u: exit %d\n%s", op, nth, code, output);
	cr_assert(!struck || code == 3 || installs_once(out) == INSTALLS,
		  "%s #%u failed yet the run said 0:\n%s", op, nth, output);
	free(output);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	/* resume continues what was recorded; a campaign that recorded nothing
	 * is run again into the same folder (what resume's message says to do) */
	struct stat st;
	bool recorded = stat(journal, &st) == 0 && st.st_size > 0;
	code = recorded ? test_spawn(resume, &output) : test_spawn(run, &output);
	cr_assert_eq(code, 0, "%s #%u: the campaign did not complete after the fault:\n%s", op, nth,
		     output);
	cr_assert_eq(installs_once(out), INSTALLS, "%s #%u: installs lost or added", op, nth);
	reports_parse(out);
	free(output);
	free(journal);
	free(fired);
	free(out);
	return struck;
}

static void every_n(const char *op)
{
	unsigned nth = 1;

	while (one_fault(op, nth))
		nth++;
	cr_assert_gt(nth, 1, "no %s under the results folder was ever made", op);
	cr_log_info("%s: faults 1..%u each survived", op, nth - 1);
}

Test(inject, the_nth_write_fails_for_every_n)
{
	every_n("write");
}

Test(inject, the_nth_fsync_fails_for_every_n)
{
	every_n("fsync");
}

Test(inject, the_nth_rename_fails_for_every_n)
{
	every_n("rename");
}

static size_t lines(const char *path)
{
	char *text = NULL;
	size_t len = 0, n = 0;

	if (hil_read_file(&text, &len, path, 16 << 20) == 0)
		for (size_t i = 0; i < len; i++)
			n += text[i] == '\n';
	free(text);
	return n;
}

Test(inject, a_sigkill_after_every_nth_journal_record)
{
	/* real waits (time scale 0.05), so the kill lands between records */
	char *slow = test_write(dir, "slow.yaml",
		"rack: inject\ntime_scale: 0.05\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: b, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");

	for (size_t nth = 1;; nth++) {
		char *out = NULL, *journal = NULL, *output = NULL;
		int status;
		cr_assert(asprintf(&out, "%s/kill-%zu", dir, nth) > 0);
		cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
		char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", slow, "--out", out, scen, NULL };
		pid_t pid = test_spawn_quiet(run);
		for (int i = 0; i < 20000 && lines(journal) < nth && waitpid(pid, &status, WNOHANG) == 0; i++)
			usleep(500);
		bool killed = kill(pid, SIGKILL) == 0;
		waitpid(pid, &status, 0);
		killed = killed && WIFSIGNALED(status);
		char *resume[] = { HIL_BINARY, "resume", out, NULL };
		struct stat st;
		bool recorded = stat(journal, &st) == 0 && st.st_size > 0;
		int code = recorded ? test_spawn(resume, &output) : test_spawn(run, &output);
		cr_assert_eq(code, 0, "kill after record %zu: %s", nth, output);
		cr_assert_eq(installs_once(out), INSTALLS, "kill after record %zu", nth);
		reports_parse(out);
		free(output);
		free(journal);
		free(out);
		if (!killed)
			break; /* the campaign had finished: every record was covered */
	}
	free(slow);
}
