/* `sfi-harness` command dispatch, --help and --version. */
#include "harness/cli/cli.h"
#include "harness/util/term.h"
#include "harness/transcript/outcome.h"
#include "reports/junit.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: sfi-harness [--help] [--version] [--attachment-base DIR] COMMAND [ARGS]\n"
	"\n"
	"Runs Secure Firmware Install campaigns on STM32H7A/B boards and checks each\n"
	"outcome against what the scenario expects for the bootloader the board reports.\n"
	"\n"
	"Commands:\n"
	"  run SCENARIO...   run campaigns (default rack: the simulated one)\n"
	"  check FILE...     validate racks, scenarios and board profiles\n"
	"  resume DIR        finish a campaign that was killed or interrupted\n"
	"  report DIR        render a campaign's reports again from its journal\n"
	"  merge DIR... --out DIR   join shards into one set of reports\n"
	"  history add|query --db FILE   a SQLite history of finished campaigns\n"
	"  transcript FILE   parse and classify a STM32_Programmer_CLI log\n"
	"  explain WHAT      what a class, RSS value, message or whole log means\n"
	"  sfi inspect|build look inside an SFI image, or build a test image\n"
	"  probes            list the ST-LINK probes on the USB bus (with --rack: its\n"
	"                    boards, and those whose probe is not seen)\n"
	"  power BOARD on|off|cycle   switch one board's power, for bring-up\n"
	"  doctor            check that this host can drive the rack (day one)\n"
	"\n"
	"'sfi-harness COMMAND --help' describes a command.\n"
	"\n"
	"--attachment-base DIR: junit.xml's attachment and file paths are written\n"
	"relative to DIR (the CI workspace; default: the working directory), for\n"
	"every command that writes reports; $SFI_HARNESS_ATTACHMENT_BASE does the same.\n"
	"\n"
	"Exit codes: 0 all as expected, 1 a failure or unexpected pass, 2 bad usage or\n"
	"input, 3 infrastructure errors only or incomplete, 4 inconclusive (more runs\n"
	"needed), 130 interrupted.\n";

int hil_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sfi-harness %s: ", cmd);
	va_start(ap, fmt); /* it quotes the command line back */
	hil_term_vprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'sfi-harness %s --help'.\n", cmd);
	return HIL_EXIT_USAGE;
}

int hil_cli_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "attachment-base", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* Options before the command only; the command parses the rest. */
	while ((c = getopt_long(argc, argv, "+hVA:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return HIL_EXIT_OK;
		case 'V':
			printf("sfi-harness %s\n", HIL_VERSION);
			return HIL_EXIT_OK;
		case 'A': { /* read by the JUnit writer of run, resume, report, merge */
			struct stat st;
			if (stat(optarg, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "sfi-harness: --attachment-base: '%s' is not a folder\n",
					optarg);
				return HIL_EXIT_USAGE;
			}
			setenv(HIL_JUNIT_ATTACHMENT_BASE_ENV, optarg, 1);
			break;
		}
		default:
			fputs(usage, stderr);
			return HIL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return HIL_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: 0 re-initialises getopt for the command's own options */
	if (!strcmp(argv[0], "run"))
		return hil_cli_run(argc, argv);
	if (!strcmp(argv[0], "check"))
		return hil_cli_check(argc, argv);
	if (!strcmp(argv[0], "transcript"))
		return hil_cli_transcript(argc, argv);
	if (!strcmp(argv[0], "explain"))
		return hil_cli_explain(argc, argv);
	if (!strcmp(argv[0], "report"))
		return hil_cli_report(argc, argv);
	if (!strcmp(argv[0], "resume"))
		return hil_cli_resume(argc, argv);
	if (!strcmp(argv[0], "merge"))
		return hil_cli_merge(argc, argv);
	if (!strcmp(argv[0], "history"))
		return hil_cli_history(argc, argv);
	if (!strcmp(argv[0], "sfi"))
		return hil_cli_sfi(argc, argv);
	if (!strcmp(argv[0], "probes"))
		return hil_cli_probes(argc, argv);
	if (!strcmp(argv[0], "power"))
		return hil_cli_power(argc, argv);
	if (!strcmp(argv[0], "doctor"))
		return hil_cli_doctor(argc, argv);
	hil_term_printf(stderr, "sfi-harness: unknown command '%s'\n\n", argv[0]);
	fputs(usage, stderr);
	return HIL_EXIT_USAGE;
}
