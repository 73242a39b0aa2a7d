/*
 * GlobalPlatform SCP11 (Card Specification 2.3.1 Amendment F): the one implementation of its
 * cryptography, for the card (the ISD's MUTUAL / INTERNAL AUTHENTICATE) and for hosts. ECC on
 * NIST P-256 only; session keys AES-128/192/256 (the key length the host asks for).
 *
 *  - key agreement: ShSee = ECDH of the two ephemeral keys (for SCP11c the card's "ephemeral"
 *    key is its static key SK.SD.ECKA, so an off-card entity can precompute the session for
 *    off-line scripts); ShSes = ECDH with static keys: SCP11b ECDH(eSK.OCE, PK.SD) =
 *    ECDH(SK.SD, ePK.OCE); SCP11a/c ECDH(SK.OCE, PK.SD) = ECDH(SK.SD, PK.OCE), PK.OCE taken
 *    from CERT.OCE.ECKA after PERFORM SECURITY OPERATION;
 *  - KDF: ANSI X9.63 (SEC 1 v2 §3.6.1) with SHA-256 over Z = ShSee || ShSes and SharedInfo =
 *    key usage qualifier || key type || key length; its output is cut into receipt key, S-ENC,
 *    S-MAC, S-RMAC and S-DEK, each of the session key length;
 *  - receipt = AES-CMAC(receipt key, command data field (A6 CRT || 5F49 ePK.OCE) || the
 *    response's 5F49 ePK.SD TLV); it authenticates the card and is the first MAC chaining value
 *    of the SCP03 secure messaging that follows (scp03_session_from_keys);
 *  - command data: A6 { 90 02 '11' i, 95 01 key usage, 80 01 key type '88' (AES), 81 01 key
 *    length } || 5F49 41 ePK.OCE; response data: 5F49 41 ePK.SD || 86 10 receipt.
 *    i = '00' SCP11b (INTERNAL AUTHENTICATE, INS '88'), '01' SCP11a and '03' SCP11c (MUTUAL
 *    AUTHENTICATE, INS '82'); P1 = key version number, P2 = key identifier of the SD key.
 *
 * Not supported (refused as SEAM_E_UNSUPPORTED by the card parser): the optional host and card
 * identifiers of the A6 template (they would extend SharedInfo), key types other than AES.
 *
 * Buffers are the caller's; every secret (ECDH outputs, Z, KDF output, private keys in
 * temporaries, session keys) is wiped on every path out. scp11_keys and scp11_host hold
 * secrets: clear them with scp11_keys_clear / scp11_host_clear.
 */
#ifndef SEAM_SCP11_H
#define SEAM_SCP11_H

#include "seam/crypto.h"
#include "seam/scp03.h"

/* SCP11 variants: the "i" parameter of the SCP identifier '90' 02 '11' i (Amendment F). */
#define SCP11_ID 0x11
#define SCP11_VARIANT_B 0x00
#define SCP11_VARIANT_A 0x01
#define SCP11_VARIANT_C 0x03

#define SCP11_INS_MUTUAL_AUTHENTICATE 0x82
#define SCP11_INS_INTERNAL_AUTHENTICATE 0x88

/* Key usage qualifier '95' for the session (GP CS 2.3.1 key usage coding: '10' secure
 * messaging in commands, '20' in responses, '04' cryptographic checksum, '08' confidentiality)
 * and the key type '80' of the session keys. */
#define SCP11_USAGE_CMAC 0x14          /* C-MAC: level '01' */
#define SCP11_USAGE_CMAC_CDEC 0x1C     /* C-MAC, C-DEC: level '03' */
#define SCP11_USAGE_CMAC_RMAC 0x34     /* C-MAC, R-MAC: level '11' */
#define SCP11_USAGE_CMAC_RMAC_ENC 0x3C /* C-MAC, C-DEC, R-MAC, R-ENC: level '33' */
#define SCP11_KEY_TYPE_AES 0x88

