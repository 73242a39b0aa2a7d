/*
 * Benchmark: SCP11a sessions per second on an in-process SE (GP Amendment F), next to the
 * OpenSSL cost of the public-key operations one session needs (the limit).
 *
 * One session: the host sends CERT.OCE.ECKA with PERFORM SECURITY OPERATION (the card verifies
 * its ECDSA signature against PK.CA-KLOC), then MUTUAL AUTHENTICATE: the host draws an
 * ephemeral key pair, the card draws one and computes ShSee = eSK.SD x ePK.OCE and
 * ShSes = SK.SD x PK.OCE, the host computes the same two from its side; both derive the session
 * keys (X9.63 KDF) and the receipt (CMAC). So the public-key work is 2 key generations, 4 ECDH
 * and 1 ECDSA verification on P-256. The baseline does exactly those with OpenSSL EVP calls on
 * keys prepared once (peer public keys included), the fastest way to ask OpenSSL for them.
 *
 * Usage: bench_scp11 [SECONDS in all, default 3]
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/keyfile.h"
#include "seam/scp11.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/x509.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fail(const char *what)
{
    fprintf(stderr, "bench_scp11: %s\n", what);
    exit(1);
}

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

typedef struct {
    uint8_t sk[32], pk[65];
    uint8_t cert[1024];
    size_t cert_len;
} ident;

static void make_ident(ident *id, const char *cn, const ident *issuer, bool ca, uint16_t ku)
{
    if (cr_p256_keygen(id->sk, id->pk) != SEAM_OK) fail("keygen");
    int64_t t = (int64_t)time(NULL);
    kf_cert_spec sp = {cn,    id->pk, issuer ? issuer->cert : NULL, issuer ? issuer->cert_len : 0,
                       issuer ? issuer->sk : id->sk, t - 3600, t + 86400, ku, ca, 1};
    if (kf_cert_make(&sp, id->cert, sizeof id->cert, &id->cert_len) != SEAM_OK) fail("cert");
}

static double bench_seam(double seconds, unsigned long *count)
{
    ident ca, oce, sd;
    make_ident(&ca, "CA-KLOC", NULL, true, X509_KU_KEY_CERT_SIGN);
    make_ident(&oce, "OCE", &ca, false, X509_KU_KEY_AGREEMENT);
    if (cr_p256_keygen(sd.sk, sd.pk) != SEAM_OK) fail("keygen");

    store_medium *m;
    se *s;
    seam_card *card;
    char msg[200];
    if (store_medium_memory(&m) != SEAM_OK) fail("medium");
    se_config cfg = {.medium = m, .quiet = true};
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) fail(msg);
    seam_card_fns fns = se_card_fns(s);
    if (card_open_fns(&card, &fns) != SEAM_OK) fail("card");
    gp_client cl = {.card = card};
    uint8_t fci[256];
    size_t n;
    uint16_t sw;
    if (gp_select(&cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw) ||
        sw != SW_NO_ERROR)
        fail("select");
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    gp_session gs;
    if (gp_session_open(&gs, &cl, &k, 0x33, NULL, 8, &sw) != SEAM_OK) fail("SCP03");
    if (gp_put_key_ecc(&gs, GP_SCP11_KID_CA_KLOC, 1, 0, NULL, ca.pk, &sw) || sw != SW_NO_ERROR)
        fail("PUT KEY CA-KLOC");
    if (gp_put_key_ecc(&gs, GP_SCP11_KID_A, 1, 0, sd.sk, sd.pk, &sw) || sw != SW_NO_ERROR)
        fail("PUT KEY SCP11a");
    gp_session_close(&gs);
    gp_keys_wipe(&k);

    const uint8_t *certs[] = {oce.cert};
    size_t lens[] = {oce.cert_len};
    gp_scp11_opts o;
    memset(&o, 0, sizeof o);
    o.variant = SCP11_VARIANT_A;
    o.kvn = 1;
    o.level = 0x33;
    o.pk_sd = sd.pk;
    o.sk_oce = oce.sk;
    o.oce_certs = certs;
    o.oce_lens = lens;
    o.n_oce = 1;
    o.ca_kvn = 1;
    unsigned long c = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 16; i++) {
            if (gp_session_open_scp11(&gs, &cl, &o, &sw) != SEAM_OK) fail("SCP11a session");
            gp_session_close(&gs);
        }
        c += 16;
        t = now() - t0;
    } while (t < seconds);
    card_close(card);
    se_close(s);
    store_medium_free(m);
    seam_wipe(&oce, sizeof oce);
    seam_wipe(&sd, sizeof sd);
    seam_wipe(&ca, sizeof ca);
    *count = c;
    return (double)c / t;
}

/* ---- the OpenSSL limit ---- */

