/* harness/util/fileutil.c: whole-file reads refuse what is not a regular
 * file and never pass a read error off as a short file; atomic writes
 * never follow or truncate what is already there. */
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

Test(fileutil, an_empty_folder_name_is_an_error_not_a_read_past_the_end)
{
	cr_assert_lt(hil_mkdir_p(""), 0);
	cr_assert(strstr(hil_error_last(), "empty"), "%s", hil_error_last());
}

Test(fileutil, a_directory_fifo_socket_or_device_is_refused_at_once)
{
	char *dir = test_tmpdir();
	char *fifo = NULL, *sock = NULL, *text = NULL;
	size_t len = 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	cr_assert(asprintf(&fifo, "%s/fifo", dir) > 0 && asprintf(&sock, "%s/sock", dir) > 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);

	const char *paths[] = { dir, fifo, sock, "/dev/zero", "/dev/null" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		cr_assert_lt(hil_read_file(&text, &len, paths[i], 1 << 20), 0, "%s was read", paths[i]);
		cr_assert_null(text);
		/* a socket cannot even be opened (ENXIO); the others are seen for what they are */
		if (strcmp(paths[i], sock) != 0)
			cr_assert(strstr(hil_error_last(), "not a regular file"), "%s", hil_error_last());
	}
	close(s);
	free(fifo);
	free(sock);
	free(dir);
}

Test(fileutil, a_file_over_the_limit_is_refused_not_cut)
{
	char *dir = test_tmpdir();
	char *path = test_write(dir, "big", "0123456789");
	char *text = NULL;
	size_t len = 0;

	cr_assert_lt(hil_read_file(&text, &len, path, 9), 0);
	cr_assert(strstr(hil_error_last(), "larger than 9 bytes"), "%s", hil_error_last());
	cr_assert_eq(hil_read_file(&text, &len, path, 10), 0);
	cr_assert_eq(len, 10);
	free(text);
	free(path);
	free(dir);
}

Test(fileutil, an_atomic_write_replaces_a_symlink_instead_of_writing_through_it)
{
	char *dir = test_tmpdir();
	char *target = test_write(dir, "precious", "keep me");
	char *link = NULL, *text = NULL;
	size_t len;

	cr_assert(asprintf(&link, "%s/summary.json", dir) > 0);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(hil_write_file_atomic(link, "{}", 2), 0);
	cr_assert_eq(hil_read_file(&text, &len, target, 100), 0);
	cr_assert_str_eq(text, "keep me", "the link's target was overwritten");
	free(text);
	free(link);
	free(target);
	free(dir);
}
