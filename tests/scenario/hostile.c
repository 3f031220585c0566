/* The hostile-input suite's machinery; see hostile.h. */
#include "hostile.h"
#include "support.h"
#include "harness/util/utf8.h"
#include "harness/util/xalloc.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

const struct hostile_class hostile_classes[] = {
	{ "a path separator", "a/b", 1, false },
	{ "a backslash", "a\\\\b", 1, false },
	{ "a dot segment", "..", 1, false },
	{ "dot segments that climb", "../../../../../../tmp/hostile", 1, false },
	{ "a leading dot segment", "./x", 1, false },
	{ "an absolute path", "/etc/passwd", 1, false },
	{ "an option", "--help", 1, false },
	{ "a URL", "javascript:alert(1)//", 1, false },
	{ "NUL", "a\\0b", 1, false },
	{ "C0 controls (ESC sequences, BEL)", "\\e[2J\\e]0;title\\a", 1, false },
	{ "CR, BS, DEL", "over\\rwrite\\b\\x7f", 1, false },
	{ "C1 controls (CSI, NEL)", "\\u009b2J\\x85", 1, false },
	{ "bidi overrides and isolates", "\\u202eevil\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c",
	  1, false },
	{ "markup", "x\\\"><script>alert(1)</script>", 1, false },
	{ "markup with an event", "<img src=x onerror=alert(1)>", 1, false },
	{ "quotes", "'\\\"`$(id)", 1, false },
	{ "format directives", "%s%n%x%p", 1, false },
	{ "a substitution", "${image}${x", 1, false },
	{ "bytes that are not UTF-8", "\xff\xfe\xc3\x28", 1, true },
	{ "an empty string", "", 1, false },
	{ "64 KiB", "x", 65536, false },
	{ "64 KiB and one byte", "x", 65537, false },
	{ "64 KiB of markup", "<b>\\\"", 13000, false },
};

size_t hostile_output_max = HOSTILE_OUTPUT_MAX;

const size_t hostile_class_count = sizeof(hostile_classes) / sizeof(*hostile_classes);

char *hostile_yaml_value(const struct hostile_class *c)
{
	size_t unit = strlen(c->yaml), len = unit * c->repeat;
	char *s = hil_xmalloc(len + 3), *p = s;

	if (!c->raw)
		*p++ = '"';
	for (unsigned i = 0; i < c->repeat; i++, p += unit)
		memcpy(p, c->yaml, unit);
	if (!c->raw)
		*p++ = '"';
	*p = '\0';
	return s;
}

/* Appends code point @cp as UTF-8. */
static void put_utf8(FILE *f, unsigned cp)
{
	if (cp < 0x80) {
		fputc((int)cp, f);
	} else if (cp < 0x800) {
		fputc((int)(0xC0 | cp >> 6), f);
		fputc((int)(0x80 | (cp & 0x3F)), f);
	} else {
		fputc((int)(0xE0 | cp >> 12), f);
		fputc((int)(0x80 | (cp >> 6 & 0x3F)), f);
		fputc((int)(0x80 | (cp & 0x3F)), f);
	}
}

/* The YAML escapes the classes use, decoded here rather than by the
 * loader under test. */
char *hostile_bytes(const struct hostile_class *c, size_t *len)
{
	static const char simple[] = "e\033a\007r\rb\b\"\"\\\\"; /* escape, byte */
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	for (unsigned i = 0; i < c->repeat; i++)
		for (const char *p = c->yaml; *p; p++) {
			if (c->raw || *p != '\\') {
				fputc(*p, f);
				continue;
			}
			p++;
			const char *k = strchr(simple, *p);
			if (*p == '0') {
				fputc('\0', f);
			} else if (k && (k - simple) % 2 == 0) {
				fputc(k[1], f);
			} else if (*p == 'x' || *p == 'u') {
				unsigned digits = *p == 'x' ? 2 : 4, cp = 0;
				for (unsigned d = 0; d < digits; d++) {
					char h = *++p;
					cp = cp * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
				}
				put_utf8(f, cp);
			} else {
				cr_assert_fail("no decoding for \\%c", *p);
			}
		}
	fclose(f);
	return buf;
}

