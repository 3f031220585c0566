/* The lab example and the lab docs agree (issue 17, item 7): reset lines
 * through transistors are `active: high` as docs/lab-setup.md says, rails
 * on pins the chip drives high before the harness runs are `active: low`
 * (off until driven), reset gates sit on pins that are inputs then, the
 * `idle` comment claims nothing idle does not do, and the docs hold the
 * pin-state table, the "Day one" section and the shipped udev rules. */
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE HIL_SOURCE_DIR "/fixtures/racks/lab-example.yaml"
#define LAB_SETUP HIL_SOURCE_DIR "/docs/lab-setup.md"

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t len;

	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 20), 0, "%s", path);
	return text;
}

/* ADBUS0/2/4 (TXD, RTS#, DTR#) are outputs driven high in UART mode, the
 * state before the harness opens the chip (docs/lab-setup.md §1). */
static bool driven_high_before_the_harness(unsigned pin)
{
	return pin == 0 || pin == 2 || pin == 4;
}

Test(lab_docs, the_example_wires_rails_and_nrst_as_the_docs_say)
{
	struct hil_diag d = { 0 };
	struct hil_rack *rack = NULL;
	unsigned checked = 0;

	cr_assert_eq(hil_registry_rack_load(&rack, EXAMPLE, &d), 0, "%s", test_diag_text(&d));
	for (size_t i = 0; i < rack->board_count; i++) {
		const struct hil_rack_board *b = &rack->boards[i];
		const struct hil_rack_line *lines[2] = { &b->power, &b->reset };
		for (int k = 0; k < 2; k++) {
			const struct hil_rack_line *l = lines[k];
			if (!l->present || strcmp(rack->power[l->controller].driver, "ftdi_gpio"))
				continue;
			checked++;
			if (k == 1) {
				cr_expect(l->active_high, "%s: NRST through an N-MOSFET needs active: high",
					  b->name);
				cr_expect(!driven_high_before_the_harness(l->pin), "%s: a reset gate on "
					  "pin %u holds the board in reset from enumeration on", b->name,
					  l->pin);
			} else if (driven_high_before_the_harness(l->pin)) {
				cr_expect(!l->active_high, "%s: an active-high rail on pin %u is on before "
					  "the harness runs", b->name, l->pin);
			}
		}
	}
	cr_assert_geq(checked, 5, "the example's FTDI lines were looked at");
	hil_rack_free(rack);
}

Test(lab_docs, the_idle_comment_claims_nothing_idle_does_not_do)
{
	char *text = read_text(EXAMPLE);

	cr_assert(!strstr(text, "NRST released (high), rails off"), "idle only loads the latch of "
		  "unused pins, which stay inputs");
	cr_assert(strstr(text, "idle sets no level"), "the example says what idle does");
	free(text);
}

Test(lab_docs, lab_setup_has_the_pin_table_the_day_one_section_and_the_rules)
{
	char *doc = read_text(LAB_SETUP), *rules = read_text(HIL_SOURCE_DIR
							     "/drivers/udev/70-sfi-harness.rules");
	static const char *const needles[] = {
		"write `active: high` for that reset line", "| pin (FT232R DBUS", "TXD, output",
		"RTS#, output", "DTR#, output", "**unverified**", "## 6. Day one",
		"sfi-harness doctor --rack RACK", "| cat -v", "-hsmgetcounter slot=1", " -a | cat -v",
		"T_VCC", "`unverified:`",
	};

	for (size_t i = 0; i < sizeof(needles) / sizeof(*needles); i++)
		cr_expect(strstr(doc, needles[i]), "docs/lab-setup.md lacks '%s'", needles[i]);
	for (char *line = strtok(rules, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			cr_expect(strstr(doc, line), "docs/lab-setup.md §2 lacks the rule '%s'", line);
	free(doc);
	free(rules);
}
