/*
 * Benchmark: the Java Card security API through an applet, next to OpenSSL doing the same
 * operation directly. APDUs per second on the in-process SE (memory medium) to
 * bench/jc/crypto/seam/benchc/CryptoBench.java (build/bench/jccrypto.jcl), one operation per
 * APDU: ECDSA P-256 sign (SHA-256 of 32 bytes), ECDH P-256 (DH_PLAIN), AES-128-CBC encryption
 * of 240 bytes, SHA-256 of 240 bytes. The OpenSSL column is EVP in a loop in this program, for
 * the same work: ECDSA sign of the same message, and sign + verify (seam verifies each signature
 * before releasing it: the fault check of docs/crypto-api.md), and sign + verify with the
 * signing and verifying contexts prepared once (EVP_PKEY_sign / EVP_PKEY_verify of the SHA-256:
 * the way the card signs with the key it keeps imported); ECDSA P-256 verify of a signature the
 * card made (SHA-256 of 32 bytes; OpenSSL: SHA-256 and EVP_PKEY_verify with the context
 * prepared once, and with the key imported per verification); ECDH derive with a peer key
 * (EVP_PKEY_derive, which checks the peer point); AES-128-CBC with the key set up per operation
 * (the card sets its key up per APDU too); SHA-256 one shot. "overhead" is the share of the
 * card's time per operation not spent in the OpenSSL operation: 1 - card rate / OpenSSL rate.
 *
 * Usage: bench_jccrypto [SECONDS per measurement, default 1]   (make bench)
 * Needs build/bench/jccrypto.jcl next to the binary.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/apdu.h"
#include "seam/se.h"

static double secs = 1.0;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench_jccrypto: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static const uint8_t pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0xBE, 0x02};
static const uint8_t app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0xBE, 0x02, 0x01};

static uint8_t *read_jcl(size_t *len)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) fail("no executable path", NULL);
    exe[n] = 0;
    snprintf(path, sizeof path, "%s/bench/jccrypto.jcl", dirname(exe));
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot read", path);
    static uint8_t buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Loads and installs the bench package (the registry records and the package, as GP does). */
static void install(se *s)
{
    size_t len;
    uint8_t *jcl = read_jcl(&len);
    store *st = se_store(s);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_LOAD_FILE;
    rec.life_cycle = GP_ELF_LOADED;
    rec.aid_len = sizeof pkg_aid;
    memcpy(rec.aid, pkg_aid, sizeof pkg_aid);
    store_id elf = 0, pkg = 0, app = 0;
    char msg[256];
    if (store_tx_begin(st) || store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &elf) ||
        store_write(st, elf, 0, &rec, sizeof rec))
        fail("registry", NULL);
    if (jcvm_load(s, jcl, len, &pkg, msg, sizeof msg) != SW_NO_ERROR) fail("load", msg);
    uint8_t be[4];
    seam_put_be32(be, pkg);
    store_write(st, elf, offsetof(se_reg_rec, obj_id), be, 4);
    if (store_tx_commit(st)) fail("commit", NULL);
    reg_index_add(s, elf);
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_APP;
    rec.life_cycle = GP_APP_SELECTABLE;
    rec.aid_len = sizeof app_aid;
    memcpy(rec.aid, app_aid, sizeof app_aid);
    seam_put_be32(rec.elf_id, elf);
    static const uint8_t priv[1] = {0};
    if (store_tx_begin(st) || store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &app) ||
        store_write(st, app, 0, &rec, sizeof rec))
        fail("registry", NULL);
    if (jcvm_install(s, pkg, 0, app, app_aid, sizeof app_aid, priv, 1, NULL, 0, msg, sizeof msg) !=
        SW_NO_ERROR)
        fail("install", msg);
    if (store_tx_commit(st)) fail("commit", NULL);
    reg_index_add(s, app);
}

static uint8_t resp[APDU_MAX_RESPONSE];
static size_t resp_len;

