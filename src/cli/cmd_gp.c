/*
 * `seam gp`: GlobalPlatform card management from the command line, in the manner of
 * GlobalPlatformPro's `gp`: card information, the registry listing, card content management
 * (load, install, delete of seam load files: GP CS 2.3.1 §11.5, §11.6, §11.2), PUT KEY /
 * DELETE KEY and the card life cycle (GP CS 2.3.1 §11), over SCP03 (Amendment D) with the host
 * library (include/seam/gpclient.h).
 *
 * The card is reached in process (--store FILE: the SE runs inside this process on that
 * image), over a socket to `seam se --listen` (--connect), or through PC/SC (--reader, or the
 * first reader with a card when no transport is named).
 *
 * Invariants: key bytes from the command line are held in gp_keys and wiped before exit on
 * every path; nothing prints them. Exit status: 0 done, 1 the card or the transport failed,
 * 2 usage error — each with a message saying what was wrong and what to do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "seam/jcl.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"

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
           "  --kvn N               key version number to authenticate with (0 = any; default 0)\n"
           "\n"
           "options:\n"
           "  --sec LEVEL           security level: 0x01 C-MAC, 0x03 +C-DEC, 0x13 +R-MAC,\n"
           "                        0x33 +R-ENC (default 0x33)\n"
           "  --s16                 use 16-byte challenges, cryptograms and MACs (S16 mode)\n"
           "  --channel N           work on logical channel N (1..19; opened with MANAGE CHANNEL)\n"
           "  -v, --verbose         print every APDU: plain and as wrapped on the wire\n"
           "  -h, --help            this text\n"
           "\n"
           "commands:\n"
           "  info                  ATR, CPLC, card recognition data, key information, IIN, CIN\n"
           "                        (no authentication)\n"
           "  list                  authenticate and list the ISD, applications, security\n"
           "                        domains and load files (with their modules)\n"
           "  load FILE.jcl [--sd AID] [--block N]\n"
           "                        INSTALL [for load] and LOAD of a seam load file into the\n"
           "                        security domain AID (default the ISD), in LOAD blocks of N\n"
           "                        bytes (default: the largest that fits a short APDU)\n"
           "  install FILE.jcl [--applet AID] [--create AID] [--params HEX] [--privs HEX]\n"
           "                        load, then INSTALL [for install and make selectable] of each\n"
           "                        applet of the file (or only --applet) as instance --create\n"
           "                        (default: the applet's AID), with privileges --privs (1 or\n"
           "                        3 bytes, default 00) and install parameters C9 --params\n"
           "  delete AID [--deps]   DELETE an application or load file; --deps deletes a load\n"
           "                        file together with its applications\n"
           "  put-key --new-kvn N (--new-key HEX | --new-enc HEX --new-mac HEX --new-dek HEX)\n"
           "          [--replace KVN]   add an AES key set (or replace the set KVN)\n"
           "  delete-key --del-kvn N    delete a key set\n"
           "  lock | unlock | terminate   card life cycle: CARD_LOCKED, back to SECURED,\n"
           "                        TERMINATED (irreversible)\n"
           "  set-status STATE      card life cycle: INITIALIZED, SECURED, CARD_LOCKED,\n"
           "                        TERMINATED or a hex value\n"
           "\n"
           "examples:\n"
           "  seam gp --store card.img info\n"
           "  seam gp --store card.img list\n"
           "  seam gp --store card.img install build/applets/echo.jcl\n"
           "  seam gp --store card.img delete F07365616D01 --deps\n"
           "  seam gp --store card.img put-key --new-kvn 0x30 --new-key "
           "00112233445566778899AABBCCDDEEFF\n"
           "  seam gp --store card.img --kvn 0x30 --key 00112233445566778899AABBCCDDEEFF list\n");
}

typedef struct {
    const char *store, *connect, *reader;
    const char *key, *key_enc, *key_mac, *key_dek;
    const char *new_key, *new_enc, *new_mac, *new_dek;
    const char *sd, *applet, *create, *params, *privs; /* load, install */
    long kvn, new_kvn, replace, del_kvn;
    long sec, channel, block;
    bool s16, verbose, deps;
    const char *command;
    const char *arg; /* set-status STATE, load/install FILE, delete AID */
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
        {"--block", offsetof(gp_opts, block), 1, 255},
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
        if (!o->command)
            o->command = a;
        else if (!o->arg)
            o->arg = a;
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

