/*
 * The raw OpenSSL baseline of the SCP03 benchmarks (bench/bench_scp03.c, bench/bench_gpsc.c):
 * the AES-128 work of a secure channel (ECB counter ICVs, CBC encryption and decryption of padded
 * blocks, CMAC over two parts; Amendment D §6.2.4-§6.2.7) done straight on OpenSSL 3
 * EVP contexts prepared once, with no seam code in between, so that a bench can show the
 * crypto-bound limit next to its own figure. Two ways of calling: textbook (the IV of a CBC
 * context set by re-initialising it for every operation) and tuned (the contexts left running
 * and the IV changed the way src/crypto/aes.c does, "Changing the IV": the fastest way we know to
 * drive OpenSSL 3.0 for this work). Lengths given to rawscp_cbc are whole blocks.
 * Benchmarks only: no secret is handled (the key is a published test key).
 */
#ifndef SEAM_BENCH_RAWSCP_H
#define SEAM_BENCH_RAWSCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

typedef struct {
    EVP_CIPHER_CTX *ecb, *cbc_e, *cbc_d;
    EVP_MAC_CTX *mac;
    uint8_t chain[16]; /* cbc_e's chaining value (tuned calls) */
    bool tuned;
} rawscp_key;

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Prepares the contexts for AES-128 key; false if OpenSSL refused the CMAC. */
bool rawscp_init(rawscp_key *k, const uint8_t key[16], bool tuned);
void rawscp_free(rawscp_key *k);

/* One AES block, ECB. */
void rawscp_ecb(rawscp_key *k, const uint8_t *in, uint8_t *out);
/* CBC of n bytes (n a multiple of 16, at least 16) with the given IV. */
void rawscp_cbc(rawscp_key *k, bool enc, const uint8_t iv[16], const uint8_t *in, size_t n,
                uint8_t *out);
/* AES-CMAC of a || b. */
void rawscp_cmac(rawscp_key *k, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                 uint8_t out[16]);

#endif
