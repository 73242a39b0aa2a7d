/*
 * Tests of the keyed AES context (cr_aeskey, src/crypto/aes.c) as secure messaging drives it,
 * and of the SCP03 decryption paths built on it (src/gp/scp03.c).
 *
 * cr_aeskey changes the IV of its CBC contexts without re-initialising them (aes.c, "Changing
 * the IV"): these tests check, over long interleaved sequences of calls on one context, in place
 * and not, that every result is byte for byte the one-shot function's (a fresh OpenSSL context
 * each time, itself checked against NIST SP 800-38A in test_crypto.c); that the slow path taken
 * when the chaining state is unknown gives the same bytes; that a cr_aeskey or scp03_session
 * copied by value is inert and cannot free the contexts twice (ASan would report it); and that
 * SCP03's two decryption paths (output room for the padded plaintext or only for the plaintext)
 * agree, refuse bad padding, and leave no plaintext behind when they refuse.
 */
#include "check.h"

#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/scp03.h"

/* A small deterministic generator for test inputs (xorshift64*); not for keys in use. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

/* ---- cr_aeskey against the one-shot functions ---- */

static void test_interleaved_against_oneshot(void)
{
    static const size_t keylens[] = {16, 24, 32};
    for (size_t kl = 0; kl < SEAM_ARRAY_LEN(keylens); kl++) {
        size_t keylen = keylens[kl];
        uint8_t key[32], iv[16], in[272], got[272], exp[272];
        rnd_bytes(key, sizeof key);
        cr_aeskey k = {0};
        REQUIRE(cr_aeskey_set(&k, key, keylen) == SEAM_OK);
        for (int step = 0; step < 600; step++) {
            size_t len = 16 * (1 + rnd() % 17);
            bool in_place = rnd() & 1;
            rnd_bytes(iv, sizeof iv);
            rnd_bytes(in, len);
            if (in_place) memcpy(got, in, len);
            const uint8_t *src = in_place ? got : in;
            switch (rnd() % 4) {
            case 0:
                CHECK_EQ(cr_aeskey_cbc_encrypt(&k, iv, src, len, got), SEAM_OK);
                CHECK_EQ(cr_aes_cbc_encrypt(key, keylen, iv, in, len, exp), SEAM_OK);
                break;
            case 1:
                CHECK_EQ(cr_aeskey_cbc_decrypt(&k, iv, src, len, got), SEAM_OK);
                CHECK_EQ(cr_aes_cbc_decrypt(key, keylen, iv, in, len, exp), SEAM_OK);
                break;
            case 2:
                CHECK_EQ(cr_aeskey_ecb_encrypt(&k, src, len, got), SEAM_OK);
                CHECK_EQ(cr_aes_ecb_encrypt(key, keylen, in, len, exp), SEAM_OK);
                break;
            default:
                CHECK_EQ(cr_aeskey_cmac(&k, iv, 16, src, len - rnd() % 16, got), SEAM_OK);
                memcpy(exp, got, 16); /* CMAC is checked by test_crypto; here: no side effect */
                len = 16;
                break;
            }
            CHECK_MEM(got, exp, len);
            if (check_failures) break;
        }
        cr_aeskey_clear(&k);
    }
}

/* Errors before any OpenSSL call leave the chaining state intact; an unknown state (as after a
 * failed OpenSSL call) is recovered by setting the IV the slow way. */
