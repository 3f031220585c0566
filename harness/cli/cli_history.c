/* `sfi-harness history add|query --db FILE`: the results history
 * (harness/history/, docs/history.md). add ingests finished results
 * folders (idempotently); query filters their installs and prints a
 * table, JSON lines or CSV. */
#include "harness/cli/cli.h"
#include "harness/history/history.h"
#include "harness/journal/campaign_dir.h"
#include "harness/transcript/outcome.h"
#include "harness/util/error.h"
#include "harness/util/term.h"
#include "harness/util/xalloc.h"
#include "reports/trend.h"

#include <jansson.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char history_usage[] =
	"usage: sfi-harness history add --db FILE [--allow-incomplete] DIR...\n"
	"       sfi-harness history query --db FILE [filters] [--json | --csv] [--limit N]\n"
	"\n"
	"add: stores finished campaigns (results folders) in the SQLite database FILE\n"
	"(created when absent); the same campaign twice adds nothing. An incomplete\n"
	"campaign is refused unless --allow-incomplete (then kept marked incomplete).\n"
	"query: the installs that match every filter given, newest campaign first:\n"
	"  --board NAME  --chip-uid UID  --probe SERIAL  --bl 0x92  --rss-version V\n"
	"  --rss 0x16  --class CLASS  --verdict V  --image NAME|PATH|SHA256\n"
	"  --rack NAME  --scenario FILE  --campaign NAME  --since DATE  --until DATE\n"
	"Dates: 2026-12-01 or 2026-12-01T02:00:00 (the campaign's start, UTC).\n"
	"One writer at a time (the merge job, in the shipped pipelines): docs/history.md.\n";

static int history_add(const char *db, bool allow_incomplete, char **dirs, int n)
{
	struct hil_history *h = NULL;
	int code = HIL_EXIT_OK, error;

	/* every folder is a results folder before the database is touched */
	for (int i = 0; i < n; i++) {
		struct hil_campaign_dir *cd = NULL;
		if ((error = hil_campaign_dir_open(&cd, dirs[i], HIL_CAMPAIGN_READ, NULL)) < 0)
			return hil_cli_dir_refused("history", error);
		hil_campaign_dir_close(cd);
	}
	if ((error = hil_history_open(&h, db, true)) < 0) {
		fprintf(stderr, "sfi-harness history: %s\n", hil_error_last());
		return error == HIL_ECONFIG ? HIL_EXIT_USAGE : HIL_EXIT_INFRA;
	}
	for (int i = 0; i < n; i++) {
		struct hil_campaign_dir *cd = NULL;
		struct hil_results *r = NULL;
		struct hil_history_added added;
		bool live = false;
		char name[512];
		if ((error = hil_campaign_dir_open(&cd, dirs[i], HIL_CAMPAIGN_READ, NULL)) == 0)
			live = hil_campaign_dir_live(cd);
		if (!error && live)
			error = hil_error_set(HIL_EBUSY, "%s is being written by a run now: add it when "
					      "it ends", dirs[i]);
		if (!error && (error = hil_results_load(&r, hil_campaign_dir_journal(cd), true)) == 0)
			error = hil_history_add(h, r, dirs[i], allow_incomplete, &added);
		hil_campaign_dir_close(cd);
		hil_term_safe(name, sizeof(name), dirs[i], false);
		if (error < 0) {
			fprintf(stderr, "sfi-harness history: %s\n", hil_error_last());
			code = error == HIL_EIO || error == HIL_EBUSY ? HIL_EXIT_INFRA : HIL_EXIT_USAGE;
		} else if (added.completed) {
			printf("%s: the campaign the history kept incomplete is now complete: %llu "
			       "install(s) added\n", name, added.installs);
		} else if (added.campaign_known) {
			printf("%s: already in the history, nothing added\n", name);
		} else {
			printf("%s: %llu install(s) added%s", name, added.installs,
			       r->complete ? "" : " (marked incomplete)");
			if (added.already)
				printf(", %llu already there (from another folder of the campaign)",
				       added.already);
			printf("\n");
		}
		hil_results_free(r);
	}
	hil_history_close(h);
	return code;
}

enum format { TABLE, JSON, CSV };

