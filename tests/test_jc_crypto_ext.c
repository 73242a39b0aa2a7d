/*
 * Tests of the algorithms of the Java Card security API beyond test_jc_crypto.c (RSA, HMAC, ECC
 * on P-384/P-521/brainpool, the ECDH variants, DES/TDEA, AES-CTR, AES-GCM/CCM, the ISO 3309
 * checksums), driven through APDUs to the generic test applet seam.sec.Harness
 * (tests/jc/sec/t/seam/sec/Harness.java), which takes every API argument from the APDU:
 * known-answer tests from published vectors (the source is named beside each), round trips,
 * and negative tests (wrong key types and lengths, uninitialized keys, offsets and lengths out of
 * range: the right exception and, where nothing should change, the store unchanged).
 * Status words of Harness: 0x6B00 | CryptoException reason, 0x6B10 AIOOBE, 0x6B11 NPE,
 * 0x6B12 SecurityException, 0x6B13 ClassCastException.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "check.h"
#include "jcrig.h"
#include "shastate.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/crypto_ext.h"
#include "seam/se.h"

static const uint8_t sec_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA};
static const uint8_t h_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x02};
/* a second instance of Harness (test_ecdsa_key_cache: two applets with their own keys) */
static const uint8_t h_app2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x03};

static jc_card C;

static bool h_card(void)
{
    size_t len;
    memset(&C, 0, sizeof C);
    uint8_t *jcl = jc_read_jcl("tests/jcsec/sec.jcl", &len);
    if (!jcl || !jc_card_new(&C)) {
        free(jcl);
        return false;
    }
    store_id elf = 0;
    bool ok = jc_load_pkg(C.s, jcl, len, sec_pkg, sizeof sec_pkg, &elf) == 0x9000 &&
              jc_install_app(C.s, elf, 1, h_app, sizeof h_app, NULL, 0) == 0x9000 &&
              jc_install_app(C.s, elf, 1, h_app2, sizeof h_app2, NULL, 0) == 0x9000 &&
              jc_select(C.s, 0, h_app, sizeof h_app) == 0x9000;
    free(jcl);
    return ok;
}

/* Harness INS codes */
enum {
    H_WRITE = 1,
    H_READ = 2,
    H_KEY = 0x10,
    H_SET,
    H_GET,
    H_PAIR,
    H_KSTATE,
    H_DOMAIN,
    H_NEW = 0x20,
    H_INIT,
    H_UPDATE,
    H_FINAL,
    H_VERIFY,
    H_TAG,
    H_INFO,
    H_TX = 0x30
};
/* H_NEW kinds */
enum { K_SIG = 1, K_SIG4, K_CIPHER, K_CIPHER3, K_KA, K_CK, K_MD, K_IMD, K_RND };

/* Sends INS with n short arguments; returns the SW. */
static uint16_t h(uint8_t ins, uint8_t p1, uint8_t p2, int n, ...)
{
    uint8_t d[32];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int v = va_arg(ap, int);
        d[2 * i] = (uint8_t)(v >> 8);
        d[2 * i + 1] = (uint8_t)v;
    }
    va_end(ap);
    return jc_xmit(C.s, 0x80, ins, p1, p2, d, (size_t)(2 * n), true);
}

static int val(void)
{
    return jc_resp_len >= 2 ? (jc_resp[0] << 8 | jc_resp[1]) : -1;
}

static void wr(int off, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i += 240) {
        size_t k = n - i < 240 ? n - i : 240;
        int o = off + (int)i;
        uint16_t sw = jc_xmit(C.s, 0x80, H_WRITE, (uint8_t)(o >> 8), (uint8_t)o, b + i, k, false);
        if (sw != 0x9000) fprintf(stderr, "  write at %d: %04X\n", o, sw);
    }
}

/* Writes hex at off; returns its length. */
static int wrhex(int off, const char *hex)
{
    size_t n = 0;
    uint8_t *b = *hex ? check_hex(hex, &n) : NULL;
    wr(off, b, n);
    free(b);
    return (int)n;
}

static void rd(int off, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i += 256) {
        int k = n - i < 256 ? (int)(n - i) : 256;
        int o = off + (int)i;
        uint8_t d[2] = {(uint8_t)(k >> 8), (uint8_t)k};
        uint16_t sw = jc_xmit(C.s, 0x80, H_READ, (uint8_t)(o >> 8), (uint8_t)o, d, 2, true);
        if (sw != 0x9000 || jc_resp_len != (size_t)k) fprintf(stderr, "  read at %d: %04X\n", o, sw);
        memcpy(out + i, jc_resp, (size_t)k);
    }
}

static bool io_is(int off, const char *hex)
{
    size_t n;
    uint8_t *e = check_hex(hex, &n), got[2400];
    rd(off, n, got);
    bool ok = !memcmp(e, got, n);
    if (!ok) {
        fprintf(stderr, "  expected %s\n  got      ", hex);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%02x", got[i]);
        fprintf(stderr, "\n");
    }
    free(e);
    return ok;
}

static bool io_eq(int off, const uint8_t *e, size_t n)
{
    uint8_t got[2400];
    rd(off, n, got);
    return !memcmp(e, got, n);
}

/* Sets a key component from hex (written at io 1000). */
static uint16_t set_hex(int slot, int comp, const char *hex)
{
    int n = wrhex(1000, hex);
    return h(H_SET, (uint8_t)slot, (uint8_t)comp, 2, 1000, n);
}

static uint16_t set_bytes(int slot, int comp, const uint8_t *b, size_t n)
{
    wr(1000, b, n);
    return h(H_SET, (uint8_t)slot, (uint8_t)comp, 2, 1000, (int)n);
}

/* KeyBuilder.TYPE_* */
enum {
    T_DES = 3,
    T_RSA_PUB = 4,
    T_RSA_PRIV = 5,
    T_RSA_CRT = 6,
    T_EC_PUB = 11,
    T_EC_PRIV = 12,
    T_AES = 15,
    T_HMAC = 21
};

/* ======================================================================================== */
/* RSA                                                                                      */
/* ======================================================================================== */

/* RSA Laboratories' "PKCS #1 v2.1 test vectors" pss-vect.txt, Example 1 (1024-bit key). */
static const char rsa1_n[] =
    "a56e4a0e701017589a5187dc7ea841d156f2ec0e36ad52a44dfeb1e61f7ad991d8c51056ffedb162b4c0f283a12a"
    "88a394dff526ab7291cbb307ceabfce0b1dfd5cd9508096d5b2b8b6df5d671ef6377c0921cb23c270a70e2598e6f"
    "f89d19f105acc2d3f0cb35f29280e1386b6f64c4ef22e1e1f20d0ce8cffb2249bd9a2137";
static const char rsa1_d[] =
    "33a5042a90b27d4f5451ca9bbbd0b44771a101af884340aef9885f2a4bbe92e894a724ac3c568c8f97853ad07c02"
    "66c8c6a3ca0929f1e8f11231884429fc4d9ae55fee896a10ce707c3ed7e734e44727a39574501a532683109c2aba"
    "caba283c31b4bd2f53c3ee37e352cee34f9e503bd80c0622ad79c6dcee883547c6a3b325";
static const char *const rsa1_crt[5] = {
    "e7e8942720a877517273a356053ea2a1bc0c94aa72d55c6e86296b2dfc967948c0a7"
    "2cbccca7eacb35706e09a1df55a1535bd9b3cc34160b3b6dcd3eda8e6443",
    "b69dca1cf7d4d7ec81e75b90fcca874abcde123fd2700180aa90479b6e48de8d67ed"
    "24f9f19d85ba275874f542cd20dc723e6963364a1f9425452b269a6799fd",
    "28fa13938655be1f8a159cbaca5a72ea190c30089e19cd274a556f36c4f6e19f554b"
    "34c077790427bbdd8dd3ede2448328f385d81b30e8e43b2fffa027861979",
    "1a8b38f398fa712049898d7fb79ee0a77668791299cdfa09efc0e507acb21ed74301"
    "ef5bfd48be455eaeb6e1678255827580a8e4e8e14151d1510a82a3f2e729",
    "27156aba4126d24a81f3a528cbfb27f56886f840a9f6e86e17a44b94fe9319584b8e"
    "22fdde1e5a2e3bd8aa5ba8d8584194eb2190acf832b847f13a3d24a79f4d"};
/* pss-vect.txt Example 1.1: message and RSASSA-PSS signature (SHA-1, MGF1-SHA-1, 20-byte salt) */
static const char pss11_msg[] =
    "cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310"
    "102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867"
    "693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b608"
    "4acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd2"
    "23c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0";
static const char pss11_sig[] =
    "9074308fb598e9701b2294388e52f971faac2b60a5145af185df5287b5ed2887e57ce7fd44dc8634e407c8e0e436"
    "0bc226f3ec227f9d9e54638e8d31f5051215df6ebb9c2f9579aa77598a38f914b5b9c1bd83c4e2f9f382a0d0aa35"
    "42ffee65984a601bc69eb28deb27dca12c82c2d4c3f66cd500f1ff2b994d8a4e30cbb33c";
/* pss-vect.txt Example 1.2's message, signed with RSASSA-PKCS1-v1_5 / SHA-1 by the same key
 * (the known answer of tests/test_crypto_ext.c: RSA Labs pkcs1v15sign-vectors.txt as published
 * on a WebCrypto test page, checked there independently as s^e mod n = EMSA-PKCS1-v1_5). */
static const char pss12_msg[] =
    "851384cdfe819c22ed6c4ccb30daeb5cf059bc8e1166b7e3530c4c233e2b5f8f71a1cca582d43ecc72b1bca16d"
    "fc7013226b9e";
static const char pkcs1_sig[] =
    "84fd2ce734ec1da828d0f15bf49a8707c15d05948136de537a3db421384167c86fae022587ee9e137daee7547382"
    "62932d271c744c6d3a189ad4311bdb020492e322fbddc40406ea860d4e8ea2a4084aa98b9622a446756fdb740ddb"
    "3d91db7670e211661bbf8709b11c08a70771422d1a12def29f0688a192aebd89e0f896f8";

/* Signature / Cipher ALG_* */
enum {
    S_RSA_SHA_PKCS1 = 10,
    S_RSA_SHA_PKCS1_PSS = 21,
    S_HMAC_SHA1 = 24,
    S_HMAC_SHA256 = 25,
    S_HMAC_SHA384 = 26,
    S_HMAC_SHA512 = 27,
    S_ECDSA_SHA256 = 33,
    S_ECDSA_SHA384 = 34,
    S_ECDSA_SHA512 = 38,
    S_RSA_SHA256_PKCS1 = 40,
    S_RSA_SHA512_PKCS1 = 42,
    S_RSA_SHA256_PSS = 44,
    S_DES_MAC8_M2 = 6,
    S_DES_MAC8_ALG3 = 20
};
enum {
    CI_DES_CBC_NOPAD = 1,
    CI_DES_CBC_M2 = 3,
    CI_DES_ECB_NOPAD = 5,
    CI_RSA_PKCS1 = 10,
    CI_RSA_NOPAD = 12,
    CI_RSA_OAEP = 15,
    CI_AES_CTR = -16,
    CI_AES_GCM = -13,
    CI_AES_CCM = -12
};

/* Loads the Example 1 key: slot 0 public, 1 (n, d), 2 CRT. */
static void rsa1_keys(void)
{
    CHECK_EQ(h(H_KEY, 0, 0, 2, T_RSA_PUB, 1024), 0x9000);
    CHECK_EQ(set_hex(0, 0, rsa1_n), 0x9000);
    CHECK_EQ(set_hex(0, 1, "010001"), 0x9000);
    CHECK_EQ(h(H_KEY, 1, 0, 2, T_RSA_PRIV, 1024), 0x9000);
    CHECK_EQ(set_hex(1, 0, rsa1_n), 0x9000);
    CHECK_EQ(set_hex(1, 1, rsa1_d), 0x9000);
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_RSA_CRT, 1024), 0x9000);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(set_hex(2, i, rsa1_crt[i]), 0x9000);
}

