/* `sfi-harness explain [CLASS|RSS-VALUE|MESSAGE|LOG]...`: the error
 * catalogue (harness/transcript/catalogue.yaml) for a class, an RSS value, a message,
 * or every error of a STM32_Programmer_CLI log. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/transcript/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/util/error.h"
#include "harness/util/term.h"
#include "harness/transcript/outcome.h"
#include "harness/yaml/ycheck.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static const char usage[] =
	"usage: sfi-harness explain CLASS|RSS-VALUE|MESSAGE|LOG...\n"
	"\n"
	"Says what an outcome means, whose problem it is (board, image, licence,\n"
	"lab), what to try next, where the fact comes from and how sure it is:\n"
	"  sfi-harness explain rss_error           a class (docs/classes.md)\n"
	"  sfi-harness explain 0x16                an RSS value\n"
	"  sfi-harness explain 'SECURITY State Fail'   a tool message\n"
	"  sfi-harness explain install.log         each error of a CLI log\n"
	"  sfi-harness explain --list              every entry\n"
	"  sfi-harness explain --markdown          every entry, as docs/classes.md\n"
	"Exit 0 when everything asked about was explained, 1 when something has\n"
	"no entry, 2 on bad usage or an unreadable log.\n";

static void print_entry(const char *title, const struct hil_catalogue_entry *e)
{
	/* the title holds what was asked about: a message or a log's words */
	hil_term_printf(stdout, "%s\n  what:   %s\n  whose:  %s\n  next:   %s\n  source: %s\n"
			"  sure:   %s\n\n", title, e->meaning, e->who, e->next, e->source,
			e->confidence);
}

static bool explain_rss(uint32_t value)
{
	const struct hil_catalogue_entry *e = hil_catalogue_rss(value);
	char title[64];

	snprintf(title, sizeof(title), "RSS complete Value = 0x%X", value);
	if (e)
		print_entry(title, e);
	else
		printf("%s\n  no catalogue entry: any non-zero RSS value is a failure (rss_error);\n"
		       "  its meaning is not public. The raw value is kept in the reports.\n\n", title);
	return e != NULL;
}

static bool explain_message(const char *line, const char *prefix)
{
	const struct hil_catalogue_entry *e = hil_catalogue_message(line);
	char title[HIL_TX_MSG_LEN + 32];

	snprintf(title, sizeof(title), "%s%s", prefix, line);
	if (e) {
		print_entry(title, e);
		return true;
	}
	hil_term_printf(stdout, "%s\n  no catalogue entry for this message.\n", title);
	/* "explain 16" means the RSS value 0x16 more often than a message */
	bool hex = line[0] != '\0' && !prefix[0];
	for (const char *p = line; hex && *p; p++)
		hex = isxdigit((unsigned char)*p);
	if (hex && strlen(line) <= 8)
		hil_term_printf(stdout, "  an RSS value is written in hex with 0x: sfi-harness "
				"explain 0x%s\n", line);
	else if (!prefix[0])
		printf("  sfi-harness explain --list shows every class, RSS value and message.\n");
	printf("\n");
	return false;
}

/* Every error and warning, every RSS value, then the outcome's class. */
static int explain_log(const char *path)
{
	struct hil_transcript *tx = calloc(1, sizeof(*tx));
	char title[128];
	bool all = true;

	if (!tx || hil_cubeprog_parse_file(tx, path, NULL) < 0) {
		fprintf(stderr, "sfi-harness explain: %s\n", hil_error_last());
		free(tx);
		return 2;
	}
	enum hil_class cls = hil_cubeprog_classify(tx, HIL_PROG_SFI_INSTALL, NULL);
	hil_term_printf(stdout, "== %s: %s%s%s, BL %s0x%02X, class %s\n\n", path,
			tx->device_name[0] ? tx->device_name : "device ?",
			tx->revision[0] ? ", revision " : "", tx->revision,
			tx->has_bl_version ? "" : "? ", tx->bl_version, hil_class_name(cls));
	for (size_t i = 0; i < tx->rss_count; i++)
		if (tx->rss_complete[i])
			all = explain_rss(tx->rss_complete[i]) && all;
	if (tx->rss_cmd_failed)
		all = explain_rss(tx->rss_cmd_value) && all;
	for (size_t i = 0; i < tx->error_count && i < HIL_TX_MAX_MSGS; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen = seen || !strcmp(tx->errors[k], tx->errors[i]);
		if (!seen)
			all = explain_message(tx->errors[i], "Error: ") && all;
	}
	for (size_t i = 0; i < tx->warning_count && i < HIL_TX_MAX_MSGS; i++)
		if (hil_catalogue_message(tx->warnings[i]))
			explain_message(tx->warnings[i], "Warning: ");
	snprintf(title, sizeof(title), "class %s", hil_class_name(cls));
	if (hil_catalogue_class(hil_class_name(cls)))
		print_entry(title, hil_catalogue_class(hil_class_name(cls)));
	free(tx);
	return all ? 0 : 1;
}