static void test_chain_state(void)
{
    uint8_t key[16], iv[16], in[64], got[64], exp[64];
    rnd_bytes(key, sizeof key);
    cr_aeskey k = {0};
    REQUIRE(cr_aeskey_set(&k, key, 16) == SEAM_OK);
    CHECK(k.cbc_enc_known);
    for (int round = 0; round < 4; round++) {
        rnd_bytes(iv, sizeof iv);
        rnd_bytes(in, sizeof in);
        CHECK_EQ(cr_aeskey_cbc_encrypt(&k, iv, in, 17, got), SEAM_E_LENGTH);
        CHECK_EQ(cr_aeskey_cbc_encrypt(&k, NULL, in, 16, got), SEAM_E_ARG);
        CHECK_EQ(cr_aeskey_cbc_encrypt(&k, iv, in, 0, got), SEAM_OK);
        if (round & 1) k.cbc_enc_known = false;
        CHECK_EQ(cr_aeskey_cbc_encrypt(&k, iv, in, sizeof in, got), SEAM_OK);
        CHECK_EQ(cr_aes_cbc_encrypt(key, 16, iv, in, sizeof in, exp), SEAM_OK);
        CHECK_MEM(got, exp, sizeof in);
        CHECK(k.cbc_enc_known);
        CHECK_MEM(k.cbc_enc_chain, exp + sizeof in - 16, 16);
    }
    cr_aeskey_clear(&k);
    CHECK(!k.cbc_enc_known);
    CHECK_EQ(cr_aeskey_cbc_encrypt(&k, iv, in, 16, got), SEAM_E_STATE);
    CHECK_EQ(cr_aeskey_cbc_decrypt(&k, iv, in, 16, got), SEAM_E_STATE);
}

/* A struct copy holds pointers it does not own: every call on it fails, clearing it frees
 * nothing, and the original keeps working until it is cleared (once: ASan and LeakSanitizer
 * watch both ways). */
static void test_copy_is_inert(void)
{
    uint8_t key[16], iv[16] = {0}, buf[32] = {0}, mac[16];
    rnd_bytes(key, sizeof key);
    cr_aeskey k = {0};
    REQUIRE(cr_aeskey_set(&k, key, 16) == SEAM_OK);
    cr_aeskey copy = k;
    CHECK_EQ(cr_aeskey_cbc_encrypt(&copy, iv, buf, 32, buf), SEAM_E_STATE);
    CHECK_EQ(cr_aeskey_cbc_decrypt(&copy, iv, buf, 32, buf), SEAM_E_STATE);
    CHECK_EQ(cr_aeskey_ecb_encrypt(&copy, buf, 16, buf), SEAM_E_STATE);
    CHECK_EQ(cr_aeskey_cmac(&copy, buf, 16, NULL, 0, mac), SEAM_E_STATE);
    cr_aeskey_clear(&copy);
    CHECK_EQ(cr_aeskey_cmac(&k, buf, 16, NULL, 0, mac), SEAM_OK);
    cr_aeskey_clear(&k);

    /* the same one level up: a session copied by value cannot protect anything */
    uint8_t chain[16] = {0}, out[64];
    scp03_session s = {0};
    REQUIRE(scp03_session_from_keys(&s, key, key, key, 16, chain, 0x33, 0x70) == SEAM_OK);
    scp03_session dup = s;
    static const uint8_t data[3] = {1, 2, 3};
    apdu_cmd c = {.cla = 0x80, .ins = 0xE2, .data = data, .lc = sizeof data};
    size_t n;
    CHECK(scp03_wrap_command(&dup, &c, false, out, sizeof out, &n) != SEAM_OK);
    CHECK_EQ(n, 0);
    scp03_session_clear(&dup);
    CHECK_EQ(scp03_wrap_command(&s, &c, false, out, sizeof out, &n), SEAM_OK);
    scp03_session_clear(&s);
}

/* ---- SCP03 decryption paths ---- */

static const uint8_t k_enc[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                  0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F};
static const uint8_t k_mac[16] = {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
                                  0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F};
static const uint8_t k_rmac[16] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
                                   0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F};

static bool open_pair(scp03_session *host, scp03_session *card)
{
    static const uint8_t chain[16] = {0xC0, 0xC1};
    memset(host, 0, sizeof *host);
    memset(card, 0, sizeof *card);
    return scp03_session_from_keys(host, k_enc, k_mac, k_rmac, 16, chain, 0x33, 0x60) == SEAM_OK &&
           scp03_session_from_keys(card, k_enc, k_mac, k_rmac, 16, chain, 0x33, 0x60) == SEAM_OK;
}

/* Commands and responses of every data length up to 48, the card's output buffer either large
 * (one decryption call) or just the plaintext's size (last block decrypted apart); the host's
 * response buffer large or just the size of the wrapped data and SW. */