static void test_rsa_kat(void)
{
    REQUIRE(h_card());
    rsa1_keys();
    /* PKCS#1 v1.5 SHA-1 signing known answer, with the (n, d) key and with the CRT key */
    int ml = wrhex(0, pss12_msg);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_RSA_SHA_PKCS1), 0x9000);
    for (int slot = 1; slot <= 2; slot++) {
        CHECK_EQ(h(H_INIT, 0, (uint8_t)slot, 1, 1), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 0, 0), 0x9000);
        CHECK_EQ(val(), 128);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, ml, 500), 0x9000);
        CHECK_EQ(val(), 128);
        CHECK(io_is(500, pkcs1_sig));
    }
    /* the same through update in two parts */
    CHECK_EQ(h(H_UPDATE, 0, 0, 3, 0, 10, 0), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 10, ml - 10, 500), 0x9000);
    CHECK(io_is(500, pkcs1_sig));
    /* verification of the known signature, and of a corrupted one */
    CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, ml, 500, 128), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    wrhex(500, "85");
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, ml, 500, 128), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, ml, 500, 127), 0x9000); /* wrong length: false */
    CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    /* signPreComputedHash (SHA-1 of the message) gives the same signature */
    uint8_t m[200], dg[20];
    size_t mlen = 0;
    uint8_t *mb = check_hex(pss12_msg, &mlen);
    memcpy(m, mb, mlen);
    free(mb);
    size_t dl;
    REQUIRE(cr_md(CR_MD_SHA1, m, mlen, dg, sizeof dg, &dl) == SEAM_OK);
    wr(300, dg, 20);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 1, 3, 300, 20, 500), 0x9000);
    CHECK(io_is(500, pkcs1_sig));
    CHECK_EQ(h(H_FINAL, 0, 1, 3, 300, 19, 500), 0x6B01); /* hash of the wrong length */
    /* PSS verification known answer: pss-vect.txt Example 1.1 */
    ml = wrhex(0, pss11_msg);
    wrhex(500, pss11_sig);
    CHECK_EQ(h(H_NEW, 1, K_SIG, 1, S_RSA_SHA_PKCS1_PSS), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_VERIFY, 1, 0, 4, 0, ml, 500, 128), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    /* the card's PSS signature (random salt) verifies; so does the 3.0.5 four-argument form
     * (SHA-256, SIG_CIPHER_RSA, PAD_PKCS1_PSS) */
    CHECK_EQ(h(H_INIT, 1, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, ml, 500), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_VERIFY, 1, 0, 4, 0, ml, 500, 128), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    static const int mds[4] = {7, 4, 5, 6}; /* SHA-224/256/384/512 */
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(h(H_NEW, 2, K_SIG4, 3, mds[i], 3, 8), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 1, 1, 1), 0x9000);
        if (i == 3) {
            /* PSS with SHA-512 and a 64-byte salt needs a modulus of at least 130 bytes
             * (RFC 8017 §9.1.1 step 3): ILLEGAL_USE on this 1024-bit key */
            CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, ml, 500), 0x6B05);
            continue;
        }
        CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, ml, 500), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 0, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 2, 0, 4, 0, ml, 500, 128), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        /* the same with PKCS#1 v1.5 padding (ALG_RSA_SHA_224/256/384/512_PKCS1) */
        CHECK_EQ(h(H_NEW, 2, K_SIG, 1, 39 + i), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 2, 1, 1), 0x9000);
        CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, ml, 500), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 0, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 2, 0, 4, 0, ml, 500, 128), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    }
    jc_card_free(&C);
}

static void test_rsa_cipher(void)
{
    REQUIRE(h_card());
    rsa1_keys();
    /* private-key "encryption" with PKCS1 (block type 1) of a DigestInfo = the v1.5 signature
     * (the way IsoApplet signs): SHA-1 DigestInfo prefix (RFC 8017 §9.2 note 1) + hash */
    uint8_t m[200], dg[20];
    size_t mlen = 0, dl;
    uint8_t *mb = check_hex(pss12_msg, &mlen);
    memcpy(m, mb, mlen);
    free(mb);
    REQUIRE(cr_md(CR_MD_SHA1, m, mlen, dg, sizeof dg, &dl) == SEAM_OK);
    int pl = wrhex(0, "3021300906052b0e03021a05000414");
    wr(pl, dg, 20);
    CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_RSA_PKCS1), 0x9000);
    for (int slot = 1; slot <= 2; slot++) {
        CHECK_EQ(h(H_INIT, 0, (uint8_t)slot, 1, 2), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 35, 500), 0x9000);
        CHECK_EQ(val(), 128);
        CHECK(io_is(500, pkcs1_sig));
    }
    /* decryption with the public key recovers the DigestInfo */
    CHECK_EQ(h(H_INIT, 0, 0, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 500, 128, 700), 0x9000);
    CHECK_EQ(val(), 35);
    uint8_t di[35];
    rd(700, 35, di);
    CHECK(!memcmp(di + 15, dg, 20));
    /* PKCS1 and OAEP encryption with the public key, decryption with (n, d) and with CRT */
    static const int pads[2] = {CI_RSA_PKCS1, CI_RSA_OAEP};
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, pads[i]), 0x9000);
        wrhex(0, "00112233445566778899aabbccddeeff0102030405");
        CHECK_EQ(h(H_INIT, 1, 0, 1, 2), 0x9000);
        CHECK_EQ(h(H_UPDATE, 1, 0, 3, 0, 10, 500), 0x9000); /* buffered: 0 bytes out */
        CHECK_EQ(val(), 0);
        CHECK_EQ(h(H_FINAL, 1, 0, 3, 10, 11, 500), 0x9000);
        CHECK_EQ(val(), 128);
        for (int slot = 1; slot <= 2; slot++) {
            CHECK_EQ(h(H_INIT, 1, (uint8_t)slot, 1, 1), 0x9000);
            CHECK_EQ(h(H_FINAL, 1, 0, 3, 500, 128, 700), 0x9000);
            CHECK_EQ(val(), 21);
            CHECK(io_is(700, "00112233445566778899aabbccddeeff0102030405"));
        }
        /* a corrupted ciphertext fails the padding check: ILLEGAL_USE */
        wrhex(500, "00");
        CHECK_EQ(h(H_FINAL, 1, 0, 3, 500, 128, 700), 0x6B05);
    }
    /* OAEP with the private key for encryption: ILLEGAL_VALUE at init */
    CHECK_EQ(h(H_INIT, 1, 1, 1, 2), 0x6B01);
    /* NOPAD: x^e then ^d is x (x < n); input of the wrong length: ILLEGAL_USE */
    CHECK_EQ(h(H_NEW, 2, K_CIPHER, 1, CI_RSA_NOPAD), 0x9000);
    uint8_t x[128];
    memset(x, 0x5A, sizeof x);
    x[0] = 0x01;
    wr(0, x, 128);
    CHECK_EQ(h(H_INIT, 2, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, 128, 500), 0x9000);
    CHECK_EQ(h(H_INIT, 2, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 500, 128, 700), 0x9000);
    CHECK(io_eq(700, x, 128));
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, 127, 700), 0x6B05);
    /* the 3.0.5 form: CIPHER_RSA + PAD_PKCS1 */
    CHECK_EQ(h(H_NEW, 3, K_CIPHER3, 2, 7, 7), 0x9000);
    CHECK_EQ(h(H_INFO, 3, 0, 0), 0x9000);
    CHECK(jc_resp_len == 3 && jc_resp[0] == 0 && jc_resp[1] == 7 && jc_resp[2] == 7);
    jc_card_free(&C);
}

/* Generates a pair of alg (1 RSA, 2 RSA_CRT) and size; PKCS#1 v1.5 SHA-256 and PSS round trip;
 * export/import of the public key. */
static void rsa_gen_one(int alg, int bits)
{
    CHECK_EQ(h(H_PAIR, (uint8_t)alg, 0, 3, bits, 4, 5), 0x9000);
    CHECK_EQ(h(H_KSTATE, 4, 0, 0), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    CHECK_EQ(h(H_KSTATE, 5, 0, 0), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    CHECK_EQ(h(H_GET, 4, 0, 1, 0), 0x9000);
    CHECK_EQ(val(), bits / 8);
    CHECK_EQ(h(H_GET, 4, 1, 1, 0), 0x9000);
    CHECK_EQ(val(), 3);
    CHECK(io_is(0, "010001"));
    wrhex(0, "73616d706c65");
    static const int algs[2] = {S_RSA_SHA256_PKCS1, S_RSA_SHA256_PSS};
    for (int i = 0; i < (bits < 1024 ? 1 : 2); i++) { /* PSS-SHA-256 needs 66+ bytes */
        CHECK_EQ(h(H_NEW, 0, K_SIG, 1, algs[i]), 0x9000);
        CHECK_EQ(h(H_INIT, 0, 5, 1, 1), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 6, 100), 0x9000);
        CHECK_EQ(val(), bits / 8);
        CHECK_EQ(h(H_INIT, 0, 4, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, 6, 100, bits / 8), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    }
}

static void test_rsa_genkeypair(void)
{
    REQUIRE(h_card());
    rsa_gen_one(1, 1024);
    rsa_gen_one(2, 1024);
    rsa_gen_one(1, 2048);
    rsa_gen_one(2, 2048);
    rsa_gen_one(2, 3072);
    rsa_gen_one(2, 4096);
    /* 512 works too; 1000 bits (not a multiple of 16 for CRT): NO_SUCH_ALGORITHM */
    rsa_gen_one(2, 512);
    CHECK_EQ(h(H_PAIR, 2, 0, 3, 1000, 4, 5), 0x6B03);
    /* a preset public exponent other than 65537: ILLEGAL_VALUE */
    CHECK_EQ(h(H_KEY, 6, 0, 2, T_RSA_PUB, 1024), 0x9000);
    CHECK_EQ(h(H_KEY, 7, 0, 2, T_RSA_CRT, 1024), 0x9000);
    CHECK_EQ(set_hex(6, 1, "03"), 0x9000);
    CHECK_EQ(h(H_PAIR, 0, 0, 3, 1024, 6, 7), 0x6B01);
    CHECK_EQ(set_hex(6, 1, "010001"), 0x9000);
    CHECK_EQ(h(H_PAIR, 0, 0, 3, 1024, 6, 7), 0x9000);
    /* the generated pair works for encryption (PKCS1) */
    CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, CI_RSA_PKCS1), 0x9000);
    wrhex(0, "cafebabe");
    CHECK_EQ(h(H_INIT, 1, 6, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 4, 100), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 7, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 100, 128, 300), 0x9000);
    CHECK_EQ(val(), 4);
    CHECK(io_is(300, "cafebabe"));
    jc_card_free(&C);
}

/* ======================================================================================== */
/* HMAC: RFC 4231 (SHA-256/384/512), RFC 2202 (SHA-1)                                      */
/* ======================================================================================== */

static void hmac_case(int alg, const char *key, const char *msg, const char *mac)
{
    CHECK_EQ(h(H_KEY, 3, 0, 2, T_HMAC, 64), 0x9000);
    CHECK_EQ(set_hex(3, 0, key), 0x9000);
    int ml = wrhex(0, msg), tl = (int)strlen(mac) / 2;
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, alg), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 3, 1, 1), 0x9000);
    CHECK_EQ(h(H_INFO, 0, 0, 0), 0x9000);
    CHECK_EQ(val(), tl);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, ml, 1200), 0x9000);
    CHECK_EQ(val(), tl);
    CHECK(io_is(1200, mac));
    /* verify, over update + final; a changed MAC is refused */
    CHECK_EQ(h(H_INIT, 0, 3, 1, 2), 0x9000);
    CHECK_EQ(h(H_UPDATE, 0, 0, 3, 0, ml / 2, 0), 0x9000);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, ml / 2, ml - ml / 2, 1200, tl), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    uint8_t last;
    rd(1200 + tl - 1, 1, &last);
    last ^= 0x01;
    wr(1200 + tl - 1, &last, 1);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, ml, 1200, tl), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
}

