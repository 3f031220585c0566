/* The hostile-input suite (issue 16), part one: strings from a list of
 * classes (hostile.c: path separators, dot segments, NUL, C0 and C1
 * controls, bidi, markup, quotes, format directives, 64 KiB) in every name
 * and text a campaign has (campaign, rack, board, probe serial, board
 * kind, matrix names and values, reasons, key and image paths); special
 * files (directories, FIFOs, sockets, devices, symlinks to elsewhere, a
 * 3 GB sparse file) as keys, images, scenarios, racks and board profiles;
 * hostile --out folders; plans of many cells and huge values. Every run
 * goes through the sfi-harness binary and gets hostile_check(): a clean
 * exit of the contract within 5 s of CPU time and 256 MiB, nothing written
 * outside --out, no raw control character on the terminal, well-formed
 * XML, JSON, and no element injected into report.html. Part two
 * (journals, logs, events) is test_hostile_reports.c; docs/reliability.md,
 * "Hostile input", is the table of what the harness does with each. */
#include "hostile.h"
#include "support.h"
#include "harness/util/xalloc.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOARD_PROFILE HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml"
#define KEY HIL_SOURCE_DIR "/fixtures/keys/test-key.hex"
#define NONCE HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex"
#define IMAGE HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi"
#define OUT_ALLOWED "w/x/y/campaign/out/"

TestSuite(hostile, .timeout = 300);

/* Where a hostile value goes: the rack's and the scenario's fields. */
struct fields {
	const char *rack, *board, *serial, *kind;
	const char *campaign, *param, *value, *reason, *image, *key;
	bool install; /* an sfi_install step (image and key are used) */
	const char *root;
};

static void write_campaign(const struct hostile_tree *t, const struct fields *f)
{
	char *rack = hil_xasprintf(
		"rack: %s\ntime_scale: 0\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - name: %s\n    kind: %s\n    probe: {serial: %s}\n"
		"    power: {controller: p, pin: 0}\n    sacrificial: true\n    sim: " BOARD_PROFILE "\n",
		f->rack ? f->rack : "r", f->board ? f->board : "b1", f->kind ? f->kind : "k",
		f->serial ? f->serial : "'01'");
	char *install = f->install
		? hil_xasprintf("  - sfi_install: {image: %s, license: {hsm_slot: 1}}\n",
				f->image ? f->image : "image.sfi")
		: hil_xstrdup("");
	char *scen = hil_xasprintf(
		"campaign: %s\n%s%s\nsfi_key: {key: %s, nonce: nonce.hex}\nmatrix:\n  %s: [a, %s]\n"
		"steps:\n  - power: on\n%sexpect:\n  - when: {}\n    result: pass\n    reason: %s\n",
		f->campaign ? f->campaign : "c", f->root ? "root: " : "", f->root ? f->root : "",
		f->key ? f->key : "key.hex", f->param ? f->param : "v", f->value ? f->value : "b",
		install, f->reason ? f->reason : "ok");

	free(hostile_write(t, "rack.yaml", rack, strlen(rack)));
	free(hostile_write(t, "s.yaml", scen, strlen(scen)));
	free(rack);
	free(install);
	free(scen);
}

