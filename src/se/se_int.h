/*
 * Internal structure of the emulated secure element, shared by the card OS (src/se/os) and the
 * GlobalPlatform security domain code (src/se/gp). Nothing outside src/se includes this.
 *
 * Persistent state lives only in the store (as byte-oriented records: no struct padding, so a
 * single field can be updated atomically with one store_write at its offset). RAM state here is
 * what a card keeps in RAM: logical channels, their selection, secure channel sessions, the
 * command chain being received and the response waiting for GET RESPONSE. All of it is
 * allocated at se_open (power-up) and never after.
 */
#ifndef SEAM_SE_INT_H
#define SEAM_SE_INT_H

#include "seam/apdu.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/store.h"
#include "seam/sw.h"

/* ---- persistent records ---- */

/* Store roots. */
#define SE_ROOT_CARD 0 /* the card record */

/* Object types (store_alloc type field). */
#define SE_OBJ_CARD 1
#define SE_OBJ_REGISTRY 2
#define SE_OBJ_KEYSET 3
#define SE_OBJ_ECKEY 4 /* an ECC key of a security domain (se_eckey_rec), Amendment F */
#define SE_OBJ_SCP11C_SEEN 6 /* SCP11c sessions already accepted by an SD (scp11_sd.c) */

/* The ATR's historical bytes set by GPSystem.setATRHistBytes (se_atrhist_rec). */
#define SE_OBJ_ATRHIST 15

/* The historical bytes of the ATR (ISO/IEC 7816-3 §8.2.2: at most 15, counted by T0's low
 * nibble), as the Card Reset privilege holder set them (GP CS 2.3.1 §6.6.1 Table 6-1; Card API
 * GPSystem.setATRHistBytes). At most one such object; without it the card's default bytes. Used
 * from the next reset on (src/se/os/card.c). */
#define ATR_HIST_MAX 15
typedef struct {
    uint8_t len; /* 0..ATR_HIST_MAX */
    uint8_t hist[ATR_HIST_MAX];
} se_atrhist_rec;
/* Stores the historical bytes durably (one store transaction, or inside the caller's). */
seam_err se_atr_hist_set(se *s, const uint8_t *hist, size_t len);

/* GP card life cycle states (GP CS 2.3.1 §5.1.1, Table 11-14). */
#define GP_CARD_OP_READY 0x01
#define GP_CARD_INITIALIZED 0x07
#define GP_CARD_SECURED 0x0F
#define GP_CARD_LOCKED 0x7F
#define GP_CARD_TERMINATED 0xFF

/* GP privileges, 3 bytes (GP CS 2.3.1 §6.6.1, Table 6-1). */
#define GP_PRIV0_SECURITY_DOMAIN 0x80
#define GP_PRIV0_DAP_VERIFICATION 0x40
#define GP_PRIV0_DELEGATED_MANAGEMENT 0x20
#define GP_PRIV0_CARD_LOCK 0x10
#define GP_PRIV0_CARD_TERMINATE 0x08
#define GP_PRIV0_CARD_RESET 0x04
#define GP_PRIV0_CVM_MANAGEMENT 0x02
#define GP_PRIV0_MANDATED_DAP 0x01
#define GP_PRIV1_TRUSTED_PATH 0x80
#define GP_PRIV1_AUTHORIZED_MANAGEMENT 0x40
#define GP_PRIV1_TOKEN_VERIFICATION 0x20
#define GP_PRIV1_GLOBAL_DELETE 0x10
#define GP_PRIV1_GLOBAL_LOCK 0x08
#define GP_PRIV1_GLOBAL_REGISTRY 0x04
#define GP_PRIV1_FINAL_APPLICATION 0x02
#define GP_PRIV1_GLOBAL_SERVICE 0x01
#define GP_PRIV2_RECEIPT_GENERATION 0x80

