/*
 * `seam gp`: GlobalPlatform card management from the command line, in the manner of
 * GlobalPlatformPro's `gp`: card information, the registry listing, card content management
 * (load, install, delete of seam load files: GP CS 2.3.1 §11.5, §11.6, §11.2), PUT KEY /
 * DELETE KEY and the card life cycle (GP CS 2.3.1 §11), over SCP03 (Amendment D) or SCP11a/b/c
 * (Amendment F) with the host library (include/seam/gpclient.h), and SCP11c off-line scripts
 * (`seam gp script`) that `seam apdu -` replays later. Security domains (GP CS 2.3.1 §7):
 * `--sd AID` runs any command in that SD's own session; create-sd, put-key --to (INSTALL [for
 * personalization] + PUT KEY through the session's SD), extradite, lock/unlock/set-state of an
 * application or SD (§11.5, §11.8, §11.10). Signed code and delegated management (Appendix
 * C): --dap/--dap-key put DAP blocks before C4 in LOAD with the hash in INSTALL [for load],
 * --token/--token-key put a token on every INSTALL and DELETE, --receipt-key checks the
 * receipts (docs/providers.md). `send` talks to an applet over its own SCP03 channel (the
 * applet forwards the handshake to its SD). The offline commands (dap-sign, token,
 * verify-receipt) are cmd_gp_offline's (src/cli/cmd_gp_sig.c), tried first.
 *
 * The card is reached in process (--store FILE: the SE runs inside this process on that
 * image), over a socket to `seam se --listen` (--connect), or through PC/SC (--reader, or the
 * first reader with a card when no transport is named).
 *
 * Invariants: key bytes from the command line or key files (--keys, --new-keys, --token-key,
 * --dap-key, --receipt-key) are held in gp_keys or content_args and wiped before exit on every
 * path; the OCE private key read from its file is wiped
 * likewise; nothing prints them. An SCP11 session is opened only with an SD certificate that
 * seam's X.509 checker accepted against the --ca certificate (keyAgreement only, validity
 * against this host's clock). Exit status: 0 done, 1 the card or the transport failed, 2 usage
 * error — each with a message saying what was wrong and what to do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "seam/apdu.h"
#include "seam/jcl.h"
#include "seam/gpclient.h"
#include "seam/gpsig.h"
#include "seam/keyfile.h"
#include "seam/scp11.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/x509.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static void usage(FILE *f)
{
    fprintf(
        f, "usage: seam gp [CARD] [KEYS] [OPTIONS] COMMAND [ARGS]\n"
           "\n"
           "GlobalPlatform card management over SCP03.\n"
           "\n"
           "card (one of; default: the first PC/SC reader with a card):\n"
           "  --store FILE          run the secure element in this process on store image FILE\n"
           "                        (created and personalised with the test keys if absent)\n"
           "  --connect SPEC        a `seam se --listen` server: unix:PATH or tcp:HOST:PORT\n"
           "  --reader NAME         a PC/SC reader by its exact name\n"
           "\n"
           "keys (default: the well-known test key 404142434445464748494A4B4C4D4E4F):\n"
           "  --key HEX             one AES key (16, 24 or 32 bytes) used as ENC, MAC and DEK\n"
           "  --key-enc HEX --key-mac HEX --key-dek HEX   three distinct keys\n"
           "  --keys FILE           the key set in a file: one AES key in hex, or the lines\n"
           "                        enc HEX, mac HEX, dek HEX ('#' starts a comment)\n"
           "  --kvn N               key version number to authenticate with (0 = any; default 0)\n"
           "\n"
           "SCP11 (GP Amendment F) instead of SCP03 (--kvn is then the SD key pair's KVN):\n"
           "  --scp11b --ca FILE (--sd-cert FILE | --sd-cert-from-card)\n"
           "                        card authentication: PK.SD.ECKA from the SD's certificate\n"
           "                        (read with GET DATA BF21, or from FILE, or both: the file\n"
           "                        when the card has none), checked against the CA in FILE\n"
           "  --scp11a | --scp11c   mutual authentication; also --oce-key FILE (PEM private key)\n"
           "                        --oce-cert FILE [--oce-cert FILE]... (the chain from the one\n"
           "                        CA-KLOC issued to CERT.OCE.ECKA; a file may hold several)\n"
           "                        --ca-kvn N (KVN of PK.CA-KLOC on the card, default 1)\n"
           "  --kid N               KID of the SD key pair (default 11, 13, 15 per variant)\n"
           "  certificates are PEM or DER; keys PEM (PKCS#8 or EC PRIVATE KEY)\n"
           "\n"
           "options:\n"
           "  --sec LEVEL           security level: 0x01 C-MAC, 0x03 +C-DEC, 0x13 +R-MAC,\n"
           "                        0x33 +R-ENC (default 0x33)\n"
           "  --s16                 use 16-byte challenges, cryptograms and MACs (S16 mode)\n"
           "  --channel N           work on logical channel N (1..19; opened with MANAGE CHANNEL)\n"
           "  --sd AID              talk to this security domain instead of the ISD: SELECT it\n"
           "                        and authenticate with its keys (every command)\n"
           "  -v, --verbose         print every APDU: plain and as wrapped on the wire\n"
           "  -h, --help            this text\n"
           "\n"
           "commands:\n"
           "  info                  ATR, CPLC, card recognition data, key information, IIN, CIN\n"
           "                        (no authentication)\n"
           "  list                  authenticate and list the ISD, applications, security\n"
           "                        domains and load files (with their modules)\n"
           "  load FILE.jcl [--to AID] [--block N]\n"
           "                        INSTALL [for load] and LOAD of a seam load file, associated\n"
           "                        with security domain AID (default: the one of the session,\n"
           "                        --sd or the ISD), in LOAD blocks of N\n"
           "                        bytes (default: the largest that fits a short APDU, or\n"
           "                        extended-length LOADs when 256 short ones do not carry it)\n"
           "  install FILE.jcl [--to AID] [--applet AID] [--create AID] [--params HEX]\n"
           "          [--privs LIST]\n"
           "                        load, then INSTALL [for install and make selectable] of each\n"
           "                        applet of the file (or only --applet) as instance --create\n"
           "                        (default: the applet's AID), with privileges --privs (1 or\n"
           "                        3 bytes in hex or names as for create-sd, default 00) and\n"
           "                        install parameters C9 --params\n"
           "  delete AID [--deps]   DELETE an application or load file; --deps deletes a load\n"
           "                        file together with its applications\n"
           "  put-key --new-kvn N (--new-keys FILE | --new-key HEX |\n"
           "          --new-enc HEX --new-mac HEX --new-dek HEX) [--replace KVN] [--to SD_AID]\n"
           "                        add an AES key set (or replace the set KVN); with --to, to\n"
           "                        that security domain through this one: INSTALL [for\n"
           "                        personalization] then PUT KEY (a new SSD's first keys)\n"
           "  create-sd AID [--privs LIST] [--params HEX]\n"
           "                        INSTALL [for install and make selectable] of a security\n"
           "                        domain from load file A0000001515350, module\n"
           "                        A000000151535041; LIST: hex (1 or 3 bytes) or names joined\n"
           "                        by commas: security-domain (always implied),\n"
           "                        dap-verification, delegated-management, card-lock,\n"
           "                        card-terminate, card-reset, cvm-management, mandated-dap,\n"
           "                        trusted-path, authorized-management, token-verification,\n"
           "                        global-delete, global-lock, global-registry,\n"
           "                        final-application, receipt-generation\n"
           "  extradite AID --to SD_AID\n"
           "                        INSTALL [for extradition]: associate an application or load\n"
           "                        file with another security domain\n"
           "  lock AID | unlock AID [--deps]\n"
           "                        SET STATUS of an application or security domain (--deps: an\n"
           "                        SD together with its applications)\n"
           "  set-state AID STATE   SET STATUS of an application or SD: SELECTABLE,\n"
           "                        PERSONALIZED, LOCKED, UNLOCKED or one byte in hex\n"
           "  send APDU... [--applet AID]\n"
           "                        SELECT the applet AID (default: --sd or the ISD), open\n"
           "                        SCP03 with the keys given (an applet forwards it to its SD)\n"
           "                        and send each plain APDU (hex) wrapped at --sec; prints the\n"
           "                        plain answers\n"
           "  signed code and delegated management (load, install, extradite, delete):\n"
           "    --dap FILE          DAP blocks from `seam gp dap-sign` output, sent before C4\n"
           "    --dap-key KEY [--dap-sd AID]  sign the DAP block here (EC PEM or AES key file)\n"
           "    --token-key KEY [--token-id HEX]  sign a token for each INSTALL/DELETE here\n"
           "                        (bound to the SD of --sd, which executes the command)\n"
           "    --token FILE        tokens made offline by `seam gp token --sd AID`, one a line\n"
           "    --receipt-key KEY   verify the card's receipts (AES key file)\n"
           "  delete-key --del-kvn N    delete a key set\n"
           "  lock-card | unlock-card | terminate   card life cycle: CARD_LOCKED, back to\n"
           "                        SECURED, TERMINATED (irreversible; lock and unlock without\n"
           "                        an AID are lock-card and unlock-card)\n"
           "  set-status STATE      card life cycle: INITIALIZED, SECURED, CARD_LOCKED,\n"
           "                        TERMINATED or a hex value\n"
           "  put-key --new-kid KID --new-kvn N (--ec-key FILE | --ec-pub FILE) [--replace KVN]\n"
           "                        an Amendment F ECC key: an SD key pair (KID 11, 13, 15) from\n"
           "                        a PEM private key, or PK.CA-KLOC (KID 10) from the leaf of a\n"
           "                        certificate file (or the public half of a private key)\n"
           "  put-key --new-kid KID --new-kvn N --new-keys FILE\n"
           "                        one AES key (the receipt key KVN 71, a symmetric DAP key)\n"
           "  store-cert FILE --new-kid KID --new-kvn N\n"
           "                        STORE DATA of the certificate chain of key KID/N (BF21)\n"
           "  generate-key PUBFILE --new-kid KID --new-kvn N [--replace KVN]\n"
           "                        the card draws an SD key pair (KID 11, 13, 15); its public\n"
           "                        key is written to PUBFILE in hex, for `seam pki device\n"
           "                        --pubkey PUBFILE`; the private key never leaves the card\n"
           "  script -o OUT --scp11c ... COMMAND [ARGS]\n"
           "                        no card: precompute an SCP11c session (--sd-cert, --ca,\n"
           "                        --oce-key, --oce-cert, --kvn) and write COMMAND (put-key,\n"
           "                        load, install, delete, delete-key, set-status, ...) as a\n"
           "                        script of APDUs for `seam apdu - < OUT > LOG`\n"
           "  script-check OUT LOG  compare the card's answers in LOG with the script's\n"
           "\n"
           "offline commands (no card; src/cli/cmd_gp_sig.c):\n");
    cmd_gp_offline_usage(f);
    fprintf(f,
            "\n"
            "examples:\n"
            "  seam gp --store card.img info\n"
            "  seam gp --store card.img list\n"
            "  seam gp --store card.img install build/applets/echo.jcl\n"
            "  seam gp --store card.img delete F07365616D01 --deps\n"
            "  seam gp --store card.img put-key --new-kvn 0x30 --new-key "
            "00112233445566778899AABBCCDDEEFF\n"
            "  seam gp --store card.img --kvn 0x30 --key 00112233445566778899AABBCCDDEEFF list\n"
            "  seam gp --store card.img create-sd A000000151535001 --privs authorized-management\n"
            "  seam gp --store card.img put-key --to A000000151535001 --new-kvn 0x30 \\\n"
            "      --new-keys sd1.keys\n"
            "  seam gp --store card.img --sd A000000151535001 --keys sd1.keys list\n"
            "  seam gp --store card.img --sd A000000151535001 --keys sd1.keys install \\\n"
            "      provider.jcl --dap provider.dap\n"
            "  seam gp --store card.img --keys sd1.keys send --applet F070726F760101 80B2000000\n"
            "  seam gp --store card.img --scp11b --kvn 1 --sd-cert-from-card --ca ca.pem list\n"
            "  seam gp script -o put.apdu --scp11c --kvn 3 --sd-cert sd.pem --ca ca.pem \\\n"
            "      --oce-key oce.key --oce-cert oce.pem put-key --new-kvn 0x31 --new-key HEX\n");
}

#define GP_SEND_MAX 64 /* APDUs one `send` takes */

typedef struct {
    const char *store, *connect, *reader;
    const char *key, *key_enc, *key_mac, *key_dek;
    const char *new_key, *new_enc, *new_mac, *new_dek;
    const char *sd;                               /* --sd: the security domain to talk to */
    const char *to;                               /* --to: the SD a command names */
    const char *keys_file, *new_keys_file;        /* --keys, --new-keys */
    const char *applet, *create, *params, *privs; /* install, create-sd */
    long kvn, new_kvn, replace, del_kvn;
    long sec, channel, block;
    bool s16, verbose, deps;
    /* signed code and delegated management (GP CS 2.3.1 Appendix C) */
    const char *dap_file, *dap_key, *dap_sd;            /* load/install */
    const char *token_file, *token_key, *token_id;      /* load/install/extradite/delete */
    const char *receipt_key;
    const char *rest[GP_SEND_MAX]; /* send: the APDUs */
    size_t n_rest;
    const char *command;
    const char *arg;  /* set-status STATE, load/install FILE, delete AID */
    const char *arg2; /* script COMMAND ARG, script-check SCRIPT LOG, set-state AID STATE */
    /* SCP11 */
    uint8_t scp11; /* 0, or 'a', 'b', 'c' */
    bool sd_cert_from_card;
    const char *sd_cert, *ca, *oce_key, *output, *ec_key, *ec_pub;
    const char *oce_cert[GP_SCP11_MAX_CHAIN];
    size_t n_oce_cert;
    long kid, ca_kvn, new_kid;
} gp_opts;

/* Parses "N" or "0xN" in [lo, hi]; -1 if not. */
static long parse_num(const char *s, long lo, long hi)
{
    if (!s || !*s) return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 0);
    if (errno || *end || v < lo || v > hi) return -1;
    return v;
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "seam gp: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n'seam gp --help' lists the commands and options.\n");
    va_end(ap);
    return 2;
}

