/*
 * GlobalPlatform SCP03 (Card Specification 2.3.1 Amendment D, v1.1.x/1.2): the one
 * implementation of its cryptography, used by the card (src/se/gp) and by hosts (src/host).
 *
 *  - session keys S-ENC ('04'), S-MAC ('06'), S-RMAC ('07') by the data derivation scheme of
 *    §4.1.5 (NIST SP 800-108 counter mode, AES-CMAC, counter after L);
 *  - card ('00') and host ('01') cryptograms, pseudo-random card challenge ('02', §6.2.2.1);
 *  - C-MAC (§6.2.4): MAC chaining value = full 16-byte CMAC; MAC on the wire = 8 bytes (S8) or
 *    16 bytes (S16); the header is covered with CLA b3 set (the SM bit) and Lc counting the MAC,
 *    in the length form (short or extended) the command is sent in; Le is not covered;
 *  - C-DECRYPTION (§6.2.6): ICV = AES(S-ENC, counter as 16 bytes big-endian), ISO 9797-1 M2
 *    padding; the counter is incremented for every command while C-DEC is in force, data or not;
 *    a command without data is sent without data (no padding block), but a card also accepts a
 *    single padding block that decrypts to an empty field (yubikit's form);
 *  - R-MAC (§6.2.5) over chaining value || response data || SW;
 *  - R-ENCRYPTION (§6.2.7): ICV = AES(S-ENC, '80' || counter in 15 bytes);
 *  - error responses (SW other than 9000, 62xx, 63xx) carry no R-MAC and no encryption.
 *
 * Session state lives in scp03_session, one per logical channel; scp03_session_clear() wipes it.
 * A session holds OpenSSL contexts (cr_aeskey, include/seam/crypto.h): it must not be copied by
 * value. A copy is inert (every protected step on it fails) and clearing it frees nothing.
 */
#ifndef SEAM_SCP03_H
#define SEAM_SCP03_H

#include "seam/apdu.h"
#include "seam/crypto.h"

/* Security level bits (EXTERNAL AUTHENTICATE P1, GP CS 2.3.1 §10.6, Amendment D §5.1). */
#define SCP03_LEVEL_CMAC 0x01
#define SCP03_LEVEL_CDEC 0x02
#define SCP03_LEVEL_RMAC 0x10
#define SCP03_LEVEL_RENC 0x20

/* "i" parameter bits (Amendment D Table 5-1). */
#define SCP03_I_S16 0x01
#define SCP03_I_PSEUDO_RANDOM 0x10
#define SCP03_I_RMAC 0x20
#define SCP03_I_RENC 0x40

/* Derivation constants (Amendment D Table 4-1). */
#define SCP03_DC_CARD_CRYPTOGRAM 0x00
#define SCP03_DC_HOST_CRYPTOGRAM 0x01
#define SCP03_DC_CARD_CHALLENGE 0x02
#define SCP03_DC_S_ENC 0x04
#define SCP03_DC_S_MAC 0x06
#define SCP03_DC_S_RMAC 0x07

typedef struct {
    cr_aeskey s_enc, s_mac, s_rmac;
    uint8_t context[32]; /* host challenge || card challenge */
    uint8_t ch_len;      /* 8 (S8) or 16 (S16): challenge, cryptogram and MAC length */
    uint8_t i_param;
    uint8_t level;      /* security level in force; 0 until EXTERNAL AUTHENTICATE */
    bool authenticated; /* EXTERNAL AUTHENTICATE succeeded */
    uint8_t mac_chain[16];
    uint32_t counter; /* encryption counter: value used by the last command */
} scp03_session;

/* The SCP03 data derivation (§4.1.5): label = 11 x '00' || constant, separator '00',
 * L in bits (2 bytes), counter i (1 byte), context. out_len = L / 8. */
seam_err scp03_derive(const uint8_t *key, size_t keylen, uint8_t constant, const uint8_t *context,
                      size_t ctx_len, uint8_t *out, size_t out_len);

/* Starts a session: derives the three session keys from the static ENC and MAC keys and the
 * challenges (each ch_len bytes, 8 or 16). Both sides call it after INITIALIZE UPDATE.
 * s must be zero-initialised or hold an earlier session, which is cleared first. ch_len must
 * match the S16 bit of i_param (SEAM_E_ARG otherwise). */
seam_err scp03_session_init(scp03_session *s, const uint8_t *static_enc, const uint8_t *static_mac,
                            size_t keylen, const uint8_t *host_challenge,
                            const uint8_t *card_challenge, size_t ch_len, uint8_t i_param);
void scp03_session_clear(scp03_session *s);

