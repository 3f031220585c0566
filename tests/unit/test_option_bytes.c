/* Option-byte fields of the H7 C area and the irreversible settings. */
#include "harness/sfi/option_bytes.h"

#include <criterion/criterion.h>
#include <string.h>

/* The C area of fixtures/images/sbsfu_bb.sfi: OPTSR 0x1026AAD0, then the
 * PCROP/secure/write-protection/boot words of an unprotected part. */
static const uint32_t plain_words[HIL_OB_WORDS] = { 0x1026AAD0, 0x000000FF, 0x000000FF,
						     0x000000FF, 0x000000FF, 0xFFFFFFFF,
						     0xFFFFFFFF, 0x24000800, 0 };

static uint32_t field(const char *name, const uint32_t *words)
{
	const struct hil_ob_field *f = hil_ob_field_find(name);

	cr_assert_not_null(f, "%s", name);
	return hil_ob_field_get(f, words);
}

Test(option_bytes, fields_of_optsr_and_the_protection_words)
{
	cr_assert_eq(field("RDP", plain_words), 0xAA);
	cr_assert_eq(field("SECURITY", plain_words), 1);
	cr_assert_eq(field("SWAP_BANK_OPT", plain_words), 0);
	cr_assert_eq(field("PROT_AREA_START1", plain_words), 0xFF);
	cr_assert_eq(field("DMEP1", plain_words), 0);
	cr_assert_null(hil_ob_field_find("RDQ"));
}

Test(option_bytes, only_rdp_level_2_is_irreversible_unless_the_scenario_says_more)
{
	uint32_t words[HIL_OB_WORDS];
	struct hil_ob_rule security = { (char *)"SECURITY", 1, (char *)"lab rule", 3, 5 };

	memcpy(words, plain_words, sizeof(words));
	cr_assert_null(hil_ob_irreversible(words, NULL, 0), "RDP 0xAA is level 0");
	words[0] = (words[0] & ~0xFF00u) | 0xBB00u;
	cr_assert_null(hil_ob_irreversible(words, NULL, 0), "level 1 can regress");
	words[0] = (words[0] & ~0xFF00u) | 0xCC00u;
	const struct hil_ob_rule *r = hil_ob_irreversible(words, NULL, 0);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->name, "RDP");
	cr_assert_eq(r->value, 0xCC);

	memcpy(words, plain_words, sizeof(words));
	r = hil_ob_irreversible(words, &security, 1);
	cr_assert_eq(r, &security, "the scenario's rule");
	words[0] &= ~(1u << 21);
	cr_assert_null(hil_ob_irreversible(words, &security, 1));
}
