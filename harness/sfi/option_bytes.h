/* The option bytes an SFI image's C area sets, by name, and the settings
 * that cannot be undone.
 *
 * On STM32H7 the decrypted C area is nine 32-bit option-byte register
 * images, little-endian, in the order of ST's SFI option-byte CSV:
 * OPTSR, PRAR bank 1/2, SCAR bank 1/2, WPSN bank 1/2, BOOT, reserved
 * (AN5054 §2.5.1; ../shared/research/sfi.md §1.4). Field positions are
 * RM0455's FLASH_OPTSR_PRG, FLASH_PRARx_PRG and FLASH_SCARx_PRG.
 *
 * Built in as irreversible: RDP level 2 (0xCC). A scenario marks more with
 * `irreversible_option_bytes: [{name: SECURITY, value: 1, why: ...}]`
 * (docs/scenarios.md).
 */
#ifndef HIL_HARNESS_OPTION_BYTES_H
#define HIL_HARNESS_OPTION_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIL_OB_WORDS 9

struct hil_ob_field {
	const char *name;          /* as STM32_Programmer_CLI -ob displ names it */
	unsigned word, shift, width;
};

/* An option-byte setting that changes a board for good. */
struct hil_ob_rule {
	char *name;
	uint32_t value;
	char *why;                 /* shown when the interlock refuses */
	unsigned line, col;        /* in the scenario; 0 for built-in rules */
};

/* NULL when @name is not a known field. */
const struct hil_ob_field *hil_ob_field_find(const char *name);
/* The known names, comma-separated, for error messages. Static text. */
const char *hil_ob_field_names(void);
uint32_t hil_ob_field_get(const struct hil_ob_field *f, const uint32_t words[HIL_OB_WORDS]);

/* The built-in rules; *count_out gets their number. */
const struct hil_ob_rule *hil_ob_builtin_rules(size_t *count_out);

/* The first rule of @rules (then the built-in ones) that @words meet, or
 * NULL. */
const struct hil_ob_rule *hil_ob_irreversible(const uint32_t words[HIL_OB_WORDS],
					      const struct hil_ob_rule *rules, size_t count);

struct hil_ycheck;
struct hil_ynode;
/* Loads `irreversible_option_bytes:` (a list of {name, value, why}). */
void hil_ob_rules_load(struct hil_ycheck *c, const struct hil_ynode *node,
		       struct hil_ob_rule **rules_out, size_t *count_out);
void hil_ob_rules_free(struct hil_ob_rule *rules, size_t count);

#endif