/* Starts an authenticated session from session keys agreed by other means (SCP11, GP CS 2.3.1
 * Amendment F: after MUTUAL or INTERNAL AUTHENTICATE secure messaging is SCP03's, with the MAC
 * chaining value starting as the receipt). s_enc, s_mac and s_rmac are keylen bytes (16, 24 or
 * 32); chain is the initial MAC chaining value; level is the security level in force at once
 * (its rules as for EXTERNAL AUTHENTICATE: SEAM_E_FORMAT for an undefined level,
 * SEAM_E_UNSUPPORTED for R-MAC/R-ENC that i_param does not allow); i_param's S16 bit sets the
 * MAC length (8 or 16). The encryption counter starts at 0 (the first command uses 1). Both
 * sides call it; s is cleared first and on any error. The caller's key copies stay the
 * caller's to wipe. */
seam_err scp03_session_from_keys(scp03_session *s, const uint8_t *s_enc, const uint8_t *s_mac,
                                 const uint8_t *s_rmac, size_t keylen, const uint8_t chain[16],
                                 uint8_t level, uint8_t i_param);

/* Card ('00') or host ('01') cryptogram of the session, ch_len bytes. */
seam_err scp03_cryptogram(scp03_session *s, uint8_t constant, uint8_t *out);

/* Pseudo-random card challenge (§6.2.2.1): derived with static ENC from the 3-byte sequence
 * counter and the invoking application's AID. */
seam_err scp03_card_challenge(const uint8_t *static_enc, size_t keylen, const uint8_t seq[3],
                              const uint8_t *aid, size_t aid_len, size_t ch_len, uint8_t *out);

/* Key check value of an AES key (Amendment D): first 3 bytes of AES-ECB(key, 16 x '01'). */
seam_err scp03_kcv(const uint8_t *key, size_t keylen, uint8_t kcv[3]);

/* ---- host side ---- */
/* Builds EXTERNAL AUTHENTICATE (CLA '84', P1 = level) with the host cryptogram and C-MAC,
 * sets the MAC chaining value, and records the level as requested (it is in force once the
 * card answers 9000: call scp03_host_auth_done then). */
seam_err scp03_host_external_authenticate(scp03_session *s, uint8_t level, uint8_t cla_channel_bits,
                                          uint8_t *out, size_t cap, size_t *out_len);
void scp03_host_auth_done(scp03_session *s);
/* Wraps a plain command at the session's level (C-DEC if in force, then C-MAC). The command's
 * CLA keeps its channel bits; the SM bit is set. extended forces the extended length form. */
seam_err scp03_wrap_command(scp03_session *s, const apdu_cmd *plain, bool extended, uint8_t *out,
                            size_t cap, size_t *out_len);
/* Unwraps a response (data || SW): checks R-MAC and decrypts per level. Error SWs pass
 * through unchanged (with R-MAC in force only the SW is passed on: data sent with an error
 * cannot be authenticated). On a bad or missing R-MAC: SEAM_E_AUTH; bad R-ENC padding:
 * SEAM_E_FORMAT. out gets data || SW; out may be resp. */
seam_err scp03_unwrap_response(scp03_session *s, const uint8_t *resp, size_t len, uint8_t *out,
                               size_t cap, size_t *out_len);

/* ---- card side ---- */
/* Checks an EXTERNAL AUTHENTICATE command (host cryptogram, then C-MAC over a zero chaining
 * value) and on success sets the level. SEAM_E_AUTH on any mismatch (constant-time),
 * SEAM_E_FORMAT on a malformed command or undefined level, SEAM_E_UNSUPPORTED on a level the
 * i parameter does not allow. On any failure the session is cleared (a new INITIALIZE UPDATE
 * is needed). Its own response (9000) is sent plain, not through scp03_wrap_response. */
seam_err scp03_card_external_authenticate(scp03_session *s, const apdu_cmd *cmd);
/* Unwraps a command received while the session is authenticated: increments the counter if
 * C-DEC is in force, verifies the C-MAC if the level has it, decrypts the data. data_out
 * receives the plain data field (cap: its length is enough; data_out may be cmd->data, to
 * decrypt in place). SEAM_E_AUTH on a bad MAC, SEAM_E_FORMAT on bad length or padding,
 * SEAM_E_STATE if the command lacks the SM bit although the level requires it (the session is
 * kept: the card OS decides) or if no session is authenticated. On SEAM_E_AUTH, SEAM_E_FORMAT
 * or SEAM_E_LENGTH the session is terminated (cleared). */
seam_err scp03_unwrap_command(scp03_session *s, const apdu_cmd *cmd, uint8_t *data_out, size_t cap,
                              size_t *data_len);
/* Wraps a response (R-ENC then R-MAC per level). Error SWs: only the SW is written. */
seam_err scp03_wrap_response(scp03_session *s, const uint8_t *data, size_t len, uint16_t sw,
                             uint8_t *out, size_t cap, size_t *out_len);

#endif
