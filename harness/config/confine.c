/* Campaign-directory confinement; see confine.h. */
#include "harness/config/confine.h"
#include "harness/util/error.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *hil_confine_root(const char *scenario_file, const char *root)
{
	const char *slash = strrchr(scenario_file, '/');
	char *dir = root ? hil_path_relative_to(scenario_file, root)
			 : slash ? hil_xasprintf("%.*s", (int)(slash - scenario_file) + (slash == scenario_file),
						 scenario_file)
				 : hil_xstrdup(".");
	char *real = realpath(dir, NULL);
	struct stat st;

	if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		hil_error_set(HIL_ECONFIG, "campaign root '%s' is not a directory", dir);
		free(real);
		real = NULL;
	}
	free(dir);
	return real;
}

/* @path made absolute, with "." and ".." folded away lexically. */
static char *normalise(const char *path)
{
	struct hil_strbuf out = HIL_STRBUF_INIT;
	char cwd[PATH_MAX];
	char *copy, *save = NULL;

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		copy = hil_xasprintf("%s/%s", cwd, path);
	else
		copy = hil_xstrdup(path);
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			char *last = out.buf ? strrchr(out.buf, '/') : NULL;
			if (last)
				out.len = (size_t)(last - out.buf);
			if (out.buf)
				out.buf[out.len] = '\0';
			continue;
		}
		hil_strbuf_putc(&out, '/');
		hil_strbuf_puts(&out, part);
	}
	free(copy);
	if (!out.len)
		hil_strbuf_putc(&out, '/');
	return hil_strbuf_detach(&out);
}

/* The real path of the longest existing prefix of @abs, with the rest
 * (the part that does not exist yet) appended. */
static char *resolve_existing(const char *abs)
{
	char *head = hil_xstrdup(abs), *real = NULL, *out;
	size_t cut = strlen(head);

	while (!(real = realpath(head, NULL))) {
		char *slash = strrchr(head, '/');
		if (!slash || slash == head) {
			free(head);
			return hil_xstrdup(abs);
		}
		*slash = '\0';
		cut = (size_t)(slash - head);
	}
	out = hil_xasprintf("%s%s", real, abs + cut);
	free(real);
	free(head);
	return out;
}

bool hil_path_inside(const char *root_real, const char *path)
{
	char *abs = normalise(path), *real = resolve_existing(abs);
	size_t n = strlen(root_real);
	bool inside = !strcmp(root_real, "/") ||
		      (!strncmp(real, root_real, n) && (real[n] == '/' || real[n] == '\0'));

	free(real);
	free(abs);
	return inside;
}
