/*
 * The applet-facing quorum service (docs/trust.md, "Applets: the seam.trust package"; issue 7
 * item 5): a "supply switch" applet (tests/jc/trust/qsw, seam.qsw.Switch) flips its persistent
 * flag only after seam.trust.QuorumService.attest accepts the CMS carried by its command. The
 * card is personalised with three independent roots and k = 2 (as tests/test_trust_drill.c
 * does), then SECURED; the packages are loaded and installed as GP content management does.
 *  - signed under roots 2 and 3 for exactly the action (payload = the switch's AID, INS, P1,
 *    P2): accepted, the flag follows;
 *  - under root 1 alone (even by two root-1 organisations), a replay, a CMS for another payload,
 *    for another operation, without payload, bound to another card, malformed: refused with the
 *    ISD's status word, flag and store unchanged;
 *  - attest inside the applet's JCSystem transaction that is then aborted: the counter stays
 *    consumed (store_write_nontx), the flag does not change; after a power cycle too;
 *  - power cycles: the consumed counters, the flag and the service object kept in the applet's
 *    field survive; a power cut at every write of an accepted command leaves either the old
 *    state (the same command works afterwards) or a consumed counter, never a half state;
 *  - the firewall: a method of the service object outside QuorumService (invokevirtual) throws
 *    SecurityException; bad array arguments throw NullPointerException or
 *    ArrayIndexOutOfBoundsException; another applet (tests/jc/trust/qix) can neither write the
 *    switch applet's array nor hand it to the service.
 */
#include <stdlib.h>

#include "check.h"
#include "se/jcvm/jcvm.h"
#include "seam/cms.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/pki.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"
#include "seam/x509.h"

#define CMS_CAP 8192

/* ---- the PKI: three roots, organisations under them ---- */

typedef struct ent ent;
struct ent {
    uint8_t priv[32], pub[65];
    uint8_t cert[PKI_MAX_CERT];
    size_t len;
    uint8_t ski[64];
    size_t ski_len;
    const ent *up;
};

static ent R1, R2, R3, O1, O1b, O2, O3;

static bool issue(ent *e, const ent *up, pki_kind kind, const char *name, pki_usage usage)
{
    char err[160] = "";
    if (pki_keygen(e->priv, e->pub) != SEAM_OK) return false;
    pki_signer sg;
    if (pki_signer_raw(&sg, up ? up->priv : e->priv) != SEAM_OK) return false;
    pki_profile p = {.kind = kind,
                     .name = name,
                     .role = kind == PKI_ORG ? PKI_ROLE_NETWORK_OPERATOR : PKI_ROLE_NONE,
                     .usage = usage,
                     .path_len = -1,
                     .not_before = x509_time_from_civil(2025, 1, 1, 0, 0, 0),
                     .not_after = x509_time_from_civil(2045, 1, 1, 0, 0, 0),
                     .subject_pub = e->pub};
    seam_err r = pki_issue(&p, up ? up->cert : NULL, up ? up->len : 0, &sg, e->cert, sizeof e->cert,
                           &e->len, err, sizeof err);
    pki_signer_release(&sg);
    if (r != SEAM_OK) {
        fprintf(stderr, "  pki_issue %s: %s\n", name, err);
        return false;
    }
    x509_cert c;
    if (x509_parse(e->cert, e->len, &c, NULL, 0) != SEAM_OK || c.ski.len > sizeof e->ski)
        return false;
    memcpy(e->ski, c.ski.p, c.ski.len);
    e->ski_len = c.ski.len;
    e->up = up;
    return true;
}