static void send(se *s, const uint8_t *cmd, size_t n)
{
    size_t rl = 0;
    if (se_transmit(s, cmd, n, resp, sizeof resp, &rl) != SEAM_OK || rl < 2) fail("transmit", NULL);
    if (resp[rl - 2] != 0x90 || resp[rl - 1] != 0x00) {
        char sw[8];
        snprintf(sw, sizeof sw, "%02X%02X", resp[rl - 2], resp[rl - 1]);
        fail("status word", sw);
    }
    resp_len = rl - 2;
}

/* APDUs per second of cmd. */
static double card_rate(se *s, const uint8_t *cmd, size_t n)
{
    for (int i = 0; i < 20; i++)
        send(s, cmd, n);
    long count = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 20; i++)
            send(s, cmd, n);
        count += 20;
        t = now();
    } while (t - t0 < secs);
    return (double)count / (t - t0);
}

typedef int (*op_fn)(void *ctx);

static double ossl_rate(op_fn f, void *ctx)
{
    for (int i = 0; i < 20; i++)
        if (f(ctx)) fail("openssl", NULL);
    long count = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 20; i++)
            if (f(ctx)) fail("openssl", NULL);
        count += 20;
        t = now();
    } while (t - t0 < secs);
    return (double)count / (t - t0);
}

typedef struct {
    EVP_PKEY *key, *peer;
    EVP_PKEY_CTX *sctx, *vctx; /* prepared once: EVP_PKEY_sign_init / EVP_PKEY_verify_init */
    uint8_t msg[240];
    size_t len;
    bool verify;
} octx;

static int ecdsa_op(void *p)
{
    octx *c = p;
    uint8_t sig[80];
    size_t sl = sizeof sig;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int bad = !m || EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, c->key) != 1 ||
              EVP_DigestSign(m, sig, &sl, c->msg, c->len) != 1;
    if (!bad && c->verify)
        bad = EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, c->key) != 1 ||
              EVP_DigestVerify(m, sig, sl, c->msg, c->len) != 1;
    EVP_MD_CTX_free(m);
    return bad;
}

/* SHA-256, then sign and verify with contexts prepared once. */
static int ecdsa_prep_op(void *p)
{
    octx *c = p;
    uint8_t h[32], sig[80];
    unsigned hl = 0;
    size_t sl = sizeof sig;
    return EVP_Digest(c->msg, c->len, h, &hl, EVP_sha256(), NULL) != 1 ||
           EVP_PKEY_sign(c->sctx, sig, &sl, h, hl) != 1 ||
           EVP_PKEY_verify(c->vctx, sig, sl, h, hl) != 1;
}

/* SHA-256, then verify a signature made once: with the context prepared once (prep), or with
 * the public key imported from its encoding per verification, as the card would without a
 * kept key. */
typedef struct {
    EVP_PKEY_CTX *vctx;
    uint8_t msg[32], sig[80], pub[65];
    size_t sl;
    bool prep;
} vctx_t;

static int verify_op(void *p)
{
    vctx_t *c = p;
    uint8_t h[32];
    unsigned hl = 0;
    if (EVP_Digest(c->msg, sizeof c->msg, h, &hl, EVP_sha256(), NULL) != 1) return 1;
    if (c->prep) return EVP_PKEY_verify(c->vctx, c->sig, c->sl, h, hl) != 1;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, c->pub, sizeof c->pub),
        OSSL_PARAM_construct_end()};
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *f = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL), *v = NULL;
    int bad = !f || EVP_PKEY_fromdata_init(f) != 1 ||
              EVP_PKEY_fromdata(f, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
              !(v = EVP_PKEY_CTX_new(pk, NULL)) || EVP_PKEY_verify_init(v) != 1 ||
              EVP_PKEY_verify(v, c->sig, c->sl, h, hl) != 1;
    EVP_PKEY_CTX_free(v);
    EVP_PKEY_free(pk);
    EVP_PKEY_CTX_free(f);
    return bad;
}