/* Tags of the command and response data. */
#define SCP11_TAG_CRT 0xA6
#define SCP11_TAG_SCP_ID 0x90
#define SCP11_TAG_KEY_USAGE 0x95
#define SCP11_TAG_KEY_TYPE 0x80
#define SCP11_TAG_KEY_LENGTH 0x81
#define SCP11_TAG_HOST_ID 0x84
#define SCP11_TAG_EPK 0x5F49
#define SCP11_TAG_RECEIPT 0x86

#define SCP11_RECEIPT_LEN 16
#define SCP11_MAX_KEYLEN 32
/* A6 (2 + 13) || 5F49 (3 + 65): the command data field. */
#define SCP11_CMD_DATA_LEN 83
/* 5F49 (3 + 65) || 86 (2 + 16): the response data field. */
#define SCP11_RESP_DATA_LEN 86
/* The whole command APDU: header, Lc, data, Le '00'. */
#define SCP11_CMD_APDU_LEN (5 + SCP11_CMD_DATA_LEN + 1)

/* The parameters of the A6 control reference template. */
typedef struct {
    uint8_t variant;   /* SCP11_VARIANT_A, _B or _C */
    uint8_t key_usage; /* one of SCP11_USAGE_* */
    uint8_t key_type;  /* SCP11_KEY_TYPE_AES */
    uint8_t key_len;   /* 16, 24 or 32 */
} scp11_params;

/* The derived keys, each key_len bytes: a secret. */
typedef struct {
    uint8_t receipt_key[SCP11_MAX_KEYLEN];
    uint8_t s_enc[SCP11_MAX_KEYLEN];
    uint8_t s_mac[SCP11_MAX_KEYLEN];
    uint8_t s_rmac[SCP11_MAX_KEYLEN];
    uint8_t s_dek[SCP11_MAX_KEYLEN];
    size_t key_len;
} scp11_keys;

void scp11_keys_clear(scp11_keys *k);

/* Checks params (SEAM_E_UNSUPPORTED for a variant, usage, key type or length seam does not
 * implement) and gives the SCP03 security level the key usage asks for. */
seam_err scp11_params_check(const scp11_params *p, uint8_t *level);

/* ANSI X9.63 KDF with SHA-256 (SEC 1 v2 §3.6.1): out = the first out_len bytes of
 * SHA-256(z || [1]_32 || info) || SHA-256(z || [2]_32 || info) || ... */
seam_err scp11_x963_kdf(const uint8_t *z, size_t zlen, const uint8_t *info, size_t info_len,
                        uint8_t *out, size_t out_len);

/* The key derivation of Amendment F from the two shared secrets (32 bytes each). */
seam_err scp11_derive_keys(const scp11_params *p, const uint8_t sh_see[32],
                           const uint8_t sh_ses[32], scp11_keys *k);

/* receipt = AES-CMAC(receipt key, cmd_data || epk_sd_tlv): cmd_data is the whole command data
 * field (A6 || 5F49 ePK.OCE), epk_sd_tlv the response's 5F49 TLV. */
seam_err scp11_receipt(const scp11_keys *k, const uint8_t *cmd_data, size_t cmd_len,
                       const uint8_t *epk_sd_tlv, size_t tlv_len, uint8_t receipt[16]);

/* Starts the SCP03 secure messaging of a session from its keys and receipt: level from the key
 * usage, S8, R-MAC and R-ENC allowed, MAC chaining value = receipt. */
seam_err scp11_start_session(const scp11_params *p, const scp11_keys *k, const uint8_t receipt[16],
                             scp03_session *s);

/* ---- host (off-card entity) side ----
 * scp11_host_begin, then scp11_host_command (the APDU to send), then scp11_host_finish with the
 * card's response data field (the caller checks the SW is 9000 first). For SCP11c off-line
 * scripts scp11_host_offline replaces the last two steps. */
typedef struct {
    scp11_params p;
    uint8_t esk_oce[32]; /* ephemeral private key: a secret */
    uint8_t epk_oce[CR_P256_PUB_LEN];
    uint8_t cmd_data[SCP11_CMD_DATA_LEN];
} scp11_host;