/* The card record (root SE_ROOT_CARD). */
typedef struct {
    uint8_t magic[4];   /* "SEAM" */
    uint8_t version;    /* record layout version, 1 */
    uint8_t life_cycle; /* GP_CARD_* */
    uint8_t try_limit;  /* failed authentications before a key set blocks */
    uint8_t scp_i;      /* SCP03 i parameter the ISD offers (0x60 or 0x70) */
    uint8_t seq[3];     /* SCP03 sequence counter (pseudo-random card challenge) */
    uint8_t cplc[42];   /* GP CS 2.3.1 §H.6 Card Production Life Cycle data */
    uint8_t iin_len;
    uint8_t iin[8]; /* Issuer Identification Number (GET DATA 42) */
    uint8_t cin_len;
    uint8_t cin[16];   /* Card Image Number (GET DATA 45) */
    uint8_t kdd[10];   /* key diversification data (INITIALIZE UPDATE, GET DATA CF) */
    uint8_t isd_id[4]; /* store id of the ISD's registry entry, big-endian */
} se_card_rec;

/* Kinds of registry entry. */
#define REG_KIND_ISD 1
#define REG_KIND_SSD 2
#define REG_KIND_APP 3
#define REG_KIND_LOAD_FILE 4

/* A GP registry entry (GP CS 2.3.1 §5.3). */
typedef struct {
    uint8_t kind;
    uint8_t life_cycle;
    uint8_t aid_len;
    uint8_t aid[16];
    uint8_t priv[3];
    uint8_t sd_id[4]; /* associated security domain (its registry entry id), big-endian */
    /* Java Card content (zero for security domains):
     *   LOAD_FILE: obj_id = the runtime's package object (src/se/jcvm/jcvm.h);
     *   APP:       elf_id = its load file's registry entry, obj_id = the applet instance
     *              (a Java object), module = the applet's index in the load file's APPLETS. */
    uint8_t elf_id[4];
    uint8_t obj_id[4];
    uint8_t module;
} se_reg_rec;

/* An SCP03 key set: ENC (key id 1), MAC (2), DEK (3), all AES of one length. */
#define KEY_TYPE_AES 0x88
typedef struct {
    uint8_t kvn;
    uint8_t type;
    uint8_t keylen;
    uint8_t tries_left; /* decremented before each check, restored after success */
    uint8_t enc[32];
    uint8_t mac[32];
    uint8_t dek[32];
} se_keyset_rec;

/* An ECC key of a security domain (GP CS 2.3.1 Amendment F §?: key identifiers '10'
 * PK.CA-KLOC.ECDSA, '11' SCP11a, '13' SCP11b, '15' SCP11c key pairs), P-256 only. One store
 * object per (KID, KVN), owned by the security domain's registry entry. The private key never
 * leaves the card. */
#define KEY_TYPE_ECC_PUB 0xB0   /* GP CS 2.3.1 Table 11-16: ECC public key */
#define KEY_TYPE_ECC_PRIV 0xB1  /* ECC private key */
#define KEY_TYPE_ECC_PARAM 0xF0 /* ECC key parameters reference: '00' = P-256 */
#define GP_KID_CA_KLOC_ECDSA 0x10
#define GP_KID_SCP11A 0x11
#define GP_KID_SCP11B 0x13
#define GP_KID_SCP11C 0x15
#define ECKEY_MAX_SKI 32
typedef struct {
    uint8_t kid;
    uint8_t kvn;
    uint8_t param;    /* key parameters reference, 0x00 = P-256 */
    uint8_t has_priv; /* 1: priv holds the private key */
    uint8_t has_pub;  /* 1: pub holds the public key (always 1 when has_priv) */
    uint8_t ski_len;  /* CA-KLOC identifier (subject key identifier), 0 = none */
    uint8_t ski[ECKEY_MAX_SKI];
    uint8_t priv[32];
    uint8_t pub[65];
} se_eckey_rec;

/* ---- Trust anchors and quorum-signed commands (src/se/gp/trust.c, docs/trust.md) ----
 * BEGIN block owned by the trust anchor work (issue 7 items 5-6). */