static bool make_pki(void)
{
    return issue(&R1, NULL, PKI_ROOT, "seam Root 1", PKI_USAGE_NONE) &&
           issue(&R2, NULL, PKI_ROOT, "seam Root 2", PKI_USAGE_NONE) &&
           issue(&R3, NULL, PKI_ROOT, "seam Root 3", PKI_USAGE_NONE) &&
           issue(&O1, &R1, PKI_ORG, "org 1", PKI_USAGE_SIGN) &&
           issue(&O1b, &R1, PKI_ORG, "org 1b", PKI_USAGE_SIGN) &&
           issue(&O2, &R2, PKI_ORG, "org 2", PKI_USAGE_SIGN) &&
           issue(&O3, &R3, PKI_ORG, "org 3", PKI_USAGE_SIGN);
}

/* ---- signed commands ---- */

typedef struct {
    uint8_t der[CMS_CAP];
    size_t len;
} blob;

static uint64_t next_counter = 5000;

/* A quorum command (attest unless cmd->op is set) from originator who[0], signed by who[]. */
static bool sign(blob *b, cms_trust_cmd c, const ent *const *who, size_t n)
{
    if (!c.op) c.op = CMS_TRUST_OP_ATTEST;
    c.originator = who[0]->ski;
    c.originator_len = who[0]->ski_len;
    c.counter = next_counter++;
    uint8_t content[2048];
    size_t clen;
    if (cms_trust_content(&c, content, sizeof content, &clen) != SEAM_OK) return false;
    cms_signer_in in[CMS_MAX_SIGNERS];
    for (size_t i = 0; i < n; i++)
        in[i] = (cms_signer_in){who[i]->priv, who[i]->cert, who[i]->len, NULL, NULL, 0};
    seam_err e = cms_build(content, clen, in, n, b->der, sizeof b->der, &b->len);
    if (e != SEAM_OK) fprintf(stderr, "  cms_build: %s\n", seam_strerror(e));
    return e == SEAM_OK;
}

#define WHO(...) ((const ent *const[]){__VA_ARGS__})
#define NWHO(...) (sizeof((const ent *const[]){__VA_ARGS__}) / sizeof(const ent *))

/* ---- AIDs ---- */

static const uint8_t qsw_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x51, 0x01};
static const uint8_t sw_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x51, 0x01, 0x01};
static const uint8_t qix_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x52, 0x01};
static const uint8_t ix_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x52, 0x01, 0x01};

/* The payload the switch asks for: its AID, then INS, P1, P2 of the command. */
typedef struct {
    uint8_t b[16];
    size_t n;
} payload;

static payload action(uint8_t ins, uint8_t p1, uint8_t p2)
{
    payload p;
    memcpy(p.b, sw_app, sizeof sw_app);
    p.n = sizeof sw_app;
    p.b[p.n++] = ins;
    p.b[p.n++] = p1;
    p.b[p.n++] = p2;
    return p;
}

/* An attest for that action from who[]. */
static bool sign_action(blob *b, uint8_t ins, uint8_t p1, const ent *const *who, size_t n)
{
    payload p = action(ins, p1, 0);
    return sign(b, (cms_trust_cmd){.payload = p.b, .payload_len = p.n}, who, n);
}
#define SIGN_ACTION(b, ins, p1, ...)                                                               \
    sign_action((b), (ins), (p1), WHO(__VA_ARGS__), NWHO(__VA_ARGS__))

/* ---- the card ---- */

typedef struct {
    store_medium *m;
    se *se;
    seam_card *card;
    gp_client cl;
    gp_session ses;
} bench;

static const uint8_t seed[] = "seam trust applet";

static seam_err up(bench *b)
{
    char msg[200];
    cr_rng_seed_deterministic(seed, sizeof seed);
    se_config cfg = {.medium = b->m, .quiet = true};
    seam_err e = se_open(&b->se, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "  se_open: %s: %s\n", seam_strerror(e), msg);
        return e;
    }
    seam_card_fns f = se_card_fns(b->se);
    if ((e = card_open_fns(&b->card, &f)) != SEAM_OK) return e;
    memset(&b->cl, 0, sizeof b->cl);
    b->cl.card = b->card;
    gp_session_plain(&b->ses, &b->cl);
    return SEAM_OK;
}