static void copy_into(const struct hostile_tree *t, const char *from, const char *name)
{
	size_t len;
	char *text = NULL;
	FILE *f = fopen(from, "rb");

	cr_assert_not_null(f, "%s", from);
	FILE *m = open_memstream(&text, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	free(hostile_write(t, name, text, len));
	free(text);
}

static void campaign_files(const struct hostile_tree *t)
{
	copy_into(t, KEY, "key.hex");
	copy_into(t, NONCE, "nonce.hex");
	copy_into(t, IMAGE, "image.sfi");
}

static const char *const run_args[] = { "run", "--rack", "rack.yaml", "--out", "out", "s.yaml",
					NULL };

/* A clean campaign of the same shape: the baseline for report.html. */
static void clean_baseline(void)
{
	struct hostile_tree t;
	struct hostile_run r;
	struct fields f = { 0 };

	hostile_tree_make(&t);
	campaign_files(&t);
	write_campaign(&t, &f);
	hostile_check(&r, &t, "the clean campaign", run_args, OUT_ALLOWED, NULL);
	cr_assert_eq(r.code, 0, "the clean campaign: %s", r.output);
	char *page = hil_xasprintf("%s/report.html", t.out);
	hostile_clean_page(page);
	free(page);
	hostile_run_free(&r);
	hostile_tree_free(&t);
}

/* check and run --dry-run refuse what run refuses (one pre-flight), and
 * accept what it ran; neither writes anything. */
static void same_answer_before_the_run(const struct hostile_tree *t, const char *what, int run_code)
{
	static const char *const check[] = { "check", "--rack", "rack.yaml", "s.yaml", NULL };
	static const char *const dry[] = { "run", "--dry-run", "--rack", "rack.yaml", "s.yaml", NULL };
	const char *const *cmds[] = { check, dry };
	struct hostile_run r;

	for (size_t k = 0; k < 2; k++) {
		char *w = hil_xasprintf("%s (%s)", what, k ? "run --dry-run" : "check");
		hostile_check(&r, t, w, cmds[k], NULL, NULL);
		cr_assert_eq(r.code == 2, run_code == 2, "%s: exit %d, run's was %d\n%.2000s", w, r.code,
			     run_code, r.output);
		hostile_run_free(&r);
		free(w);
	}
}

/* Puts each class in one field (@set picks it) and runs the campaign.
 * @names: the field becomes a file name, so every class is refused. */
static void each_class(const char *field, void (*set)(struct fields *, const char *), bool names)
{
	clean_baseline();
	for (size_t i = 0; i < hostile_class_count; i++) {
		struct hostile_tree t;
		struct hostile_run r;
		struct fields f = { 0 };
		char *value = hostile_yaml_value(&hostile_classes[i]);
		char *what = hil_xasprintf("%s: %s", field, hostile_classes[i].what);

		hostile_tree_make(&t);
		campaign_files(&t);
		set(&f, value);
		write_campaign(&t, &f);
		hostile_check(&r, &t, what, run_args, OUT_ALLOWED, NULL);
		if (names) {
			cr_assert_eq(r.code, 2, "%s: exit %d, not refused\n%.2000s", what, r.code, r.output);
			cr_assert(access(t.out, F_OK) != 0, "%s: refused, but --out was created", what);
		}
		same_answer_before_the_run(&t, what, r.code);
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
		free(value);
	}
}

#define SETTER(field)                                          \
	static void set_##field(struct fields *f, const char *v) \
	{                                                      \
		f->field = v;                                  \
	}
SETTER(campaign)
SETTER(rack)
SETTER(board)
SETTER(serial)
SETTER(kind)
SETTER(param)
SETTER(value)
SETTER(reason)

static void set_image(struct fields *f, const char *v)
{
	f->image = v;
	f->install = true;
}

static void set_key(struct fields *f, const char *v)
{
	f->key = v;
	f->install = true;
}

Test(hostile, campaign_names)
{
	each_class("campaign name", set_campaign, true);
}

Test(hostile, board_names)
{
	each_class("board name", set_board, true);
}

Test(hostile, probe_serials)
{
	each_class("probe serial", set_serial, true);
}

Test(hostile, rack_names)
{
	each_class("rack name", set_rack, false);
}

Test(hostile, board_kinds)
{
	each_class("board kind", set_kind, false);
}

Test(hostile, matrix_parameter_names)
{
	each_class("matrix parameter", set_param, false);
}

Test(hostile, matrix_values_and_the_labels_made_of_them)
{
	each_class("matrix value", set_value, false);
}

Test(hostile, expectation_reasons)
{
	each_class("reason", set_reason, false);
}

Test(hostile, image_paths)
{
	each_class("image path", set_image, false);
}

Test(hostile, key_paths)
{
	each_class("key path", set_key, false);
}

/* A thing in the file system where a key or an image is expected: made
 * in the campaign folder by @make (so that the campaign directory's
 * confinement does not refuse it first), or an absolute path. */
struct special {
	const char *what, *path;
	void (*make)(const struct hostile_tree *t, const char *path);
};

static char *in(const struct hostile_tree *t, const char *name)
{
	return hil_xasprintf("%s/%s", t->campaign, name);
}

static void make_dir(const struct hostile_tree *t, const char *name)
{
	char *p = in(t, name);
	cr_assert_eq(mkdir(p, 0755), 0);
	free(p);
}

static void make_fifo(const struct hostile_tree *t, const char *name)
{
	char *p = in(t, name);
	cr_assert_eq(mkfifo(p, 0600), 0);
	free(p);
}

static void make_socket(const struct hostile_tree *t, const char *name)
{
	hostile_socket(t, name);
}

static void link_to(const struct hostile_tree *t, const char *name, const char *target)
{
	char *p = in(t, name);
	cr_assert_eq(symlink(target, p), 0);
	free(p);
}

static void make_link_out(const struct hostile_tree *t, const char *name)
{
	char *victim = hil_xasprintf("%s/victim", t->elsewhere);
	link_to(t, name, victim);
	free(victim);
}

static void make_link_dev(const struct hostile_tree *t, const char *name)
{
	link_to(t, name, "/dev/zero");
}

static void make_loop(const struct hostile_tree *t, const char *name)
{
	link_to(t, name, name);
}

static void make_dangling(const struct hostile_tree *t, const char *name)
{
	link_to(t, name, "no-such-file");
}

static void make_sparse(const struct hostile_tree *t, const char *name)
{
	char *p = in(t, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0 && ftruncate(fd, 3ll << 30) == 0, "a 3 GB sparse file");
	close(fd);
	free(p);
}

static void make_empty(const struct hostile_tree *t, const char *name)
{
	free(hostile_write(t, name, "", 0));
}

static void make_unreadable(const struct hostile_tree *t, const char *name)
{
	char *p = hostile_write(t, name, "0123456789abcdef0123456789abcdef", 32);
	cr_assert_eq(chmod(p, 0), 0);
	free(p);
}

static const struct special specials[] = {
	{ "a directory", "thing", make_dir },
	{ "a FIFO", "thing", make_fifo },
	{ "a socket", "thing", make_socket },
	{ "a symlink to a file elsewhere", "thing", make_link_out },
	{ "a symlink to a device", "thing", make_link_dev },
	{ "a symlink loop", "thing", make_loop },
	{ "a dangling symlink", "thing", make_dangling },
	{ "a 3 GB sparse file", "thing", make_sparse },
	{ "an empty file", "thing", make_empty },
	{ "an unreadable file", "thing", make_unreadable },
	{ "a device", "/dev/zero", NULL },
	{ "the null device", "/dev/null", NULL },
	{ "a terminal", "/dev/tty", NULL },
	{ "standard input", "/dev/stdin", NULL },
	{ "a file of /proc", "/proc/self/environ", NULL },
	{ "a directory elsewhere", "/", NULL },
};

/* Each special file as the image (@key false) or the key: refused with
 * exit 2 by the pre-flight, never read into a hang or into memory, and
 * the install never run. */
static void each_special(bool key)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(*specials); i++) {
		const struct special *sp = &specials[i];
		struct hostile_tree t;
		struct hostile_run r;
		struct fields f = { .install = true };
		char *what = hil_xasprintf("%s: %s", key ? "key" : "image", sp->what);

		if (sp->make == make_unreadable && geteuid() == 0) {
			fprintf(stderr, "SKIPPED %s: root reads any file\n", what);
			free(what);
			continue;
		}
		hostile_tree_make(&t);
		campaign_files(&t);
		if (sp->make)
			sp->make(&t, sp->path);
		if (key)
			f.key = sp->path;
		else
			f.image = sp->path;
		write_campaign(&t, &f);
		hostile_check(&r, &t, what, run_args, OUT_ALLOWED, NULL);
		cr_assert_eq(r.code, 2, "%s: exit %d, not refused\n%.2000s", what, r.code, r.output);
		cr_assert(access(t.out, F_OK) != 0, "%s: refused, but --out was created", what);
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
	}
}

