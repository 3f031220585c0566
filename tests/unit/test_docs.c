/* The reference docs keep up with the code: every key of the scenario and
 * rack formats is in docs/scenarios.md and docs/racks.md; every command and
 * option of `--help` is in the man page, and the man page names no command
 * the binary lacks. */
#include "harness/util/fileutil.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/config/scenario.h"
#include "support.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *read_doc(const char *rel)
{
	char *path = NULL, *text = NULL;
	size_t len;

	cr_assert(asprintf(&path, "%s/%s", HIL_SOURCE_DIR, rel) > 0);
	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 22), 0, "%s", path);
	free(path);
	return text;
}

/* `key` or key: somewhere in @doc. */
static bool documents(const char *doc, const char *key)
{
	char *a = NULL, *b = NULL;
	bool found;

	cr_assert(asprintf(&a, "`%s", key) > 0 && asprintf(&b, "%s:", key) > 0);
	found = strstr(doc, a) || strstr(doc, b);
	free(a);
	free(b);
	return found;
}

static void every_key_in(const char *rel, const char *const *const *lists)
{
	char *doc = read_doc(rel);

	for (size_t l = 0; lists[l]; l++)
		for (size_t k = 0; lists[l][k]; k++)
			cr_expect(documents(doc, lists[l][k]), "%s does not document '%s'", rel, lists[l][k]);
	free(doc);
}

Test(docs, scenarios_md_documents_every_scenario_key)
{
	every_key_in("docs/scenarios.md", hil_scenario_key_lists);
}

Test(docs, racks_md_documents_every_rack_key)
{
	every_key_in("docs/racks.md", hil_rack_key_lists);
}

/* Each backend lists the keys and values its entry takes. */
Test(docs, racks_md_documents_every_backend_key)
{
	const struct hil_driver_ops *ops;

	for (int role = HIL_ROLE_POWER; role <= HIL_ROLE_CONSOLE; role++)
		for (size_t i = 0; (ops = hil_registry_at((enum hil_role)role, i)); i++)
			if (ops->keys)
				every_key_in("docs/racks.md", ops->keys);
}

/* The commands of `sfi-harness --help` ("  name ..." lines after "Commands:"). */
static size_t commands(char names[][32], size_t max)
{
	char *out = NULL, *line, *save = NULL;
	char *argv[] = { HIL_BINARY, "--help", NULL };
	bool in = false;
	size_t n = 0;

	cr_assert_eq(test_spawn(argv, &out), 0);
	for (line = strtok_r(out, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Commands:", 9)) {
			in = true;
			continue;
		}
		if (in && line[0] == ' ' && line[1] == ' ' && isalpha((unsigned char)line[2]))
			sscanf(line + 2, "%31[a-z]", names[n++]);
		else if (in && !line[0])
			break;
	}
	free(out);
	return n;
}

Test(docs, the_man_page_covers_every_command_and_option)
{
	char *man = read_doc("docs/sfi-harness.1"), names[32][32];
	size_t n = commands(names, 32), w = 0;

	for (size_t r = 0; man[r]; r++) /* roff escapes: \- is a hyphen */
		if (man[r] != '\\')
			man[w++] = man[r];
	man[w] = '\0';

	cr_assert_gt(n, 8);
	for (size_t i = 0; i < n; i++) {
		char *out = NULL, *heading = NULL, *opt, *save = NULL;
		char *argv[] = { HIL_BINARY, names[i], "--help", NULL };
		cr_assert(asprintf(&heading, ".SS %s", names[i]) > 0);
		cr_expect(strstr(man, heading), "the man page has no '%s' section", heading);
		cr_assert_eq(test_spawn(argv, &out), 0, "%s --help", names[i]);
		/* every --option the command's help names */
		for (opt = strtok_r(out, " \t\n[],|=", &save); opt; opt = strtok_r(NULL, " \t\n[],|=", &save)) {
			if (strncmp(opt, "--", 2) || !isalpha((unsigned char)opt[2]))
				continue;
			char *clean = strdup(opt);
			clean[strspn(clean, "-abcdefghijklmnopqrstuvwxyz")] = '\0';
			cr_expect(strstr(man, clean), "the man page lacks %s of '%s'", clean, names[i]);
			free(clean);
		}
		free(out);
		free(heading);
	}
	/* and no section for a command the binary does not have */
	for (const char *p = strstr(man, "\n.SS "); p; p = strstr(p + 1, "\n.SS ")) {
		char name[32] = "";
		bool known = false;
		sscanf(p + 5, "%31[a-z]", name);
		for (size_t i = 0; i < n; i++)
			known = known || !strcmp(name, names[i]);
		cr_expect(known, "the man page documents '%s', which --help does not list", name);
	}
	free(man);
}

Test(docs, the_udev_rules_keep_modemmanager_off_every_console)
{
	char *text = NULL, *save = NULL;
	size_t len = 0, ttys = 0;

	cr_assert_eq(hil_read_file(&text, &len, HIL_SOURCE_DIR "/drivers/udev/70-sfi-harness.rules",
				   1 << 16), 0);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strstr(line, "SUBSYSTEM==\"tty\""))
			continue;
		ttys++;
		cr_assert(strstr(line, "ENV{ID_MM_DEVICE_IGNORE}=\"1\""), "ModemManager may probe: %s",
			  line);
	}
	cr_assert_geq(ttys, 2, "a console rule is missing");
	free(text);
}

/* Issue 20, the newcomer's path: the docs describe what is printed and
 * point only at what a clone has. */