static void test_hmac(void)
{
    REQUIRE(h_card());
    /* RFC 4231 test case 1 (SHA-256, SHA-384, SHA-512) */
    const char *k1 = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", *m1 = "4869205468657265";
    hmac_case(S_HMAC_SHA256, k1, m1,
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_case(S_HMAC_SHA384, k1, m1,
              "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
              "faea9ea9076ede7f4af152e8b2fa9cb6");
    hmac_case(S_HMAC_SHA512, k1, m1,
              "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
              "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
    /* RFC 4231 test case 2 ("Jefe") */
    hmac_case(S_HMAC_SHA256, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* RFC 4231 test case 6 (131-byte key, longer than the block) */
    char k6[263];
    for (int i = 0; i < 131; i++)
        memcpy(k6 + 2 * i, "aa", 2);
    k6[262] = 0;
    hmac_case(S_HMAC_SHA256, k6,
              "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
              "65204b6579202d2048617368204b6579204669727374",
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    /* RFC 2202 test case 1 (HMAC-SHA-1) */
    hmac_case(S_HMAC_SHA1, k1, m1, "b617318655057264e28bc0b6fb378c8ef146be00");
    /* the four-argument form: SHA-256 + SIG_CIPHER_HMAC + PAD_NULL */
    CHECK_EQ(h(H_NEW, 1, K_SIG4, 3, 4, 7, 0), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 3, 1, 1), 0x9000);
    /* HMAC with an AES key: ILLEGAL_VALUE; with an uninitialized HMAC key: UNINITIALIZED_KEY */
    CHECK_EQ(h(H_KEY, 4, 0, 2, T_AES, 128), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 4, 1, 1), 0x6B01);
    CHECK_EQ(h(H_KEY, 5, 0, 2, T_HMAC, 64), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 5, 1, 1), 0x6B02);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* ECC                                                                                      */
/* ======================================================================================== */

static char *tohex(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", b[i]);
    s[2 * n] = 0;
    return s;
}

/* Sets the domain parameters of a named curve into the key in slot (as an applet does, from
 * bytes: the natives see explicit parameters). */
static void set_domain(int slot, cr_ec_curve curve)
{
    cr_ec_params p;
    REQUIRE(cr_ec_named_params(curve, &p) == SEAM_OK);
    CHECK_EQ(set_bytes(slot, 0, p.p, p.p_len), 0x9000);
    CHECK_EQ(set_bytes(slot, 1, p.a, p.a_len), 0x9000);
    CHECK_EQ(set_bytes(slot, 2, p.b, p.b_len), 0x9000);
    CHECK_EQ(set_bytes(slot, 3, p.g, p.g_len), 0x9000);
    CHECK_EQ(set_bytes(slot, 4, p.n, p.n_len), 0x9000);
    CHECK_EQ(h(H_SET, (uint8_t)slot, 5, 2, (int)p.h, 0), 0x9000);
}

static int curve_bits(cr_ec_curve c)
{
    switch (c) {
    case CR_EC_P256:
    case CR_EC_BP256R1:
        return 256;
    case CR_EC_P384:
    case CR_EC_BP384R1:
        return 384;
    case CR_EC_P521:
        return 521;
    default:
        return 512;
    }
}

/* NIST CAVP "ECC CDH Primitive" (ecccdhtestvectors.zip, KAS_ECC_CDH_PrimitiveTest.txt) COUNT 0
 * of P-384 and P-521, and RFC 7027 Appendix A.1-A.3 (brainpoolP256r1/384r1/512r1, with the y
 * coordinate of the shared point for ALG_EC_SVDP_DH_PLAIN_XY). d is our private key, peer the
 * other side's public point, zx/zy the shared point. */
static const struct {
    const char *what;
    cr_ec_curve curve;
    const char *d, *peer_x, *peer_y, *zx, *zy;
} ecdh_vectors[] = {
    {"CAVP CDH P-384 COUNT 0", CR_EC_P384,
     "3cc3122a68f0d95027ad38c067916ba0eb8c38894d22e1b15618b6818a661774ad463b205da88cf699ab4d43c9cf"
     "98a1",
     "a7c76b970c3b5fe8b05d2838ae04ab47697b9eaf52e764592efda27fe7513272734466b400091adbf2d68c58e0c5"
     "0066",
     "ac68f19f2e1cb879aed43a9969b91a0839c4c38a49749b661efedf243451915ed0905a32b060992b468c64766fc8"
     "437a",
     "5f9d29dc5e31a163060356213669c8ce132e22f57c9a04f40ba7fcead493b457e5621e766c40a2e3d4d6a04b25e5"
     "33f1",
     NULL},
    {"CAVP CDH P-521 COUNT 0", CR_EC_P521,
     "0000017eecc07ab4b329068fba65e56a1f8890aa935e57134ae0ffcce802735151f4eac6564f6ee9974c5e6887a1"
     "fefee5743ae2241bfeb95d5ce31ddcb6f9edb4d6fc47",
     "000000685a48e86c79f0f0875f7bc18d25eb5fc8c0b07e5da4f4370f3a9490340854334b1e1b87fa395464c60626"
     "124a4e70d0f785601d37c09870ebf176666877a2046d",
     "000001ba52c56fc8776d9e8f5db4f0cc27636d0b741bbe05400697942e80b739884a83bde99e0f6716939e632bc8"
     "986fa18dccd443a348b6c3e522497955a4f3c302f676",
     "005fc70477c3e63bc3954bd0df3ea0d1f41ee21746ed95fc5e1fdf90930d5e136672d72cc770742d1711c3c3a4c3"
     "34a0ad9759436a4d3c5bf6e74b9578fac148c831",
     NULL},
    {"RFC 7027 A.1 brainpoolP256r1", CR_EC_BP256R1,
     "81db1ee100150ff2ea338d708271be38300cb54241d79950f77b063039804f1d",
     "8d2d688c6cf93e1160ad04cc4429117dc2c41825e1e9fca0addd34e6f1b39f7b",
     "990c57520812be512641e47034832106bc7d3e8dd0e4c7f1136d7006547cec6a",
     "89afc39d41d3b327814b80940b042590f96556ec91e6ae7939bce31f3a18bf2b",
     "49c27868f4eca2179bfd7d59b1e3bf34c1dbde61ae12931648f43e59632504de"},
    {"RFC 7027 A.2 brainpoolP384r1", CR_EC_BP384R1,
     "1e20f5e048a5886f1f157c74e91bde2b98c8b52d58e5003d57053fc4b0bd65d6f15eb5d1ee1610df870795143627"
     "d042",
     "4d44326f269a597a5b58bba565da5556ed7fd9a8a9eb76c25f46db69d19dc8ce6ad18e404b15738b2086df37e71d"
     "1eb4",
     "62d692136de56cbe93bf5fa3188ef58bc8a3a0ec6c1e151a21038a42e9185329b5b275903d192f8d4e1f32fe9cc7"
     "8c48",
     "0bd9d3a7ea0b3d519d09d8e48d0785fb744a6b355e6304bc51c229fbbce239bbadf6403715c35d4fb2a5444f575d"
     "4f42",
     "0df213417ebe4d8e40a5f76f66c56470c489a3478d146decf6df0d94bae9e598157290f8756066975f1db34b2324"
     "b7bd"},
    {"RFC 7027 A.3 brainpoolP512r1", CR_EC_BP512R1,
     "16302ff0dbbb5a8d733dab7141c1b45acbc8715939677f6a56850a38bd87bd59b09e80279609ff333eb9d4c06123"
     "1fb26f92eeb04982a5f1d1764cad57665422",
     "9d45f66de5d67e2e6db6e93a59ce0bb48106097ff78a081de781cdb31fce8ccbaaea8dd4320c4119f1e9cd437a2e"
     "ab3731fa9668ab268d871deda55a5473199f",
     "2fdc313095bcdd5fb3a91636f07a959c8e86b5636a1e930e8396049cb481961d365cc11453a06c719835475b12cb"
     "52fc3c383bce35e27ef194512b71876285fa",
     "a7927098655f1f9976fa50a9d566865dc530331846381c87256baf3226244b76d36403c024d7bbf0aa0803eaff40"
     "5d3d24f11a9b5c0bef679fe1454b21c4cd1f",
     "7db71c3def63212841c463e881bdcf055523bd368240e6c3143bd8def8b3b3223b95e0f53082ff5e412f4222537a"
     "43df1c6d25729ddb51620a832be6a26680a2"},
};

/* KeyAgreement ALG_* */
enum { KA_DH = 1, KA_DHC = 2, KA_DH_PLAIN = 3, KA_DHC_PLAIN = 4, KA_DH_PLAIN_XY = 6 };

static void test_ecdh_curves(void)
{
    REQUIRE(h_card());
    for (size_t i = 0; i < sizeof ecdh_vectors / sizeof ecdh_vectors[0]; i++) {
        int before = check_failures;
        cr_ec_curve cv = ecdh_vectors[i].curve;
        int bits = curve_bits(cv);
        CHECK_EQ(h(H_KEY, 0, 0, 2, T_EC_PRIV, bits), 0x9000);
        set_domain(0, cv);
        CHECK_EQ(set_hex(0, 6, ecdh_vectors[i].d), 0x9000);
        char peer[600];
        /* CAVP writes P-521 coordinates with two extra leading zero bytes: 66 bytes each */
        size_t fl = strlen(ecdh_vectors[i].zx) / 2, xl = strlen(ecdh_vectors[i].peer_x) / 2;
        snprintf(peer, sizeof peer, "04%s%s", ecdh_vectors[i].peer_x + 2 * (xl - fl),
                 ecdh_vectors[i].peer_y + 2 * (xl - fl));
        int pl = wrhex(0, peer);
        size_t zl = strlen(ecdh_vectors[i].zx) / 2;
        /* DH_PLAIN and DHC_PLAIN (h = 1): x; DH and DHC: SHA-1(x) (API KeyAgreement) */
        uint8_t *zx = check_hex(ecdh_vectors[i].zx, &zl), sha[20];
        size_t sl;
        REQUIRE(cr_md(CR_MD_SHA1, zx, zl, sha, sizeof sha, &sl) == SEAM_OK);
        char *shahex = tohex(sha, 20);
        static const int algs[4] = {KA_DH_PLAIN, KA_DHC_PLAIN, KA_DH, KA_DHC};
        for (int j = 0; j < 4; j++) {
            CHECK_EQ(h(H_NEW, 0, K_KA, 1, algs[j]), 0x9000);
            CHECK_EQ(h(H_INIT, 0, 0, 0), 0x9000);
            CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, pl, 1200), 0x9000);
            CHECK_EQ(val(), j < 2 ? (int)zl : 20);
            CHECK(io_is(1200, j < 2 ? ecdh_vectors[i].zx : shahex));
        }
        free(shahex);
        free(zx);
        if (ecdh_vectors[i].zy) {
            char xy[600];
            snprintf(xy, sizeof xy, "04%s%s", ecdh_vectors[i].zx, ecdh_vectors[i].zy);
            CHECK_EQ(h(H_NEW, 0, K_KA, 1, KA_DH_PLAIN_XY), 0x9000);
            CHECK_EQ(h(H_INIT, 0, 0, 0), 0x9000);
            CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, pl, 1200), 0x9000);
            CHECK_EQ(val(), (int)(1 + 2 * zl));
            CHECK(io_is(1200, xy));
        }
        /* a peer point off the curve (last byte changed): ILLEGAL_VALUE */
        wrhex(pl - 1, "00");
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, pl, 1200), 0x6B01);
        if (check_failures != before) fprintf(stderr, "  in %s\n", ecdh_vectors[i].what);
    }
    jc_card_free(&C);
}

/* RFC 6979 A.2.6 (P-384, SHA-384) and A.2.7 (P-521, SHA-512), message "sample": public key and
 * the deterministic signature (r, s), verified by the jc_card as DER. */
static const struct {
    const char *what;
    cr_ec_curve curve;
    int alg;
    const char *ux, *uy, *r, *s;
} rfc6979[] = {
    {"RFC 6979 A.2.6", CR_EC_P384, S_ECDSA_SHA384,
     "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480"
     "bc13",
     "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd253326"
     "4720",
     "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fa"
     "be46",
     "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a3862"
     "8ac8"},
    {"RFC 6979 A.2.7", CR_EC_P521, S_ECDSA_SHA512,
     "01894550d0785932e00eaa23b694f213f8c3121f86dc97a04e5a7167db4e5bcd371123d46e45db6b5d5370a7f20fb"
     "633155d38ffa16d2bd761dcac474b9a2f5023a4",
     "00493101c962cd4d2fddf782285e64584139c2f91b47f87ff82354d6630f746a28a0db25741b5b34a828008b22acc"
     "23f924faafbd4d33f81ea66956dfeaa2bfdfcf5",
     "00c328fafcbd79dd77850370c46325d987cb525569fb63c5d3bc53950e6d4c5f174e25a1ee9017b5d450606add152"
     "b534931d7d4e8455cc91f9b15bf05ec36e377fa",
     "00617cce7cf5064806c467f678d3b4080d6f1cc50af26ca209417308281b68af282623eaa63e5b5c0723d8b8c37ff"
     "0777b1a20f8ccb1dccc43997f1ee0e44da4a67a"},
};

