/* HSM draws apart from the install (issue 17, item 8): a licence is drawn
 * under the HSM lock with -hsmgetlicense and the install then runs with
 * `-sfi ... hsm=0 FILE`, outside the lock; a licence drawn before the
 * harness died is reused by resume on the same chip; the guard says what
 * to configure when the counter's (unverified) text cannot be read. */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir;

static void init(void)
{
	dir = test_tmpdir();
	test_isolate_locks();
}

TestSuite(hsm_draws, .init = init, .timeout = 120);

#define BOARD_92 HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml"
#define FAKE_CLI "{driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 60}"

static char *rack(const char *name, const char *programmer, const char *top, const char *scale)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "rack: hsm\ntime_scale: %s\n%sprogrammer: %s\nprobe: {driver: sim}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - {name: b0, kind: custom-H7B3, probe: {serial: '0A0A'}, "
			   "power: {controller: relay0, pin: 0}, identity: {device_id: 0x480}, "
			   "sacrificial: true, sim: " BOARD_92 "}\n", scale, top, programmer) > 0);
	path = test_write(dir, name, text);
	free(text);
	return path;
}

static char *scenario(unsigned repeat)
{
	char *text = NULL, *path;

	cr_assert(asprintf(&text, "campaign: hsm\nrepeat: %u\nroot: %s\n"
			   "sfi_key: {key: %s/fixtures/keys/test-key.hex, nonce: %s/fixtures/keys/test-nonce.hex}\n"
			   "steps:\n"
			   "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, license: {hsm_slot: 1}}\n",
			   repeat, HIL_SOURCE_DIR, HIL_SOURCE_DIR, HIL_SOURCE_DIR, HIL_SOURCE_DIR) > 0);
	path = test_write(dir, "scenario.yaml", text);
	free(text);
	return path;
}

static char *out_dir(const char *name)
{
	char *out = NULL;

	cr_assert(asprintf(&out, "%s/%s", dir, name) > 0);
	return out;
}