Test(hostile, special_files_as_images)
{
	each_special(false);
}

Test(hostile, special_files_as_keys)
{
	each_special(true);
}

/* --out that is not a new folder: refused with exit 2, nothing written
 * anywhere (not through a link, not into what was there). */
Test(hostile, out_folders_that_are_not_new_folders)
{
	static const struct special outs[] = {
		{ "an existing file", "thing", make_empty },
		{ "a symlink to a file elsewhere", "thing", make_link_out },
		{ "a symlink to a folder elsewhere", "thing", NULL },
		{ "a dangling symlink", "thing", make_dangling },
		{ "a FIFO", "thing", make_fifo },
		{ "a socket", "thing", make_socket },
		{ "a device", "/dev/null", NULL },
	};
	for (size_t i = 0; i < sizeof(outs) / sizeof(*outs); i++) {
		struct hostile_tree t;
		struct hostile_run r;
		struct fields f = { 0 };
		char *what = hil_xasprintf("--out: %s", outs[i].what);

		hostile_tree_make(&t);
		campaign_files(&t);
		if (outs[i].make)
			outs[i].make(&t, outs[i].path);
		else if (!strcmp(outs[i].what, "a symlink to a folder elsewhere"))
			link_to(&t, outs[i].path, t.elsewhere);
		write_campaign(&t, &f);
		const char *args[] = { "run", "--rack", "rack.yaml", "--out", outs[i].path, "s.yaml",
				       NULL };
		hostile_check(&r, &t, what, args, NULL, NULL);
		cr_assert_eq(r.code, 2, "%s: exit %d\n%.2000s", what, r.code, r.output);
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
	}
}

