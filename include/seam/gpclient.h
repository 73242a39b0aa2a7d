/*
 * The host side of GlobalPlatform: a small card management client (in the spirit of
 * GlobalPlatformPro) over any seam_card transport (in process, socket, PC/SC).
 *
 *  - gp_client: a card, the logical channel commands go out on, and an optional trace hook
 *    that sees every APDU (plain and as wrapped on the wire);
 *  - gp_session: an SCP03 secure channel (Amendment D §7.1 INITIALIZE UPDATE, §7.2 EXTERNAL
 *    AUTHENTICATE) or, before it is opened, a plain pass-through; gp_send() wraps, transmits
 *    (GET RESPONSE for 61xx travels unwrapped) and unwraps;
 *  - card content commands: GET STATUS (GP CS 2.3.1 §11.4), GET DATA (§11.3), PUT KEY
 *    (§11.8, Amendment D §7.4 key data for AES), DELETE KEY (§11.2), SET STATUS (§11.10);
 *  - parsers for what those return (CPLC, card recognition data, key information template,
 *    GET STATUS entries), written for hostile input: a malformed response is SEAM_E_FORMAT,
 *    never an overrun; unknown tags are skipped.
 *
 * Card answers: command functions return SEAM_OK when the card answered, and its status word
 * in *sw (even an error SW); a seam_err means the exchange itself failed (transport, a bad
 * R-MAC = SEAM_E_AUTH, a malformed response = SEAM_E_FORMAT). gp_session_open() is the
 * exception: any failure to authenticate is an error (see its comment).
 *
 * Secrets: the static keys copied into a session are wiped by gp_session_close(); callers
 * wipe their gp_keys with gp_keys_wipe(). Nothing here prints or logs key bytes.
 *
 * This library never includes se.h: an in-process card comes in through card_open_fns().
 */
#ifndef SEAM_GPCLIENT_H
#define SEAM_GPCLIENT_H

#include <stdio.h>

#include "seam/jcl.h"
#include "seam/scp03.h"
#include "seam/transport.h"

#define GP_ISD_AID "\xA0\x00\x00\x01\x51\x00\x00\x00"
#define GP_ISD_AID_LEN 8
#define GP_AID_MAX 16

/* GET DATA tags (GP CS 2.3.1 §11.3.3, Table 11-27 and H.2). */
#define GP_TAG_IIN 0x42
#define GP_TAG_CIN 0x45
#define GP_TAG_CARD_DATA 0x66
#define GP_TAG_KEY_INFO 0xE0
#define GP_TAG_KEY_DIV_DATA 0xCF
#define GP_TAG_CPLC 0x9F7F

/* GET STATUS P1 (§11.4.2.1). */
#define GP_STATUS_ISD 0x80
#define GP_STATUS_APPS 0x40
#define GP_STATUS_LOAD_FILES 0x20
#define GP_STATUS_LOAD_FILES_MODULES 0x10

/* Card life cycle states (§5.1.1, SET STATUS P2 with P1 '80'). */
#define GP_CARD_OP_READY 0x01
#define GP_CARD_INITIALIZED 0x07
#define GP_CARD_SECURED 0x0F
#define GP_CARD_LOCKED 0x7F
#define GP_CARD_TERMINATED 0xFF

/* ---- trace ---- */
typedef enum {
    GP_TRACE_PLAIN_CMD,  /* the command before wrapping */
    GP_TRACE_WIRE_CMD,   /* the command as sent */
    GP_TRACE_WIRE_RESP,  /* the response as received (after GET RESPONSE) */
    GP_TRACE_PLAIN_RESP, /* the response after unwrapping */
} gp_trace_kind;
typedef void (*gp_trace_fn)(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len);

typedef struct {
    seam_card *card;   /* not owned */
    uint8_t channel;   /* logical channel 0..19: every CLA carries it (ISO 7816-4 §5.4.1) */
    gp_trace_fn trace; /* optional */
    void *trace_ctx;
} gp_client;

/* Sends one raw command APDU with card_transmit_full() semantics (61xx followed, 6Cxx resent)
 * and traces it as a wire exchange. resp gets data || SW; *sw the status word. */
seam_err gp_transmit(gp_client *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                     size_t *resp_len, uint16_t *sw);

/* SELECT by AID (ISO 7816-4 §11.2.2: 00 A4 04 00 Lc AID 00) on the client's channel. The FCI
 * goes to fci (may be NULL when cap is 0). */
seam_err gp_select(gp_client *c, const uint8_t *aid, size_t aid_len, uint8_t *fci, size_t cap,
                   size_t *fci_len, uint16_t *sw);

/* ---- keys ---- */
typedef struct {
    uint8_t enc[32], mac[32], dek[32];
    uint8_t len; /* 16, 24 or 32: all three keys have this length */
    uint8_t kvn; /* key version number; 0 in INITIALIZE UPDATE = "any key set" */
} gp_keys;

/* Fills k with the same key three times (the well-known test key style). */
seam_err gp_keys_set(gp_keys *k, const uint8_t *enc, const uint8_t *mac, const uint8_t *dek,
                     size_t len, uint8_t kvn);
void gp_keys_wipe(gp_keys *k);