/* Returns 0 when parsed, else the exit status (2 usage, 0 for --help). */
static int parse_args(int argc, char **argv, gp_opts *o, bool *help)
{
    memset(o, 0, sizeof *o);
    o->kvn = 0;
    o->new_kvn = o->replace = o->del_kvn = -1;
    o->ca_kvn = 1;
    o->sec = 0x33;
    *help = false;
    static const struct {
        const char *name;
        size_t off;
    } str_opts[] = {
        {"--store", offsetof(gp_opts, store)},     {"--connect", offsetof(gp_opts, connect)},
        {"--reader", offsetof(gp_opts, reader)},   {"--key", offsetof(gp_opts, key)},
        {"--key-enc", offsetof(gp_opts, key_enc)}, {"--key-mac", offsetof(gp_opts, key_mac)},
        {"--key-dek", offsetof(gp_opts, key_dek)}, {"--new-key", offsetof(gp_opts, new_key)},
        {"--new-enc", offsetof(gp_opts, new_enc)}, {"--new-mac", offsetof(gp_opts, new_mac)},
        {"--new-dek", offsetof(gp_opts, new_dek)}, {"--sd", offsetof(gp_opts, sd)},
        {"--applet", offsetof(gp_opts, applet)},   {"--create", offsetof(gp_opts, create)},
        {"--params", offsetof(gp_opts, params)},   {"--privs", offsetof(gp_opts, privs)},
        {"--sd-cert", offsetof(gp_opts, sd_cert)}, {"--ca", offsetof(gp_opts, ca)},
        {"--oce-key", offsetof(gp_opts, oce_key)}, {"-o", offsetof(gp_opts, output)},
        {"--output", offsetof(gp_opts, output)},   {"--ec-key", offsetof(gp_opts, ec_key)},
        {"--ec-pub", offsetof(gp_opts, ec_pub)},   {"--to", offsetof(gp_opts, to)},
        {"--keys", offsetof(gp_opts, keys_file)},  {"--new-keys", offsetof(gp_opts, new_keys_file)},
        {"--dap", offsetof(gp_opts, dap_file)},    {"--dap-key", offsetof(gp_opts, dap_key)},
        {"--dap-sd", offsetof(gp_opts, dap_sd)},   {"--token", offsetof(gp_opts, token_file)},
        {"--token-key", offsetof(gp_opts, token_key)},
        {"--token-id", offsetof(gp_opts, token_id)},
        {"--receipt-key", offsetof(gp_opts, receipt_key)},
    };
    static const struct {
        const char *name;
        size_t off;
        long lo, hi;
    } num_opts[] = {
        {"--kvn", offsetof(gp_opts, kvn), 0, 255},
        {"--new-kvn", offsetof(gp_opts, new_kvn), 1, 0x7F},
        {"--replace", offsetof(gp_opts, replace), 1, 255},
        {"--del-kvn", offsetof(gp_opts, del_kvn), 1, 255},
        {"--sec", offsetof(gp_opts, sec), 0, 255},
        {"--channel", offsetof(gp_opts, channel), 0, 19},
        {"--block", offsetof(gp_opts, block), 1, 65535},
        {"--kid", offsetof(gp_opts, kid), 1, 0x7F},
        {"--ca-kvn", offsetof(gp_opts, ca_kvn), 1, 0xFE},
        {"--new-kid", offsetof(gp_opts, new_kid), 1, 0x7F},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            *help = true;
            return 0;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o->verbose = true;
            continue;
        }
        if (!strcmp(a, "--s16")) {
            o->s16 = true;
            continue;
        }
        if (!strcmp(a, "--deps")) {
            o->deps = true;
            continue;
        }
        if (!strcmp(a, "--scp11a") || !strcmp(a, "--scp11b") || !strcmp(a, "--scp11c")) {
            if (o->scp11 && o->scp11 != (uint8_t)a[7])
                return bad_usage("%s", "give only one of --scp11a, --scp11b, --scp11c");
            o->scp11 = (uint8_t)a[7];
            continue;
        }
        if (!strcmp(a, "--sd-cert-from-card")) {
            o->sd_cert_from_card = true;
            continue;
        }
        if (!strcmp(a, "--oce-cert")) {
            if (i + 1 >= argc) return bad_usage("%s needs a value", a);
            if (o->n_oce_cert >= GP_SCP11_MAX_CHAIN)
                return bad_usage("at most %d --oce-cert files", GP_SCP11_MAX_CHAIN);
            o->oce_cert[o->n_oce_cert++] = argv[++i];
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < SEAM_ARRAY_LEN(str_opts) && !done; k++) {
            if (strcmp(a, str_opts[k].name)) continue;
            if (i + 1 >= argc) return bad_usage("%s needs a value", a);
            *(const char **)((char *)o + str_opts[k].off) = argv[++i];
            done = true;
        }
        for (size_t k = 0; k < SEAM_ARRAY_LEN(num_opts) && !done; k++) {
            if (strcmp(a, num_opts[k].name)) continue;
            if (i + 1 >= argc) return bad_usage("%s needs a value", a);
            long v = parse_num(argv[++i], num_opts[k].lo, num_opts[k].hi);
            if (v < 0) {
                fprintf(stderr,
                        "seam gp: %s %s: expected a number from %ld to %ld (0x.. for hex)\n", a,
                        argv[i], num_opts[k].lo, num_opts[k].hi);
                return 2;
            }
            *(long *)((char *)o + num_opts[k].off) = v;
            done = true;
        }
        if (done) continue;
        if (a[0] == '-') return bad_usage("unknown option '%s'", a);
        if (!o->command) {
            o->command = a;
        } else if (!strcmp(o->command, "send")) {
            if (o->n_rest >= GP_SEND_MAX)
                return bad_usage("send takes at most %d APDUs", GP_SEND_MAX);
            o->rest[o->n_rest++] = a;
        } else if (!o->arg)
            o->arg = a;
        else if (!o->arg2 &&
                 (!strcmp(o->command, "script") || !strcmp(o->command, "script-check") ||
                  !strcmp(o->command, "set-state")))
            o->arg2 = a;
        else
            return bad_usage("unexpected argument '%s'", a);
    }
    if (!o->command) return bad_usage("%s", "no command given (info, list, put-key, ...)");
    int transports = !!o->store + !!o->connect + !!o->reader;
    if (transports > 1) return bad_usage("%s", "give only one of --store, --connect, --reader");
    static const uint8_t levels[] = {0x00, 0x01, 0x03, 0x11, 0x13, 0x33};
    if (!memchr(levels, (int)o->sec, sizeof levels))
        return bad_usage("%s", "--sec must be 0x00, 0x01, 0x03, 0x11, 0x13 or 0x33");
    if (o->key && (o->key_enc || o->key_mac || o->key_dek))
        return bad_usage("%s", "give either --key or --key-enc/--key-mac/--key-dek, not both");
    if (o->keys_file && (o->key || o->key_enc || o->key_mac || o->key_dek))
        return bad_usage("%s", "give either --keys FILE or --key/--key-enc/--key-mac/--key-dek, "
                               "not both");
    if (o->new_keys_file && (o->new_key || o->new_enc || o->new_mac || o->new_dek))
        return bad_usage("%s", "give either --new-keys FILE or --new-key/--new-enc/--new-mac/"
                               "--new-dek, not both");
    if ((o->key_enc || o->key_mac || o->key_dek) && !(o->key_enc && o->key_mac && o->key_dek))
        return bad_usage("%s", "--key-enc, --key-mac and --key-dek go together");
    return 0;
}

/* Decodes one key (16, 24 or 32 bytes). */
static bool parse_key(const char *hex, const char *opt, uint8_t out[32], size_t *len)
{
    if (seam_hex_decode(hex, out, 32, len) != SEAM_OK || (*len != 16 && *len != 24 && *len != 32)) {
        fprintf(stderr,
                "seam gp: %s: expected an AES key of 16, 24 or 32 bytes in hex (32, 48 or 64 "
                "digits)\n",
                opt);
        seam_wipe(out, 32);
        return false;
    }
    return true;
}

/* Builds a key set from --X or --X-enc/--X-mac/--X-dek; def when none given. */
static bool parse_keys(const char *one, const char *enc, const char *mac, const char *dek,
                       const char *names[4], const uint8_t *def, long kvn, gp_keys *k)
{
    uint8_t e[32], m[32], d[32];
    size_t le = 16, lm = 16, ld = 16;
    bool ok = true;
    if (one) {
        ok = parse_key(one, names[0], e, &le);
        memcpy(m, e, 32);
        memcpy(d, e, 32);
        lm = ld = le;
    } else if (enc) {
        ok = parse_key(enc, names[1], e, &le) && parse_key(mac, names[2], m, &lm) &&
             parse_key(dek, names[3], d, &ld);
        if (ok && (le != lm || le != ld)) {
            fprintf(stderr, "seam gp: %s, %s and %s must have the same length\n", names[1],
                    names[2], names[3]);
            ok = false;
        }
    } else if (def) {
        memcpy(e, def, 16);
        memcpy(m, def, 16);
        memcpy(d, def, 16);
    } else {
        fprintf(stderr, "seam gp: give %s or %s, %s and %s\n", names[0], names[1], names[2],
                names[3]);
        ok = false;
    }
    if (ok) ok = gp_keys_set(k, e, m, d, le, (uint8_t)kvn) == SEAM_OK;
    seam_wipe(e, sizeof e);
    seam_wipe(m, sizeof m);
    seam_wipe(d, sizeof d);
    return ok;
}

/* ---- the card ---- */
typedef struct {
    store_medium *medium;
    se *se;
    seam_card *card;
    gp_client cl;
} gp_conn;

static seam_err se_tx(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                      size_t *resp_len)
{
    return se_transmit(ctx, cmd, len, resp, cap, resp_len);
}

static seam_err se_rst(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    return se_reset(ctx, atr, cap, atr_len);
}

static void conn_close(gp_conn *c)
{
    if (c->card) card_close(c->card);
    if (c->se) se_close(c->se);
    if (c->medium) store_medium_free(c->medium);
    memset(c, 0, sizeof *c);
}

static bool conn_open(const gp_opts *o, gp_conn *c, uint8_t *atr, size_t *atr_len)
{
    memset(c, 0, sizeof *c);
    seam_err e;
    if (o->store) {
        char msg[256] = "";
        e = store_medium_file(&c->medium, o->store);
        if (e == SEAM_OK) {
            se_config cfg = {.medium = c->medium};
            e = se_open(&c->se, &cfg, msg, sizeof msg);
        }
        if (e != SEAM_OK) {
            fprintf(stderr, "seam gp: cannot open the secure element on %s: %s%s%s\n", o->store,
                    seam_strerror(e), msg[0] ? ": " : "", msg);
            conn_close(c);
            return false;
        }
        seam_card_fns fns = {se_tx, se_rst, c->se};
        e = card_open_fns(&c->card, &fns);
    } else if (o->connect) {
        e = card_open_socket(&c->card, o->connect);
        if (e != SEAM_OK) {
            fprintf(stderr,
                    "seam gp: cannot connect to %s: %s (is `seam se --listen %s` running?)\n",
                    o->connect, seam_strerror(e), o->connect);
            conn_close(c);
            return false;
        }
    } else {
        e = card_open_pcsc(&c->card, o->reader);
        if (e != SEAM_OK) {
            fprintf(stderr,
                    "seam gp: no card in %s: %s (check pcscd and the reader, or use --store "
                    "FILE for an in-process secure element)\n",
                    o->reader ? o->reader : "any PC/SC reader", seam_strerror(e));
            conn_close(c);
            return false;
        }
    }
    if (e == SEAM_OK) e = card_reset(c->card, atr, 64, atr_len);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: the card does not answer the reset: %s\n", seam_strerror(e));
        conn_close(c);
        return false;
    }
    c->cl.card = c->card;
    if (o->verbose) {
        c->cl.trace = gp_trace_print;
        c->cl.trace_ctx = stdout;
    }
    return true;
}

static void print_sw_failure(const char *what, uint16_t sw)
{
    fprintf(stderr, "seam gp: %s: the card answered %04X (%s)\n", what, sw, gp_sw_str(sw));
}

/* Opens the logical channel (if any) and selects the SD the session is with on it: --sd, else
 * the ISD. */
static bool select_sd(const gp_opts *o, const uint8_t *aid, size_t aid_len, gp_conn *c)
{
    uint8_t buf[512];
    size_t n;
    uint16_t sw;
    if (o->channel > 0) {
        uint8_t mc[5] = {0x00, 0x70, 0x00, (uint8_t)o->channel, 0x00};
        size_t len = 4;
        if (gp_transmit(&c->cl, mc, len, buf, sizeof buf, &n, &sw) != SEAM_OK ||
            sw != SW_NO_ERROR) {
            print_sw_failure("MANAGE CHANNEL (open)", sw);
            return false;
        }
        c->cl.channel = (uint8_t)o->channel;
    }
    seam_err e = gp_select(&c->cl, aid, aid_len, buf, sizeof buf, &n, &sw);
    bool app = o->applet && !strcmp(o->command, "send");
    const char *what = app ? "--applet" : o->sd ? "--sd" : "the ISD";
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: SELECT of %s failed: %s\n", what, seam_strerror(e));
        return false;
    }
    if (sw != SW_NO_ERROR) {
        char msg[96] = "SELECT A000000151000000 (the issuer security domain)";
        if (app)
            snprintf(msg, sizeof msg, "SELECT %s (the applet of --applet)", o->applet);
        else if (o->sd)
            snprintf(msg, sizeof msg, "SELECT %s (the security domain of --sd)", o->sd);
        print_sw_failure(msg, sw);
        if (app && (sw == SW_FILE_NOT_FOUND || sw == SW_REFERENCED_DATA_NOT_FOUND))
            fprintf(stderr, "  (no such applet: `seam gp list` shows them)\n");
        else if (o->sd && (sw == SW_FILE_NOT_FOUND || sw == SW_REFERENCED_DATA_NOT_FOUND))
            fprintf(stderr, "  (no such security domain: `seam gp list` shows them)\n");
        else if (o->sd && sw == SW_APPLET_SELECT_FAILED)
            fprintf(stderr, "  (the security domain is not selectable: is it LOCKED?)\n");
        return false;
    }
    return true;
}

