/*
 * `seam se`: power up one emulated secure element on a store (a file, or memory) and serve it
 * until SIGINT or SIGTERM: to vsmartcard's vpcd, so that pcscd shows it as a card in the
 * "Virtual PCD" reader, or on a Unix/TCP socket for seam's own hosts (`seam apdu --connect`).
 *
 * If the card mutes itself (a detected fault) the command power-cycles it on the same store, as
 * pulling and reinserting a card would, and goes on serving.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "seam/se.h"
#include "seam/serve.h"
#include "seam/store.h"

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: seam se [--store FILE] (--vpcd HOST:PORT | --listen unix:PATH|tcp:HOST:PORT)\n"
        "               [--try-limit N] [--scp-i 70|60] [--max-steps N] [--quiet]\n"
        "\n"
        "Serves one emulated secure element until SIGINT or SIGTERM (then exits 0).\n"
        "\n"
        "  --store FILE     the card's persistent store (created on first use); without it\n"
        "                   the store is in memory and lost at exit\n"
        "  --vpcd HOST:PORT connect to vsmartcard's vpcd (pcscd's \"Virtual PCD\" reader;\n"
        "                   Debian's default is 127.0.0.1:%u) and reconnect whenever it\n"
        "                   restarts\n"
        "  --listen SPEC    serve seam's hosts on a Unix or TCP socket, one at a time\n"
        "                   (e.g. `seam apdu --connect SPEC 00A4040000`)\n"
        "  --try-limit N    failed authentications that block a key set (first\n"
        "                   personalisation only; default %u)\n"
        "  --scp-i 70|60    SCP03 i parameter: 70 pseudo-random card challenge (default),\n"
        "                   60 random challenge (first personalisation only)\n"
        "  --max-steps N    Java Card bytecodes one command may run before the applet is\n"
        "                   stopped with 6F00 and its transaction aborted (default %u)\n"
        "  --quiet          no notice about the well-known test keys\n"
        "\n"
        "A fresh store is personalised with the well-known GlobalPlatform test keys\n"
        "(404142...4F, KVN FF): never use such a card for anything real.\n"
        "Exit status: 0 after a signal, 1 on a corrupt store or a failure, 2 on a usage error.\n",
        (unsigned)SE_VPCD_DEFAULT_PORT, (unsigned)SE_DEFAULT_AUTH_TRY_LIMIT,
        (unsigned)SE_DEFAULT_MAX_STEPS);
}

/* "HOST:PORT", "[V6]:PORT" or "HOST" (the default port). */
static bool parse_host_port(const char *s, char *host, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    const char *close = strrchr(s, ']');
    size_t hl = strlen(s);
    *port = SE_VPCD_DEFAULT_PORT;
    if (colon && (!close || colon > close)) {
        char *end = NULL;
        unsigned long v = strtoul(colon + 1, &end, 10);
        if (colon[1] == 0 || *end != 0 || v == 0 || v > 65535) return false;
        *port = (uint16_t)v;
        hl = (size_t)(colon - s);
    }
    if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
        s++;
        hl -= 2;
    }
    if (hl == 0 || hl >= cap) return false;
    memcpy(host, s, hl);
    host[hl] = 0;
    return true;
}

static int open_card(se **out, const se_config *cfg)
{
    char msg[256] = "";
    seam_err e = se_open(out, cfg, msg, sizeof msg);
    if (e == SEAM_OK) return 0;
    fprintf(stderr, "seam se: cannot power up the secure element: %s%s%s\n", seam_strerror(e),
            msg[0] ? ": " : "", msg);
    if (e == SEAM_E_CORRUPT)
        fprintf(stderr, "seam se: the store is damaged; keep it for inspection and start from a "
                        "new file\n");
    return 1;
}

