/*
 * `seam gp dap-sign | token | verify-receipt`: the offline parts of GlobalPlatform signed code
 * and delegated management (GP CS 2.3.1 Appendix C; include/seam/gpsig.h, docs/dap.md). They
 * need no card: a service provider's signer, the issuer's token office and the receipt check
 * run where the keys are. cmd_gp.c hands its argv here first (cmd_gp_offline).
 *
 * Keys come from files and are never printed: an ECC P-256 private key in PEM (keyfile.h), or
 * an AES key as hex text in a file. Every buffer that held key bytes is wiped before return.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "seam/gpsig.h"
#include "seam/keyfile.h"

#define SIG_FILE_MAX (1024u * 1024u)

void cmd_gp_offline_usage(FILE *f)
{
    fprintf(f, "  dap-sign --sd AID (--key EC.pem | --aes-key FILE) LOADFILE\n"
               "        sign a load file's DAP block (E2) for security domain AID; prints\n"
               "        'hash HEX' (the Load File Data Block Hash) and 'dap HEX'\n"
               "  token --key EC.pem --sd AID --id HEX [--cin HEX] --ins install|delete\n"
               "        --p1 HEX --p2 HEX --data HEX\n"
               "        sign a delegated management token for the security domain AID that will\n"
               "        send the command (it works in no other); --data is the command data\n"
               "        without the token; prints the data field to send (with B6 {93 id} and\n"
               "        token)\n"
               "  verify-receipt --key FILE --aid HEX [--aid HEX ...] RESPONSE\n"
               "        check a receipt (AES key as hex in FILE) over the context AIDs, in GP's\n"
               "        order; RESPONSE is the command's response data in hex\n");
}

static int usage(const char *msg)
{
    fprintf(stderr, "seam gp: %s\n", msg);
    cmd_gp_offline_usage(stderr);
    return 2;
}

/* Reads a whole file (at most cap bytes) into a malloc'd buffer. */
static uint8_t *read_file(const char *path, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(cap + 1);
    size_t n = buf ? fread(buf, 1, cap + 1, f) : 0;
    fclose(f);
    if (!buf || n > cap) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* An AES key written as hex text in a file (spaces and newlines ignored). */
static bool read_aes_key(const char *path, uint8_t key[32], size_t *keylen)
{
    size_t n = 0;
    uint8_t *txt = read_file(path, 256, &n);
    if (!txt) return false;
    char hex[257];
    size_t h = 0;
    for (size_t i = 0; i < n; i++)
        if (txt[i] != ' ' && txt[i] != '\n' && txt[i] != '\r' && txt[i] != '\t')
            hex[h++] = (char)txt[i];
    hex[h] = 0;
    seam_wipe(txt, n);
    free(txt);
    seam_err e = seam_hex_decode(hex, key, 32, keylen);
    seam_wipe(hex, sizeof hex);
    return e == SEAM_OK && (*keylen == 16 || *keylen == 24 || *keylen == 32);
}

static bool hex_arg(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    return s && seam_hex_decode(s, out, cap, len) == SEAM_OK;
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    if (label) printf("%s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02X", p[i]);
    printf("\n");
}

static int do_dap_sign(int argc, char **argv)
{
    const char *sd = NULL, *key = NULL, *aes = NULL, *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--sd") && i + 1 < argc)
            sd = argv[++i];
        else if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (!strcmp(argv[i], "--aes-key") && i + 1 < argc)
            aes = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return usage("dap-sign: unknown or incomplete option");
    }
    uint8_t aid[16];
    size_t aid_len;
    if (!file || !hex_arg(sd, aid, sizeof aid, &aid_len) || aid_len < 5)
        return usage("dap-sign needs --sd AID (5..16 bytes in hex) and a load file");
    if (!key == !aes) return usage("dap-sign needs exactly one of --key and --aes-key");
    size_t len = 0;
    uint8_t *lf = read_file(file, SIG_FILE_MAX, &len);
    if (!lf) {
        fprintf(stderr, "seam gp dap-sign: cannot read %s (missing, or over 1 MiB)\n", file);
        return 1;
    }
    uint8_t hash[32], blk[GPSIG_DAP_MAX], k[32];
    size_t n = 0, kl = 0;
    seam_err e = gpsig_lfdb_hash(lf, len, hash);
    free(lf);
    char err[128] = "";
    if (e == SEAM_OK && key) {
        e = kf_privkey_read(key, k, NULL, err, sizeof err);
        if (e == SEAM_OK) e = gpsig_dap_block_ecc(aid, aid_len, hash, k, blk, sizeof blk, &n);
    } else if (e == SEAM_OK) {
        if (!read_aes_key(aes, k, &kl)) {
            fprintf(stderr, "seam gp dap-sign: %s does not hold an AES key in hex\n", aes);
            return 1;
        }
        e = gpsig_dap_block_aes(aid, aid_len, hash, k, kl, blk, sizeof blk, &n);
    }
    seam_wipe(k, sizeof k);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp dap-sign: %s%s%s\n", seam_strerror(e), err[0] ? ": " : "", err);
        return 1;
    }
    print_hex("hash", hash, sizeof hash);
    print_hex("dap", blk, n);
    return 0;
}

