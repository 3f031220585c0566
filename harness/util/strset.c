/* String set; see strset.h. */
#include "harness/util/strset.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(char *const *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hil_fnv1a(key) & (cap - 1);

	while (slots[i] && strcmp(slots[i], key) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static void grow(struct hil_strset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 64;
	char **slots = hil_xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			slots[slot_of(slots, cap, set->slots[i])] = set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
}

bool hil_strset_add(struct hil_strset *set, const char *key)
{
	size_t i;

	if ((set->count + 1) * 4 > set->cap * 3) /* at most 3/4 full */
		grow(set);
	i = slot_of(set->slots, set->cap, key);
	if (set->slots[i])
		return false;
	set->slots[i] = hil_xstrdup(key);
	set->count++;
	return true;
}

bool hil_strset_has(const struct hil_strset *set, const char *key)
{
	return set->cap && set->slots[slot_of(set->slots, set->cap, key)] != NULL;
}

void hil_strset_clear(struct hil_strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}