static bool authenticate(const gp_opts *o, gp_conn *c, const gp_keys *k, gp_session *s)
{
    uint16_t sw = 0;
    seam_err e = gp_session_open(s, &c->cl, k, (uint8_t)o->sec, NULL, o->s16 ? 16 : 8, &sw);
    if (e == SEAM_OK) return true;
    if (e == SEAM_E_AUTH && sw == SW_NO_ERROR)
        fprintf(stderr,
                "seam gp: authentication failed: card cryptogram mismatch — wrong key set? "
                "(give the right keys with --keys FILE, --key or --key-enc/--key-mac/--key-dek, "
                "and --kvn)\n");
    else if (e == SEAM_E_AUTH)
        fprintf(stderr,
                "seam gp: authentication failed: the card refused the host cryptogram (%04X) — "
                "wrong key set?\n",
                sw);
    else if (sw == SW_REFERENCED_DATA_NOT_FOUND)
        fprintf(stderr,
                "seam gp: authentication failed: the card has no key set with KVN 0x%02X "
                "(6A88) — check --kvn ('seam gp info' lists the key sets)\n",
                k->kvn);
    else if (sw == SW_AUTHENTICATION_METHOD_BLOCKED)
        fprintf(stderr, "seam gp: authentication failed: the key set is blocked (6983) after "
                        "too many failed attempts\n");
    else if (e == SEAM_E_PROTOCOL && sw == SW_NO_ERROR)
        fprintf(stderr,
                "seam gp: authentication failed: the card's SCP03 options (i=%02X) do not allow "
                "--sec 0x%02lX%s\n",
                s->iu.i_param, o->sec, o->s16 ? " with --s16" : " (try --s16?)");
    else if (e == SEAM_E_UNSUPPORTED)
        fprintf(stderr, "seam gp: authentication failed: the card offers SCP%02X, not SCP03\n",
                s->iu.scp_id);
    else if (sw && sw != SW_NO_ERROR)
        print_sw_failure("authentication failed", sw);
    else
        fprintf(stderr, "seam gp: authentication failed: %s\n", seam_strerror(e));
    return false;
}

/* ---- commands ---- */
static void info_tag(gp_session *s, const char *title, uint16_t tag)
{
    uint8_t d[512];
    size_t n = 0;
    uint16_t sw = 0;
    seam_err e = gp_get_data(s, tag, d, sizeof d, &n, &sw);
    printf("%s (GET DATA %04X):\n", title, tag);
    if (e != SEAM_OK) {
        printf("  (failed: %s)\n", seam_strerror(e));
        return;
    }
    if (sw != SW_NO_ERROR) {
        printf("  (not available: %04X %s)\n", sw, gp_sw_str(sw));
        return;
    }
    seam_err pe = SEAM_OK;
    if (tag == GP_TAG_CPLC) {
        gp_cplc c;
        pe = gp_parse_cplc(d, n, &c);
        if (pe == SEAM_OK) gp_print_cplc(stdout, &c);
    } else if (tag == GP_TAG_CARD_DATA) {
        gp_card_data cd;
        pe = gp_parse_card_data(d, n, &cd);
        if (pe == SEAM_OK) gp_print_card_data(stdout, &cd);
    } else if (tag == GP_TAG_KEY_INFO) {
        gp_key_info ki[GP_KEY_INFO_MAX];
        size_t cnt = 0;
        pe = gp_parse_key_info(d, n, ki, GP_KEY_INFO_MAX, &cnt);
        if (pe == SEAM_OK) gp_print_key_info(stdout, ki, cnt);
    } else {
        printf("  ");
        gp_print_hex(stdout, d, n);
        printf("\n");
    }
    if (pe != SEAM_OK) {
        printf("  (malformed: %s) ", seam_strerror(pe));
        gp_print_hex(stdout, d, n);
        printf("\n");
    }
}

static int cmd_info(gp_conn *c)
{
    gp_session s;
    gp_session_plain(&s, &c->cl);
    info_tag(&s, "CPLC", GP_TAG_CPLC);
    info_tag(&s, "Card recognition data", GP_TAG_CARD_DATA);
    info_tag(&s, "Key information", GP_TAG_KEY_INFO);
    info_tag(&s, "IIN", GP_TAG_IIN);
    info_tag(&s, "CIN", GP_TAG_CIN);
    info_tag(&s, "Key diversification data", GP_TAG_KEY_DIV_DATA);
    return 0;
}

static void print_content_failure(const char *what, uint8_t ins, uint16_t sw)
{
    fprintf(stderr, "seam gp: %s: the card answered %04X (%s)\n", what, sw,
            gp_content_sw_str(ins, sw));
}

/* The registry the way GlobalPlatformPro lists it: the ISD, then applications and security
 * domains (P1 40), then load files with their modules (P1 10; P1 20 when the card refuses 10).
 * gp_get_status itself falls back to the legacy format when the tagged one is refused. */
static int cmd_list(gp_session *s, bool ssd)
{
    static const uint8_t kinds[] = {GP_STATUS_ISD, GP_STATUS_APPS, GP_STATUS_LOAD_FILES_MODULES};
    enum { LIST_MAX = 256 };
    gp_status_entry *e = calloc(LIST_MAX, sizeof *e);
    if (!e) {
        fprintf(stderr, "seam gp: out of memory\n");
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof kinds; i++) {
        size_t n = 0;
        uint16_t sw = 0;
        uint8_t kind = kinds[i];
        seam_err err = gp_get_status(s, kind, e, LIST_MAX, &n, &sw);
        if (err == SEAM_OK && kind == GP_STATUS_LOAD_FILES_MODULES && sw == SW_INCORRECT_P1P2) {
            kind = GP_STATUS_LOAD_FILES; /* the card lists load files without modules */
            err = gp_get_status(s, kind, e, LIST_MAX, &n, &sw);
        }
        if (err != SEAM_OK) {
            fprintf(stderr, "seam gp: GET STATUS %02X failed: %s%s\n", kind, seam_strerror(err),
                    err == SEAM_E_FULL ? " (more than 256 entries)" : "");
            rc = 1;
            break;
        }
        if (ssd && kind == GP_STATUS_ISD && sw != SW_NO_ERROR) {
            /* an SSD may answer for its own content only */
            printf("ISD: (not shown to this security domain: %04X)\n\n", sw);
            continue;
        }
        if (sw != SW_NO_ERROR && sw != SW_REFERENCED_DATA_NOT_FOUND) {
            char what[32];
            snprintf(what, sizeof what, "GET STATUS %02X", kind);
            print_content_failure(what, 0xF2, sw);
            rc = 1;
            break;
        }
        for (size_t k = 0; k < n; k++) {
            gp_print_status(stdout, kind, &e[k], 1);
            printf("\n");
        }
    }
    free(e);
    return rc;
}

/* ---- card content management: load, install, delete ---- */
/* LOAD carries at most GP_LOAD_MAX_BLOCKS blocks; in extended-length commands a block is up to
 * 65535 bytes, so the host reads up to 256 x 65535 bytes (the card's own limit is smaller: it
 * answers 6A84 to the first block of a load file it cannot hold). */
#define LOAD_FILE_MAX ((size_t)GP_LOAD_MAX_BLOCKS * 65535u)

/* What load, install and delete need, all checked before the card is touched. */
typedef struct {
    uint8_t *file; /* the .jcl: the Load File Data Block */
    size_t file_len;
    gp_load_file_info info;
    uint8_t sd[GP_AID_MAX];
    size_t sd_len;
    uint8_t only[GP_AID_MAX];                /* --applet */
    const uint8_t *applets[JCL_MAX_APPLETS]; /* the modules to install */
    size_t applet_len[JCL_MAX_APPLETS];
    size_t n_applets;
    uint8_t create[GP_AID_MAX];
    size_t create_len; /* 0: the module AID is the instance AID */
    uint8_t params[255];
    size_t params_len;
    uint8_t privs[3];
    size_t privs_len;
    uint8_t aid[GP_AID_MAX]; /* the AID argument: delete, create-sd, extradite, lock, ... */
    size_t aid_len;
    uint8_t self[GP_AID_MAX]; /* the SD the session is with: --sd, else the ISD */
    size_t self_len;
    uint8_t to[GP_AID_MAX]; /* --to */
    size_t to_len;
    int app_state; /* set-state, lock AID, unlock AID: SET STATUS P2 */
    /* signed code: the DAP blocks LOAD sends before C4, and the Load File Data Block Hash that
     * INSTALL [for load] then carries (GP CS 2.3.1 §11.5.2.3.1, §11.6.2.3) */
    uint8_t dap[8 * GPSIG_DAP_MAX];
    size_t dap_len;
    uint8_t hash[32];
    bool has_hash;
    /* delegated management: a token on every INSTALL and DELETE (§C.4), from --token-key (id
     * counting up from --token-id) or from the lines of --token FILE */
    bool token;
    uint8_t token_priv[32]; /* a secret: wiped by content_free */
    uint8_t token_id[GPSIG_TOKEN_ID_MAX];
    size_t token_id_len;
    char *token_text; /* --token FILE */
    size_t token_text_len;
    uint8_t receipt_key[32]; /* --receipt-key: a secret */
    size_t receipt_key_len;
} content_args;

static void aid_str(const uint8_t *aid, size_t len, char out[2 * GP_AID_MAX + 1])
{
    out[0] = '\0';
    for (size_t i = 0; i < len && i < GP_AID_MAX; i++)
        snprintf(out + 2 * i, 3, "%02X", aid[i]);
}

static bool parse_aid(const char *hex, const char *what, uint8_t out[GP_AID_MAX], size_t *len)
{
    if (!hex) {
        bad_usage("%s needs an AID (5 to 16 bytes in hex)", what);
        return false;
    }
    if (seam_hex_decode(hex, out, GP_AID_MAX, len) == SEAM_OK && *len >= 5 && *len <= GP_AID_MAX)
        return true;
    bad_usage("%s '%s': expected an AID of 5 to 16 bytes in hex (10 to 32 digits)", what, hex);
    return false;
}

/* Reads the whole file; 0 or the exit status (with a message). */
static int read_load_file(const char *path, content_args *ca)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr,
                "seam gp: cannot open %s: %s (give the path of a .jcl load file, e.g. "
                "build/applets/echo.jcl)\n",
                path, strerror(errno));
        return 2;
    }
    ca->file = malloc(LOAD_FILE_MAX + 1);
    if (!ca->file) {
        fclose(f);
        fprintf(stderr, "seam gp: out of memory\n");
        return 1;
    }
    ca->file_len = fread(ca->file, 1, LOAD_FILE_MAX + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "seam gp: cannot read %s\n", path);
        return 2;
    }
    if (ca->file_len > LOAD_FILE_MAX) {
        fprintf(stderr,
                "seam gp: %s is larger than LOAD can carry (%u blocks of at most 65535 "
                "bytes)\n",
                path, GP_LOAD_MAX_BLOCKS);
        return 2;
    }
    char msg[256];
    seam_err e = gp_load_file_info_parse(ca->file, ca->file_len, &ca->info, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: %s is not a valid seam load file: %s%s%s\n", path,
                seam_strerror(e), msg[0] ? ": " : "", msg);
        return 2;
    }
    return 0;
}

/* Reads a small text file whole (NUL-terminated, at most cap - 1 bytes); NULL if it cannot. */
static char *read_text(const char *path, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *t = malloc(cap);
    size_t n = t ? fread(t, 1, cap, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!t || err || n >= cap) {
        if (t) seam_wipe(t, cap);
        free(t);
        return NULL;
    }
    t[n] = '\0';
    *len = n;
    return t;
}

/* One DAP block as dap-sign writes it: exactly E2 L { 4F 05..10 AID, C3 L signature }. */
static bool dap_block_ok(const uint8_t *b, size_t n)
{
    if (n < 2 || b[0] != 0xE2 || b[1] >= 0x80 || (size_t)b[1] + 2 != n) return false;
    size_t i = 2;
    if (i + 2 > n || b[i] != 0x4F || b[i + 1] < 5 || b[i + 1] > GP_AID_MAX) return false;
    i += 2 + b[i + 1];
    if (i + 2 > n || b[i] != 0xC3 || b[i + 1] == 0 || b[i + 1] >= 0x80) return false;
    return i + 2 + b[i + 1] == n;
}

/* --dap FILE: the output of `seam gp dap-sign` (lines "hash HEX" and "dap HEX"; a bare hex
 * line is a DAP block too; '#' comments). Its hash must be this load file's. */
static int dap_read(const gp_opts *o, content_args *ca)
{
    size_t len = 0;
    char *t = read_text(o->dap_file, 64 * 1024, &len);
    if (!t) {
        fprintf(stderr, "seam gp: --dap %s: cannot read it (%s)\n", o->dap_file,
                errno ? strerror(errno) : "too large");
        return 2;
    }
    int rc = 0;
    unsigned line = 0, blocks = 0;
    for (char *p = t, *next; p && *p && !rc; p = next) {
        next = strchr(p, '\n');
        if (next) *next++ = '\0';
        line++;
        char *c = strchr(p, '#');
        if (c) *c = '\0';
        while (*p == ' ' || *p == '\t') p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r')) p[--l] = '\0';
        if (!l) continue;
        bool is_hash = !strncmp(p, "hash ", 5);
        if (is_hash || !strncmp(p, "dap ", 4)) p += is_hash ? 5 : 4;
        uint8_t b[GPSIG_DAP_MAX];
        size_t n = 0;
        if (seam_hex_decode(p, b, sizeof b, &n) != SEAM_OK ||
            (is_hash ? n != sizeof ca->hash : !dap_block_ok(b, n))) {
            fprintf(stderr,
                    "seam gp: --dap %s, line %u: expected %s in hex (the output of `seam gp "
                    "dap-sign`)\n",
                    o->dap_file, line,
                    is_hash ? "the 32-byte hash" : "a DAP block E2 { 4F AID, C3 signature }");
            rc = 2;
        } else if (is_hash && memcmp(b, ca->hash, sizeof ca->hash)) {
            fprintf(stderr,
                    "seam gp: --dap %s was signed for another load file: its hash is not the "
                    "hash of %s (sign this one with `seam gp dap-sign`)\n",
                    o->dap_file, o->arg);
            rc = 2;
        } else if (!is_hash) {
            if (ca->dap_len + n > sizeof ca->dap) {
                fprintf(stderr, "seam gp: --dap %s: more than 8 DAP blocks\n", o->dap_file);
                rc = 2;
            } else {
                memcpy(ca->dap + ca->dap_len, b, n);
                ca->dap_len += n;
                blocks++;
            }
        }
    }
    free(t);
    if (!rc && !blocks) {
        fprintf(stderr, "seam gp: --dap %s holds no DAP block (a line 'dap E2...')\n",
                o->dap_file);
        rc = 2;
    }
    return rc;
}

/* --dap-key KEY [--dap-sd AID]: signs the DAP block here, with an ECC P-256 private key (PEM)
 * or an AES key (a key file as --keys reads it: a symmetric DAP). */
