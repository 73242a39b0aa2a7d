/*
 * X.509 chain checking for the card and the hosts: the parts of RFC 5280 §6.1 (basic path
 * validation) that a card holding a trust anchor public key needs, over certificates that
 * x509.c has parsed. The contract is in include/seam/x509.h; docs/x509.md lists the rules.
 *
 * Invariants:
 *  - the chain is ordered from the trust anchor down (chain[0] issued by the anchor, the leaf
 *    last) and never longer than X509_MAX_CHAIN;
 *  - a certificate is accepted only when its issuer is the previous certificate (or the
 *    anchor) by exact name bytes, key identifier and signature, so a certificate from another
 *    CA fails before any of its contents are trusted; linking and signature failures are
 *    SEAM_E_AUTH, policy failures (time, usage, constraints, length) SEAM_E_STATE;
 *  - without a trusted time (params->has_time false) validity periods are not checked at all:
 *    the caller says so explicitly, there is no default clock.
 */
#include "seam/x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seam/crypto.h"

static seam_err chain_fail(char *err, size_t errcap, seam_err e, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static seam_err chain_fail(char *err, size_t errcap, seam_err e, size_t i, const char *fmt, ...)
{
    if (err && errcap) {
        int k = snprintf(err, errcap, "certificate %zu: ", i);
        if (k >= 0 && (size_t)k < errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + k, errcap - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return e;
}

static bool same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

seam_err x509_chain_check(const x509_chain_params *params, const x509_cert *chain, size_t n,
                          char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!params || !chain || !params->anchor_pub || n == 0) return SEAM_E_ARG;
    if ((params->anchor_ski_len && !params->anchor_ski) ||
        (params->anchor_name_len && !params->anchor_name))
        return SEAM_E_ARG;
    if (cr_p256_check_public(params->anchor_pub, CR_P256_PUB_LEN) != SEAM_OK) return SEAM_E_ARG;
    if (n > X509_MAX_CHAIN)
        return chain_fail(err, errcap, SEAM_E_STATE, n - 1, "chain longer than %d", X509_MAX_CHAIN);

    /* RFC 5280 §6.1.2 (k): max_path_length starts at the anchor's constraint (-1: none). */
    int64_t max_path = params->anchor_path_len;
    for (size_t i = 0; i < n; i++) {
        const x509_cert *c = &chain[i];
        if (!c->tbs.p || !c->pub) return SEAM_E_ARG;
        const uint8_t *issuer_pub = i == 0 ? params->anchor_pub : chain[i - 1].pub;
        bool leaf = i == n - 1;

        /* Linking (§6.1.3 (a)(4)): the issuer name, and the key identifier where known. */
        if (i == 0) {
            if (params->anchor_name_len &&
                !same(c->issuer.p, c->issuer.len, params->anchor_name, params->anchor_name_len))
                return chain_fail(err, errcap, SEAM_E_AUTH, i, "issuer is not the trust anchor");
            if (params->anchor_ski_len) {
                if (!c->aki.len)
                    return chain_fail(err, errcap, SEAM_E_AUTH, i,
                                      "no authority key identifier to match the anchor");
                if (!same(c->aki.p, c->aki.len, params->anchor_ski, params->anchor_ski_len))
                    return chain_fail(err, errcap, SEAM_E_AUTH, i, "issued by an unknown CA");
            }
        } else {
            const x509_cert *up = &chain[i - 1];
            if (!same(c->issuer.p, c->issuer.len, up->subject.p, up->subject.len))
                return chain_fail(err, errcap, SEAM_E_AUTH, i,
                                  "issuer name is not the previous subject");
            if (c->aki.len && up->ski.len && !same(c->aki.p, c->aki.len, up->ski.p, up->ski.len))
                return chain_fail(err, errcap, SEAM_E_AUTH, i,
                                  "authority key identifier is not the issuer's");
        }
        /* §6.1.3 (a)(1): the signature, with the working public key. */
        if (x509_verify_signature(c, issuer_pub, CR_P256_PUB_LEN) != SEAM_OK)
            return chain_fail(err, errcap, SEAM_E_AUTH, i, "signature does not verify");

        /* §6.1.3 (a)(2): the validity period, only against a trusted time. */
        if (params->has_time) {
            if (params->now < c->not_before)
                return chain_fail(err, errcap, SEAM_E_STATE, i, "not yet valid");
            if (params->now > c->not_after)
                return chain_fail(err, errcap, SEAM_E_STATE, i, "expired");
        }

        /* Key usage must be stated (seam requires it of every certificate) and keyCertSign
         * only with cA (§4.2.1.9: "If the cA boolean is not asserted, then the keyCertSign
         * bit in the key usage extension MUST NOT be asserted"). */
        if (!(c->ext_seen & X509_EXT_KEY_USAGE))
            return chain_fail(err, errcap, SEAM_E_STATE, i, "no keyUsage extension");
        if ((c->key_usage & X509_KU_KEY_CERT_SIGN) && !c->ca)
            return chain_fail(err, errcap, SEAM_E_STATE, i, "keyCertSign without cA");

        if (!leaf) {
            /* §6.1.4 (k), (n): an issuing certificate is a CA with keyCertSign. */
            if (!c->ca)
                return chain_fail(err, errcap, SEAM_E_STATE, i, "issues a certificate, not a CA");
            if (!(c->key_usage & X509_KU_KEY_CERT_SIGN))
                return chain_fail(err, errcap, SEAM_E_STATE, i, "issues without keyCertSign");
            /* §6.1.4 (l), (m): path length; a self-issued certificate does not count. */
            bool self_issued = same(c->issuer.p, c->issuer.len, c->subject.p, c->subject.len);
            if (!self_issued) {
                if (max_path == 0)
                    return chain_fail(err, errcap, SEAM_E_STATE, i, "path length exceeded");
                if (max_path > 0) max_path--;
            }
            if (c->path_len >= 0 && (max_path < 0 || c->path_len < max_path))
                max_path = c->path_len;
        } else {
            if ((c->key_usage & params->leaf_usage) != params->leaf_usage)
                return chain_fail(err, errcap, SEAM_E_STATE, i, "key usage not allowed (%03x)",
                                  c->key_usage);
            if (params->leaf_usage_exact && (c->key_usage & ~params->leaf_usage))
                return chain_fail(err, errcap, SEAM_E_STATE, i,
                                  "key usage has more than allowed (%03x)", c->key_usage);
        }
    }
    return SEAM_OK;
}
