/* Typed reads from a YAML tree with `file:line:col` diagnostics.
 *
 * Each reader checks one node against what the schema expects, adds a
 * diagnostic of the form `file:line:col: what is wrong (what was expected)`
 * when it does not fit, and returns false. Callers keep going, so a single
 * `check` run lists every problem of a file.
 */
#ifndef HIL_HARNESS_YCHECK_H
#define HIL_HARNESS_YCHECK_H

#include "harness/util/diag.h"
#include "harness/yaml/yaml_tree.h"

#include <stdbool.h>
#include <stdint.h>

struct hil_ycheck {
	const char *file;
	struct hil_diag *diag;
	unsigned errors; /* diagnostics added through this context */
};

/* Adds a diagnostic at @node. */
void hil_ycheck_error(struct hil_ycheck *c, const struct hil_ynode *node,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* @node must be a mapping whose keys are all in @allowed (NULL-terminated);
 * @what names it in messages ("board 'dk-1'"). */
bool hil_ycheck_map(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, const char *const allowed[]);

/* The value of a required key, or NULL after a "missing field" error. */
const struct hil_ynode *hil_ycheck_require(struct hil_ycheck *c,
					   const struct hil_ynode *map,
					   const char *key, const char *what);

bool hil_ycheck_seq(struct hil_ycheck *c, const struct hil_ynode *node, const char *what);

/* A non-empty string scalar. *out is a new string. */
bool hil_ycheck_str(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, char **out);

/* A decimal integer in [min, max]. */
bool hil_ycheck_uint(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, unsigned long min, unsigned long max,
		     unsigned long *out);

/* A number in [min, max] (plain decimal or fraction). */
bool hil_ycheck_double(struct hil_ycheck *c, const struct hil_ynode *node,
		       const char *what, double min, double max, double *out);

/* `0x` followed by 1..8 hex digits. */
bool hil_ycheck_hex(struct hil_ycheck *c, const struct hil_ynode *node,
		    const char *what, uint32_t *out);

/* true/false (also yes/no). */
bool hil_ycheck_bool(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, bool *out);

/* One of @names (NULL-terminated); *out is the index. */
bool hil_ycheck_enum(struct hil_ycheck *c, const struct hil_ynode *node,
		     const char *what, const char *const names[], int *out);

/* Parses "0x…" into *out; no diagnostics. Used for values already checked
 * and for text from tools. */
bool hil_parse_hex32(const char *s, uint32_t *out);

/* Resolves @path against the directory of @base_file unless it is absolute.
 * Returns a new string. */
char *hil_path_relative_to(const char *base_file, const char *path);

#endif
