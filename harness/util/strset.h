/* A set of strings (open addressing, FNV-1a): membership in constant time,
 * for checks that must stay linear in the number of items (unique cell
 * labels, installs already in a journal). Keys are copied and never cut. */
#ifndef HIL_UTIL_STRSET_H
#define HIL_UTIL_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct hil_strset {
	char **slots;   /* owned; NULL: empty */
	size_t cap;     /* a power of two, or 0 */
	size_t count;
};

/* Adds a copy of @key; false when it was already there. */
bool hil_strset_add(struct hil_strset *set, const char *key);
bool hil_strset_has(const struct hil_strset *set, const char *key);
/* Frees the keys; the struct itself may be on the stack. */
void hil_strset_clear(struct hil_strset *set);

#endif