/* ---- INITIALIZE UPDATE response (Amendment D Table 7-3) ---- */
typedef struct {
    uint8_t div_data[10]; /* key diversification data */
    uint8_t kvn;          /* key information: KVN, SCP identifier, i parameter */
    uint8_t scp_id;
    uint8_t i_param;
    uint8_t ch_len; /* 8 (S8) or 16 (S16, i & 01) */
    uint8_t card_challenge[16];
    uint8_t card_cryptogram[16];
    bool has_seq; /* i & 10: pseudo-random challenge, sequence counter present */
    uint8_t seq[3];
} gp_init_update_resp;

/* Parses the response data (without SW). Its length must be exactly 10 + 3 + 2 * ch_len
 * (+ 3 when i & 10); SEAM_E_FORMAT otherwise; SEAM_E_UNSUPPORTED if the SCP is not 03. */
seam_err gp_parse_init_update(const uint8_t *p, size_t n, gp_init_update_resp *out);

/* ---- the session ---- */
typedef struct {
    gp_client *client;
    scp03_session scp;
    gp_keys keys; /* static keys of the session's key set (the DEK encrypts PUT KEY data) */
    gp_init_update_resp iu;
    bool open; /* authenticated: gp_send wraps; otherwise it sends plain */
    /* 0x11 when gp_session_open_scp11 opened the session (keys.dek then holds S-DEK, iu is
     * unused), else 0 (SCP03 by gp_session_open, or plain). */
    uint8_t scp_id;
    uint8_t scp11_variant; /* SCP11_VARIANT_* when scp_id is 0x11 */
} gp_session;

/* A plain session: gp_send() passes commands through unchanged (used before authentication
 * and for commands that need none). */
void gp_session_plain(gp_session *s, gp_client *c);

/* Opens an SCP03 session with the selected security domain: INITIALIZE UPDATE (80 50 KVN 00)
 * with a host challenge of ch_len bytes (8 or 16; host_challenge NULL = random), check of the
 * card cryptogram (constant time), then EXTERNAL AUTHENTICATE at level (00, 01, 03, 13, 33).
 * Errors: SEAM_E_AUTH = card cryptogram mismatch (wrong keys) or EXTERNAL AUTHENTICATE
 * refused with 6300; SEAM_E_PROTOCOL = the card refused a command (*sw says how) or its
 * i parameter does not fit the request (S8/S16, R-MAC, R-ENC); SEAM_E_UNSUPPORTED = not SCP03;
 * SEAM_E_FORMAT = malformed response; SEAM_E_ARG = bad keys or level. *sw may be NULL. On any
 * error the session is left plain and its secrets are wiped. */
seam_err gp_session_open(gp_session *s, gp_client *c, const gp_keys *keys, uint8_t level,
                         const uint8_t *host_challenge, size_t ch_len, uint16_t *sw);
void gp_session_close(gp_session *s);

/* Sends a plain command APDU (CLA 80 or 00 family; the channel bits are set from the client)
 * through the session: wrapped when open, transmitted, unwrapped. data gets the response data
 * without SW. SEAM_E_AUTH on a bad R-MAC (the session is then unusable: close it). */
seam_err gp_send(gp_session *s, const uint8_t *cmd, size_t len, uint8_t *data, size_t cap,
                 size_t *data_len, uint16_t *sw);
/* The same with the command given as fields (Le '00' added when want_le). */
seam_err gp_send_cmd(gp_session *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                     const uint8_t *cdata, size_t lc, bool want_le, uint8_t *data, size_t cap,
                     size_t *data_len, uint16_t *sw);

/* ---- GET STATUS (§11.4, tagged format P2 '02', 63 10 continued with P2 '03') ---- */
#define GP_STATUS_MAX_MODULES 8
typedef struct {
    uint8_t aid[GP_AID_MAX];
    uint8_t aid_len;
    uint8_t lifecycle; /* 9F70 (first byte) */
    uint8_t priv[3];   /* C5, zero padded */
    uint8_t priv_len;
    uint8_t elf_aid[GP_AID_MAX]; /* C4: executable load file */
    uint8_t elf_aid_len;
    uint8_t sd_aid[GP_AID_MAX]; /* CC: associated security domain */
    uint8_t sd_aid_len;
    uint8_t version[4]; /* CE: load file version */
    uint8_t version_len;
    uint8_t modules[GP_STATUS_MAX_MODULES][GP_AID_MAX]; /* 84: executable modules */
    uint8_t module_len[GP_STATUS_MAX_MODULES];
    uint8_t n_modules; /* entries beyond GP_STATUS_MAX_MODULES are counted, not kept */
    unsigned n_modules_total;
} gp_status_entry;

/* Parses a GET STATUS response (a sequence of E3 entries). Appends to out[*count..cap);
 * SEAM_E_FULL when more entries than cap; SEAM_E_FORMAT on a malformed TLV or an entry
 * without 4F. Unknown tags in and between entries are skipped. */
seam_err gp_parse_status(const uint8_t *p, size_t n, gp_status_entry *out, size_t cap,
                         size_t *count);
/* GET STATUS for one P1 (search criterion 4F 00 = all), following 63 10. A card answer of
 * 6A88 (nothing found) is SEAM_OK with no entries. *sw is the last status word. */
seam_err gp_get_status(gp_session *s, uint8_t p1, gp_status_entry *out, size_t cap, size_t *count,
                       uint16_t *sw);
/* Names for printing: "SECURED", "SELECTABLE", ...; kind is the P1 the entry came from. */
const char *gp_lifecycle_name(uint8_t p1_kind, uint8_t lifecycle);
/* Writes the privilege names of a C5 value, separated by ", ", into buf (NUL terminated). */
void gp_privileges_str(const uint8_t *priv, size_t len, char *buf, size_t cap);

