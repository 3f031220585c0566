/* `merge DIR... --out OUT`: joins the journals of several results folders
 * (the shards of one campaign, --shard K/N, or the campaigns of one
 * scenario on several racks) into one folder with one set of reports.
 *
 * All or nothing: the merged folder is built beside OUT (".OUT.merge-XXXXXX"
 * in OUT's parent), its journal fsync'ed once at the end, and renamed into
 * place last, so a kill at any point leaves OUT as it was (absent or
 * empty) or whole. Folders of another campaign (another scenario, or the
 * same rack with another rack file) are refused, as is any install given
 * twice. Each folder's logs/ comes along as OUT/logs/<part>/, and the step
 * records point there, so every link in the merged reports opens. The
 * merged campaign is complete only when every folder is and, for shards,
 * every shard of each rack is there. docs/engine.md, "merge". */
#include "harness/cli/cli.h"
#include "harness/journal/campaign_dir.h"
#include "harness/journal/journal.h"
#include "harness/transcript/outcome.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strbuf.h"
#include "harness/util/strset.h"
#include "harness/util/tree.h"
#include "harness/util/xalloc.h"
#include "reports/write_all.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char merge_usage[] =
	"usage: sfi-harness merge DIR... --out DIR\n"
	"\n"
	"Joins the journals of several result folders (the shards of one campaign,\n"
	"--shard K/N, or the campaigns of one scenario on several racks) into a new\n"
	"folder OUT with its own journal, logs/ and one set of reports. OUT must not\n"
	"exist or be empty; it appears whole at the end or not at all. Folders of\n"
	"another scenario and installs given twice are refused.\n";

/* One folder to merge, as its campaign record and its end say. */
struct source {
	const char *dir;
	char *part;                 /* its logs' folder under OUT/logs/ */
	json_t *campaign;           /* its campaign record */
	bool ended, interrupted, write_failed;
	char *incomplete;           /* a merged folder's own reason */
};

struct merge {
	struct hil_strset ambiguous;/* board names two racks use: written NAME@RACK */
	int fd;                     /* the merged journal */
	struct hil_strbuf pending;  /* lines not yet written (written 64 KiB at a time) */
	const char *out_path;
	struct hil_strset installs; /* "board\ncase": each install once */
	struct source *src;         /* the one being read */
	struct hil_results *results;
	char finished[40];          /* the latest end among the folders */
	int error;
};

/* Stops a walk after its first record (the campaign record). */
#define FIRST_RECORD_ONLY (-10000)

static int take_first(json_t *rec, long offset, void *payload)
{
	(void)offset;
	*(json_t **)payload = rec;
	return FIRST_RECORD_ONLY;
}

static const char *text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static char *journal_of(const char *dir)
{
	return hil_xasprintf("%s/journal.jsonl", dir);
}

/* Each folder's campaign record, and a refusal when one is missing or of
 * another campaign than the first. */
