/* Option-byte fields of the H7 C area and the irreversible ones; see the header. */
#include "harness/sfi/option_bytes.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"
#include "harness/yaml/yaml_tree.h"

#include <stdlib.h>
#include <string.h>

/* RM0455 (STM32H7A3/7B3/7B0): word 0 FLASH_OPTSR_PRG, 1-2 FLASH_PRARx_PRG
 * (PCROP), 3-4 FLASH_SCARx_PRG (secure area). */
static const struct hil_ob_field fields[] = {
	{ "BOR_LEV", 0, 2, 2 },
	{ "IWDG1_SW", 0, 4, 1 },
	{ "NRST_STOP_D1", 0, 6, 1 },
	{ "NRST_STBY_D1", 0, 7, 1 },
	{ "RDP", 0, 8, 8 },
	{ "VDDMMC_HSLV", 0, 16, 1 },
	{ "FZ_IWDG_STOP", 0, 17, 1 },
	{ "FZ_IWDG_SDBY", 0, 18, 1 },
	{ "ST_RAM_SIZE", 0, 19, 2 },
	{ "SECURITY", 0, 21, 1 },
	{ "VDDIO_HSLV", 0, 29, 1 },
	{ "SWAP_BANK_OPT", 0, 31, 1 },
	{ "PROT_AREA_START1", 1, 0, 12 },
	{ "PROT_AREA_END1", 1, 16, 12 },
	{ "DMEP1", 1, 31, 1 },
	{ "PROT_AREA_START2", 2, 0, 12 },
	{ "PROT_AREA_END2", 2, 16, 12 },
	{ "DMEP2", 2, 31, 1 },
	{ "SEC_AREA_START1", 3, 0, 12 },
	{ "SEC_AREA_END1", 3, 16, 12 },
	{ "DMES1", 3, 31, 1 },
	{ "SEC_AREA_START2", 4, 0, 12 },
	{ "SEC_AREA_END2", 4, 16, 12 },
	{ "DMES2", 4, 31, 1 },
};

static const struct hil_ob_rule builtin[] = {
	{ "RDP", 0xCC, "RDP level 2: the debug port and the bootloader close for good "
	  "(RM0455, read-out protection)", 0, 0 },
};

const struct hil_ob_field *hil_ob_field_find(const char *name)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

const char *hil_ob_field_names(void)
{
	static char names[512];

	if (!names[0])
		for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, fields[i].name);
		}
	return names;
}

uint32_t hil_ob_field_get(const struct hil_ob_field *f, const uint32_t words[HIL_OB_WORDS])
{
	uint32_t mask = f->width >= 32 ? 0xFFFFFFFFu : (1u << f->width) - 1;

	return (words[f->word] >> f->shift) & mask;
}

const struct hil_ob_rule *hil_ob_builtin_rules(size_t *count_out)
{
	*count_out = sizeof(builtin) / sizeof(*builtin);
	return builtin;
}

static bool meets(const struct hil_ob_rule *r, const uint32_t words[HIL_OB_WORDS])
{
	const struct hil_ob_field *f = hil_ob_field_find(r->name);

	return f && hil_ob_field_get(f, words) == r->value;
}

const struct hil_ob_rule *hil_ob_irreversible(const uint32_t words[HIL_OB_WORDS],
					      const struct hil_ob_rule *rules, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (meets(&rules[i], words))
			return &rules[i];
	for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++)
		if (meets(&builtin[i], words))
			return &builtin[i];
	return NULL;
}

static const char *const rule_keys[] = { "name", "value", "why", NULL };

static void load_rule(struct hil_ycheck *c, const struct hil_ynode *node, struct hil_ob_rule *r)
{
	const struct hil_ynode *v;
	const struct hil_ob_field *f = NULL;

	r->line = node->line;
	r->col = node->col;
	if (!hil_ycheck_map(c, node, "irreversible option byte", rule_keys) &&
	    node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, node, "name", "irreversible option byte")) &&
	    hil_ycheck_str(c, v, "name", &r->name) && !(f = hil_ob_field_find(r->name)))
		hil_ycheck_error(c, v, "unknown option byte '%.40s' (expected one of: %s)", r->name,
				 hil_ob_field_names());
	if ((v = hil_ycheck_require(c, node, "value", "irreversible option byte")) &&
	    hil_ycheck_hex(c, v, "value", &r->value) && f && f->width < 32 &&
	    r->value >> f->width)
		hil_ycheck_error(c, v, "value 0x%X does not fit %s (%u bits)", r->value, f->name,
				 f->width);
	if ((v = hil_ymap_get(node, "why")))
		hil_ycheck_str(c, v, "why", &r->why);
	if (!r->why && r->name)
		r->why = hil_xasprintf("marked irreversible by the scenario");
}

void hil_ob_rules_load(struct hil_ycheck *c, const struct hil_ynode *node,
		       struct hil_ob_rule **rules_out, size_t *count_out)
{
	if (!hil_ycheck_seq(c, node, "irreversible_option_bytes"))
		return;
	*rules_out = hil_xcalloc(node->count ? node->count : 1, sizeof(**rules_out));
	*count_out = node->count;
	for (size_t i = 0; i < node->count; i++)
		load_rule(c, node->items[i], &(*rules_out)[i]);
}

void hil_ob_rules_free(struct hil_ob_rule *rules, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(rules[i].name);
		free(rules[i].why);
	}
	free(rules);
}