static char *join(const char *a, const char *b)
{
	return hil_xasprintf("%s/%s", a, b);
}

static void mkdir_or_fail(const char *path)
{
	cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s", path);
}

void hostile_tree_make(struct hostile_tree *t)
{
	static const char *const dirs[] = { "elsewhere", "locks", "tmp", "w", "w/x", "w/x/y",
					    "w/x/y/campaign" };

	t->top = test_tmpdir();
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		char *d = join(t->top, dirs[i]);
		mkdir_or_fail(d);
		free(d);
	}
	t->campaign = join(t->top, "w/x/y/campaign");
	t->out = join(t->campaign, "out");
	t->elsewhere = join(t->top, "elsewhere");
	free(test_write(t->elsewhere, "victim", "a file the run must not touch\n"));
}

void hostile_tree_free(struct hostile_tree *t)
{
	free(t->top);
	free(t->campaign);
	free(t->out);
	free(t->elsewhere);
}

char *hostile_write(const struct hostile_tree *t, const char *name, const char *content,
		    size_t len)
{
	char *path = join(t->campaign, name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fwrite(content, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return path;
}

void hostile_socket(const struct hostile_tree *t, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int here = open(".", O_RDONLY | O_DIRECTORY), fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert(here >= 0 && fd >= 0 && strlen(name) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, name);
	cr_assert_eq(chdir(t->campaign), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "bind %s", name);
	cr_assert_eq(fchdir(here), 0);
	close(fd);
	close(here);
}

/* The scratch tree as it is: one line per entry, "path mode size mtime". */
static struct {
	size_t top_len;
	FILE *f;
} walk;

static int walk_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (strlen(path) <= walk.top_len)
		return 0;
	/* a folder's own size and time change with what is put in it */
	bool dir = S_ISDIR(sb->st_mode);
	fprintf(walk.f, "%s %o %lld %lld.%09ld %llu\n", path + walk.top_len + 1, sb->st_mode,
		dir ? 0LL : (long long)sb->st_size, dir ? 0LL : (long long)sb->st_mtim.tv_sec,
		dir ? 0L : sb->st_mtim.tv_nsec, dir ? 0ULL : (unsigned long long)sb->st_ino);
	return 0;
}

static char *snapshot(const char *top)
{
	char *buf = NULL;
	size_t len = 0;

	walk.top_len = strlen(top);
	walk.f = open_memstream(&buf, &len);
	cr_assert_eq(nftw(top, walk_one, 16, FTW_PHYS), 0);
	fclose(walk.f);
	return buf;
}

static bool allowed_path(const char *line, const char *allowed)
{
	return !strncmp(line, "locks/", 6) || !strncmp(line, "locks ", 6) ||
	       (allowed && !strncmp(line, allowed, strlen(allowed))) ||
	       (allowed && !strncmp(line, allowed, strlen(allowed) - 1) &&
		line[strlen(allowed) - 1] == ' ');
}

/* Every line of @a that is not in @b is a path created, changed or
 * removed: each must be one the run may write. */
static void only_allowed_changes(const char *a, const char *b, const char *allowed,
				 const char *what, const char *verb)
{
	for (const char *line = a; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line + 1) : strlen(line);
		char *one = hil_xstrndup(line, n);
		bool same = false;
		for (const char *p = b; !same && (p = strstr(p, one)); p++)
			same = p == b || p[-1] == '\n';
		cr_assert(same || allowed_path(one, allowed), "%s: %s outside --out: %s", what, verb,
			  one);
		free(one);
		line += n;
	}
}