#define SE_OBJ_TRUST 12        /* the ISD's trust anchor cells, k and the anti-replay table */
#define TRUST_RX_MAX (12 * 1024) /* largest quorum command (or anchor set) accepted */
#define TRUST_TAG_ANCHORS 0xDF70 /* STORE DATA: anchors + k (personalisation); GET DATA: state */
#define TRUST_TAG_COMMAND 0xDF71 /* STORE DATA: a quorum-signed command (CMS SignedData) */
/* (functions: after the Amendment F block below) END of the trust anchor block. */

/* ---- RAM state ---- */

#define SE_OCE_MAX_CERTS 4    /* certificates in one OCE chain (below CA-KLOC) */
#define SE_OCE_MAX_BYTES 4096 /* their total DER size */

typedef enum { SC_NONE, SC_INITIALIZED, SC_AUTHENTICATED } se_sc_state;

typedef struct {
    bool open;
    store_id selected; /* registry entry of the selected application, 0 = none */
    /* secure channel session with the security domain selected on this channel */
    se_sc_state sc_state;
    store_id sc_keyset; /* key set used by the session */
    store_id sc_sd;     /* security domain that owns the session */
    uint8_t sc_dek[32]; /* static Key-DEK of the session's key set (PUT KEY decrypts with it,
                           even after the key set itself was replaced in this session) */
    uint8_t sc_dek_len;
    scp03_session scp;
    /* Amendment F key management (certstore.c, scp11_sd.c): the session is SCP11b, which does
     * not authenticate the off-card entity; STORE DATA's block sequence (GP CS 2.3.1 §11.11.2.2:
     * P2 numbers the blocks from 00, P1 b8 marks the last). */
    bool sc_scp11b;
    bool sd_store_open;    /* a STORE DATA sequence has started and not ended */
    uint8_t sd_store_next; /* the block number the next STORE DATA must carry */
    /* response waiting for GET RESPONSE */
    uint8_t *pending; /* APDU_MAX_RESPONSE bytes, allocated at power-up */
    size_t pending_len, pending_off;
    size_t pending_hwm; /* bytes of pending ever written: what power-off must wipe */
    uint16_t pending_sw;
} se_chan;

/* A command chain being received (one at a time, ISO 7816-4 §5.1.1.1). */
typedef struct {
    bool active;
    uint8_t channel, ins, p1, p2, cla;
    uint8_t *buf; /* APDU_MAX_DATA bytes */
    size_t len;
} se_chain;

struct se {
    store_medium *medium;
    store *st;
    bool muted; /* power cut or fault: answer nothing until power cycle */
    seam_err mute_reason;
    se_chan chan[SE_MAX_CHANNELS];
    se_chain chain;
    /* SCP11a/c: the off-card entity's certificate chain received by PERFORM SECURITY OPERATION
     * on channel oce.ch, held until MUTUAL AUTHENTICATE (one chain at a time, bounded). */
    struct {
        bool active;   /* receiving or holding a chain */
        bool verified; /* the whole chain was checked; pk holds the leaf's key */
        uint8_t ch;
        uint8_t ca_kvn; /* KVN of the CA-KLOC key the chain is checked against */
        uint8_t n;      /* certificates received */
        uint16_t off[SE_OCE_MAX_CERTS + 1];
        uint8_t buf[SE_OCE_MAX_BYTES];
        uint8_t pk[65]; /* PK.OCE.ECKA once verified */
    } oce;
    /* Test hook: the ephemeral key the next SCP11a/b authentication uses (see
     * scp11_sd_set_next_ephemeral). */
    bool next_esk_set;
    uint8_t next_esk[32];
    struct jcvm *vm;    /* the Java Card runtime (src/se/jcvm/jcvm.h) */
    uint32_t max_steps; /* bytecode budget per APDU (se_config.max_steps) */
    /* RAM index of the registry (src/se/gp/registry.c): the store ids of every registry entry,
     * ascending, REG_INDEX_MAX at most; built at power-up, updated after commits. */
    store_id *reg_ids;
    size_t reg_n;
    struct se_cm *cm;                    /* content management RAM state (src/se/gp/content.c) */
    /* BEGIN trust anchors (trust.c, issue 7 items 5-6): a quorum-signed command or the anchors'
     * personalisation arriving in STORE DATA blocks (GP CS 2.3.1 §11.11.2.2), kept in RAM
     * until the last block. */
    struct {
        bool open;    /* a block sequence is being received */
        uint8_t ch;   /* on this logical channel */
        uint8_t next; /* the block number (P2) the next block must carry */
        size_t len;
        uint8_t buf[TRUST_RX_MAX];
    } trust_rx;
    /* END trust anchors */
    store_id atrhist_id;                 /* SE_OBJ_ATRHIST object, 0 = default ATR */
    store_id card_id;                    /* the card record */
    store_id isd_id;                     /* the ISD's registry entry */
    uint8_t scratch[APDU_MAX_DATA + 64]; /* plain command data after unwrapping */
    uint8_t out[APDU_MAX_RESPONSE + 64]; /* response data being built */
};

