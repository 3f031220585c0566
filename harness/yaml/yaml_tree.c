/* libyaml event stream -> hil_ynode tree; see yaml_tree.h. */
#include "harness/yaml/yaml_tree.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define MAX_DEPTH 32
#define MAX_NODES 100000
#define MAX_FILE_BYTES (16u * 1024 * 1024)
#define MAX_SCALAR_BYTES 65536

struct builder {
	yaml_parser_t parser;
	const char *name;
	struct hil_diag *diag;
	size_t nodes;
	bool failed;
};

static struct hil_ynode *node_new(struct builder *b, enum hil_ynode_kind kind,
				  const yaml_mark_t *mark)
{
	struct hil_ynode *n = hil_xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	b->nodes++;
	return n;
}

void hil_ynode_free(struct hil_ynode *node)
{
	if (!node)
		return;
	free(node->text);
	for (size_t i = 0; node->kind == HIL_YNODE_SEQ && i < node->count; i++)
		hil_ynode_free(node->items[i]);
	for (size_t i = 0; node->kind == HIL_YNODE_MAP && i < node->count; i++) {
		hil_ynode_free(node->entries[i].key);
		hil_ynode_free(node->entries[i].value);
	}
	free(node->items);
	free(node->entries);
	free(node);
}

const char *hil_ynode_kind_name(enum hil_ynode_kind kind)
{
	switch (kind) {
	case HIL_YNODE_SCALAR: return "a scalar";
	case HIL_YNODE_SEQ: return "a list";
	case HIL_YNODE_MAP: return "a mapping";
	}
	return "?";
}

const struct hil_ynode *hil_ymap_get(const struct hil_ynode *map, const char *key)
{
	if (!map || map->kind != HIL_YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->entries[i].key->text, key) == 0)
			return map->entries[i].value;
	return NULL;
}

static void fail_at(struct builder *b, const yaml_mark_t *m, const char *msg,
		    const char *expected)
{
	if (!b->failed)
		hil_diag_add(b->diag, b->name, (unsigned)m->line + 1,
			     (unsigned)m->column + 1, "%s (%s)", msg, expected);
	b->failed = true;
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return true;
	if (!b->failed) {
		const yaml_mark_t *m = &b->parser.problem_mark;
		hil_diag_add(b->diag, b->name, (unsigned)m->line + 1,
			     (unsigned)m->column + 1, "invalid YAML: %s%s%s (%s)",
			     b->parser.problem ? b->parser.problem : "syntax error",
			     b->parser.context ? " " : "",
			     b->parser.context ? b->parser.context : "",
			     "fix the syntax; indentation uses spaces only");
	}
	b->failed = true;
	return false;
}

static struct hil_ynode *build_node(struct builder *b, yaml_event_t *ev, int depth);

static struct hil_ynode *build_collection(struct builder *b, yaml_event_t *start,
					  int depth, bool is_map)
{
	struct hil_ynode *n = node_new(b, is_map ? HIL_YNODE_MAP : HIL_YNODE_SEQ,
				       &start->start_mark);
	size_t cap = 0;
	yaml_event_t ev;

	for (;;) {
		if (!next_event(b, &ev))
			goto error;
		if (ev.type == (is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
			yaml_event_delete(&ev);
			return n;
		}
		struct hil_ynode *child = build_node(b, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!child)
			goto error;
		if (n->count == cap) {
			cap = cap ? cap * 2 : 4;
			if (is_map)
				n->entries = hil_xrealloc(n->entries, cap * sizeof(*n->entries));
			else
				n->items = hil_xrealloc(n->items, cap * sizeof(*n->items));
		}
		if (!is_map) {
			n->items[n->count++] = child;
			continue;
		}
		/* A key: it must be a scalar, unique, followed by its value. */
		yaml_mark_t km = { .line = child->line - 1, .column = child->col - 1 };
		if (child->kind != HIL_YNODE_SCALAR) {
			hil_ynode_free(child);
			fail_at(b, &km, "a mapping key must be a plain name", "key: value");
			goto error;
		}
		if (hil_ymap_get(n, child->text)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "duplicate key '%.100s'", child->text);
			hil_ynode_free(child);
			fail_at(b, &km, msg, "each key once per mapping");
			goto error;
		}
		if (!next_event(b, &ev)) {
			hil_ynode_free(child);
			goto error;
		}
		struct hil_ynode *value = build_node(b, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!value) {
			hil_ynode_free(child);
			goto error;
		}
		n->entries[n->count].key = child;
		n->entries[n->count].value = value;
		n->count++;
	}
error:
	hil_ynode_free(n);
	return NULL;
}