/* Prints entries the way GlobalPlatformPro's "gp -l" does: "ISD: A000000151000000 (SECURED)"
 * then the privileges, load file, modules. kind is the GET STATUS P1 they came from. */
void gp_print_status(FILE *f, uint8_t kind, const gp_status_entry *e, size_t n);

/* ---- GET DATA (§11.3) ---- */
/* GET DATA for a one- or two-byte tag, CLA '80' first and '00' if the card refuses the class
 * or instruction. data gets the raw answer (normally the TLV with the tag). */
seam_err gp_get_data(gp_session *s, uint16_t tag, uint8_t *data, size_t cap, size_t *data_len,
                     uint16_t *sw);

/* CPLC (GET DATA 9F7F): 42 bytes in the well-known layout. */
typedef struct {
    uint16_t ic_fabricator, ic_type, os_id, os_release_date, os_release_level;
    uint16_t ic_fabrication_date;
    uint32_t ic_serial;
    uint16_t ic_batch, module_fabricator, module_packaging_date, icc_manufacturer;
    uint16_t ic_embedding_date, pre_perso_id, pre_perso_date;
    uint32_t pre_perso_equipment;
    uint16_t perso_id, perso_date;
    uint32_t perso_equipment;
} gp_cplc;
#define GP_CPLC_LEN 42
/* Accepts the bare 42 bytes or the TLV 9F7F 2A ...; SEAM_E_FORMAT otherwise. */
seam_err gp_parse_cplc(const uint8_t *p, size_t n, gp_cplc *out);
void gp_print_cplc(FILE *f, const gp_cplc *c);

/* Card recognition data (GET DATA 66, GP CS 2.3.1 §H.2). OIDs are kept as dotted strings. */
#define GP_OID_STR_MAX 64
#define GP_CARD_DATA_MAX_SCP 4
typedef struct {
    char gp_version[GP_OID_STR_MAX]; /* from 60: e.g. "2.3.1" (the arc after 1.2.840.114283.2) */
    char card_id_scheme[GP_OID_STR_MAX]; /* 63: dotted OID */
    struct {
        uint8_t scp_id, i_param; /* from 64: 1.2.840.114283.4.<scp>.<i> */
    } scp[GP_CARD_DATA_MAX_SCP];
    uint8_t n_scp;
    char card_config[GP_OID_STR_MAX];  /* 65: first OID, if any */
    char chip_details[GP_OID_STR_MAX]; /* 66: first OID, if any */
} gp_card_data;
/* Accepts 66 { 73 {...} } or 73 {...}; the 06 1.2.840.114283.1 marker must be present. */
seam_err gp_parse_card_data(const uint8_t *p, size_t n, gp_card_data *out);
void gp_print_card_data(FILE *f, const gp_card_data *d);
/* Decodes BER OID content bytes to a dotted string (SEAM_E_FORMAT if malformed or too long). */
seam_err gp_oid_to_str(const uint8_t *p, size_t n, char *buf, size_t cap);

/* Key information template (GET DATA E0, §11.3.3.1): C0 { KID KVN (type length)+ }. */
#define GP_KEY_INFO_MAX 32
typedef struct {
    uint8_t kid, kvn;
    uint8_t type;    /* first component: 88 = AES, 80 = DES, ... */
    uint16_t length; /* of the first component, in bytes */
    uint8_t n_components;
} gp_key_info;
seam_err gp_parse_key_info(const uint8_t *p, size_t n, gp_key_info *out, size_t cap, size_t *count);
void gp_print_key_info(FILE *f, const gp_key_info *k, size_t count);
const char *gp_key_type_name(uint8_t type);

/* ---- key management ---- */
/* PUT KEY of an AES key set (Amendment D §7.4.2; GP CS 2.3.1 §11.8): new KVN, then ENC, MAC,
 * DEK as '88' L '10'|'18'|'20' <key encrypted under the session's static DEK, AES-CBC zero
 * ICV> '03' KCV. replace_kvn 0 = add a new key set (P1 00), else replace that one. P2 = 81.
 * When the card answers 9000 its KVN and KCVs are checked: SEAM_E_AUTH on a mismatch.
 * The session must be open (with C-DEC or not: the data field is the same). */
seam_err gp_put_key_aes(gp_session *s, const gp_keys *new_keys, uint8_t replace_kvn, uint16_t *sw);
/* Builds the PUT KEY data field only (for tests and scripts); dek is the encrypting key. */
seam_err gp_put_key_data(const gp_keys *new_keys, const uint8_t *dek, size_t dek_len, uint8_t *out,
                         size_t cap, size_t *out_len);

/* PUT KEY of one AES key (GP CS 2.3.1 §11.8, P2 = kid, no '81' multiple-key flag): new KVN,
 * '88' L Lclear E(session DEK, key) '03' KCV: the form of the receipt key (KVN 71) and of a
 * symmetric DAP key (KVN 73) (docs/dap.md). replace_kvn 0 adds. On 9000 the answer must be the
 * KVN and the key's check value (SEAM_E_AUTH otherwise). */
seam_err gp_put_key_aes_one(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                            const uint8_t *key, size_t len, uint16_t *sw);