static void down(bench *b)
{
    gp_session_close(&b->ses);
    if (b->card) card_close(b->card);
    if (b->se) se_close(b->se);
    b->card = NULL;
    b->se = NULL;
}

static bool cycle(bench *b)
{
    down(b);
    store_medium_power_cycle(b->m);
    return up(b) == SEAM_OK;
}

static void close_card(bench *b)
{
    down(b);
    store_medium_free(b->m);
    b->m = NULL;
}

static uint8_t resp[APDU_MAX_RESPONSE];
static size_t resp_len;

static uint16_t raw(bench *b, const uint8_t *cmd, size_t n)
{
    size_t rl = 0;
    resp_len = 0;
    if (se_transmit(b->se, cmd, n, resp, sizeof resp, &rl) || rl < 2) return 0;
    resp_len = rl - 2;
    return (uint16_t)((resp[rl - 2] << 8) | resp[rl - 1]);
}

/* CLA 80, Le maximum: short (case 2S or 4S, Le 00) when lc < 256, else extended (ISO/IEC
 * 7816-4 §5.1: case 4E, Le 0000). */
static uint16_t xmit(bench *b, uint8_t ins, uint8_t p1, const uint8_t *data, size_t lc)
{
    static uint8_t cmd[CMS_CAP + 16];
    size_t n = 0;
    bool ext = lc > 255;
    cmd[n++] = 0x80;
    cmd[n++] = ins;
    cmd[n++] = p1;
    cmd[n++] = 0;
    if (ext) {
        cmd[n++] = 0;
        cmd[n++] = (uint8_t)(lc >> 8);
    }
    if (lc) {
        cmd[n++] = (uint8_t)lc;
        memcpy(cmd + n, data, lc);
        n += lc;
    }
    cmd[n++] = 0;
    if (ext) cmd[n++] = 0;
    return raw(b, cmd, n);
}

static uint16_t select_app(bench *b, const uint8_t *aid, size_t len)
{
    uint8_t cmd[32] = {0x00, 0xA4, 0x04, 0x00, (uint8_t)len};
    memcpy(cmd + 5, aid, len);
    cmd[5 + len] = 0;
    return raw(b, cmd, 6 + len);
}

static uint16_t send_cms(bench *b, uint8_t ins, uint8_t p1, const blob *c)
{
    return xmit(b, ins, p1, c->der, c->len);
}

static int flag(bench *b)
{
    return xmit(b, 0x40, 0, NULL, 0) == SW_NO_ERROR && resp_len == 1 ? resp[0] : -1;
}

static int be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static void digest(bench *b, uint8_t d[32])
{
    store_digest(se_store(b->se), d);
}

/* INS 30 with c must be refused with want, the store (counters, flag) unchanged. */
static void refused(bench *b, uint8_t p1, const blob *c, uint16_t want, const char *what)
{
    uint8_t d0[32], d1[32];
    digest(b, d0);
    uint16_t sw = send_cms(b, 0x30, p1, c);
    digest(b, d1);
    if (sw != want || memcmp(d0, d1, 32) != 0) {
        fprintf(stderr, "  %s: SW %04X (wanted %04X), store %s\n", what, sw, want,
                memcmp(d0, d1, 32) ? "CHANGED" : "unchanged");
        check_failures++;
    }
}

static uint8_t *read_jcl(const char *name, size_t *len)
{
    const char *bd = getenv("SEAM_BUILD");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/trust/%s", bd ? bd : "build", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot read %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static store_id new_reg(se *s, uint8_t kind, uint8_t lc, const uint8_t *aid, size_t aid_len,
                        store_id elf)
{
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = kind;
    rec.life_cycle = lc;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    seam_put_be32(rec.elf_id, elf);
    store_id id = 0;
    if (store_alloc(se_store(s), 0, SE_OBJ_REGISTRY, sizeof rec, &id) ||
        store_write(se_store(s), id, 0, &rec, sizeof rec))
        return 0;
    return id;
}

