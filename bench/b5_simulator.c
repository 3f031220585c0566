/* B5: simulator speed. SFI installs per second through the sim programmer
 * in this process (no harness around it) at time scale 0: the RSS model,
 * AES-GCM of every area, flash writes and the transcript text. */
#include "bench.h"
#include "drivers/programmer/programmer.h"
#include "drivers/sim/board.h"
#include "harness/util/clock.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"

#include <stdio.h>
#include <stdlib.h>

json_t *bench_b5_simulator(const struct bench_opts *o)
{
	struct hil_diag diag = { 0 };
	struct hil_rack *rack = NULL;
	struct hil_programmer *prog = NULL;
	char *rack_path = bench_rack(o, "b5-rack.yaml", 1, "{driver: sim, timeout_s: 60}", 0, NULL);
	char *image = NULL, *licence = NULL;
	double *rates = calloc(o->runs, sizeof(*rates));
	unsigned per_run = o->quick ? 200 : 2000, failed = 0;

	if (asprintf(&image, "%s/fixtures/images/sbsfu_bb.sfi", o->source_dir) < 0 ||
	    asprintf(&licence, "%s/b5-licence.bin", o->work_dir) < 0)
		abort();
	hil_clock_set_scale(0);
	if (hil_registry_rack_load(&rack, rack_path, &diag) < 0) {
		hil_diag_print(&diag, stderr);
		abort();
	}
	struct hil_driver_ctx ctx;
	if (hil_driver_ctx_init(&ctx, rack, 1, NULL) < 0 || hil_programmer_open(&prog, &ctx, "sim") < 0)
		abort();
	hil_sim_board_set_power(hil_sim_board_by_name(ctx.sim, "b00"), true);
	struct hil_prog_request get = { .op = HIL_PROG_HSM_GET_LICENSE, .probe_serial = "BE000000",
					.hsm_slot = 1, .upload_path = licence, .timeout_s = 60 };
	struct hil_prog_request install = { .op = HIL_PROG_SFI_INSTALL, .probe_serial = "BE000000",
					    .image = image, .hsm_slot = -1, .license_file = licence,
					    .timeout_s = 60 };
	struct hil_prog_output out;
	hil_programmer_run(prog, &get, &out);
	hil_prog_output_clear(&out);
	for (unsigned r = 0; r < o->runs; r++) {
		double start = bench_now();
		for (unsigned i = 0; i < per_run; i++) {
			install.salt = i;
			hil_programmer_run(prog, &install, &out);
			failed += out.exit_status != 0;
			hil_prog_output_clear(&out);
		}
		rates[r] = per_run / (bench_now() - start);
	}
	if (failed)
		bench_failures++, fprintf(stderr, "sfi-bench: B5 %u in-process installs failed\n", failed);
	char *summary = bench_summary(rates, o->runs, 1, "%.0f", " installs/s");
	double median = bench_median(rates, o->runs);
	printf("B5  simulator in-process: %.0f installs/s (%u per run, %u failed)\n", median,
	       per_run, failed);
	json_t *res = json_pack("{s:s, s:i, s:o, s:i}", "name", "simulator speed",
				"installs_per_run", (json_int_t)per_run,
				"installs_per_s", bench_stats(rates, o->runs), "failed", (json_int_t)failed);
	bench_table_row(res, "simulator, in process", summary, "", "", -1);
	free(summary);
	hil_programmer_close(prog);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	free(rates);
	free(licence);
	free(image);
	free(rack_path);
	return res;
}
