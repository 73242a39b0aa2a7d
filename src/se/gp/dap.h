/*
 * Signed code and delegated management on the card (GP CS 2.3.1 Appendix C): the Data
 * Authentication Pattern (DAP) blocks of LOAD (§9.2.1, §11.6.2.3, §C.1-C.3), delegated
 * management tokens (§C.4) and receipts (§C.5), with the key objects a security domain holds
 * for them. Pure functions the content management code (content.c, sd.c) calls; nothing here
 * dispatches an APDU by itself. docs/dap.md has the formats, the key references and every
 * choice made where GP is silent.
 *
 * Key references (KVN, KID) -- the values GlobalPlatform's UICC Configuration (GPC_GUI_010)
 * reserves and that GPShell uses (key index '01'):
 *   KVN '70' KID '01'  token verification key: ECC P-256 public key (ISD, or an SD with the
 *                      Token Verification privilege);
 *   KVN '71' KID '01'  receipt generation key: AES-128/192/256 (ISD, or an SD with the Receipt
 *                      Generation privilege);
 *   KVN '73' KID '01'  DAP verification key: ECC P-256 public key, or AES (symmetric DAP) (an
 *                      SD with DAP Verification or Mandated DAP Verification).
 *
 * Invariants:
 *  - one store object (SE_OBJ_DAPKEY) per (SD, KVN), owned by the SD's registry entry; key
 *    bytes only ever go into signature verification or CMAC; a deleted or replaced key is
 *    overwritten with zeros before its object is freed;
 *  - one state object (SE_OBJ_DAPSTATE) per card, owned by the ISD: the confirmation counter
 *    of receipts and the highest token identifier accepted; written only inside the caller's
 *    store transaction (the one that makes the management operation durable), so a power cut
 *    either keeps operation, counter and token identifier together or none of them;
 *  - every check function leaves the store unchanged; every comparison of a MAC is constant
 *    time; key copies on the stack are wiped on every path out.
 */
#ifndef SEAM_SE_GP_DAP_H
#define SEAM_SE_GP_DAP_H

#include "se/se_int.h"

/* Store object types of this module (se_int.h holds 1..6 and 12). */
#define SE_OBJ_DAPKEY 13   /* a DAP / token / receipt key of a security domain (se_dapkey_rec) */
#define SE_OBJ_DAPSTATE 14 /* the card's confirmation counter and token floor (se_dapstate_rec) */

#define DAP_KID 0x01
#define DAP_KVN_TOKEN 0x70
#define DAP_KVN_RECEIPT 0x71
#define DAP_KVN_DAP 0x73

/* A key record. type KEY_TYPE_AES ('88', len 16/24/32) or KEY_TYPE_ECC_PUB ('B0', len 65,
 * P-256 uncompressed point, checked on the curve before it was stored). */
typedef struct {
    uint8_t kvn;
    uint8_t kid;
    uint8_t type;
    uint8_t len;
    uint8_t key[65];
} se_dapkey_rec;

/* The card's delegated management state. */
typedef struct {
    uint8_t version;      /* 1 */
    uint8_t counter[2];   /* confirmation counter of the last receipt, big-endian (§C.5) */
    uint8_t token_id[8];  /* highest token identifier accepted, big-endian, left-padded */
    uint8_t has_token_id; /* 0 until the first token was accepted */
} se_dapstate_rec;

/* ---- key objects ---- */

const se_dapkey_rec *dap_key_get(se *s, store_id id);
/* The key of sd with this KVN (0: any), or 0. */
store_id dap_key_find(se *s, store_id sd, uint8_t kvn);
/* Installs or replaces (same KVN) a key of sd, in one transaction of its own or inside the
 * caller's. kvn: DAP_KVN_*; type KEY_TYPE_AES with 16/24/32 bytes (KVN 71, 73) or
 * KEY_TYPE_ECC_PUB with 65 bytes (KVN 70, 73). SEAM_E_ARG for a combination not listed,
 * SEAM_E_FORMAT for a point off the curve. For personalisation tools, PUT KEY and tests. */
seam_err dap_key_install(se *s, store_id sd, uint8_t kvn, uint8_t type, const uint8_t *key,
                         size_t len);
/* Deletes (wipes, then frees) the keys of sd with this KVN (0: all of them) inside the caller's
 * transaction; *count gets how many went. Call it when sd itself is deleted. */