static int read_campaigns(struct source *src, int n)
{
	for (int i = 0; i < n; i++) {
		char *path = journal_of(src[i].dir);
		json_t *rec = NULL;
		int error = hil_journal_walk(path, take_first, &rec);
		free(path);
		if (error < 0 && error != FIRST_RECORD_ONLY)
			return error;
		if (!rec || strcmp(text(rec, "type"), "campaign")) {
			json_decref(rec);
			return hil_error_set(HIL_ECONFIG, "%s: the journal does not start with a campaign "
					     "record: not a results folder of sfi-harness", src[i].dir);
		}
		src[i].campaign = rec;
		const json_t *a = src[0].campaign, *b = rec;
		const char *sa = text(a, "scenario_sha256"), *sb = text(b, "scenario_sha256");
		if (strcmp(text(a, "campaign"), text(b, "campaign")))
			return hil_error_set(HIL_ECONFIG, "%s is campaign '%s', %s is '%s': merge joins "
					     "folders of one campaign", src[0].dir, text(a, "campaign"),
					     src[i].dir, text(b, "campaign"));
		if ((*sa && *sb) ? strcmp(sa, sb) != 0 : strcmp(text(a, "scenario"), text(b, "scenario")) != 0)
			return hil_error_set(HIL_ECONFIG, "%s and %s ran different scenarios (%s, %s; or "
					     "the file changed between them): merge joins folders of "
					     "one scenario", src[0].dir, src[i].dir, text(a, "scenario"),
					     text(b, "scenario"));
		/* one plan: shards of another night (another seed or repeat) are
		 * not parts of this campaign */
		static const char *const plan_keys[] = { "repeat", "seed" };
		for (int k = 0; k < 2; k++) {
			const json_t *va = json_object_get(a, plan_keys[k]), *vb = json_object_get(b, plan_keys[k]);
			if (!json_equal(va, vb))
				return hil_error_set(HIL_ECONFIG, "%s and %s ran different plans (%s %lld "
						     "and %lld): merge joins folders of one campaign",
						     src[0].dir, src[i].dir, plan_keys[k],
						     (long long)json_integer_value(va),
						     (long long)json_integer_value(vb));
		}
		for (int k = 0; k < i; k++) {
			const json_t *c = src[k].campaign;
			if (!strcmp(text(c, "rack"), text(b, "rack")) &&
			    strcmp(text(c, "rack_sha256"), text(b, "rack_sha256")))
				return hil_error_set(HIL_ECONFIG, "%s and %s ran on rack '%s' from different "
						     "rack files: they are not parts of one campaign",
						     src[k].dir, src[i].dir, text(b, "rack"));
		}
	}
	return 0;
}

/* A shard K of N of some rack that none of the folders is, said; NULL:
 * every shard is there. */
static char *missing_shard(const struct source *src, int n)
{
	for (int i = 0; i < n; i++) {
		long long shards = json_integer_value(json_object_get(src[i].campaign, "shards"));
		for (long long k = 1; k <= shards; k++) {
			bool found = false;
			for (int j = 0; j < n && !found; j++)
				found = !strcmp(text(src[j].campaign, "rack"), text(src[i].campaign, "rack")) &&
					json_integer_value(json_object_get(src[j].campaign, "shard")) == k;
			if (!found)
				return hil_xasprintf("shard %lld of %lld on rack %s is not among the folders "
						     "merged", k, shards, text(src[i].campaign, "rack"));
		}
	}
	return NULL;
}

/* Why the merged campaign is not whole, or NULL: a folder that did not end,
 * or a rack whose shards are not all there. */
static char *why_incomplete(const struct source *src, int n)
{
	for (int i = 0; i < n; i++) {
		if (src[i].incomplete)
			return hil_xasprintf("%s: %s", src[i].dir, src[i].incomplete);
		if (!src[i].ended || src[i].interrupted || src[i].write_failed)
			return hil_xasprintf("%s did not finish (%s): `sfi-harness resume %s`, then merge "
					     "again", src[i].dir, !src[i].ended ? "killed or still running"
					     : src[i].write_failed ? "a write failed" : "interrupted",
					     src[i].dir);
	}
	return missing_shard(src, n);
}

/* Board names that boards of two different racks have (racks made from
 * one template): in the merged campaign each becomes NAME@RACK, so they
 * stay two boards and their installs two sets. */
static void find_ambiguous(struct hil_strset *ambiguous, const struct source *src, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			const json_t *a = src[i].campaign, *b = src[j].campaign, *x, *y;
			size_t k, l;
			if (!strcmp(text(a, "rack"), text(b, "rack")))
				continue;
			json_array_foreach(json_object_get(a, "boards"), k, x)
				json_array_foreach(json_object_get(b, "boards"), l, y)
					if (json_equal(x, y) && json_is_string(x))
						hil_strset_add(ambiguous, json_string_value(x));
		}
}

/* @name as the merged campaign calls it (borrowed, or in *buf). */
static const char *merged_name(const struct hil_strset *ambiguous, const char *name,
			       const char *rack, char **buf)
{
	free(*buf);
	*buf = NULL;
	if (!hil_strset_has(ambiguous, name))
		return name;
	*buf = hil_xasprintf("%s@%s", name, rack);
	return *buf;
}