/* Files under @root (recursively) whose name ends in @suffix. */
static unsigned count_files(const char *root, const char *suffix)
{
	DIR *d = opendir(root);
	struct dirent *e;
	unsigned n = 0;

	while (d && (e = readdir(d))) {
		char *path = NULL;
		struct stat st;
		size_t len = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.')
			continue;
		cr_assert(asprintf(&path, "%s/%s", root, e->d_name) > 0);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_files(path, suffix);
		else if (len >= sl && !strcmp(e->d_name + len - sl, suffix))
			n++;
		free(path);
	}
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;

	cr_assert_not_null(f, "%s", path);
	FILE *m = open_memstream(&text, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return text;
}

Test(hsm_draws, each_install_draws_its_licence_first_and_installs_with_the_file)
{
	char *r = rack("rack.yaml", FAKE_CLI, "", "0"), *s = scenario(2), *out = out_dir("run");
	char *argv[] = { HIL_BINARY, "run", s, "--rack", r, "--out", out, "--quiet", NULL };
	json_t *summary = NULL;

	cr_assert_eq(test_run_summary(argv, out, &summary, NULL), 0);
	cr_assert_eq(json_integer_value(json_object_get(summary, "hsm_draws")), 2, "one per install");
	/* the draw has its own log; the install was given the file, not the HSM */
	char *draw_log = NULL, *install_log = NULL;
	cr_assert(asprintf(&draw_log, "%s/logs/b0/install_run_01/01-sfi_install.license.log", out) > 0);
	cr_assert(asprintf(&install_log, "%s/logs/b0/install_run_01/01-sfi_install.log", out) > 0);
	char *draw = slurp(draw_log), *install = slurp(install_log);
	cr_assert(strstr(draw, "Succeed to get License for Firmware from HSM slot ID 1"), "%s", draw);
	cr_assert(strstr(install, "SFI license file"), "the install was not given a licence file:\n%s",
		  install);
	cr_assert_null(strstr(install, "SFI HSM slot ID"), "the install talked to the HSM:\n%s", install);
	cr_assert(strstr(install, "SFI Process Finished!"), "%s", install);
	/* no licence stays in the results folder once the install is recorded */
	cr_assert_eq(count_files(out, ".license"), 0);
	free(draw);
	free(install);
	free(draw_log);
	free(install_log);
	json_decref(summary);
	free(r);
	free(s);
	free(out);
}

/* Waits (bounded) until the stand-in hangs in -sfi: FAKE_CUBEPROG_PIDFILE. */
static void wait_for_file(const char *path)
{
	struct stat st;

	for (int i = 0; i < 6000 && stat(path, &st) != 0; i++)
		usleep(10000);
	cr_assert_eq(stat(path, &st), 0, "%s never appeared", path);
}

Test(hsm_draws, a_licence_drawn_before_the_harness_died_is_reused_on_resume)
{
	char *pidfile = NULL, *r = rack("rack.yaml", FAKE_CLI, "", "1"), *s = scenario(1);
	char *out = out_dir("killed");
	int status;

	cr_assert(asprintf(&pidfile, "%s/tool.pids", dir) > 0);
	setenv("FAKE_CUBEPROG_FAULT", "hang", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "sfi", 1);
	setenv("FAKE_CUBEPROG_PIDFILE", pidfile, 1);
	char *argv[] = { HIL_BINARY, "run", "--quiet", "--rack", r, "--out", out, s, NULL };
	pid_t harness = test_spawn_quiet(argv);
	wait_for_file(pidfile); /* the licence is drawn, the install hangs */
	kill(harness, SIGKILL);
	cr_assert_eq(waitpid(harness, &status, 0), harness);
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
	unsetenv("FAKE_CUBEPROG_PIDFILE");
	long tool = 0, helper = 0;
	FILE *f = fopen(pidfile, "r");
	if (f && fscanf(f, "%ld %ld", &tool, &helper) == 2) {
		kill((pid_t)tool, SIGKILL);
		kill((pid_t)helper, SIGKILL);
	}
	if (f)
		fclose(f);
	cr_assert_eq(count_files(out, ".license"), 1, "the drawn licence waits for the install");

	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	char *output = NULL;
	int code = test_spawn(resume, &output);
	cr_assert_eq(code, 0, "%s", output);
	char *sum_path = NULL, *text;
	cr_assert(asprintf(&sum_path, "%s/summary.json", out) > 0);
	text = slurp(sum_path);
	json_t *summary = json_loads(text, 0, NULL);
	cr_assert_not_null(summary);
	cr_assert_eq(json_integer_value(json_object_get(summary, "hsm_draws")), 1,
		     "resume drew a second licence for the same chip and install");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(summary, "totals"), "pass")), 1);
	cr_assert_eq(count_files(out, ".license"), 0);
	json_decref(summary);
	free(text);
	free(sum_path);
	free(output);
	free(pidfile);
	free(r);
	free(s);
	free(out);
}

Test(hsm_draws, an_unreadable_counter_says_what_to_configure_and_the_rack_may_accept_it)
{
	char *s = scenario(1), *out = out_dir("refused"), *output = NULL;
	char *r = rack("rack.yaml", FAKE_CLI, "", "0");
	char *argv[] = { HIL_BINARY, "run", s, "--rack", r, "--out", out, "--quiet", NULL };

	/* a counter answer the parser does not know */
	setenv("FAKE_CUBEPROG_FAULT", "garbage", 1);
	setenv("FAKE_CUBEPROG_FAULT_OP", "hsm", 1);
	cr_assert_eq(test_spawn(argv, &output), 2, "%s", output);
	cr_assert(strstr(output, "unverified"), "%s", output);
	cr_assert(strstr(output, "hsm: {unreadable_counter: accept}"), "%s", output);
	free(output);

	char *accepting = rack("accept.yaml", FAKE_CLI, "hsm: {unreadable_counter: accept}\n", "0");
	char *out2 = out_dir("accepted");
	char *argv2[] = { HIL_BINARY, "run", s, "--rack", accepting, "--out", out2, "--quiet", NULL };
	json_t *summary = NULL;
	cr_assert_eq(test_run_summary(argv2, out2, &summary, &output), 0, "%s", output);
	cr_assert(strstr(output, "runs without the budget check"), "%s", output);
	cr_assert_eq(json_integer_value(json_object_get(summary, "hsm_draws")), 1);
	unsetenv("FAKE_CUBEPROG_FAULT");
	unsetenv("FAKE_CUBEPROG_FAULT_OP");
	json_decref(summary);
	free(output);
	free(accepting);
	free(out2);
	free(r);
	free(s);
	free(out);
}