static EVP_PKEY *gen(void)
{
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!p) fail("EVP keygen");
    return p;
}

static void derive(EVP_PKEY *priv, EVP_PKEY *peer)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(priv, NULL);
    uint8_t z[32];
    size_t zl = sizeof z;
    if (!c || EVP_PKEY_derive_init(c) <= 0 || EVP_PKEY_derive_set_peer(c, peer) <= 0 ||
        EVP_PKEY_derive(c, z, &zl) <= 0)
        fail("EVP derive");
    EVP_PKEY_CTX_free(c);
}

static double bench_openssl(double seconds, unsigned long *count)
{
    EVP_PKEY *sk_sd = gen(), *sk_oce = gen(), *ca = gen();
    uint8_t hash[32] = {1, 2, 3}, sig[80];
    size_t sl = sizeof sig;
    EVP_PKEY_CTX *sc = EVP_PKEY_CTX_new(ca, NULL);
    if (!sc || EVP_PKEY_sign_init(sc) <= 0 || EVP_PKEY_sign(sc, sig, &sl, hash, 32) <= 0)
        fail("EVP sign");
    EVP_PKEY_CTX_free(sc);
    unsigned long c = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 16; i++) {
            /* card: verify CERT.OCE.ECKA's signature */
            EVP_PKEY_CTX *vc = EVP_PKEY_CTX_new(ca, NULL);
            if (!vc || EVP_PKEY_verify_init(vc) <= 0 || EVP_PKEY_verify(vc, sig, sl, hash, 32) != 1)
                fail("EVP verify");
            EVP_PKEY_CTX_free(vc);
            EVP_PKEY *e_oce = gen(), *e_sd = gen();
            derive(e_sd, e_oce);  /* card ShSee */
            derive(sk_sd, sk_oce); /* card ShSes (peer: PK.OCE) */
            derive(e_oce, e_sd);  /* host ShSee */
            derive(sk_oce, sk_sd); /* host ShSes (peer: PK.SD) */
            EVP_PKEY_free(e_oce);
            EVP_PKEY_free(e_sd);
        }
        c += 16;
        t = now() - t0;
    } while (t < seconds);
    EVP_PKEY_free(sk_sd);
    EVP_PKEY_free(sk_oce);
    EVP_PKEY_free(ca);
    *count = c;
    return (double)c / t;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    if (seconds <= 0) seconds = 3.0;
    /* Interleaved rounds, best of each side: on a shared machine the load changes from second
     * to second, and the best round of each is the one least disturbed. */
    enum { ROUNDS = 5 };
    double best_s = 0, best_o = 0;
    unsigned long ns = 0, no = 0;
    for (int i = 0; i < ROUNDS; i++) {
        unsigned long n;
        double r = bench_seam(seconds / ROUNDS, &n);
        ns += n;
        if (r > best_s) best_s = r;
        r = bench_openssl(seconds / ROUNDS, &n);
        no += n;
        if (r > best_o) best_o = r;
    }
    printf("SCP11a sessions/s (PSO + MUTUAL AUTHENTICATE, level 33, host and card in process): "
           "%.0f (best of %d rounds, %lu sessions)\n",
           best_s, ROUNDS, ns);
    printf("OpenSSL limit (2 keygen + 4 ECDH + 1 ECDSA verify, P-256): %.0f/s (best of %d, %lu)\n",
           best_o, ROUNDS, no);
    printf("seam at %.0f %% of the limit\n", 100.0 * best_s / best_o);
    return 0;
}
