/* sfi-harness entry point. */
#include "harness/cli/cli.h"

#include <fcntl.h>
#include <unistd.h>

/* Started with stdin, stdout or stderr closed (`<&- >&-`, a daemon), the
 * next file opened would take fd 0, 1 or 2: the journal would receive the
 * progress lines. Each closed one is opened on /dev/null first. */
static void standard_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(3);
}

int main(int argc, char **argv)
{
	standard_fds();
	return hil_cli_main(argc, argv);
}
