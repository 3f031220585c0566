/* B3: transcript parser throughput on real transcript text, side by side
 * with what a lab would run instead: `grep -cE` (and mawk) over the same
 * markers. The text: the seed's two real logs (../shared/seed/
 * sfi-forum-thread.txt, skipped visibly when ../shared is absent) and the
 * golden transcripts (the .log files of fixtures/transcripts), copied in turn until
 * they make >= 60 MB (--quick: 6 MB).
 *
 *   parser  hil_cubeprog_parse() on each copy of each log, from memory:
 *           what the harness does with every step's output (all fields,
 *           areas, option bytes, errors, then the class);
 *   grep    LC_ALL=C grep -cE MARKERS FILE: counts the lines holding a
 *           marker, nothing more (-c: writing to /dev/null, GNU grep stops
 *           at the first match and measures nothing);
 *   mawk    the same count with mawk.
 *
 * MARKERS are the parser's: the 13 it looks for anywhere in a line and the
 * Error:/Warning: lines. grep and mawk must count the same. MB/s (10^6
 * bytes) medians of --runs, alternating; the ratio parser / grep. Target:
 * parser >= 200 MB/s. */
#include "bench.h"
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/fileutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TARGET_MB_S 200.0

static const char markers[] =
	"STM32CubeProgrammer v|RSS complete Value = |SFI Process Finished!|Install Operation Success|"
	"Data read successfully|Get Certificate done successfully|"
	"Succeed to get License for Firmware from HSM|ST-LINK error|DEV_CONNECT_ERR|"
	"OPTION BYTES BANK|Display OB after Abort|Option Bytes successfully programmed|"
	"Mass erase successfully achieved|Error:|ERROR:|Warning:";

struct logs {
	char **text;
	size_t *len, n, bytes;
};

static void add(struct logs *l, const char *text, size_t len)
{
	l->text = realloc(l->text, (l->n + 1) * sizeof(*l->text));
	l->len = realloc(l->len, (l->n + 1) * sizeof(*l->len));
	l->text[l->n] = malloc(len);
	memcpy(l->text[l->n], text, len);
	l->len[l->n++] = len;
	l->bytes += len;
}

/* The seed's two logs, cut where tests/unit/test_parse.c cuts them. */
static bool seed_logs(const struct bench_opts *o, struct logs *l)
{
	const char *env = getenv("SFI_HARNESS_SHARED");
	char *path = env ? bench_fmt("%s/seed/sfi-forum-thread.txt", env)
			 : bench_fmt("%s/../shared/seed/sfi-forum-thread.txt", o->source_dir);
	char *text = NULL;
	size_t len;
	bool ok = false;

	if (hil_read_file(&text, &len, path, 1 << 20) == 0) {
		char *first = strstr(text, "./STM32_Programmer_CLI");
		char *end = strstr(text, "Install Operation Failure! Please, try again");
		char *second = strstr(text, "Database: Config 0 is active.");
		char *second_end = second ? strstr(second, "00:00:01.528") : NULL;
		if (first && end && second_end) {
			add(l, first, (size_t)(end - first) + 45);
			add(l, second, (size_t)(second_end - second) + 12);
			ok = true;
		}
	}
	if (!ok)
		printf("B3  SKIPPED the seed's logs (no %s): the golden transcripts only\n", path);
	free(text);
	free(path);
	return ok;
}