static void test_ecdsa_curves(void)
{
    REQUIRE(h_card());
    for (size_t i = 0; i < sizeof rfc6979 / sizeof rfc6979[0]; i++) {
        cr_ec_curve cv = rfc6979[i].curve;
        CHECK_EQ(h(H_KEY, 0, 0, 2, T_EC_PUB, curve_bits(cv)), 0x9000);
        set_domain(0, cv);
        char w[400];
        snprintf(w, sizeof w, "04%s%s", rfc6979[i].ux, rfc6979[i].uy);
        CHECK_EQ(set_hex(0, 6, w), 0x9000);
        uint8_t raw[132], der[150];
        size_t rl = 0, sl = 0, dl = 0;
        uint8_t *r = check_hex(rfc6979[i].r, &rl), *s = check_hex(rfc6979[i].s, &sl);
        memcpy(raw, r, rl);
        memcpy(raw + rl, s, sl);
        free(r);
        free(s);
        REQUIRE(cr_ecdsa_raw_to_der(raw, rl + sl, der, sizeof der, &dl) == SEAM_OK);
        wrhex(0, "73616d706c65");
        wr(100, der, dl);
        CHECK_EQ(h(H_NEW, 0, K_SIG, 1, rfc6979[i].alg), 0x9000);
        CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, 6, 100, (int)dl), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, 5, 100, (int)dl), 0x9000); /* "sampl" */
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    }
    /* key generation, sign and verify on each curve: P-384 and P-521 by default parameters
     * (KeyPair(ALG_EC_FP, 384 / 521)), brainpool by parameters preset in the public key */
    static const struct {
        cr_ec_curve c;
        int alg;
        bool preset;
    } runs[] = {
        {CR_EC_P384, S_ECDSA_SHA384, false},   {CR_EC_P521, S_ECDSA_SHA512, false},
        {CR_EC_BP256R1, S_ECDSA_SHA256, true}, {CR_EC_BP384R1, S_ECDSA_SHA384, true},
        {CR_EC_BP512R1, S_ECDSA_SHA512, true}, {CR_EC_P256, S_ECDSA_SHA256, true},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int bits = curve_bits(runs[i].c);
        if (runs[i].preset) {
            CHECK_EQ(h(H_KEY, 1, 0, 2, T_EC_PUB, bits), 0x9000);
            CHECK_EQ(h(H_KEY, 2, 0, 2, T_EC_PRIV, bits), 0x9000);
            set_domain(1, runs[i].c);
            CHECK_EQ(h(H_PAIR, 0, 0, 3, bits, 1, 2), 0x9000);
        } else {
            CHECK_EQ(h(H_PAIR, 5, 0, 3, bits, 1, 2), 0x9000);
        }
        cr_ec_params p;
        REQUIRE(cr_ec_named_params(runs[i].c, &p) == SEAM_OK);
        CHECK_EQ(h(H_GET, 1, 6, 1, 0), 0x9000);
        CHECK_EQ(val(), (int)p.g_len);
        CHECK_EQ(h(H_GET, 2, 3, 1, 0), 0x9000); /* the private key got the domain too */
        CHECK_EQ(val(), (int)p.g_len);
        wrhex(0, "0102030405");
        CHECK_EQ(h(H_NEW, 1, K_SIG, 1, runs[i].alg), 0x9000);
        CHECK_EQ(h(H_INIT, 1, 2, 1, 1), 0x9000);
        CHECK_EQ(h(H_INFO, 1, 0, 0), 0x9000);
        int maxl = val();
        CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 5, 100), 0x9000);
        int sl = val();
        CHECK(sl > 8 && sl <= maxl);
        CHECK_EQ(h(H_INIT, 1, 1, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 1, 0, 4, 0, 5, 100, sl), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        /* ECDH between the generated key and itself: DH_PLAIN_XY's x = DH_PLAIN */
        CHECK_EQ(h(H_GET, 1, 6, 1, 300), 0x9000);
        CHECK_EQ(h(H_NEW, 2, K_KA, 1, KA_DH_PLAIN), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 2, 0), 0x9000);
        CHECK_EQ(h(H_FINAL, 2, 0, 3, 300, (int)p.g_len, 500), 0x9000);
        uint8_t x1[70], xy[140];
        rd(500, (size_t)val(), x1);
        CHECK_EQ(h(H_NEW, 2, K_KA, 1, KA_DH_PLAIN_XY), 0x9000);
        CHECK_EQ(h(H_INIT, 2, 2, 0), 0x9000);
        CHECK_EQ(h(H_FINAL, 2, 0, 3, 300, (int)p.g_len, 500), 0x9000);
        CHECK_EQ(val(), (int)p.g_len);
        rd(500, p.g_len, xy);
        CHECK(!memcmp(xy + 1, x1, p.p_len));
    }
    /* default parameters exist only for 256, 384, 521: a 192-bit pair without them */
    CHECK_EQ(h(H_PAIR, 5, 0, 3, 192, 1, 2), 0x6B03);
    /* a curve that is not one: b changed (G no longer on it): ILLEGAL_VALUE at genKeyPair */
    CHECK_EQ(h(H_KEY, 1, 0, 2, T_EC_PUB, 256), 0x9000);
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_EC_PRIV, 256), 0x9000);
    set_domain(1, CR_EC_BP256R1);
    CHECK_EQ(set_hex(1, 2, "0000000000000000000000000000000000000000000000000000000000000007"),
             0x9000);
    CHECK_EQ(h(H_PAIR, 0, 0, 3, 256, 1, 2), 0x6B01);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* Symmetric: DES/TDEA, AES-CTR, GCM, CCM                                                  */
/* ======================================================================================== */

static void test_des(void)
{
    REQUIRE(h_card());
    /* FIPS 46 / "The DES Algorithm Illustrated" worked example: K = 133457799BBCDFF1,
     * P = 0123456789ABCDEF, C = 85E813540F0AB405 */
    CHECK_EQ(h(H_KEY, 0, 0, 2, T_DES, 64), 0x9000);
    CHECK_EQ(set_hex(0, 0, "133457799bbcdff1"), 0x9000);
    wrhex(0, "0123456789abcdef");
    CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_DES_ECB_NOPAD), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x9000);
    uint16_t sw = h(H_FINAL, 0, 0, 3, 0, 8, 100);
    if (sw == 0x6B05) {
        fprintf(stderr, "  single DES unavailable (no legacy provider): skipped\n");
    } else {
        CHECK_EQ(sw, 0x9000);
        CHECK(io_is(100, "85e813540f0ab405"));
    }
    /* SP 800-67 Rev. 1 Appendix B TDEA example (3-key, ECB): K1 K2 K3 = 0123456789ABCDEF
     * 23456789ABCDEF01 456789ABCDEF0123, P = "The qufc" -> A826FD8CE53B855F */
    CHECK_EQ(h(H_KEY, 1, 0, 2, T_DES, 192), 0x9000);
    CHECK_EQ(set_hex(1, 0, "0123456789abcdef23456789abcdef01456789abcdef0123"), 0x9000);
    wrhex(0, "5468652071756663");
    CHECK_EQ(h(H_INIT, 0, 1, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 8, 100), 0x9000);
    CHECK(io_is(100, "a826fd8ce53b855f"));
    CHECK_EQ(h(H_INIT, 0, 1, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 100, 8, 200), 0x9000);
    CHECK(io_is(200, "5468652071756663"));
    /* 2-key TDEA with K1 = K2 is single DES (the FIPS 46 example again) */
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_DES, 128), 0x9000);
    CHECK_EQ(set_hex(2, 0, "133457799bbcdff1133457799bbcdff1"), 0x9000);
    wrhex(0, "0123456789abcdef");
    CHECK_EQ(h(H_INIT, 0, 2, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 8, 100), 0x9000);
    CHECK(io_is(100, "85e813540f0ab405"));
    /* CBC: the first block with IV = 0 equals ECB; chaining over update; M2 round trip */
    CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, CI_DES_CBC_NOPAD), 0x9000);
    wrhex(0, "0123456789abcdef0123456789abcdef0123456789abcdef");
    CHECK_EQ(h(H_INIT, 1, 1, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 24, 100), 0x9000);
    uint8_t one[24], two[24];
    rd(100, 24, one);
    wrhex(300, "0000000000000000");
    CHECK_EQ(h(H_INIT, 1, 1, 3, 2, 300, 8), 0x9000);
    CHECK_EQ(h(H_UPDATE, 1, 0, 3, 0, 11, 100), 0x9000);
    CHECK_EQ(val(), 8);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 11, 13, 108), 0x9000);
    CHECK_EQ(val(), 16);
    rd(100, 24, two);
    CHECK(!memcmp(one, two, 24));
    CHECK_EQ(h(H_INIT, 1, 1, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 100, 24, 200), 0x9000);
    CHECK(io_is(200, "0123456789abcdef0123456789abcdef0123456789abcdef"));
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 7, 100), 0x6B05); /* not whole blocks */
    CHECK_EQ(h(H_INIT, 1, 1, 3, 2, 300, 16), 0x6B01); /* IV of 16 bytes */
    CHECK_EQ(h(H_NEW, 2, K_CIPHER, 1, CI_DES_CBC_M2), 0x9000);
    wrhex(0, "0102030405");
    CHECK_EQ(h(H_INIT, 2, 2, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 0, 5, 100), 0x9000);
    CHECK_EQ(val(), 8);
    CHECK_EQ(h(H_INIT, 2, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 100, 8, 200), 0x9000);
    CHECK_EQ(val(), 5);
    CHECK(io_is(200, "0102030405"));
    /* ALG_DES_MAC8_ISO9797_M2 = the last block of TDEA-CBC over the M2-padded message (checked
     * against the cipher on the card: the SP 800-67 key, IV 0) */
    wrhex(0, "5468652071756663");
    CHECK_EQ(h(H_NEW, 3, K_SIG, 1, S_DES_MAC8_M2), 0x9000);
    CHECK_EQ(h(H_INIT, 3, 1, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 3, 0, 3, 0, 8, 100), 0x9000);
    CHECK_EQ(val(), 8);
    wrhex(200, "54686520717566638000000000000000");
    CHECK_EQ(h(H_INIT, 1, 1, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 200, 16, 300), 0x9000);
    uint8_t mac[8], cbc[16];
    rd(100, 8, mac);
    rd(300, 16, cbc);
    CHECK(!memcmp(mac, cbc + 8, 8));
    CHECK_EQ(h(H_INIT, 3, 1, 1, 2), 0x9000);
    CHECK_EQ(h(H_VERIFY, 3, 0, 4, 0, 8, 100, 8), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    /* DES keys: 56 bits is no size; a DES cipher with an AES key: ILLEGAL_VALUE */
    CHECK_EQ(h(H_KEY, 3, 0, 2, T_DES, 56), 0x6B03);
    CHECK_EQ(h(H_KEY, 3, 0, 2, T_AES, 128), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 3, 1, 2), 0x6B01);
    jc_card_free(&C);
}

/* ALG_DES_MAC8_ISO9797_1_M2_ALG3: ISO/IEC 9797-1 MAC algorithm 3 (retail MAC), padding
 * method 2, 2-key key. Known answer: ICAO Doc 9303 Part 11, Appendix D.3 (BAC worked example):
 * MAC over E_IFD = 72C29C23...76ED92F2 with K_MAC = 7962D9ECE03D1ACD 4C76089DCE131543 is
 * M_IFD = 5F1448EEA8AD90A7 (also recomputed here with openssl enc: DES-CBC under K1, then
 * DES decrypt under K2 and encrypt under K1). Consistency: with K1 = K2 the retail MAC is the
 * single-DES CBC-MAC, so it equals ALG_DES_MAC8_ISO9797_M2 with the same 2-key key; with
 * K1 != K2 the two differ. */