/* The most response data an application may produce: what fits the pending buffer
 * (APDU_MAX_RESPONSE) after the secure channel's padding block and 16-byte R-MAC, and a
 * vpcd frame (65535 bytes including the SW). */
#define SE_RESP_APP_MAX (65535 - 2 - 32)

/* A response under construction: the application writes data into it and returns a SW. */
typedef struct {
    uint8_t *p;
    size_t cap;
    size_t len;
} se_resp;

/* ---- the card OS, for the GP code ---- */
uint16_t se_sw_of(seam_err e); /* the one mapping of seam_err to a status word */
/* Reads the card record. */
const se_card_rec *se_card(se *s);
/* Durable single-field update of the card record. */
seam_err se_card_write(se *s, size_t off, const void *p, size_t n);
/* Mutes the card after a detected fault or a power cut. */
void se_mute(se *s, seam_err why);

/* ---- GP registry (src/se/gp/registry.c) ---- */
const se_reg_rec *reg_get(se *s, store_id id);
/* Finds the entry whose AID matches: exact when partial is false, else as a prefix; starting
 * after `after` (0 = from the first) in registry order. Only selectable entries are returned
 * when selectable_only. */
store_id reg_find(se *s, const uint8_t *aid, size_t aid_len, bool partial, store_id after,
                  bool selectable_only);

/* The registry index (see struct se). Entries are created and freed only inside store
 * transactions; the index follows AFTER the commit (an aborted transaction leaves it as it was,
 * like the store). */
#define REG_INDEX_MAX 1024
/* Empties the index and allocates it on first use (power-up). */
seam_err reg_index_reset(se *s);
/* Adds a registry entry id (power-up scan, or after the commit that created it).
 * SEAM_E_FULL when REG_INDEX_MAX entries are indexed. */
seam_err reg_index_add(se *s, store_id id);
/* Drops index entries whose registry object no longer exists (after a commit that freed some). */
void reg_index_prune(se *s);
/* True when n more entries fit the index. */
bool reg_index_room(se *s, size_t n);
/* The next registry entry after `after` (0 = the first), in id order; 0 at the end. */
store_id reg_next(se *s, store_id after);
void reg_index_free(se *s);

/* ---- key sets (src/se/gp/keys.c) ---- */
const se_keyset_rec *keys_get(se *s, store_id id);
store_id keys_find(se *s, store_id sd, uint8_t kvn); /* kvn 0: the first key set */
store_id keys_next(se *s, store_id sd, store_id after);

/* ---- ECC keys (src/se/gp/eckeys.c) ---- */
const se_eckey_rec *eckey_get(se *s, store_id id);
store_id eckey_next(se *s, store_id sd, store_id after);
/* The key with this KID and KVN (kvn 0: the first with this KID), or 0. */
store_id eckey_find(se *s, store_id sd, uint8_t kid, uint8_t kvn);
/* Installs or replaces (same KID and KVN) an ECC key of security domain sd, in one store
 * transaction (or inside the caller's). priv (32 bytes) and/or pub (65 bytes, uncompressed);
 * with priv alone the public key is derived; with both they must match. ski (may be NULL)
 * is the CA-KLOC identifier. Checks the KID (Amendment F: 10, 11, 13, 15; 10 public only),
 * the scalar and the point. For PUT KEY and for personalisation tools and tests. */