static void test_decrypt_paths(void)
{
    scp03_session host, card;
    REQUIRE(open_pair(&host, &card));
    uint8_t data[48], wire[128], out[128], rsp[128];
    for (size_t len = 1; len <= sizeof data; len++) {
        for (int tight = 0; tight < 2; tight++) {
            rnd_bytes(data, len);
            apdu_cmd c = {.cla = 0x80, .ins = 0xE2, .data = data, .lc = len}, w;
            size_t wl, n;
            REQUIRE(scp03_wrap_command(&host, &c, false, wire, sizeof wire, &wl) == SEAM_OK);
            REQUIRE(apdu_parse(wire, wl, &w) == SEAM_OK);
            CHECK_EQ(scp03_unwrap_command(&card, &w, out, tight ? len : sizeof out, &n), SEAM_OK);
            CHECK_EQ(n, len);
            CHECK_MEM(out, data, len);

            REQUIRE(scp03_wrap_response(&card, data, len, 0x9000, rsp, sizeof rsp, &wl) == SEAM_OK);
            /* the host unwraps in its output buffer: it needs room for the ciphertext + SW */
            CHECK_EQ(scp03_unwrap_response(&host, rsp, wl, out, tight ? wl - 8 : sizeof out, &n),
                     SEAM_OK);
            CHECK_EQ(n, len + 2);
            CHECK_MEM(out, data, len);
            CHECK_EQ(seam_be16(out + len), 0x9000);
            if (check_failures) break;
        }
    }
    scp03_session_clear(&host);
    scp03_session_clear(&card);
}

/* A command with a genuine C-MAC whose decrypted data has no ISO 9797-1 M2 padding (the MAC
 * holds, so only the padding check can refuse it): refused with SEAM_E_FORMAT on both paths,
 * the session ends, and the output buffer holds no decrypted byte. */
static size_t forge_unpadded(const scp03_session *host, uint8_t *wire)
{
    uint8_t ctr[16] = {0}, icv[16], body[32], mac[16], first[16 + 5];
    seam_put_be32(ctr + 12, host->counter + 1);
    memset(body, 0x5A, sizeof body); /* ends in '5A': no padding */
    if (cr_aes_ecb_encrypt(k_enc, 16, ctr, 16, icv) ||
        cr_aes_cbc_encrypt(k_enc, 16, icv, body, sizeof body, body))
        return 0;
    static const uint8_t hdr[5] = {0x84, 0xE2, 0x00, 0x00, 32 + 8};
    memcpy(first, host->mac_chain, 16);
    memcpy(first + 16, hdr, 5);
    if (cr_aes_cmac(k_mac, 16, first, sizeof first, body, sizeof body, mac)) return 0;
    memcpy(wire, hdr, 5);
    memcpy(wire + 5, body, 32);
    memcpy(wire + 37, mac, 8);
    return 45;
}

static void test_bad_padding_both_paths(void)
{
    for (int tight = 0; tight < 2; tight++) {
        scp03_session host, card;
        REQUIRE(open_pair(&host, &card));
        uint8_t wire[64], out[64];
        size_t wl = forge_unpadded(&host, wire), n = 99;
        REQUIRE(wl == 45);
        apdu_cmd w;
        REQUIRE(apdu_parse(wire, wl, &w) == SEAM_OK);
        memset(out, 0, sizeof out);
        CHECK_EQ(scp03_unwrap_command(&card, &w, out, tight ? 31 : sizeof out, &n), SEAM_E_FORMAT);
        CHECK_EQ(n, 0);
        CHECK(!card.authenticated);
        static const uint8_t zero[64];
        CHECK_MEM(out, zero, sizeof out);
        scp03_session_clear(&host);
        scp03_session_clear(&card);
    }
}

int main(void)
{
    RUN(test_interleaved_against_oneshot);
    RUN(test_chain_state);
    RUN(test_copy_is_inert);
    RUN(test_decrypt_paths);
    RUN(test_bad_padding_both_paths);
    return check_summary();
}
