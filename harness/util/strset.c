/* String set; see strset.h. Linear probing at most half full, FNV-1a
 * hashes (hil_fnv1a) compared before the keys. */
#include "harness/util/strset.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct hil_strset_slot {
	unsigned long long hash;
	size_t at; /* offset of the key in the arena, plus one; 0: empty */
};

static struct hil_strset_slot *find(const struct hil_strset *s, const char *key,
				    unsigned long long h)
{
	size_t mask = s->slot_count - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct hil_strset_slot *slot = &s->slots[i];
		if (!slot->at || (slot->hash == h && !strcmp(s->arena + slot->at - 1, key)))
			return slot;
	}
}

static void grow(struct hil_strset *s)
{
	struct hil_strset_slot *old = s->slots;
	size_t old_count = s->slot_count;

	s->slot_count = old_count ? old_count * 2 : 64;
	s->slots = hil_xcalloc(s->slot_count, sizeof(*s->slots));
	for (size_t i = 0; i < old_count; i++)
		if (old[i].at)
			*find(s, s->arena + old[i].at - 1, old[i].hash) = old[i];
	free(old);
}

bool hil_strset_add(struct hil_strset *s, const char *key)
{
	unsigned long long h = hil_fnv1a(key);
	size_t len = strlen(key) + 1;

	if ((s->count + 1) * 2 > s->slot_count)
		grow(s);
	struct hil_strset_slot *slot = find(s, key, h);
	if (slot->at)
		return false;
	if (s->arena_len + len > s->arena_cap) {
		while (s->arena_len + len > s->arena_cap)
			s->arena_cap = s->arena_cap ? s->arena_cap * 2 : 4096;
		s->arena = hil_xrealloc(s->arena, s->arena_cap);
	}
	memcpy(s->arena + s->arena_len, key, len);
	slot->hash = h;
	slot->at = s->arena_len + 1;
	s->arena_len += len;
	s->count++;
	return true;
}

bool hil_strset_has(const struct hil_strset *s, const char *key)
{
	return s->slot_count && find(s, key, hil_fnv1a(key))->at != 0;
}

void hil_strset_clear(struct hil_strset *s)
{
	free(s->arena);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
