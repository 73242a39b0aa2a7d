/*
 * Fuzz target: INSTALL (every P1: for load, install, make selectable, both, extradition,
 * personalization), DELETE, SET STATUS and PUT KEY parameter parsing with Supplementary Security
 * Domains on the card (GP CS 2.3.1 §11.2, §11.5, §11.8, §11.10; docs/ssd.md), DAP blocks in
 * LOAD and delegated management with tokens and receipts (Appendix C; docs/dap.md), behind an
 * authenticated SCP03 session (C-MAC) with the ISD, with an SSD that has Authorized Management
 * or with one that has Delegated Management. The card starts from an image holding the ISD
 * (with a token key whose private half this target knows, and a receipt key), SSD1
 * (A000000151535041 01, Authorized Management and DAP Verification with an ECC DAP key,
 * PERSONALIZED, the test keys as KVN 30), SSD2 (…02, SELECTABLE, no keys) and SSD3 (…03,
 * Delegated Management, PERSONALIZED, the test keys as KVN 30). The input is a sequence of
 * records: u1 op, u1 P1, u1 P2, u2 length (big-endian, at most 1024), that many data bytes.
 * op % 8: 0 INSTALL (E6), 1 DELETE (E4), 2 SET STATUS (F0), 3 GET STATUS (F2), 4 LOAD (E8),
 * 5 a new session (P1 % 3: ISD, SSD1, SSD3), 6 PUT KEY of a well-formed AES key set with
 * KVN = P1 & 7F (the data is ignored), 7 a token-signed command: the data is signed with the
 * token key (gpsig_token_data_sd, bound to SSD3; token identifiers counting up from 1 in each run) and sent as
 * DELETE (P2 b1) or INSTALL with this P1, P2 00.
 *
 * Invariants checked: every command gets a status word; the card never mutes; a command
 * refused with anything but 9000/6310 leaves the store's digest exactly as before (error
 * atomicity); after the sequence a power cycle opens the same medium and the ISD answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/gp/dap.h"
#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/gpsig.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/store.h"

static uint8_t *pristine;
static size_t pristine_len;
static uint8_t resp[APDU_MAX_RESPONSE];
static uint8_t wrapped[APDU_MAX_COMMAND];

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static const uint8_t isd_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t ssd1_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x01};
static const uint8_t ssd2_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x02};
static const uint8_t ssd3_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x03};
static uint8_t tok_priv[32];          /* the ISD's token key (KVN 70) */
static uint8_t signed_buf[1024 + 80]; /* op 7: the data with B6 and the token */

static void die(const char *why)
{
    fprintf(stderr, "fuzz_gp_install: %s\n", why);
    abort();
}

static uint16_t tx(se *s, const uint8_t *cmd, size_t len)
{
    size_t rl = 0;
    if (se_transmit(s, cmd, len, resp, sizeof resp, &rl) != SEAM_OK) die("card muted");
    if (rl < 2) die("response without a status word");
    return (uint16_t)(resp[rl - 2] << 8 | resp[rl - 1]);
}

/* Selects aid and opens an SCP03 session at level 01 (C-MAC) with the test keys. */
static bool open_session(se *s, scp03_session *h, const uint8_t *aid, size_t aid_len)
{
    scp03_session_clear(h);
    uint8_t sel[32] = {0x00, 0xA4, 0x04, 0x00, (uint8_t)aid_len};
    memcpy(sel + 5, aid, aid_len);
    if (tx(s, sel, 5 + aid_len) != 0x9000) return false;
    uint8_t iu[14] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    size_t rl = 0;
    if (se_transmit(s, iu, sizeof iu, resp, sizeof resp, &rl) != SEAM_OK) die("card muted");
    if (rl != 2 + 32 || resp[rl - 2] != 0x90) return false;
    if (scp03_session_init(h, test_key, test_key, 16, iu + 5, resp + 13, 8, resp[12]) != SEAM_OK)
        return false;
    uint8_t ea[32];
    size_t el;
    if (scp03_host_external_authenticate(h, 0x01, 0, ea, sizeof ea, &el) != SEAM_OK) return false;
    if (tx(s, ea, el) != 0x9000) return false;
    scp03_host_auth_done(h);
    return true;
}

