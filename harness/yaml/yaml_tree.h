/* A small YAML document tree with source positions, built on libyaml.
 *
 * Every node keeps the 1-based line and column where it starts, so the
 * loaders can say `file:line:col: what is wrong (what was expected)`.
 * Scalars are kept as text: types are decided by the schema, not by YAML
 * tag guessing (0x91 stays "0x91", "no" stays "no").
 *
 * Refused outright: aliases and anchors (a rack should be explicit),
 * duplicate keys, non-scalar keys, documents nested deeper than 32 levels
 * and more than 100 000 nodes (hostile input stays bounded).
 */
#ifndef HIL_HARNESS_YAML_TREE_H
#define HIL_HARNESS_YAML_TREE_H

#include "harness/util/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum hil_ynode_kind {
	HIL_YNODE_SCALAR,
	HIL_YNODE_SEQ,
	HIL_YNODE_MAP,
};

struct hil_ynode;

struct hil_ymap_entry {
	struct hil_ynode *key;   /* always a scalar */
	struct hil_ynode *value;
};

struct hil_ynode {
	enum hil_ynode_kind kind;
	unsigned line, col;
	/* HIL_YNODE_SCALAR */
	char *text;
	bool quoted;       /* written with quotes: never null, never a number */
	bool plain_empty;  /* `key:` with nothing after it (YAML null) */
	/* HIL_YNODE_SEQ */
	struct hil_ynode **items;
	/* HIL_YNODE_MAP */
	struct hil_ymap_entry *entries;
	size_t count;      /* items or entries */
};

/* Parses the file at @path. On error, adds diagnostics to @diag and returns
 * HIL_ECONFIG (or HIL_EIO when the file cannot be read). An empty file
 * yields an empty map. *out must be freed with hil_ynode_free(). */
int hil_yaml_load_file(struct hil_ynode **out, const char *path,
		       struct hil_diag *diag);

/* Same, from memory; @name is used in diagnostics. */
int hil_yaml_load_buffer(struct hil_ynode **out, const char *name,
			 const char *buf, size_t len, struct hil_diag *diag);

void hil_ynode_free(struct hil_ynode *node);

/* "a mapping", "a list", "a scalar" — for messages. */
const char *hil_ynode_kind_name(enum hil_ynode_kind kind);

/* The value under @key in a map, or NULL. Borrowed. */
const struct hil_ynode *hil_ymap_get(const struct hil_ynode *map, const char *key);

#endif