static struct hil_ynode *build_node(struct builder *b, yaml_event_t *ev, int depth)
{
	struct hil_ynode *n;

	if (depth > MAX_DEPTH) {
		fail_at(b, &ev->start_mark, "nesting too deep", "at most 32 levels");
		return NULL;
	}
	if (b->nodes > MAX_NODES) {
		fail_at(b, &ev->start_mark, "document too large", "at most 100000 nodes");
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			fail_at(b, &ev->start_mark, "anchors are not supported", "write the value out");
			return NULL;
		}
		if (ev->data.scalar.length > MAX_SCALAR_BYTES) {
			fail_at(b, &ev->start_mark, "value too long",
				"at most 65536 bytes; put large data in a file and give its path");
			return NULL;
		}
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
			/* "\0" in a double-quoted string: every consumer reads a C
			 * string, which would silently end there */
			fail_at(b, &ev->start_mark, "NUL character in a value",
				"no \\0: names, paths and text end at it");
			return NULL;
		}
		n = node_new(b, HIL_YNODE_SCALAR, &ev->start_mark);
		n->text = hil_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		n->plain_empty = !n->quoted && ev->data.scalar.length == 0;
		return n;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if ((ev->type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor) ||
		    (ev->type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor)) {
			fail_at(b, &ev->start_mark, "anchors are not supported", "write the value out");
			return NULL;
		}
		return build_collection(b, ev, depth, ev->type == YAML_MAPPING_START_EVENT);
	case YAML_ALIAS_EVENT:
		fail_at(b, &ev->start_mark, "aliases are not supported", "write the value out");
		return NULL;
	default:
		fail_at(b, &ev->start_mark, "unexpected YAML structure", "a value");
		return NULL;
	}
}

int hil_yaml_load_buffer(struct hil_ynode **out, const char *name,
			 const char *buf, size_t len, struct hil_diag *diag)
{
	struct builder b = { .name = name, .diag = diag };
	struct hil_ynode *root = NULL;
	yaml_event_t ev;
	bool done = false;

	*out = NULL;
	if (!yaml_parser_initialize(&b.parser))
		return hil_error_set(HIL_ENOMEM, "libyaml: cannot initialise parser");
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);

	while (!done && next_event(&b, &ev)) {
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root)
				fail_at(&b, &ev.start_mark, "more than one YAML document",
					"a single document, no '---' separators");
			break;
		default:
			if (!root)
				root = build_node(&b, &ev, 0);
			break;
		}
		yaml_event_delete(&ev);
		if (b.failed)
			break;
	}
	yaml_parser_delete(&b.parser);

	if (b.failed) {
		hil_ynode_free(root);
		return hil_error_set(HIL_ECONFIG, "%s: invalid YAML", name);
	}
	if (!root) {
		yaml_mark_t m = { 0 };
		root = node_new(&b, HIL_YNODE_MAP, &m);
	}
	*out = root;
	return 0;
}

int hil_yaml_load_file(struct hil_ynode **out, const char *path, struct hil_diag *diag)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	/* a FIFO would block the read for ever, a device never end, and a
	 * folder read as an empty file would give a page of missing keys */
	if (stat(path, &st) != 0) {
		hil_diag_add(diag, path, 0, 0, "cannot open: %s (check the path)", strerror(errno));
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		hil_diag_add(diag, path, 0, 0, "%s, not a file (expected a YAML file)",
			     hil_file_kind(st.st_mode));
		return hil_error_set(HIL_ECONFIG, "%s: not a file", path);
	}
	if ((unsigned long long)st.st_size > MAX_FILE_BYTES) {
		hil_diag_add(diag, path, 0, 0, "file too large (at most 16 MiB)");
		return hil_error_set(HIL_ECONFIG, "%s: too large", path);
	}
	/* hil_read_file looks again at what it opened (O_NONBLOCK, fstat) */
	if (hil_read_file(&buf, &len, path, MAX_FILE_BYTES) < 0) {
		hil_diag_add(diag, path, 0, 0, "cannot read: %s", hil_error_last());
		return hil_error_set(HIL_EIO, "%s: cannot read", path);
	}
	error = hil_yaml_load_buffer(out, path, buf, len, diag);
	free(buf);
	return error;
}
