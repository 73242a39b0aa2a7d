/*
 * `seam apdu`: send raw command APDUs in hex to a card and print the responses the way
 * pcsc-tools' scriptor does ("> 00 A4 04 00 ..." / "< 6F 10 ... 90 00": the response
 * data, then SW1 SW2), over PC/SC or a socket to
 * `seam se --listen`.
 *
 * Exit status: 0 when every APDU got a response (whatever its status word: a card error is an
 * answer, not a transport failure), 1 on a transport failure, 2 on a usage error or bad hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "seam/se.h"
#include "seam/apdu.h"
#include "seam/transport.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: seam apdu [--reader NAME | --connect unix:PATH|tcp:HOST:PORT | --store FILE]\n"
            "                 [--raw] [--atr] HEX...\n"
            "       seam apdu [...] -        (read one APDU per line from standard input)\n"
            "\n"
            "Sends each command APDU, written in hex (spaces and ':' allowed, so quote it or\n"
            "write it in one word), and prints \"> COMMAND\" and \"< RESPONSE SW1 SW2\".\n"
            "\n"
            "  --reader NAME    a PC/SC reader by its exact name (e.g. \"Virtual PCD 00 00\");\n"
            "                   without --reader and --connect: the first reader with a card\n"
            "  --connect SPEC   a `seam se --listen SPEC` server\n"
            "  --store FILE     an SE in this process on store image FILE (as seam gp --store)\n"
            "  --raw            do not follow 61xx (GET RESPONSE) and 6Cxx (resend with Le)\n"
            "  --atr            print the ATR first (\"ATR: ...\")\n"
            "\n"
            "In standard input, empty lines and lines starting with '#' are skipped.\n"
            "Exit status: 0 when every command was answered (whatever its status word),\n"
            "1 on a transport error, 2 on a usage error or bad hex.\n");
}

static void print_hex(const char *prefix, const uint8_t *p, size_t n)
{
    fputs(prefix, stdout);
    for (size_t i = 0; i < n; i++)
        printf(i ? " %02X" : "%02X", p[i]);
}

/* Sends one APDU given in hex. Returns 0 ok, 1 transport error, 2 bad hex. */
static int send_one(seam_card *c, const char *hex, bool raw, uint8_t *cmd, uint8_t *resp)
{
    size_t len = 0;
    seam_err e = seam_hex_decode(hex, cmd, APDU_MAX_COMMAND, &len);
    if (e != SEAM_OK || len < 4) {
        fprintf(stderr,
                "seam apdu: '%s' is not a command APDU: %s (write CLA INS P1 P2 [Lc data] [Le] "
                "in hex, e.g. 00A4040008A000000151000000)\n",
                hex, e != SEAM_OK ? seam_strerror(e) : "shorter than 4 bytes");
        return 2;
    }
    print_hex("> ", cmd, len);
    putchar('\n');
    fflush(stdout);
    size_t n = 0;
    e = raw ? card_transmit(c, cmd, len, resp, APDU_MAX_RESPONSE, &n)
            : card_transmit_full(c, cmd, len, resp, APDU_MAX_RESPONSE, &n);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam apdu: no response: %s\n", seam_strerror(e));
        return 1;
    }
    print_hex("< ", resp, n);
    putchar('\n');
    fflush(stdout);
    return 0;
}

