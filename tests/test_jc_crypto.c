/*
 * Tests of the Java Card security API (javacard.security, javacardx.crypto: src/se/jcapi/keys.c,
 * security.c, cipher.c) driven through APDUs to the test applets of tests/jc/sec (built into
 * $SEAM_BUILD/tests/jcsec/): known-answer tests from published vectors (source named beside
 * each), sign/verify and key agreement round trips, negative tests (wrong key length,
 * uninitialized key, every offset/length argument out of range: the right exception and the
 * store unchanged), transient keys wiped at their event, and another context's key refused.
 * The status words of CryptoTest: 0x6B00 | CryptoException reason, 0x6B10 AIOOBE, 0x6B11 NPE,
 * 0x6B12 SecurityException.
 */
#include <stdbool.h>

#include "check.h"
#include "jcrig.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/se.h"

static const uint8_t sec_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA};
static const uint8_t sec_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x01};
static const uint8_t secx_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x02, 0xAA};
static const uint8_t secx_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x02, 0xAA, 0x01};

static bool sec_card(jc_card *c)
{
    size_t len;
    uint8_t *jcl = jc_read_jcl("tests/jcsec/sec.jcl", &len);
    if (!jcl || !jc_card_new(c)) {
        free(jcl);
        return false;
    }
    store_id elf = 0;
    bool ok = jc_load_pkg(c->s, jcl, len, sec_pkg, sizeof sec_pkg, &elf) == 0x9000 &&
              jc_install_app(c->s, elf, 0, sec_app, sizeof sec_app, NULL, 0) == 0x9000 &&
              jc_select(c->s, 0, sec_app, sizeof sec_app) == 0x9000;
    free(jcl);
    return ok;
}

/* Sends INS with hex data; returns the SW. */
static uint16_t cmd(jc_card *c, uint8_t ins, uint8_t p1, uint8_t p2, const char *hex)
{
    size_t n = 0;
    uint8_t *d = hex && *hex ? check_hex(hex, &n) : NULL;
    uint16_t sw = jc_xmit(c->s, 0x80, ins, p1, p2, d, n, true);
    free(d);
    return sw;
}

static bool resp_is(const char *hex)
{
    size_t n;
    uint8_t *e = check_hex(hex, &n);
    bool ok = n == jc_resp_len && !memcmp(e, jc_resp, n);
    if (!ok) {
        fprintf(stderr, "  expected %s\n  got      ", hex);
        for (size_t i = 0; i < jc_resp_len; i++) fprintf(stderr, "%02x", jc_resp[i]);
        fprintf(stderr, "\n");
    }
    free(e);
    return ok;
}

