/* A set of strings, compact for hundreds of thousands of keys: the keys
 * sit one after another in one arena and an open-addressing table holds
 * their hashes and offsets. Resume keeps "board\ncase" for every finished
 * install in one (about 60 bytes a key), whole, never cut short. */
#ifndef HIL_UTIL_STRSET_H
#define HIL_UTIL_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct hil_strset_slot;

struct hil_strset {
	char *arena;                    /* the keys, NUL-terminated */
	size_t arena_len, arena_cap;
	struct hil_strset_slot *slots;  /* a power of two of them */
	size_t slot_count, count;
};

#define HIL_STRSET_INIT { NULL, 0, 0, NULL, 0, 0 }

/* Adds @key (copied); false when it was there already. */
bool hil_strset_add(struct hil_strset *s, const char *key);
bool hil_strset_has(const struct hil_strset *s, const char *key);
/* Empties the set; it can be used again. */
void hil_strset_clear(struct hil_strset *s);

#endif