static void list_all(void)
{
	static const char *const kinds[] = { "class", "RSS value", "message" };
	const struct hil_catalogue_entry *e;
	char title[256];

	for (int k = HIL_CAT_CLASS; k <= HIL_CAT_MESSAGE; k++)
		for (size_t i = 0; (e = hil_catalogue_at((enum hil_catalogue_kind)k, i)); i++) {
			snprintf(title, sizeof(title), "%s %s", kinds[k], e->key);
			print_entry(title, e);
		}
}

/* docs/classes.md: the whole catalogue as Markdown (a test keeps the file
 * equal to this output). */
static void print_markdown(void)
{
	static const char *const headings[] = { "Classes", "RSS values", "Messages" };
	const struct hil_catalogue_entry *e;

	printf("# Outcome classes, RSS values and messages\n\n"
	       "Generated from `harness/transcript/catalogue.yaml` by `sfi-harness explain --markdown`;\n"
	       "`tests/unit/test_catalogue.c` fails when the two differ. `whose`: board,\n"
	       "image, licence, lab, harness or none. `sure`: confirmed (a primary source),\n"
	       "likely (field reports agree, ST has not confirmed), unknown (no public source).\n"
	       "\n"
	       "Sources: ES0478 (STM32H7A3/B3/B0 errata), AN5054 (SFI with STM32CubeProgrammer),\n"
	       "AN2606 (system bootloader), RM0455 (H7A/B reference manual), the seed (the ST\n"
	       "community thread behind this project). S-numbers (S4, S1 T2: transcript 2 of\n"
	       "S1) are these public sources, as the project's research notes number them;\n"
	       "\"unverified\" marks a reading no public source backs:\n"
	       "\n"
	       "| ref | source |\n|---|---|\n"
	       "| S1 | ST AN5054, How to perform secure programming using STM32CubeProgrammer |\n"
	       "| S4 | ST community: \"SFI : Error: RSS internal system error or License is invalid!\" (H7A/B, BL 0x91, CubeProgrammer 2.10.0, 2022) |\n"
	       "| S5 | ST community: \"STM32H753 SFI error: Invalid state after SFI install\" (CubeProgrammer 2.20.0) |\n"
	       "| S6 | ST community: \"Error: Execution of RSS CMD failed, returned value = 0xF5F5F5F5\" (STM32U535) |\n"
	       "| S7 | ST community: \"SFI on STM32H533 terminates early\" |\n"
	       "| S10 | ST community: \"Secure firmware install over USB on STM32H743\" |\n"
	       "| S11 | ST community: \"SFI without TrustZone on STM32U5 is possible?\" |\n"
	       "| S16 | ST community: \"STM32CubeProgrammer not clearing the Option Bytes on STM32H7B3i-DK\" |\n"
	       "| S20 | `STM32_Programmer_CLI -l` transcripts (CubeProgrammer 2.2.0, 2.13.0, 2.17.0) |\n");
	for (int k = HIL_CAT_CLASS; k <= HIL_CAT_MESSAGE; k++) {
		printf("\n## %s\n", headings[k]);
		for (size_t i = 0; (e = hil_catalogue_at((enum hil_catalogue_kind)k, i)); i++)
			printf("\n### `%s`\n\n%s\n\n- whose: %s\n- next: %s\n- source: %s\n- sure: %s\n",
			       e->key, e->meaning, e->who, e->next, e->source, e->confidence);
	}
}

static int explain_one(const char *arg)
{
	struct stat st;
	uint32_t value;

	/* anything that exists is a log to read (a directory or FIFO is refused
	 * there), never a message to look up */
	if (stat(arg, &st) == 0)
		return explain_log(arg);
	if (hil_catalogue_class(arg)) {
		char title[96];
		snprintf(title, sizeof(title), "class %s", arg);
		print_entry(title, hil_catalogue_class(arg));
		return 0;
	}
	if (!strncmp(arg, "0x", 2) || !strncmp(arg, "0X", 2))
		return hil_parse_hex32(arg, &value) ? !explain_rss(value) : 2;
	/* the tool's own RSS lines ("RSS complete Value = 0x16", "... returned
	 * value = 0xF5F5F5F5") explain as their value */
	const char *v = strstr(arg, "alue = 0x");
	if (v && !hil_catalogue_message(arg) && hil_parse_hex32(v + strlen("alue = "), &value))
		return explain_rss(value) ? 0 : 1;
	return explain_message(arg, "") ? 0 : 1;
}

int hil_cli_explain(int argc, char **argv)
{
	int worst = 0;

	if (argc < 2)
		return hil_cli_usage_error("explain", "give a class, an RSS value, a message or a log");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--list")) {
		list_all();
		return 0;
	}
	if (!strcmp(argv[1], "--markdown")) {
		print_markdown();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		int rc = explain_one(argv[i]);
		worst = rc > worst ? rc : worst;
	}
	return worst;
}
