/* Scaffolding: replaced by the real subcommand before this issue closes. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_se(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "seam se: not built yet\n");
    return 1;
}