/* LOAD then INSTALL as GP content management does: registry entry and runtime call in one
 * store transaction, committed on 9000. */
static bool load_install(se *s, const char *file, const uint8_t *pkg_aid, size_t pkg_len,
                         const uint8_t *app, size_t app_len)
{
    size_t len;
    uint8_t *jcl = read_jcl(file, &len);
    if (!jcl) return false;
    store *st = se_store(s);
    store_id elf = 0, pkg = 0;
    char msg[256] = "";
    uint16_t sw = 0;
    if (!store_tx_begin(st) &&
        (elf = new_reg(s, REG_KIND_LOAD_FILE, GP_ELF_LOADED, pkg_aid, pkg_len, 0)) != 0)
        sw = jcvm_load(s, jcl, len, &pkg, msg, sizeof msg);
    free(jcl);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  load %s: %04X %s\n", file, sw, msg);
        store_tx_abort(st);
        return false;
    }
    uint8_t be[4];
    seam_put_be32(be, pkg);
    store_write(st, elf, offsetof(se_reg_rec, obj_id), be, 4);
    store_tx_commit(st);
    reg_index_add(s, elf);
    if (store_tx_begin(st)) return false;
    store_id id = new_reg(s, REG_KIND_APP, GP_APP_SELECTABLE, app, app_len, elf);
    static const uint8_t priv[1] = {0};
    sw = id ? jcvm_install(s, pkg, 0, id, app, app_len, priv, 1, NULL, 0, msg, sizeof msg) : 0;
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  install %s: %04X %s\n", file, sw, msg);
        store_tx_abort(st);
        return false;
    }
    store_tx_commit(st);
    reg_index_add(s, id);
    return true;
}

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

/* STORE DATA DF70 (the anchors: 80 01 k, then the root certificates) in 200-byte blocks. */
static uint16_t store_anchors(bench *b, uint8_t k)
{
    static uint8_t obj[8192];
    const ent *roots[3] = {&R1, &R2, &R3};
    size_t vlen = 3;
    for (int i = 0; i < 3; i++)
        vlen += roots[i]->len;
    size_t len = 0;
    obj[len++] = 0xDF;
    obj[len++] = 0x70;
    obj[len++] = 0x82;
    obj[len++] = (uint8_t)(vlen >> 8);
    obj[len++] = (uint8_t)vlen;
    obj[len++] = 0x80;
    obj[len++] = 0x01;
    obj[len++] = k;
    for (int i = 0; i < 3; i++) {
        memcpy(obj + len, roots[i]->cert, roots[i]->len);
        len += roots[i]->len;
    }
    uint8_t r[300];
    size_t rn;
    uint16_t sw = 0;
    for (size_t off = 0, blk = 0; off < len; off += 200, blk++) {
        size_t part = len - off < 200 ? len - off : 200;
        bool last = off + part == len;
        if (gp_send_cmd(&b->ses, 0x80, 0xE2, last ? 0x80 : 0x00, (uint8_t)blk, obj + off, part,
                        false, r, sizeof r, &rn, &sw) != SEAM_OK)
            return 0;
        if (sw != SW_NO_ERROR) return sw;
    }
    return sw;
}

/* A card with anchors (R1, R2, R3), k = 2, SECURED; Switch and Intruder installed; Switch
 * selected on the basic channel. */
