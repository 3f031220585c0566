/* The results folder has one writer at a time (journal/campaign_dir.c),
 * through the binary: a resume or a second run into a folder a live run
 * is writing is refused at once, naming the holder, and adds nothing; an
 * --out that is a file or a symlink is refused with exit 2 and never
 * written through; merge refuses the same shard twice. */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir, *rack, *scen;

static void init(void)
{
	test_isolate_locks();
	dir = test_tmpdir();
	rack = test_write(dir, "rack.yaml",
		"rack: lockrack\ntime_scale: 0.05\nprogrammer: {driver: sim}\npower:\n  - {id: p, driver: sim}\n"
		"boards:\n  - {name: b, kind: k, probe: {serial: '01'}, power: {controller: p, pin: 0},"
		" sacrificial: true, sim: " HIL_SOURCE_DIR "/fixtures/boards/h7ab-bl92.yaml}\n");
	scen = test_write(dir, "s.yaml",
		"campaign: lock\nrepeat: 6\nsfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex,"
		" nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
		"  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi,"
		" license: {hsm_slot: 1}}\n");
}

TestSuite(campaign_lock, .init = init, .timeout = 180);

Test(campaign_lock, a_resume_or_a_second_run_into_a_live_folder_is_refused_and_adds_nothing)
{
	char *out = NULL, *output = NULL, *journal = NULL;
	int status;

	cr_assert(asprintf(&out, "%s/live", dir) > 0);
	cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	pid_t live = test_spawn_quiet(run);
	struct stat st;
	for (int i = 0; i < 3000 && !(stat(journal, &st) == 0 && st.st_size > 0); i++)
		usleep(2000);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 3, "%s", output);
	cr_assert(strstr(output, "is busy: held by") && strstr(output, "\"campaign\":\"lock\""),
		  "the holder is named: %s", output);
	free(output);
	cr_assert_eq(test_spawn(run, &output), 3, "%s", output);
	cr_assert(strstr(output, "is busy: held by"), "%s", output);
	free(output);
	cr_assert_eq(waitpid(live, &status, 0), live);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the live run's exit: %d", status);
	cr_assert_eq(test_cases_in(out), 6, "every install once, none added by the refused commands");
	free(journal);
	free(out);
}