/* DELETE KEY (§11.2.2.3): 80 E4 00 00 with D2 KVN, and D0 KID when kid is not 0. */
seam_err gp_delete_key(gp_session *s, uint8_t kvn, uint8_t kid, uint16_t *sw);

/* SET STATUS (§11.10): P1 '80' card life cycle to state (P2). */
seam_err gp_set_card_status(gp_session *s, uint8_t state, uint16_t *sw);

/* The legacy GET STATUS response format (§11.4.3, P2 '00', the format of GP 2.1.1), for cards that
 * refuse the tagged one with 6A86. p1 says the layout: for '80', '40', '20' each entry is AID
 * length, AID, life cycle state, one privilege byte; for '10' that is followed by the number of
 * executable modules and, for each, its AID length and AID. Appends like gp_parse_status;
 * SEAM_E_FORMAT on a truncated entry or an AID outside 1..16 bytes; SEAM_E_ARG on another p1. */
seam_err gp_parse_status_legacy(uint8_t p1, const uint8_t *p, size_t n, gp_status_entry *out,
                                size_t cap, size_t *count);
/* gp_get_status with the format chosen: P2 '02' (tagged) first; a card answering 6A86 to it
 * is asked again with P2 '00' (legacy), continued with P2 '01'. *legacy (may be NULL) says
 * which format the entries came in. A card that refuses both answers the second 6A86. */
seam_err gp_get_status_any(gp_session *s, uint8_t p1, gp_status_entry *out, size_t cap,
                           size_t *count, bool *legacy, uint16_t *sw);

/* ---- card content management (GP CS 2.3.1 §11.5 INSTALL, §11.6 LOAD, §11.2 DELETE) ---- */
/* INSTALL P1 (§11.5.2.1). */
#define GP_INSTALL_FOR_LOAD 0x02
#define GP_INSTALL_FOR_INSTALL 0x04
#define GP_INSTALL_FOR_MAKE_SELECTABLE 0x08
#define GP_INSTALL_FOR_INSTALL_SELECTABLE 0x0C
/* LOAD P1 b8: the last block (§11.6.2.1). DELETE P2 b8: the object and related ones (§11.2.2.2). */
#define GP_LOAD_LAST_BLOCK 0x80
#define GP_DELETE_RELATED 0x80
/* LOAD numbers its blocks in P2: at most 256 of them. */
#define GP_LOAD_MAX_BLOCKS 256

/* What the host needs from a seam load file (.jcl, include/seam/jcl.h): its package AID (the
 * Load File AID), version and the applets it declares (the executable module AIDs). */
typedef struct {
    uint8_t aid[GP_AID_MAX];
    uint8_t aid_len;
    uint8_t major, minor;
    uint8_t n_applets;
    uint8_t applet[JCL_MAX_APPLETS][GP_AID_MAX];
    uint8_t applet_len[JCL_MAX_APPLETS];
} gp_load_file_info;
/* Runs the strict load file reader (jcl_parse) over a .jcl and fills info. Errors as
 * jcl_parse's (SEAM_E_FORMAT: msg says where), SEAM_E_NOMEM. */
seam_err gp_load_file_info_parse(const uint8_t *jcl, size_t len, gp_load_file_info *info, char *msg,
                                 size_t msg_cap);

/* Command data builders (pure; for tests and scripts). Each writes the data field to
 * out[0..*out_len) and returns SEAM_E_ARG for an AID outside 5..16 bytes (an empty SD AID is
 * allowed for INSTALL [for load]: the card then uses the ISD) and SEAM_E_LENGTH when the field
 * would not fit out or a short APDU (255 bytes). */
/* INSTALL [for load] (§11.5.2.3.1): load file AID, SD AID, hash, load parameters
 * and token, each with its length byte; hash, parameters and token left empty. */
seam_err gp_install_for_load_data(const uint8_t *elf_aid, size_t elf_len, const uint8_t *sd_aid,
                                  size_t sd_len, uint8_t *out, size_t cap, size_t *out_len);
/* The same with the Load File Data Block Hash (hash_len 0..64; 32 for the SHA-256 that DAP
 * verification and delegated management use, gpsig_lfdb_hash). Like every INSTALL builder here
 * it ends with the empty token field '00': the first *out_len - 1 bytes are what a delegated
 * management token signs (gpsig_token_data). */
seam_err gp_install_for_load_data_hash(const uint8_t *elf_aid, size_t elf_len,
                                       const uint8_t *sd_aid, size_t sd_len, const uint8_t *hash,
                                       size_t hash_len, uint8_t *out, size_t cap, size_t *out_len);
/* INSTALL [for install] (§11.5.2.3.2): load file AID, module AID, application
 * AID, privileges (1 or 3 bytes), install parameters C9 <params> (params may be empty: C9 00),
 * empty token. */
seam_err gp_install_for_install_data(const uint8_t *elf_aid, size_t elf_len,
                                     const uint8_t *module_aid, size_t module_len,
                                     const uint8_t *app_aid, size_t app_len, const uint8_t *priv,
                                     size_t priv_len, const uint8_t *params, size_t params_len,
                                     uint8_t *out, size_t cap, size_t *out_len);
/* DELETE (§11.2.2.3): 4F <AID>. */
seam_err gp_delete_data(const uint8_t *aid, size_t aid_len, uint8_t *out, size_t cap,
                        size_t *out_len);

/* The LOAD data (§11.6.2.3): C4 <BER length of the Load File Data Block> <the block>, cut
 * into pieces of block_size bytes; only the first piece carries the C4 header. */