/* An --out named with controls and bidi: made, and named terminal-safe. */
Test(hostile, an_out_folder_named_with_controls)
{
	struct hostile_tree t;
	struct hostile_run r;
	struct fields f = { 0 };

	hostile_tree_make(&t);
	campaign_files(&t);
	write_campaign(&t, &f);
	const char *args[] = { "run", "--rack", "rack.yaml", "--out", "out\033[2J\xe2\x80\xae",
			       "s.yaml", NULL };
	hostile_check(&r, &t, "--out with ESC and U+202E", args, "w/x/y/campaign/out\033[2J", NULL);
	cr_assert_eq(r.code, 0, "exit %d\n%.2000s", r.code, r.output);
	cr_assert(strstr(r.output, "out\\x1B[2J\\u202E/report.html"), "%s", r.output);
	hostile_run_free(&r);
	hostile_tree_free(&t);
}

/* Command lines that quote a hostile word back: an unknown command, an
 * unknown operation, files that are not there. */
Test(hostile, command_lines_quoted_back)
{
	static const char *const cmds[][5] = {
		{ "\033[2J\xe2\x80\xae", NULL },
		{ "transcript", "--op", "\033]0;title\007", "x.log", NULL },
		{ "check", "\033[2Jmissing.yaml", NULL },
		{ "run", "--rack", "\xc2\x9b" "2Jrack.yaml", "s.yaml", NULL },
		{ "transcript", "\xff\xfe.log", NULL },
	};
	struct hostile_tree t;
	struct hostile_run r;

	hostile_tree_make(&t);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		char *what = hil_xasprintf("command line %zu", i);
		hostile_check(&r, &t, what, cmds[i], NULL, NULL);
		cr_assert_eq(r.code, 2, "%s: exit %d\n%.2000s", what, r.code, r.output);
		hostile_run_free(&r);
		free(what);
	}
	hostile_tree_free(&t);
}