static int dap_sign_here(const gp_opts *o, content_args *ca)
{
    uint8_t sd[GP_AID_MAX];
    size_t sd_len = ca->sd_len;
    memcpy(sd, ca->sd, sizeof sd);
    if (o->dap_sd && !parse_aid(o->dap_sd, "--dap-sd", sd, &sd_len)) return 2;
    if (sd_len == 0) {
        memcpy(sd, GP_ISD_AID, GP_ISD_AID_LEN);
        sd_len = GP_ISD_AID_LEN;
    }
    uint8_t k[32], blk[GPSIG_DAP_MAX];
    size_t n = 0;
    char err[160] = "";
    seam_err e = kf_privkey_read(o->dap_key, k, NULL, err, sizeof err);
    if (e == SEAM_OK) {
        e = gpsig_dap_block_ecc(sd, sd_len, ca->hash, k, blk, sizeof blk, &n);
    } else {
        gp_keys ak;
        char err2[160] = "";
        if (gp_keys_read_file(o->dap_key, 0, &ak, err2, sizeof err2) == SEAM_OK) {
            e = gpsig_dap_block_aes(sd, sd_len, ca->hash, ak.enc, ak.len, blk, sizeof blk, &n);
            err[0] = '\0';
        }
        gp_keys_wipe(&ak);
    }
    seam_wipe(k, sizeof k);
    if (e != SEAM_OK) {
        fprintf(stderr,
                "seam gp: --dap-key %s: %s%s%s (an ECC P-256 private key in PEM, or an AES key "
                "in hex)\n",
                o->dap_key, seam_strerror(e), err[0] ? ": " : "", err);
        return 2;
    }
    if (ca->dap_len + n > sizeof ca->dap) return bad_usage("%s", "more than 8 DAP blocks");
    memcpy(ca->dap + ca->dap_len, blk, n);
    ca->dap_len += n;
    return 0;
}

/* The options of signed code and delegated management; 0 or the exit status. */
static int sig_prepare(const gp_opts *o, content_args *ca)
{
    const char *cmd = o->command;
    bool load = !strcmp(cmd, "load") || !strcmp(cmd, "install");
    bool managed = load || !strcmp(cmd, "extradite") || !strcmp(cmd, "delete");
    if ((o->dap_file || o->dap_key || o->dap_sd) && !load)
        return bad_usage("%s", "--dap, --dap-key and --dap-sd go with load and install");
    if (o->dap_sd && !o->dap_key)
        return bad_usage("%s", "--dap-sd goes with --dap-key: the security domain whose DAP key "
                               "signs");
    if ((o->token_file || o->token_key || o->token_id || o->receipt_key) && !managed)
        return bad_usage("%s", "--token, --token-key, --token-id and --receipt-key go with load, "
                               "install, extradite and delete");
    if (o->token_file && o->token_key)
        return bad_usage("%s", "give either --token FILE (tokens made offline with `seam gp "
                               "token`) or --token-key KEY (sign them here), not both");
    if (o->token_id && !o->token_key)
        return bad_usage("%s", "--token-id goes with --token-key");
    ca->token = o->token_file || o->token_key;
    if (o->token_key) {
        char err[160] = "";
        seam_err e = kf_privkey_read(o->token_key, ca->token_priv, NULL, err, sizeof err);
        if (e != SEAM_OK) {
            fprintf(stderr, "seam gp: --token-key %s: %s%s%s (an ECC P-256 private key in PEM)\n",
                    o->token_key, seam_strerror(e), err[0] ? ": " : "", err);
            return 2;
        }
        if (o->token_id) {
            if (seam_hex_decode(o->token_id, ca->token_id, sizeof ca->token_id,
                                &ca->token_id_len) != SEAM_OK ||
                ca->token_id_len == 0)
                return bad_usage("--token-id '%s': expected 1 to 8 bytes in hex (the first "
                                 "token's identifier; each further token counts up)",
                                 o->token_id);
        } else {
            /* The card takes only identifiers above the last one it accepted (docs/dap.md):
             * by default the milliseconds since 1970, which grow from one run to the next. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
            ca->token_id_len = 6;
            for (size_t i = 0; i < 6; i++)
                ca->token_id[i] = (uint8_t)(ms >> (8 * (5 - i)));
        }
    }
    if (o->token_file) {
        ca->token_text = read_text(o->token_file, 256 * 1024, &ca->token_text_len);
        if (!ca->token_text) {
            fprintf(stderr, "seam gp: --token %s: cannot read it\n", o->token_file);
            return 2;
        }
    }
    if (o->receipt_key) {
        gp_keys rk;
        char err[160] = "";
        if (gp_keys_read_file(o->receipt_key, 0, &rk, err, sizeof err) != SEAM_OK) {
            fprintf(stderr, "seam gp: --receipt-key %s: %s (an AES key in hex)\n",
                    o->receipt_key, err[0] ? err : "cannot read it");
            gp_keys_wipe(&rk);
            return 2;
        }
        memcpy(ca->receipt_key, rk.enc, rk.len);
        ca->receipt_key_len = rk.len;
        gp_keys_wipe(&rk);
    }
    if (!load) return 0;
    if (gpsig_lfdb_hash(ca->file, ca->file_len, ca->hash) != SEAM_OK) {
        fprintf(stderr, "seam gp: cannot hash %s\n", o->arg);
        return 1;
    }
    int rc = o->dap_file ? dap_read(o, ca) : 0;
    if (!rc && o->dap_key) rc = dap_sign_here(o, ca);
    /* the hash goes into INSTALL [for load] when a DAP or a token needs it (§11.5.2.3.1) */
    ca->has_hash = ca->dap_len > 0 || ca->token;
    return rc;
}

/* Checks the arguments of load, install and delete; 0 or the exit status. */
static int content_prepare_args(const gp_opts *o, content_args *ca);
static int content_prepare(const gp_opts *o, content_args *ca)
{
    int rc = content_prepare_args(o, ca);
    return rc ? rc : sig_prepare(o, ca);
}

static int content_prepare_args(const gp_opts *o, content_args *ca)
{
    memset(ca, 0, sizeof *ca);
    const char *cmd = o->command;
    bool load = !strcmp(cmd, "load"), install = !strcmp(cmd, "install");
    bool del = !strcmp(cmd, "delete"), create_sd = !strcmp(cmd, "create-sd");
    bool extradite = !strcmp(cmd, "extradite"), put_key = !strcmp(cmd, "put-key");
    bool lock_app = (!strcmp(cmd, "lock") || !strcmp(cmd, "unlock")) && o->arg;
    bool set_state = !strcmp(cmd, "set-state");
    ca->self_len = GP_ISD_AID_LEN;
    memcpy(ca->self, GP_ISD_AID, GP_ISD_AID_LEN);
    if (o->sd && !parse_aid(o->sd, "--sd", ca->self, &ca->self_len)) return 2;
    if (o->to && !load && !install && !extradite && !put_key)
        return bad_usage("%s", "--to goes with load, install, extradite and put-key");
    if (o->to && !parse_aid(o->to, "--to", ca->to, &ca->to_len)) return 2;
    if (o->block && !load && !install) return bad_usage("%s", "--block goes with load and install");
    if (o->applet && !install && strcmp(cmd, "send"))
        return bad_usage("%s", "--applet goes with install and send");
    if (o->create && !install)
        return bad_usage("%s", "--applet and --create go with install (--applet also with send)");
    if (!strcmp(cmd, "send")) {
        if (!o->n_rest) return bad_usage("%s", "send needs one or more APDUs in hex");
        if (o->applet && o->sd)
            return bad_usage("%s", "send goes to --applet AID or to --sd AID, not both");
        if (o->applet && !parse_aid(o->applet, "--applet", ca->self, &ca->self_len)) return 2;
        for (size_t i = 0; i < o->n_rest; i++) {
            uint8_t b[5 + 255 + 1];
            size_t n = 0;
            apdu_cmd c;
            if (seam_hex_decode(o->rest[i], b, sizeof b, &n) != SEAM_OK ||
                apdu_parse(b, n, &c) != SEAM_OK || (c.cla & 0x0C) || c.extended)
                return bad_usage("send: '%s' is not a plain short command APDU in hex (CLA INS "
                                 "P1 P2 [Lc data] [Le], CLA without secure messaging bits: send "
                                 "wraps it)",
                                 o->rest[i]);
        }
        return 0;
    }
    if ((o->params || o->privs) && !install && !create_sd)
        return bad_usage("%s", "--params and --privs go with install and create-sd");
    if (o->deps && !del && !lock_app)
        return bad_usage("%s", "--deps goes with delete and with lock/unlock of an AID");
    if (del) {
        if (!o->arg) return bad_usage("%s", "delete needs the AID of an application or load file");
        return parse_aid(o->arg, "delete", ca->aid, &ca->aid_len) ? 0 : 2;
    }
    if (extradite) {
        if (!o->arg)
            return bad_usage("%s", "extradite needs the AID of an application or load file, and "
                                   "--to SD_AID");
        if (!parse_aid(o->arg, "extradite", ca->aid, &ca->aid_len)) return 2;
        if (!o->to)
            return bad_usage("%s",
                             "extradite needs --to SD_AID: the security domain to move it to");
        return 0;
    }
    if (lock_app) {
        if (!parse_aid(o->arg, cmd, ca->aid, &ca->aid_len)) return 2;
        ca->app_state = !strcmp(cmd, "lock") ? GP_APP_LOCKED : 0x00;
        return 0;
    }
    if (set_state) {
        if (!o->arg || !o->arg2)
            return bad_usage("%s", "set-state needs an AID and a state (SELECTABLE, PERSONALIZED, "
                                   "LOCKED, UNLOCKED or one byte in hex)");
        if (!parse_aid(o->arg, "set-state", ca->aid, &ca->aid_len)) return 2;
        ca->app_state = gp_app_state_parse(o->arg2);
        if (ca->app_state < 0)
            return bad_usage("set-state: unknown state '%s' (SELECTABLE, PERSONALIZED, LOCKED, "
                             "UNLOCKED or one byte in hex, e.g. 0F)",
                             o->arg2);
        return 0;
    }
    if (create_sd) {
        if (!o->arg) return bad_usage("%s", "create-sd needs the AID of the new security domain");
        if (!parse_aid(o->arg, "create-sd", ca->aid, &ca->aid_len)) return 2;
        ca->privs[0] = GP_PRIV_SECURITY_DOMAIN;
        ca->privs_len = 3;
        char bad[64];
        if (o->privs &&
            gp_privileges_parse(o->privs, ca->privs, &ca->privs_len, bad, sizeof bad) != SEAM_OK)
            return bad_usage("--privs '%s': unknown privilege '%s' (names: security-domain, "
                             "dap-verification, delegated-management, card-lock, card-terminate, "
                             "card-reset, cvm-management, mandated-dap, trusted-path, "
                             "authorized-management, token-verification, global-delete, "
                             "global-lock, global-registry, final-application, "
                             "receipt-generation; or 1 or 3 bytes in hex)",
                             o->privs, bad);
        if (o->params &&
            seam_hex_decode(o->params, ca->params, sizeof ca->params, &ca->params_len) != SEAM_OK)
            return bad_usage("--params '%s': expected hex bytes (the value of C9)", o->params);
        uint8_t d[255];
        size_t n;
        if (gp_install_for_install_data((const uint8_t *)GP_SD_ELF_AID, GP_SD_ELF_AID_LEN,
                                        (const uint8_t *)GP_SD_MODULE_AID, GP_SD_MODULE_AID_LEN,
                                        ca->aid, ca->aid_len, ca->privs, ca->privs_len, ca->params,
                                        ca->params_len, d, sizeof d, &n) != SEAM_OK)
            return bad_usage("--params: %zu bytes make the INSTALL command longer than a short "
                             "APDU (255 bytes of data)",
                             ca->params_len);
        return 0;
    }
    if (!load && !install) return 0;
    if (!o->arg) return bad_usage("%s needs a load file (FILE.jcl)", o->command);
    /* The load file goes to --to, else to the SD the session is with. */
    memcpy(ca->sd, o->to ? ca->to : ca->self, GP_AID_MAX);
    ca->sd_len = o->to ? ca->to_len : ca->self_len;
    int rc = read_load_file(o->arg, ca);
    if (rc || load) return rc;

    /* install: which modules, as which instances, with what. */
    if (o->applet) {
        uint8_t *one = ca->only;
        size_t len = 0;
        if (!parse_aid(o->applet, "--applet", one, &len)) return 2;
        bool found = false;
        for (size_t i = 0; i < ca->info.n_applets; i++)
            found |= ca->info.applet_len[i] == len && !memcmp(ca->info.applet[i], one, len);
        if (!found) {
            char a[33];
            aid_str(one, len, a);
            fprintf(stderr, "seam gp: %s declares no applet %s; its applets are:", o->arg, a);
            for (size_t i = 0; i < ca->info.n_applets; i++) {
                aid_str(ca->info.applet[i], ca->info.applet_len[i], a);
                fprintf(stderr, " %s", a);
            }
            fprintf(stderr, "%s\n", ca->info.n_applets ? "" : " (none)");
            return 2;
        }
        ca->applets[0] = one;
        ca->applet_len[0] = len;
        ca->n_applets = 1;
    } else {
        for (size_t i = 0; i < ca->info.n_applets; i++) {
            ca->applets[i] = ca->info.applet[i];
            ca->applet_len[i] = ca->info.applet_len[i];
        }
        ca->n_applets = ca->info.n_applets;
    }
    if (ca->n_applets == 0)
        return bad_usage("%s declares no applet: nothing to install (`seam gp load` loads it)",
                         o->arg);
    if (o->create) {
        if (ca->n_applets > 1)
            return bad_usage("%s declares %zu applets: --create needs --applet to say which",
                             o->arg, ca->n_applets);
        if (!parse_aid(o->create, "--create", ca->create, &ca->create_len)) return 2;
    }
    ca->privs_len = 1;
    char bad[64];
    if (o->privs &&
        gp_privileges_parse(o->privs, ca->privs, &ca->privs_len, bad, sizeof bad) != SEAM_OK)
        return bad_usage("--privs '%s': expected 1 or 3 bytes of privileges in hex (GP CS 2.3.1 "
                         "§6.6.1), e.g. 00, or GP privilege names (unknown: '%s')",
                         o->privs, bad);
    if (o->params &&
        seam_hex_decode(o->params, ca->params, sizeof ca->params, &ca->params_len) != SEAM_OK)
        return bad_usage("--params '%s': expected hex bytes (the value of C9)", o->params);
    /* The INSTALL data field must fit a short APDU with these parameters: try it. */
    for (size_t i = 0; i < ca->n_applets; i++) {
        uint8_t d[255];
        size_t n;
        const uint8_t *inst = ca->create_len ? ca->create : ca->applets[i];
        size_t inst_len = ca->create_len ? ca->create_len : ca->applet_len[i];
        if (gp_install_for_install_data(ca->info.aid, ca->info.aid_len, ca->applets[i],
                                        ca->applet_len[i], inst, inst_len, ca->privs, ca->privs_len,
                                        ca->params, ca->params_len, d, sizeof d, &n) != SEAM_OK)
            return bad_usage("--params: %zu bytes make the INSTALL command longer than a short "
                             "APDU (255 bytes of data)",
                             ca->params_len);
    }
    return 0;
}

static void content_free(content_args *ca)
{
    free(ca->file);
    ca->file = NULL;
    free(ca->token_text);
    ca->token_text = NULL;
    seam_wipe(ca->token_priv, sizeof ca->token_priv);
    seam_wipe(ca->receipt_key, sizeof ca->receipt_key);
}

/* Adds one to the big-endian token identifier (the next token must be greater, docs/dap.md). */
static void token_id_next(content_args *ca)
{
    for (size_t i = ca->token_id_len; i-- > 0;)
        if (++ca->token_id[i]) return;
}

/* A line of --token FILE that is data (the command data without its token, as this command
 * sends it) with a token added the way `seam gp token` adds it: for INSTALL the same fields,
 * the parameters field extended with B6 {...}, then the token; for DELETE the same TLVs, then
 * B6 {...} and 9E. Only the layout is checked here; the signature is the card's to check. */
static bool token_line_fits(uint8_t ins, const uint8_t *data, size_t n, const uint8_t *l,
                            size_t ln)
{
    if (ins == 0xE4) return ln > n + 2 && !memcmp(l, data, n) && l[n] == 0xB6;
    /* INSTALL: the fields before the parameters are equal; the parameters field's value starts
     * with ours and goes on with B6; the token (64 bytes, r || s) ends the line. */
    size_t i = 0, k = 0, last = 0;
    while (i < n) { /* find the start of our last field (the parameters) */
        last = i;
        i += 1 + (size_t)data[i];
    }
    if (i != n || last >= ln || memcmp(l, data, last)) return false;
    size_t plen = data[last];
    k = last;
    size_t lp = l[k++];
    if (lp == 0x81 && k < ln) lp = l[k++];
    if (k + lp + 1 + 64 != ln || lp <= plen + 2) return false;
    return !memcmp(l + k, data + last + 1, plen) && l[k + plen] == 0xB6 && l[ln - 65] == 64;
}

/* After a refusal of a command that carried a token. */
static void token_hint(const content_args *ca, uint16_t sw)
{
    if (ca->token && sw == SW_SECURITY_STATUS_NOT_SATISFIED)
        fprintf(stderr, "  (the card refused the token: signed by another key than its token key "
                        "(KVN 70), for another command, P1/P2 or security domain (--sd), or with "
                        "an identifier not above the last one it accepted)\n");
}

/* Sends INSTALL (ins E6, with the token field) or DELETE (E4) whose data without the token is
 * data[0..n): with no token option as it is (INSTALL: plus the empty token '00'); with
 * --token-key signed here; with --token FILE the line made for it. 0, or the exit status with
 * a message (1 exchange failure, 2 no token in the file for this command). */
static int send_managed(const gp_opts *o, gp_session *s, content_args *ca, uint8_t ins,
                        uint8_t p1, uint8_t p2, const uint8_t *data, size_t n, const char *what,
                        uint8_t *resp, size_t cap, size_t *rlen, uint16_t *sw)
{
    uint8_t cmd[512];
    size_t cn = 0;
    if (!ca->token) {
        if (n + 1 > sizeof cmd) return 2;
        memcpy(cmd, data, n);
        cn = n;
        if (ins == 0xE6) cmd[cn++] = 0x00;
    } else if (o->token_key) {
        /* bound to the SD the session is with (--sd), the one that executes the command */
        seam_err e =
            gpsig_token_data_sd(ins, p1, p2, data, n, ca->token_id, ca->token_id_len, NULL, 0,
                                ca->self, ca->self_len, ca->token_priv, cmd, sizeof cmd, &cn);
        if (e != SEAM_OK) {
            fprintf(stderr, "seam gp: cannot sign the token of %s: %s\n", what, seam_strerror(e));
            return 1;
        }
        if (o->verbose) {
            printf("token: identifier ");
            gp_print_hex(stdout, ca->token_id, ca->token_id_len);
            printf(" for %s\n", what);
        }
        token_id_next(ca);
    } else {
        bool found = false;
        char *t = ca->token_text;
        for (char *p = t; p && *p && !found;) {
            char *end = strchr(p, '\n');
            size_t l = end ? (size_t)(end - p) : strlen(p);
            char line[1200];
            if (l < sizeof line && *p != '#') {
                memcpy(line, p, l);
                line[l] = '\0';
                while (l && (line[l - 1] == '\r' || line[l - 1] == ' ')) line[--l] = '\0';
                if (seam_hex_decode(line, cmd, sizeof cmd, &cn) == SEAM_OK &&
                    token_line_fits(ins, data, n, cmd, cn))
                    found = true;
            }
            p = end ? end + 1 : NULL;
        }
        if (!found) {
            fprintf(stderr,
                    "seam gp: --token %s holds no token for %s (a line of `seam gp token --sd ",
                    o->token_file, what);
            gp_print_hex(stderr, ca->self, ca->self_len);
            fprintf(stderr, " --ins %s --p1 %02X --p2 %02X --data ",
                    ins == 0xE6 ? "install" : "delete", p1, p2);
            gp_print_hex(stderr, data, n);
            fprintf(stderr, "`)\n");
            return 2;
        }
    }
    seam_err e = gp_send_cmd(s, 0x80, ins, p1, p2, cmd, cn, true, resp, cap, rlen, sw);
    seam_wipe(cmd, sizeof cmd);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: %s failed: %s\n", what, seam_strerror(e));
        return 1;
    }
    return 0;
}

/* The receipt in the answer of a delegated command (GP CS 2.3.1 §C.5): printed in hex (for
 * `seam gp verify-receipt`), and checked here with --receipt-key over the context AIDs. 0, or
 * 1 when it does not verify or is missing although a token was sent and a key given. */
static int show_receipt(const gp_opts *o, const content_args *ca, const uint8_t *r, size_t n,
                        const gpsig_lv *ctx, size_t nctx)
{
    gpsig_receipt gr;
    seam_err e = gpsig_receipt_parse(r, n, &gr);
    if (e != SEAM_OK) {
        if (ca->receipt_key_len && ca->token) {
            fprintf(stderr, "seam gp: the card sent no receipt (--receipt-key was given): is a "
                            "receipt key (KVN 71) on the card?\n");
            return 1;
        }
        return 0;
    }
    printf("RECEIPT: ");
    gp_print_hex(stdout, r, n);
    printf("\n");
    if (!ca->receipt_key_len) return 0;
    e = gpsig_receipt_verify(r, n, ca->receipt_key, ca->receipt_key_len, ctx, nctx, &gr);
    if (e != SEAM_OK) {
        fprintf(stderr,
                "seam gp: the receipt does not verify with --receipt-key %s: the card did not "
                "confirm this operation with that key\n",
                o->receipt_key);
        return 1;
    }
    printf("RECEIPT: verified with --receipt-key (confirmation counter %u", (unsigned)gr.counter);
    if (gr.has_token_id) {
        printf(", token ");
        gp_print_hex(stdout, gr.token_id, gr.token_id_len);
    }
    printf(")\n");
    return 0;
}

static int cmd_load(const gp_opts *o, gp_session *s, content_args *ca)
{
    char pkg[33], sd[33];
    aid_str(ca->info.aid, ca->info.aid_len, pkg);
    aid_str(ca->sd, ca->sd_len, sd);
    /* The block size is checked against the session before anything is sent: short LOAD
     * commands when 256 of them carry the file, else extended ones (or when --block asks for
     * more than a short APDU carries). */
    size_t max = gp_load_max_block(s), ext_max = gp_load_max_block_ext(s);
    size_t block = 0, count = 0;
    bool ext = false;
    if (gp_load_plan_dap(s, ca->dap_len, ca->file_len, o->block > 0 ? (size_t)o->block : 0, &block,
                         &count, &ext) != SEAM_OK) {
        if (o->block > 0 && (size_t)o->block > ext_max)
            fprintf(stderr,
                    "seam gp: --block %ld does not fit an extended APDU at security level "
                    "%02lX%s: at most %zu\n",
                    o->block, o->sec, o->s16 ? " with --s16" : "", ext_max);
        else
            fprintf(stderr,
                    "seam gp: %s needs %zu LOAD blocks of %zu bytes; LOAD numbers at most %u "
                    "(give a larger --block: up to %zu in short APDUs, %zu in extended ones)\n",
                    o->arg,
                    gp_load_block_count(ca->file_len, o->block > 0 ? (size_t)o->block : ext_max),
                    o->block > 0 ? (size_t)o->block : ext_max, GP_LOAD_MAX_BLOCKS, max, ext_max);
        return 2;
    }
    if (o->verbose && ext)
        fprintf(stderr,
                "seam gp: %s (short APDUs carry at most %u blocks of %zu bytes): sending %zu "
                "extended-length LOAD commands of up to %zu bytes\n",
                o->block > 0 ? "--block is over the short maximum"
                             : "the file is too large for "
                               "short LOAD commands",
                GP_LOAD_MAX_BLOCKS, max, count, block);

    uint16_t sw = 0;
    uint8_t d[255], r[256];
    size_t dn = 0, rn = 0;
    if (gp_install_for_load_data_hash(ca->info.aid, ca->info.aid_len, ca->sd, ca->sd_len,
                                      ca->hash, ca->has_hash ? sizeof ca->hash : 0, d, sizeof d,
                                      &dn) != SEAM_OK) {
        fprintf(stderr, "seam gp: INSTALL [for load] data too long\n");
        return 2;
    }
    char what[128];
    snprintf(what, sizeof what, "INSTALL [for load] of %s into %s", pkg, sd);
    /* the builder ends with the empty token field: the token goes in its place */
    int rc = send_managed(o, s, ca, 0xE6, GP_INSTALL_FOR_LOAD, 0x00, d, dn - 1, what, r,
                          sizeof r, &rn, &sw);
    if (rc) return rc;
    if (sw != SW_NO_ERROR) {
        print_content_failure(what, 0xE6, sw);
        token_hint(ca, sw);
        if (sw == SW_INS_NOT_SUPPORTED)
            fprintf(stderr, "  (this card does not support loading: no card content management)\n");
        else if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED || sw == SW_WRONG_DATA)
            fprintf(stderr,
                    "  (is %s on the card already? `seam gp list` shows it; `seam gp "
                    "delete %s --deps` removes it)\n",
                    pkg, pkg);
        else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED)
            fprintf(stderr, "  (the security domain may not load: it needs Authorized Management, "
                            "or Delegated Management and a token (--token / --token-key))\n");
        return 1;
    }
    size_t blocks = 0;
    seam_err e = gp_load_dap(s, ca->dap, ca->dap_len, ca->file, ca->file_len, block, &blocks, r,
                             sizeof r, &rn, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: LOAD failed after %zu of %zu blocks: %s\n", blocks, count,
                seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char lwhat[96];
        snprintf(lwhat, sizeof lwhat, "LOAD of %s, block %zu of %zu", pkg, blocks + 1, count);
        print_content_failure(lwhat, 0xE8, sw);
        if (sw == SW_SECURITY_STATUS_NOT_SATISFIED && blocks + 1 == count)
            fprintf(stderr,
                    "  (the card refused the load file's signature: %s; `seam gp dap-sign` "
                    "with the DAP key of the SD that must sign, then --dap FILE)\n",
                    ca->dap_len ? "a DAP block does not verify or a required one is missing"
                                : "it needs a DAP block (E2)");
        else if (sw == SW_WRONG_DATA && ca->dap_len && blocks == 0)
            fprintf(stderr, "  (a DAP block names a security domain without DAP Verification, "
                            "or the card takes no DAP blocks)\n");
        if (sw == SW_NOT_ENOUGH_MEMORY && blocks == 0)
            fprintf(stderr,
                    "  (the card cannot take a load file of %zu bytes%s; the seam SE holds at "
                    "most 65536)\n",
                    ca->file_len, ext ? " or blocks this large" : "");
        return 1;
    }
    printf("LOAD: %s (version %u.%u, %u applet%s) into %s: %zu bytes in %zu %sblock%s of up to "
           "%zu bytes\n",
           pkg, ca->info.major, ca->info.minor, ca->info.n_applets,
           ca->info.n_applets == 1 ? "" : "s", sd, ca->file_len, count,
           ext ? "extended-length " : "", count == 1 ? "" : "s", block);
    if (ca->dap_len) {
        printf("DAP: ");
        for (size_t i = 0; i + 4 < ca->dap_len; i += 2 + ca->dap[i + 1]) {
            char a[33];
            aid_str(ca->dap + i + 4, ca->dap[i + 3], a);
            printf("%s%s", i ? ", " : "", a);
        }
        printf(" signed the load file; the card verified %s\n",
               ca->dap_len > 2u + ca->dap[1] ? "them" : "it");
    }
    gpsig_lv ctx[2] = {{ca->info.aid, ca->info.aid_len}, {ca->sd, ca->sd_len}};
    return show_receipt(o, ca, r, rn, ctx, 2);
}