static void test_des_alg3(void)
{
    REQUIRE(h_card());
    const char *eifd = "72c29c2371cc9bdb65b779b8e8d37b29ecc154aa56a8799fae2f498f76ed92f2";
    CHECK_EQ(h(H_KEY, 0, 0, 2, T_DES, 128), 0x9000);
    CHECK_EQ(set_hex(0, 0, "7962d9ece03d1acd4c76089dce131543"), 0x9000);
    int n = wrhex(0, eifd);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_DES_MAC8_ALG3), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 0, 1, 1), 0x9000);
    uint16_t sw = h(H_FINAL, 0, 0, 3, 0, n, 100);
    if (sw == 0x6B05) {
        fprintf(stderr, "  single DES unavailable (no legacy provider): skipped\n");
        jc_card_free(&C);
        return;
    }
    CHECK_EQ(sw, 0x9000);
    CHECK_EQ(val(), 8);
    CHECK(io_is(100, "5f1448eea8ad90a7"));
    /* the same over update in pieces, and verify (true, then false for a changed MAC) */
    CHECK_EQ(h(H_INIT, 0, 0, 1, 1), 0x9000);
    CHECK_EQ(h(H_UPDATE, 0, 0, 3, 0, 5, 0), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 5, n - 5, 200), 0x9000);
    CHECK(io_is(200, "5f1448eea8ad90a7"));
    CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, n, 100, 8), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
    wrhex(100, "5f1448eea8ad90a6");
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, n, 100, 8), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    CHECK_EQ(h(H_VERIFY, 0, 0, 4, 0, n, 100, 7), 0x9000);
    CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    /* K1 != K2: differs from the TDEA CBC-MAC (ALG_DES_MAC8_ISO9797_M2) with the same key */
    uint8_t a3[8], m2[8];
    CHECK_EQ(h(H_NEW, 1, K_SIG, 1, S_DES_MAC8_M2), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 0, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, n, 300), 0x9000);
    rd(300, 8, m2);
    CHECK(memcmp(m2, "\x5f\x14\x48\xee\xa8\xad\x90\xa7", 8) != 0);
    /* K1 = K2: both are the single-DES CBC-MAC, for several lengths (0, 7, 8, 32 bytes) */
    CHECK_EQ(h(H_KEY, 1, 0, 2, T_DES, 128), 0x9000);
    CHECK_EQ(set_hex(1, 0, "7962d9ece03d1acd7962d9ece03d1acd"), 0x9000);
    static const int lens[] = {0, 7, 8, 32};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        CHECK_EQ(h(H_INIT, 0, 1, 1, 1), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, lens[i], 300), 0x9000);
        rd(300, 8, a3);
        CHECK_EQ(h(H_INIT, 1, 1, 1, 1), 0x9000);
        CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, lens[i], 300), 0x9000);
        rd(300, 8, m2);
        CHECK(!memcmp(a3, m2, 8));
    }
    /* an initial value through init(key, mode, iv) changes the MAC; wrong IV length refused */
    wrhex(400, "0102030405060708");
    CHECK_EQ(h(H_INIT, 0, 0, 3, 1, 400, 8), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, n, 300), 0x9000);
    rd(300, 8, a3);
    CHECK(memcmp(a3, "\x5f\x14\x48\xee\xa8\xad\x90\xa7", 8) != 0);
    CHECK_EQ(h(H_INIT, 0, 0, 3, 1, 400, 7), 0x6B01);
    /* MAC algorithm 3 needs a 2-key key: single DES and 3-key TDEA keys are ILLEGAL_VALUE, an
     * AES key too; an unset key UNINITIALIZED_KEY */
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_DES, 64), 0x9000);
    CHECK_EQ(set_hex(2, 0, "7962d9ece03d1acd"), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x6B01);
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_DES, 192), 0x9000);
    CHECK_EQ(set_hex(2, 0, "7962d9ece03d1acd4c76089dce1315437962d9ece03d1acd"), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x6B01);
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_AES, 128), 0x9000);
    CHECK_EQ(set_hex(2, 0, "7962d9ece03d1acd4c76089dce131543"), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x6B01);
    CHECK_EQ(h(H_KEY, 2, 0, 2, T_DES, 128), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x6B02);
    /* MAC4 (19) is not offered */
    CHECK_EQ(h(H_NEW, 2, K_SIG, 1, 19), 0x6B03);
    jc_card_free(&C);
}

static void test_aes_ctr(void)
{
    REQUIRE(h_card());
    /* NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.2, in one call and in pieces of 5,
     * 17, 20 and 22 bytes (the keystream position carried across update) */
    CHECK_EQ(h(H_KEY, 0, 0, 2, T_AES, 128), 0x9000);
    CHECK_EQ(set_hex(0, 0, "2b7e151628aed2a6abf7158809cf4f3c"), 0x9000);
    wrhex(0, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    const char *pt = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                     "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    const char *ct = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
                     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";
    wrhex(100, pt);
    CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_AES_CTR), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 0, 3, 2, 0, 16), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 100, 64, 200), 0x9000);
    CHECK_EQ(val(), 64);
    CHECK(io_is(200, ct));
    static const int parts[4] = {5, 17, 20, 22};
    int off = 0;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(h(H_UPDATE, 0, 0, 3, 100 + off, parts[i], 300 + off), 0x9000);
        CHECK_EQ(val(), parts[i]);
        off += parts[i];
    }
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 100 + off, parts[3], 300 + off), 0x9000);
    CHECK(io_is(300, ct));
    /* decryption is the same operation (F.5.2) */
    CHECK_EQ(h(H_INIT, 0, 0, 3, 1, 0, 16), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 200, 64, 400), 0x9000);
    CHECK(io_is(400, pt));
    /* an IV of 8 bytes, and no IV at all (zero counter block) */
    CHECK_EQ(h(H_INIT, 0, 0, 3, 2, 0, 8), 0x6B01);
    CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x9000);
    jc_card_free(&C);
}

#define GCM_KF "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define GCM_P60                                                                                    \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"     \
    "49a6b525b16aedf5aa0de657ba637b39"
#define GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_IV480                                                                                  \
    "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e242"     \
    "9a6b525416aedbf5a0de6a57a637b39b"

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 2, 4, 6, 16 (as in
 * NIST's GCM specification, revised). */
static const struct {
    int tc, keylen;
    bool zero_key;
    const char *iv, *pt, *aad, *ct, *tag;
} gcm_vectors[] = {
    {2, 16, true, "000000000000000000000000", "00000000000000000000000000000000", "",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {4, 16, false, "cafebabefacedbaddecaf888", GCM_P60, GCM_A,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a"
     "ac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {6, 16, false, GCM_IV480, GCM_P60, GCM_A,
     "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281"
     "d48c7c6fd62875d2aca417034c34aee5",
     "619cc5aefffe0bfa462af43c1699d050"},
    {16, 32, false, "cafebabefacedbaddecaf888", GCM_P60, GCM_A,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
     "56828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

/* io layout for AEAD: 0 nonce, 200 AAD, 300 input, 500 output, 700 tag */
static void test_gcm(void)
{
    REQUIRE(h_card());
    for (size_t i = 0; i < sizeof gcm_vectors / sizeof gcm_vectors[0]; i++) {
        int before = check_failures, kl = gcm_vectors[i].keylen;
        CHECK_EQ(h(H_KEY, 0, 0, 2, T_AES, kl * 8), 0x9000);
        char key[65];
        if (gcm_vectors[i].zero_key)
            memset(key, '0', 64);
        else
            memcpy(key, GCM_KF, 64);
        key[2 * kl] = 0;
        CHECK_EQ(set_hex(0, 0, key), 0x9000);
        int nl = wrhex(0, gcm_vectors[i].iv), al = wrhex(200, gcm_vectors[i].aad);
        int pl = wrhex(300, gcm_vectors[i].pt);
        CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_AES_GCM), 0x9000);
        /* encryption: AAD in two parts, message over update + doFinal */
        CHECK_EQ(h(H_INIT, 0, 0, 3, 2, 0, nl), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, al / 2), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200 + al / 2, al - al / 2), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 0, 3, 300, pl / 3, 500), 0x9000);
        int o = val();
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 300 + pl / 3, pl - pl / 3, 500 + o), 0x9000);
        CHECK_EQ(o + val(), pl);
        if (pl) CHECK(io_is(500, gcm_vectors[i].ct));
        CHECK_EQ(h(H_TAG, 0, 0, 2, 700, 16), 0x9000);
        CHECK(io_is(700, gcm_vectors[i].tag));
        CHECK_EQ(h(H_TAG, 0, 0, 2, 700, 12), 0x9000); /* truncated: the first 12 bytes */
        /* decryption: plaintext out of doFinal, then verifyTag (full and truncated) */
        wrhex(300, gcm_vectors[i].ct);
        CHECK_EQ(h(H_INIT, 0, 0, 6, 1, 0, nl, al, pl, 16), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, al), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, pl, 500), 0x9000);
        CHECK_EQ(val(), pl);
        if (pl) CHECK(io_is(500, gcm_vectors[i].pt));
        wrhex(700, gcm_vectors[i].tag);
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, 16, 16), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, 12, 12), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, 8, 12), 0x9000); /* shorter than required */
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
        wrhex(715, "00");
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, 16, 16), 0x9000); /* a changed tag */
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
        if (check_failures != before) fprintf(stderr, "  in GCM test case %d\n", gcm_vectors[i].tc);
    }
    /* negative: AAD after message data; retrieveTag before doFinal or on a decryption;
     * nonce of 0 bytes; tag size 3; doFinal again without init; init without a nonce */
    wrhex(0, "cafebabefacedbaddecaf888");
    CHECK_EQ(h(H_INIT, 0, 0, 3, 2, 0, 12), 0x9000);
    CHECK_EQ(h(H_UPDATE, 0, 0, 3, 300, 5, 500), 0x9000);
    CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, 4), 0x6B05);
    CHECK_EQ(h(H_TAG, 0, 0, 2, 700, 16), 0x6B05);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, 0, 500), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, 0, 500), 0x6B04);
    CHECK_EQ(h(H_TAG, 0, 0, 2, 700, 3), 0x6B01);
    CHECK_EQ(h(H_TAG, 0, 1, 3, 700, 16, 16), 0x6B05);
    CHECK_EQ(h(H_INIT, 0, 0, 3, 2, 0, 0), 0x6B01);
    CHECK_EQ(h(H_INIT, 0, 0, 6, 2, 0, 12, 0, 0, 3), 0x6B01);
    CHECK_EQ(h(H_INIT, 0, 0, 1, 2), 0x6B01);
    jc_card_free(&C);
}

/* RFC 3610 §8 packet vector #1 (AES-128, 13-byte nonce, 8-byte header = AAD, M = 8) and NIST SP
 * 800-38C Appendix C.1 example 1 (7-byte nonce, 4-byte tag). */
static const struct {
    const char *what, *key, *nonce, *aad, *pt, *ct, *tag;
} ccm_vectors[] = {
    {"RFC 3610 packet vector #1", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000003020100a0a1a2a3a4a5",
     "0001020304050607", "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384", "17e8d12cfdf926e0"},
    {"SP 800-38C C.1 example 1", "404142434445464748494a4b4c4d4e4f", "10111213141516",
     "0001020304050607", "20212223", "7162015b", "4dac255d"},
};

static void test_ccm(void)
{
    REQUIRE(h_card());
    for (size_t i = 0; i < sizeof ccm_vectors / sizeof ccm_vectors[0]; i++) {
        int before = check_failures;
        CHECK_EQ(h(H_KEY, 0, 0, 2, T_AES, 128), 0x9000);
        CHECK_EQ(set_hex(0, 0, ccm_vectors[i].key), 0x9000);
        int nl = wrhex(0, ccm_vectors[i].nonce), al = wrhex(200, ccm_vectors[i].aad);
        int pl = wrhex(300, ccm_vectors[i].pt), tl = (int)strlen(ccm_vectors[i].tag) / 2;
        CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_AES_CCM), 0x9000);
        CHECK_EQ(h(H_INIT, 0, 0, 6, 2, 0, nl, al, pl, tl), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, al), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, pl, 500), 0x9000);
        CHECK_EQ(val(), pl);
        CHECK(io_is(500, ccm_vectors[i].ct));
        CHECK_EQ(h(H_TAG, 0, 0, 2, 700, tl), 0x9000);
        CHECK(io_is(700, ccm_vectors[i].tag));
        CHECK_EQ(h(H_TAG, 0, 0, 2, 700, 16), 0x6B01); /* not the tag size of init */
        wrhex(300, ccm_vectors[i].ct);
        CHECK_EQ(h(H_INIT, 0, 0, 6, 1, 0, nl, al, pl, tl), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, al), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, pl, 500), 0x9000);
        CHECK(io_is(500, ccm_vectors[i].pt));
        wrhex(700, ccm_vectors[i].tag);
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, tl, tl), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        wrhex(700, "ff");
        CHECK_EQ(h(H_TAG, 0, 1, 3, 700, tl, tl), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
        /* a message shorter than announced at init: ILLEGAL_USE */
        CHECK_EQ(h(H_INIT, 0, 0, 6, 2, 0, nl, al, pl, tl), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 1, 2, 200, al), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 300, pl - 1, 500), 0x6B05);
        if (check_failures != before) fprintf(stderr, "  in %s\n", ccm_vectors[i].what);
    }
    /* nonce of 6 bytes, odd tag size: ILLEGAL_VALUE */
    CHECK_EQ(h(H_INIT, 0, 0, 6, 2, 0, 6, 0, 0, 8), 0x6B01);
    CHECK_EQ(h(H_INIT, 0, 0, 6, 2, 0, 13, 0, 0, 7), 0x6B01);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* Checksum                                                                                 */