seam_err sd_install_ec_key(se *s, store_id sd, uint8_t kid, uint8_t kvn, const uint8_t *priv,
                           const uint8_t *pub, const uint8_t *ski, size_t ski_len);
/* PUT KEY of an ECC key (P2 = KID): see eckeys.c. */
uint16_t eckey_put_key(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* Appends the C0 key information entries of the ECC keys of sd (GET DATA E0). */
void eckey_put_key_info(se *s, seam_wr *w, store_id sd);

/* ---- Amendment F key and certificate management (src/se/gp/certstore.c, eckeys.c) ----
 * BEGIN block owned by the Amendment F key management work (issue 7 items 1-2). */
#define SE_OBJ_CERTSTORE 5       /* the certificate chain stored for one SD key (certstore.c) */
#define CERTSTORE_MAX_CERTS 4    /* certificates in one stored chain */
#define CERTSTORE_MAX_BYTES 4096 /* their total DER size */
/* A certificate store object: this header, then `len` bytes of DER certificates, leaf last. */
typedef struct {
    uint8_t kid;
    uint8_t kvn;
    uint8_t n;      /* certificates, 1..CERTSTORE_MAX_CERTS */
    uint8_t len[2]; /* big-endian byte count of the DER that follows */
} se_certstore_hdr;
/* The certificate store object of key (kid, kvn) of sd, or 0. */
store_id certstore_find(se *s, store_id sd, uint8_t kid, uint8_t kvn);
/* True when object id is a well-formed certificate store (for image checks). */
bool certstore_valid(se *s, store_id id);
/* Frees the certificate store of (kid, kvn) if there is one; inside the caller's transaction. */
seam_err certstore_drop(se *s, store_id sd, uint8_t kid, uint8_t kvn);
/* STORE DATA (INS E2, GP CS 2.3.1 §11.11) of Amendment F data objects. */
uint16_t certstore_store_data(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* GET DATA BF21 (the stored chain of A6 { 83 KID KVN }), FF33 / FF34 (CA-KLOC / CA-KLCC
 * identifiers); tag = P1 P2. */
uint16_t certstore_get_data(se *s, store_id sd, uint16_t tag, const apdu_cmd *c, se_resp *r);
/* Forgets the channel's STORE DATA block sequence. */
void certstore_channel_end(se *s, uint8_t ch);
/* Deletes, inside the caller's transaction, every ECC key of sd with this KID (0: any) and KVN
 * (0: any), wiping each record before freeing it, with its certificate store. *count gets the
 * number of keys deleted. */
seam_err eckey_delete(se *s, store_id sd, uint8_t kid, uint8_t kvn, unsigned *count);
/* True when kid is an Amendment F ECC key identifier (10, 11, 13, 15). */
bool eckey_kid_valid(uint8_t kid);
/* GENERATE KEY (INS F1, Yubico's wire form): see eckeys.c. */
uint16_t eckey_generate(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* END of the Amendment F key management block. */

/* BEGIN trust anchor functions (src/se/gp/trust.c; see the block with SE_OBJ_TRUST). */
/* True when this STORE DATA belongs to trust.c: it continues the channel's trust block
 * sequence, or it is block 00 and starts with tag DF70 / DF71. */
bool trust_claims(se *s, uint8_t ch, const apdu_cmd *c);
/* True when id is the ISD's well-formed trust object (power-up check). */
bool trust_valid(se *s, store_id id);
/* True when the keys of security domain sd may change only by a quorum-signed command: sd is
 * the ISD, the card holds trust anchors and is SECURED (or LOCKED). PUT KEY, DELETE of keys and
 * GENERATE KEY on it are then refused (6982) in every session (docs/trust.md). */
bool trust_guards_keys(se *s, store_id sd);
/* STORE DATA of DF70 / DF71 on the ISD. authenticated: the command came under a session that
 * authenticated the off-card entity (needed for DF70 only). */
uint16_t trust_store_data(se *s, uint8_t ch, store_id sd, const apdu_cmd *c,
                          bool authenticated, se_resp *r);
/* GET DATA DF70: k, n, the floor and every anchor cell (public). */
uint16_t trust_get_data(se *s, store_id sd, const apdu_cmd *c, se_resp *r);
/* An applet's question through seam.trust.QuorumService.attest (src/se/jcapi/trust_natives.c):
 * is cms (the DF71 value, a ContentInfo) a quorum-signed attest command valid for this card
 * whose payload (content tag 89) is exactly payload[0..plen)? The checks of a DF71 command;
 * a command of another operation, without tag 89 or with another payload is 6982. On 9000
 * the originator's counter has been consumed in one write outside any open transaction
 * (store_write_nontx). Otherwise the SW the ISD would answer, and the store is unchanged. */
uint16_t trust_attest(se *s, const uint8_t *cms, size_t len, const uint8_t *payload, size_t plen);
/* END trust anchor functions. */

/* ---- SCP11 on the security domain (src/se/gp/scp11_sd.c) ---- */
/* PERFORM SECURITY OPERATION (INS 2A), INTERNAL AUTHENTICATE (88), MUTUAL AUTHENTICATE (82
 * with CLA 80). */
uint16_t scp11_sd_pso(se *s, uint8_t ch, store_id sd, const apdu_cmd *c);
uint16_t scp11_sd_authenticate(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* True when id is a well-formed record of accepted SCP11c sessions (power-up check). */
bool scp11_sd_seen_valid(se *s, store_id id);
/* Forgets the OCE certificate chain if channel ch holds it. */
void scp11_sd_oce_clear(se *s, uint8_t ch);
/* TEST HOOK, compiled always, used only by tests: the next SCP11a/b authentication uses this
 * ephemeral private key instead of drawing one (so a test can reproduce a published vector).
 * Used once, then wiped. */
void scp11_sd_set_next_ephemeral(se *s, const uint8_t esk[32]);

/* ---- personalisation of a fresh card (src/se/gp/perso.c) ---- */
seam_err perso_fresh_card(se *s, const se_config *cfg);

/* ---- security domain command processing (src/se/gp/sd.c) ---- */
/* The OS calls these for a channel whose selected application is a security domain.
 * sd_unwrap: the channel's session is authenticated and cmd carries secure messaging: verify
 * and decrypt it into *plain (data in s->scratch). Returns 0 or the error SW (the session has
 * then been ended). */
uint16_t sd_unwrap(se *s, uint8_t ch, const apdu_cmd *cmd, apdu_cmd *plain);
/* sd_process: one plain command; secured tells whether it arrived under the channel's
 * authenticated session. Writes the response data, returns the SW. */
uint16_t sd_process(se *s, uint8_t ch, const apdu_cmd *plain, bool secured, se_resp *r);
/* sd_wrap: protects a response under the channel's session (R-MAC/R-ENC per level); error SWs
 * are left bare. r->p must have room for 16 + 16 more bytes. */
seam_err sd_wrap(se *s, uint8_t ch, se_resp *r, uint16_t sw);
/* INITIALIZE UPDATE (Amendment D §7.1) with key set P1 of security domain sd, on channel ch
 * (src/se/gp/scp03_sd.c); the session it starts belongs to sd. */
uint16_t scp03_sd_initialize_update(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r);
/* EXTERNAL AUTHENTICATE (Amendment D §7.2) of the session INITIALIZE UPDATE started on ch; c is
 * the command as received (with its C-MAC). */
uint16_t scp03_sd_external_authenticate(se *s, uint8_t ch, const apdu_cmd *c);
/* True when the session on ch requires a command to carry secure messaging. */
bool sd_requires_sm(se *s, uint8_t ch);
/* The FCI returned when a security domain is selected. */
seam_err sd_fci(se *s, store_id sd, se_resp *r);
/* Ends the secure channel session on a channel (wipes keys). */
void sd_session_end(se *s, uint8_t ch);

/* ---- BEGIN SSD: Supplementary Security Domains (src/se/gp/ssd.c, content.c; docs/ssd.md) ----
 * The security domain load file and module (GP CS 2.3.1 §9.1: the card's own code for security
 * domains, AIDs as common cards have them) are not store objects: GET STATUS shows them, INSTALL
 * names them, nothing deletes them. */
#define SSD_ELF_AID_LEN 7    /* A0000001515350 */
#define SSD_MODULE_AID_LEN 8 /* A000000151535041 */
extern const uint8_t ssd_elf_aid[SSD_ELF_AID_LEN];
extern const uint8_t ssd_module_aid[SSD_MODULE_AID_LEN];
/* Security domain life cycle (GP CS 2.3.1 §5.3.2, Table 11-38); LOCKED sets b8 and keeps the
 * state it came from in b1-b7 (as applications do, §5.3.1). */
#define GP_SD_INSTALLED 0x03
#define GP_SD_SELECTABLE 0x07
#define GP_SD_PERSONALIZED 0x0F
#define GP_LC_LOCKED_BIT 0x80
/* True when aid is the security domain load file's or module's AID. */
bool ssd_reserved_aid(const uint8_t *aid, size_t len);
/* True when r is a security domain (the ISD or an SSD). */
bool ssd_is_sd(const se_reg_rec *r);
/* What security domain sd may do with card content (GP CS 2.3.1 §9.1, §6.6): the ISD all of
 * it; a PERSONALIZED, unlocked SSD with Authorized Management its own content without tokens;
 * one with Delegated Management the same with a token per command; any other SD nothing. */
typedef enum { CM_AUTH_NONE, CM_AUTH_ISD, CM_AUTH_AM, CM_AUTH_DM } cm_authority;
cm_authority cm_authority_of(se *s, store_id sd);
/* THE place where a Delegated Management token is checked (GP CS 2.3.1 §C.4; dap.c's
 * dap_token_check_sd on the command as received, after unwrapping, bound to sd: the token signs
 * the AID of the SD that executes the command). Returns 0 when the command may
 * go on, with *tok filled (the caller consumes it and writes the receipt inside the transaction
 * that commits the operation: dap_delegated_done), else the SW (6982 no token, a forged, old or
 * other-command token; 6A80 a malformed one). */
struct dap_token_info;
uint16_t cm_delegated_token_check(se *s, store_id sd, const apdu_cmd *c,
                                  struct dap_token_info *tok);
/* Checks the privileges (1 or 3 bytes) the SD `granter` gives a new entry (an SSD when is_sd,
 * else an application) against GP CS 2.3.1 §6.6 (docs/ssd.md); *out gets the 3 bytes. 0 or the
 * SW (6A80 an inconsistent set, 6982 more than an SSD may grant). */
uint16_t ssd_privileges_check(se *s, store_id granter, bool is_sd, const uint8_t *p, size_t n,
                              uint8_t out[3]);
/* Card Reset and Final Application (GP CS 2.3.1 §6.6.1 Table 6-1; docs/ssd.md): one entry holds
 * each, the ISD unless another has it. ssd_priv_holder: the non-ISD entry whose priv[byte] has
 * bit, else the ISD. ssd_priv_take (inside the caller's transaction): entry `to` is granted pv;
 * those two privileges are cleared from every other entry. ssd_priv_return (inside the caller's
 * transaction, before `gone` is freed): the ISD gets back what gone held of them. */
store_id ssd_priv_holder(se *s, int byte, uint8_t bit);
seam_err ssd_priv_take(se *s, store_id to, const uint8_t pv[3]);
seam_err ssd_priv_return(se *s, store_id gone);
/* Checks the C9 value of an SSD's install parameters (docs/ssd.md): 0 or 6A80. */
uint16_t ssd_install_params_check(se *s, const uint8_t *c9, size_t n);
/* SET STATUS (GP CS 2.3.1 §11.10) of an application or SSD (P1 40) or of an SSD with its
 * associated applications (P1 60), sent to security domain sd. */
uint16_t ssd_set_status(se *s, store_id sd, const apdu_cmd *c);
/* INSTALL [for extradition] (GP CS 2.3.1 §11.5.2.3.4) processed by sd with authority auth. */
uint16_t ssd_extradite(se *s, store_id sd, cm_authority auth, const apdu_cmd *c, se_resp *r);
/* True when GET STATUS on security domain sd shows entry id (GP CS 2.3.1 §11.4.2: everything
 * with Global Registry, else the SD itself and what is associated with it). */
bool ssd_sees(se *s, store_id sd, store_id id, const se_reg_rec *e);
/* Frees, inside the caller's transaction, every store object security domain id owns (key
 * sets and ECC keys wiped first). */
seam_err ssd_free_owned(se *s, store_id id);
/* The security domain whose keys PUT KEY and STORE DATA on channel ch change: the target of
 * the channel's INSTALL [for personalization] (GP CS 2.3.1 §11.5.2.3.3) while the session that
 * sent it lasts, else sd. */
store_id cm_key_target(se *s, uint8_t ch, store_id sd);
/* ---- END SSD ---- */

/* ---- content management (src/se/gp/content.c) ---- */
/* GP CS 2.3.1 §11.2 DELETE (of applications and load files), §11.5 INSTALL, §11.6 LOAD; the Java
 * Card side is src/se/jcvm/jcvm.h. All of it runs on the ISD under an authenticated session with
 * C-MAC (sd_process checks that). */

/* Application life cycle states (GP CS 2.3.1 §5.1.3, Table 11-36) and load file state. */
#define GP_APP_INSTALLED 0x03
#define GP_APP_SELECTABLE 0x07
#define GP_ELF_LOADED 0x01

#define CM_LOAD_MAX (64u * 1024u) /* largest Load File Data Block (the C4 value) */

/* Allocates content management's RAM (the load buffer) at power-up; frees it. */
seam_err cm_power_up(se *s);
void cm_power_down(se *s);
/* The secure channel session of channel ch ended: a load in progress on it is dropped. */
void cm_channel_end(se *s, uint8_t ch);
/* INSTALL (INS E6) and LOAD (INS E8). */
uint16_t cm_install(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r);
uint16_t cm_load(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r);
/* DELETE (INS E4) of the application or load file with this AID; related (P2 80): a load file
 * with its applications. The ISD is refused by the caller. tok: the verified token of a
 * Delegated Management SD (cm_delegated_token_check), else NULL; with it the token is consumed
 * and the answer is the receipt (GP CS 2.3.1 §11.2.3.1). */
uint16_t cm_delete(se *s, uint8_t ch, const uint8_t *aid, size_t aid_len, bool related,
                   const struct dap_token_info *tok, se_resp *r);

/* What GET STATUS shows of a load file: the package's version and its applets (modules), read
 * from the load file bytes (include/seam/jcl.h: PACKAGE and APPLETS sections). */
typedef struct {
    const uint8_t *aid; /* the package AID */
    uint8_t aid_len;
    uint8_t major, minor;
    uint8_t napplets;
    const uint8_t *applet_aid[16];
    uint8_t applet_aid_len[16];
} cm_pkg_info;
/* Reads PACKAGE and APPLETS of a load file (bounded reads only; the strict parse is jcl_parse in
 * the runtime). SEAM_E_FORMAT when they cannot be read. */
seam_err cm_pkg_info_read(const uint8_t *jcl, size_t len, cm_pkg_info *out);
/* The same for a loaded load file's registry entry (through jcvm_pkg_bytes). */
seam_err cm_pkg_info_of(se *s, const se_reg_rec *elf, cm_pkg_info *out);

/* GET STATUS continuation (P2 b1, after 6310) of channel ch: the P1 and the last entry sent. */
typedef struct {
    uint8_t p1;     /* 0: none */
    uint8_t tagged; /* P2 b2 of the command that started it */
    store_id after;
    uint8_t crit_len;
    uint8_t crit[16];
    bool past_virtual; /* SSD: the security domain load file was sent already */
} cm_status_cursor;
cm_status_cursor *cm_status_cursor_of(se *s, uint8_t ch);

#endif
