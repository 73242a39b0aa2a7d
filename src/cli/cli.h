/* The `seam` command's subcommands. Each returns the process exit status: 0 ok, 1 failure,
 * 2 usage error (with a message on stderr saying what was wrong and what to do). */
#ifndef SEAM_CLI_H
#define SEAM_CLI_H

#include <stdbool.h>
#include <stdio.h>

int cmd_se(int argc, char **argv);   /* serve one SE over vpcd or a socket */
int cmd_gp(int argc, char **argv);   /* GlobalPlatform card management */
int cmd_apdu(int argc, char **argv); /* send raw APDUs */
int cmd_demo(int argc, char **argv); /* the scripted demonstration */
int cmd_jc(int argc, char **argv);   /* Java Card: build and convert load files */
int cmd_pki(int argc, char **argv);  /* certificate authority (docs/pki.md) */
int cmd_trust(int argc, char **argv); /* trust anchors, quorum-signed commands (docs/trust.md) */

/* `seam gp dap-sign | token | verify-receipt` (src/cli/cmd_gp_sig.c), offline: cmd_gp calls it
 * first with its own argc/argv (argv[0] "gp"); *handled tells whether argv named one of them,
 * and then the return value is the exit status. */
int cmd_gp_offline(int argc, char **argv, bool *handled);
void cmd_gp_offline_usage(FILE *f);

#endif
