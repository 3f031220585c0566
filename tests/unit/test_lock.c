/* harness/util/lock.c: board locks that cannot be turned against their
 * users: planted links are refused and their targets left whole, the
 * folder and files are shared by every user of the host, and a simulated
 * board's lock is scoped to its simulated world. */
#include "harness/util/error.h"
#include "harness/util/lock.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

Test(lock, a_planted_symlink_is_refused_and_its_target_left_whole)
{
	char *dir = test_tmpdir(), *target = test_write(dir, "precious", "keep me"), *link = NULL;
	struct hil_lock *l = NULL;
	struct stat st;

	cr_assert(asprintf(&link, "%s/SN1.lock", dir) > 0);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_lt(hil_lock_board(&l, dir, "SN1", 0, "c"), 0);
	cr_assert(strstr(hil_error_last(), "symbolic link"), "%s", hil_error_last());
	cr_assert_eq(stat(target, &st), 0);
	cr_assert_eq(st.st_size, 7, "the link's target was truncated");
	free(link);
	free(target);
	free(dir);
}

Test(lock, a_hard_link_in_the_lock_folder_is_refused)
{
	char *dir = test_tmpdir(), *target = test_write(dir, "other", "x"), *hard = NULL;
	struct hil_lock *l = NULL;

	cr_assert(asprintf(&hard, "%s/SN2.lock", dir) > 0);
	cr_assert_eq(link(target, hard), 0);
	cr_assert_lt(hil_lock_board(&l, dir, "SN2", 0, "c"), 0);
	cr_assert(strstr(hil_error_last(), "not a plain file"), "%s", hil_error_last());
	free(hard);
	free(target);
	free(dir);
}

Test(lock, the_folder_and_files_it_creates_are_shared_by_every_user)
{
	char *dir = test_tmpdir(), *locks = NULL, *file = NULL;
	struct hil_lock *l = NULL;
	struct stat st;
	mode_t old = umask(022);

	cr_assert(asprintf(&locks, "%s/locks", dir) > 0 && asprintf(&file, "%s/SN3.lock", locks) > 0);
	cr_assert_eq(hil_lock_board(&l, locks, "SN3", 0, "c"), 0, "%s", hil_error_last());
	umask(old);
	cr_assert_eq(stat(locks, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 01777, "folder mode %o", st.st_mode & 07777);
	cr_assert_eq(stat(file, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0666, "file mode %o", st.st_mode & 0777);
	hil_lock_release(l);
	cr_assert_eq(stat(file, &st), 0, "the lock file stays (it is never replaced)");
	free(file);
	free(locks);
	free(dir);
}

Test(lock, a_simulated_board_s_lock_is_scoped_to_its_world)
{
	char a[128], b[128], real[128];

	hil_lock_name(a, sizeof(a), "SN4", "/results/one/sim-state");
	hil_lock_name(b, sizeof(b), "SN4", "/results/two/sim-state");
	hil_lock_name(real, sizeof(real), "SN4", NULL);
	cr_assert_str_eq(real, "SN4");
	cr_assert_str_neq(a, b);
	cr_assert(!strncmp(a, "sim-SN4-", 8), "%s", a);
}

Test(lock, a_simulated_world_s_lock_is_removed_on_release_and_still_excludes)
{
	char *dir = test_tmpdir(), name[96], *path = NULL, *marker = NULL;
	struct hil_lock *l = NULL;

	hil_lock_name(name, sizeof(name), "SN9", "/some/world");
	cr_assert(asprintf(&path, "%s/%s.lock", dir, name) > 0);
	cr_assert_eq(hil_lock_board(&l, dir, name, 0, "c"), 0);
	cr_assert_eq(access(path, F_OK), 0);
	hil_lock_release(l);
	/* each campaign's simulated boards have their own lock names: kept,
	 * they would fill the shared lock folder */
	cr_assert_neq(access(path, F_OK), 0, "a scoped lock file was left behind");
	/* a real board's lock file stays (its name is the probe's serial) */
	cr_assert_eq(hil_lock_board(&l, dir, "SN9", 0, "c"), 0);
	hil_lock_release(l);
	char *real = NULL;
	cr_assert(asprintf(&real, "%s/SN9.lock", dir) > 0);
	cr_assert_eq(access(real, F_OK), 0);
	free(real);
	/* removal on release never lets two holders in: 4 processes x 200
	 * rounds, each inside the lock creates a marker with O_EXCL */
	cr_assert(asprintf(&marker, "%s/inside", dir) > 0);
	pid_t kids[4];
	for (int k = 0; k < 4; k++) {
		if ((kids[k] = fork()) == 0) {
			for (int round = 0; round < 200; round++) {
				struct hil_lock *mine = NULL;
				if (hil_lock_board(&mine, dir, name, 30, "c") < 0)
					_exit(2);
				int fd = open(marker, O_CREAT | O_EXCL | O_WRONLY, 0600);
				if (fd < 0)
					_exit(1); /* someone else is inside */
				close(fd);
				unlink(marker);
				hil_lock_release(mine);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 4; k++) {
		int status;
		waitpid(kids[k], &status, 0);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: two holders at once "
			  "(status %d)", k, status);
	}
	free(marker);
	free(path);
	free(dir);
}