/* Opens the logical channel (if any) and selects the ISD on it. */
static bool select_isd(const gp_opts *o, gp_conn *c)
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
    seam_err e =
        gp_select(&c->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, buf, sizeof buf, &n, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: SELECT of the ISD failed: %s\n", seam_strerror(e));
        return false;
    }
    if (sw != SW_NO_ERROR) {
        print_sw_failure("SELECT A000000151000000 (the issuer security domain)", sw);
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
                "(give the right keys with --key or --key-enc/--key-mac/--key-dek, and --kvn)\n");
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
static int cmd_list(gp_session *s)
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
/* LOAD carries at most GP_LOAD_MAX_BLOCKS blocks of at most 255 bytes, header included. */
#define LOAD_FILE_MAX (GP_LOAD_MAX_BLOCKS * 255)

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
    uint8_t aid[GP_AID_MAX]; /* delete */
    size_t aid_len;
} content_args;

static void aid_str(const uint8_t *aid, size_t len, char out[2 * GP_AID_MAX + 1])
{
    out[0] = '\0';
    for (size_t i = 0; i < len && i < GP_AID_MAX; i++)
        snprintf(out + 2 * i, 3, "%02X", aid[i]);
}

static bool parse_aid(const char *hex, const char *what, uint8_t out[GP_AID_MAX], size_t *len)
{
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
                "seam gp: %s is larger than LOAD can carry (%u blocks of at most 255 bytes)\n",
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

/* Checks the arguments of load, install and delete; 0 or the exit status. */
static int content_prepare(const gp_opts *o, content_args *ca)
{
    memset(ca, 0, sizeof *ca);
    bool load = !strcmp(o->command, "load"), install = !strcmp(o->command, "install");
    bool del = !strcmp(o->command, "delete");
    if ((o->sd || o->block) && !load && !install)
        return bad_usage("%s", "--sd and --block go with load and install");
    if ((o->applet || o->create || o->params || o->privs) && !install)
        return bad_usage("%s", "--applet, --create, --params and --privs go with install");
    if (o->deps && !del) return bad_usage("%s", "--deps goes with delete");
    if (del) {
        if (!o->arg) return bad_usage("%s", "delete needs the AID of an application or load file");
        return parse_aid(o->arg, "delete", ca->aid, &ca->aid_len) ? 0 : 2;
    }
    if (!load && !install) return 0;
    if (!o->arg) return bad_usage("%s needs a load file (FILE.jcl)", o->command);
    ca->sd_len = GP_ISD_AID_LEN;
    memcpy(ca->sd, GP_ISD_AID, GP_ISD_AID_LEN);
    if (o->sd && !parse_aid(o->sd, "--sd", ca->sd, &ca->sd_len)) return 2;
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
    if (o->privs &&
        (seam_hex_decode(o->privs, ca->privs, sizeof ca->privs, &ca->privs_len) != SEAM_OK ||
         (ca->privs_len != 1 && ca->privs_len != 3)))
        return bad_usage("--privs '%s': expected 1 or 3 bytes of privileges in hex (GP CS 2.3.1 "
                         "§6.6.1), e.g. 00",
                         o->privs);
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
}

static int cmd_load(const gp_opts *o, gp_session *s, const content_args *ca)
{
    char pkg[33], sd[33];
    aid_str(ca->info.aid, ca->info.aid_len, pkg);
    aid_str(ca->sd, ca->sd_len, sd);
    /* The block size is checked against the session before anything is sent. */
    size_t max = gp_load_max_block(s);
    size_t block = o->block > 0 ? (size_t)o->block : max;
    if (block > max) {
        fprintf(stderr,
                "seam gp: --block %zu does not fit a short APDU at security level %02lX%s: at "
                "most %zu\n",
                block, o->sec, o->s16 ? " with --s16" : "", max);
        return 2;
    }
    size_t count = gp_load_block_count(ca->file_len, block);
    if (count > GP_LOAD_MAX_BLOCKS) {
        fprintf(stderr,
                "seam gp: %s needs %zu LOAD blocks of %zu bytes; LOAD numbers at most %u (give "
                "a larger --block)\n",
                o->arg, count, block, GP_LOAD_MAX_BLOCKS);
        return 2;
    }

    uint16_t sw = 0;
    seam_err e = gp_install_for_load(s, ca->info.aid, ca->info.aid_len, ca->sd, ca->sd_len, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: INSTALL [for load] failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char what[128];
        snprintf(what, sizeof what, "INSTALL [for load] of %s into %s", pkg, sd);
        print_content_failure(what, 0xE6, sw);
        if (sw == SW_INS_NOT_SUPPORTED)
            fprintf(stderr, "  (this card does not support loading: no card content management)\n");
        else if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED || sw == SW_WRONG_DATA)
            fprintf(stderr,
                    "  (is %s on the card already? `seam gp list` shows it; `seam gp "
                    "delete %s --deps` removes it)\n",
                    pkg, pkg);
        return 1;
    }
    size_t blocks = 0;
    e = gp_load(s, ca->file, ca->file_len, block, &blocks, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: LOAD failed after %zu of %zu blocks: %s\n", blocks, count,
                seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char what[96];
        snprintf(what, sizeof what, "LOAD of %s, block %zu of %zu", pkg, blocks + 1, count);
        print_content_failure(what, 0xE8, sw);
        return 1;
    }
    printf("LOAD: %s (version %u.%u, %u applet%s) into %s: %zu bytes in %zu block%s of up to "
           "%zu bytes\n",
           pkg, ca->info.major, ca->info.minor, ca->info.n_applets,
           ca->info.n_applets == 1 ? "" : "s", sd, ca->file_len, count, count == 1 ? "" : "s",
           block);
    return 0;
}