/* ======================================================================================== */

static void test_checksum(void)
{
    REQUIRE(h_card());
    /* check values of "123456789" (CRC catalogue: CRC-16/X.25 0x906E = the ISO/IEC 13239 FCS;
     * CRC-32 (ISO-HDLC) 0xCBF43926), with the default initial value */
    wrhex(0, "313233343536373839");
    CHECK_EQ(h(H_NEW, 0, K_CK, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 9, 100), 0x9000);
    CHECK_EQ(val(), 2);
    CHECK(io_is(100, "906e"));
    CHECK_EQ(h(H_NEW, 1, K_CK, 1, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 9, 100), 0x9000);
    CHECK_EQ(val(), 4);
    CHECK(io_is(100, "cbf43926"));
    /* update + doFinal in pieces; then back to the initial value */
    CHECK_EQ(h(H_UPDATE, 1, 0, 3, 0, 4, 0), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 4, 5, 100), 0x9000);
    CHECK(io_is(100, "cbf43926"));
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 9, 100), 0x9000);
    CHECK(io_is(100, "cbf43926"));
    /* init with the checksum of a prefix continues it: CRC("1234") then "56789" */
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 4, 200), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 0, 2, 200, 2), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 4, 5, 100), 0x9000);
    CHECK(io_is(100, "906e"));
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 4, 200), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 0, 2, 200, 4), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 4, 5, 100), 0x9000);
    CHECK(io_is(100, "cbf43926"));
    /* init with the wrong length: ILLEGAL_VALUE; unknown algorithm: NO_SUCH_ALGORITHM; output
     * past the end: AIOOBE */
    CHECK_EQ(h(H_INIT, 0, 0, 2, 200, 4), 0x6B01);
    CHECK_EQ(h(H_INIT, 1, 0, 2, 200, 2), 0x6B01);
    CHECK_EQ(h(H_NEW, 2, K_CK, 1, 3), 0x6B03);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 9, 2397), 0x6B10);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* Negative tests: argument checks of the new natives leave the store unchanged             */
/* ======================================================================================== */

static void test_negative(void)
{
    REQUIRE(h_card());
    rsa1_keys();
    CHECK_EQ(h(H_KEY, 3, 0, 2, T_HMAC, 64), 0x9000);
    CHECK_EQ(set_hex(3, 0, "0b0b0b0b"), 0x9000);
    CHECK_EQ(h(H_KEY, 4, 0, 2, T_AES, 128), 0x9000);
    CHECK_EQ(set_hex(4, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_RSA_SHA256_PKCS1), 0x9000);
    CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, CI_RSA_PKCS1), 0x9000);
    CHECK_EQ(h(H_NEW, 2, K_SIG, 1, S_HMAC_SHA256), 0x9000);
    CHECK_EQ(h(H_NEW, 3, K_CIPHER, 1, CI_AES_GCM), 0x9000);
    CHECK_EQ(h(H_NEW, 4, K_CIPHER, 1, CI_AES_CTR), 0x9000);
    CHECK_EQ(h(H_NEW, 5, K_KA, 1, KA_DH), 0x9000);
    CHECK_EQ(h(H_NEW, 6, K_CK, 1, 2), 0x9000);
    CHECK_EQ(h(H_NEW, 7, K_MD, 1, 4), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 0, 1, 2), 0x9000);
    CHECK_EQ(h(H_INIT, 2, 3, 1, 1), 0x9000);
    CHECK_EQ(h(H_INIT, 4, 4, 1, 2), 0x9000);
    static const struct {
        uint8_t ins, obj, p2;
        int a[4];
        uint16_t sw;
        const char *what;
    } cases[] = {
        {H_FINAL, 0, 0, {0, 10, 2390}, 0x6B10, "RSA sign: signature past the end"},
        {H_FINAL, 0, 0, {2395, 10, 0}, 0x6B10, "RSA sign: input past the end"},
        {H_FINAL, 0, 0, {-1, 10, 0}, 0x6B10, "RSA sign: negative offset"},
        {H_FINAL, 0, 1, {0, 32, -5}, 0x6B10, "signPreComputedHash: negative output offset"},
        {H_FINAL, 0, 1, {0, 31, 0}, 0x6B01, "signPreComputedHash: wrong hash length"},
        {H_UPDATE, 0, 0, {0, -1, 0}, 0x6B10, "RSA sign update: negative length"},
        {H_VERIFY, 2, 0, {0, 5, 2390, 32}, 0x6B10, "HMAC verify: signature past the end"},
        {H_FINAL, 2, 0, {0, 5, 2380}, 0x6B10, "HMAC sign: MAC past the end"},
        {H_FINAL, 1, 0, {0, 200, 0}, 0x6B05, "RSA encrypt: input longer than the modulus"},
        {H_FINAL, 1, 0, {0, 5, 2300}, 0x6B10, "RSA encrypt: output past the end"},
        {H_FINAL, 4, 0, {0, 32, 2390}, 0x6B10, "CTR: output past the end"},
        {H_UPDATE, 4, 0, {2399, 2, 0}, 0x6B10, "CTR update: input past the end"},
        {H_FINAL, 3, 0, {0, 5, 0}, 0x6B04, "GCM doFinal without init"},
        {H_UPDATE, 3, 1, {0, 5}, 0x6B04, "GCM updateAAD without init"},
        {H_TAG, 3, 0, {700, 16}, 0x6B05, "GCM retrieveTag without doFinal"},
        {H_FINAL, 5, 0, {0, 65, 0}, 0x6B04, "KeyAgreement without init"},
        {H_FINAL, 6, 0, {0, 9, 2398}, 0x6B10, "Checksum: output past the end"},
        {H_UPDATE, 6, 0, {2390, 11, 0}, 0x6B10, "Checksum: input past the end"},
        {H_INIT, 6, 0, {2399, 4}, 0x6B10, "Checksum init: past the end"},
        {H_INIT, 5, 1, {0}, 0x6B01, "KeyAgreement with an RSA private key"},
        {H_INIT, 1, 3, {2}, 0x6B01, "RSA cipher with an HMAC key"},
        {H_INIT, 2, 0, {1}, 0x6B01, "HMAC with an RSA key"},
        {H_INIT, 0, 0, {1}, 0x6B01, "RSA sign with the public key"},
        {H_INIT, 3, 4, {2, 2390, 12}, 0x6B10, "GCM nonce past the end"},
        {H_INIT, 4, 4, {2, 0, 17}, 0x6B01, "CTR IV of 17 bytes"},
        {H_INFO, 7, 4, {0, 31, 32, 8}, 0x6B01, "setInitialDigest: SHA-256 state of 31 bytes"},
        {H_INFO, 7, 4, {2390, 32, 0, 8}, 0x6B10, "setInitialDigest: state past the end"},
        {H_INFO, 7, 4, {-1, 32, 0, 8}, 0x6B10, "setInitialDigest: negative state offset"},
        {H_INFO, 7, 4, {0, 32, 2398, 8}, 0x6B10, "setInitialDigest: length past the end"},
        {H_INFO, 7, 4, {0, 32, 0, -1}, 0x6B10, "setInitialDigest: negative length length"},
        {H_INFO, 7, 4, {0, -32, 0, 8}, 0x6B10, "setInitialDigest: negative state length"},
        {H_INFO, 0, 2, {0}, 0x6B01, "Signature.setInitialDigest: digested length 0"},
        {H_INFO, 2, 2, {0}, 0x6B05, "Signature.setInitialDigest: HMAC"},
        {H_INFO, 0, 4, {2390, 32, 0, 8}, 0x6B10, "Signature.setInitialDigest: state past the end"},
        {H_INFO, 0, 4, {0, 32, 0, -1}, 0x6B10, "Signature.setInitialDigest: negative length"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t d1[32], d2[32];
        REQUIRE(store_digest(se_store(C.s), d1) == SEAM_OK);
        uint16_t sw = h(cases[i].ins, cases[i].obj, cases[i].p2, 4, cases[i].a[0], cases[i].a[1],
                        cases[i].a[2], cases[i].a[3]);
        if (sw != cases[i].sw) fprintf(stderr, "  case %zu (%s): %04X\n", i, cases[i].what, sw);
        CHECK_EQ(sw, cases[i].sw);
        REQUIRE(store_digest(se_store(C.s), d2) == SEAM_OK);
        if (memcmp(d1, d2, 32)) fprintf(stderr, "  case %zu changed the store\n", i);
        CHECK_MEM(d1, d2, 32);
    }
    /* unsupported algorithms are still refused: MD5-based, ISO 9796, Korean SEED, DSA */
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, 11), 0x6B03);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, 9), 0x6B03);
    CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, 16), 0x6B03);
    CHECK_EQ(h(H_NEW, 0, K_KA, 1, 5), 0x6B03);
    CHECK_EQ(h(H_NEW, 0, K_SIG4, 3, 0, 3, 7), 0x6B03); /* RSA PKCS1 without a digest */
    /* a cleared key: UNINITIALIZED_KEY at the next operation */
    CHECK_EQ(h(H_KSTATE, 2, 1, 0), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 10, 500), 0x6B02);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* InitializedMessageDigest.setInitialDigest                                                */
/* ======================================================================================== */

/* For each digest: the state after M1 (two blocks) given to setInitialDigest, then M2 (300
 * bytes) through update and doFinal, gives
 * SHA(M1 || M2) computed by EVP on the host; doFinal and reset return to the initial value;
 * then the API's ILLEGAL_VALUE cases. */
static void test_md_initial(void)
{
    REQUIRE(h_card());
    static const struct {
        int jc;
        cr_md_alg alg;
    } algs[] = {{1, CR_MD_SHA1},
                {7, CR_MD_SHA224},
                {4, CR_MD_SHA256},
                {5, CR_MD_SHA384},
                {6, CR_MD_SHA512}};
    uint8_t msg[600];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 13 + 5);
    wr(0, msg, sizeof msg);
    for (size_t k = 0; k < sizeof algs / sizeof algs[0]; k++) {
        cr_md_alg alg = algs[k].alg;
        size_t bl = cr_md_block_len(alg), dl = cr_md_len(alg), m1 = 2 * bl, m2 = 300;
        uint8_t st[64], want[64], plain[64];
        size_t sl = sha_state_after(alg, msg, m1, st), wl = 0, pl = 0;
        REQUIRE(cr_md(alg, msg, m1 + m2, want, sizeof want, &wl) == SEAM_OK);
        REQUIRE(cr_md(alg, msg + m1, m2, plain, sizeof plain, &pl) == SEAM_OK);
        wr(1000, st, sl);
        uint8_t lenb[8] = {0, 0, 0, 0, 0, 0, (uint8_t)(m1 >> 8), (uint8_t)m1};
        wr(1100, lenb, sizeof lenb);
        CHECK_EQ(h(H_NEW, 0, K_IMD, 1, algs[k].jc), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 0, 3, (int)m1, 100, 0), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1 + 100, (int)m2 - 100, 1200), 0x9000);
        CHECK_EQ(val(), (int)dl);
        CHECK(io_eq(1200, want, dl));
        /* doFinal went back to the algorithm's initial value */
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, plain, dl));
        /* input before setInitialDigest is dropped; reset drops the initial digest */
        CHECK_EQ(h(H_UPDATE, 0, 0, 3, 0, 7, 0), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, want, dl));
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 3, 0), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, plain, dl));
        /* a length of 2 bytes (no leading zeros) works as well; 16 bytes with leading zeros */
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1106, 2), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, want, dl));
        uint8_t len16[16] = {0};
        len16[14] = (uint8_t)(m1 >> 8);
        len16[15] = (uint8_t)m1;
        wr(1120, len16, sizeof len16);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1120, 16), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, want, dl));
        /* ILLEGAL_VALUE: state length other than the full state (SHA-224: 28, SHA-384: 48) */
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)dl == (int)sl ? (int)sl - 1 : (int)dl, 1100, 8),
                 0x6B01);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl + 1, 1100, 8), 0x6B01);
        /* ILLEGAL_VALUE: length 0, not a multiple of the block, 2^61 bytes */
        uint8_t bad[3][8] = {{0}, {0, 0, 0, 0, 0, 0, 0, (uint8_t)(bl / 2)}, {0x20}};
        wr(1140, bad[0], 24);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1140, 8), 0x6B01);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1148, 8), 0x6B01);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1156, 8), 0x6B01);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, (int)sl, 1100, 0), 0x6B01);
        /* a failed call leaves the object in its initial state */
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        CHECK(io_eq(1200, plain, dl));
    }
    /* a SHA-1 length (multiple of 64) that is not a multiple of 128 for SHA-512 */
    CHECK_EQ(h(H_NEW, 1, K_IMD, 1, 6), 0x9000);
    uint8_t l64[2] = {0, 64};
    wr(1180, l64, 2);
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, 64, 1180, 2), 0x6B01);
    /* a persistent MessageDigest (getInstance) is an InitializedMessageDigest on seam too */
    CHECK_EQ(h(H_NEW, 2, K_MD, 1, 4), 0x9000);
    CHECK_EQ(h(H_INFO, 2, 4, 4, 1000, 32, 1180, 2), 0x9000);
    jc_card_free(&C);
}