static void test_sha(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    /* FIPS 180-2 Appendix B.1 ("abc"), B.2 (two-block message), and SHA-256 of "" */
    CHECK_EQ(cmd(&c, 0x10, 0, 0, "616263"), 0x9000);
    CHECK(resp_is("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK_EQ(cmd(&c, 0x10, 1, 0,
                 "6162636462636465636465666465666765666768666768696768696a68696a6b"
                 "696a6b6c6a6b6c6d6b6c6d6e6c6d6e6f6d6e6f706e6f7071"),
             0x9000);
    CHECK(resp_is("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    CHECK_EQ(cmd(&c, 0x10, 0, 0, ""), 0x9000);
    CHECK(resp_is("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    /* FIPS 180-2 Appendix A.1 (SHA-1), C.1 (SHA-384), D.1 (SHA-512), FIPS 180-2 change notice
     * (SHA-224) of "abc" */
    CHECK_EQ(cmd(&c, 0x12, 1, 0, "616263"), 0x9000);
    CHECK(resp_is("a9993e364706816aba3e25717850c26c9cd0d89d"));
    CHECK_EQ(cmd(&c, 0x12, 7, 0, "616263"), 0x9000);
    CHECK(resp_is("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"));
    CHECK_EQ(cmd(&c, 0x12, 5, 0, "616263"), 0x9000);
    CHECK(resp_is("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                  "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"));
    CHECK_EQ(cmd(&c, 0x12, 6, 0, "616263"), 0x9000);
    CHECK(resp_is("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
    /* MD5 and RIPEMD-160 are not offered: NO_SUCH_ALGORITHM */
    CHECK_EQ(cmd(&c, 0x11, 2, 0, ""), 0x6B03);
    CHECK_EQ(cmd(&c, 0x11, 3, 0, ""), 0x6B03);
    CHECK_EQ(cmd(&c, 0x11, 4, 0, ""), 0x9000);
    jc_card_free(&c);
}

static void test_aes(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    /* FIPS-197 Appendix C.1 (AES-128) */
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    CHECK_EQ(cmd(&c, 0x21, 0, 0, "00112233445566778899aabbccddeeff"), 0x9000);
    CHECK(resp_is("69c4e0d86a7b0430d8cdb78070b4c55a"));
    CHECK_EQ(cmd(&c, 0x22, 0, 0, "69c4e0d86a7b0430d8cdb78070b4c55a"), 0x9000);
    CHECK(resp_is("00112233445566778899aabbccddeeff"));
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x9000);
    CHECK(resp_is("000102030405060708090a0b0c0d0e0f"));
    /* FIPS-197 Appendix C.3 (AES-256) */
    CHECK_EQ(cmd(&c, 0x20, 0, 0,
                 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
             0x9000);
    CHECK_EQ(cmd(&c, 0x21, 0, 0, "00112233445566778899aabbccddeeff"), 0x9000);
    CHECK(resp_is("8ea2b7ca516745bfeafc49904b496089"));
    /* NIST SP 800-38A F.2.1 / F.2.2 (CBC-AES128), in one call and split over update */
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "2b7e151628aed2a6abf7158809cf4f3c"), 0x9000);
    const char *pt = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
    const char *ct = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2";
    char buf[256];
    snprintf(buf, sizeof buf, "000102030405060708090a0b0c0d0e0f%s", pt);
    CHECK_EQ(cmd(&c, 0x21, 1, 0, buf), 0x9000);
    CHECK(resp_is(ct));
    CHECK_EQ(cmd(&c, 0x21, 1, 1, buf), 0x9000);
    CHECK(resp_is(ct));
    snprintf(buf, sizeof buf, "000102030405060708090a0b0c0d0e0f%s", ct);
    CHECK_EQ(cmd(&c, 0x22, 1, 1, buf), 0x9000);
    CHECK(resp_is(pt));
    /* ISO 9797-1 M2 padding: 5 bytes -> one block, and back (round trip) */
    CHECK_EQ(cmd(&c, 0x21, 2, 0, "000102030405060708090a0b0c0d0e0f0102030405"), 0x9000);
    CHECK_EQ(jc_resp_len, 16);
    uint8_t once[16];
    memcpy(once, jc_resp, 16);
    char hx[80] = "000102030405060708090a0b0c0d0e0f";
    for (int i = 0; i < 16; i++) snprintf(hx + 32 + 2 * i, 3, "%02x", once[i]);
    CHECK_EQ(cmd(&c, 0x22, 2, 0, hx), 0x9000);
    CHECK(resp_is("0102030405"));
    /* NIST SP 800-38B Appendix D.1 (AES-128 CMAC): empty message and 16 bytes */
    CHECK_EQ(cmd(&c, 0x23, 0, 0, ""), 0x9000);
    CHECK(resp_is("bb1d6929e95937287fa37d129b756746"));
    CHECK_EQ(cmd(&c, 0x23, 0, 0, "6bc1bee22e409f96e93d7e117393172a"), 0x9000);
    CHECK(resp_is("070a16b46b4d4144f79bdd9dd04a287c"));
    /* AES-MAC without padding = last CBC block with a zero IV: SP 800-38A F.2.1 block 1 */
    CHECK_EQ(cmd(&c, 0x24, 0, 0, "6bc1bee22e409f96e93d7e117393172a"), 0x9000);
    CHECK(resp_is("3ad77bb40d7a3660a89ecaf32466ef97"));
    jc_card_free(&c);
}

static const char *rfc6979_s =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
static const char *rfc6979_w =
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

static void test_ecdsa(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    /* RFC 6979 A.2.5: P-256 key, SHA-256, message "sample": r, s as DER */
    CHECK_EQ(cmd(&c, 0x34, 0, 0, rfc6979_s), 0x9000);
    CHECK_EQ(cmd(&c, 0x35, 0, 0, rfc6979_w), 0x9000);
    const char *der = "3046"
                      "022100efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                      "022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
    char buf[400];
    snprintf(buf, sizeof buf, "48%s73616d706c65", der);
    CHECK_EQ(cmd(&c, 0x32, 0, 0, buf), 0x9000);
    CHECK(resp_is("01"));
    snprintf(buf, sizeof buf, "48%s73616d706c66", der); /* another message */
    CHECK_EQ(cmd(&c, 0x32, 0, 0, buf), 0x9000);
    CHECK(resp_is("00"));
    /* the jc_card signs "sample"; its signature verifies */
    CHECK_EQ(cmd(&c, 0x31, 0, 0, "73616d706c65"), 0x9000);
    REQUIRE(jc_resp_len >= 8 && jc_resp_len <= 72);
    size_t sl = jc_resp_len;
    int k = snprintf(buf, sizeof buf, "%02zx", sl);
    for (size_t i = 0; i < sl; i++) k += snprintf(buf + k, sizeof buf - (size_t)k, "%02x", jc_resp[i]);
    snprintf(buf + k, sizeof buf - (size_t)k, "73616d706c65");
    CHECK_EQ(cmd(&c, 0x32, 0, 0, buf), 0x9000);
    CHECK(resp_is("01"));
    /* raw ECDSA (ALG_NULL + SIG_CIPHER_ECDSA) over SHA-256("sample") gives a valid signature */
    CHECK_EQ(cmd(&c, 0x36, 0, 0,
                 "af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf"),
             0x9000);
    CHECK(jc_resp_len >= 8 && jc_resp_len <= 72);
    /* generated key pair: sign and verify */
    CHECK_EQ(cmd(&c, 0x30, 0, 0, ""), 0x9000);
    CHECK_EQ(jc_resp_len, 65);
    CHECK_EQ(jc_resp[0], 0x04);
    CHECK_EQ(cmd(&c, 0x31, 0, 0, "0102030405"), 0x9000);
    sl = jc_resp_len;
    k = snprintf(buf, sizeof buf, "%02zx", sl);
    for (size_t i = 0; i < sl; i++) k += snprintf(buf + k, sizeof buf - (size_t)k, "%02x", jc_resp[i]);
    snprintf(buf + k, sizeof buf - (size_t)k, "0102030405");
    CHECK_EQ(cmd(&c, 0x32, 0, 0, buf), 0x9000);
    CHECK(resp_is("01"));
    jc_card_free(&c);
}

static void test_ecdh(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    /* NIST CAVP KAS ECC CDH primitive test vectors (ecccdhtestvectors.zip), P-256 COUNT = 0 */
    CHECK_EQ(cmd(&c, 0x34, 0, 0,
                 "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534"),
             0x9000);
    CHECK_EQ(cmd(&c, 0x33, 0, 0,
                 "04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
                 "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"),
             0x9000);
    CHECK(resp_is("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"));
    /* a point not on the curve: ILLEGAL_VALUE */
    CHECK_EQ(cmd(&c, 0x33, 0, 0,
                 "04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
                 "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ad"),
             0x6B01);
    jc_card_free(&c);
}

static void test_random(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    CHECK_EQ(cmd(&c, 0x40, 0, 32, ""), 0x9000);
    CHECK_EQ(jc_resp_len, 32);
    uint8_t a[32];
    memcpy(a, jc_resp, 32);
    CHECK_EQ(cmd(&c, 0x40, 0, 32, ""), 0x9000);
    CHECK(memcmp(a, jc_resp, 32) != 0);
    jc_card_free(&c);
}

static void test_negative(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    static const struct { uint8_t p1; uint16_t sw; } cases[] = {
        {1, 0x6B10},  /* setKey past the end */
        {2, 0x6B02},  /* getKey: UNINITIALIZED_KEY */
        {3, 0x6B02},  /* Cipher.init with an uninitialized key */
        {4, 0x6B03},  /* AES key of 100 bits: NO_SUCH_ALGORITHM */
        {5, 0x6B03},  /* DSA: NO_SUCH_ALGORITHM */
        {6, 0x6B10},  /* negative output offset */
        {7, 0x6B10},  /* input range beyond the array */
        {8, 0x6B04},  /* sign on an object initialized for verify: INVALID_INIT */
        {9, 0x6B05},  /* 15 bytes to ECB without padding: ILLEGAL_USE */
        {10, 0x6B10}, /* output too short */
        {11, 0x6B11}, /* null input */
        {12, 0x6B10}, /* negative length */
        {13, 0x6B01}, /* Cipher.init with an EC key: ILLEGAL_VALUE */
        {14, 0x6B01}, /* EC private value longer than the field */
        {15, 0x6B03}, /* RSA ISO 14888 cipher */
        {16, 0x6B03}, /* HMAC key of length 0 */
        {17, 0x6B01}, /* IV of 8 bytes */
        {18, 0x6B03}, /* unknown key type */
        {19, 0x6B10}, /* verify: signature range beyond the array */
        {20, 0x6B10}, /* random into a range beyond the array */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t d1[32], d2[32];
        REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
        uint16_t sw = cmd(&c, 0x50, cases[i].p1, 0, "");
        if (sw != cases[i].sw) fprintf(stderr, "  case %u\n", cases[i].p1);
        CHECK_EQ(sw, cases[i].sw);
        REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
        /* cases 2, 3, 4, 16, 18 build a key before failing: the store changes (new object);
         * case 14 writes the applet's own array first */
        bool builds = cases[i].p1 == 2 || cases[i].p1 == 3 || cases[i].p1 == 4 ||
                      cases[i].p1 == 14 || cases[i].p1 == 16 || cases[i].p1 == 18;
        if (!builds && memcmp(d1, d2, 32)) fprintf(stderr, "  case %u changed the store\n", cases[i].p1);
        if (!builds) CHECK_MEM(d1, d2, 32);
    }
    /* the key is intact after all that */
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x9000);
    CHECK(resp_is("000102030405060708090a0b0c0d0e0f"));
    /* wrong AES key length through buildKey: 10 bytes = 80 bits */
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "00010203040506070809"), 0x6B03);
    /* clearKey: uninitialized, and then unusable */
    CHECK_EQ(cmd(&c, 0x26, 0, 0, ""), 0x9000);
    CHECK(resp_is("00"));
    CHECK_EQ(cmd(&c, 0x21, 0, 0, "00112233445566778899aabbccddeeff"), 0x6B02);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x6B02);
    jc_card_free(&c);
}

static void test_transient_keys(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    /* CLEAR_ON_DESELECT key: wiped when the applet is deselected */
    CHECK_EQ(cmd(&c, 0x20, 2, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x9000);
    CHECK(resp_is("000102030405060708090a0b0c0d0e0f"));
    CHECK_EQ(jc_select(c.s, 0, sec_app, sizeof sec_app), 0x9000);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x6B02);
    /* CLEAR_ON_RESET key: kept across reselection, wiped at reset */
    CHECK_EQ(cmd(&c, 0x20, 1, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    CHECK_EQ(jc_select(c.s, 0, sec_app, sizeof sec_app), 0x9000);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x9000);
    uint8_t atr[64];
    size_t atr_len;
    CHECK_EQ(se_reset(c.s, atr, sizeof atr, &atr_len), SEAM_OK);
    CHECK_EQ(jc_select(c.s, 0, sec_app, sizeof sec_app), 0x9000);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x6B02);
    /* a persistent key survives a power cycle */
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "0f0e0d0c0b0a09080706050403020100"), 0x9000);
    jc_card_cycle(&c);
    REQUIRE(c.s);
    CHECK_EQ(jc_select(c.s, 0, sec_app, sizeof sec_app), 0x9000);
    CHECK_EQ(cmd(&c, 0x25, 0, 0, ""), 0x9000);
    CHECK(resp_is("0f0e0d0c0b0a09080706050403020100"));
    jc_card_free(&c);
}