static int ecdh_op(void *p)
{
    octx *c = p;
    uint8_t z[32];
    size_t zl = sizeof z;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(c->key, NULL);
    int bad = !x || EVP_PKEY_derive_init(x) != 1 || EVP_PKEY_derive_set_peer(x, c->peer) != 1 ||
              EVP_PKEY_derive(x, z, &zl) != 1;
    EVP_PKEY_CTX_free(x);
    return bad;
}

static int cbc_op(void *p)
{
    octx *c = p;
    static const uint8_t key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                    0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
    uint8_t iv[16] = {0}, out[256];
    int ol = 0, fl = 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int bad = !x || EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, key, iv) != 1 ||
              EVP_CIPHER_CTX_set_padding(x, 0) != 1 ||
              EVP_EncryptUpdate(x, out, &ol, c->msg, (int)c->len) != 1 ||
              EVP_EncryptFinal_ex(x, out + ol, &fl) != 1;
    EVP_CIPHER_CTX_free(x);
    return bad;
}

static int sha_op(void *p)
{
    octx *c = p;
    uint8_t h[32];
    unsigned hl = 0;
    return EVP_Digest(c->msg, c->len, h, &hl, EVP_sha256(), NULL) != 1;
}

static void row(const char *what, double card, double ossl, const char *note)
{
    printf("  %-34s %10.0f %12.0f %8.0f %%%s\n", what, card, ossl, 100.0 * (1.0 - card / ossl),
           note);
}

