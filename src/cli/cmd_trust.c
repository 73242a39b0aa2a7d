/*
 * `seam trust`: the host side of the card's trust anchors and quorum-signed commands
 * (docs/trust.md). It builds the anchor set for personalisation (data object DF70), signs a
 * command's content with several (key, certificate chain) pairs into a CMS SignedData
 * (RFC 5652, through src/crypto/cms_build.c), checks one with both the card's parser and
 * OpenSSL, and turns either into STORE DATA APDUs that any transport sends (`seam apdu -`).
 *
 * Exit status: 0 ok, 1 failure (a file, a key, a certificate, a refused check), 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "seam/cms.h"
#include "seam/pki.h"
#include "seam/x509.h"

#define MAX_FILE (64 * 1024)
#define MAX_ROOTS 8
#define MAX_CHAIN 8

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: seam trust sign --op OP --counter N --signer KEY,CERT[,CA...] [--signer ...]\n"
        "                       [--originator HEX] [--card HEX] [--cell N] [--root FILE]\n"
        "                       [--k N] [--old-kvn N --key-data HEX] [--payload HEX]\n"
        "                       -o FILE [--force]\n"
        "       seam trust anchors -k K ROOT... -o FILE [--force]\n"
        "       seam trust verify FILE --root ROOT [--root ROOT...]\n"
        "       seam trust apdus [--anchors] [--block N] FILE\n"
        "\n"
        "sign     builds the content of a quorum-signed command (docs/trust.md) and signs it\n"
        "         as a CMS SignedData, one SignerInfo per --signer (a PEM private key, its\n"
        "         certificate, and the intermediate CAs up to the root; PEM or DER files;\n"
        "         the CERT file may hold the intermediates too). OP is one of attest,\n"
        "         replace-anchor (--cell, --root), revoke-anchor (--cell), set-k (--k),\n"
        "         replace-keys (--old-kvn, --key-data: PUT KEY key data under that key set's\n"
        "         DEK). The originator defaults to the first signer certificate's SKI.\n"
        "         Counters must grow per originator and exceed every counter the card has\n"
        "         seen when credentials last changed: use e.g. the time in milliseconds.\n"
        "anchors  the DF70 value for personalisation: k and the root certificates.\n"
        "verify   parses FILE with the card's own CMS parser and verifies it with OpenSSL\n"
        "         against the roots (no time check: the card has no clock).\n"
        "apdus    prints SELECT ISD and the STORE DATA blocks carrying FILE (DF71, or DF70\n"
        "         with --anchors, which must be sent under an SCP03 session), for seam apdu -.\n");
}

static bool read_all(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    seam_err e = pki_read_file(path, buf, cap, len);
    if (e != SEAM_OK)
        fprintf(stderr, "seam trust: cannot read %s: %s\n", path,
                e == SEAM_E_LENGTH ? "too large" : strerror(errno));
    return e == SEAM_OK;
}

/* Certificates of a PEM or DER file, appended to store (offsets in offs/lens). */
static bool read_certs(const char *path, uint8_t *store, size_t cap, size_t *used, size_t *offs,
                       size_t *lens, size_t max, size_t *n)
{
    static uint8_t raw[MAX_FILE];
    size_t len, o[MAX_CHAIN], l[MAX_CHAIN], k = 0;
    if (!read_all(path, raw, sizeof raw, &len)) return false;
    if (pki_certs_decode(raw, len, store + *used, cap - *used, o, l, MAX_CHAIN, &k) != SEAM_OK ||
        k == 0 || *n + k > max) {
        fprintf(stderr, "seam trust: %s: no certificate, or too many\n", path);
        return false;
    }
    for (size_t i = 0; i < k; i++) {
        offs[*n] = *used + o[i];
        lens[*n] = l[i];
        (*n)++;
    }
    *used += o[k - 1] + l[k - 1];
    return true;
}

static bool write_out(const char *path, const uint8_t *p, size_t n, bool force)
{
    seam_err e = pki_write_file(path, p, n, 0644, force);
    if (e == SEAM_E_EXISTS)
        fprintf(stderr, "seam trust: %s exists (use --force to replace it)\n", path);
    else if (e != SEAM_OK)
        fprintf(stderr, "seam trust: cannot write %s: %s\n", path, seam_strerror(e));
    return e == SEAM_OK;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || !*s || *end || s[0] == '-') return false;
    *v = x;
    return true;
}