static int cmd_install(const gp_opts *o, gp_session *s, content_args *ca)
{
    int rc = cmd_load(o, s, ca);
    if (rc) return rc;
    char pkg[33], mod[33], inst[33], priv[33];
    aid_str(ca->info.aid, ca->info.aid_len, pkg);
    aid_str(ca->privs, ca->privs_len, priv);
    for (size_t i = 0; i < ca->n_applets; i++) {
        const uint8_t *ia = ca->create_len ? ca->create : ca->applets[i];
        size_t il = ca->create_len ? ca->create_len : ca->applet_len[i];
        aid_str(ca->applets[i], ca->applet_len[i], mod);
        aid_str(ia, il, inst);
        uint16_t sw = 0;
        uint8_t d[255], r[256];
        size_t dn = 0, rn = 0;
        if (gp_install_for_install_data(ca->info.aid, ca->info.aid_len, ca->applets[i],
                                        ca->applet_len[i], ia, il, ca->privs, ca->privs_len,
                                        ca->params, ca->params_len, d, sizeof d, &dn) != SEAM_OK)
            return 2; /* checked by content_prepare */
        char what[128];
        snprintf(what, sizeof what, "INSTALL [for install and make selectable] of %s", inst);
        rc = send_managed(o, s, ca, 0xE6, GP_INSTALL_FOR_INSTALL_SELECTABLE, 0x00, d, dn - 1, what,
                          r, sizeof r, &rn, &sw);
        if (rc) return rc;
        if (sw != SW_NO_ERROR) {
            print_content_failure(what, 0xE6, sw);
            token_hint(ca, sw);
        token_hint(ca, sw);
            fprintf(stderr, "  (%s stays loaded: `seam gp delete %s --deps` removes it)\n", pkg,
                    pkg);
            return 1;
        }
        printf("INSTALL: %s from module %s of %s, privileges %s: SELECTABLE\n", inst, mod, pkg,
               priv);
        gpsig_lv ctx[2] = {{ca->info.aid, ca->info.aid_len}, {ia, il}};
        rc = show_receipt(o, ca, r, rn, ctx, 2);
        if (rc) return rc;
    }
    return 0;
}

