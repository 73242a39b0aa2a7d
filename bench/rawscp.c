/*
 * The raw OpenSSL baseline of bench/rawscp.h. One context set per rawscp_key; the tuned CBC
 * encryption keeps cbc_e running and tracks its chaining value in chain, the tuned decryption
 * feeds the IV as an extra ciphertext block to cbc_d and drops its output block.
 */
#include "rawscp.h"

#include <openssl/core_names.h>
#include <string.h>
#include <time.h>

double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool rawscp_init(rawscp_key *k, const uint8_t key[16], bool tuned)
{
    k->tuned = tuned;
    k->ecb = EVP_CIPHER_CTX_new();
    k->cbc_e = EVP_CIPHER_CTX_new();
    k->cbc_d = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(k->ecb, EVP_aes_128_ecb(), NULL, key, NULL);
    EVP_CIPHER_CTX_set_padding(k->ecb, 0);
    memset(k->chain, 0, sizeof k->chain);
    EVP_EncryptInit_ex(k->cbc_e, EVP_aes_128_cbc(), NULL, key, k->chain);
    EVP_CIPHER_CTX_set_padding(k->cbc_e, 0);
    EVP_DecryptInit_ex(k->cbc_d, EVP_aes_128_cbc(), NULL, key, k->chain);
    EVP_CIPHER_CTX_set_padding(k->cbc_d, 0);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    k->mac = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0),
                      OSSL_PARAM_construct_end()};
    return EVP_MAC_init(k->mac, key, 16, p) == 1;
}

void rawscp_free(rawscp_key *k)
{
    EVP_CIPHER_CTX_free(k->ecb);
    EVP_CIPHER_CTX_free(k->cbc_e);
    EVP_CIPHER_CTX_free(k->cbc_d);
    EVP_MAC_CTX_free(k->mac);
}

void rawscp_ecb(rawscp_key *k, const uint8_t *in, uint8_t *out)
{
    int l;
    EVP_EncryptUpdate(k->ecb, out, &l, in, 16);
}

void rawscp_cbc(rawscp_key *k, bool enc, const uint8_t iv[16], const uint8_t *in, size_t n,
                uint8_t *out)
{
    int l;
    if (!k->tuned) {
        if (enc) {
            EVP_EncryptInit_ex(k->cbc_e, NULL, NULL, NULL, iv);
            EVP_EncryptUpdate(k->cbc_e, out, &l, in, (int)n);
        } else {
            EVP_DecryptInit_ex(k->cbc_d, NULL, NULL, NULL, iv);
            EVP_DecryptUpdate(k->cbc_d, out, &l, in, (int)n);
        }
        return;
    }
    if (enc) { /* first block fed as P1 ^ IV ^ chaining value */
        memmove(out, in, n);
        for (int i = 0; i < 16; i++)
            out[i] ^= (uint8_t)(iv[i] ^ k->chain[i]);
        EVP_EncryptUpdate(k->cbc_e, out, &l, out, (int)n);
        memcpy(k->chain, out + n - 16, 16);
    } else { /* IV fed as an extra ciphertext block, its output dropped */
        uint8_t two[32], pl[32];
        memcpy(two, iv, 16);
        memcpy(two + 16, in, 16);
        EVP_DecryptUpdate(k->cbc_d, pl, &l, two, 32);
        memcpy(out, pl + 16, 16);
        if (n > 16) EVP_DecryptUpdate(k->cbc_d, out + 16, &l, in + 16, (int)n - 16);
    }
}

void rawscp_cmac(rawscp_key *k, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                 uint8_t out[16])
{
    size_t l;
    EVP_MAC_init(k->mac, NULL, 0, NULL);
    EVP_MAC_update(k->mac, a, an);
    EVP_MAC_update(k->mac, b, bn);
    EVP_MAC_final(k->mac, out, &l, 16);
}
