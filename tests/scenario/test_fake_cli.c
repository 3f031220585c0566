/* The stand-in CLI grounded in the real tool (issue 17, items 2, 9, 10):
 * it refuses the argv the real help refuses, the cubeprog driver sends
 * each operation's connect settings from the rack and the stand-in echoes
 * them as the real tool prints them, its coloured output parses as the
 * plain, and its failing install follows the seed's log (fails at part 1). */
#include "drivers/power/power.h"
#include "drivers/programmer/programmer.h"
#include "drivers/registry.h"
#include "harness/config/rack.h"
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define BL91 "002F003F3137510539383538"
#define BL92 "003A00293438510B34313939"
#define BOARDS HIL_SOURCE_DIR "/fixtures/boards/"
#define TWO_PARTS HIL_SOURCE_DIR "/fixtures/images/sbsfu_rdp_bb.sfi"

static char *dir;
static struct hil_rack *rack;
static struct hil_driver_ctx ctx;
static struct hil_power *power;
static struct hil_programmer *prog;

static void init(void)
{
	hil_clock_set_scale(0);
	dir = test_tmpdir();
	test_isolate_locks();
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_COLOR");
	unsetenv("FAKE_CUBEPROG_ARGV_LOG");
	unsetenv("HIL_SIM_STATE_DIR");
}

static void fini(void)
{
	hil_programmer_close(prog);
	hil_power_close(power);
	hil_driver_ctx_fini(&ctx);
	hil_rack_free(rack);
	prog = NULL;
	power = NULL;
	rack = NULL;
	memset(&ctx, 0, sizeof(ctx));
}

TestSuite(fake_cli, .init = init, .fini = fini, .timeout = 60);

/* A rack of two simulated boards (BL 0x91, BL 0x92) behind the stand-in,
 * with @programmer_extra in its programmer map. */
static char *rack_text(const char *programmer_extra)
{
	char *text = NULL;

	cr_assert(asprintf(&text,
			   "rack: fake\n"
			   "programmer: {driver: cubeprog, path: \"%s\", timeout_s: 30%s}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - name: b91\n    kind: k\n    probe: {serial: " BL91 "}\n"
			   "    power: {controller: relay0, pin: 0}\n    sacrificial: true\n"
			   "    sim: " BOARDS "h7ab-bl91.yaml\n"
			   "  - name: b92\n    kind: k\n    probe: {serial: " BL92 "}\n"
			   "    power: {controller: relay0, pin: 1}\n    sacrificial: true\n"
			   "    sim: " BOARDS "h7ab-bl92.yaml\n",
			   HIL_FAKE_CLI, programmer_extra) > 0);
	return text;
}

static void open_rack(const char *programmer_extra)
{
	struct hil_diag d = { 0 };
	char *state = NULL, *text = rack_text(programmer_extra);
	char *path = test_write(dir, "rack.yaml", text);

	cr_assert(asprintf(&state, "%s/state", dir) > 0);
	cr_assert_eq(hil_registry_rack_load(&rack, path, &d), 0, "%s", test_diag_text(&d));
	cr_assert_eq(hil_driver_ctx_init(&ctx, rack, 1, state), 0, "%s", hil_error_last());
	cr_assert_eq(hil_power_open(&power, &ctx, &rack->power[0]), 0);
	cr_assert_eq(hil_power_set(power, &rack->boards[0].power, true), 0);
	cr_assert_eq(hil_power_set(power, &rack->boards[1].power, true), 0);
	cr_assert_eq(hil_programmer_open(&prog, &ctx, "cubeprog"), 0);
	free(state);
	free(path);
	free(text);
}

static void run_op(enum hil_prog_op op, const char *serial, const char *image,
		   struct hil_prog_output *out)
{
	struct hil_prog_request req = { .op = op, .probe_serial = serial, .image = image,
					.hsm_slot = 1 };

	cr_assert_eq(hil_programmer_run(prog, &req, out), 0);
}

static char *argv_log(void)
{
	char *path = NULL;

	cr_assert(asprintf(&path, "%s/argv.log", dir) > 0);
	setenv("FAKE_CUBEPROG_ARGV_LOG", path, 1);
	return path;
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t len;

	cr_assert_eq(hil_read_file(&text, &len, path, 1 << 20), 0, "%s", path);
	return text;
}