static bool parse_u8(const char *s, uint8_t *v)
{
    uint64_t x;
    if (!parse_u64(s, &x) || x > 255) return false;
    *v = (uint8_t)x;
    return true;
}

static const struct {
    const char *name;
    uint8_t op;
} ops[] = {{"replace-anchor", CMS_TRUST_OP_REPLACE_ANCHOR},
           {"revoke-anchor", CMS_TRUST_OP_REVOKE_ANCHOR},
           {"set-k", CMS_TRUST_OP_SET_K},
           {"replace-keys", CMS_TRUST_OP_REPLACE_KEYS},
           {"attest", CMS_TRUST_OP_ATTEST}};

typedef struct {
    uint8_t priv[32];
    size_t cert_idx; /* index in the cert table: the leaf; the rest follow */
    size_t n;        /* certificates of this signer (leaf first) */
} signer_files;

static int do_sign(int argc, char **argv)
{
    static uint8_t certs[MAX_FILE * 2], root[PKI_MAX_CERT], content[8192], out[32768];
    size_t offs[CMS_MAX_SIGNERS * MAX_CHAIN], lens[CMS_MAX_SIGNERS * MAX_CHAIN], ncert = 0;
    size_t used = 0;
    signer_files sf[CMS_MAX_SIGNERS];
    size_t nsig = 0;
    cms_trust_cmd c;
    memset(&c, 0, sizeof c);
    uint8_t orig[32], card[16], key_data[256], payload[1024];
    size_t orig_len = 0;
    bool have_counter = false, force = false;
    const char *outp = NULL;
    int rc = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(a, "--force") != 0;
        if (takes && !v) {
            fprintf(stderr, "seam trust sign: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--force")) {
            force = true;
        } else if (!strcmp(a, "--op")) {
            for (size_t k = 0; k < SEAM_ARRAY_LEN(ops); k++)
                if (!strcmp(v, ops[k].name)) c.op = ops[k].op;
            if (!c.op) {
                fprintf(stderr, "seam trust sign: unknown --op %s\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--counter")) {
            if (!parse_u64(v, &c.counter)) goto bad_number;
            have_counter = true;
        } else if (!strcmp(a, "--cell")) {
            if (!parse_u8(v, &c.cell)) goto bad_number;
        } else if (!strcmp(a, "--k")) {
            if (!parse_u8(v, &c.k)) goto bad_number;
        } else if (!strcmp(a, "--old-kvn")) {
            if (!parse_u8(v, &c.old_kvn)) goto bad_number;
        } else if (!strcmp(a, "--originator") || !strcmp(a, "--card") || !strcmp(a, "--key-data") ||
                   !strcmp(a, "--payload")) {
            uint8_t *dst = a[2] == 'o'   ? orig
                           : a[2] == 'c' ? card
                           : a[2] == 'k' ? key_data
                                         : payload;
            size_t cap = a[2] == 'o'   ? sizeof orig
                         : a[2] == 'c' ? sizeof card
                         : a[2] == 'k' ? sizeof key_data
                                       : sizeof payload;
            size_t n = 0;
            if (seam_hex_decode(v, dst, cap, &n) != SEAM_OK || n == 0) {
                fprintf(stderr, "seam trust sign: %s: not hex, or too long\n", a);
                return 2;
            }
            if (a[2] == 'o') orig_len = n;
            if (a[2] == 'c') c.card = card, c.card_len = n;
            if (a[2] == 'k') c.key_data = key_data, c.key_data_len = n;
            if (a[2] == 'p') c.payload = payload, c.payload_len = n;
        } else if (!strcmp(a, "--root")) {
            size_t n;
            if (!read_all(v, certs + sizeof certs / 2, sizeof certs / 2, &n)) return 1;
            size_t o, l, k = 0;
            if (pki_certs_decode(certs + sizeof certs / 2, n, root, sizeof root, &o, &l, 1, &k) !=
                    SEAM_OK ||
                k != 1) {
                fprintf(stderr, "seam trust sign: %s: not one certificate\n", v);
                return 1;
            }
            memmove(root, root + o, l);
            c.root = root;
            c.root_len = l;
        } else if (!strcmp(a, "--signer")) {
            if (nsig == CMS_MAX_SIGNERS) {
                fprintf(stderr, "seam trust sign: at most %d signers\n", CMS_MAX_SIGNERS);
                return 2;
            }
            char spec[4096];
            if (strlen(v) >= sizeof spec) return 2;
            strcpy(spec, v);
            char *save = NULL, *key = strtok_r(spec, ",", &save), *f;
            char err[256] = "";
            if (!key || cms_key_file(key, sf[nsig].priv, err, sizeof err) != SEAM_OK) {
                fprintf(stderr, "seam trust sign: %s\n", key ? err : "--signer KEY,CERT[,CA...]");
                return 1;
            }
            sf[nsig].cert_idx = ncert;
            while ((f = strtok_r(NULL, ",", &save)) != NULL)
                if (!read_certs(f, certs, sizeof certs / 2, &used, offs, lens, SEAM_ARRAY_LEN(offs),
                                &ncert))
                    return 1;
            sf[nsig].n = ncert - sf[nsig].cert_idx;
            if (!sf[nsig].n) {
                fprintf(stderr, "seam trust sign: --signer %s has no certificate\n", v);
                return 2;
            }
            nsig++;
        } else if (!strcmp(a, "-o")) {
            outp = v;
        } else {
            fprintf(stderr, "seam trust sign: unknown option %s\n", a);
            return 2;
        }
        if (takes) i++;
    }
    if (!c.op || !have_counter || !nsig || !outp) {
        fprintf(stderr, "seam trust sign: --op, --counter, --signer and -o are required\n");
        return 2;
    }
    if (!orig_len) {
        x509_cert leaf;
        if (x509_parse(certs + offs[sf[0].cert_idx], lens[sf[0].cert_idx], &leaf, NULL, 0) !=
                SEAM_OK ||
            !leaf.ski.len || leaf.ski.len > sizeof orig) {
            fprintf(stderr, "seam trust sign: the first signer's certificate has no usable SKI: "
                            "give --originator\n");
            goto done;
        }
        memcpy(orig, leaf.ski.p, leaf.ski.len);
        orig_len = leaf.ski.len;
    }
    c.originator = orig;
    c.originator_len = orig_len;
    size_t clen, olen;
    if (cms_trust_content(&c, content, sizeof content, &clen) != SEAM_OK) {
        fprintf(stderr, "seam trust sign: the operation lacks a parameter (see --help)\n");
        rc = 2;
        goto done;
    }
    cms_signer_in in[CMS_MAX_SIGNERS];
    const uint8_t *chain[CMS_MAX_SIGNERS][MAX_CHAIN];
    size_t chain_len[CMS_MAX_SIGNERS][MAX_CHAIN];
    for (size_t s = 0; s < nsig; s++) {
        size_t k = sf[s].cert_idx;
        for (size_t j = 1; j < sf[s].n && j <= MAX_CHAIN; j++) {
            chain[s][j - 1] = certs + offs[k + j];
            chain_len[s][j - 1] = lens[k + j];
        }
        in[s] = (cms_signer_in){sf[s].priv, certs + offs[k], lens[k],
                                chain[s],   chain_len[s],    sf[s].n - 1};
    }
    seam_err e = cms_build(content, clen, in, nsig, out, sizeof out, &olen);
    if (e != SEAM_OK) {
        fprintf(stderr, "seam trust sign: cannot sign: %s%s\n", seam_strerror(e),
                e == SEAM_E_AUTH ? " (a key is not its certificate's)" : "");
        goto done;
    }
    if (!write_out(outp, out, olen, force)) goto done;
    printf("%s: %zu bytes, %zu signer(s), counter %llu\n", outp, olen, nsig,
           (unsigned long long)c.counter);
    rc = 0;
    goto done;
bad_number:
    fprintf(stderr, "seam trust sign: a number was expected\n");
    rc = 2;
done:
    for (size_t s = 0; s < nsig; s++)
        seam_wipe(sf[s].priv, sizeof sf[s].priv);
    return rc;
}