static bool fresh_card(bench *b)
{
    memset(b, 0, sizeof *b);
    if (store_medium_memory(&b->m) != SEAM_OK || up(b) != SEAM_OK) return false;
    uint8_t fci[256];
    size_t n;
    uint16_t sw = 0;
    if (gp_select(&b->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw) ||
        sw != SW_NO_ERROR)
        return false;
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    seam_err e = gp_session_open(&b->ses, &b->cl, &k, 0x33, NULL, 8, &sw);
    gp_keys_wipe(&k);
    if (e != SEAM_OK || sw != SW_NO_ERROR) return false;
    if ((sw = store_anchors(b, 2)) != SW_NO_ERROR) {
        fprintf(stderr, "  personalisation: %04X\n", sw);
        return false;
    }
    if (gp_set_card_status(&b->ses, 0x0F, &sw) != SEAM_OK || sw != SW_NO_ERROR) return false;
    gp_session_close(&b->ses);
    gp_session_plain(&b->ses, &b->cl);
    return load_install(b->se, "qsw.jcl", qsw_pkg, sizeof qsw_pkg, sw_app, sizeof sw_app) &&
           load_install(b->se, "qix.jcl", qix_pkg, sizeof qix_pkg, ix_app, sizeof ix_app) &&
           select_app(b, sw_app, sizeof sw_app) == SW_NO_ERROR;
}

/* ---- tests ---- */

static void test_switch(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    CHECK_EQ(flag(&b), 0);
    blob off, on, c;
    /* roots 2 and 3: accepted, the flag follows */
    REQUIRE(SIGN_ACTION(&on, 0x30, 1, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x30, 1, &on), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 1);
    REQUIRE(SIGN_ACTION(&off, 0x30, 0, &O3, &O2));
    CHECK_EQ(send_cms(&b, 0x30, 0, &off), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 0);
    /* root 1 alone: one signer, or two organisations under root 1 (counted once) */
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O1));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "root 1 alone");
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O1, &O1b));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "two signers under root 1");
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O2));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "root 2 alone");
    /* a replay of the accepted "on" */
    refused(&b, 1, &on, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "replay");
    CHECK_EQ(flag(&b), 0);
    /* signed for another payload: the "off" action sent as "on" (fresh counter), another
     * applet's AID, the AID alone */
    REQUIRE(SIGN_ACTION(&c, 0x30, 0, &O2, &O3));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "payload of another action");
    payload p = action(0x30, 1, 0);
    p.b[7] ^= 1;
    REQUIRE(sign(&c, (cms_trust_cmd){.payload = p.b, .payload_len = p.n}, WHO(&O2, &O3), 2));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "payload of another applet");
    REQUIRE(sign(&c, (cms_trust_cmd){.payload = sw_app, .payload_len = sizeof sw_app},
                 WHO(&O2, &O3), 2));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "payload prefix");
    /* an attest without payload, and a quorum command of another operation (set k) */
    REQUIRE(sign(&c, (cms_trust_cmd){0}, WHO(&O2, &O3), 2));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "no payload");
    REQUIRE(sign(&c, (cms_trust_cmd){.op = CMS_TRUST_OP_SET_K, .k = 3}, WHO(&O2, &O3), 2));
    refused(&b, 1, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "set-k command");
    /* bound to another card; then to this one */
    const se_card_rec *card = se_card(b.se);
    REQUIRE(card->cin_len > 0);
    uint8_t cin[16];
    memcpy(cin, card->cin, card->cin_len);
    size_t cin_len = card->cin_len;
    payload on_p = action(0x30, 1, 0);
    cin[cin_len - 1] ^= 0x01;
    REQUIRE(sign(
        &c,
        (cms_trust_cmd){.card = cin, .card_len = cin_len, .payload = on_p.b, .payload_len = on_p.n},
        WHO(&O2, &O3), 2));
    refused(&b, 1, &c, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "another card");
    cin[cin_len - 1] ^= 0x01;
    REQUIRE(sign(
        &c,
        (cms_trust_cmd){.card = cin, .card_len = cin_len, .payload = on_p.b, .payload_len = on_p.n},
        WHO(&O3, &O2), 2));
    CHECK_EQ(send_cms(&b, 0x30, 1, &c), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 1);
    /* malformed: truncated, a flipped byte, garbage */
    REQUIRE(SIGN_ACTION(&c, 0x30, 0, &O2, &O3));
    blob t = c;
    t.len = c.len - 1;
    refused(&b, 0, &t, SW_WRONG_DATA, "truncated");
    t = c;
    t.der[t.len - 3] ^= 0x40; /* inside the last signature */
    refused(&b, 0, &t, SW_SECURITY_STATUS_NOT_SATISFIED, "bad signature");
    memset(t.der, 0x30, 16);
    t.len = 16;
    refused(&b, 0, &t, SW_WRONG_DATA, "garbage");
    CHECK_EQ(flag(&b), 1);
    /* the untouched original still works */
    CHECK_EQ(send_cms(&b, 0x30, 0, &c), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 0);
    close_card(&b);
}

