/* ${param} substitution; see subst.h. */
#include "harness/yaml/subst.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int lookup(const char *name, size_t len, const char *const names[], size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return (int)i;
	return -1;
}

static void join(struct hil_strbuf *b, const char *const names[], size_t count)
{
	for (size_t i = 0; i < count; i++)
		hil_strbuf_printf(b, "%s%s", i ? ", " : "", names[i]);
	if (!count)
		hil_strbuf_puts(b, "none: add a 'matrix:' section");
}

/* Walks @text; for each reference calls back with its index, or fails. */
static int walk(const char *text, const char *const names[], size_t count,
		const char *const values[], struct hil_strbuf *out, char **problem_out)
{
	const char *p = text;

	while (*p) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			hil_strbuf_puts(out, "${");
			p += 3;
			continue;
		}
		if (p[0] != '$' || p[1] != '{') {
			hil_strbuf_putc(out, *p++);
			continue;
		}
		const char *end = strchr(p + 2, '}');
		struct hil_strbuf msg = HIL_STRBUF_INIT;
		if (!end) {
			hil_strbuf_printf(&msg, "unterminated '${' in '%.60s' (expected ${name})", text);
			*problem_out = hil_strbuf_detach(&msg);
			return HIL_ECONFIG;
		}
		int i = lookup(p + 2, (size_t)(end - p - 2), names, count);
		if (i < 0) {
			hil_strbuf_printf(&msg, "'${%.*s}' is not a matrix parameter (expected one of: ",
					  (int)(end - p - 2), p + 2);
			join(&msg, names, count);
			hil_strbuf_putc(&msg, ')');
			*problem_out = hil_strbuf_detach(&msg);
			return HIL_ECONFIG;
		}
		if (values)
			hil_strbuf_puts(out, values[i]);
		p = end + 1;
	}
	return 0;
}

int hil_subst_check(const char *text, const char *const names[], size_t count,
		    char **problem_out)
{
	struct hil_strbuf sink = HIL_STRBUF_INIT;
	int error = walk(text, names, count, NULL, &sink, problem_out);

	hil_strbuf_free(&sink);
	return error;
}

int hil_subst(char **out, const char *text, const char *const names[],
	      const char *const values[], size_t count)
{
	struct hil_strbuf b = HIL_STRBUF_INIT;
	char *problem = NULL;
	int error = walk(text, names, count, values, &b, &problem);

	*out = NULL;
	if (error) {
		hil_error_set(error, "%s", problem);
		free(problem);
		hil_strbuf_free(&b);
		return error;
	}
	*out = hil_strbuf_detach(&b);
	return 0;
}