int cmd_se(int argc, char **argv)
{
    const char *store_path = NULL, *vpcd = NULL, *listen_spec = NULL;
    unsigned long try_limit = 0, max_steps = 0;
    bool quiet = false;
    uint8_t scp_i = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
            store_path = argv[++i];
        } else if (!strcmp(argv[i], "--vpcd") && i + 1 < argc) {
            vpcd = argv[++i];
        } else if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
            listen_spec = argv[++i];
        } else if (!strcmp(argv[i], "--try-limit") && i + 1 < argc) {
            char *end = NULL;
            try_limit = strtoul(argv[++i], &end, 10);
            if (*end || try_limit == 0 || try_limit > 255) {
                fprintf(stderr, "seam se: --try-limit wants a number from 1 to 255\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--scp-i") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "70") || !strcmp(v, "0x70"))
                scp_i = 0x70;
            else if (!strcmp(v, "60") || !strcmp(v, "0x60"))
                scp_i = 0x60;
            else {
                fprintf(stderr, "seam se: --scp-i wants 70 (pseudo-random challenge) or 60\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--max-steps") && i + 1 < argc) {
            char *end = NULL;
            const char *v = argv[++i];
            max_steps = strtoul(v, &end, 10);
            if (*v == '-' || *end || max_steps == 0 || max_steps > UINT32_MAX) {
                fprintf(stderr, "seam se: --max-steps wants a number from 1 to %u\n",
                        (unsigned)UINT32_MAX);
                return 2;
            }
        } else if (!strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else {
            fprintf(stderr, "seam se: unknown argument or missing value: %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!!vpcd == !!listen_spec) {
        fprintf(stderr, "seam se: give exactly one of --vpcd HOST:PORT and --listen SPEC\n");
        usage(stderr);
        return 2;
    }
    char host[256];
    uint16_t port = 0;
    if (vpcd && !parse_host_port(vpcd, host, sizeof host, &port)) {
        fprintf(stderr, "seam se: --vpcd wants HOST:PORT (e.g. 127.0.0.1:%u), not '%s'\n",
                (unsigned)SE_VPCD_DEFAULT_PORT, vpcd);
        return 2;
    }
    if (listen_spec && strncmp(listen_spec, "unix:", 5) && strncmp(listen_spec, "tcp:", 4)) {
        fprintf(stderr, "seam se: --listen wants unix:PATH or tcp:HOST:PORT, not '%s'\n",
                listen_spec);
        return 2;
    }

    store_medium *m = NULL;
    seam_err e = store_path ? store_medium_file(&m, store_path) : store_medium_memory(&m);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam se: cannot use the store %s: %s\n",
                store_path ? store_path : "in memory", seam_strerror(e));
        return 1;
    }
    if (!store_path)
        fprintf(stderr, "seam se: no --store given: the card's store is in memory and is lost "
                        "when this process ends\n");

    se_config cfg = {
        .medium = m, .auth_try_limit = (unsigned)try_limit, .scp_i = scp_i, .quiet = quiet,
        .max_steps = (uint32_t)max_steps};
    se *s = NULL;
    if (open_card(&s, &cfg) != 0) {
        store_medium_free(m);
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (!quiet) {
        if (vpcd)
            fprintf(stderr, "seam se: serving vpcd at %s:%u (pcscd reader \"Virtual PCD\")\n", host,
                    (unsigned)port);
        else
            fprintf(stderr, "seam se: listening on %s\n", listen_spec);
    }
    int rc = 0;
    while (!stop_flag) {
        e = vpcd ? se_serve_vpcd(s, host, port, &stop_flag)
                 : se_serve_listen(s, listen_spec, &stop_flag);
        if (e == SEAM_OK) break;
        if (e != SEAM_E_TORN && e != SEAM_E_FAULT) {
            fprintf(stderr, "seam se: %s\n", seam_strerror(e));
            rc = 1;
            break;
        }
        /* The card went mute: power-cycle it on the same store, as a reader would. */
        fprintf(stderr, "seam se: the card went mute (%s); power-cycling it\n", seam_strerror(e));
        se_close(s);
        s = NULL;
        store_medium_power_cycle(m);
        if (open_card(&s, &cfg) != 0) {
            rc = 1;
            break;
        }
    }
    if (s) se_close(s);
    store_medium_free(m);
    if (rc == 0 && !quiet) fprintf(stderr, "seam se: stopped\n");
    return rc;
}