seam_err dap_key_delete(se *s, store_id sd, uint8_t kvn, unsigned *count);
/* True when a PUT KEY (INS D8) is for one of these keys: P2 (b8 clear) is KID '01' and the new
 * KVN (first data byte) or P1 (the KVN replaced) is '70', '71' or '73'. sd.c asks this before
 * its own PUT KEY forms. */
bool dap_put_key_claims(const apdu_cmd *c);
/* PUT KEY (GP CS 2.3.1 §11.8) of one of these keys on sd, under the session of channel ch
 * (the caller checked the session and the command's security level):
 *   P1 '00' add, or the KVN replaced (must equal the new KVN); P2 '01';
 *   data: new KVN, then one key component
 *     '88' Lkd [Lclear] E(Key-DEK, key) Lkcv [KCV]   AES (the forms sd.c's key sets accept);
 *     'B0' '41' point [00] ['F0' 01 00 [00]]          ECC P-256 public key.
 * Answer: KVN || KCV (AES, 3 bytes) or KVN (ECC). Changes the store in one transaction. */
uint16_t dap_put_key(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* Appends the key information (GET DATA E0, §11.3.3.1) C0 { KID, KVN, type, length } of each
 * key of sd; sd.c calls it inside its E0 template. */
void dap_put_key_info(se *s, seam_wr *w, store_id sd);
/* Power-up image check: true when id (of type SE_OBJ_DAPKEY or SE_OBJ_DAPSTATE) is well formed
 * and owned by a registry entry. */
bool dap_obj_valid(se *s, store_id id);

/* ---- DAP verification (GP CS 2.3.1 §9.2.1, §11.6.2.3, §C.2) ---- */

/* Checks the DAP blocks of a LOAD. blocks/len: the E2 TLVs that preceded the C4 Load File
 * Data Block in the LOAD data (concatenated, tag and length included; len 0 when there were
 * none). hash: SHA-256 of the C4 value (the Load File Data Block, without its tag and length:
 * what INSTALL [for load]'s hash covers). assoc: registry id of the security domain the load
 * file will be associated with. Rules:
 *   - each block is E2 { 4F SD AID, C3 signature } and nothing else; two blocks for one SD,
 *     a malformed block: 6A80;
 *   - the SD named must be on the card with DAP Verification or Mandated DAP Verification and
 *     hold a DAP key (KVN 73): else 6A80 (unknown SD / no privilege) or 6982 (no key);
 *   - ECC key: C3 is ECDSA P-256 over SHA-256(hash) as r || s (64 bytes; §B.4.3, encoded the
 *     way GlobalPlatformPro's DAPSigner does); AES key: C3 is the 16-byte AES-CMAC of hash;
 *     a signature that does not verify: 6982;
 *   - a block is required (6982 when missing) from every SD with Mandated DAP Verification and
 *     from assoc when it has DAP Verification.
 * Returns SW_NO_ERROR or the SW. Never changes the store. */
uint16_t dap_check_load(se *s, const uint8_t *blocks, size_t len, const uint8_t hash[32],
                        store_id assoc);

/* ---- delegated management tokens (GP CS 2.3.1 §C.4) ---- */

#define DAP_TOKEN_ID_MAX 8

/* What a verified token tells the caller (for dap_token_consume and the receipt). */
typedef struct dap_token_info {
    bool valid;
    store_id verifier; /* the SD whose key verified it */
    uint8_t id[DAP_TOKEN_ID_MAX];
    uint8_t id_len; /* token identifier as it appeared in tag '93' */
} dap_token_info;

/* Verifies the token of an INSTALL (ins 0xE6) or DELETE (ins 0xE4) command, as plain
 * (unwrapped) data:
 *   INSTALL, every form with a token (P1 b2 load, b3 install, b4 make selectable, b5
 *     extradition, b7 registry update): the data is a chain of length-value fields (lengths
 *     one byte, or '81' xx for the parameters and the token); the token is the last field,
 *     the parameters the one before it;
 *   DELETE: BER-TLVs 4F AID ... , the token last as '9E' L token.
 * Signed bytes (§C.4.1, the same for every form, plus seam's binding to the executing SD):
 * P1 || P2 || Lc' || data before the token's length byte(s) (INSTALL) or before tag '9E'
 * (DELETE) || '4F' Lsd <AID of sd>, where Lc' is that prefix's length, one byte when it is
 * below 256, else '00' hi lo, and sd the registry id of the security domain that executes the
 * command (its AID is not in the command: the card appends it, so a token issued for one SD
 * verifies in no other; docs/dap.md). The token is ECDSA P-256 over SHA-256 of the
 * signed bytes, r || s (64 bytes), under the token key (KVN 70) of the first SSD with the Token
 * Verification privilege that has one, else of the ISD.
 * Replay (seam's choice, docs/dap.md): the signed data must carry the token identifier, the
 * Control Reference Template for Digital Signature 'B6' with '93' (token identifier, 1..8
 * bytes, a number) -- at the top level of the INSTALL parameters field, or as a DELETE TLV
 * before '9E'; it must be greater than every identifier the card accepted before. If B6 also
 * holds '45' (SD image number) it must equal the card's CIN.
 * 6A80 malformed, 6982 no key / bad signature / missing or old identifier; 9000 and *out
 * filled. Never changes the store. */
uint16_t dap_token_check_sd(se *s, store_id sd, uint8_t ins, uint8_t p1, uint8_t p2,
                            const uint8_t *data, size_t len, dap_token_info *out);
/* dap_token_check_sd for no SD (sd 0: the signed bytes end with 4F 00). No card command path
 * uses it (they all bind the executing SD); kept for unit tests and fuzz targets. */
uint16_t dap_token_check(se *s, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                         size_t len, dap_token_info *out);
/* Records t's identifier as the card's highest, inside the caller's open transaction (the one
 * that commits the operation the token allowed). SEAM_E_STATE outside a transaction;
 * SEAM_E_AUTH when the identifier is no longer above the card's highest (a token checked at
 * INSTALL [for load] and consumed at the last LOAD, overtaken meanwhile on another channel). */
seam_err dap_token_consume(se *s, const dap_token_info *t);
/* The offset in data where the token's length field (INSTALL) or tag '9E' (DELETE) starts, so
 * the caller can parse the rest of the command without it; SEAM_E_FORMAT when malformed,
 * SEAM_E_NOT_FOUND when the command carries no token. */
seam_err dap_token_offset(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len, size_t *off);

/* True when p/n is exactly one TLV 'B6' (the token identifier template a token-signed command
 * adds to parameters that are otherwise empty: make selectable, extradition, DELETE). */
bool dap_only_token_id(const uint8_t *p, size_t n);

/* ---- receipts (GP CS 2.3.1 §C.5) ---- */

typedef enum {
    DAP_RCPT_LOAD = 1,        /* context: ELF AID, SD AID */
    DAP_RCPT_INSTALL,         /* context: ELF AID, application AID (also install + selectable) */
    DAP_RCPT_MAKE_SELECTABLE, /* context: ELF AID, application AID (seam's choice) */
    DAP_RCPT_EXTRADITION,     /* context: old SD AID, application or ELF AID, new SD AID */
    DAP_RCPT_REGISTRY_UPDATE, /* context: old SD AID, application AID, new SD AID, privileges */
    DAP_RCPT_DELETE,          /* context: the deleted AID */
} dap_receipt_kind;

typedef struct {
    const uint8_t *p;
    uint8_t len;
} dap_lv;

#define DAP_RECEIPT_MAX 128 /* the longest answer dap_receipt writes */

/* Builds the answer of a delegated management command (§11.5.3.1, §11.6.3.1, §11.2.3.1):
 *   Lr || receipt || 02 || counter (2) || Lu || SD unique data || [Lt || token identifier]
 * where receipt = AES-CMAC(receipt key, confirmation data || context LVs) (16 bytes; §C.5,
 * §B.2.2), confirmation data = everything after the receipt, SD unique data = the card's 10
 * bytes of key diversification data (GET DATA CF), the token identifier present when tok is
 * valid. The key: KVN 71 of the first SSD with the Receipt Generation privilege that has one,
 * else of the ISD. Without a receipt key the answer is the single byte 00 (no receipt).
 * The confirmation counter is incremented and written inside the caller's open transaction
 * (SEAM_E_STATE outside one; SEAM_E_FULL when it would wrap past FFFF). ctx/n: the context
 * AIDs in the order the kind lists (n checked: SEAM_E_ARG). */
seam_err dap_receipt(se *s, dap_receipt_kind kind, const dap_lv *ctx, size_t n,
                     const dap_token_info *tok, uint8_t *out, size_t cap, size_t *out_len);

/* The end of a delegated operation, inside the caller's open transaction (the one that commits
 * the operation): consumes the token t (dap_token_consume), then writes the receipt
 * (dap_receipt) to out. Errors of either; the caller aborts its transaction on any. */
seam_err dap_delegated_done(se *s, const dap_token_info *t, dap_receipt_kind kind,
                            const dap_lv *ctx, size_t n, uint8_t *out, size_t cap, size_t *out_len);

#endif