Test(campaign_lock, two_resumes_at_once_run_the_missing_installs_once)
{
	char *out = NULL, *output = NULL, *journal = NULL;
	int status, sa, sb;

	cr_assert(asprintf(&out, "%s/killed", dir) > 0);
	cr_assert(asprintf(&journal, "%s/journal.jsonl", out) > 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	pid_t pid = test_spawn_quiet(run);
	for (int i = 0; i < 5000 && test_cases_in(out) < 2; i++)
		usleep(2000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	pid_t a = test_spawn_quiet(resume), b = test_spawn_quiet(resume);
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	cr_assert(WIFEXITED(sa) && WIFEXITED(sb));
	cr_assert(WEXITSTATUS(sa) == 0 || WEXITSTATUS(sb) == 0, "neither resume finished: %d %d",
		  WEXITSTATUS(sa), WEXITSTATUS(sb));
	/* the one that lost the race was refused (3) or found it complete (0) */
	if (test_cases_in(out) < 6) {
		cr_assert_eq(test_spawn(resume, &output), 0, "%s", output);
		free(output);
	}
	cr_assert_eq(test_cases_in(out), 6, "installs duplicated or lost by two resumes");
	free(journal);
	free(out);
}

Test(campaign_lock, an_out_that_is_a_file_or_a_symlink_is_refused_with_exit_2)
{
	char *file = test_write(dir, "not-a-folder", "x"), *link = NULL, *real = NULL, *output = NULL;
	char *victim = NULL, *text = NULL;
	size_t len;

	char *to_file[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", file, scen, NULL };
	cr_assert_eq(test_spawn(to_file, &output), 2, "%s", output);
	cr_assert(strstr(output, "is not a folder"), "%s", output);
	free(output);
	cr_assert(asprintf(&real, "%s/elsewhere", dir) > 0 && asprintf(&link, "%s/link", dir) > 0);
	cr_assert_eq(mkdir(real, 0755), 0);
	victim = test_write(real, "summary.json", "{\"precious\": true}");
	cr_assert_eq(symlink(real, link), 0);
	char *to_link[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", link, scen, NULL };
	cr_assert_eq(test_spawn(to_link, &output), 2, "%s", output);
	cr_assert(strstr(output, "symbolic link"), "%s", output);
	cr_assert_eq(hil_read_file(&text, &len, victim, 1 << 10), 0);
	cr_assert_str_eq(text, "{\"precious\": true}", "written through the link");
	free(text);
	free(output);
	free(victim);
	free(link);
	free(real);
	free(file);
}

Test(campaign_lock, merge_refuses_the_same_shard_twice)
{
	char *s1 = NULL, *merged = NULL, *output = NULL;

	cr_assert(asprintf(&s1, "%s/shard1", dir) > 0 && asprintf(&merged, "%s/merged", dir) > 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--shard", "1/2", "--rack",
			rack, "--out", s1, scen, NULL };
	cr_assert_eq(test_spawn(run, &output), 0, "%s", output);
	free(output);
	char *merge[] = { HIL_BINARY, "merge", s1, s1, "--out", merged, NULL };
	cr_assert_eq(test_spawn(merge, &output), 2, "%s", output);
	cr_assert(strstr(output, "is given twice"), "%s", output);
	cr_assert(access(merged, F_OK) != 0, "a half-merged folder was left");
	free(output);
	/* a copy of the shard under another name: the same installs twice */
	char *copy = NULL;
	cr_assert(asprintf(&copy, "%s/shard1-copy", dir) > 0);
	char *cp[] = { "/bin/cp", "-r", s1, copy, NULL };
	cr_assert_eq(test_spawn(cp, &output), 0, "%s", output);
	free(output);
	char *merge2[] = { HIL_BINARY, "merge", s1, copy, "--out", merged, NULL };
	cr_assert_eq(test_spawn(merge2, &output), 2, "%s", output);
	cr_assert(strstr(output, "already in another folder given"), "%s", output);
	cr_assert(access(merged, F_OK) != 0, "a half-merged folder was left");
	free(copy);
	free(output);
	free(merged);
	free(s1);
}

Test(campaign_lock, a_journal_or_logs_that_is_a_symlink_is_refused_and_never_written_through)
{
	char *out = NULL, *jl = NULL, *logs = NULL, *output = NULL, *text = NULL;
	char *outside = test_write(dir, "outside.jsonl", "{\"type\":\"campaign\"}\n");
	size_t len;

	cr_assert(asprintf(&out, "%s/linked", dir) > 0 && asprintf(&jl, "%s/journal.jsonl", out) > 0);
	cr_assert_eq(mkdir(out, 0755), 0);
	cr_assert_eq(symlink(outside, jl), 0);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 2, "%s", output);
	cr_assert(strstr(output, "a symbolic link"), "%s", output);
	free(output);
	cr_assert_eq(hil_read_file(&text, &len, outside, 1 << 10), 0);
	cr_assert_str_eq(text, "{\"type\":\"campaign\"}\n", "written through the link");
	free(text);
	unlink(jl);
	cr_assert(asprintf(&logs, "%s/logs", out) > 0);
	cr_assert_eq(symlink(dir, logs), 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, scen, NULL };
	cr_assert_eq(test_spawn(run, &output), 2, "%s", output);
	cr_assert(strstr(output, "logs is a symbolic link"), "%s", output);
	free(output);
	free(logs);
	free(outside);
	free(jl);
	free(out);
}

Test(campaign_lock, merge_into_one_of_its_own_sources_is_refused)
{
	char *s1 = NULL, *output = NULL;

	cr_assert(asprintf(&s1, "%s/self", dir) > 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--time-scale", "0", "--rack", rack, "--out",
			s1, scen, NULL };
	cr_assert_eq(test_spawn(run, &output), 0, "%s", output);
	free(output);
	char *merge[] = { HIL_BINARY, "merge", s1, "--out", s1, NULL };
	cr_assert_eq(test_spawn(merge, &output), 2, "%s", output);
	cr_assert(strstr(output, "is also a folder to merge"), "%s", output);
	free(output);
	free(s1);
}

Test(campaign_lock, resume_refuses_a_scenario_that_changed_since_the_campaign_started)
{
	/* run, kill, then the scenario gains an irreversible step: resume refuses */
	char *out = NULL, *output = NULL, *text = NULL;
	size_t len;
	int status;

	cr_assert(asprintf(&out, "%s/edited", dir) > 0);
	char *edited = test_write(dir, "edited.yaml", "");
	cr_assert_eq(hil_read_file(&text, &len, scen, 1 << 16), 0);
	FILE *f = fopen(edited, "w");
	cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0);
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", rack, "--out", out, edited, NULL };
	pid_t pid = test_spawn_quiet(run);
	for (int i = 0; i < 5000 && test_cases_in(out) < 1; i++)
		usleep(2000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	f = fopen(edited, "a");
	cr_assert(f && fputs("  - reset: {}\n    irreversible: true\n", f) >= 0 && fclose(f) == 0);
	size_t before = test_cases_in(out);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	/* the scenario changed since the campaign started: resume refuses it
	 * before the interlock would even look (its hash is recorded) */
	cr_assert_eq(test_spawn(resume, &output), 2, "%s", output);
	cr_assert(strstr(output, "changed since the campaign started"), "%s", output);
	cr_assert_eq(test_cases_in(out), before, "resume ran installs past the interlock");
	free(output);
	free(text);
	free(edited);
	free(out);
}

/* Runs @scenario on @rack_file into @out and kills it after its first
 * install. */
static void run_and_kill(const char *rack_file, const char *scenario, const char *out)
{
	int status;
	char *run[] = { HIL_BINARY, "run", "--quiet", "--rack", (char *)rack_file, "--out", (char *)out,
			(char *)scenario, NULL };
	pid_t pid = test_spawn_quiet(run);

	for (int i = 0; i < 5000 && test_cases_in(out) < 1; i++)
		usleep(2000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

Test(campaign_lock, resume_refuses_a_rack_that_changed_and_says_which)
{
	char *out = NULL, *output = NULL, *text = NULL;
	size_t len;

	cr_assert(asprintf(&out, "%s/rack-edited", dir) > 0);
	cr_assert_eq(hil_read_file(&text, &len, rack, 1 << 16), 0);
	char *mine = test_write(dir, "mine.yaml", text);
	run_and_kill(mine, scen, out);
	FILE *f = fopen(mine, "a");
	cr_assert(f && fputs("# a board moved\n", f) >= 0 && fclose(f) == 0);
	size_t before = test_cases_in(out);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 2, "%s", output);
	cr_assert(strstr(output, "the rack"), "%s", output);
	cr_assert(strstr(output, "changed since the campaign started"), "%s", output);
	cr_assert_eq(test_cases_in(out), before);
	free(output);
	free(mine);
	free(text);
	free(out);
}

Test(campaign_lock, resume_runs_the_interlock_on_an_image_swapped_after_the_start)
{
	/* the scenario and rack are the same; the image behind the same path
	 * now sets RDP level 2: the interlock, run again on resume, refuses */
	char *out = NULL, *output = NULL, *image = NULL, *text = NULL, *rdp2 = NULL;
	size_t len;

	cr_assert(asprintf(&out, "%s/image-swapped", dir) > 0);
	cr_assert(asprintf(&image, "%s/image.sfi", dir) > 0 && asprintf(&rdp2, "%s/rdp2.sfi", dir) > 0);
	cr_assert_eq(hil_read_file(&text, &len, HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi", 1 << 24), 0);
	cr_assert_eq(hil_write_file_atomic(image, text, len), 0);
	free(text);
	char *build[] = { HIL_BINARY, "sfi", "build", "--key", HIL_SOURCE_DIR "/fixtures/keys/test-key.hex",
			  "--nonce", HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex", "--area",
			  "F:0x08000000:" HIL_SOURCE_DIR "/fixtures/images/sbsfu.bin", "--ob-words",
			  "0x1026CCD0,0,0,0,0,0,0,0,0", "-o", rdp2, NULL };
	cr_assert_eq(test_spawn(build, &output), 0, "%s", output);
	free(output);
	char *swap_scen = NULL;
	cr_assert(asprintf(&swap_scen, "campaign: swap\nrepeat: 6\nsfi_key: {key: " HIL_SOURCE_DIR
			   "/fixtures/keys/test-key.hex, nonce: " HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}"
			   "\nsteps:\n  - power: cycle\n  - sfi_install: {image: %s, license: {hsm_slot: 1}}\n",
			   image) > 0);
	char *scenario = test_write(dir, "swap.yaml", swap_scen);
	run_and_kill(rack, scenario, out);
	cr_assert_eq(rename(rdp2, image), 0);
	size_t before = test_cases_in(out);
	char *resume[] = { HIL_BINARY, "resume", out, NULL };
	cr_assert_eq(test_spawn(resume, &output), 2, "%s", output);
	cr_assert(strstr(output, "cannot be undone"), "%s", output);
	cr_assert_eq(test_cases_in(out), before, "resume ran installs past the interlock");
	free(output);
	free(scenario);
	free(swap_scen);
	free(rdp2);
	free(image);
	free(out);
}
