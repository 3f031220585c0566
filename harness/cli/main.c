/* sfi-harness entry point. */
#include "harness/cli/cli.h"

int main(int argc, char **argv)
{
	return hil_cli_main(argc, argv);
}