/* JCSystem transactions around attest: the counter is written outside the transaction. */
static void test_transaction(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c, d;
    /* attest, flag, abortTransaction: attest said 9000, the flag did not change, the command
     * is spent */
    REQUIRE(SIGN_ACTION(&c, 0x31, 1, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x31, 1, &c), SW_NO_ERROR);
    REQUIRE(resp_len == 2);
    CHECK_EQ(be16(resp), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 0);
    CHECK_EQ(send_cms(&b, 0x31, 1, &c), SW_NO_ERROR);
    REQUIRE(resp_len == 2);
    CHECK_EQ(be16(resp), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* still spent after a power cycle */
    REQUIRE(cycle(&b));
    REQUIRE(select_app(&b, sw_app, sizeof sw_app) == SW_NO_ERROR);
    CHECK_EQ(send_cms(&b, 0x31, 1, &c), SW_NO_ERROR);
    REQUIRE(resp_len == 2);
    CHECK_EQ(be16(resp), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(flag(&b), 0);
    /* attest, flag, commitTransaction: as without a transaction */
    REQUIRE(SIGN_ACTION(&d, 0x32, 1, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x32, 1, &d), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 1);
    CHECK_EQ(send_cms(&b, 0x32, 0, &d), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(SIGN_ACTION(&d, 0x32, 0, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x32, 0, &d), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 0);
    CHECK_EQ(send_cms(&b, 0x32, 0, &d), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    close_card(&b);
}

/* Power cycles: counters, flag and the service object in the applet's field survive. */
static void test_power_cycle(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c, d;
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x30, 1, &c), SW_NO_ERROR);
    CHECK_EQ(xmit(&b, 0x43, 0, NULL, 0), SW_NO_ERROR);
    CHECK(resp_len == 1 && resp[0] == 1);
    REQUIRE(cycle(&b));
    REQUIRE(select_app(&b, sw_app, sizeof sw_app) == SW_NO_ERROR);
    CHECK_EQ(flag(&b), 1);
    CHECK_EQ(send_cms(&b, 0x30, 1, &c), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* the same service object after power-up (getService finds the JCRE's object again) */
    CHECK_EQ(xmit(&b, 0x43, 0, NULL, 0), SW_NO_ERROR);
    CHECK(resp_len == 1 && resp[0] == 1);
    REQUIRE(SIGN_ACTION(&d, 0x30, 0, &O3, &O2));
    CHECK_EQ(send_cms(&b, 0x30, 0, &d), SW_NO_ERROR);
    CHECK_EQ(flag(&b), 0);
    close_card(&b);
}

/* A power cut at every low-level write of an accepted INS 30: after power-up, either nothing
 * happened (the same command is then accepted) or the counter is spent (replay refused); the
 * flag is set only if the command was accepted. */
static void test_tear(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c;
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O2, &O3));
    uint8_t *img = NULL;
    size_t img_len = 0;
    down(&b);
    REQUIRE(store_medium_get_bytes(b.m, &img, &img_len) == SEAM_OK);
    int spent = 0, fresh = 0;
    bool done = false;
    for (unsigned long cut = 1; cut < 200 && !done; cut++) {
        REQUIRE(store_medium_set_bytes(b.m, img, img_len) == SEAM_OK);
        store_medium_power_cycle(b.m);
        REQUIRE(up(&b) == SEAM_OK);
        REQUIRE(select_app(&b, sw_app, sizeof sw_app) == SW_NO_ERROR);
        store_medium_set_tear(b.m, cut);
        uint16_t sw = send_cms(&b, 0x30, 1, &c);
        bool torn = store_medium_torn(b.m);
        store_medium_set_tear(b.m, 0);
        if (!torn) {
            CHECK_EQ(sw, SW_NO_ERROR);
            CHECK(cut > 1);
            down(&b);
            done = true;
            continue;
        }
        REQUIRE(cycle(&b));
        REQUIRE(select_app(&b, sw_app, sizeof sw_app) == SW_NO_ERROR);
        int f = flag(&b);
        uint16_t again = send_cms(&b, 0x30, 1, &c);
        if (again == SW_NO_ERROR) {
            fresh++;
            CHECK_EQ(f, 0); /* nothing had happened */
        } else {
            spent++;
            CHECK_EQ(again, SW_CONDITIONS_OF_USE_NOT_SATISFIED);
            CHECK(f == 0 || f == 1);
        }
        down(&b);
    }
    CHECK(done);
    CHECK(fresh > 0);
    CHECK(spent > 0);
    free(img);
    store_medium_free(b.m);
}

/* The firewall around the service and the switch's objects. */
static void test_firewall(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    /* invokevirtual of a method outside QuorumService on the JCRE's service object */
    CHECK_EQ(xmit(&b, 0x41, 0, NULL, 0), SW_NO_ERROR);
    CHECK(resp_len == 1 && resp[0] == 0x5E);
    /* array arguments: null -> 1 (NullPointerException), ranges -> 2 (ArrayIndexOutOfBounds) */
    static const struct {
        uint8_t p1, r;
        uint16_t sw;
    } bad[] = {
        {1, 1, 0}, {2, 1, 0}, {3, 2, 0}, {4, 2, 0}, {5, 2, 0}, {6, 2, 0}, {7, 0, SW_WRONG_DATA}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(xmit(&b, 0x42, bad[i].p1, NULL, 0), SW_NO_ERROR);
        REQUIRE(resp_len == 3);
        if (resp[0] != bad[i].r || be16(resp + 1) != bad[i].sw) {
            fprintf(stderr, "  bad arguments case %u: %02X %04X\n", bad[i].p1, resp[0],
                    be16(resp + 1));
            check_failures++;
        }
    }
    /* another applet: the switch's array is refused, directly and through the service */
    blob c;
    REQUIRE(SIGN_ACTION(&c, 0x30, 1, &O2, &O3));
    CHECK_EQ(send_cms(&b, 0x30, 1, &c), SW_NO_ERROR);
    REQUIRE(select_app(&b, ix_app, sizeof ix_app) == SW_NO_ERROR);
    for (uint8_t ins = 0x50; ins <= 0x52; ins++) {
        CHECK_EQ(xmit(&b, ins, 0, NULL, 0), SW_NO_ERROR);
        CHECK(resp_len == 3 && resp[0] == 0x5E && be16(resp + 1) == 0);
    }
    /* its own arrays: the service answers (a malformed CMS) */
    CHECK_EQ(xmit(&b, 0x53, 0, NULL, 0), SW_NO_ERROR);
    CHECK(resp_len == 3 && resp[0] == 0 && be16(resp + 1) == SW_WRONG_DATA);
    REQUIRE(select_app(&b, sw_app, sizeof sw_app) == SW_NO_ERROR);
    CHECK_EQ(flag(&b), 1);
    close_card(&b);
}

int main(void)
{
    if (!make_pki()) {
        fprintf(stderr, "cannot make the PKI\n");
        return 1;
    }
    RUN(test_switch);
    RUN(test_transaction);
    RUN(test_power_cycle);
    RUN(test_tear);
    RUN(test_firewall);
    return check_summary();
}
