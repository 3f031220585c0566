/* `sfi-harness transcript` and `explain` with inputs that are not plain
 * log files: directories, FIFOs, devices, and logs larger than any cap. */
#include "support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(transcript_cli, .timeout = 120);

/* A log of over 99 MB: 100 000 filler lines, then a real success log. */
static char *huge_success_log(const char *dir)
{
	char *path = NULL, *tail = NULL;
	FILE *f;
	char filler[1001];

	cr_assert(asprintf(&path, "%s/huge.log", dir) > 0);
	cr_assert(f = fopen(path, "w"));
	memset(filler, 'x', 999);
	filler[999] = '\n';
	filler[1000] = '\0';
	for (int i = 0; i < 100000; i++)
		fputs(filler, f);
	cr_assert(asprintf(&tail, "%s/fixtures/transcripts/sim-bl92-success.log", HIL_SOURCE_DIR) > 0);
	FILE *in = fopen(tail, "r");
	cr_assert(in);
	int c;
	while ((c = fgetc(in)) != EOF)
		fputc(c, f);
	fclose(in);
	cr_assert_eq(fclose(f), 0);
	free(tail);
	return path;
}

/* sfi-harness transcript --json - < @file; returns the exit status. */
static int transcript_stdin(const char *file, char **out)
{
	char *argv[] = { HIL_BINARY, "transcript", "--json", "-", NULL };
	int fd = open(file, O_RDONLY);
	int saved = dup(0), rc;

	cr_assert(fd >= 0 && saved >= 0);
	dup2(fd, 0);
	close(fd);
	rc = test_spawn(argv, out);
	dup2(saved, 0);
	close(saved);
	return rc;
}

Test(transcript_cli, a_99_mb_log_is_read_to_its_end_from_a_file_and_from_stdin)
{
	char *dir = test_tmpdir(), *log = huge_success_log(dir), *out = NULL;
	char *argv[] = { HIL_BINARY, "transcript", "--json", log, NULL };

	cr_assert_eq(test_spawn(argv, &out), 0, "%s", out);
	cr_assert(strstr(out, "\"class\": \"success\""), "a file over 64 MiB: %.300s", out);
	free(out);
	cr_assert_eq(transcript_stdin(log, &out), 0, "%s", out);
	cr_assert(strstr(out, "\"class\": \"success\""), "standard input over 64 MiB: %.300s", out);
	free(out);
	unlink(log);
	free(log);
	free(dir);
}

Test(transcript_cli, a_directory_fifo_or_device_is_refused_with_exit_2)
{
	char *dir = test_tmpdir(), *fifo = NULL, *out = NULL;

	cr_assert(asprintf(&fifo, "%s/fifo", dir) > 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	const char *inputs[] = { dir, fifo, "/dev/zero", "/dev/null" };
	const char *kinds[] = { "a directory", "a FIFO", "a device", "a device" };
	for (size_t i = 0; i < 4; i++) {
		for (int explain = 0; explain < 2; explain++) {
			char *argv[] = { HIL_BINARY, explain ? "explain" : "transcript", (char *)inputs[i],
					 NULL };
			cr_assert_eq(test_spawn(argv, &out), 2, "%s %s: %s", argv[1], inputs[i], out);
			cr_assert(explain || strstr(out, kinds[i]), "%s", out);
			free(out);
		}
	}
	free(fifo);
	free(dir);
}