static void golden_logs(const struct bench_opts *o, struct logs *l)
{
	char *dir = bench_fmt("%s/fixtures/transcripts", o->source_dir);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		size_t nl = strlen(names[i]->d_name), len;
		char *path = bench_fmt("%s/%s", dir, names[i]->d_name), *text = NULL;
		if (nl > 4 && !strcmp(names[i]->d_name + nl - 4, ".log") &&
		    hil_read_file(&text, &len, path, 1 << 20) == 0)
			add(l, text, len);
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static double parse_all(const struct logs *l, size_t copies)
{
	static struct hil_transcript tx;
	size_t errors = 0;
	double start = bench_now();

	for (size_t c = 0; c < copies; c++)
		for (size_t i = 0; i < l->n; i++) {
			hil_cubeprog_parse(&tx, l->text[i], l->len[i]);
			errors += tx.error_count;
		}
	double wall = bench_now() - start;
	if (!errors) /* the seed's and the goldens' errors: a parser that saw none saw nothing */
		bench_failures++, fprintf(stderr, "sfi-bench: B3 parser found no error lines\n");
	return wall;
}

/* Runs @argv (a count to @log): its wall time; *count gets the number. */
static double count_run(char *const argv[], const char *what, const char *log, long *count)
{
	char *env[] = { "LC_ALL=C", NULL }, *text = NULL;
	struct bench_proc p;
	size_t len;

	*count = -1;
	if (bench_run(what, argv, env, log, 0, &p) == 0 && hil_read_file(&text, &len, log, 64) == 0)
		*count = strtol(text, NULL, 10);
	free(text);
	return p.wall_s;
}

json_t *bench_b3_parser(const struct bench_opts *o)
{
	struct logs l = { 0 };
	size_t target = (o->quick ? 6u : 60u) * 1000u * 1000u;
	unsigned runs = o->runs;
	bool seed = seed_logs(o, &l);

	golden_logs(o, &l);
	size_t copies = (target + l.bytes - 1) / l.bytes, bytes = copies * l.bytes;
	char *file = bench_fmt("%s/b3-transcripts.txt", o->work_dir), *log = bench_fmt("%s/b3-count", o->work_dir);
	FILE *f = fopen(file, "w");
	for (size_t c = 0; c < copies && f; c++)
		for (size_t i = 0; i < l.n; i++)
			fwrite(l.text[i], 1, l.len[i], f);
	if (!f || fclose(f) != 0)
		abort();
	char *awk_prog = bench_fmt("/%s/ { n++ } END { print n + 0 }", markers);
	char *grep[] = { "/bin/grep", "-cE", (char *)markers, file, NULL };
	char *mawk[] = { "/usr/bin/mawk", awk_prog, file, NULL };
	bool have_mawk = access(mawk[0], X_OK) == 0;
	double *mb[3];
	long grep_count = 0, mawk_count = 0;
	for (int k = 0; k < 3; k++)
		mb[k] = calloc(runs, sizeof(double));
	count_run(grep, "B3 grep (warming the page cache)", log, &grep_count);
	for (unsigned r = 0; r < runs; r++) {
		mb[0][r] = (double)bytes / parse_all(&l, copies) / 1e6;
		mb[1][r] = (double)bytes / count_run(grep, "B3 grep -cE", log, &grep_count) / 1e6;
		if (have_mawk)
			mb[2][r] = (double)bytes / count_run(mawk, "B3 mawk", log, &mawk_count) / 1e6;
	}
	if (grep_count <= 0 || (have_mawk && mawk_count != grep_count))
		bench_failures++, fprintf(stderr, "sfi-bench: B3 grep counted %ld lines, mawk %ld\n",
					  grep_count, mawk_count);
	double parser = bench_median(mb[0], runs), g = bench_median(mb[1], runs);
	double m = have_mawk ? bench_median(mb[2], runs) : 0;
	char *sp = bench_summary(mb[0], runs, 1, "%.0f", " MB/s"), *sg = bench_summary(mb[1], runs, 1, "%.0f", " MB/s");
	char *sm = have_mawk ? bench_summary(mb[2], runs, 1, "%.0f", " MB/s") : bench_fmt("not installed");
	printf("B3  %zu logs (%s the seed's two) x %zu = %.1f MB of real transcript text\n"
	       "      parser %s (target >= %.0f)\n      grep -cE %s (%ld lines), parser / grep %.2f\n"
	       "      mawk %s, parser / mawk %.2f\n", l.n, seed ? "with" : "WITHOUT", copies,
	       bytes / 1e6, sp, TARGET_MB_S, sg, grep_count, parser / g, sm, m ? parser / m : 0);
	json_t *res = json_pack("{s:s, s:I, s:i, s:b, s:o, s:o, s:f, s:f, s:i, s:f, s:s, s:b}", "name",
				"parser throughput on real transcripts", "bytes", (json_int_t)bytes, "logs",
				(json_int_t)l.n, "seed_logs", seed, "parser_mb_s", bench_stats(mb[0], runs),
				"grep_mb_s", bench_stats(mb[1], runs), "parser_over_grep", parser / g,
				"parser_over_mawk", m ? parser / m : 0.0, "grep_lines", (json_int_t)grep_count,
				"target_mb_s", TARGET_MB_S, "unit", "MB/s", "met", parser >= TARGET_MB_S);
	if (have_mawk)
		json_object_set_new(res, "mawk_mb_s", bench_stats(mb[2], runs));
	char *what = bench_fmt("parser, %.0f MB of real transcripts (%s)", bytes / 1e6,
			       seed ? "the seed's two logs and the golden ones" : "the golden ones; no ../shared");
	char *result = bench_fmt("**%s**: %.2f of grep, %.2f of mawk", sp, parser / g, m ? parser / m : 0);
	char *peer = bench_fmt("`grep -cE` over its markers %s; mawk %s (they only count lines)", sg, sm);
	char *tgt = bench_fmt("≥ %.0f MB/s", TARGET_MB_S);
	bench_table_row(res, what, result, peer, tgt, parser >= TARGET_MB_S);
	free(what), free(result), free(peer), free(tgt), free(sp), free(sg), free(sm);
	for (int k = 0; k < 3; k++)
		free(mb[k]);
	for (size_t i = 0; i < l.n; i++)
		free(l.text[i]);
	free(l.text);
	free(l.len);
	free(awk_prog);
	free(file);
	free(log);
	return res;
}