static int do_anchors(int argc, char **argv)
{
    static uint8_t certs[MAX_FILE], out[MAX_ROOTS * PKI_MAX_CERT + 8];
    size_t offs[MAX_ROOTS], lens[MAX_ROOTS], n = 0, used = 0;
    uint8_t k = 0;
    const char *outp = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-k") && i + 1 < argc) {
            if (!parse_u8(argv[++i], &k)) return 2;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            outp = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = true;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "seam trust anchors: unknown option %s\n", argv[i]);
            return 2;
        } else if (!read_certs(argv[i], certs, sizeof certs, &used, offs, lens, MAX_ROOTS, &n)) {
            return 1;
        }
    }
    if (!outp || n < 3 || k < 2 || k > n) {
        fprintf(stderr, "seam trust anchors: give -k K (2..n), 3 to 8 roots and -o FILE\n");
        return 2;
    }
    size_t off = 0;
    out[off++] = 0x80;
    out[off++] = 0x01;
    out[off++] = k;
    for (size_t i = 0; i < n; i++) {
        x509_cert c;
        if (x509_parse(certs + offs[i], lens[i], &c, NULL, 0) != SEAM_OK || !c.ca) {
            fprintf(stderr, "seam trust anchors: certificate %zu is not a CA certificate\n", i + 1);
            return 1;
        }
        memcpy(out + off, certs + offs[i], lens[i]);
        off += lens[i];
    }
    if (!write_out(outp, out, off, force)) return 1;
    printf("%s: k = %u, %zu anchors\n", outp, k, n);
    return 0;
}