struct printer {
	enum format format;
	unsigned long rows;
};

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int print_row(const struct hil_history_row *row, void *payload)
{
	struct printer *p = payload;
	const char *fields[] = { row->started, row->campaign, row->rack, row->board, row->bl_version,
				 row->rss_version, row->chip_uid, row->probe, row->cell, row->name,
				 row->verdict, row->cls, row->rss, row->image, row->image_sha256 };
	static const char *const keys[] = { "started", "campaign", "rack", "board", "bl_version",
					    "rss_version", "chip_uid", "probe", "cell", "install",
					    "verdict", "class", "rss", "image", "image_sha256" };
	size_t n = sizeof(fields) / sizeof(*fields);

	if (p->format == CSV) {
		if (!p->rows)
			for (size_t i = 0; i < n; i++)
				csv_field(keys[i], i + 1 == n);
		for (size_t i = 0; i < n; i++)
			csv_field(fields[i], i + 1 == n);
	} else if (p->format == JSON) {
		json_t *o = json_object();
		for (size_t i = 0; i < n; i++)
			json_object_set_new(o, keys[i], json_string(fields[i]));
		json_object_set_new(o, "duration_s", json_real(row->duration_s));
		char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		if (line)
			puts(line);
		free(line);
		json_decref(o);
	} else {
		char t[8][200];
		if (!p->rows)
			printf("%-19s %-12s %-14s %-5s %-28s %-8s %-16s %s\n", "started", "rack", "board",
			       "BL", "cell", "verdict", "class", "RSS");
		printf("%-19s %-12s %-14s %-5s %-28s %-8s %-16s %s\n",
		       hil_term_safe(t[0], sizeof(t[0]), row->started, false),
		       hil_term_safe(t[1], sizeof(t[1]), row->rack, false),
		       hil_term_safe(t[2], sizeof(t[2]), row->board, false),
		       hil_term_safe(t[3], sizeof(t[3]), row->bl_version, false),
		       hil_term_safe(t[4], sizeof(t[4]), row->cell[0] ? row->cell : base(row->image), false),
		       hil_term_safe(t[5], sizeof(t[5]), row->verdict, false),
		       hil_term_safe(t[6], sizeof(t[6]), row->cls, false),
		       hil_term_safe(t[7], sizeof(t[7]), row->rss, false));
	}
	p->rows++;
	return 0;
}

static int history_query(const char *db, const struct hil_history_filter *f, enum format format)
{
	struct hil_history *h = NULL;
	struct printer p = { format, 0 };
	int error;

	if ((error = hil_history_open(&h, db, false)) < 0 ||
	    (error = hil_history_query(h, f, print_row, &p)) < 0) {
		fprintf(stderr, "sfi-harness history: %s\n", hil_error_last());
		hil_history_close(h);
		return error == HIL_ECONFIG ? HIL_EXIT_USAGE : HIL_EXIT_INFRA;
	}
	hil_history_close(h);
	if (format == TABLE)
		printf("%lu install(s)%s\n", p.rows, f->limit && p.rows == f->limit ? " (--limit reached)" : "");
	return HIL_EXIT_OK;
}

/* "2026-12-01", "2026-12-01T02:00" or "2026-12-01T02:00:00" (the
 * campaign's UTC start, as the journal writes it). */
static bool date_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(s);

	if (n != 10 && n != 16 && n != 19)
		return false;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

/* The filters' dates, checked: a date that is not one would silently
 * match everything or nothing. */
static int check_dates(const struct hil_history_filter *f, const char *cmd)
{
	const char *const dates[] = { f->since, f->until };
	const char *const names[] = { "--since", "--until" };

	for (int i = 0; i < 2; i++)
		if (dates[i] && !date_ok(dates[i]))
			return hil_cli_usage_error(cmd, "%s: '%s' is not a date (2026-12-01 or "
						   "2026-12-01T02:00:00, UTC)", names[i], dates[i]);
	return 0;
}

struct trend_build {
	struct hil_trend *trend;
	long long campaign_id;
	size_t column;
};

static int trend_cell(const struct hil_history_cell *c, void *payload)
{
	struct trend_build *tb = payload;

	if (c->campaign_id != tb->campaign_id) { /* the first cell of a campaign */
		tb->campaign_id = c->campaign_id;
		tb->column = hil_trend_campaign(tb->trend, c->started, c->complete);
	}
	char *key = hil_xasprintf("%s%s%s", c->board, c->cell[0] ? " " : "", c->cell);
	hil_trend_cell(tb->trend, tb->column, key, c->runs, c->as_expected);
	free(key);
	return 0;
}