/* What the stand-in prints for @args (NULL-ended, after the program). */
static int spawn_fake(const char *const *args, char **out)
{
	char *argv[16] = { HIL_FAKE_CLI };
	size_t n = 1;

	for (; args[n - 1] && n < 15; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	return test_spawn(argv, out);
}

Test(fake_cli, refuses_the_argv_the_real_help_refuses)
{
	static const char *const bad[][8] = {
		{ "-frobnicate", NULL },                                  /* not in the help */
		{ "-c", NULL },                                           /* no port */
		{ "-c", "sn=X", NULL },                                   /* port not first */
		{ "-c", "port=swd", "mode=UNDER_RESET", NULL },           /* not a help mode */
		{ "-c", "port=swd", "mode=hotplug", NULL },               /* the help's spelling */
		{ "-c", "port=swd", "reset=HARD", NULL },
		{ "-c", "port=swd", "freq=fast", NULL },
		{ "-c", "port=swd", "sn=", NULL },                        /* missing value */
		{ "-c", "port=swd", "colour=1", NULL },                   /* not a -c parameter */
		{ "-c", "port=swd", "-u", "0x08000000", "16", NULL },     /* no file */
		{ "-c", "port=swd", "-r32", "0x08FFF800", NULL },         /* no size */
		{ "-c", "port=swd", "-u", "here", "16", "f.bin", NULL },  /* not an address */
		{ "-c", "port=swd", "-gc", NULL },
		{ "-c", "port=swd", "-sfi", NULL },                       /* no file */
		{ "-c", "port=swd", "-sfi", "a.sfi", "hsm=1", NULL },     /* no slot */
		{ "-c", "port=swd", "-sfi", "a.sfi", "hsm=2", "slot=1", NULL },
		{ "-c", "port=swd", "-sfi", "protocol=live", "a.sfi", "hsm=1", "slot=1", NULL },
		{ "-sfi", "a.sfi", "hsm=1", "slot=1", NULL },             /* no -c */
		{ "-vb", "7", NULL },
		{ "stray", NULL },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *out = NULL;
		int status = spawn_fake(bad[i], &out);
		cr_expect_eq(status, 1, "argv %zu (%s %s): exit %d: %s", i, bad[i][0],
			     bad[i][1] ? bad[i][1] : "", status, out);
		cr_expect(!strncmp(out, "Error: ", 7), "argv %zu: %s", i, out);
		cr_expect(!strstr(out, "HIL_SIM_STATE_DIR"), "argv %zu was refused before the "
			  "boards were looked at: %s", i, out);
		free(out);
	}
}

Test(fake_cli, takes_the_argv_the_help_describes)
{
	static const char *const good[][10] = {
		{ "-c", "port=SWD", "sn=X", "mode=UR", "reset=HWrst", "freq=4000", NULL },
		{ "-c", "port=swd", "mode=HOTPLUG", "-sfi", "protocol=static", "a.sfi", "hsm=1",
		  "slot=1", NULL },
		{ "-c", "port=swd", "-sfi", "a.sfi", "hsm=0", "lic.bin", NULL },
		{ "-c", "port=swd", "index=0", "ap=0", "shared", "-ob", "displ", NULL },
		{ "-c", "port=swd", "-u", "0x08000000", "1024", "f.bin", NULL },
		{ "-c", "port=swd", "-r32", "0x08FFF800", "12", NULL },
		{ "-l", "st-link-only", NULL },
		{ "-l", "stlink", NULL },
		{ "-hsmgetcounter", "slot=1", NULL },
		{ "-c", "port=swd", "-hsmgetlicense", "l.bin", "slot=1", "protocol=static", NULL },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		char *out = NULL;
		spawn_fake(good[i], &out);
		cr_expect(strstr(out, "needs HIL_SIM_STATE_DIR"), "argv %zu (%s %s) was refused: %s",
			  i, good[i][0], good[i][1], out);
		free(out);
	}
}

Test(fake_cli, version_needs_no_boards)
{
	static const char *const args[] = { "--version", NULL };
	char *out = NULL;

	cr_assert_eq(spawn_fake(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "STM32CubeProgrammer version: 2.10.0"), "%s", out);
	free(out);
}

Test(fake_cli, default_connect_settings_per_operation_are_sent_and_echoed)
{
	struct hil_prog_output out;
	char *log = argv_log(), *sent;

	open_rack("");
	run_op(HIL_PROG_IDENTIFY, BL92, NULL, &out);
	cr_assert(strstr(out.transcript, "Connect mode: Under Reset\nReset mode  : Hardware reset\n"),
		  "%s", out.transcript);
	hil_prog_output_clear(&out);
	run_op(HIL_PROG_SFI_INSTALL, BL92, HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi", &out);
	cr_assert(strstr(out.transcript, "Connect mode: Hot Plug\nReset mode  : Software reset\n"),
		  "%s", out.transcript);
	hil_prog_output_clear(&out);
	run_op(HIL_PROG_LIST_PROBES, NULL, NULL, &out);
	hil_prog_output_clear(&out);
	sent = read_text(log);
	cr_assert(strstr(sent, "-c port=swd sn=" BL92 " mode=UR reset=HWrst\n"), "%s", sent);
	cr_assert(strstr(sent, "-c port=swd sn=" BL92 " mode=HOTPLUG -sfi protocol=static "),
		  "the install connects HOTPLUG (AN5054 §3.3.2), without UR's reset: %s", sent);
	cr_assert(strstr(sent, "\n-l st-link-only\n"), "listings do not touch targets: %s", sent);
	free(sent);
	free(log);
}

Test(fake_cli, rack_connect_settings_override_the_defaults)
{
	struct hil_prog_output out;
	char *log = argv_log(), *sent;

	open_rack(", connect: {mode: NORMAL, reset: SWrst, freq_khz: 4000},"
		  " sfi_connect: {reset: Crst}, list: st-link");
	run_op(HIL_PROG_READ_OB, BL92, NULL, &out);
	cr_assert(strstr(out.transcript, "SWD freq    : 4000 KHz\nConnect mode: Normal\n"
			 "Reset mode  : Software reset\n"), "%s", out.transcript);
	hil_prog_output_clear(&out);
	run_op(HIL_PROG_SFI_INSTALL, BL92, HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi", &out);
	cr_assert(strstr(out.transcript, "SWD freq    : 4000 KHz\nConnect mode: Hot Plug\n"
			 "Reset mode  : Core reset\n"), "%s", out.transcript);
	hil_prog_output_clear(&out);
	run_op(HIL_PROG_LIST_PROBES, NULL, NULL, &out);
	hil_prog_output_clear(&out);
	sent = read_text(log);
	cr_assert(strstr(sent, "mode=NORMAL reset=SWrst freq=4000 -ob displ\n"), "%s", sent);
	cr_assert(strstr(sent, "mode=HOTPLUG reset=Crst freq=4000 -sfi "), "%s", sent);
	cr_assert(strstr(sent, "\n-l st-link\n"), "%s", sent);
	free(sent);
	free(log);
}

static bool rack_refused(const char *programmer_extra, const char *needle)
{
	struct hil_diag d = { 0 };
	struct hil_rack *r = NULL;
	char *text = rack_text(programmer_extra), *path = test_write(dir, "bad.yaml", text);
	bool refused = hil_registry_rack_load(&r, path, &d) < 0 && test_diag_has(&d, needle);

	if (!refused)
		cr_log_error("%s: %s", programmer_extra, test_diag_text(&d));
	hil_rack_free(r);
	hil_diag_clear(&d);
	free(path);
	free(text);
	return refused;
}

Test(fake_cli, bad_connect_settings_are_refused_at_their_line_and_column)
{
	cr_expect(rack_refused(", connect: {mode: UNDER_RESET}", "bad.yaml:2:"));
	cr_expect(rack_refused(", connect: {mode: UNDER_RESET}", "UNDER_RESET"));
	cr_expect(rack_refused(", sfi_connect: {reset: HARD}", "HARD"));
	cr_expect(rack_refused(", connect: {freq: 4000}", "freq"));
	cr_expect(rack_refused(", connect: {freq_khz: 1}", "out of range"));
	cr_expect(rack_refused(", freq_khz: 4000, connect: {freq_khz: 8000}", "given twice"));
	cr_expect(rack_refused(", list: uart", "uart"));
}

static void install_bl91(struct hil_prog_output *out, struct hil_transcript *tx)
{
	run_op(HIL_PROG_SFI_INSTALL, BL91, TWO_PARTS, out);
	hil_cubeprog_parse(tx, out->transcript, out->length);
}

Test(fake_cli, coloured_output_parses_as_the_plain)
{
	struct hil_prog_output plain, coloured;
	static struct hil_transcript a, b;

	open_rack("");
	install_bl91(&plain, &a);
	setenv("FAKE_CUBEPROG_COLOR", "1", 1);
	install_bl91(&coloured, &b);
	unsetenv("FAKE_CUBEPROG_COLOR");
	cr_assert(strstr(coloured.transcript, "\x1b[31mError: SECURITY State Fail\n\x1b[39;49m\x1b[0m"),
		  "errors are red, the reset opens the next line");
	cr_assert(strstr(coloured.transcript, "\x1b[36m\x1b[01m"), "the banner is cyan and bold");
	cr_assert_eq(hil_cubeprog_classify(&a, HIL_PROG_SFI_INSTALL, &plain),
		     hil_cubeprog_classify(&b, HIL_PROG_SFI_INSTALL, &coloured));
	cr_assert(a.has_device_id && b.has_device_id && a.device_id == b.device_id);
	cr_assert(a.has_bl_version && b.has_bl_version && a.bl_version == b.bl_version);
	cr_assert_eq(a.error_count, b.error_count);
	for (size_t i = 0; i < a.error_count && i < HIL_TX_MAX_MSGS; i++)
		cr_assert_str_eq(a.errors[i], b.errors[i]);
	cr_assert_eq(a.ob_count, b.ob_count);
	cr_assert_gt(a.ob_count, 0);
	cr_assert_eq(a.parts_started, b.parts_started);
	cr_assert_eq(a.rss_count, b.rss_count);
	hil_prog_output_clear(&plain);
	hil_prog_output_clear(&coloured);
}

/* The seed's failing log, cut as fixtures/transcripts/seed-bl91-rss16
 * cuts it; NULL without ../shared. */
static char *seed_log(void)
{
	const char *shared = test_shared_dir("the seed log");
	char *path = NULL, *text, *a, *b;

	if (!shared)
		return NULL;
	cr_assert(asprintf(&path, "%s/seed/sfi-forum-thread.txt", shared) > 0);
	text = read_text(path);
	free(path);
	a = strstr(text, "./STM32_Programmer_CLI");
	b = a ? strstr(a, "Please, try again") : NULL;
	cr_assert(a && b);
	b[strlen("Please, try again")] = '\0';
	memmove(text, a, strlen(a) + 1);
	return text;
}

Test(fake_cli, a_failing_install_follows_the_seed)
{
	static const char *const order[] = {
		"Requesting Chip Certificate from device", "ldm_LoadModule", "P11 lib initialization",
		"Succeed to get License for Firmware", "Starting Firmware Install operation",
		"Activating security Success", "Succeed to set write mode for SFI",
		"Starting SFI part 1", "Writing license to address", "RSS complete Value = 0x16",
		"Reconnected !", "Error: SECURITY State Fail", "Error: Invalid state after SFI install",
		"Error: RSS internal system error", "Waiting 8s for end of regression",
		"Display OB after Abort", "Install Operation Failure",
	};
	struct hil_prog_output out;
	static struct hil_transcript sim, seed;
	char *real = seed_log();

	if (!real)
		cr_skip_test("no ../shared: the seed log is not here");
	open_rack("");
	install_bl91(&out, &sim);
	hil_cubeprog_parse(&seed, real, strlen(real));
	cr_assert_eq(sim.parts_started, 1, "the seed fails at part 1 of its two");
	cr_assert_eq(seed.parts_started, 1);
	cr_assert(!strstr(out.transcript, "Starting SFI part 2"), "%s", out.transcript);
	cr_assert_eq(sim.rss_count, seed.rss_count);
	cr_assert_eq(sim.rss_complete[0], seed.rss_complete[0]);
	cr_assert_eq(hil_cubeprog_classify(&sim, HIL_PROG_SFI_INSTALL, &out),
		     hil_cubeprog_classify(&seed, HIL_PROG_SFI_INSTALL, NULL));
	for (size_t i = 0; i < 3; i++)
		cr_assert_str_eq(sim.errors[i], seed.errors[i], "error %zu", i);
	const char *p = out.transcript, *q = real;
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
		cr_assert((p = strstr(p, order[i])), "sim: '%s' missing or out of order", order[i]);
		cr_assert((q = strstr(q, order[i])), "seed: '%s' missing or out of order", order[i]);
	}
	hil_prog_output_clear(&out);
	free(real);
}