/* The merged campaign record: the first folder's, for the whole. */
static json_t *merged_campaign(const struct hil_strset *ambiguous, const struct source *src, int n)
{
	json_t *rec = json_deep_copy(src[0].campaign), *from = json_array(), *boards = json_array();
	json_t *board_racks = json_object();
	char *buf = NULL;
	struct hil_strset racks = HIL_STRSET_INIT, names = HIL_STRSET_INIT;
	struct hil_strbuf rack = { 0 };
	unsigned long long planned = 0;
	bool planned_known = true;

	for (int i = 0; i < n; i++) {
		const json_t *c = src[i].campaign, *name;
		size_t k;
		if (hil_strset_add(&racks, text(c, "rack")))
			hil_strbuf_printf(&rack, "%s%s", racks.count > 1 ? "+" : "", text(c, "rack"));
		json_array_foreach(json_object_get(c, "boards"), k, name) {
			if (!json_is_string(name))
				continue;
			const char *as = merged_name(ambiguous, json_string_value(name), text(c, "rack"), &buf);
			if (hil_strset_add(&names, as)) {
				json_array_append_new(boards, json_string(as));
				json_object_set_new(board_racks, as, json_string(text(c, "rack")));
			}
		}
		json_t *p = json_object_get(c, "installs_planned");
		planned_known = planned_known && json_is_integer(p);
		planned += (unsigned long long)json_integer_value(p);
		json_array_append_new(from, json_pack("{s:s, s:s, s:O, s:O, s:s}", "folder", src[i].dir,
						      "rack", text(c, "rack"),
						      "shard", json_object_get(c, "shard") ? json_object_get(c, "shard") : json_null(),
						      "shards", json_object_get(c, "shards") ? json_object_get(c, "shards") : json_null(),
						      "logs", src[i].part));
	}
	json_object_set_new(rec, "rack", json_string(hil_strbuf_str(&rack)));
	if (racks.count > 1)
		json_object_del(rec, "rack_sha256");
	json_object_set_new(rec, "boards", boards);
	json_object_set_new(rec, "board_racks", board_racks);
	free(buf);
	json_object_set_new(rec, "shard", json_integer(0));
	json_object_set_new(rec, "shards", json_integer(0));
	if (planned_known)
		json_object_set_new(rec, "installs_planned", json_integer((json_int_t)planned));
	else
		json_object_del(rec, "installs_planned");
	/* a shard not given: what it planned is not known here */
	char *missing = missing_shard(src, n);
	if (missing)
		json_object_del(rec, "installs_planned");
	free(missing);
	json_object_set_new(rec, "merged_from", from);
	hil_strbuf_free(&rack);
	hil_strset_clear(&racks);
	hil_strset_clear(&names);
	return rec;
}

static int flush_pending(struct merge *m)
{
	int error = hil_write_all(m->fd, m->out_path, hil_strbuf_str(&m->pending), m->pending.len);

	m->pending.len = 0;
	if (m->pending.buf)
		m->pending.buf[0] = '\0';
	return error;
}

/* One line of the merged journal, and into the model. Steals @rec. */
static int emit(struct merge *m, json_t *rec)
{
	char *line = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
	int error = 0;

	if (!line) {
		error = hil_error_set(HIL_ENOMEM, "%s: a record could not be encoded", m->out_path);
	} else {
		hil_strbuf_puts(&m->pending, line);
		hil_strbuf_putc(&m->pending, '\n');
		error = hil_results_add(m->results, rec);
		if (!error && m->pending.len >= 1 << 16)
			error = flush_pending(m);
	}
	free(line);
	json_decref(rec);
	return error;
}

