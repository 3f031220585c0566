/* The HSM guard: before a campaign touches any board, read each HSM slot's
 * licence counter and refuse when the campaign could draw more than the
 * counter minus the scenario's hsm_reserve. Every draw costs money and the
 * counter never comes back, so the check counts the worst case: one draw
 * per install, or one per board when the step keeps a licence cache.
 *
 * unverified: what the real `-hsmgetcounter` prints. No source read shows
 * its output (../shared/research/sfi.md §2.1 has only the command); the
 * parser takes `HSM counter : N` / `Counter : N`, the stand-in's own
 * wording. When the answer cannot be read, the guard says what to do
 * instead of refusing blindly: send the text back (docs/lab-setup.md,
 * day one) and, meanwhile, `hsm: {unreadable_counter: accept}` in the rack
 * runs the campaign without the budget check, said on stderr. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/error.h"
#include "harness/engine/run_state.h"
#include "harness/engine/hsm_guard.h"
#include "harness/util/strset.h"
#include "harness/util/xalloc.h"
#include "harness/engine/case.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

#define SLOTS 256


/* Reads slot @slot's counter. 1: read into *out; 0: not readable, which
 * the rack accepts (warned on stderr); negative: refused, with why. */
static int read_counter(struct hil_run_state *run, int slot, unsigned long draws, uint32_t *out)
{
	struct hil_prog_request req = { .op = HIL_PROG_HSM_COUNTER, .hsm_slot = slot, .timeout_s = 60 };
	struct hil_prog_output res;
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	char why[320];
	int found = 1;

	if (hil_programmer_run(run->programmer, &req, &res) < 0) {
		free(tx);
		return HIL_EHW;
	}
	hil_cubeprog_parse(tx, res.transcript ? res.transcript : "", res.length);
	enum hil_class cls = hil_cubeprog_classify(tx, req.op, &res);
	if (cls != HIL_CLASS_SUCCESS || !tx->has_hsm_counter) {
		snprintf(why, sizeof(why), "%s", tx->error_count ? tx->errors[0]
			 : cls == HIL_CLASS_SUCCESS || cls == HIL_CLASS_INCOMPLETE
			 ? "no counter line the harness knows in its answer" : hil_class_name(cls));
		found = 0;
	}
	*out = tx->hsm_counter;
	if (!found && run->plan->rack->hsm_accept_unreadable_counter)
		fprintf(stderr, "sfi-harness: warning: the licence counter of HSM slot %d cannot be "
			"read (%s); the rack says hsm: {unreadable_counter: accept}, so this campaign "
			"runs without the budget check and may draw up to %lu licences from it\n",
			slot, why, draws);
	else if (!found)
		found = hil_error_set(HIL_EREFUSED, "refused: cannot read the licence counter of HSM "
				      "slot %d (-hsmgetcounter slot=%d: %s); no campaign that draws "
				      "licences starts without it. The text the real tool prints "
				      "there is unverified: run `STM32_Programmer_CLI -hsmgetcounter "
				      "slot=%d` and send its output (docs/lab-setup.md, day one); "
				      "to run meanwhile without the check, at the risk of emptying "
				      "the HSM (up to %lu licences), set hsm: {unreadable_counter: "
				      "accept} in the rack", slot, slot, why, slot, draws);
	hil_prog_output_clear(&res);
	free(tx);
	return found;
}

/* The worst case per slot over what this run does (its shard and
 * selection, not what a resumed journal already has): one draw per
 * install, or one per board with a licence cache. */
static void planned_draws(const struct hil_plan *plan, unsigned shard, unsigned shards,
			  const struct hil_strset *done, unsigned long draws[SLOTS])
{
	const struct hil_scenario *s = plan->scenario;

	for (size_t b = 0; b < plan->board_count; b++) {
		const struct hil_plan_board *pb = &plan->boards[b];
		unsigned long installs = 0;
		if (pb->skip_reason)
			continue;
		for (size_t k = 0; k < plan->cell_count; k++)
			for (unsigned it = 1; hil_plan_wants(plan, b, k, shard, shards) && it <= plan->repeat; it++) {
				char *name = hil_case_name(plan, &plan->cells[k], it);
				char *key = hil_xasprintf("%s\n%s", pb->board->name, name);
				installs += !done || !hil_strset_has(done, key);
				free(key);
				free(name);
			}
		for (size_t i = 0; installs && i < s->step_count; i++) {
			const struct hil_step *st = &s->steps[i];
			if (st->kind == HIL_STEP_SFI_INSTALL && st->hsm_slot >= 0 && st->hsm_slot < SLOTS)
				draws[st->hsm_slot] += st->license_cache ? 1 : installs;
		}
	}
}

unsigned hil_hsm_planned(const struct hil_plan *plan, unsigned shard, unsigned shards)
{
	unsigned long draws[SLOTS] = { 0 }, total = 0;

	planned_draws(plan, shard, shards, NULL, draws);
	for (int slot = 0; slot < SLOTS; slot++)
		total += draws[slot];
	return (unsigned)total;
}

int hil_hsm_guard(struct hil_run_state *run, unsigned *planned_out)
{
	const struct hil_plan *plan = run->plan;
	const struct hil_scenario *s = plan->scenario;
	unsigned long draws[SLOTS] = { 0 };
	int error = 0;

	planned_draws(plan, run->opts->shard, run->opts->shards, run->opts->done, draws);
	*planned_out = 0;
	for (int slot = 0; slot < SLOTS && !error; slot++) {
		uint32_t left = 0;
		if (!draws[slot])
			continue;
		*planned_out += (unsigned)draws[slot];
		if ((error = read_counter(run, slot, draws[slot], &left)) < 0)
			break;
		if (error == 0)
			continue; /* unreadable, and the rack accepts that */
		error = 0;
		unsigned long usable = left > s->hsm_reserve ? left - s->hsm_reserve : 0;
		if (draws[slot] > usable)
			error = hil_error_set(HIL_EREFUSED, "refused: this campaign may draw up to %lu "
					      "licences from HSM slot %d, which has %u left and keeps %u "
					      "in reserve (%lu usable). Nothing was run. Cache licences "
					      "per chip (license: {hsm_slot: %d, cache: DIR}), run fewer "
					      "installs, or lower hsm_reserve.", draws[slot], slot, left,
					      s->hsm_reserve, usable, slot);
	}
	return error;
}