static int cmd_delete(const gp_opts *o, gp_session *s, content_args *ca)
{
    char aid[33];
    aid_str(ca->aid, ca->aid_len, aid);
    uint16_t sw = 0;
    uint8_t d[GP_AID_MAX + 2], r[256];
    size_t dn = 0, rn = 0;
    if (gp_delete_data(ca->aid, ca->aid_len, d, sizeof d, &dn) != SEAM_OK) return 2;
    char what[64];
    snprintf(what, sizeof what, "DELETE of %s", aid);
    int rc = send_managed(o, s, ca, 0xE4, 0x00, o->deps ? GP_DELETE_RELATED : 0x00, d, dn, what, r,
                          sizeof r, &rn, &sw);
    if (rc) return rc;
    if (sw != SW_NO_ERROR) {
        print_content_failure(what, 0xE4, sw);
        token_hint(ca, sw);
        if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED && !o->deps)
            fprintf(stderr, "  (a load file with applications goes with --deps; an application "
                            "others depend on cannot go)\n");
        else if (sw == SW_REFERENCED_DATA_NOT_FOUND || sw == SW_FILE_NOT_FOUND)
            fprintf(stderr, "  (`seam gp list` shows what is on the card)\n");
        else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED && o->sd)
            fprintf(stderr, "  (a security domain deletes its own content only with Authorized "
                            "Management (or Delegated Management and a token), others' with "
                            "Global Delete)\n");
        return 1;
    }
    printf("DELETE: %s%s deleted\n", aid, o->deps ? " and its applications" : "");
    gpsig_lv ctx[1] = {{ca->aid, ca->aid_len}};
    return show_receipt(o, ca, r, rn, ctx, 1);
}

/* ---- security domains: create-sd, extradite, lock/unlock AID, set-state ---- */
static int cmd_create_sd(gp_session *s, const content_args *ca)
{
    char aid[33], privs[256], hex[33];
    aid_str(ca->aid, ca->aid_len, aid);
    uint8_t p[3] = {0, 0, 0};
    memcpy(p, ca->privs, ca->privs_len);
    p[0] |= GP_PRIV_SECURITY_DOMAIN;
    uint16_t sw = 0;
    seam_err e =
        gp_create_sd(s, ca->aid, ca->aid_len, p, ca->privs_len, ca->params, ca->params_len, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: INSTALL of security domain %s failed: %s\n", aid,
                seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char what[160];
        snprintf(what, sizeof what,
                 "INSTALL [for install and make selectable] of security domain %s (load file "
                 "A0000001515350, module A000000151535041)",
                 aid);
        print_content_failure(what, 0xE6, sw);
        token_hint(ca, sw);
        if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED || sw == SW_WRONG_DATA)
            fprintf(stderr, "  (is %s on the card already? `seam gp list` shows it)\n", aid);
        else if (sw == SW_REFERENCED_DATA_NOT_FOUND)
            fprintf(stderr, "  (this card has no security domain load file A0000001515350)\n");
        else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED)
            fprintf(stderr, "  (the SD this session is with may not create security domains)\n");
        return 1;
    }
    gp_privileges_str(p, ca->privs_len, privs, sizeof privs);
    aid_str(p, ca->privs_len, hex);
    printf("CREATE-SD: security domain %s installed, privileges %s (%s): SELECTABLE, no keys "
           "yet (put-key --to %s)\n",
           aid, hex, privs, aid);
    return 0;
}

static int cmd_extradite(const gp_opts *o, gp_session *s, content_args *ca)
{
    char aid[33], to[33];
    aid_str(ca->aid, ca->aid_len, aid);
    aid_str(ca->to, ca->to_len, to);
    uint16_t sw = 0;
    uint8_t d[255], r[256];
    size_t dn = 0, rn = 0;
    if (gp_install_for_extradition_data(ca->to, ca->to_len, ca->aid, ca->aid_len, d, sizeof d,
                                        &dn) != SEAM_OK)
        return 2;
    char what[128];
    snprintf(what, sizeof what, "INSTALL [for extradition] of %s to %s", aid, to);
    int rc = send_managed(o, s, ca, 0xE6, GP_INSTALL_FOR_EXTRADITION, 0x00, d, dn - 1, what, r,
                          sizeof r, &rn, &sw);
    if (rc) return rc;
    if (sw != SW_NO_ERROR) {
        print_content_failure(what, 0xE6, sw);
        token_hint(ca, sw);
        if (sw == SW_REFERENCED_DATA_NOT_FOUND)
            fprintf(stderr, "  (`seam gp list` shows the applications, load files and security "
                            "domains on the card)\n");
        else if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED)
            fprintf(stderr, "  (the target must be a security domain that is not locked, and "
                            "PERSONALIZED when it is an SSD)\n");
        return 1;
    }
    printf("EXTRADITE: %s is now associated with security domain %s\n", aid, to);
    gpsig_lv ctx[3] = {{ca->self, ca->self_len}, {ca->aid, ca->aid_len}, {ca->to, ca->to_len}};
    return show_receipt(o, ca, r, rn, ctx, 3);
}

static int cmd_app_status(const gp_opts *o, gp_session *s, const content_args *ca)
{
    char aid[33];
    aid_str(ca->aid, ca->aid_len, aid);
    uint8_t state = (uint8_t)ca->app_state;
    uint8_t p1 = o->deps ? GP_SET_STATUS_SD_AND_APPS : GP_SET_STATUS_APP;
    uint16_t sw = 0;
    seam_err e = gp_set_app_status(s, p1, state, ca->aid, ca->aid_len, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: SET STATUS of %s failed: %s\n", aid, seam_strerror(e));
        return 1;
    }
    const char *what_state = (state & 0x80) ? "LOCKED"
                             : state == 0   ? "unlocked"
                                            : gp_lifecycle_name(GP_STATUS_APPS, state);
    if (sw != SW_NO_ERROR) {
        char what[128];
        snprintf(what, sizeof what, "SET STATUS of %s%s to %02X (%s)", aid,
                 o->deps ? " and its applications" : "", state, what_state);
        print_sw_failure(what, sw);
        if (sw == SW_REFERENCED_DATA_NOT_FOUND)
            fprintf(stderr, "  (`seam gp list` shows what is on the card)\n");
        else if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED || sw == SW_INCORRECT_P1P2 ||
                 sw == SW_WRONG_DATA)
            fprintf(stderr, "  (GP CS 2.3.1 §5.3 allows no such transition from the present "
                            "state)\n");
        else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED)
            fprintf(stderr,
                    "  (this security domain may not change that state: authenticate to "
                    "the SD %s is associated with, or to one with Global Lock)\n",
                    aid);
        return 1;
    }
    if (state == 0x00)
        printf("SET STATUS: %s%s unlocked\n", aid, o->deps ? " and its applications" : "");
    else
        printf("SET STATUS: %s%s is now %s (%02X)\n", aid, o->deps ? " and its applications" : "",
               what_state, state);
    return 0;
}

static int cmd_put_key_ecc(const gp_opts *o, gp_session *s, gp_script *sc);

/* Reads a key file given with --keys or --new-keys; false (with a message) if unusable. */
static bool read_keys_file(const char *opt, const char *path, long kvn, gp_keys *k)
{
    char err[160] = "";
    seam_err e = gp_keys_read_file(path, (uint8_t)kvn, k, err, sizeof err);
    if (e == SEAM_OK) return true;
    fprintf(stderr,
            "seam gp: %s %s: %s%s%s (a key file holds one AES key in hex, or the lines enc HEX, "
            "mac HEX, dek HEX)\n",
            opt, path, seam_strerror(e), err[0] ? ": " : "", err);
    return false;
}

/* put-key --to SD: INSTALL [for personalization] of the SD first, so that the PUT KEY that
 * follows (under this session, its keys encrypted with this session's DEK) goes to it. */
static int put_key_target(const gp_opts *o, gp_session *s, const content_args *ca)
{
    if (!o->to) return 0;
    char to[33];
    aid_str(ca->to, ca->to_len, to);
    uint16_t sw = 0;
    seam_err e = gp_install_for_perso(s, ca->to, ca->to_len, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: INSTALL [for personalization] of %s failed: %s\n", to,
                seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char what[96];
        snprintf(what, sizeof what, "INSTALL [for personalization] of %s", to);
        print_content_failure(what, 0xE6, sw);
        token_hint(ca, sw);
        if (sw == SW_REFERENCED_DATA_NOT_FOUND)
            fprintf(stderr,
                    "  (no security domain %s on the card: `seam gp create-sd %s` "
                    "makes one)\n",
                    to, to);
        else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED || sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED)
            fprintf(stderr,
                    "  (only the SD that %s is associated with personalizes it; once it "
                    "has keys, use `seam gp --sd %s --keys FILE put-key`)\n",
                    to, to);
        return 1;
    }
    return 0;
}

/* put-key --new-kid KID --new-kvn N --new-keys FILE: one AES key with key identifier KID (the
 * receipt key, KVN 71, or a symmetric DAP key, KVN 73: docs/dap.md), encrypted under the
 * session's DEK, its key check value verified. */
static int cmd_put_key_one(const gp_opts *o, gp_session *s, const content_args *ca)
{
    gp_keys nk;
    const char *names[4] = {"--new-key", "--new-enc", "--new-mac", "--new-dek"};
    if (o->new_keys_file) {
        if (!read_keys_file("--new-keys", o->new_keys_file, o->new_kvn, &nk)) return 2;
    } else if (!parse_keys(o->new_key, NULL, NULL, NULL, names, NULL, o->new_kvn, &nk)) {
        return 2;
    }
    if (!seam_ct_equal(nk.enc, nk.mac, nk.len) || !seam_ct_equal(nk.enc, nk.dek, nk.len)) {
        gp_keys_wipe(&nk);
        return bad_usage("%s", "put-key --new-kid with an AES key takes one key, not an "
                               "enc/mac/dek set");
    }
    int rc = put_key_target(o, s, ca);
    uint16_t sw = 0;
    seam_err e = SEAM_OK;
    if (!rc)
        e = gp_put_key_aes_one(s, (uint8_t)o->new_kid, (uint8_t)o->new_kvn,
                               o->replace > 0 ? (uint8_t)o->replace : 0, nk.enc, nk.len, &sw);
    unsigned bits = nk.len * 8u;
    gp_keys_wipe(&nk);
    if (rc) return rc;
    if (e == SEAM_E_AUTH) {
        fprintf(stderr, "seam gp: PUT KEY: the card's key check value does not match the key "
                        "sent\n");
        return 1;
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: PUT KEY failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("PUT KEY", sw);
        if (sw == SW_WRONG_DATA)
            fprintf(stderr, "  (does KID %02lX KVN %02lX exist already, or does the card not take "
                            "an AES key there? --replace KVN replaces it)\n",
                    o->new_kid, o->new_kvn);
        return 1;
    }
    printf("PUT KEY: AES-%u key KID 0x%02lX KVN 0x%02lX %s; key check value verified\n", bits,
           o->new_kid, o->new_kvn, o->replace > 0 ? "replaced" : "added");
    return 0;
}

static int cmd_put_key(const gp_opts *o, gp_session *s, const content_args *ca, gp_script *sc)
{
    if (o->new_kvn < 0) return bad_usage("%s", "put-key needs --new-kvn N (1..127)");
    if (o->new_kid > 0 && (o->new_keys_file || o->new_key)) return cmd_put_key_one(o, s, ca);
    if (o->new_kid > 0) {
        int rc = put_key_target(o, s, ca);
        return rc ? rc : cmd_put_key_ecc(o, s, sc);
    }
    gp_keys nk;
    const char *names[4] = {"--new-key", "--new-enc", "--new-mac", "--new-dek"};
    if (o->new_enc && !(o->new_mac && o->new_dek))
        return bad_usage("%s", "--new-enc, --new-mac and --new-dek go together");
    if (o->new_keys_file) {
        if (!read_keys_file("--new-keys", o->new_keys_file, o->new_kvn, &nk)) return 2;
    } else if (!parse_keys(o->new_key, o->new_enc, o->new_mac, o->new_dek, names, NULL, o->new_kvn,
                           &nk)) {
        return 2;
    }
    int trc = put_key_target(o, s, ca);
    if (trc) {
        gp_keys_wipe(&nk);
        return trc;
    }
    uint16_t sw = 0;
    if (sc) {
        /* the script predicts the answer: the KVN and the key check values */
        uint8_t exp[10];
        exp[0] = nk.kvn;
        scp03_kcv(nk.enc, nk.len, exp + 1);
        scp03_kcv(nk.mac, nk.len, exp + 4);
        scp03_kcv(nk.dek, nk.len, exp + 7);
        gp_script_expect(sc, exp, sizeof exp, SW_NO_ERROR, true);
    }
    seam_err e = gp_put_key_aes(s, &nk, o->replace > 0 ? (uint8_t)o->replace : 0, &sw);
    unsigned bits = nk.len * 8u;
    gp_keys_wipe(&nk);
    if (e == SEAM_E_AUTH) {
        fprintf(stderr, "seam gp: PUT KEY: the card's key check values do not match the keys "
                        "sent — the key set may be corrupt; do not use it\n");
        return 1;
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: PUT KEY failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("PUT KEY", sw);
        if (sw == SW_WRONG_DATA)
            fprintf(stderr, "  (does the KVN exist already? use --replace KVN to replace it)\n");
        return 1;
    }
    char to[40] = "";
    if (o->to) {
        memcpy(to, " to ", 4);
        aid_str(ca->to, ca->to_len, to + 4);
    }
    if (o->replace > 0)
        printf("PUT KEY: key set 0x%02lX replaced by AES-%u key set 0x%02lX%s; key check values "
               "verified\n",
               o->replace, bits, o->new_kvn, to);
    else
        printf("PUT KEY: AES-%u key set 0x%02lX added%s; key check values verified\n", bits,
               o->new_kvn, to);
    return 0;
}

static int cmd_delete_key(const gp_opts *o, gp_session *s)
{
    uint16_t sw = 0;
    seam_err e = gp_delete_key(s, (uint8_t)o->del_kvn, 0, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: DELETE KEY failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("DELETE KEY", sw);
        return 1;
    }
    printf("DELETE KEY: key set 0x%02lX deleted\n", o->del_kvn);
    return 0;
}

/* ---- Amendment F keys and certificates ---- */

/* PUT KEY of an ECC key: an SD key pair from --ec-key, or a public key (CA-KLOC) from the leaf
 * of the certificate file --ec-pub. */