/* ======================================================================================== */
/* ECDSA signing keys kept imported (keys.c) and Signature.setInitialDigest                 */
/* ======================================================================================== */

/* The crypto layer's cr_ec_key: signs many times, each signature verified; a public point
 * that is not priv * G gives SEAM_E_FAULT and no signature; bad inputs are refused. */
static void test_ec_key_layer(void)
{
    cr_ec_group *g = NULL;
    REQUIRE(cr_ec_group_named(CR_EC_P256, &g) == SEAM_OK);
    uint8_t d[32], q[65], d2[32], q2[65], hash[32], sig[64];
    REQUIRE(cr_ec_keygen(g, d, 32, q, 65) == SEAM_OK);
    REQUIRE(cr_ec_keygen(g, d2, 32, q2, 65) == SEAM_OK);
    memset(hash, 0x5A, sizeof hash);
    cr_ec_key *k = NULL;
    REQUIRE(cr_ec_key_new(g, d, 32, q, 65, &k) == SEAM_OK);
    for (int i = 0; i < 3; i++) {
        hash[0] = (uint8_t)i;
        CHECK_EQ(cr_ec_key_sign(k, hash, 32, sig, 64), SEAM_OK);
        CHECK_EQ(cr_ec_verify(g, q, 65, hash, 32, sig, 64), SEAM_OK);
        CHECK_EQ(cr_ec_verify(g, q2, 65, hash, 32, sig, 64), SEAM_E_AUTH);
    }
    CHECK_EQ(cr_ec_key_sign(k, hash, 0, sig, 64), SEAM_E_LENGTH);
    CHECK_EQ(cr_ec_key_sign(k, hash, 32, sig, 63), SEAM_E_LENGTH);
    cr_ec_key_free(k);
    /* the public point of another key: every signature fails its verification */
    k = NULL;
    REQUIRE(cr_ec_key_new(g, d, 32, q2, 65, &k) == SEAM_OK);
    CHECK_EQ(cr_ec_key_sign(k, hash, 32, sig, 64), SEAM_E_FAULT);
    static const uint8_t zero[64];
    CHECK(!memcmp(sig, zero, 64));
    cr_ec_key_free(k);
    /* scalar 0 or n, a point off the curve, a short point */
    cr_ec_params p;
    REQUIRE(cr_ec_named_params(CR_EC_P256, &p) == SEAM_OK);
    k = NULL;
    CHECK_EQ(cr_ec_key_new(g, zero, 32, q, 65, &k), SEAM_E_ARG);
    CHECK_EQ(cr_ec_key_new(g, p.n, p.n_len, q, 65, &k), SEAM_E_ARG);
    uint8_t off[65];
    memcpy(off, q, 65);
    off[64] ^= 1;
    CHECK_EQ(cr_ec_key_new(g, d, 32, off, 65, &k), SEAM_E_FORMAT);
    CHECK_EQ(cr_ec_key_new(g, d, 32, q, 64, &k), SEAM_E_FORMAT);
    CHECK(k == NULL);
    cr_ec_key_free(NULL);
    cr_ec_group_free(g);
}

/* The card's DER signature at io off (len bytes) verifies on the host (OpenSSL) under the
 * public point w over SHA-256 of msg. */
static bool host_verifies(const uint8_t *w, const uint8_t *msg, size_t n, int off, int len)
{
    cr_ec_group *g = NULL;
    uint8_t der[80], raw[64], hash[32];
    size_t hl = 0;
    if (len <= 0 || len > (int)sizeof der || cr_ec_group_named(CR_EC_P256, &g)) return false;
    rd(off, (size_t)len, der);
    bool ok = cr_md(CR_MD_SHA256, msg, n, hash, sizeof hash, &hl) == SEAM_OK &&
              cr_ecdsa_der_to_raw(der, (size_t)len, raw, 64) == SEAM_OK &&
              cr_ec_verify(g, w, 65, hash, 32, raw, 64) == SEAM_OK;
    cr_ec_group_free(g);
    return ok;
}

/* ECDSA-SHA-256 signature of io[0, 40) with the key in slot 2 by object 0 into io 200;
 * returns its length or -SW. */
static int card_sign(void)
{
    uint16_t sw = h(H_INIT, 0, 2, 1, 1);
    if (sw == 0x9000) sw = h(H_FINAL, 0, 0, 3, 0, 40, 200);
    return sw == 0x9000 ? val() : -(int)sw;
}

/* The public point of the key pair in slots 1 (public) / 2 (private) into w. */
static void card_w(uint8_t w[65])
{
    CHECK_EQ(h(H_GET, 1, 6, 1, 600), 0x9000);
    CHECK_EQ(val(), 65);
    rd(600, 65, w);
}

/* Selects an applet instance and writes the message again (io is CLEAR_ON_DESELECT). */
static void select_app(const uint8_t *aid, const uint8_t *msg)
{
    CHECK_EQ(jc_select(C.s, 0, aid, sizeof h_app), 0x9000);
    wr(0, msg, 40);
}

/* ECDSA signing with the key kept imported (keys.c): never with a stale key. Each signature
 * is checked on the host against the public point the card holds at that moment, and not
 * against the one before: after a key change (setS, genKeyPair), after clearKey
 * (UNINITIALIZED_KEY), after a transaction abort that restores the key and a commit that
 * keeps the new one, after a power cycle, in two applets with their own keys. */
static void test_ecdsa_key_cache(void)
{
    REQUIRE(h_card());
    uint8_t msg[40], wa[65], wb[65], w2[65];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(0xC0 ^ i);
    wr(0, msg, sizeof msg);
    /* applet A: a P-256 pair, two signatures (the second from the kept key) */
    CHECK_EQ(h(H_PAIR, 5, 0, 3, 256, 1, 2), 0x9000);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    card_w(wa);
    for (int i = 0; i < 2; i++) {
        int n = card_sign();
        CHECK(host_verifies(wa, msg, sizeof msg, 200, n));
    }
    /* applet B (its own objects and keys in the same slots): its key, not A's */
    select_app(h_app2, msg);
    CHECK_EQ(h(H_PAIR, 5, 0, 3, 256, 1, 2), 0x9000);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    card_w(wb);
    CHECK(memcmp(wa, wb, 65) != 0);
    int n = card_sign();
    CHECK(host_verifies(wb, msg, sizeof msg, 200, n));
    CHECK(!host_verifies(wa, msg, sizeof msg, 200, n));
    /* back to A: A's key */
    select_app(h_app, msg);
    n = card_sign();
    CHECK(host_verifies(wa, msg, sizeof msg, 200, n));
    CHECK(!host_verifies(wb, msg, sizeof msg, 200, n));
    /* genKeyPair again: the new key */
    CHECK_EQ(h(H_PAIR, 5, 0, 3, 256, 1, 2), 0x9000);
    card_w(w2);
    n = card_sign();
    CHECK(host_verifies(w2, msg, sizeof msg, 200, n));
    CHECK(!host_verifies(wa, msg, sizeof msg, 200, n));
    memcpy(wa, w2, 65);
    /* setS with a key made on the host: signatures verify under the host's public point */
    cr_ec_group *g = NULL;
    REQUIRE(cr_ec_group_named(CR_EC_P256, &g) == SEAM_OK);
    uint8_t s1[32], q1[65], s2[32], q2[65];
    REQUIRE(cr_ec_keygen(g, s1, 32, q1, 65) == SEAM_OK);
    REQUIRE(cr_ec_keygen(g, s2, 32, q2, 65) == SEAM_OK);
    cr_ec_group_free(g);
    CHECK_EQ(set_bytes(2, 6, s1, 32), 0x9000);
    n = card_sign();
    CHECK(host_verifies(q1, msg, sizeof msg, 200, n));
    CHECK(!host_verifies(wa, msg, sizeof msg, 200, n));
    /* clearKey between init and sign: UNINITIALIZED_KEY, and at the next init too */
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_KSTATE, 2, 1, 0), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x6B02);
    CHECK_EQ(card_sign(), -0x6B02);
    /* the same S set again (domain first: clearKey wiped it): signs with it */
    set_domain(2, CR_EC_P256);
    CHECK_EQ(set_bytes(2, 6, s1, 32), 0x9000);
    n = card_sign();
    CHECK(host_verifies(q1, msg, sizeof msg, 200, n));
    /* one transaction (Harness TXSIGN): sign with S1 (the kept key of S1 may serve: nothing
     * changed yet), setS(S2), sign with S2, abort: S1 again, never a key of S2 */
    n = card_sign();
    CHECK(host_verifies(q1, msg, sizeof msg, 200, n));
    wr(1000, s2, 32);
    CHECK_EQ(h(H_TX, 2, 0, 6, 1000, 32, 0, 40, 200, 0), 0x9000);
    int n1 = jc_resp_len == 4 ? (jc_resp[0] << 8 | jc_resp[1]) : -1;
    int n2 = jc_resp_len == 4 ? (jc_resp[2] << 8 | jc_resp[3]) : -1;
    CHECK(host_verifies(q1, msg, sizeof msg, 200, n1));
    CHECK(host_verifies(q2, msg, sizeof msg, 360, n2));
    CHECK(!host_verifies(q1, msg, sizeof msg, 360, n2));
    for (int i = 0; i < 2; i++) {
        n = card_sign();
        CHECK(host_verifies(q1, msg, sizeof msg, 200, n));
        CHECK(!host_verifies(q2, msg, sizeof msg, 200, n));
    }
    /* the same with a commit: S2 stays */
    CHECK_EQ(h(H_TX, 2, 0, 6, 1000, 32, 0, 40, 200, 1), 0x9000);
    n2 = jc_resp_len == 4 ? (jc_resp[2] << 8 | jc_resp[3]) : -1;
    CHECK(host_verifies(q2, msg, sizeof msg, 360, n2));
    for (int i = 0; i < 2; i++) {
        n = card_sign();
        CHECK(host_verifies(q2, msg, sizeof msg, 200, n));
        CHECK(!host_verifies(q1, msg, sizeof msg, 200, n));
    }
    /* B still signs with its own key, and B's clearKey does not touch A's */
    select_app(h_app2, msg);
    n = card_sign();
    CHECK(host_verifies(wb, msg, sizeof msg, 200, n));
    CHECK_EQ(h(H_KSTATE, 2, 1, 0), 0x9000);
    CHECK_EQ(card_sign(), -0x6B02);
    select_app(h_app, msg);
    n = card_sign();
    CHECK(host_verifies(q2, msg, sizeof msg, 200, n));
    /* a power cycle: the key is read again from the store */
    REQUIRE(jc_card_cycle(&C));
    select_app(h_app, msg);
    n = card_sign();
    CHECK(host_verifies(q2, msg, sizeof msg, 200, n));
    seam_wipe(s1, sizeof s1);
    seam_wipe(s2, sizeof s2);
    jc_card_free(&C);
}

/* OpenSSL over the whole message (EVP_DigestSign / EVP_DigestVerify, default padding:
 * PKCS #1 v1.5 for RSA). */