/* Number of LOAD commands for a Load File Data Block of lfdb_len bytes (0 if block_size is 0
 * or lfdb_len is 0 or over 0xFFFFFF). */
size_t gp_load_block_count(size_t lfdb_len, size_t block_size);
/* Writes LOAD command number index's data field; *last says whether it is the last (P1 80).
 * SEAM_E_ARG when index is out of range, SEAM_E_LENGTH when cap is too small. */
seam_err gp_load_block(const uint8_t *lfdb, size_t lfdb_len, size_t block_size, size_t index,
                       uint8_t *out, size_t cap, size_t *out_len, bool *last);
/* The same for a LOAD stream that starts with DAP blocks (GP CS 2.3.1 §11.6.2.3: zero or more
 * E2 blocks, then C4): dap[0..dap_len) is sent first as it is, then C4, its length and the
 * Load File Data Block. dap_len 0 is gp_load_block_count / gp_load_block. */
size_t gp_load_block_count_dap(size_t dap_len, size_t lfdb_len, size_t block_size);
seam_err gp_load_block_dap(const uint8_t *dap, size_t dap_len, const uint8_t *lfdb,
                           size_t lfdb_len, size_t block_size, size_t index, uint8_t *out,
                           size_t cap, size_t *out_len, bool *last);
/* The largest LOAD data field that still fits a short command APDU once the session wraps it:
 * 255 without C-MAC; 255 - MAC length with C-MAC; with C-DECRYPTION the largest n whose
 * padded length (ISO 9797-1 method 2: n + 1 rounded up to 16) plus the MAC is at most 255
 * (239 for S8, 223 for S16). */
size_t gp_load_max_block(const gp_session *s);
/* The same for an extended-length command APDU (ISO/IEC 7816-4 §5.1, Lc up to 65535): 65535
 * without C-MAC, 65535 - MAC length with it, and with C-DECRYPTION the largest n whose padded
 * length plus the MAC is at most 65535 (65519 for S8, 65503 for S16). */
size_t gp_load_max_block_ext(const gp_session *s);
/* Chooses how gp_load cuts a Load File Data Block of lfdb_len bytes. requested 0: the short
 * maximum (gp_load_max_block) when that needs at most GP_LOAD_MAX_BLOCKS blocks, else the
 * smallest block size that does (rounded up to 16k - 1 under C-DECRYPTION), sent in
 * extended-length commands. requested N: blocks of N bytes, extended when N is over the short
 * maximum. *extended says whether the commands are extended; SEAM_E_LENGTH when N is over
 * gp_load_max_block_ext, or the count would be over GP_LOAD_MAX_BLOCKS, or lfdb_len is 0 or
 * over 0xFFFFFF. The card may still refuse a large block or load file (6A84). */
seam_err gp_load_plan(const gp_session *s, size_t lfdb_len, size_t requested, size_t *block_size,
                      size_t *count, bool *extended);
/* The same with dap_len bytes of DAP blocks before C4. */
seam_err gp_load_plan_dap(const gp_session *s, size_t dap_len, size_t lfdb_len, size_t requested,
                          size_t *block_size, size_t *count, bool *extended);

/* Session commands; each returns SEAM_OK when the card answered, its SW in *sw. */
/* INSTALL [for load] (80 E6 02 00). */
seam_err gp_install_for_load(gp_session *s, const uint8_t *elf_aid, size_t elf_len,
                             const uint8_t *sd_aid, size_t sd_len, uint16_t *sw);
/* The LOAD sequence (80 E8 P1 P2, P2 = block number from 0, P1 80 on the last). Stops at the
 * first status word other than 9000; *blocks (may be NULL) gets the number of blocks the card
 * accepted. block_size 0 = the choice of gp_load_plan (short APDUs when 256 short blocks
 * carry the file, else extended ones); a block_size over gp_load_max_block(s) goes in
 * extended-length commands. SEAM_E_LENGTH (before anything is sent) as gp_load_plan. */
seam_err gp_load(gp_session *s, const uint8_t *lfdb, size_t lfdb_len, size_t block_size,
                 size_t *blocks, uint16_t *sw);
/* gp_load with DAP blocks before C4 (dap may be NULL with dap_len 0); resp gets the response
 * data of the last command sent (the last block's answer: a receipt under delegated
 * management, GP CS 2.3.1 §11.6.3.1). SEAM_E_ARG without resp_len. */
seam_err gp_load_dap(gp_session *s, const uint8_t *dap, size_t dap_len, const uint8_t *lfdb,
                     size_t lfdb_len, size_t block_size, size_t *blocks, uint8_t *resp,
                     size_t resp_cap, size_t *resp_len, uint16_t *sw);
/* INSTALL with P1 p1 (GP_INSTALL_FOR_INSTALL_SELECTABLE, GP_INSTALL_FOR_INSTALL) and the data
 * of gp_install_for_install_data. */
seam_err gp_install_for_install(gp_session *s, uint8_t p1, const uint8_t *elf_aid, size_t elf_len,
                                const uint8_t *module_aid, size_t module_len,
                                const uint8_t *app_aid, size_t app_len, const uint8_t *priv,
                                size_t priv_len, const uint8_t *params, size_t params_len,
                                uint16_t *sw);
/* DELETE (80 E4 00 P2): P2 00, or 80 with related (a load file and its applications). */
seam_err gp_delete(gp_session *s, const uint8_t *aid, size_t aid_len, bool related, uint16_t *sw);