int main(int argc, char **argv)
{
    if (argc > 1) secs = atof(argv[1]);
    if (secs <= 0) secs = 1.0;
    store_medium *m;
    se *s;
    char msg[256];
    if (store_medium_memory(&m)) fail("medium", NULL);
    se_config cfg = {.medium = m, .quiet = true};
    if (se_open(&s, &cfg, msg, sizeof msg)) fail("se_open", msg);
    install(s);
    uint8_t sel[5 + sizeof app_aid + 1] = {0x00, 0xA4, 0x04, 0x00, sizeof app_aid};
    memcpy(sel + 5, app_aid, sizeof app_aid);
    send(s, sel, sizeof sel);

    /* the host's P-256 key: the peer of the card's ECDH, and the OpenSSL side's own key */
    EVP_PKEY *hk = EVP_EC_gen("P-256");
    uint8_t hpub[65];
    size_t hl = 0;
    if (!hk ||
        !EVP_PKEY_get_octet_string_param(hk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, hpub, sizeof hpub,
                                         &hl) ||
        hl != 65)
        fail("host key", NULL);
    EVP_PKEY *peer = EVP_EC_gen("P-256");
    if (!peer) fail("peer key", NULL);

    uint8_t cmd[5 + 255 + 1];
    octx oc = {.key = hk, .peer = peer, .len = 32};
    for (size_t i = 0; i < sizeof oc.msg; i++)
        oc.msg[i] = (uint8_t)i;

    printf("bench_jccrypto: Java Card security API through an applet on the in-process SE vs\n"
           "OpenSSL %s (EVP in a loop); %.1f s per figure\n",
           OpenSSL_version(OPENSSL_VERSION_STRING), secs);
    printf("  %-34s %10s %12s %9s\n", "operation", "APDUs/s", "OpenSSL op/s", "overhead");

    /* ECDSA P-256 sign of 32 bytes */
    memcpy(cmd, (uint8_t[]){0x80, 0x01, 0x00, 0x00, 32}, 5);
    memcpy(cmd + 5, oc.msg, 32);
    cmd[37] = 0;
    double c_ecdsa = card_rate(s, cmd, 38);
    oc.verify = false;
    double o_sign = ossl_rate(ecdsa_op, &oc);
    oc.verify = true;
    double o_signv = ossl_rate(ecdsa_op, &oc);
    oc.sctx = EVP_PKEY_CTX_new(hk, NULL);
    oc.vctx = EVP_PKEY_CTX_new(hk, NULL);
    if (!oc.sctx || !oc.vctx || EVP_PKEY_sign_init(oc.sctx) != 1 ||
        EVP_PKEY_verify_init(oc.vctx) != 1)
        fail("openssl contexts", NULL);
    double o_prep = ossl_rate(ecdsa_prep_op, &oc);
    row("ECDSA P-256 sign (SHA-256, 32 B)", c_ecdsa, o_sign, "  vs sign");
    row("", c_ecdsa, o_signv, "  vs sign + verify (same work)");
    row("", c_ecdsa, o_prep, "  vs sign + verify, contexts prepared once");

    /* ECDSA P-256 verify of a signature the card made (the last one of the sign run) */
    {
        vctx_t vc = {.vctx = oc.vctx, .prep = true};
        memcpy(vc.msg, oc.msg, 32);
        send(s, cmd, 38);
        if (resp_len == 0 || resp_len > sizeof vc.sig) fail("signature", NULL);
        uint8_t vcmd[5 + 32 + 80 + 1];
        memcpy(vcmd, (uint8_t[]){0x80, 0x06, 0x00, 0x00, (uint8_t)(32 + resp_len)}, 5);
        memcpy(vcmd + 5, oc.msg, 32);
        memcpy(vcmd + 37, resp, resp_len);
        double c_ver = card_rate(s, vcmd, 37 + resp_len);
        /* OpenSSL verifies its own key's signature of the same message */
        uint8_t h[32];
        unsigned hl2 = 0;
        vc.sl = sizeof vc.sig;
        size_t pl = 0;
        if (EVP_Digest(vc.msg, 32, h, &hl2, EVP_sha256(), NULL) != 1 ||
            EVP_PKEY_sign(oc.sctx, vc.sig, &vc.sl, h, hl2) != 1 ||
            !EVP_PKEY_get_octet_string_param(hk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, vc.pub,
                                             sizeof vc.pub, &pl) ||
            pl != 65)
            fail("openssl signature", NULL);
        double o_prep_v = ossl_rate(verify_op, &vc);
        vc.prep = false;
        double o_imp_v = ossl_rate(verify_op, &vc);
        row("ECDSA P-256 verify (SHA-256, 32 B)", c_ver, o_prep_v,
            "  vs verify, context prepared once");
        row("", c_ver, o_imp_v, "  vs verify, key imported each time");
    }

    /* ECDH P-256 */
    memcpy(cmd, (uint8_t[]){0x80, 0x02, 0x00, 0x00, 65}, 5);
    memcpy(cmd + 5, hpub, 65);
    cmd[70] = 0;
    double c_ecdh = card_rate(s, cmd, 71);
    double o_ecdh = ossl_rate(ecdh_op, &oc);
    row("ECDH P-256 (DH_PLAIN)", c_ecdh, o_ecdh, "");

    /* AES-128-CBC, 240 bytes */
    oc.len = 240;
    memcpy(cmd, (uint8_t[]){0x80, 0x03, 0x00, 0x00, 240}, 5);
    memcpy(cmd + 5, oc.msg, 240);
    cmd[245] = 0;
    double c_cbc = card_rate(s, cmd, 246);
    double o_cbc = ossl_rate(cbc_op, &oc);
    row("AES-128-CBC encrypt 240 B", c_cbc, o_cbc, "");

    /* SHA-256, 240 bytes */
    cmd[1] = 0x04;
    double c_sha = card_rate(s, cmd, 246);
    double o_sha = ossl_rate(sha_op, &oc);
    row("SHA-256 of 240 B", c_sha, o_sha, "");

    EVP_PKEY_CTX_free(oc.sctx);
    EVP_PKEY_CTX_free(oc.vctx);
    EVP_PKEY_free(hk);
    EVP_PKEY_free(peer);
    se_close(s);
    store_medium_free(m);
    return 0;
}
