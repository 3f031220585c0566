/* B2: the harness against a bare shell loop. 200 SFI installs through the
 * stand-in STM32_Programmer_CLI at time scale 0, once as a campaign and
 * once as the bash loop a lab would write (the same CLI calls: the HSM
 * counter, identity, chip UID and RSS version once, then each install,
 * grepping for the success line; only the harness's power-check connect has
 * no twin), interleaved on the same machine. Target: median
 * ratio <= 1.05. Also the CPU per install of each. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TARGET_RATIO 1.05

json_t *bench_b2_overhead(const struct bench_opts *o)
{
	unsigned installs = o->quick ? 40 : 200;
	char *steps = NULL, *programmer = NULL, *loop = NULL, *state = NULL, *env_state = NULL;
	double *harness = calloc(o->runs, sizeof(double)), *shell = calloc(o->runs, sizeof(double));
	double *harness_cpu = calloc(o->runs, sizeof(double)), *shell_cpu = calloc(o->runs, sizeof(double));
	/* the same campaign with its results on tmpfs: what durability (an
	 * fsync per install for the journal and one for the step's log) costs */
	double *harness_tmpfs = calloc(o->runs, sizeof(double));
	bool tmpfs = access("/dev/shm", W_OK) == 0;

	if (asprintf(&steps, "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, "
		     "license: {hsm_slot: 1}}\n", o->source_dir) < 0 ||
	    asprintf(&programmer, "{driver: cubeprog, path: %s, timeout_s: 60}", o->fake_cli) < 0 ||
	    /* what the harness asks once per campaign too: the HSM counter, the
	     * board's identity, chip UID and RSS version (not its power check) */
	    asprintf(&loop, "cli=\"%s\"; c='-c port=swd sn=BE000000 mode=HOTPLUG'; "
		     "$cli -hsmgetcounter slot=1 | grep -q 'HSM counter' && "
		     "$cli $c | grep -q 'Device ID' && $cli $c -r32 0x08FFF800 12 | grep -q '0x08FFF800 :' && "
		     "$cli $c -rssgetversion >/dev/null || exit 1; "
		     "fails=0; for i in $(seq %u); do $cli $c -sfi protocol=static "
		     "%s/fixtures/images/sbsfu_bb.sfi hsm=1 slot=1 "
		     "| grep -q 'SFI Process Finished' || fails=$((fails+1)); done; "
		     "echo \"$fails failed\"; [ $fails -eq 0 ]", o->fake_cli, installs, o->source_dir) < 0)
		abort();
	char *scenario = bench_scenario(o, "b2.yaml", installs, steps);
	char *rack = bench_rack(o, "b2-rack.yaml", 1, programmer, 0);
	for (unsigned r = 0; r < o->runs; r++) {
		struct bench_proc p;
		char *out = NULL;
		/* the campaign */
		if (asprintf(&out, "%s/b2-out-%u", o->work_dir, r) < 0)
			abort();
		char *run[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", out, "--quiet", NULL };
		if (bench_spawn(run, NULL, NULL, &p) < 0 || p.exit_code != 0)
			fprintf(stderr, "sfi-bench: B2 campaign exited %d\n", p.exit_code);
		harness[r] = p.wall_s;
		harness_cpu[r] = p.cpu_s;
		free(out);
		if (tmpfs) {
			if (asprintf(&out, "/dev/shm/sfi-bench-b2-%ld-%u", (long)getpid(), r) < 0)
				abort();
			char *shm[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", out,
					"--quiet", NULL };
			bench_spawn(shm, NULL, NULL, &p);
			harness_tmpfs[r] = p.wall_s;
			char *rm[] = { "/bin/rm", "-rf", out, NULL };
			bench_spawn(rm, NULL, NULL, &p);
			free(out);
		}
		/* the loop, on a board powered on beforehand (not timed) */
		if (asprintf(&state, "%s/b2-state-%u", o->work_dir, r) < 0 ||
		    asprintf(&env_state, "HIL_SIM_STATE_DIR=%s", state) < 0)
			abort();
		char *env[] = { env_state, "HIL_TIME_SCALE=0", NULL };
		char *power[] = { (char *)o->binary, "power", "--rack", rack, "b00", "on", NULL };
		char *bash[] = { "/bin/bash", "-c", loop, NULL };
		bench_spawn(power, env, NULL, &p);
		if (bench_spawn(bash, env, NULL, &p) < 0 || p.exit_code != 0)
			fprintf(stderr, "sfi-bench: B2 shell loop exited %d\n", p.exit_code);
		shell[r] = p.wall_s;
		shell_cpu[r] = p.cpu_s;
		free(state);
		free(env_state);
	}
	double h = bench_median(harness, o->runs), s = bench_median(shell, o->runs);
	double hc = bench_median(harness_cpu, o->runs), sc = bench_median(shell_cpu, o->runs);
	printf("B2  %u installs via the stand-in CLI: harness %.2f s, bash loop %.2f s, ratio %.3f "
	       "(target <= %.2f): %s\n", installs, h, s, h / s, TARGET_RATIO,
	       bench_verdict(o, h / s <= TARGET_RATIO));
	double ht = tmpfs ? bench_median(harness_tmpfs, o->runs) : 0;
	if (tmpfs)
		printf("      with the results on tmpfs (no fsync cost): harness %.2f s, ratio %.3f\n",
		       ht, ht / s);
	printf("      CPU per install: harness %.2f ms, loop %.2f ms (harness's own: %.2f ms)\n",
	       hc / installs * 1e3, sc / installs * 1e3, (hc - sc) / installs * 1e3);
	json_t *res = json_pack("{s:s, s:i, s:f, s:o, s:o, s:f, s:f, s:f, s:f, s:f, s:b}",
				"name", "overhead against a shell loop", "installs", (json_int_t)installs,
				"ratio_results_on_tmpfs", tmpfs ? ht / s : 0.0,
				"harness_wall_s", bench_stats(harness, o->runs),
				"shell_wall_s", bench_stats(shell, o->runs), "ratio", h / s,
				"harness_cpu_ms_per_install", hc / installs * 1e3,
				"shell_cpu_ms_per_install", sc / installs * 1e3,
				"harness_own_cpu_ms_per_install", (hc - sc) / installs * 1e3,
				"target_ratio", TARGET_RATIO, "met", h / s <= TARGET_RATIO);
	free(harness);
	free(shell);
	free(harness_cpu);
	free(harness_tmpfs);
	free(shell_cpu);
	free(scenario);
	free(rack);
	free(loop);
	free(programmer);
	free(steps);
	return res;
}
