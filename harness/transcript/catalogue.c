/* The compiled-in error catalogue; see catalogue.h and catalogue.yaml. */
#include "harness/transcript/catalogue.h"
#include "harness/util/diag.h"
#include "harness/yaml/yaml_tree.h"
#include "harness/yaml/ycheck.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char hil_catalogue_yaml[];
extern const size_t hil_catalogue_yaml_len;

struct table {
	struct hil_catalogue_entry *items;
	size_t count;
};

static struct table tables[3];
static struct hil_ynode *root;    /* the strings point into it; kept for the process */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *text(const struct hil_ynode *map, const char *key)
{
	const struct hil_ynode *v = hil_ymap_get(map, key);

	return v && v->kind == HIL_YNODE_SCALAR ? v->text : "";
}

static void fill(struct hil_catalogue_entry *e, const char *key, const struct hil_ynode *node)
{
	e->key = key;
	e->meaning = text(node, "meaning");
	e->who = text(node, "who");
	e->next = text(node, "next");
	e->source = text(node, "source");
	e->confidence = text(node, "confidence");
}

static void load_map(struct table *t, const struct hil_ynode *map)
{
	if (!map || map->kind != HIL_YNODE_MAP)
		return;
	t->items = calloc(map->count, sizeof(*t->items));
	for (size_t i = 0; t->items && i < map->count; i++)
		fill(&t->items[t->count++], map->entries[i].key->text, map->entries[i].value);
}

static void load(void)
{
	struct hil_diag diag = { 0 };
	const struct hil_ynode *messages;

	if (hil_yaml_load_buffer(&root, "harness/transcript/catalogue.yaml", hil_catalogue_yaml,
				 hil_catalogue_yaml_len, &diag) < 0) {
		/* a build-time file: tests keep it valid */
		hil_diag_print(&diag, stderr);
		hil_diag_clear(&diag);
		return;
	}
	load_map(&tables[HIL_CAT_CLASS], hil_ymap_get(root, "classes"));
	load_map(&tables[HIL_CAT_RSS], hil_ymap_get(root, "rss"));
	messages = hil_ymap_get(root, "messages");
	if (messages && messages->kind == HIL_YNODE_SEQ) {
		struct table *t = &tables[HIL_CAT_MESSAGE];
		t->items = calloc(messages->count ? messages->count : 1, sizeof(*t->items));
		for (size_t i = 0; t->items && i < messages->count; i++)
			fill(&t->items[t->count++], text(messages->items[i], "match"), messages->items[i]);
	}
}

const struct hil_catalogue_entry *hil_catalogue_at(enum hil_catalogue_kind kind, size_t i)
{
	pthread_once(&once, load);
	return i < tables[kind].count ? &tables[kind].items[i] : NULL;
}

static const struct hil_catalogue_entry *find(enum hil_catalogue_kind kind, const char *key)
{
	const struct hil_catalogue_entry *e;

	for (size_t i = 0; (e = hil_catalogue_at(kind, i)); i++)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

const struct hil_catalogue_entry *hil_catalogue_class(const char *name)
{
	return find(HIL_CAT_CLASS, name);
}

const struct hil_catalogue_entry *hil_catalogue_rss(uint32_t value)
{
	char key[16];

	snprintf(key, sizeof(key), "0x%X", value);
	return find(HIL_CAT_RSS, key);
}

const struct hil_catalogue_entry *hil_catalogue_message(const char *line)
{
	const struct hil_catalogue_entry *e;

	for (size_t i = 0; (e = hil_catalogue_at(HIL_CAT_MESSAGE, i)); i++)
		if (e->key[0] && strstr(line, e->key))
			return e;
	return NULL;
}

const struct hil_catalogue_entry *hil_catalogue_outcome(const char *cls, const char *const *rss,
							size_t rss_count)
{
	for (size_t i = 0; i < rss_count; i++) {
		uint32_t v;
		const struct hil_catalogue_entry *e;
		if (rss[i] && hil_parse_hex32(rss[i], &v) && v && (e = hil_catalogue_rss(v)))
			return e;
	}
	return cls ? hil_catalogue_class(cls) : NULL;
}

const char *hil_catalogue_brief(const struct hil_catalogue_entry *e, char *buf, size_t size)
{
	const char *end = strstr(e->meaning, ". ");
	size_t n = end ? (size_t)(end - e->meaning) + 1 : strlen(e->meaning);

	snprintf(buf, size, "%.*s", (int)n, e->meaning);
	return buf;
}