static int do_verify(int argc, char **argv)
{
    static uint8_t der[MAX_FILE], roots[MAX_FILE];
    size_t len = 0, offs[MAX_ROOTS], lens[MAX_ROOTS], n = 0, used = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--root") && i + 1 < argc) {
            if (!read_certs(argv[++i], roots, sizeof roots, &used, offs, lens, MAX_ROOTS, &n))
                return 1;
        } else if (argv[i][0] != '-' && !file) {
            file = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!file || !n) {
        usage(stderr);
        return 2;
    }
    if (!read_all(file, der, sizeof der, &len)) return 1;
    static cms_signed_data sd;
    char err[160];
    if (cms_parse(der, len, &sd, err, sizeof err) != SEAM_OK) {
        fprintf(stderr, "seam trust verify: the card would refuse it: %s\n", err);
        return 1;
    }
    const uint8_t *rp[MAX_ROOTS];
    for (size_t i = 0; i < n; i++)
        rp[i] = roots + offs[i];
    if (cms_openssl_verify(der, len, rp, lens, n) != SEAM_OK) {
        fprintf(stderr, "seam trust verify: OpenSSL does not verify it against these roots\n");
        return 1;
    }
    printf("%s: %zu signer(s), %zu certificate(s), content %zu bytes: OK\n", file, sd.n_signers,
           sd.n_certs, sd.content.len);
    return 0;
}

static int do_apdus(int argc, char **argv)
{
    static uint8_t obj[MAX_FILE + 8];
    size_t block = 239, len = 0;
    bool anchors = false;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        uint64_t b;
        if (!strcmp(argv[i], "--anchors")) {
            anchors = true;
        } else if (!strcmp(argv[i], "--block") && i + 1 < argc) {
            if (!parse_u64(argv[++i], &b) || b < 16 || b > 255) return 2;
            block = (size_t)b;
        } else if (argv[i][0] != '-' && !file) {
            file = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
    }
    if (!read_all(file, obj + 5, sizeof obj - 5, &len)) return 1;
    if (len > 0xFFFF) return 1;
    obj[0] = 0xDF;
    obj[1] = anchors ? 0x70 : 0x71;
    obj[2] = 0x82;
    obj[3] = (uint8_t)(len >> 8);
    obj[4] = (uint8_t)len;
    len += 5;
    printf("# SELECT the ISD\n00A4040008A000000151000000\n");
    printf("# STORE DATA %s, %zu bytes in blocks of %zu\n", anchors ? "DF70" : "DF71", len, block);
    for (size_t off = 0, blk = 0; off < len; off += block, blk++) {
        size_t part = len - off < block ? len - off : block;
        printf("80E2%02X%02zX%02zX", off + part == len ? 0x90 : 0x10, blk & 0xFF, part);
        for (size_t i = 0; i < part; i++)
            printf("%02X", obj[off + i]);
        printf("\n");
    }
    return 0;
}

int cmd_trust(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "sign")) return do_sign(argc - 1, argv + 1);
    if (!strcmp(argv[1], "anchors")) return do_anchors(argc - 1, argv + 1);
    if (!strcmp(argv[1], "verify")) return do_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "apdus")) return do_apdus(argc - 1, argv + 1);
    fprintf(stderr, "seam trust: unknown subcommand %s\n", argv[1]);
    usage(stderr);
    return 2;
}