int hil_cli_history_trend(const char *db, const struct hil_history_filter *f, const char *html)
{
	struct hil_history *h = NULL;
	struct trend_build tb = { NULL, -1, 0 };
	int error;

	if (check_dates(f, "report"))
		return HIL_EXIT_USAGE;
	tb.trend = hil_trend_new();

	if ((error = hil_history_open(&h, db, false)) < 0 ||
	    (error = hil_history_cells(h, f, trend_cell, &tb)) < 0 ||
	    (error = hil_trend_render(tb.trend, stdout, html)) < 0) {
		fprintf(stderr, "sfi-harness report: %s\n", hil_error_last());
		hil_history_close(h);
		hil_trend_free(tb.trend);
		return error == HIL_ECONFIG ? HIL_EXIT_USAGE : HIL_EXIT_INFRA;
	}
	hil_history_close(h);
	hil_trend_free(tb.trend);
	if (html)
		hil_term_printf(stdout, "trend: %s\n", html);
	return HIL_EXIT_OK;
}

int hil_cli_history(int argc, char **argv)
{
	enum { BOARD = 256, CHIP, PROBE, BL, RSSV, RSS, CLASS, VERDICT, IMAGE, RACK, SCEN, CAMP, SINCE,
	       UNTIL, LIMIT, JSONF, CSVF, ALLOW, DB };
	static const struct option options[] = {
		{ "db", required_argument, NULL, DB }, { "board", required_argument, NULL, BOARD },
		{ "chip-uid", required_argument, NULL, CHIP }, { "probe", required_argument, NULL, PROBE },
		{ "bl", required_argument, NULL, BL }, { "rss-version", required_argument, NULL, RSSV },
		{ "rss", required_argument, NULL, RSS }, { "class", required_argument, NULL, CLASS },
		{ "verdict", required_argument, NULL, VERDICT }, { "image", required_argument, NULL, IMAGE },
		{ "rack", required_argument, NULL, RACK }, { "scenario", required_argument, NULL, SCEN },
		{ "campaign", required_argument, NULL, CAMP }, { "since", required_argument, NULL, SINCE },
		{ "until", required_argument, NULL, UNTIL }, { "limit", required_argument, NULL, LIMIT },
		{ "json", no_argument, NULL, JSONF }, { "csv", no_argument, NULL, CSVF },
		{ "allow-incomplete", no_argument, NULL, ALLOW }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hil_history_filter f = { 0 };
	const char *db = NULL;
	enum format format = TABLE;
	bool allow = false;
	int c;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return fputs(history_usage, argc < 2 ? stderr : stdout), argc < 2 ? HIL_EXIT_USAGE : HIL_EXIT_OK;
	const char *verb = argv[1];
	if (strcmp(verb, "add") && strcmp(verb, "query"))
		return hil_cli_usage_error("history", "'%s' is not add or query", verb);
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		const char **slot[] = { [BOARD - BOARD] = &f.board, [CHIP - BOARD] = &f.chip_uid,
					[PROBE - BOARD] = &f.probe, [BL - BOARD] = &f.bl_version,
					[RSSV - BOARD] = &f.rss_version, [RSS - BOARD] = &f.rss,
					[CLASS - BOARD] = &f.cls, [VERDICT - BOARD] = &f.verdict,
					[IMAGE - BOARD] = &f.image, [RACK - BOARD] = &f.rack,
					[SCEN - BOARD] = &f.scenario, [CAMP - BOARD] = &f.campaign,
					[SINCE - BOARD] = &f.since, [UNTIL - BOARD] = &f.until };
		if (c >= BOARD && c <= UNTIL) {
			*slot[c - BOARD] = optarg;
		} else if (c == LIMIT) {
			char *end;
			errno = 0;
			f.limit = strtoul(optarg, &end, 10);
			if (*end || !f.limit || optarg[0] == '-' || errno == ERANGE)
				return hil_cli_usage_error("history", "--limit: '%s' is not a number above 0", optarg);
		} else if (c == JSONF || c == CSVF) {
			format = c == JSONF ? JSON : CSV;
		} else if (c == ALLOW) {
			allow = true;
		} else if (c == DB) {
			db = optarg;
		} else if (c == 'h') {
			return fputs(history_usage, stdout), HIL_EXIT_OK;
		} else {
			return hil_cli_usage_error("history", "unknown option");
		}
	}
	if (!db)
		return hil_cli_usage_error("history", "give the database with --db FILE");
	if (!strcmp(verb, "add")) {
		if (optind >= argc)
			return hil_cli_usage_error("history", "add: give the results folders");
		return history_add(db, allow, argv + optind, argc - optind);
	}
	if (optind != argc)
		return hil_cli_usage_error("history", "query takes options only, not '%s'", argv[optind]);
	if (check_dates(&f, "history"))
		return HIL_EXIT_USAGE;
	return history_query(db, &f, format);
}