static int cmd_install(const gp_opts *o, gp_session *s, const content_args *ca)
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
        seam_err e = gp_install_for_install(
            s, GP_INSTALL_FOR_INSTALL_SELECTABLE, ca->info.aid, ca->info.aid_len, ca->applets[i],
            ca->applet_len[i], ia, il, ca->privs, ca->privs_len, ca->params, ca->params_len, &sw);
        if (e != SEAM_OK) {
            fprintf(stderr, "seam gp: INSTALL [for install] of %s failed: %s\n", inst,
                    seam_strerror(e));
            return 1;
        }
        if (sw != SW_NO_ERROR) {
            char what[128];
            snprintf(what, sizeof what, "INSTALL [for install and make selectable] of %s", inst);
            print_content_failure(what, 0xE6, sw);
            fprintf(stderr, "  (%s stays loaded: `seam gp delete %s --deps` removes it)\n", pkg,
                    pkg);
            return 1;
        }
        printf("INSTALL: %s from module %s of %s, privileges %s: SELECTABLE\n", inst, mod, pkg,
               priv);
    }
    return 0;
}

static int cmd_delete(const gp_opts *o, gp_session *s, const content_args *ca)
{
    char aid[33];
    aid_str(ca->aid, ca->aid_len, aid);
    uint16_t sw = 0;
    seam_err e = gp_delete(s, ca->aid, ca->aid_len, o->deps, &sw);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp: DELETE failed: %s\n", seam_strerror(e));
        return 1;
    }
    if (sw != SW_NO_ERROR) {
        char what[64];
        snprintf(what, sizeof what, "DELETE of %s", aid);
        print_content_failure(what, 0xE4, sw);
        if (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED && !o->deps)
            fprintf(stderr, "  (a load file with applications goes with --deps; an application "
                            "others depend on cannot go)\n");
        else if (sw == SW_REFERENCED_DATA_NOT_FOUND || sw == SW_FILE_NOT_FOUND)
            fprintf(stderr, "  (`seam gp list` shows what is on the card)\n");
        return 1;
    }
    printf("DELETE: %s%s deleted\n", aid, o->deps ? " and its applications" : "");
    return 0;
}