/* The meaning of a status word as the answer to a card content command (ins E6, E8, E4, F2;
 * the per-command status word tables of GP CS 2.3.1 §11.5.3.2, §11.6.3.2, §11.2.3.2, §11.4.3),
 * falling back to gp_sw_str. */
const char *gp_content_sw_str(uint8_t ins, uint16_t sw);

/* ---- SCP11 (GP CS 2.3.1 Amendment F), src/host/gp_scp11.c ----
 * The session of gp_session_open_scp11 is used exactly like an SCP03 one: gp_send and every
 * command function above wrap and unwrap through it; PUT KEY encrypts under S-DEK. */
#define GP_SCP11_KID_CA_KLOC 0x10 /* PK.CA-KLOC.ECDSA (PERFORM SECURITY OPERATION P2) */
#define GP_SCP11_KID_A 0x11       /* Amendment F's key identifiers of the SD key pairs */
#define GP_SCP11_KID_B 0x13
#define GP_SCP11_KID_C 0x15
#define GP_SCP11_MAX_CHAIN 8 /* OCE certificates sent by PERFORM SECURITY OPERATION */

typedef struct {
    uint8_t variant;      /* SCP11_VARIANT_A, _B or _C (include/seam/scp11.h) */
    uint8_t kvn;          /* KVN of the SD key pair (P1 of the AUTHENTICATE command) */
    uint8_t kid;          /* its KID (P2); 0 = Amendment F's default: 11, 13 or 15 */
    uint8_t level;        /* 0x01 C-MAC, 0x03 +C-DEC, 0x11 +R-MAC, 0x33 +R-ENC */
    const uint8_t *pk_sd; /* 65 bytes: PK.SD.ECKA, from a certificate the caller verified */
    /* SCP11a/c: the OCE's static private key (32 bytes) and its certificate chain in the order
     * PERFORM SECURITY OPERATION sends it: the one CA-KLOC issued first, CERT.OCE.ECKA last. */
    const uint8_t *sk_oce;
    const uint8_t *const *oce_certs;
    const size_t *oce_lens;
    size_t n_oce;
    uint8_t ca_kvn;         /* KVN of PK.CA-KLOC.ECDSA on the card (PSO P1) */
    const uint8_t *esk_oce; /* NULL: drawn from the DRBG; tests fix it (32 bytes) */
} gp_scp11_opts;

/* The security level an SCP11 session at level uses, as Amendment F's key usage qualifier;
 * 0 for a level SCP11 cannot express (00, 13). */
uint8_t gp_scp11_usage(uint8_t level);

/* Opens an SCP11 session on the client's channel (the SD selected on it): for SCP11a/c the
 * OCE chain by PERFORM SECURITY OPERATION (80 2A ca_kvn 10|80, short command chaining for a
 * certificate over 255 bytes), then MUTUAL AUTHENTICATE (11a/c) or INTERNAL AUTHENTICATE (11b);
 * checks the receipt (constant time) and starts secure messaging at o->level.
 * Errors: SEAM_E_ARG (bad options: level, missing key or chain), SEAM_E_PROTOCOL (the card
 * refused a command: *sw says which status), SEAM_E_AUTH (wrong receipt: not the card whose
 * certificate was given, or the wrong OCE key), SEAM_E_FORMAT (malformed answer). *sw (may be
 * NULL) gets the last status word. On any error the session is left plain with its secrets
 * wiped. */
seam_err gp_session_open_scp11(gp_session *s, gp_client *c, const gp_scp11_opts *o, uint16_t *sw);

/* Checks an SD (or OCE) certificate chain against a CA certificate (the trust anchor) with
 * seam's strict X.509 checker: certs from the one the CA issued down to the leaf (the reverse
 * order, and a copy of the CA's own certificate first, are accepted too); the leaf must assert
 * keyAgreement and nothing else (Amendment F ECKA certificates); validity periods are checked
 * against now (seconds since 1970) unless now < 0. pub gets the leaf's public key. Errors as
 * x509_chain_check's, with err (if errcap) saying why. */
seam_err gp_scp11_check_chain(const uint8_t *ca, size_t ca_len, const uint8_t *const *certs,
                              const size_t *lens, size_t n, int64_t now, uint8_t pub[65], char *err,
                              size_t errcap);

/* GET DATA of the certificate store (Amendment F, as yubikit's get_certificate_bundle sends
 * it): 80 CA BF 21 with A6 { 83 02 KID KVN }. out gets the answer (the certificates one after
 * the other; a BF21 around them is removed). SEAM_OK when the card answered (*sw). */
seam_err gp_get_cert_store(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t *out, size_t cap,
                           size_t *out_len, uint16_t *sw);
/* Splits concatenated DER certificates (each a SEQUENCE with a definite length) into views
 * into p. SEAM_E_FORMAT on a malformed or truncated one, SEAM_E_FULL beyond max. */
seam_err gp_split_certs(const uint8_t *p, size_t n, const uint8_t **certs, size_t *lens, size_t max,
                        size_t *count);

/* PUT KEY of an Amendment F ECC key (P2 = KID, no KCV): new KVN, [B1 20 private key encrypted
 * under the session's DEK, AES-CBC zero ICV] B0 41 public key, F0 01 00 (P-256). priv may be
 * NULL (a public key alone: CA-KLOC). replace_kvn 0 adds. On 9000 the answer must be the new
 * KVN (SEAM_E_AUTH otherwise). */