static uint16_t send(se *s, scp03_session *h, uint8_t ins, uint8_t p1, uint8_t p2,
                     const uint8_t *data, size_t len, bool *sent)
{
    apdu_cmd c;
    memset(&c, 0, sizeof c);
    c.cla = 0x80;
    c.ins = ins;
    c.p1 = p1;
    c.p2 = p2;
    c.data = len ? data : NULL;
    c.lc = len;
    c.has_le = true;
    c.le = len > 255 ? 65536 : 256;
    c.extended = len > 255;
    size_t wl = 0;
    *sent = false;
    if (scp03_wrap_command(h, &c, c.extended, wrapped, sizeof wrapped, &wl) != SEAM_OK) return 0;
    *sent = true;
    return tx(s, wrapped, wl);
}

static void digest(se *s, uint8_t d[32])
{
    if (store_digest(se_store(s), d) != SEAM_OK) die("digest");
}

static size_t lv(uint8_t *p, const uint8_t *v, size_t n)
{
    p[0] = (uint8_t)n;
    if (n) memcpy(p + 1, v, n);
    return n + 1;
}

static void must(uint16_t sw, const char *what)
{
    if (sw != 0x9000) {
        fprintf(stderr, "fuzz_gp_install: setup: %s gave %04X\n", what, sw);
        abort();
    }
}

/* INSTALL [for personalization] of aid, PUT KEY of the test keys as KVN 30, SET STATUS
 * PERSONALIZED, under the ISD session h. */
static void personalise(se *s, scp03_session *h, const uint8_t *aid, size_t aid_len)
{
    uint8_t d[200];
    bool sent;
    size_t n = lv(d, NULL, 0);
    n += lv(d + n, NULL, 0);
    n += lv(d + n, aid, aid_len);
    n += lv(d + n, NULL, 0);
    n += lv(d + n, NULL, 0);
    n += lv(d + n, NULL, 0);
    must(send(s, h, 0xE6, 0x20, 0x00, d, n, &sent), "personalization");
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0x30);
    if (gp_put_key_data(&k, test_key, 16, d, sizeof d, &n) != SEAM_OK) die("key data");
    must(send(s, h, 0xD8, 0x00, 0x81, d, n, &sent), "put key");
    must(send(s, h, 0xF0, 0x40, 0x0F, aid, aid_len, &sent), "personalize");
}

/* The starting image: ISD (token and receipt keys), SSD1 (AM + DAP Verification with a DAP key,
 * PERSONALIZED, test keys KVN 30), SSD2, SSD3 (DM, PERSONALIZED, test keys KVN 30). */
