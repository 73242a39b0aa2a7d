/*
 * `seam gp`: GlobalPlatform card management from the command line, in the manner of
 * GlobalPlatformPro's `gp`: card information, the registry listing, PUT KEY / DELETE KEY and
 * the card life cycle (GP CS 2.3.1 §11), over SCP03 (Amendment D) with the host library
 * (include/seam/gpclient.h).
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
           "                        domains and load files\n"
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
           "  seam gp --store card.img put-key --new-kvn 0x30 --new-key "
           "00112233445566778899AABBCCDDEEFF\n"
           "  seam gp --store card.img --kvn 0x30 --key 00112233445566778899AABBCCDDEEFF list\n");
}

typedef struct {
    const char *store, *connect, *reader;
    const char *key, *key_enc, *key_mac, *key_dek;
    const char *new_key, *new_enc, *new_mac, *new_dek;
    long kvn, new_kvn, replace, del_kvn;
    long sec, channel;
    bool s16, verbose;
    const char *command;
    const char *arg; /* set-status STATE */
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
        {"--new-dek", offsetof(gp_opts, new_dek)},
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

static int cmd_list(gp_session *s)
{
    static const uint8_t kinds[] = {GP_STATUS_ISD, GP_STATUS_APPS, GP_STATUS_LOAD_FILES_MODULES};
    gp_status_entry *e = calloc(64, sizeof *e);
    if (!e) return 1;
    int rc = 0;
    for (size_t i = 0; i < sizeof kinds; i++) {
        size_t n = 0;
        uint16_t sw = 0;
        uint8_t kind = kinds[i];
        seam_err err = gp_get_status(s, kind, e, 64, &n, &sw);
        if (err == SEAM_OK && kind == GP_STATUS_LOAD_FILES_MODULES && sw == SW_INCORRECT_P1P2) {
            kind = GP_STATUS_LOAD_FILES; /* the card lists load files without modules */
            err = gp_get_status(s, kind, e, 64, &n, &sw);
        }
        if (err != SEAM_OK) {
            fprintf(stderr, "seam gp: GET STATUS %02X failed: %s\n", kind, seam_strerror(err));
            rc = 1;
            break;
        }
        if (sw != SW_NO_ERROR && sw != SW_REFERENCED_DATA_NOT_FOUND) {
            print_sw_failure("GET STATUS", sw);
            rc = 1;
            break;
        }
        gp_print_status(stdout, kind, e, n);
    }
    free(e);
    return rc;
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
    } else if (strcmp(o.command, "list")) {
        return bad_usage("unknown command '%s' (info, list, put-key, delete-key, lock, unlock, "
                         "terminate, set-status)",
                         o.command);
    }
    if (o.arg && strcmp(o.command, "set-status"))
        return bad_usage("unexpected argument '%s'", o.arg);

    gp_keys keys;
    const char *names[4] = {"--key", "--key-enc", "--key-mac", "--key-dek"};
    if (!parse_keys(o.key, o.key_enc, o.key_mac, o.key_dek, names, test_key, o.kvn, &keys))
        return 2;

    gp_conn c;
    uint8_t atr[64];
    size_t atr_len = 0;
    if (!conn_open(&o, &c, atr, &atr_len)) {
        gp_keys_wipe(&keys);
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
    return rc;
}
