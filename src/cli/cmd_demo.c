/* Scaffolding: replaced by the real subcommand before this issue closes. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "seam demo: not built yet\n");
    return 1;
}
