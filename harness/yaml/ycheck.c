/* Typed YAML reads with positioned diagnostics; see ycheck.h. */
#include "harness/yaml/ycheck.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hil_ycheck_error(struct hil_ycheck *c, const struct hil_ynode *node,
		      const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hil_diag_add(c->diag, c->file, node ? node->line : 0, node ? node->col : 0,
		     "%s", msg);
	c->errors++;
}

/* Describes a node's value for "got ..." parts of messages. */
static const char *shown(const struct hil_ynode *n, char *buf, size_t size)
{
	if (n->kind != HIL_YNODE_SCALAR)
		return hil_ynode_kind_name(n->kind);
	if (n->plain_empty)
		return "nothing";
	snprintf(buf, size, "'%.60s'", n->text);
	return buf;
}

static void join_names(char *buf, size_t size, const char *const names[])
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

bool hil_ycheck_map(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, const char *const allowed[])
{
	char list[512], got[80];
	bool ok = true;

	if (node->kind != HIL_YNODE_MAP) {
		hil_ycheck_error(c, node, "%s must be a mapping, got %s (expected key: value lines)",
				 what, shown(node, got, sizeof(got)));
		return false;
	}
	join_names(list, sizeof(list), allowed);
	for (size_t i = 0; i < node->count; i++) {
		const struct hil_ynode *key = node->entries[i].key;
		bool known = false;

		for (size_t k = 0; allowed[k]; k++)
			known = known || strcmp(allowed[k], key->text) == 0;
		if (!known) {
			hil_ycheck_error(c, key, "unknown key '%.60s' in %s (expected one of: %s)",
					 key->text, what, list);
			ok = false;
		}
	}
	return ok;
}

const struct hil_ynode *hil_ycheck_require(struct hil_ycheck *c,
					   const struct hil_ynode *map,
					   const char *key, const char *what)
{
	const struct hil_ynode *v = hil_ymap_get(map, key);

	if (!v)
		hil_ycheck_error(c, map, "missing field '%s' in %s (required)", key, what);
	return v;
}

bool hil_ycheck_seq(struct hil_ycheck *c, const struct hil_ynode *node, const char *what)
{
	char got[80];

	if (node->kind == HIL_YNODE_SEQ)
		return true;
	hil_ycheck_error(c, node, "%s must be a list, got %s (expected '- item' lines or [a, b])",
			 what, shown(node, got, sizeof(got)));
	return false;
}

static bool want_scalar(struct hil_ycheck *c, const struct hil_ynode *node,
			const char *what, const char *expected)
{
	char got[80];

	if (node->kind == HIL_YNODE_SCALAR && !node->plain_empty)
		return true;
	hil_ycheck_error(c, node, "%s: wrong type, got %s (expected %s)", what,
			 shown(node, got, sizeof(got)), expected);
	return false;
}

bool hil_ycheck_str(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, char **out)
{
	if (!want_scalar(c, node, what, "a non-empty string"))
		return false;
	if (!node->text[0]) {
		hil_ycheck_error(c, node, "%s is empty (expected a non-empty string)", what);
		return false;
	}
	/* Folded and literal block scalars end in a newline; keep the text. */
	size_t n = strlen(node->text);
	while (n > 0 && (node->text[n - 1] == '\n' || node->text[n - 1] == ' '))
		n--;
	*out = hil_xstrndup(node->text, n);
	return true;
}

bool hil_ycheck_uint(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	char expected[96], *end;
	unsigned long v;

	snprintf(expected, sizeof(expected), "a whole number from %lu to %lu", min, max);
	if (!want_scalar(c, node, what, expected))
		return false;
	errno = 0;
	v = strtoul(node->text, &end, 10);
	if (node->quoted || !isdigit((unsigned char)node->text[0]) || *end || errno) {
		hil_ycheck_error(c, node, "%s: wrong type, got '%.60s' (expected %s)", what,
				 node->text, expected);
		return false;
	}
	if (v < min || v > max) {
		hil_ycheck_error(c, node, "%s: %lu is out of range (expected %s)", what, v, expected);
		return false;
	}
	*out = v;
	return true;
}

bool hil_ycheck_double(struct hil_ycheck *c, const struct hil_ynode *node,
		       const char *what, double min, double max, double *out)
{
	char expected[96], *end;
	double v;

	snprintf(expected, sizeof(expected), "a number from %g to %g", min, max);
	if (!want_scalar(c, node, what, expected))
		return false;
	errno = 0;
	v = strtod(node->text, &end);
	if (node->quoted || *end || errno || !isfinite(v) ||
	    !(isdigit((unsigned char)node->text[0]) || node->text[0] == '.')) {
		hil_ycheck_error(c, node, "%s: wrong type, got '%.60s' (expected %s)", what,
				 node->text, expected);
		return false;
	}
	if (v < min || v > max) {
		hil_ycheck_error(c, node, "%s: %g is out of range (expected %s)", what, v, expected);
		return false;
	}
	*out = v;
	return true;
}

bool hil_parse_hex32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = 0;

	if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; isxdigit((unsigned char)*s); s++, n++) {
		int d = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
		v = (v << 4) | (uint32_t)d;
	}
	if (n == 0 || n > 8 || *s)
		return false;
	*out = v;
	return true;
}

bool hil_ycheck_hex(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, uint32_t *out)
{
	static const char expected[] = "0x followed by 1 to 8 hex digits, e.g. 0x91";

	if (!want_scalar(c, node, what, expected))
		return false;
	if (!hil_parse_hex32(node->text, out)) {
		hil_ycheck_error(c, node, "%s: bad hex value '%.60s' (expected %s)", what,
				 node->text, expected);
		return false;
	}
	return true;
}

bool hil_ycheck_bool(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };

	if (!want_scalar(c, node, what, "true or false"))
		return false;
	for (size_t i = 0; !node->quoted && yes[i]; i++) {
		if (strcmp(node->text, yes[i]) == 0)
			return *out = true;
		if (strcmp(node->text, no[i]) == 0)
			return !(*out = false);
	}
	hil_ycheck_error(c, node, "%s: wrong type, got '%.60s' (expected true or false)", what,
			 node->text);
	return false;
}

bool hil_ycheck_enum(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, const char *const names[], int *out)
{
	char list[512];

	join_names(list, sizeof(list), names);
	if (!want_scalar(c, node, what, list))
		return false;
	for (int i = 0; names[i]; i++) {
		if (strcmp(node->text, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	hil_ycheck_error(c, node, "%s: unknown value '%.60s' (expected one of: %s)", what,
			 node->text, list);
	return false;
}

char *hil_path_relative_to(const char *base_file, const char *path)
{
	const char *slash = strrchr(base_file, '/');

	if (path[0] == '/' || !slash)
		return hil_xstrdup(path);
	return hil_xasprintf("%.*s/%s", (int)(slash - base_file), base_file, path);
}