/* A line of standard input without its newline and surrounding blanks; NULL at EOF. */
static char *next_line(char *buf, size_t cap, bool *too_long)
{
    *too_long = false;
    if (!fgets(buf, (int)cap, stdin)) return NULL;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(stdin)) {
        *too_long = true;
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n') {
        }
    }
    while (n &&
           (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = 0;
    char *s = buf;
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int cmd_apdu(int argc, char **argv)
{
    const char *reader = NULL, *connect = NULL, *store_path = NULL;
    bool raw = false, show_atr = false;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--reader") && i + 1 < argc) {
            reader = argv[++i];
        } else if (!strcmp(argv[i], "--connect") && i + 1 < argc) {
            connect = argv[++i];
        } else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
            store_path = argv[++i];
        } else if (!strcmp(argv[i], "--raw")) {
            raw = true;
        } else if (!strcmp(argv[i], "--atr")) {
            show_atr = true;
        } else if (!strcmp(argv[i], "--")) {
            first = i + 1;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            fprintf(stderr, "seam apdu: unknown option or missing value: %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            first = i;
            break;
        }
    }
    if (!!reader + !!connect + !!store_path > 1) {
        fprintf(stderr, "seam apdu: give one of --reader, --connect and --store\n");
        return 2;
    }
    if (first >= argc && !show_atr) {
        fprintf(stderr, "seam apdu: no APDU given (write them in hex, or '-' to read stdin)\n");
        usage(stderr);
        return 2;
    }
    /* Check all the hex on the command line before touching the card. */
    uint8_t *cmd = malloc(APDU_MAX_COMMAND), *resp = malloc(APDU_MAX_RESPONSE);
    if (!cmd || !resp) {
        free(cmd);
        free(resp);
        fprintf(stderr, "seam apdu: out of memory\n");
        return 1;
    }
    for (int i = first; i < argc; i++) {
        size_t len = 0;
        if (!strcmp(argv[i], "-")) continue;
        seam_err e = seam_hex_decode(argv[i], cmd, APDU_MAX_COMMAND, &len);
        if (e != SEAM_OK || len < 4) {
            fprintf(stderr,
                    "seam apdu: '%s' is not a command APDU: %s (write CLA INS P1 P2 "
                    "[Lc data] [Le] in hex, e.g. 00A4040008A000000151000000)\n",
                    argv[i], e != SEAM_OK ? seam_strerror(e) : "shorter than 4 bytes");
            free(cmd);
            free(resp);
            return 2;
        }
    }
    seam_card *c = NULL;
    store_medium *medium = NULL;
    se *card = NULL;
    seam_err e;
    if (store_path) {
        char msg[300] = "";
        se_config cfg = {.quiet = false};
        e = store_medium_file(&medium, store_path);
        if (e == SEAM_OK) {
            cfg.medium = medium;
            e = se_open(&card, &cfg, msg, sizeof msg);
        }
        if (e == SEAM_OK) {
            seam_card_fns fns = se_card_fns(card);
            e = card_open_fns(&c, &fns);
        }
        if (e != SEAM_OK) {
            fprintf(stderr, "seam apdu: cannot power up the SE on %s: %s%s%s\n", store_path,
                    seam_strerror(e), *msg ? ": " : "", msg);
            if (card) se_close(card);
            if (medium) store_medium_free(medium);
            free(cmd);
            free(resp);
            return 1;
        }
    } else {
        e = connect ? card_open_socket(&c, connect) : card_open_pcsc(&c, reader);
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam apdu: cannot reach the card%s%s: %s\n",
                connect  ? " at "
                : reader ? " in reader "
                         : "",
                connect  ? connect
                : reader ? reader
                         : "",
                seam_strerror(e));
        free(cmd);
        free(resp);
        return 1;
    }
    int rc = 0;
    if (show_atr) {
        uint8_t atr[64];
        size_t n = 0;
        if (card_atr(c, atr, sizeof atr, &n) == SEAM_OK) {
            print_hex("ATR: ", atr, n);
            putchar('\n');
        }
    }
    for (int i = first; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "-") != 0) {
            rc = send_one(c, argv[i], raw, cmd, resp);
            continue;
        }
        static char line[2 * APDU_MAX_COMMAND + 1024];
        char *s;
        bool too_long;
        while (rc == 0 && (s = next_line(line, sizeof line, &too_long)) != NULL) {
            if (too_long) {
                fprintf(stderr, "seam apdu: input line too long for one APDU\n");
                rc = 2;
            } else if (*s && *s != '#') {
                rc = send_one(c, s, raw, cmd, resp);
            }
        }
    }
    card_close(c);
    if (card) se_close(card);
    if (medium) store_medium_free(medium);
    free(cmd);
    free(resp);
    return rc;
}