static void build_image(se *s)
{
    static const uint8_t elf[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
    static const uint8_t mod[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};
    static const uint8_t c9[] = {0xC9, 0x00};
    static const uint8_t *aids[3] = {ssd1_aid, ssd2_aid, ssd3_aid};
    static const uint8_t privs[3][3] = {{0xC0, 0x40, 0x00}, {0x80, 0x00, 0x00}, {0xA0, 0, 0}};
    scp03_session h;
    memset(&h, 0, sizeof h);
    if (!open_session(s, &h, isd_aid, sizeof isd_aid)) die("setup session");
    uint8_t d[200];
    bool sent;
    for (int i = 0; i < 3; i++) {
        size_t n = lv(d, elf, sizeof elf);
        n += lv(d + n, mod, sizeof mod);
        n += lv(d + n, aids[i], sizeof ssd1_aid);
        n += lv(d + n, privs[i], 3);
        n += lv(d + n, c9, sizeof c9);
        n += lv(d + n, NULL, 0);
        must(send(s, &h, 0xE6, 0x0C, 0x00, d, n, &sent), "create");
    }
    personalise(s, &h, ssd1_aid, sizeof ssd1_aid);
    if (!open_session(s, &h, isd_aid, sizeof isd_aid)) die("setup session");
    personalise(s, &h, ssd3_aid, sizeof ssd3_aid);
    scp03_session_clear(&h);
    /* the keys of Appendix C, made from a fixed seed so every process builds the same image */
    static const uint8_t seed[] = "fuzz_gp_install";
    uint8_t pub[65], dpriv[32], dpub[65], rk[16] = {0x71, 0x71};
    cr_rng_seed_deterministic(seed, sizeof seed);
    store_id ssd1 = reg_find(s, ssd1_aid, sizeof ssd1_aid, false, 0, false);
    if (cr_p256_keygen(tok_priv, pub) || cr_p256_keygen(dpriv, dpub) ||
        dap_key_install(s, s->isd_id, DAP_KVN_TOKEN, KEY_TYPE_ECC_PUB, pub, 65) ||
        dap_key_install(s, s->isd_id, DAP_KVN_RECEIPT, KEY_TYPE_AES, rk, 16) || !ssd1 ||
        dap_key_install(s, ssd1, DAP_KVN_DAP, KEY_TYPE_ECC_PUB, dpub, 65))
        die("Appendix C keys");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ins_of[5] = {0xE6, 0xE4, 0xF0, 0xF2, 0xE8};
    static const uint8_t *session_aid[3] = {isd_aid, ssd1_aid, ssd3_aid};
    store_medium *m;
    if (store_medium_memory(&m) != SEAM_OK) die("medium");
    se_config cfg = {.medium = m, .capacity = 256 * 1024, .quiet = true};
    se *s;
    char msg[200];
    if (!pristine) {
        if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
        build_image(s);
        se_close(s);
        if (store_medium_get_bytes(m, &pristine, &pristine_len) != SEAM_OK) die("image");
    } else if (store_medium_set_bytes(m, pristine, pristine_len) != SEAM_OK) {
        die("set image");
    }
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);

    scp03_session h;
    memset(&h, 0, sizeof h);
    bool ok = open_session(s, &h, isd_aid, sizeof isd_aid);
    size_t off = 0;
    uint32_t next_id = 1;
    for (int n = 0; ok && n < 64 && size - off >= 5; n++) {
        uint8_t op = data[off] % 8, p1 = data[off + 1], p2 = data[off + 2];
        size_t len = (size_t)data[off + 3] << 8 | data[off + 4];
        off += 5;
        if (len > 1024 || len > size - off) break;
        const uint8_t *body = data + off;
        off += len;
        if (op == 5) {
            const uint8_t *aid = session_aid[p1 % 3];
            ok = open_session(s, &h, aid, aid == isd_aid ? sizeof isd_aid : sizeof ssd1_aid);
            if (!ok) ok = open_session(s, &h, isd_aid, sizeof isd_aid);
            continue;
        }
        uint8_t kd[128];
        size_t kn = 0;
        uint8_t ins = 0xD8, pp1 = p1, pp2 = 0x81;
        if (op == 6) {
            gp_keys k;
            gp_keys_set(&k, test_key, test_key, test_key, 16, (uint8_t)((p1 & 0x7F) | 1));
            if (gp_put_key_data(&k, test_key, 16, kd, sizeof kd, &kn) != SEAM_OK) die("key data");
            body = kd;
            len = kn;
            pp1 = p2 & 0x7F;
        } else if (op == 7) {
            ins = (p2 & 1) ? 0xE4 : 0xE6;
            pp2 = 0x00;
            uint8_t id[4];
            seam_put_be32(id, next_id);
            size_t sl = 0;
            /* bound to SSD3, the Delegated Management SSD (tokens name their SD) */
            if (gpsig_token_data_sd(ins, p1, pp2, body, len, id, 4, NULL, 0, ssd3_aid,
                                    sizeof ssd3_aid, tok_priv, signed_buf, sizeof signed_buf,
                                    &sl) == SEAM_OK) {
                next_id++;
                body = signed_buf;
                len = sl;
            }
        } else {
            ins = ins_of[op];
            pp2 = p2;
        }
        uint8_t d0[32], d1[32];
        digest(s, d0);
        bool sent;
        uint16_t sw = send(s, &h, ins, pp1, pp2, body, len, &sent);
        if (!sent) break;
        if (sw != 0x9000 && sw != 0x6310) {
            digest(s, d1);
            if (memcmp(d0, d1, 32) != 0) die("a refused command changed the store");
        }
        /* a refused command may have ended the session (SCP03 rules): start a new one */
        if (sw == 0x6982 || sw == 0x6A82) ok = open_session(s, &h, isd_aid, sizeof isd_aid);
    }
    scp03_session_clear(&h);
    se_close(s);
    store_medium_power_cycle(m);
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
    uint8_t sel[13] = {0x00, 0xA4, 0x04, 0x00, 0x08};
    memcpy(sel + 5, isd_aid, sizeof isd_aid);
    if (tx(s, sel, sizeof sel) != 0x9000) die("ISD not selectable after the run");
    se_close(s);
    store_medium_free(m);
    return 0;
}
