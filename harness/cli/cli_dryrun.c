/* `run --dry-run`: what this run would do — only its shard and the boards
 * and cells --board, --only and --only-failed keep — the irreversible
 * steps, the HSM licences it may draw and how long it should take. The
 * estimate comes from the simulated boards' profiles (simulated time) and
 * is scaled to the wall time the run will take at the rack's time_scale;
 * a real board has no timing model, so it has no estimate, and then
 * neither has the campaign. It touches nothing. */
#include "harness/cli/cli.h"
#include "harness/util/term.h"
#include "harness/engine/interlock.h"
#include "harness/util/clock.h"
#include "drivers/registry.h"

#include <stdio.h>

/* Whether a board sits out because it is not sacrificial (plan.c: SFI
 * cannot be undone) — the interlock's list is about something else, steps
 * that lock a board for good (RDP level 2, irreversible: true). */
static bool skipped_not_sacrificial(const struct hil_plan *plan)
{
	for (size_t i = 0; i < plan->board_count; i++)
		if (plan->boards[i].skip_reason && !plan->boards[i].board->sacrificial)
			return true;
	return false;
}

void hil_cli_print_plan(const struct hil_plan *plan, unsigned jobs, unsigned shard, unsigned shards)
{
	const struct hil_scenario *s = plan->scenario;
	double scale = hil_clock_scale();
	unsigned long longest = 0, sum = 0, installs = 0;
	size_t unestimated = 0, shown = 0;

	/* names, labels and reasons come from the scenario and the rack */
	hil_term_printf(stdout, "%s: campaign %s: %zu board(s) x %zu cell(s) x %u run(s) x %zu step(s)\n", s->file,
	       s->campaign, plan->board_count, plan->cell_count, plan->repeat, s->step_count);
	if (shards)
		printf("  shard %u of %u: only its boards and cells below\n", shard, shards);
	for (size_t k = 0; k < plan->cell_count; k++) {
		bool runs = false;
		for (size_t i = 0; i < plan->board_count; i++)
			runs = runs || hil_plan_wants(plan, i, k, shard, shards);
		if (runs)
			hil_term_printf(stdout, "  cell  %s\n", plan->cells[k].label[0] ? plan->cells[k].label
								  : "(no matrix)");
	}
	for (size_t i = 0; i < plan->board_count; i++) {
		const struct hil_plan_board *b = &plan->boards[i];
		unsigned long ms = 0, cells = 0;
		for (size_t k = 0; k < plan->cell_count; k++) {
			if (!hil_plan_wants(plan, i, k, shard, shards))
				continue;
			cells++;
			if (!b->skip_reason)
				ms += hil_registry_estimate_ms(b->board, plan->cells[k].steps,
							       s->step_count) * plan->repeat;
		}
		if (!cells)
			continue; /* another shard's, or not selected */
		shown++;
		installs += cells * plan->repeat;
		hil_term_printf(stdout, "  board %-16s %lu cell(s) x %u run(s): ", b->board->name, cells, plan->repeat);
		if (b->skip_reason) {
			hil_term_printf(stdout, "skipped: %s\n", b->skip_reason);
			continue;
		}
		if (!ms) {
			unestimated++;
			printf("no estimate (a real board: no timing model)\n");
			continue;
		}
		longest = ms > longest ? ms : longest;
		sum += ms;
		printf("about %.0f s (%.0f s of simulated time)\n", ms * scale / 1e3, ms / 1e3);
	}
	if (!shown)
		printf("  no board has a cell in this run\n");
	printf("  installs: %lu\n", installs);
	printf("  steps:");
	for (size_t i = 0; i < s->step_count; i++)
		printf(" %s", hil_step_kind_name(s->steps[i].kind));
	printf("\n");
	if (!hil_interlock_list(plan, stdout))
		printf(skipped_not_sacrificial(plan)
		       ? "  no step that locks a board for good (RDP level 2, irreversible: true); "
			 "sfi_install still cannot be undone, so boards not marked sacrificial are "
			 "skipped (above)\n"
		       : "  no irreversible step (RDP level 2, irreversible: true)\n");
	printf("  HSM licences it may draw: %u (the licence guard's bound for this run)\n",
	       hil_hsm_planned(plan, shard, shards));
	if (jobs && jobs < shown && sum / jobs > longest)
		longest = sum / jobs;
	if (unestimated)
		printf("  estimated time: no estimate (%zu real board(s) have no timing model)\n",
		       unestimated);
	else if (!longest)
		printf("  estimated time: none (nothing runs)\n");
	else
		printf("  estimated time: about %.0f s of wall time at time scale %g (%.0f s of "
		       "simulated time, boards in parallel; the harness's own work comes on top)\n",
		       longest * scale / 1e3, scale, longest / 1e3);
}
