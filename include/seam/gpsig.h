/*
 * Host side of GlobalPlatform signed code and delegated management (GP CS 2.3.1 Appendix C):
 * DAP blocks for LOAD (§C.2, §11.6.2.3), delegated management tokens for INSTALL and DELETE
 * (§C.4) and the check of receipts (§C.5). The card side is src/se/gp/dap.c; both follow the
 * byte layouts in docs/dap.md, so a block, token or receipt made here is what the card checks.
 *
 * Contract: caller-owned buffers with their capacity; outputs written only on success; private
 * and secret key bytes are never copied beyond the call and are wiped on every path out.
 * Errors: SEAM_E_ARG (bad argument), SEAM_E_LENGTH (capacity, or an AID of the wrong size),
 * SEAM_E_FORMAT (malformed input bytes), SEAM_E_AUTH (a receipt that does not verify),
 * SEAM_E_CRYPTO.
 *
 * Signatures are ECDSA P-256 with SHA-256, encoded r || s (64 bytes), as GlobalPlatformPro's
 * DAPSigner and GPShell encode them (GP CS 2.3.1 §B.4.3 with BSI TR-03111 plain format).
 */
#ifndef SEAM_GPSIG_H
#define SEAM_GPSIG_H

#include "seam/base.h"

#define GPSIG_DAP_MAX (4 + 2 + 16 + 2 + 64) /* the longest DAP block written */
#define GPSIG_TOKEN_ID_MAX 8

/* The Load File Data Block Hash: SHA-256 of the C4 value (the load file bytes as the card
 * receives them after the C4 tag and length; what INSTALL [for load] carries and the card
 * recomputes). */
seam_err gpsig_lfdb_hash(const uint8_t *lfdb, size_t len, uint8_t hash[32]);

/* A DAP block E2 { 4F sd_aid, C3 signature } for the security domain sd_aid (5..16 bytes):
 *   _ecc: signature = ECDSA P-256 (priv, 32-byte scalar) over SHA-256(hash), r || s;
 *   _aes: signature = AES-CMAC(key, hash), 16 bytes (a symmetric DAP). */
seam_err gpsig_dap_block_ecc(const uint8_t *sd_aid, size_t aid_len, const uint8_t hash[32],
                             const uint8_t priv[32], uint8_t *out, size_t cap, size_t *out_len);
seam_err gpsig_dap_block_aes(const uint8_t *sd_aid, size_t aid_len, const uint8_t hash[32],
                             const uint8_t *key, size_t keylen, uint8_t *out, size_t cap,
                             size_t *out_len);

/* A token-signed command data field (GP CS 2.3.1 §C.4.1) for the security domain sd_aid
 * (5..16 bytes) that will execute the command (the SSD with Delegated Management the host
 * sends it to).
 *   ins 0xE6 (INSTALL): data is the data field without its token field: the length-value
 *     fields of the P1 form, the parameters field last. The token identifier template
 *     B6 { [45 cin] 93 id } is appended to the parameters field (its length re-encoded), then
 *     the token as its length ('81' form above 127) and value.
 *   ins 0xE4 (DELETE): data is the TLVs (4F AID ...); B6 { [45 cin] 93 id } and 9E 40 token
 *     are appended.
 * The token signs P1 || P2 || Lc' || prefix || 4F Lsd sd_aid, where prefix is everything
 * before the token's length (INSTALL) or tag 9E (DELETE) and Lc' its length (one byte below
 * 256, else 00 hi lo); the SD's AID is signed but not sent (the card appends the AID of the SD
 * that executes the command), so a token works only in the SD it was issued for
 * (docs/dap.md). id: 1..8 bytes, a big-endian number the card must not have seen (it keeps
 * the highest accepted). cin may be NULL (cin_len 0). */
seam_err gpsig_token_data_sd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t len,
                             const uint8_t *id, size_t id_len, const uint8_t *cin, size_t cin_len,
                             const uint8_t *sd_aid, size_t sd_len, const uint8_t priv[32],
                             uint8_t *out, size_t cap, size_t *out_len);
/* The same bound to no SD (the signed bytes end with 4F 00): kept for callers written before
 * tokens were bound to their SD; no card command accepts such a token (dap_token_check with
 * no SD, as fuzz targets use, does). */
seam_err gpsig_token_data(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t len,
                          const uint8_t *id, size_t id_len, const uint8_t *cin, size_t cin_len,
                          const uint8_t priv[32], uint8_t *out, size_t cap, size_t *out_len);

/* A receipt as the card answers it: Lr receipt 02 counter Lu SD-unique-data [Lt token-id]. */
typedef struct {
    uint8_t receipt[16];
    uint16_t counter;
    uint8_t unique[32];
    size_t unique_len;
    bool has_token_id;
    uint8_t token_id[GPSIG_TOKEN_ID_MAX];
    size_t token_id_len;
} gpsig_receipt;

/* Context AIDs of a receipt, in GP's order (see src/se/gp/dap.h, dap_receipt_kind):
 * load: ELF, SD; install / make selectable: ELF, application; extradition: old SD, application
 * or ELF, new SD; registry update: old SD, application, new SD, privileges; delete: AID. */
typedef struct {
    const uint8_t *p;
    size_t len; /* 0..16 */
} gpsig_lv;

/* Parses the answer (response data, without SW). SEAM_E_NOT_FOUND for the single byte 00
 * (no receipt); SEAM_E_FORMAT otherwise when malformed. */
seam_err gpsig_receipt_parse(const uint8_t *resp, size_t len, gpsig_receipt *out);
/* Parses and verifies: AES-CMAC(key, confirmation data || context LVs) must equal the receipt
 * (constant-time). SEAM_OK, SEAM_E_AUTH, or a parse error. out (may be NULL) gets the fields. */
seam_err gpsig_receipt_verify(const uint8_t *resp, size_t len, const uint8_t *key, size_t keylen,
                              const gpsig_lv *ctx, size_t n, gpsig_receipt *out);

#endif