/* Takes the parameters and the ephemeral private key (tests pass fixed ones; real hosts draw it
 * with cr_p256_keygen) and builds the command data. */
seam_err scp11_host_begin(scp11_host *h, const scp11_params *p, const uint8_t esk_oce[32]);
void scp11_host_clear(scp11_host *h);

/* The INTERNAL (SCP11b) or MUTUAL (SCP11a/c) AUTHENTICATE command: CLA '80' | channel bits,
 * P1 = kvn, P2 = kid, Lc, data, Le '00'. Needs SCP11_CMD_APDU_LEN bytes. */
seam_err scp11_host_command(const scp11_host *h, uint8_t cla_channel_bits, uint8_t kvn, uint8_t kid,
                            uint8_t *out, size_t cap, size_t *out_len);

/* Checks the card's response data (5F49 ePK.SD || 86 receipt, strictly) and starts the session.
 * pk_sd is the SD's static public key (from its certificate); sk_oce is the OCE's static
 * private key for SCP11a/c and must be NULL for SCP11b. s_dek (may be NULL) gets S-DEK, key_len
 * bytes. SEAM_E_AUTH if the receipt is wrong (compared in constant time), SEAM_E_FORMAT for a
 * malformed response or a point off the curve. On error s is cleared and s_dek wiped. */
seam_err scp11_host_finish(const scp11_host *h, const uint8_t pk_sd[65], const uint8_t *sk_oce,
                           const uint8_t *resp, size_t resp_len, scp03_session *s, uint8_t *s_dek);

/* SCP11c off-line: computes the session the card will agree to (the card answers with its static
 * key PK.SD as ePK.SD) without talking to it. resp (may be NULL) gets the response data the card
 * will send (SCP11_RESP_DATA_LEN bytes), so a script can be checked or the receipt kept. */
seam_err scp11_host_offline(const scp11_host *h, const uint8_t pk_sd[65], const uint8_t sk_oce[32],
                            scp03_session *s, uint8_t *s_dek, uint8_t *resp, size_t cap,
                            size_t *resp_len);

/* ---- card (security domain) side ---- */

/* Parses the command data field strictly: exactly A6 then 5F49, inside A6 each of 90, 95, 80
 * and 81 exactly once (any order) and nothing else; 90 must be '11' variant. Every length is
 * checked; ePK.OCE must be an uncompressed point on the curve. SEAM_E_FORMAT for malformed
 * data or a bad point, SEAM_E_UNSUPPORTED for a well-formed request seam does not implement
 * (other variant, usage, key type or length, host identifiers). */
seam_err scp11_card_parse(const uint8_t *data, size_t len, uint8_t variant, scp11_params *p,
                          uint8_t epk_oce[65]);

/* Processes the command data of INTERNAL (SCP11b) or MUTUAL (SCP11a/c) AUTHENTICATE: parses
 * it, agrees the keys and writes the response data (5F49 ePK.SD || 86 receipt, needs
 * SCP11_RESP_DATA_LEN bytes) and starts the session s (level from the key usage).
 * sk_sd: the SD's static private key. pk_oce: the OCE's static public key from its verified
 * certificate for SCP11a/c, NULL for SCP11b. esk_sd: the card's ephemeral private key (drawn
 * from the DRBG) for SCP11a/b; NULL for SCP11c, which uses sk_sd (Amendment F off-line
 * scripts). s_dek (may be NULL; else SCP11_MAX_KEYLEN bytes) gets S-DEK, and params (may be
 * NULL) the parsed parameters, whose key_len is S-DEK's length. On any error the response and
 * S-DEK are wiped, *resp_len is 0 and s is cleared. */
seam_err scp11_card_authenticate(uint8_t variant, const uint8_t *data, size_t len,
                                 const uint8_t sk_sd[32], const uint8_t *pk_oce,
                                 const uint8_t *esk_sd, uint8_t *resp, size_t cap, size_t *resp_len,
                                 scp03_session *s, uint8_t *s_dek, scp11_params *params);

#endif