static int cmd_put_key_ecc(const gp_opts *o, gp_session *s, gp_script *sc)
{
    if (!o->ec_key == !o->ec_pub)
        return bad_usage("%s", "put-key --new-kid needs one of --ec-key FILE (a key pair) and "
                               "--ec-pub FILE (a certificate: its public key)");
    uint8_t sk[32], pk[65];
    char err[160] = "";
    seam_err e;
    if (o->ec_key) {
        e = kf_privkey_read(o->ec_key, sk, pk, err, sizeof err);
    } else if (kf_privkey_read(o->ec_pub, sk, pk, NULL, 0) == SEAM_OK) {
        /* a private key file: only its public half goes to the card */
        seam_wipe(sk, sizeof sk);
        e = SEAM_OK;
    } else {
        kf_certs *set = calloc(1, sizeof *set);
        x509_cert leaf;
        e = set ? kf_certs_read(o->ec_pub, set, err, sizeof err) : SEAM_E_NOMEM;
        if (e == SEAM_OK)
            e = x509_parse(set->buf + set->off[set->n - 1], set->len[set->n - 1], &leaf, err,
                           sizeof err);
        if (e == SEAM_OK) memcpy(pk, leaf.pub, sizeof pk);
        free(set);
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: %s: %s%s%s\n", o->ec_key ? o->ec_key : o->ec_pub,
                seam_strerror(e), err[0] ? ": " : "", err);
        seam_wipe(sk, sizeof sk);
        return 2;
    }
    uint8_t kvn = (uint8_t)o->new_kvn, kid = (uint8_t)o->new_kid;
    if (sc) gp_script_expect(sc, &kvn, 1, SW_NO_ERROR, true);
    uint16_t sw = 0;
    e = gp_put_key_ecc(s, kid, kvn, o->replace > 0 ? (uint8_t)o->replace : 0, o->ec_key ? sk : NULL,
                       pk, &sw);
    seam_wipe(sk, sizeof sk);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: PUT KEY failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("PUT KEY", sw);
        if (sw == SW_WRONG_DATA)
            fprintf(stderr,
                    "  (does KID %02X KVN %02X exist already? --replace KVN replaces "
                    "it)\n",
                    kid, kvn);
        return 1;
    }
    printf("PUT KEY: ECC P-256 %s KID 0x%02X KVN 0x%02X %s\n",
           o->ec_key ? "key pair" : "public key", kid, kvn, o->replace > 0 ? "replaced" : "added");
    return 0;
}

static int cmd_generate_key(const gp_opts *o, gp_session *s)
{
    uint8_t pub[CR_P256_PUB_LEN];
    uint16_t sw = 0;
    seam_err e = gp_generate_ec_key(s, (uint8_t)o->new_kid, (uint8_t)o->new_kvn,
                                    (uint8_t)(o->replace > 0 ? o->replace : 0), pub, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: GENERATE KEY failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("GENERATE KEY", sw);
        return 1;
    }
    char hex[2 * CR_P256_PUB_LEN + 2];
    seam_hex_encode(pub, sizeof pub, hex);
    strcat(hex, "\n");
    /* written to a temporary name and renamed: a failed run leaves no half file */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", o->arg) >= (int)sizeof tmp) return 2;
    FILE *f = fopen(tmp, "w");
    bool ok = f && fputs(hex, f) >= 0;
    if (f && fclose(f) != 0) ok = false;
    if (!ok || rename(tmp, o->arg) != 0) {
        fprintf(stderr, "seam gp: cannot write %s: %s\n", o->arg, strerror(errno));
        remove(tmp);
        return 1;
    }
    printf("GENERATE KEY: key pair KID 0x%02lX KVN 0x%02lX made on the card; public key in %s\n",
           o->new_kid, o->new_kvn, o->arg);
    return 0;
}

static int cmd_store_cert(const gp_opts *o, gp_session *s)
{
    kf_certs *set = calloc(1, sizeof *set);
    if (!set) return 1;
    char err[160] = "";
    seam_err e = kf_certs_read(o->arg, set, err, sizeof err);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: %s: %s%s%s\n", o->arg, seam_strerror(e), err[0] ? ": " : "", err);
        free(set);
        return 2;
    }
    const uint8_t *c[KF_MAX_CERTS];
    for (size_t i = 0; i < set->n; i++)
        c[i] = set->buf + set->off[i];
    uint16_t sw = 0;
    e = gp_store_certs(s, (uint8_t)o->new_kid, (uint8_t)o->new_kvn, c, set->len, set->n, &sw);
    size_t n = set->n;
    free(set);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: STORE DATA failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("STORE DATA of the certificates", sw);
        return 1;
    }
    printf("STORE DATA: %zu certificate%s stored for key KID 0x%02lX KVN 0x%02lX\n", n,
           n == 1 ? "" : "s", o->new_kid, o->new_kvn);
    return 0;
}

/* ---- SCP11 ---- */
typedef struct {
    kf_certs sd, oce, ca;
    uint8_t sk_oce[32], pk_oce[65], pk_sd[65];
    const uint8_t *oce_ptr[KF_MAX_CERTS];
    gp_scp11_opts opts;
} scp11_ctx;

static void scp11_free(scp11_ctx *x)
{
    if (!x) return;
    seam_wipe(x->sk_oce, sizeof x->sk_oce);
    free(x);
}

/* Checks the SCP11 options (0 or the exit status). */
static int scp11_check_args(const gp_opts *o)
{
    bool any = o->sd_cert || o->sd_cert_from_card || o->ca || o->oce_key || o->n_oce_cert || o->kid;
    if (!o->scp11) {
        if (any)
            return bad_usage("%s", "--sd-cert, --ca, --oce-key, --oce-cert and --kid go with "
                                   "--scp11a, --scp11b or --scp11c");
        return 0;
    }
    if (!gp_scp11_usage((uint8_t)o->sec))
        return bad_usage("--sec 0x%02lX: SCP11 has the levels 0x01, 0x03, 0x11 and 0x33", o->sec);
    if (o->s16) return bad_usage("%s", "--s16 is SCP03's: SCP11 sessions use 8-byte MACs");
    if (o->key || o->key_enc) return bad_usage("%s", "--key is SCP03's; SCP11 uses certificates");
    if (o->kvn == 0) return bad_usage("%s", "SCP11 needs --kvn N, the KVN of the SD's key pair");
    if (!o->ca)
        return bad_usage("%s", "SCP11 needs --ca FILE, the CA certificate the SD's certificate "
                               "must chain to");
    if (!o->sd_cert && !o->sd_cert_from_card)
        return bad_usage("%s", "SCP11 needs the SD's certificate: --sd-cert FILE or "
                               "--sd-cert-from-card");
    if (o->scp11 != 'b' && (!o->oce_key || !o->n_oce_cert))
        return bad_usage("--scp11%c needs --oce-key FILE and --oce-cert FILE", o->scp11);
    if (o->scp11 == 'b' && (o->oce_key || o->n_oce_cert))
        return bad_usage("%s", "--scp11b authenticates the card only: no --oce-key/--oce-cert");
    return 0;
}

static int file_error(const char *path, seam_err e, const char *err)
{
    fprintf(stderr, "seam gp: %s: %s%s%s\n", path, seam_strerror(e), err[0] ? ": " : "", err);
    return 2;
}

/* Reads the files before the card is touched: the CA, the SD certificate file, the OCE key
 * and chain (whose leaf must certify that key). */
static int scp11_load(const gp_opts *o, scp11_ctx *x)
{
    char err[200] = "";
    seam_err e = kf_certs_read(o->ca, &x->ca, err, sizeof err);
    if (e != SEAM_OK) return file_error(o->ca, e, err);
    if (o->sd_cert && (e = kf_certs_read(o->sd_cert, &x->sd, err, sizeof err)) != SEAM_OK)
        return file_error(o->sd_cert, e, err);
    gp_scp11_opts *p = &x->opts;
    memset(p, 0, sizeof *p);
    p->variant = o->scp11 == 'a'   ? SCP11_VARIANT_A
                 : o->scp11 == 'b' ? SCP11_VARIANT_B
                                   : SCP11_VARIANT_C;
    p->kvn = (uint8_t)o->kvn;
    p->kid = (uint8_t)o->kid;
    p->level = (uint8_t)o->sec;
    p->pk_sd = x->pk_sd;
    if (o->scp11 == 'b') return 0;
    e = kf_privkey_read(o->oce_key, x->sk_oce, x->pk_oce, err, sizeof err);
    if (e != SEAM_OK) return file_error(o->oce_key, e, err);
    for (size_t i = 0; i < o->n_oce_cert; i++)
        if ((e = kf_certs_read(o->oce_cert[i], &x->oce, err, sizeof err)) != SEAM_OK)
            return file_error(o->oce_cert[i], e, err);
    x509_cert leaf;
    size_t last = x->oce.n - 1;
    e = x509_parse(x->oce.buf + x->oce.off[last], x->oce.len[last], &leaf, err, sizeof err);
    if (e != SEAM_OK) return file_error(o->oce_cert[o->n_oce_cert - 1], e, err);
    if (memcmp(leaf.pub, x->pk_oce, sizeof x->pk_oce) != 0) {
        fprintf(stderr,
                "seam gp: %s is not the key of the last --oce-cert certificate (the "
                "OCE's ECKA certificate goes last)\n",
                o->oce_key);
        return 2;
    }
    for (size_t i = 0; i < x->oce.n; i++)
        x->oce_ptr[i] = x->oce.buf + x->oce.off[i];
    p->sk_oce = x->sk_oce;
    p->oce_certs = x->oce_ptr;
    p->oce_lens = x->oce.len;
    p->n_oce = x->oce.n;
    p->ca_kvn = (uint8_t)o->ca_kvn;
    return 0;
}

static uint8_t scp11_kid(const gp_opts *o)
{
    if (o->kid) return (uint8_t)o->kid;
    return o->scp11 == 'a' ? GP_SCP11_KID_A : o->scp11 == 'b' ? GP_SCP11_KID_B : GP_SCP11_KID_C;
}

/* PK.SD.ECKA: the chain from the card (GET DATA BF21) or the file, checked against the CA. */
static bool scp11_sd_key(const gp_opts *o, gp_client *cl, scp11_ctx *x)
{
    const uint8_t *certs[KF_MAX_CERTS];
    size_t lens[KF_MAX_CERTS], n = 0;
    uint8_t *buf = NULL;
    const char *from = o->sd_cert;
    if (o->sd_cert_from_card && cl) {
        gp_session plain;
        gp_session_plain(&plain, cl);
        buf = malloc(KF_MAX_BYTES);
        size_t len = 0;
        uint16_t sw = 0;
        seam_err e = buf ? gp_get_cert_store(&plain, scp11_kid(o), (uint8_t)o->kvn, buf,
                                             KF_MAX_BYTES, &len, &sw)
                         : SEAM_E_NOMEM;
        if (e == SEAM_OK && sw == SW_NO_ERROR)
            e = gp_split_certs(buf, len, certs, lens, KF_MAX_CERTS, &n);
        if (e == SEAM_OK && sw == SW_NO_ERROR) {
            from = "the card's certificate store (BF21)";
        } else if (!o->sd_cert) {
            if (e != SEAM_OK)
                fprintf(stderr, "seam gp: GET DATA BF21 (the SD's certificates): %s\n",
                        seam_strerror(e));
            else
                print_sw_failure("GET DATA BF21 (the SD's certificates)", sw);
            fprintf(stderr, "  (give the SD's certificate with --sd-cert FILE)\n");
            free(buf);
            return false;
        } else {
            n = 0;
        }
    }
    if (n == 0) {
        for (size_t i = 0; i < x->sd.n; i++) {
            certs[i] = x->sd.buf + x->sd.off[i];
            lens[i] = x->sd.len[i];
        }
        n = x->sd.n;
    }
    char err[200] = "";
    seam_err e = gp_scp11_check_chain(x->ca.buf + x->ca.off[0], x->ca.len[0], certs, lens, n,
                                      (int64_t)time(NULL), x->pk_sd, err, sizeof err);
    free(buf);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: the SD's certificate from %s is not acceptable: %s%s%s\n", from,
                seam_strerror(e), err[0] ? ": " : "", err);
        fprintf(stderr, "  (it must chain to the CA of --ca %s and assert keyAgreement only)\n",
                o->ca);
        return false;
    }
    return true;
}

static bool scp11_open(const gp_opts *o, gp_conn *c, scp11_ctx *x, gp_session *s)
{
    uint16_t sw = 0;
    seam_err e = gp_session_open_scp11(s, &c->cl, &x->opts, &sw);
    if (e == SEAM_OK) return true;
    if (e == SEAM_E_AUTH)
        fprintf(stderr,
                "seam gp: SCP11%c authentication failed: the receipt does not verify — "
                "the card does not hold the key of that certificate%s\n",
                o->scp11, o->scp11 == 'b' ? "" : ", or --oce-key is not the OCE's key");
    else if (sw == SW_REFERENCED_DATA_NOT_FOUND)
        fprintf(stderr,
                "seam gp: SCP11%c authentication failed: the card has no key KID 0x%02X KVN "
                "0x%02lX%s (6A88) — check --kvn, --kid%s\n",
                o->scp11, scp11_kid(o), o->kvn, o->scp11 == 'b' ? "" : " or CA-KLOC KVN",
                o->scp11 == 'b' ? "" : ", --ca-kvn");
    else if (sw == SW_SECURITY_STATUS_NOT_SATISFIED)
        fprintf(stderr,
                "seam gp: SCP11%c: the card refused the OCE certificate chain (6982): it "
                "does not chain to the card's CA-KLOC\n",
                o->scp11);
    else if (sw && sw != SW_NO_ERROR)
        print_sw_failure("SCP11 authentication failed", sw);
    else
        fprintf(stderr, "seam gp: SCP11 authentication failed: %s\n", seam_strerror(e));
    return false;
}

/* script-check SCRIPT LOG */
static int cmd_script_check(const gp_opts *o)
{
    if (!o->arg || !o->arg2)
        return bad_usage("%s", "script-check needs the script and the output of `seam apdu -`");
    FILE *sf = fopen(o->arg, "r"), *lf = fopen(o->arg2, "r");
    if (!sf || !lf) {
        fprintf(stderr, "seam gp: cannot open %s: %s\n", !sf ? o->arg : o->arg2, strerror(errno));
        if (sf) fclose(sf);
        if (lf) fclose(lf);
        return 2;
    }
    unsigned checked = 0, bad = 0;
    seam_err e = gp_script_check(sf, lf, &checked, &bad);
    fclose(sf);
    fclose(lf);
    if (e == SEAM_OK) {
        printf("script-check: all %u answers as the script expects\n", checked);
        return 0;
    }
    if (e == SEAM_E_AUTH)
        fprintf(stderr,
                "seam gp: script-check: the answer to command %u differs from the "
                "script's expectation\n",
                bad);
    else
        fprintf(stderr,
                "seam gp: script-check: %s (command %u: is %s the output of `seam apdu "
                "- < %s`?)\n",
                seam_strerror(e), bad, o->arg2, o->arg);
    return 1;
}