seam_err gp_put_key_ecc(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                        const uint8_t *priv, const uint8_t pub[65], uint16_t *sw);
/* GENERATE KEY (80 F1 replace_kvn kid, data KVN F0 01 00: the command Yubico's security domain
 * takes and seam's card implements, docs/card.md): the card draws an SCP11 key pair (KID 11, 13
 * or 15) and answers B0 41 || PK; the private key never leaves the card. pub gets the point,
 * checked to lie on P-256 (SEAM_E_FORMAT otherwise). SEAM_OK when the card answered (*sw). */
seam_err gp_generate_ec_key(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                            uint8_t pub[65], uint16_t *sw);
/* STORE DATA (80 E2 90 00, one block, extended length when over 255 bytes) of the certificate
 * chain of key (KID, KVN): A6 { 83 02 KID KVN } BF21 { certificates, leaf last }. */
seam_err gp_store_certs(gp_session *s, uint8_t kid, uint8_t kvn, const uint8_t *const *certs,
                        const size_t *lens, size_t n, uint16_t *sw);

/* ---- SCP11c off-line scripts (Amendment F: the session is precomputed from the card's
 * static key, so the commands can be prepared without the card and replayed later) ----
 * gp_script_begin gives a gp_session on a recording transport: every command sent through it
 * (with gp_send or any command function) is written to out as one hex APDU line, followed by a
 * "# expect: HEX" comment (the whole wrapped response the card will send, when the plain
 * response is known in advance) or "# expect sw: XXXX". The recording transport answers each
 * command itself with that predicted response, computed with the card's side of the session. */
typedef struct {
    FILE *out;
    seam_card *card; /* the recording transport (owned) */
    gp_client client;
    scp03_session mirror; /* the card's side of the session: a secret */
    bool mirror_on;
    uint8_t raw[128]; /* the next answer as it is, when raw_len > 0 (MUTUAL AUTHENTICATE) */
    size_t raw_len;
    uint8_t expect[258]; /* the plain answer of the next command */
    size_t expect_len;
    uint16_t expect_sw;
    bool expect_data_known; /* false: only the SW is predicted */
    bool expect_set;        /* gp_script_expect was called for the next command */
    unsigned count;         /* APDUs written */
    seam_err err;           /* the first write or mirror error */
} gp_script;

/* Writes the opening of the script (SELECT of the ISD, PERFORM SECURITY OPERATION, MUTUAL
 * AUTHENTICATE for SCP11c: o->variant must be SCP11_VARIANT_C) and opens s on the recording
 * transport. The ephemeral key is drawn (or o->esk_oce) and wiped once the session exists. */
seam_err gp_script_begin(gp_script *sc, FILE *out, gp_session *s, const gp_scp11_opts *o);
/* Says what the card will answer to the next command: data (may be NULL) and SW; when
 * data_known is false only the SW is predicted (the script then says "# expect sw"). The
 * default for every command is 9000 with no data, except DELETE and INSTALL (INS E4, E6),
 * which answer one byte '00' (GP CS 2.3.1 §11.2.3, §11.5.3), and LOAD (E8), whose data cards
 * answer differently: only its SW 9000 is predicted. */
void gp_script_expect(gp_script *sc, const uint8_t *data, size_t len, uint16_t sw, bool data_known);
/* Closes the transport and wipes the mirror session; returns sc->err. */
seam_err gp_script_end(gp_script *sc);

/* Checks the output of `seam apdu -` (lines "> CMD" and "< RESP SW1 SW2") against a script's
 * "# expect" comments: the n-th command of the script against the n-th response. Returns
 * SEAM_OK when every command was answered as expected; else SEAM_E_AUTH (a response differs:
 * *bad gets its 1-based number) or SEAM_E_FORMAT (a malformed line, or fewer responses than
 * commands). */
seam_err gp_script_check(FILE *script, FILE *log, unsigned *checked, unsigned *bad);

/* Upper-case hex of n bytes to f. */
void gp_print_hex(FILE *f, const uint8_t *p, size_t n);
/* A ready-made trace hook: ctx is a FILE *; prints "plain> ", "wire > ", "wire < ", "plain< "
 * lines with the APDU in hex. */
void gp_trace_print(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len);

/* A short description of a status word ("security status not satisfied"). */
const char *gp_sw_str(uint16_t sw);

/* ---- security domains (GP CS 2.3.1 §7, §11.5, §11.10), src/host/gp_sd.c ----
 * Supplementary security domains are created from the card's security domain load file and
 * module (the AIDs common cards use), get their first key set through the ISD (INSTALL [for
 * personalization], then PUT KEY under the ISD's session), and are then managed with their own
 * SCP03 session like the ISD (gp_select of their AID, gp_session_open). */
#define GP_SD_ELF_AID "\xA0\x00\x00\x01\x51\x53\x50"
#define GP_SD_ELF_AID_LEN 7
#define GP_SD_MODULE_AID "\xA0\x00\x00\x01\x51\x53\x50\x41"
#define GP_SD_MODULE_AID_LEN 8

/* INSTALL P1 (§11.5.2.1), beyond the ones above. */
#define GP_INSTALL_FOR_EXTRADITION 0x10
#define GP_INSTALL_FOR_PERSONALIZATION 0x20

/* SET STATUS P1 (§11.10.2.1): the card (GP_STATUS_ISD, '80'), an application or SSD ('40'),
 * a security domain and its associated applications ('60'). */