static void test_other_context(void)
{
    jc_card c = {0};
    REQUIRE(sec_card(&c));
    CHECK_EQ(cmd(&c, 0x20, 0, 0, "000102030405060708090a0b0c0d0e0f"), 0x9000);
    CHECK_EQ(cmd(&c, 0x51, 0, 0, ""), 0x9000);
    size_t len;
    uint8_t *jcl = jc_read_jcl("tests/jcsec/secx.jcl", &len);
    REQUIRE(jcl);
    store_id elf = 0;
    CHECK_EQ(jc_load_pkg(c.s, jcl, len, secx_pkg, sizeof secx_pkg, &elf), 0x9000);
    free(jcl);
    CHECK_EQ(jc_install_app(c.s, elf, 0, secx_app, sizeof secx_app, NULL, 0), 0x9000);
    CHECK_EQ(jc_select(c.s, 0, secx_app, sizeof secx_app), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x01, 0, 0, NULL, 0, true), 0x6B12);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x6B12);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x03, 0, 0, NULL, 0, true), 0x6B12);
    jc_card_free(&c);
}

int main(void)
{
    RUN(test_sha);
    RUN(test_aes);
    RUN(test_ecdsa);
    RUN(test_ecdh);
    RUN(test_random);
    RUN(test_negative);
    RUN(test_transient_keys);
    RUN(test_other_context);
    return check_summary();
}