static int merge_record(json_t *rec, long offset, void *payload)
{
	struct merge *m = payload;
	struct source *src = m->src;
	const char *type = text(rec, "type");

	(void)offset;
	if (!strcmp(type, "campaign") || !strcmp(type, "resume")) {
		src->ended = false;   /* the merged campaign record was written first */
		if (!strcmp(type, "campaign")) {
			json_decref(rec);
			return 0;
		}
		/* kept: the model drops the steps of installs a kill cut short
		 * there (the merged end record comes last, so the merge still ends) */
		return emit(m, rec);
	}
	if (!strcmp(type, "end")) {
		src->ended = true;
		src->interrupted = json_is_true(json_object_get(rec, "interrupted"));
		src->write_failed = json_is_true(json_object_get(rec, "write_failed"));
		free(src->incomplete);
		src->incomplete = json_is_string(json_object_get(rec, "incomplete"))
			? hil_xstrdup(text(rec, "incomplete")) : NULL;
		if (strcmp(text(rec, "finished"), m->finished) > 0)
			snprintf(m->finished, sizeof(m->finished), "%s", text(rec, "finished"));
		json_decref(rec);
		return 0;
	}
	const char *board = text(rec, "board");
	if (*board && hil_strset_has(&m->ambiguous, board)) {
		char *as = hil_xasprintf("%s@%s", board, text(src->campaign, "rack"));
		json_object_set_new(rec, "board", json_string(as));
		free(as);
	}
	if (!strcmp(type, "case")) {
		char *key = hil_xasprintf("%s\n%s", text(rec, "board"), text(rec, "case"));
		bool fresh = hil_strset_add(&m->installs, key);
		free(key);
		if (!fresh) {
			int error = hil_error_set(HIL_ECONFIG, "%s: install '%s' of board %s is already "
						  "in another folder given (the same shard twice?): "
						  "nothing was merged", src->dir, text(rec, "case"),
						  text(rec, "board"));
			json_decref(rec);
			return error;
		}
	}
	/* a step's log: where this folder's logs/ lands in the merged one */
	const char *log = text(rec, "log");
	if (!strncmp(log, "logs/", 5)) {
		char *moved = hil_xasprintf("logs/%s/%s", src->part, log + 5);
		json_object_set_new(rec, "log", json_string(moved));
		free(moved);
	}
	return emit(m, rec);
}

/* Names of the folders' logs under OUT/logs/: the folder's own name made
 * file-safe, numbered when two folders share one. */
static void name_parts(struct source *src, int n)
{
	for (int i = 0; i < n; i++) {
		const char *base = strrchr(src[i].dir, '/');
		char *slug = hil_slug(base && base[1] ? base + 1 : src[i].dir);
		if (strlen(slug) > 64)
			slug[64] = '\0';
		bool taken = !slug[0] || slug[0] == '.';
		for (int k = 0; k < i && !taken; k++)
			taken = !strcmp(src[k].part, slug);
		src[i].part = taken ? hil_xasprintf("%d-%s", i + 1, slug) : hil_xstrdup(slug);
		free(slug);
	}
}

/* Writes the merged journal into @tmp: the campaign record, every folder's
 * records, one end record; fsync'ed once. */
static int write_journal(struct merge *m, struct source *src, int n, const char *tmp)
{
	char *path = journal_of(tmp);
	int error;

	m->out_path = path;
	m->fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (m->fd < 0) {
		error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
		free(path);
		return error;
	}
	error = emit(m, merged_campaign(&m->ambiguous, src, n));
	for (int i = 0; i < n && !error; i++) {
		char *j = journal_of(src[i].dir);
		m->src = &src[i];
		error = hil_journal_walk(j, merge_record, m);
		free(j);
	}
	if (!error) {
		char *why = why_incomplete(src, n);
		json_t *end = json_pack("{s:s, s:s, s:b, s:b}", "type", "end", "finished", m->finished,
					"interrupted", 0, "write_failed", 0);
		if (why)
			json_object_set_new(end, "incomplete", json_string(why));
		free(why);
		error = emit(m, end);
	}
	if (!error)
		error = flush_pending(m);
	if (!error && fsync(m->fd) != 0) /* the one fsync of the merged journal */
		error = hil_error_set(HIL_EIO, "%s: fsync: %s", path, strerror(errno));
	close(m->fd);
	m->fd = -1;
	hil_strbuf_free(&m->pending);
	free(path);
	return error;
}