#define GP_SET_STATUS_APP 0x40
#define GP_SET_STATUS_SD_AND_APPS 0x60
/* Application and security domain life cycle (§11.1.1, Tables 11-4 and 11-5). In SET STATUS
 * P2 with P1 '40'/'60', b8 set locks and b8 clear unlocks (§11.10.2.2). */
#define GP_APP_INSTALLED 0x03
#define GP_APP_SELECTABLE 0x07
#define GP_SD_PERSONALIZED 0x0F
#define GP_APP_LOCKED 0x80

/* Privileges (§6.6.1, §11.1.2): byte 1 bits, with the combinations GP defines (DAP
 * Verification and Delegated Management are only held by security domains, so they carry b8;
 * Mandated DAP Verification carries DAP Verification). */
#define GP_PRIV_SECURITY_DOMAIN 0x80
#define GP_PRIV_DAP_VERIFICATION 0xC0
#define GP_PRIV_DELEGATED_MANAGEMENT 0xA0
#define GP_PRIV_MANDATED_DAP 0xC1

/* Parses privileges: 1 or 3 bytes in hex ("80", "C00000"), or a comma separated list of GP
 * names (security-domain, dap-verification, delegated-management, card-lock, card-terminate,
 * card-reset, cvm-management, mandated-dap, trusted-path, authorized-management,
 * token-verification, global-delete, global-lock, global-registry, final-application,
 * global-service, receipt-generation, ciphered-load-file-data-block, contactless-activation,
 * contactless-self-activation; case, '-' and '_' are ignored, so the names gp_privileges_str
 * prints are accepted too). priv gets 3 bytes (a 1-byte hex value is padded with zeros); *len
 * gets 1 for a 1-byte hex value, else 3. SEAM_E_FORMAT on an unknown name or malformed list,
 * with the offending word in bad (if badcap). */
seam_err gp_privileges_parse(const char *text, uint8_t priv[3], size_t *len, char *bad,
                             size_t badcap);

/* Life cycle state for SET STATUS of an application or SD: SELECTABLE, PERSONALIZED, LOCKED
 * (the b8 lock request), UNLOCKED (b8 clear), or one byte in hex ("0F", "0x0F"). -1 if none. */
int gp_app_state_parse(const char *text);

/* INSTALL [for personalization] data (§11.5.2.3.6): '00' '00' len AID '00' '00'
 * '00'. Errors as the builders above. */
seam_err gp_install_for_perso_data(const uint8_t *app_aid, size_t app_len, uint8_t *out, size_t cap,
                                   size_t *out_len);
/* INSTALL [for extradition] data (§11.5.2.3.4): len SD AID, '00', len AID (an
 * application or executable load file), '00', '00' (no extradition parameters), '00' (no
 * token). */
seam_err gp_install_for_extradition_data(const uint8_t *sd_aid, size_t sd_len, const uint8_t *aid,
                                         size_t aid_len, uint8_t *out, size_t cap, size_t *out_len);

/* INSTALL [for personalization] (80 E6 20 00): the following commands of the session (PUT
 * KEY, STORE DATA) go to that application or SD (§11.5.2.3.6). */
seam_err gp_install_for_perso(gp_session *s, const uint8_t *app_aid, size_t app_len, uint16_t *sw);
/* INSTALL [for extradition] (80 E6 10 00): associates aid with the SD sd_aid (§11.5.2.3.4). */
seam_err gp_extradite(gp_session *s, const uint8_t *aid, size_t aid_len, const uint8_t *sd_aid,
                      size_t sd_len, uint16_t *sw);
/* INSTALL [for install and make selectable] of a security domain from GP_SD_ELF_AID /
 * GP_SD_MODULE_AID as aid: priv (1 or 3 bytes) gets b8 (Security Domain) added, params go in
 * C9 (may be empty). */
seam_err gp_create_sd(gp_session *s, const uint8_t *aid, size_t aid_len, const uint8_t *priv,
                      size_t priv_len, const uint8_t *params, size_t params_len, uint16_t *sw);
/* SET STATUS (80 F0 p1 state, data = AID) of an application or SD (p1 GP_SET_STATUS_APP) or of
 * an SD with its applications (GP_SET_STATUS_SD_AND_APPS). SEAM_E_ARG on another p1 or a bad
 * AID. */
seam_err gp_set_app_status(gp_session *s, uint8_t p1, uint8_t state, const uint8_t *aid,
                           size_t aid_len, uint16_t *sw);

/* A key set from the text of a key file: '#' comments and blank lines are ignored; either one
 * line with one AES key in hex (used as ENC, MAC and DEK; "key HEX" is the same), or three
 * lines "enc HEX", "mac HEX", "dek HEX" ('=' or ':' may separate name and value) with keys of
 * one length (16, 24 or 32 bytes). k gets the keys and kvn. SEAM_E_FORMAT with the reason in
 * err (never the key bytes) otherwise. Every copy of key bytes made here is wiped. */
seam_err gp_keys_parse_text(const char *text, size_t len, uint8_t kvn, gp_keys *k, char *err,
                            size_t errcap);
/* Reads a key file (at most 4096 bytes; its buffer is wiped after use). SEAM_E_IO when it
 * cannot be read. */
seam_err gp_keys_read_file(const char *path, uint8_t kvn, gp_keys *k, char *err, size_t errcap);

#endif