static int cmd_put_key(const gp_opts *o, gp_session *s)
{
    if (o->new_kvn < 0) return bad_usage("%s", "put-key needs --new-kvn N (1..127)");
    gp_keys nk;
    const char *names[4] = {"--new-key", "--new-enc", "--new-mac", "--new-dek"};
    if (o->new_enc && !(o->new_mac && o->new_dek))
        return bad_usage("%s", "--new-enc, --new-mac and --new-dek go together");
    if (!parse_keys(o->new_key, o->new_enc, o->new_mac, o->new_dek, names, NULL, o->new_kvn, &nk))
        return 2;
    uint16_t sw = 0;
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
    if (o->replace > 0)
        printf("PUT KEY: key set 0x%02lX replaced by AES-%u key set 0x%02lX; key check values "
               "verified\n",
               o->replace, bits, o->new_kvn);
    else
        printf("PUT KEY: AES-%u key set 0x%02lX added; key check values verified\n", bits,
               o->new_kvn);
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

int cmd_gp(int argc, char **argv)
{
    gp_opts o;
    bool help;
    int rc = parse_args(argc, argv, &o, &help);
    if (help) {
        usage(stdout);
        return 0;
    }
    if (rc) return rc;

    /* Check the command and its arguments before touching the card. */
    int state = -1;
    bool needs_auth = true;
    if (!strcmp(o.command, "info")) {
        needs_auth = false;
    } else if (!strcmp(o.command, "lock")) {
        state = GP_CARD_LOCKED;
    } else if (!strcmp(o.command, "unlock")) {
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
        if (!o.new_key && !o.new_enc)
            return bad_usage("%s", "put-key needs --new-key HEX or --new-enc/--new-mac/--new-dek");
    } else if (!strcmp(o.command, "delete-key")) {
        if (o.del_kvn < 0) return bad_usage("%s", "delete-key needs --del-kvn N");
    } else if (strcmp(o.command, "list") && strcmp(o.command, "load") &&
               strcmp(o.command, "install") && strcmp(o.command, "delete")) {
        return bad_usage("unknown command '%s' (info, list, load, install, delete, put-key, "
                         "delete-key, lock, unlock, terminate, set-status)",
                         o.command);
    }
    bool takes_arg = !strcmp(o.command, "set-status") || !strcmp(o.command, "load") ||
                     !strcmp(o.command, "install") || !strcmp(o.command, "delete");
    if (o.arg && !takes_arg) return bad_usage("unexpected argument '%s'", o.arg);
    content_args ca;
    rc = content_prepare(&o, &ca);
    if (rc) {
        content_free(&ca);
        return rc;
    }

    gp_keys keys;
    const char *names[4] = {"--key", "--key-enc", "--key-mac", "--key-dek"};
    if (!parse_keys(o.key, o.key_enc, o.key_mac, o.key_dek, names, test_key, o.kvn, &keys)) {
        content_free(&ca);
        return 2;
    }

    gp_conn c;
    uint8_t atr[64];
    size_t atr_len = 0;
    if (!conn_open(&o, &c, atr, &atr_len)) {
        gp_keys_wipe(&keys);
        content_free(&ca);
        return 1;
    }
    rc = 1;
    if (!strcmp(o.command, "info")) {
        printf("ATR: ");
        gp_print_hex(stdout, atr, atr_len);
        printf("\n");
    }
    if (!select_isd(&o, &c)) goto out;
    if (!needs_auth) {
        rc = cmd_info(&c);
        goto out;
    }
    gp_session s;
    if (!authenticate(&o, &c, &keys, &s)) goto out;
    if (o.verbose)
        printf("authenticated with key set 0x%02X (SCP03 i=%02X, %s), level %02lX\n", s.iu.kvn,
               s.iu.i_param, s.iu.ch_len == 16 ? "S16" : "S8", o.sec);
    if (!strcmp(o.command, "list"))
        rc = cmd_list(&s);
    else if (!strcmp(o.command, "load"))
        rc = cmd_load(&o, &s, &ca);
    else if (!strcmp(o.command, "install"))
        rc = cmd_install(&o, &s, &ca);
    else if (!strcmp(o.command, "delete"))
        rc = cmd_delete(&o, &s, &ca);
    else if (!strcmp(o.command, "put-key"))
        rc = cmd_put_key(&o, &s);
    else if (!strcmp(o.command, "delete-key"))
        rc = cmd_delete_key(&o, &s);
    else
        rc = cmd_set_status(&s, (uint8_t)state);
    gp_session_close(&s);
out:
    gp_keys_wipe(&keys);
    conn_close(&c);
    content_free(&ca);
    return rc;
}