static int do_token(int argc, char **argv)
{
    const char *key = NULL, *id = NULL, *cin = NULL, *ins = NULL, *p1 = NULL, *p2 = NULL,
               *data = NULL, *sd = NULL;
    for (int i = 0; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--key")    ? &key
                            : !strcmp(argv[i], "--sd")   ? &sd
                            : !strcmp(argv[i], "--id")   ? &id
                            : !strcmp(argv[i], "--cin")  ? &cin
                            : !strcmp(argv[i], "--ins")  ? &ins
                            : !strcmp(argv[i], "--p1")   ? &p1
                            : !strcmp(argv[i], "--p2")   ? &p2
                            : !strcmp(argv[i], "--data") ? &data
                                                         : NULL;
        if (!slot || i + 1 >= argc) return usage("token: unknown or incomplete option");
        *slot = argv[++i];
    }
    uint8_t idb[8], cinb[16], p1b[1], p2b[1], insb, sdb[16];
    size_t idl, cinl = 0, l1, l2, dl, sdl = 0;
    if (!key || !hex_arg(id, idb, sizeof idb, &idl) || idl == 0)
        return usage("token needs --key and --id (1..8 bytes in hex)");
    /* the token is bound to the SD that will execute the command (docs/dap.md) */
    if (!sd || !hex_arg(sd, sdb, sizeof sdb, &sdl) || sdl < 5)
        return usage("token needs --sd AID (5..16 bytes in hex): the SD that sends the command");
    if (cin && !hex_arg(cin, cinb, sizeof cinb, &cinl)) return usage("token: --cin is hex");
    if (!ins || (strcmp(ins, "install") && strcmp(ins, "delete")))
        return usage("token needs --ins install or --ins delete");
    insb = !strcmp(ins, "install") ? 0xE6 : 0xE4;
    if (!hex_arg(p1, p1b, 1, &l1) || l1 != 1 || !hex_arg(p2, p2b, 1, &l2) || l2 != 1)
        return usage("token needs --p1 and --p2 (one byte in hex each)");
    uint8_t *d = malloc(65536), *out = malloc(65536 + 200);
    if (!d || !out || !data || !hex_arg(data, d, 65536, &dl)) {
        free(d);
        free(out);
        return usage("token needs --data (hex)");
    }
    uint8_t k[32];
    char err[128] = "";
    size_t n = 0;
    seam_err e = kf_privkey_read(key, k, NULL, err, sizeof err);
    if (e == SEAM_OK)
        e = gpsig_token_data_sd(insb, p1b[0], p2b[0], d, dl, idb, idl, cin ? cinb : NULL, cinl, sdb,
                                sdl, k, out, 65536 + 200, &n);
    seam_wipe(k, sizeof k);
    if (e == SEAM_OK)
        print_hex(NULL, out, n);
    else
        fprintf(stderr, "seam gp token: %s%s%s (is --data the command data without a token?)\n",
                seam_strerror(e), err[0] ? ": " : "", err);
    free(d);
    free(out);
    return e == SEAM_OK ? 0 : 1;
}

static int do_verify_receipt(int argc, char **argv)
{
    const char *key = NULL, *resp = NULL;
    uint8_t aids[4][16];
    gpsig_lv ctx[4];
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            key = argv[++i];
        } else if (!strcmp(argv[i], "--aid") && i + 1 < argc) {
            size_t l;
            if (n == 4 || !hex_arg(argv[++i], aids[n], 16, &l))
                return usage("verify-receipt: at most 4 --aid values, each up to 16 bytes of hex");
            ctx[n].p = aids[n];
            ctx[n].len = l;
            n++;
        } else if (argv[i][0] != '-' && !resp) {
            resp = argv[i];
        } else {
            return usage("verify-receipt: unknown or incomplete option");
        }
    }
    uint8_t r[256], k[32];
    size_t rl, kl;
    if (!key || !n || !hex_arg(resp, r, sizeof r, &rl))
        return usage("verify-receipt needs --key FILE, --aid values and the response in hex");
    if (!read_aes_key(key, k, &kl)) {
        fprintf(stderr, "seam gp verify-receipt: %s does not hold an AES key in hex\n", key);
        return 1;
    }
    gpsig_receipt gr;
    seam_err e = gpsig_receipt_verify(r, rl, k, kl, ctx, n, &gr);
    seam_wipe(k, sizeof k);
    if (e == SEAM_E_NOT_FOUND) {
        fprintf(stderr, "seam gp verify-receipt: the response carries no receipt (00)\n");
        return 1;
    }
    if (e != SEAM_OK) {
        fprintf(stderr, "seam gp verify-receipt: receipt %s\n",
                e == SEAM_E_AUTH ? "does not verify" : "is malformed");
        return 1;
    }
    printf("receipt ok, confirmation counter %u", (unsigned)gr.counter);
    if (gr.has_token_id) {
        printf(", token ");
        for (size_t i = 0; i < gr.token_id_len; i++)
            printf("%02X", gr.token_id[i]);
    }
    printf("\n");
    return 0;
}

int cmd_gp_offline(int argc, char **argv, bool *handled)
{
    *handled = false;
    /* the verb may follow cmd_gp's global options; the offline verbs take no global option,
     * so the first argument that names one of them is it */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool sub = !strcmp(a, "dap-sign") || !strcmp(a, "token") || !strcmp(a, "verify-receipt");
        if (sub) {
            *handled = true;
            int rest = argc - i - 1;
            char **rv = argv + i + 1;
            if (!strcmp(a, "dap-sign")) return do_dap_sign(rest, rv);
            if (!strcmp(a, "token")) return do_token(rest, rv);
            return do_verify_receipt(rest, rv);
        }
    }
    return 0;
}