static int parse_state(const char *s)
{
    static const struct {
        const char *name;
        uint8_t v;
    } states[] = {{"INITIALIZED", GP_CARD_INITIALIZED},
                  {"SECURED", GP_CARD_SECURED},
                  {"CARD_LOCKED", GP_CARD_LOCKED},
                  {"LOCKED", GP_CARD_LOCKED},
                  {"TERMINATED", GP_CARD_TERMINATED}};
    if (!s) return -1;
    for (size_t i = 0; i < SEAM_ARRAY_LEN(states); i++)
        if (!strcasecmp(s, states[i].name)) return states[i].v;
    long v = parse_num(s, 1, 255);
    if (v < 0 && strlen(s) == 2) {
        uint8_t b;
        size_t n;
        if (seam_hex_decode(s, &b, 1, &n) == SEAM_OK) v = b;
    }
    return (int)v;
}

static int cmd_set_status(gp_session *s, uint8_t state)
{
    uint16_t sw = 0;
    seam_err e = gp_set_card_status(s, state, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: SET STATUS failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("SET STATUS", sw);
        return 1;
    }
    printf("SET STATUS: card life cycle is now %s (%02X)\n",
           gp_lifecycle_name(GP_STATUS_ISD, state), state);
    return 0;
}

/* send: each APDU (plain, in hex) wrapped at the session's level, sent, the answer unwrapped
 * and printed the way `seam apdu` prints: "> " the plain command, "< " the plain response data
 * and status word. A card's error status word is an answer (exit 0); a response whose R-MAC
 * does not verify ends the run (exit 1). */
static int cmd_send(const gp_opts *o, gp_session *s)
{
    uint8_t *buf = malloc(APDU_MAX_COMMAND), *resp = malloc(APDU_MAX_RESPONSE);
    int rc = buf && resp ? 0 : 1;
    for (size_t i = 0; i < o->n_rest && !rc; i++) {
        size_t n = 0, rn = 0;
        apdu_cmd c;
        if (seam_hex_decode(o->rest[i], buf, APDU_MAX_COMMAND, &n) != SEAM_OK ||
            apdu_parse(buf, n, &c) != SEAM_OK || (c.cla & 0x0C)) {
            rc = bad_usage("send: '%s' is not a plain command APDU in hex (CLA INS P1 P2 [Lc "
                           "data] [Le], CLA without secure messaging bits: send wraps it)",
                           o->rest[i]);
            break;
        }
        uint16_t sw = 0;
        printf("> ");
        for (size_t k = 0; k < n; k++)
            printf("%02X%s", buf[k], k + 1 < n ? " " : "\n");
        seam_err e = gp_send_cmd(s, c.cla, c.ins, c.p1, c.p2, c.data, c.lc, c.has_le, resp,
                                 APDU_MAX_RESPONSE - 2, &rn, &sw);
        if (e != SEAM_OK) {
            fprintf(stderr, "seam gp: send: %s%s\n", seam_strerror(e),
                    e == SEAM_E_AUTH ? " (the response's R-MAC does not verify)" : "");
            rc = 1;
            break;
        }
        printf("< ");
        for (size_t k = 0; k < rn; k++)
            printf("%02X ", resp[k]);
        printf("%02X %02X\n", sw >> 8, sw & 0xFF);
    }
    free(buf);
    free(resp);
    return rc;
}

/* Runs one authenticated command over the session (SCP03, SCP11 or a script's). */
static int run_command(const gp_opts *o, gp_session *s, content_args *ca, int state,
                       gp_script *sc)
{
    if (!strcmp(o->command, "list")) return cmd_list(s, o->sd != NULL);
    if (!strcmp(o->command, "load")) return cmd_load(o, s, ca);
    if (!strcmp(o->command, "install")) return cmd_install(o, s, ca);
    if (!strcmp(o->command, "delete")) return cmd_delete(o, s, ca);
    if (!strcmp(o->command, "put-key")) return cmd_put_key(o, s, ca, sc);
    if (!strcmp(o->command, "create-sd")) return cmd_create_sd(s, ca);
    if (!strcmp(o->command, "extradite")) return cmd_extradite(o, s, ca);
    if (!strcmp(o->command, "send")) return cmd_send(o, s);
    if (!strcmp(o->command, "set-state") ||
        ((!strcmp(o->command, "lock") || !strcmp(o->command, "unlock")) && o->arg))
        return cmd_app_status(o, s, ca);
    if (!strcmp(o->command, "delete-key")) return cmd_delete_key(o, s);
    if (!strcmp(o->command, "store-cert")) return cmd_store_cert(o, s);
    if (!strcmp(o->command, "generate-key")) return cmd_generate_key(o, s);
    return cmd_set_status(s, (uint8_t)state);
}

/* `seam gp script`: the command against an SCP11c session precomputed without the card. */
static int run_script(const gp_opts *o, content_args *ca, int state, scp11_ctx *x)
{
    if (!scp11_sd_key(o, NULL, x)) return 1;
    FILE *f = fopen(o->output, "w");
    if (!f) {
        fprintf(stderr, "seam gp: cannot write %s: %s\n", o->output, strerror(errno));
        return 2;
    }
    gp_script sc;
    gp_session s;
    seam_err e = gp_script_begin(&sc, f, &s, &x->opts);
    int rc = 1;
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: cannot precompute the SCP11c session: %s\n", seam_strerror(e));
    } else {
        rc = run_command(o, &s, ca, state, &sc);
        gp_session_close(&s);
        e = gp_script_end(&sc);
        if (rc == 0 && e != SEAM_OK) {
            fprintf(stderr, "seam gp: writing the script failed: %s\n", seam_strerror(e));
            rc = 1;
        }
    }
    if (fclose(f) != 0 && rc == 0) {
        fprintf(stderr, "seam gp: cannot write %s: %s\n", o->output, strerror(errno));
        rc = 1;
    }
    if (rc == 0)
        printf("script: %u APDUs written to %s; nothing was sent to a card (replay: seam apdu "
               "[CARD] - < %s > LOG; check: seam gp script-check %s LOG)\n",
               sc.count, o->output, o->output, o->output);
    else
        remove(o->output);
    return rc;
}

int cmd_gp(int argc, char **argv)
{
    bool handled = false;
    int off = cmd_gp_offline(argc, argv, &handled); /* dap-sign, token, verify-receipt */
    if (handled) return off;
    gp_opts o;
    bool help;
    int rc = parse_args(argc, argv, &o, &help);
    if (help) {
        usage(stdout);
        return 0;
    }
    if (rc) return rc;
    if (!strcmp(o.command, "script-check")) return cmd_script_check(&o);
    bool script = !strcmp(o.command, "script");
    if (script) {
        if (!o.arg) return bad_usage("%s", "script needs a command (put-key, install, ...)");
        o.command = o.arg;
        o.arg = o.arg2;
        o.arg2 = NULL;
        if (!o.output) return bad_usage("%s", "script needs -o FILE, where the APDUs go");
        if (o.scp11 != 'c')
            return bad_usage("%s", "script needs --scp11c: only an SCP11c session can be "
                                   "computed without the card (Amendment F)");
        if (o.sd) return bad_usage("%s", "script works with the ISD's SCP11c session: no --sd");
        if (o.store || o.connect || o.reader || o.sd_cert_from_card)
            return bad_usage("%s", "script talks to no card: give the SD's certificate with "
                                   "--sd-cert FILE, and no --store/--connect/--reader");
        if (!strcmp(o.command, "info") || !strcmp(o.command, "list") ||
            !strcmp(o.command, "script") || !strcmp(o.command, "script-check"))
            return bad_usage("script %s: the command needs the card's answers; scripts take "
                             "put-key, load, install, delete, delete-key, store-cert, lock, "
                             "unlock, terminate, set-status",
                             o.command);
    } else if (o.output) {
        return bad_usage("%s", "-o goes with script");
    }
    rc = scp11_check_args(&o);
    if (rc) return rc;

    /* Check the command and its arguments before touching the card. */
    int state = -1;
    bool needs_auth = true;
    if (!strcmp(o.command, "info")) {
        needs_auth = false;
    } else if (!strcmp(o.command, "lock") || !strcmp(o.command, "lock-card")) {
        state = GP_CARD_LOCKED; /* lock AID: SET STATUS of that application or SD instead */
    } else if (!strcmp(o.command, "unlock") || !strcmp(o.command, "unlock-card")) {
        state = GP_CARD_SECURED;
    } else if (!strcmp(o.command, "terminate")) {
        state = GP_CARD_TERMINATED;
    } else if (!strcmp(o.command, "set-status")) {
        state = parse_state(o.arg);
        if (state < 0)
            return bad_usage("set-status needs a state: INITIALIZED, SECURED, CARD_LOCKED, "
                             "TERMINATED or hex (got '%s')",
                             o.arg ? o.arg : "nothing");
    } else if (!strcmp(o.command, "put-key")) {
        if (o.new_kvn < 0) return bad_usage("%s", "put-key needs --new-kvn N (1..127)");
        if (!o.new_kid && !o.new_key && !o.new_enc && !o.new_keys_file)
            return bad_usage("%s", "put-key needs --new-keys FILE, --new-key HEX or "
                                   "--new-enc/--new-mac/--new-dek (an AES key set), or --new-kid "
                                   "with --ec-key/--ec-pub");
        if (o.new_keys_file) {
            gp_keys probe;
            bool ok = read_keys_file("--new-keys", o.new_keys_file, o.new_kvn, &probe);
            bool one = ok && seam_ct_equal(probe.enc, probe.mac, probe.len) &&
                       seam_ct_equal(probe.enc, probe.dek, probe.len);
            gp_keys_wipe(&probe);
            if (!ok) return 2;
            if (o.new_kid && !one)
                return bad_usage("%s", "put-key --new-kid with an AES key takes one key, not an "
                                       "enc/mac/dek set");
        }
    } else if (!strcmp(o.command, "store-cert")) {
        if (!o.arg || o.new_kid <= 0 || o.new_kvn < 0)
            return bad_usage("%s", "store-cert needs FILE, --new-kid KID and --new-kvn N");
    } else if (!strcmp(o.command, "generate-key")) {
        if (!o.arg || o.new_kid <= 0 || o.new_kvn <= 0)
            return bad_usage("%s", "generate-key needs PUBFILE, --new-kid KID and --new-kvn N");
    } else if (!strcmp(o.command, "delete-key")) {
        if (o.del_kvn < 0) return bad_usage("%s", "delete-key needs --del-kvn N");
    } else if (strcmp(o.command, "list") && strcmp(o.command, "load") &&
               strcmp(o.command, "install") && strcmp(o.command, "delete") &&
               strcmp(o.command, "create-sd") && strcmp(o.command, "extradite") &&
               strcmp(o.command, "set-state") && strcmp(o.command, "send")) {
        return bad_usage("unknown command '%s' (info, list, load, install, delete, create-sd, "
                         "extradite, put-key, delete-key, store-cert, generate-key, lock, unlock, "
                         "set-state, send, lock-card, unlock-card, terminate, set-status, script, "
                         "script-check)",
                         o.command);
    }
    if ((o.ec_key || o.ec_pub || o.new_kid) && strcmp(o.command, "put-key") &&
        strcmp(o.command, "store-cert") && strcmp(o.command, "generate-key"))
        return bad_usage("%s", "--new-kid, --ec-key and --ec-pub go with put-key");
    bool takes_arg = !strcmp(o.command, "set-status") || !strcmp(o.command, "load") ||
                     !strcmp(o.command, "install") || !strcmp(o.command, "delete") ||
                     !strcmp(o.command, "store-cert") || !strcmp(o.command, "generate-key") ||
                     !strcmp(o.command, "create-sd") || !strcmp(o.command, "extradite") ||
                     !strcmp(o.command, "set-state") || !strcmp(o.command, "lock") ||
                     !strcmp(o.command, "unlock");
    if (o.arg && !takes_arg) return bad_usage("unexpected argument '%s'", o.arg);
    content_args ca;
    rc = content_prepare(&o, &ca);
    if (rc) {
        content_free(&ca);
        return rc;
    }

    scp11_ctx *x = NULL;
    if (o.scp11) {
        x = calloc(1, sizeof *x);
        rc = x ? scp11_load(&o, x) : 1;
        if (rc) {
            scp11_free(x);
            content_free(&ca);
            return rc;
        }
    }
    if (script) {
        rc = run_script(&o, &ca, state, x);
        scp11_free(x);
        content_free(&ca);
        return rc;
    }

    gp_keys keys;
    const char *names[4] = {"--key", "--key-enc", "--key-mac", "--key-dek"};
    if (o.keys_file
            ? !read_keys_file("--keys", o.keys_file, o.kvn, &keys)
            : !parse_keys(o.key, o.key_enc, o.key_mac, o.key_dek, names, test_key, o.kvn, &keys)) {
        scp11_free(x);
        content_free(&ca);
        return 2;
    }

    gp_conn c;
    uint8_t atr[64];
    size_t atr_len = 0;
    if (!conn_open(&o, &c, atr, &atr_len)) {
        gp_keys_wipe(&keys);
        scp11_free(x);
        content_free(&ca);
        return 1;
    }
    rc = 1;
    if (!strcmp(o.command, "info")) {
        printf("ATR: ");
        gp_print_hex(stdout, atr, atr_len);
        printf("\n");
    }
    if (!select_sd(&o, ca.self, ca.self_len, &c)) goto out;
    if (!needs_auth) {
        rc = cmd_info(&c);
        goto out;
    }
    gp_session s;
    if (x) {
        if (!scp11_sd_key(&o, &c.cl, x) || !scp11_open(&o, &c, x, &s)) goto out;
        if (o.verbose)
            printf("authenticated with SCP11%c, SD key KID 0x%02X KVN 0x%02lX, level %02lX\n",
                   o.scp11, scp11_kid(&o), o.kvn, o.sec);
    } else {
        if (!authenticate(&o, &c, &keys, &s)) goto out;
        if (o.verbose)
            printf("authenticated with key set 0x%02X (SCP03 i=%02X, %s), level %02lX\n", s.iu.kvn,
                   s.iu.i_param, s.iu.ch_len == 16 ? "S16" : "S8", o.sec);
    }
    rc = run_command(&o, &s, &ca, state, NULL);
    gp_session_close(&s);
out:
    if (rc == 1 && o.sd && needs_auth)
        fprintf(stderr, "  (the session was with security domain %s, given by --sd)\n", o.sd);
    gp_keys_wipe(&keys);
    scp11_free(x);
    conn_close(&c);
    content_free(&ca);
    return rc;
}
