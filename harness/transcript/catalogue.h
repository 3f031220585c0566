/* The error catalogue (harness/transcript/catalogue.yaml, compiled in): what each
 * class, RSS value and STM32_Programmer_CLI message means, whose problem it
 * is, what to try next, the source and how sure it is. */
#ifndef HIL_HARNESS_CATALOGUE_H
#define HIL_HARNESS_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

struct hil_catalogue_entry {
	const char *key;          /* class name, RSS value ("0x16") or message text */
	const char *meaning, *who, *next, *source, *confidence;
};

enum hil_catalogue_kind { HIL_CAT_CLASS, HIL_CAT_RSS, HIL_CAT_MESSAGE };

/* NULL when the catalogue has no entry. Valid for the process's life. */
const struct hil_catalogue_entry *hil_catalogue_class(const char *name);
const struct hil_catalogue_entry *hil_catalogue_rss(uint32_t value);
/* The first message entry whose text occurs in @line. */
const struct hil_catalogue_entry *hil_catalogue_message(const char *line);
/* For listing: the i-th entry of a kind, NULL past the end. */
const struct hil_catalogue_entry *hil_catalogue_at(enum hil_catalogue_kind kind, size_t i);

/* The entry that explains an install's outcome: its first non-zero RSS
 * value when the catalogue knows it, else its class. NULL: none. */
const struct hil_catalogue_entry *hil_catalogue_outcome(const char *cls, const char *const *rss,
							size_t rss_count);

/* The first sentence of @e's meaning, at most @size-1 bytes, into @buf. */
const char *hil_catalogue_brief(const struct hil_catalogue_entry *e, char *buf, size_t size);

#endif