void hostile_assert_no_raw_control(const char *s, size_t len, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = hil_utf8_len(p + i, len - i);
		unsigned c = p[i];
		cr_assert_neq(n, 0, "%s: byte 0x%02X at %zu is not UTF-8", what, c, i);
		cr_assert(n > 1 || c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7F),
			  "%s: raw control 0x%02X at %zu", what, c, i);
		if (n == 2)
			cr_assert(c != 0xC2 || p[i + 1] > 0x9F, "%s: raw C1 control at %zu", what, i);
		if (n == 2)
			cr_assert(c != 0xD8 || p[i + 1] != 0x9C, "%s: raw U+061C at %zu", what, i);
		if (n == 3 && c == 0xE2 && p[i + 1] == 0x80)
			cr_assert(p[i + 2] < 0x8B || (p[i + 2] > 0x8F && p[i + 2] < 0xAA) ||
				  p[i + 2] > 0xAE, "%s: raw bidi or invisible character at %zu", what, i);
		if (n == 3 && c == 0xE2 && p[i + 1] == 0x81)
			cr_assert(p[i + 2] > 0xA9, "%s: raw bidi isolate at %zu", what, i);
		if (n == 3 && c == 0xEF && p[i + 1] == 0xBB)
			cr_assert(p[i + 2] != 0xBF, "%s: raw U+FEFF at %zu", what, i);
		i += n;
	}
}

/* Element and attribute names of a page, each once, as "<name" and "@name". */
struct names {
	char **v;
	size_t n;
};

static struct names clean;

static void names_add(struct names *s, const char *prefix, const xmlChar *name)
{
	char *k = hil_xasprintf("%s%s", prefix, (const char *)name);

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], k)) {
			free(k);
			return;
		}
	s->v = hil_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = k;
}

static bool names_has(const struct names *s, const char *k)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], k))
			return true;
	return false;
}

static void page_walk(xmlNodePtr node, struct names *s, const char *what)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		cr_assert(strcmp((const char *)node->name, "script"), "%s: a script element", what);
		names_add(s, "<", node->name);
		for (xmlAttrPtr a = node->properties; a; a = a->next) {
			cr_assert(strncmp((const char *)a->name, "on", 2), "%s: an event attribute %s",
				  what, a->name);
			names_add(s, "@", a->name);
			if (!strcmp((const char *)a->name, "href")) {
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
				cr_assert(!strchr((const char *)v, ':') && strncmp((const char *)v, "//", 2),
					  "%s: a link that is not a file path: %s", what, v);
				xmlFree(v);
			}
		}
		page_walk(node->children, s, what);
	}
}

static void page_names(struct names *s, const char *path, const char *what)
{
	htmlDocPtr doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
				      HTML_PARSE_NOWARNING);

	cr_assert_not_null(doc, "%s: %s does not parse as HTML", what, path);
	page_walk(xmlDocGetRootElement(doc), s, what);
	xmlFreeDoc(doc);
}

void hostile_clean_page(const char *path)
{
	page_names(&clean, path, "the clean page");
	cr_assert(names_has(&clean, "<table") && names_has(&clean, "@data-board"),
		  "the clean page is a report");
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	*len = 0;
	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, len);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	fclose(f);
	return buf;
}

static void check_reports(const char *dir, const char *what)
{
	char *path = join(dir, "junit.xml");
	size_t len;
	char *text = read_all(path, &len);

	if (text) {
		xmlDocPtr doc = xmlReadMemory(text, (int)len, path, NULL, XML_PARSE_NONET);
		cr_assert_not_null(doc, "%s: junit.xml is not well-formed", what);
		xmlFreeDoc(doc);
		hostile_assert_no_raw_control(text, len, "junit.xml");
		free(text);
	}
	free(path);
	path = join(dir, "summary.json");
	if (access(path, F_OK) == 0) {
		json_error_t err;
		json_t *j = json_load_file(path, 0, &err);
		cr_assert_not_null(j, "%s: summary.json: %s", what, err.text);
		json_decref(j);
	}
	free(path);
	static const char *const pages[] = { "report.html", "trend.html" };
	for (size_t i = 0; i < 2; i++) {
		path = join(dir, pages[i]);
		if ((text = read_all(path, &len))) {
			struct names seen = { 0 };
			hostile_assert_no_raw_control(text, len, pages[i]);
			page_names(&seen, path, what);
			for (size_t k = 0; k < seen.n && !i; k++)
				cr_assert(!clean.n || names_has(&clean, seen.v[k]),
					  "%s: report.html has %s, which a clean page has not", what,
					  seen.v[k]);
			for (size_t k = 0; k < seen.n; k++)
				free(seen.v[k]);
			free(seen.v);
			free(text);
		}
		free(path);
	}
}