static size_t ossl_sign(EVP_PKEY *pk, const EVP_MD *md, const uint8_t *m, size_t n, uint8_t *sig,
                        size_t cap)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t sl = cap;
    if (!c || EVP_DigestSignInit(c, NULL, md, NULL, pk) != 1 ||
        EVP_DigestSign(c, sig, &sl, m, n) != 1)
        sl = 0;
    EVP_MD_CTX_free(c);
    return sl;
}

static bool ossl_verify(EVP_PKEY *pk, const EVP_MD *md, const uint8_t *m, size_t n,
                        const uint8_t *sig, size_t sl)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    bool ok = c && EVP_DigestVerifyInit(c, NULL, md, NULL, pk) == 1 &&
              EVP_DigestVerify(c, sig, sl, m, n) == 1;
    EVP_MD_CTX_free(c);
    return ok;
}

/* A BIGNUM parameter of an OpenSSL key, big-endian in len bytes. */
static bool ossl_bn(EVP_PKEY *pk, const char *name, uint8_t *out, int len)
{
    BIGNUM *b = NULL;
    bool ok = EVP_PKEY_get_bn_param(pk, name, &b) == 1 && BN_bn2binpad(b, out, len) == len;
    BN_clear_free(b);
    return ok;
}

static const EVP_MD *evp_md(cr_md_alg a)
{
    switch (a) {
    case CR_MD_SHA1:
        return EVP_sha1();
    case CR_MD_SHA224:
        return EVP_sha224();
    case CR_MD_SHA256:
        return EVP_sha256();
    case CR_MD_SHA384:
        return EVP_sha384();
    default:
        return EVP_sha512();
    }
}

/* Writes the state of the first m1 bytes of msg at io 1000 and the length m1 (8 bytes) at
 * io 1100; returns the state length. */
static int put_initial(cr_md_alg alg, const uint8_t *msg, size_t m1)
{
    uint8_t st[64];
    size_t sl = sha_state_after(alg, msg, m1, st);
    wr(1000, st, sl);
    uint8_t lenb[8] = {0, 0, 0, 0, 0, 0, (uint8_t)(m1 >> 8), (uint8_t)m1};
    wr(1100, lenb, sizeof lenb);
    return (int)sl;
}

/* Signature.setInitialDigest (API 3.0.5) for ECDSA and RSA PKCS #1 with SHA-1/224/256/384/512:
 * the split message -- the intermediate state of the first blocks M1 (from tests/shastate.c),
 * then M2 through update and sign / verify -- against OpenSSL's signature of the whole
 * M1 || M2. RSA PKCS #1 v1.5 is deterministic: the card's signature must equal OpenSSL's byte
 * for byte. ECDSA: OpenSSL verifies the card's, the card verifies OpenSSL's. Then the
 * exceptions: ILLEGAL_USE for the MACs (no distinct digest) and for ECDSA without a digest,
 * INVALID_INIT before init, ILLEGAL_VALUE for a wrong state length or message length,
 * ArrayIndexOutOfBoundsException for ranges; and the object back to its initial value after
 * sign, verify and init. */
static void test_sig_initial(void)
{
    REQUIRE(h_card());
    uint8_t msg[600], sig[600];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    wr(0, msg, sizeof msg);
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(1024);
    REQUIRE(ec && rsa);
    uint8_t d[32], q[65], n[128], rd_[128];
    size_t ql = 0;
    REQUIRE(ossl_bn(ec, OSSL_PKEY_PARAM_PRIV_KEY, d, 32));
    REQUIRE(EVP_PKEY_get_octet_string_param(ec, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, q, sizeof q,
                                            &ql) == 1 &&
            ql == 65);
    REQUIRE(ossl_bn(rsa, OSSL_PKEY_PARAM_RSA_N, n, 128));
    REQUIRE(ossl_bn(rsa, OSSL_PKEY_PARAM_RSA_D, rd_, 128));
    /* slots: 3 EC private, 4 EC public (P-256), 5 RSA private (n, d) 1024 */
    CHECK_EQ(h(H_KEY, 3, 0, 2, T_EC_PRIV, 256), 0x9000);
    CHECK_EQ(h(H_KEY, 4, 0, 2, T_EC_PUB, 256), 0x9000);
    set_domain(3, CR_EC_P256);
    set_domain(4, CR_EC_P256);
    CHECK_EQ(set_bytes(3, 6, d, 32), 0x9000);
    CHECK_EQ(set_bytes(4, 6, q, 65), 0x9000);
    CHECK_EQ(h(H_KEY, 5, 0, 2, T_RSA_PRIV, 1024), 0x9000);
    CHECK_EQ(set_bytes(5, 0, n, 128), 0x9000);
    CHECK_EQ(set_bytes(5, 1, rd_, 128), 0x9000);
    seam_wipe(d, sizeof d);
    seam_wipe(rd_, sizeof rd_);
    static const struct {
        int jc;
        cr_md_alg alg;
        bool rsa;
    } runs[] = {
        {17, CR_MD_SHA1, false},
        {37, CR_MD_SHA224, false},
        {S_ECDSA_SHA256, CR_MD_SHA256, false},
        {S_ECDSA_SHA384, CR_MD_SHA384, false},
        {S_ECDSA_SHA512, CR_MD_SHA512, false},
        {S_RSA_SHA_PKCS1, CR_MD_SHA1, true},
        {39, CR_MD_SHA224, true},
        {S_RSA_SHA256_PKCS1, CR_MD_SHA256, true},
        {41, CR_MD_SHA384, true},
        {S_RSA_SHA512_PKCS1, CR_MD_SHA512, true},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        cr_md_alg alg = runs[i].alg;
        const EVP_MD *md = evp_md(alg);
        EVP_PKEY *pk = runs[i].rsa ? rsa : ec;
        int priv = runs[i].rsa ? 5 : 3;
        size_t m1 = 2 * cr_md_block_len(alg), m2 = 300;
        int sl = put_initial(alg, msg, m1);
        /* sign: state of M1, then M2 in two pieces (update, sign) */
        CHECK_EQ(h(H_NEW, 0, K_SIG, 1, runs[i].jc), 0x9000);
        CHECK_EQ(h(H_INIT, 0, (uint8_t)priv, 1, 1), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_UPDATE, 0, 0, 3, (int)m1, 100, 0), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1 + 100, (int)m2 - 100, 1200), 0x9000);
        int cl = val();
        REQUIRE(cl > 0 && cl <= (int)sizeof sig);
        uint8_t card[600];
        rd(1200, (size_t)cl, card);
        CHECK(ossl_verify(pk, md, msg, m1 + m2, card, (size_t)cl));
        size_t ol = ossl_sign(pk, md, msg, m1 + m2, sig, sizeof sig);
        REQUIRE(ol > 0);
        if (runs[i].rsa) {
            CHECK_EQ(cl, (int)ol);
            CHECK(!memcmp(card, sig, ol));
        }
        /* the sign went back to the initial value: M2 alone is signed as M2 */
        CHECK_EQ(h(H_FINAL, 0, 0, 3, (int)m1, (int)m2, 1200), 0x9000);
        cl = val();
        rd(1200, (size_t)cl, card);
        CHECK(ossl_verify(pk, md, msg + m1, m2, card, (size_t)cl));
        CHECK(!ossl_verify(pk, md, msg, m1 + m2, card, (size_t)cl));
        if (runs[i].rsa) continue;
        /* verify OpenSSL's signature of M1 || M2 from the state of M1 */
        wr(1300, sig, ol);
        CHECK_EQ(h(H_INIT, 0, 4, 1, 2), 0x9000);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, (int)m1, (int)m2, 1300, (int)ol), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 1);
        /* verify went back to the initial value too: M2 alone does not match */
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, (int)m1, (int)m2, 1300, (int)ol), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
        /* init drops a state set before it */
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, sl, 1100, 8), 0x9000);
        CHECK_EQ(h(H_INIT, 0, 4, 1, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, (int)m1, (int)m2, 1300, (int)ol), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
        /* a length one block longer than the state is worth: not OpenSSL's message */
        uint8_t l2[2] = {(uint8_t)((m1 + cr_md_block_len(alg)) >> 8),
                         (uint8_t)(m1 + cr_md_block_len(alg))};
        wr(1110, l2, 2);
        CHECK_EQ(h(H_INFO, 0, 4, 4, 1000, sl, 1110, 2), 0x9000);
        CHECK_EQ(h(H_VERIFY, 0, 0, 4, (int)m1, (int)m2, 1300, (int)ol), 0x9000);
        CHECK(jc_resp_len == 1 && jc_resp[0] == 0);
    }
    /* exceptions, ECDSA-SHA-256 */
    int sl = put_initial(CR_MD_SHA256, msg, 128);
    CHECK_EQ(h(H_NEW, 1, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, sl, 1100, 8), 0x6B04); /* before init */
    CHECK_EQ(h(H_INIT, 1, 3, 1, 1), 0x9000);
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, 28, 1100, 8), 0x6B01); /* state length */
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, 64, 1100, 8), 0x6B01);
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, sl, 1100, 0), 0x6B01); /* length 0 */
    uint8_t odd[2] = {0, 100};
    wr(1120, odd, 2);
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, sl, 1120, 2), 0x6B01);     /* not a multiple of 64 */
    CHECK_EQ(h(H_INFO, 1, 4, 4, 2390, sl, 1100, 8), 0x6B10);     /* state past the end of io */
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, sl, 2396, 8), 0x6B10);     /* length past the end */
    CHECK_EQ(h(H_INFO, 1, 4, 4, 0xFFFF, sl, 1100, 8), 0x6B10);   /* negative offset */
    CHECK_EQ(h(H_INFO, 1, 4, 4, 1000, 0xFFFF, 1100, 8), 0x6B10); /* negative length */
    /* after the failures the object signs the plain message */
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 40, 1200), 0x9000);
    {
        int cl = val();
        uint8_t card[80];
        rd(1200, (size_t)cl, card);
        CHECK(ossl_verify(ec, EVP_sha256(), msg, 40, card, (size_t)cl));
    }
    /* ILLEGAL_USE: the MACs, and ECDSA without a digest (ALG_NULL, SIG_CIPHER_ECDSA) */
    static const int macs[] = {S_HMAC_SHA256, S_HMAC_SHA1, 49 /* AES_CMAC_128 */,
                               18 /* AES_MAC_128_NOPAD */, 6 /* DES_MAC8_ISO9797_M2 */};
    for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        CHECK_EQ(h(H_NEW, 2, K_SIG, 1, macs[i]), 0x9000);
        CHECK_EQ(h(H_INFO, 2, 4, 4, 1000, sl, 1100, 8), 0x6B05);
    }
    CHECK_EQ(h(H_NEW, 2, K_SIG4, 3, 0, 5, 0), 0x9000);
    CHECK_EQ(h(H_INIT, 2, 3, 1, 1), 0x9000);
    CHECK_EQ(h(H_INFO, 2, 4, 4, 1000, sl, 1100, 8), 0x6B05);
    /* the 3.0.5 form with a digest: supported like the ALG_ form */
    CHECK_EQ(h(H_NEW, 2, K_SIG4, 3, 4, 5, 0), 0x9000);
    CHECK_EQ(h(H_INIT, 2, 3, 1, 1), 0x9000);
    CHECK_EQ(h(H_INFO, 2, 4, 4, 1000, sl, 1100, 8), 0x9000);
    CHECK_EQ(h(H_FINAL, 2, 0, 3, 128, 100, 1200), 0x9000);
    {
        int cl = val();
        uint8_t card[80];
        rd(1200, (size_t)cl, card);
        CHECK(ossl_verify(ec, EVP_sha256(), msg, 228, card, (size_t)cl));
    }
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
    jc_card_free(&C);
}

int main(void)
{
    RUN(test_rsa_kat);
    RUN(test_rsa_cipher);
    RUN(test_rsa_genkeypair);
    RUN(test_hmac);
    RUN(test_ecdh_curves);
    RUN(test_ecdsa_curves);
    RUN(test_des);
    RUN(test_des_alg3);
    RUN(test_aes_ctr);
    RUN(test_gcm);
    RUN(test_ccm);
    RUN(test_checksum);
    RUN(test_negative);
    RUN(test_md_initial);
    RUN(test_ec_key_layer);
    RUN(test_ecdsa_key_cache);
    RUN(test_sig_initial);
    return check_summary();
}
