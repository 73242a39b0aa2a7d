/*
 * Fuzz target for the card's X.509 parser and chain checker (src/gp/x509.c, x509_chain.c):
 * parses the input as one DER certificate; if it parses, checks that every span of the parsed
 * structure lies inside the input, verifies the signature against the certificate's own key
 * (a self-signed certificate verifies, anything else must fail cleanly), walks the extensions
 * and runs the chain check with the certificate's own key as the anchor.
 * Invariants checked: no crash or overrun (sanitizers), spans within the input, the extension
 * walk ends within the extensions, and a parse failure leaves the structure zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/x509.h"

static void inside(const uint8_t *data, size_t size, x509_span s)
{
    if (s.len == 0) return;
    if (!s.p || s.p < data || s.len > size || s.p + s.len > data + size) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x509_cert c;
    char err[96];
    if (x509_parse(data, size, &c, err, sizeof err) != SEAM_OK) {
        if (c.tbs.p || c.pub || c.der.p || strlen(err) >= sizeof err) abort();
        return 0;
    }
    inside(data, size, c.der);
    inside(data, size, c.tbs);
    inside(data, size, c.serial);
    inside(data, size, c.issuer);
    inside(data, size, c.subject);
    inside(data, size, c.extensions);
    inside(data, size, c.ski);
    inside(data, size, c.aki);
    inside(data, size, (x509_span){c.pub, 65});
    if (c.n_policies > X509_MAX_POLICIES) abort();
    for (size_t i = 0; i < c.n_policies; i++)
        inside(data, size, c.policies[i]);

    (void)x509_verify_signature(&c, c.pub, 65);

    size_t pos = 0, n = 0;
    x509_ext x;
    while (x509_ext_next(&c, &pos, &x)) {
        inside(data, size, x.oid);
        inside(data, size, x.value);
        if (pos > c.extensions.len || ++n > size) abort();
    }

    x509_chain_params p = {0};
    p.anchor_pub = c.pub;
    p.anchor_path_len = -1;
    p.leaf_usage = c.key_usage;
    x509_cert chain[2] = {c, c};
    (void)x509_chain_check(&p, chain, 1, err, sizeof err);
    (void)x509_chain_check(&p, chain, 2, err, sizeof err);
    p.has_time = true;
    p.now = c.not_before;
    p.anchor_ski = c.ski.p;
    p.anchor_ski_len = c.ski.len;
    (void)x509_chain_check(&p, chain, 1, err, sizeof err);
    return 0;
}
