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
