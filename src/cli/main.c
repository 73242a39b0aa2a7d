/*
 * seam: one binary, one subcommand per job (DESIGN.md §3). This file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"se", cmd_se, "serve an emulated secure element (vpcd or socket)"},
    {"gp", cmd_gp, "GlobalPlatform card management (info, list, put-key)"},
    {"apdu", cmd_apdu, "send raw APDUs in hex and print the responses"},
    {"demo", cmd_demo, "a scripted session against an in-process secure element"},
    {"jc", cmd_jc, "Java Card: compile and convert applets into load files (.jcl)"},
    {"pki", cmd_pki, "certificate authority: root, issuing, organisation, device certificates"},
    {"trust", cmd_trust, "trust anchors and quorum-signed commands (CMS, k of n roots)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: seam COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-6s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'seam COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "seam: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