/* The folder's logs/ under @tmp/logs/<part>/. */
static int link_logs(const struct source *src, int n, const char *tmp)
{
	int error = 0;

	for (int i = 0; i < n && !error; i++) {
		char *from = hil_xasprintf("%s/logs", src[i].dir);
		char *logs = hil_xasprintf("%s/logs", tmp), *to = hil_xasprintf("%s/%s", logs, src[i].part);
		if (mkdir(logs, 0755) != 0 && errno != EEXIST)
			error = hil_error_set(HIL_EIO, "%s: %s", logs, strerror(errno));
		else
			error = hil_tree_link(from, to);
		free(from);
		free(logs);
		free(to);
	}
	return error;
}

/* OUT: absent, or an empty folder (rename(2) replaces an empty folder);
 * anything else is not merge's to replace. */
static int check_out(const char *out)
{
	struct stat st;

	if (lstat(out, &st) != 0)
		return errno == ENOENT ? 0 : hil_error_set(HIL_EIO, "%s: %s", out, strerror(errno));
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
		return hil_error_set(HIL_ECONFIG, "--out %s exists and is %s: give a new folder",
				     out, S_ISLNK(st.st_mode) ? "a symbolic link" : hil_file_kind(st.st_mode));
	DIR *d = opendir(out);
	struct dirent *e;
	bool empty = d != NULL;
	while (d && empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	if (empty)
		return 0;
	return hil_error_set(HIL_ECONFIG, "--out %s is not empty: merge writes a new folder and "
			     "never replaces what it did not create; give a new folder", out);
}

/* @path with its parent resolved (the folder itself may not exist yet);
 * NULL when the parent does not exist either. */
static char *absolute(const char *path)
{
	char *copy = hil_xstrdup(path), *slash, *parent, *abs = NULL;
	size_t len = strlen(copy);

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	slash = strrchr(copy, '/');
	parent = realpath(slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".", NULL);
	if (parent)
		abs = hil_xasprintf("%s/%s", strcmp(parent, "/") ? parent : "", slash ? slash + 1 : copy);
	free(parent);
	free(copy);
	return abs;
}

/* The folders to merge: each a results folder no writer holds, none twice,
 * none the output itself. */
static int check_sources(char **dirs, int n, const char *out)
{
	char *out_real = realpath(out, NULL), *out_abs = absolute(out);
	char **real = hil_xcalloc((size_t)n, sizeof(*real));
	int error = 0;

	for (int i = 0; i < n && !error; i++) {
		struct hil_campaign_dir *cd = NULL;
		if ((error = hil_campaign_dir_open(&cd, dirs[i], HIL_CAMPAIGN_READ, NULL)) < 0)
			break;
		if (hil_campaign_dir_live(cd))
			error = hil_error_set(HIL_EBUSY, "%s is being written by a run or resume now: "
					      "merge it when that ends", dirs[i]);
		hil_campaign_dir_close(cd);
		real[i] = realpath(dirs[i], NULL);
		if (!error && real[i] && out_real && !strcmp(real[i], out_real))
			error = hil_error_set(HIL_ECONFIG, "--out %s is also a folder to merge; give a "
					      "new folder", out);
		size_t len = real[i] ? strlen(real[i]) : 0;
		if (!error && out_abs && len && !strncmp(out_abs, real[i], len) && out_abs[len] == '/')
			error = hil_error_set(HIL_ECONFIG, "--out %s is inside %s, a folder to merge: "
					      "give a folder outside the ones merged", out, dirs[i]);
		for (int k = 0; k < i && !error; k++)
			if (real[i] && real[k] && !strcmp(real[i], real[k]))
				error = hil_error_set(HIL_ECONFIG, "%s is given twice: each folder's "
						      "installs are merged once", dirs[i]);
	}
	for (int i = 0; i < n; i++)
		free(real[i]);
	free(real);
	free(out_real);
	free(out_abs);
	return error;
}

/* *tmp_out: ".OUT.merge-XXXXXX" beside OUT, created. */
static int make_temp(const char *out, char **tmp_out)
{
	char *copy = hil_xstrdup(out);
	size_t len = strlen(copy);
	int error = 0;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	char *slash = strrchr(copy, '/');
	char *tmp = slash ? hil_xasprintf("%.*s/.%s.merge-XXXXXX", (int)(slash - copy), copy, slash + 1)
			  : hil_xasprintf(".%s.merge-XXXXXX", copy);
	free(copy);
	if (!mkdtemp(tmp)) {
		error = hil_error_set(errno == ENOENT || errno == ENOTDIR ? HIL_ECONFIG : HIL_EIO,
				      "%s: cannot create the merge folder beside it: %s", out,
				      strerror(errno));
		free(tmp);
		tmp = NULL;
	}
	*tmp_out = tmp;
	return error;
}

static int build(struct merge *m, struct source *src, int n, const char *tmp, const char *out)
{
	struct hil_campaign_dir *cd = NULL;
	int error;

	if ((error = hil_campaign_dir_open(&cd, tmp, HIL_CAMPAIGN_NEW, text(src[0].campaign, "campaign"))) < 0 ||
	    (error = hil_campaign_dir_create_journal(cd)) < 0 ||
	    (error = write_journal(m, src, n, tmp)) < 0 ||
	    (error = link_logs(src, n, tmp)) < 0)
		goto out;
	hil_results_finish(m->results);
	if ((error = hil_reports_write_all_as(m->results, tmp, out,
					      hil_results_junit_profile(m->results))) < 0 ||
	    (error = hil_fsync_dir(tmp)) < 0)
		goto out;
	if (rename(tmp, out) != 0) {
		error = hil_error_set(errno == ENOTEMPTY || errno == EEXIST ? HIL_ECONFIG : HIL_EIO,
				      "%s: %s (something else wrote it meanwhile?)", out, strerror(errno));
		goto out;
	}
	/* OUT is whole now; a power cut could still lose its name */
	if (hil_fsync_parent(out) < 0)
		fprintf(stderr, "sfi-harness merge: warning: %s (the merged folder is whole, but a "
			"power cut now could lose it)\n", hil_error_last());
out:
	hil_campaign_dir_close(cd);
	return error;
}

int hil_cli_merge(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct merge m = { 0 };
	int c, error;

	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'h')
			return fputs(merge_usage, stdout), HIL_EXIT_OK;
		else
			return hil_cli_usage_error("merge", "unknown option");
	}
	if (!out || !*out || optind >= argc)
		return hil_cli_usage_error("merge", "give the result folders and --out DIR");
	int n = argc - optind;
	struct source *src = hil_xcalloc((size_t)n, sizeof(*src));
	for (int i = 0; i < n; i++)
		src[i].dir = argv[optind + i];
	char *tmp = NULL;
	if ((error = check_sources(argv + optind, n, out)) < 0 ||
	    (error = read_campaigns(src, n)) < 0 || (error = check_out(out)) < 0 ||
	    (error = make_temp(out, &tmp)) < 0)
		goto out;
	name_parts(src, n);
	find_ambiguous(&m.ambiguous, src, n);
	m.results = hil_results_new(true);
	if ((error = build(&m, src, n, tmp, out)) < 0)
		hil_tree_remove(tmp); /* ours alone: the old OUT is untouched */
out:
	if (error < 0) {
		error = hil_cli_dir_refused("merge", error);
	} else {
		hil_cli_print_summary(stdout, m.results, out);
		error = m.results->exit_code;
	}
	hil_results_free(m.results);
	hil_strset_clear(&m.installs);
	hil_strset_clear(&m.ambiguous);
	for (int i = 0; i < n; i++) {
		json_decref(src[i].campaign);
		free(src[i].part);
		free(src[i].incomplete);
	}
	free(src);
	free(tmp);
	return error;
}