/* A README or demo line as the test compares it: no time stamp, no
 * times that vary from run to run. */
static void normalize(char *line)
{
	char *p;

	if (line[0] == '[' && strlen(line) > 11 && line[9] == ']')
		memmove(line, line + 11, strlen(line + 11) + 1);
	if ((p = strstr(line, "about ")) && isdigit((unsigned char)p[6])) {
		char *q = p + 6;
		while (isdigit((unsigned char)*q))
			q++;
		memmove(p + 7, q, strlen(q) + 1);
		p[6] = 'N';
	}
	size_t n = strlen(line);
	if (n > 3 && !strcmp(line + n - 2, " s")) {
		char *q = line + n - 2;
		while (q > line && isdigit((unsigned char)q[-1]))
			q--;
		if (q > line + 1 && q[-1] == ' ' && q[-2] == ',')
			strcpy(q, "N s");
	}
}

Test(docs, the_readme_tour_is_what_the_demo_prints)
{
	char *readme = read_doc("README.md"), *dir = test_tmpdir(), *out = NULL, *text = NULL;
	char *argv[] = { HIL_BINARY, "run", "--time-scale", "0", "--out", NULL,
			 HIL_SOURCE_DIR "/scenarios/errata-2.2.3.yaml", NULL };

	cr_assert(asprintf(&out, "%s/demo", dir) > 0);
	argv[5] = out;
	cr_assert_eq(test_spawn(argv, &text), 0, "%s", text);
	size_t len = strlen(text);
	for (char *l = text; *l; l++)
		if (*l == '\n')
			*l = '\0';
	char *tour = strstr(readme, "## A tour of the demo");
	cr_assert(tour);
	char *block = strstr(tour, "```\n"), *end = block ? strstr(block + 4, "```") : NULL;
	cr_assert(block && end);
	*end = '\0';
	size_t checked = 0;
	for (char *line = strtok(block + 4, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "...") || strstr(line, "results/"))
			continue;
		normalize(line);
		bool found = false;
		for (char *o = text; !found && o < text + len; o += strlen(o) + 1) {
			char copy[1024];
			snprintf(copy, sizeof(copy), "%s", o);
			normalize(copy);
			found = !strcmp(copy, line);
		}
		cr_expect(found, "README's tour shows a line the demo does not print:\n%s", line);
		checked++;
	}
	cr_assert_geq(checked, 15);
	free(text);
	free(out);
	free(dir);
	free(readme);
}

Test(docs, progress_docs_describe_what_is_printed)
{
	static const char *const docs[] = { "docs/sfi-harness.1", "docs/design-changes.md",
					    "docs/engine.md", "README.md", NULL };
	char *help = NULL;
	char *argv[] = { HIL_BINARY, "run", "--help", NULL };

	for (size_t i = 0; docs[i]; i++) {
		char *doc = read_doc(docs[i]);
		cr_expect_null(strstr(doc, "mark per install"), "%s promises a mark per install", docs[i]);
		cr_expect_null(strstr(doc, "as one\nblock") ? "x" : strstr(doc, "as one block"),
			       "%s says a board prints as one block", docs[i]);
		free(doc);
	}
	cr_assert_eq(test_spawn(argv, &help), 0);
	cr_assert_null(strstr(help, "a mark per install"), "%s", help);
	cr_assert(strstr(help, "overall line"), "%s", help);
	free(help);
}

/* Every source docs/classes.md (so explain) cites is in its legend, never
 * a section of research notes a clone does not have; --help of transcript
 * and explain cite no DESIGN. */
Test(docs, citations_point_at_what_a_clone_has)
{
	char *classes = read_doc("docs/classes.md"), *sfi = read_doc("docs/sfi.md");
	static const char *const cmds[] = { "transcript", "explain", "run", "sfi", NULL };

	cr_assert_null(strstr(classes, "sfi.md §"), "docs/classes.md cites research notes by section");
	for (const char *p = classes; (p = strstr(p, "- source: ")); p++) {
		const char *eol = strchr(p, '\n');
		for (const char *s = p; s < eol; s++) {
			if (s[0] != 'S' || !isdigit((unsigned char)s[1]) || (s > p && isalnum((unsigned char)s[-1])))
				continue;
			char ref[16];
			size_t n = 1;
			while (isdigit((unsigned char)s[n]) && n < 8)
				n++;
			snprintf(ref, sizeof(ref), "| %.*s |", (int)n, s);
			cr_expect(strstr(classes, ref), "docs/classes.md cites %.*s without it in its legend",
				  (int)n, s);
		}
	}
	for (size_t i = 0; cmds[i]; i++) {
		char *out = NULL;
		char *argv[] = { HIL_BINARY, (char *)cmds[i], "--help", NULL };
		cr_assert_eq(test_spawn(argv, &out), 0);
		cr_expect_null(strstr(out, "DESIGN"), "%s --help cites DESIGN, which a clone lacks", cmds[i]);
		free(out);
	}
	/* the ../shared example says it needs ../shared; the nine --ob-words are explained */
	cr_assert(strstr(sfi, "with `../shared` beside\nthe project") ||
		  strstr(sfi, "with `../shared` beside the project"), "docs/sfi.md");
	cr_assert(strstr(sfi, "**The nine `--ob-words`**") && strstr(sfi, "| 1 | FOPTSR_PRG |") &&
		  strstr(sfi, "| 9 | reserved |"), "docs/sfi.md does not explain the nine --ob-words");
	free(sfi);
	free(classes);
}
