/*
 * Internal to src/crypto: the OpenSSL algorithm objects fetched once per process, and the
 * library context that EC operations run in (the default one, or in deterministic mode the
 * context whose random sources are fed from the seam DRBG; see rng.c).
 */
#ifndef SEAM_CRYPTO_INT_H
#define SEAM_CRYPTO_INT_H

#include <openssl/evp.h>

#include "seam/crypto.h"

/* Ciphers and MAC fetched from the default library context; NULL cipher for a bad key length. */
const EVP_CIPHER *cr_int_aes_ecb(size_t keylen);
const EVP_CIPHER *cr_int_aes_cbc(size_t keylen);
const char *cr_int_aes_cbc_name(size_t keylen);
EVP_MAC *cr_int_cmac(void);
const EVP_MD *cr_int_sha256(void);

/* The library context for EC operations: NULL (OpenSSL's default) unless deterministic. */
OSSL_LIB_CTX *cr_int_libctx(void);
/* In deterministic mode, refills the calling thread's random sources of cr_int_libctx() from
 * the seam DRBG so that the next EC operation draws only deterministic bytes. A no-op
 * otherwise. */
seam_err cr_int_feed_libctx(void);

/* ---- The extended layer (seam/crypto_ext.h) ---- */
#include "seam/crypto_ext.h"

/* The digest fetched once for a cr_md_alg, its OpenSSL name; NULL for an unknown value. */
const EVP_MD *cr_int_md(cr_md_alg alg);
const char *cr_int_md_name(cr_md_alg alg);
/* A cipher by OpenSSL name, fetched once and cached (DES-ECB and DES-CBC from the legacy
 * provider's library context, see cipher.c); NULL if unavailable. */
const EVP_CIPHER *cr_int_cipher(const char *name);
/* In deterministic mode, refills the calling thread's random sources of cr_int_libctx() with
 * len bytes each from the seam DRBG (for operations that draw more than cr_int_feed_libctx
 * gives, such as RSA key generation). A no-op otherwise. */
seam_err cr_int_feed_libctx_len(size_t len);

#endif