/* --out below a file (ENOTDIR) is bad input: exit 2, not 3. */
Test(hostile, an_out_folder_below_a_file_is_bad_input)
{
	struct hostile_tree t;
	struct hostile_run r;
	struct fields f = { 0 };

	hostile_tree_make(&t);
	campaign_files(&t);
	write_campaign(&t, &f);
	const char *args[] = { "run", "--rack", "rack.yaml", "--out", "image.sfi/out", "s.yaml", NULL };
	hostile_check(&r, &t, "--out below a file", args, NULL, NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%.2000s", r.code, r.output);
	hostile_run_free(&r);
	hostile_tree_free(&t);
}

/* A results folder someone else made (a summary.json in it, no journal):
 * not written into. */
Test(hostile, an_out_folder_with_files_it_did_not_create)
{
	struct hostile_tree t;
	struct hostile_run r;
	struct fields f = { 0 };

	hostile_tree_make(&t);
	campaign_files(&t);
	write_campaign(&t, &f);
	cr_assert_eq(mkdir(t.out, 0755), 0);
	free(test_write(t.out, "summary.json", "{\"someone\": \"else\"}\n"));
	hostile_check(&r, &t, "--out: a folder with a summary.json", run_args, NULL, NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%.2000s", r.code, r.output);
	hostile_run_free(&r);
	hostile_tree_free(&t);
}

/* 5 000 cells, each naming a missing image of a long name (4 000 bytes,
 * under PATH_MAX, or 60 000, over it): at most 100 diagnostics of at most
 * 1 KiB, then a count, in bounded memory (the plan keeps every cell's
 * paths; it aborted out of memory with names of 60 KB). */
Test(hostile, many_problems_print_a_bounded_list)
{
	static const size_t lengths[] = { 4000, 60000 };

	for (size_t k = 0; k < 2; k++) {
		struct hostile_tree t;
		struct hostile_run r;
		char *name = hil_xmalloc(lengths[k] + 1), *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		memset(name, 'n', lengths[k]);
		name[lengths[k]] = '\0';
		fprintf(f, "campaign: c\nmatrix:\n  v: [");
		for (int i = 0; i < 5000; i++)
			fprintf(f, "%sv%d", i ? ", " : "", i);
		fprintf(f, "]\nsteps:\n  - sfi_install: {image: \"%s${v}\", license: {hsm_slot: 1}}\n"
			"    reversible: a test\n", name);
		fclose(f);
		hostile_tree_make(&t);
		free(hostile_write(&t, "s.yaml", buf, len));
		static const char *const args[] = { "check", "s.yaml", NULL };
		char *what = hil_xasprintf("5 000 missing images of %zu-byte names", lengths[k]);
		hostile_check(&r, &t, what, args, NULL, NULL);
		cr_assert_eq(r.code, 2, "%s: %.2000s", what, r.output);
		cr_assert(strstr(r.output, "... and 4900 more problems (the first 100 are shown)"),
			  "%s: %.300s", what, r.output + (r.output_len > 300 ? r.output_len - 300 : 0));
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
		free(buf);
		free(name);
	}
}

/* Matrix values of 64 KiB in many cells: labels stay short (the first 40
 * bytes and a hash), and the plan does not copy the values per cell (10 000
 * cells of them aborted out of memory, 640 MB of copies). */
Test(hostile, huge_matrix_values_in_many_cells)
{
	static const struct { unsigned big, small; const char *cmd; } cases[] = {
		{ 200, 50, "check" }, { 200, 50, "run --dry-run" }, { 200, 1, "run" },
	};
	for (size_t k = 0; k < 3; k++) {
		struct hostile_tree t;
		struct hostile_run r;
		char *buf = NULL, *filler = hil_xmalloc(65001);
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		memset(filler, 'x', 65000);
		filler[65000] = '\0';
		fprintf(f, "campaign: c\nmatrix:\n  a: [");
		for (unsigned i = 0; i < cases[k].big; i++)
			fprintf(f, "%s%03u%s", i ? ", " : "", i, filler);
		fprintf(f, "]\n  b: [");
		for (unsigned i = 0; i < cases[k].small; i++)
			fprintf(f, "%ss%u", i ? ", " : "", i);
		fprintf(f, "]\nsteps:\n  - power: on\n");
		fclose(f);
		hostile_tree_make(&t);
		struct fields fl = { 0 };
		write_campaign(&t, &fl); /* the rack */
		free(hostile_write(&t, "s.yaml", buf, len));
		const char *check[] = { "check", "--rack", "rack.yaml", "s.yaml", NULL };
		const char *dry[] = { "run", "--dry-run", "--rack", "rack.yaml", "s.yaml", NULL };
		const char *run[] = { "run", "--quiet", "--rack", "rack.yaml", "--out", "out", "s.yaml",
				      NULL };
		const char *const *args = k == 0 ? check : k == 1 ? dry : run;
		char *what = hil_xasprintf("%u cells of 64 KiB values (%s)",
					   cases[k].big * cases[k].small, cases[k].cmd);
		hostile_output_max = 2u << 20; /* --dry-run lists each cell */
		hostile_check(&r, &t, what, args, OUT_ALLOWED, NULL);
		cr_assert_eq(r.code, 0, "%s: exit %d\n%.2000s", what, r.code, r.output);
		cr_assert(k != 1 || strstr(r.output, "cell  a=000xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx~"),
			  "%s: %.500s", what, r.output);
		hostile_run_free(&r);
		hostile_tree_free(&t);
		free(what);
		free(filler);
		free(buf);
	}
}

/* Each special file as the scenario, as the rack and as a board's
 * simulated profile (sim:): refused with exit 2, never read into a hang
 * (a FIFO blocked `check` for ever as a board profile) or into memory. */
Test(hostile, special_files_as_scenarios_racks_and_board_profiles)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(*specials); i++) {
		const struct special *sp = &specials[i];
		if (sp->make == make_unreadable && geteuid() == 0)
			continue; /* root reads any file */
		for (int role = 0; role < 3; role++) {
			static const char *const roles[] = { "scenario", "rack", "board profile" };
			struct hostile_tree t;
			struct hostile_run r;
			struct fields f = { 0 };
			char *what = hil_xasprintf("%s: %s", roles[role], sp->what);

			hostile_tree_make(&t);
			campaign_files(&t);
			if (sp->make)
				sp->make(&t, sp->path);
			write_campaign(&t, &f);
			if (role == 2) { /* the rack again, with sim: the thing */
				char *rack = hil_xasprintf("rack: r\nprogrammer: {driver: sim}\npower:\n"
					"  - {id: p, driver: sim}\nboards:\n  - {name: b1, kind: k, probe: "
					"{serial: '01'}, power: {controller: p, pin: 0}, sim: %s}\n", sp->path);
				free(hostile_write(&t, "rack.yaml", rack, strlen(rack)));
				free(rack);
			}
			const char *args[] = { "run", "--rack", role == 1 ? sp->path : "rack.yaml", "--out",
					       "out", role == 0 ? sp->path : "s.yaml", NULL };
			hostile_check(&r, &t, what, args, OUT_ALLOWED, NULL);
			cr_assert_eq(r.code, 2, "%s: exit %d\n%.2000s", what, r.code, r.output);
			const char *check[] = { "check", role == 2 ? "rack.yaml" : sp->path, NULL };
			hostile_run_free(&r);
			hostile_check(&r, &t, what, check, NULL, NULL);
			cr_assert_eq(r.code, 2, "check %s: exit %d\n%.2000s", what, r.code, r.output);
			hostile_run_free(&r);
			hostile_tree_free(&t);
			free(what);
		}
	}
}
