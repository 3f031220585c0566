/* `sfi-harness transcript [--json] FILE|-`: what the parser reads in a
 * STM32_Programmer_CLI log, and how it classifies it. */
#include "harness/cli/cli.h"
#include "harness/util/error.h"
#include "harness/util/json_util.h"
#include "harness/util/term.h"
#include "harness/transcript/outcome.h"
#include "harness/transcript/transcript_json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: sfi-harness transcript [--json] [--op OP] FILE|-\n"
	"\n"
	"Parses a STM32_Programmer_CLI log (a file, or - for standard input) and\n"
	"prints what it says: tool, probe, device, SFI areas and parts, RSS values,\n"
	"option bytes, errors, and the class (docs/classes.md). --json prints the parse\n"
	"with the documented keys. --op says which operation the log is of, for its\n"
	"success marker: sfi (default), connect, ob, upload, rss, list, hsm, abort,\n"
	"certificate, license, read32.\n"
	"The log is read to its end whatever its size. Exit 0 when the log was\n"
	"read, 2 when it could not be (a directory, FIFO or device is refused).\n";


/* What the log says, as text: every value came from the log, so the text
 * goes out terminal-safe (harness/util/term.h); --json is pure ASCII. */
static void print_text(const json_t *j)
{
	const json_t *dev = json_object_get(j, "device"), *sfi = json_object_get(j, "sfi");
	char *rss = hil_json_dumps_ascii(json_object_get(sfi, "rss_complete"), JSON_COMPACT);
	char *errors = hil_json_dumps_ascii(json_object_get(j, "errors"), JSON_INDENT(2));
	const char *fmt_null = "-";
	FILE *o = stdout;
#define S(o, k) (json_string_value(json_object_get(o, k)) ? json_string_value(json_object_get(o, k)) : fmt_null)

	hil_term_printf(o, "class:    %s (%s%s)\n", S(j, "class"), S(j, "verdict"),
			json_is_true(json_object_get(j, "infrastructure")) ? ", infrastructure" : "");
	hil_term_printf(o, "tool:     STM32CubeProgrammer %s\n", S(j, "tool_version"));
	hil_term_printf(o, "probe:    %s %s\n", S(json_object_get(j, "probe"), "board"),
			S(json_object_get(j, "probe"), "serial"));
	hil_term_printf(o, "device:   %s %s, revision %s, BL %s, RSS %s\n", S(dev, "id"),
			S(dev, "name"), S(dev, "revision"), S(dev, "bl_version"), S(dev, "rss_version"));
	hil_term_printf(o, "sfi:      %zu area(s) listed of %lld, %lld part(s) started, RSS "
			"complete %s\n", json_array_size(json_object_get(sfi, "areas")),
			(long long)json_integer_value(json_object_get(sfi, "areas_total")),
			(long long)json_integer_value(json_object_get(sfi, "parts_started")), rss);
	hil_term_printf(o, "errors:   %s\n", errors);
#undef S
	free(rss);
	free(errors);
}

int hil_cli_transcript(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "op", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hil_transcript *t;
	bool as_json = false;
	int op = HIL_PROG_SFI_INSTALL;
	bool op_given = false;
	int c;

	while ((c = getopt_long(argc, argv, "jo:h", options, NULL)) != -1) {
		if (c == 'j') {
			as_json = true;
		} else if (c == 'o') {
			op_given = true;
			if ((op = hil_prog_op_from_name(optarg)) < 0)
				return hil_cli_usage_error("transcript", "--op: unknown operation '%s'",
							   optarg);
		}
		else if (c == 'h')
			return fputs(usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("transcript", "unknown option");
	}
	if (optind != argc - 1)
		return hil_cli_usage_error("transcript", "give one FILE, or - for standard input");
	t = malloc(sizeof(*t));
	if (!t || hil_cubeprog_parse_file(t, argv[optind], NULL) < 0) {
		fprintf(stderr, "sfi-harness transcript: %s\n", hil_error_last());
		free(t);
		return HIL_EXIT_USAGE;
	}
	enum hil_class cls = hil_cubeprog_classify(t, (enum hil_prog_op)op, NULL);
	json_t *j = hil_transcript_json(t, cls);
	if (as_json) {
		char *out = hil_json_dumps_ascii(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(out);
		free(out);
	} else {
		print_text(j);
	}
	/* incomplete only says the SFI success marker is missing: a log of
	 * another operation needs its --op (on stderr: --json keeps stdout) */
	fflush(stdout);
	if (cls == HIL_CLASS_INCOMPLETE && !op_given)
		fprintf(stderr, "hint: read as an SFI install (the default --op sfi), the log has no "
			"success marker%s\n", t->probe_count
			? "; it lists probes (-l): sfi-harness transcript --op list FILE"
			: "; a log of another operation needs its --op (connect, ob, list, ...)");
	json_decref(j);
	free(t);
	return HIL_EXIT_OK;
}