static void child(const struct hostile_tree *t, const char *const args[], const char *log)
{
	size_t n = 0;

	while (args[n])
		n++;
	char **argv = hil_xcalloc(n + 2, sizeof(*argv));
	argv[0] = (char *)HIL_BINARY;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	setpgid(0, 0);
	if (!UNDER_ASAN) {
		struct rlimit rl = { HOSTILE_AS_LIMIT, HOSTILE_AS_LIMIT };
		setrlimit(RLIMIT_AS, &rl);
	}
	struct rlimit cpu = { HOSTILE_CPU_S * (UNDER_ASAN ? 4 : 1),
			      HOSTILE_CPU_S * (UNDER_ASAN ? 4 : 1) + 1 };
	setrlimit(RLIMIT_CPU, &cpu);
	char *locks = join(t->top, "locks"), *tmp = join(t->top, "tmp");
	setenv("SFI_HARNESS_LOCK_DIR", locks, 1);
	setenv("TMPDIR", tmp, 1);
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_RDONLY);
	if (fd < 0 || null < 0 || chdir(t->campaign) != 0)
		_exit(126);
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	execv(HIL_BINARY, argv);
	_exit(127);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(struct hostile_run *r, const struct hostile_tree *t, const char *const args[])
{
	char *log = hil_xasprintf("%s.log", t->top); /* beside the tree, not in it */
	double deadline = now_s() + HOSTILE_HANG_S * (UNDER_ASAN ? 4 : 1);
	int status = 0;
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0)
		child(t, args, log);
	memset(r, 0, sizeof(*r));
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_s() > deadline) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	r->output = read_all(log, &r->output_len);
	if (!r->output)
		r->output = hil_xstrdup("");
	unlink(log);
	free(log);
}

void hostile_check(struct hostile_run *r, const struct hostile_tree *t, const char *what,
		   const char *const args[], const char *allowed, const char *report_dir)
{
	char *before = snapshot(t->top), *after;

	run(r, t, args);
	if (getenv("HOSTILE_VERBOSE")) /* what each case did, for people */
		fprintf(stderr, "== %s: exit %d\n%.*s\n", what, r->code, (int)(r->output_len > 600 ?
			600 : r->output_len), r->output);
	cr_assert(!r->timed_out, "%s: hangs: still running after %d s", what, HOSTILE_HANG_S);
	cr_assert_neq(r->signal, SIGXCPU, "%s: more than %d s of CPU time", what, HOSTILE_CPU_S);
	cr_assert_eq(r->signal, 0, "%s: killed by signal %d\n%.3000s", what, r->signal, r->output);
	cr_assert(r->code >= 0 && r->code <= 3, "%s: exit %d\n%.3000s", what, r->code, r->output);
	after = snapshot(t->top);
	only_allowed_changes(after, before, allowed, what, "created or changed");
	only_allowed_changes(before, after, allowed, what, "removed or changed");
	hostile_assert_no_raw_control(r->output, r->output_len, what);
	/* an error quotes at most a bounded piece of the input, and at most
	 * HIL_DIAG_MAX errors are printed */
	cr_assert_lt(r->output_len, hostile_output_max, "%s: %zu bytes of output", what,
		     r->output_len);
	check_reports(report_dir ? report_dir : t->out, what);
	free(before);
	free(after);
}

void hostile_run_free(struct hostile_run *r)
{
	free(r->output);
	r->output = NULL;
}
