/*
 * Fuzz target: Amendment F key and certificate management on the ISD (src/se/gp/certstore.c,
 * eckeys.c) behind an authenticated SCP03 session (C-MAC), so the fuzzer's bytes reach STORE
 * DATA (GP CS 2.3.1 §11.11), GET DATA (BF21, FF33, FF34, E0), DELETE of keys (§11.2) and
 * GENERATE KEY themselves. The card holds the SCP11b key pair 13/01 (the OCE key pair of
 * ../shared/vectors/scp11.json, so the vector's [CA-KLOC certificate, CERT.OCE.ECKA] is a chain
 * the card accepts for it) and CA-KLOC 10/03.
 *
 * Input: a sequence of records u1 op, u1 P1, u1 P2, u2 length (big-endian, at most 4096), that
 * many data bytes. op % 4: 0 STORE DATA (E2), 1 GET DATA (CA), 2 DELETE (E4), 3 GENERATE KEY
 * (F1). Seeds: fuzz/corpus/fuzz_storedata (a chain, CA identifiers, reads, deletions, a key
 * generation).
 *
 * Invariants checked: every command gets a status word; the card never mutes; a STORE DATA,
 * DELETE or GENERATE KEY refused with anything but 9000 leaves the store's digest as it was;
 * after the sequence a power cycle opens the medium, and every chain still stored parses
 * (x509_parse) and ends with the public key of the key it is stored for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/se_int.h"
#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/store.h"
#include "seam/tlv.h"
#include "seam/x509.h"

static uint8_t *pristine;
static size_t pristine_len;
static uint8_t resp[APDU_MAX_RESPONSE];
static uint8_t wrapped[APDU_MAX_COMMAND];

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
/* scp11.json oce_static/sk_oce_ecka and ca_kloc/pk_ca_kloc_ecdsa */
static const char sk13_hex[] = "65e76f396c83182cbaa7b49fea7ce1c7c776ba9b5971fc2875a87dd73078201d";
static const char ca_hex[] = "042d20306bef05a5114041ff8c88490f6d67e349a4223c98f7a57a45edf2c0a15a"
                             "d2cc0088f120f3d4a6adebafe24319155003d62cd2bcdc48d169ac3ab3ab49f2";
static const uint8_t select_isd[] = {0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00,
                                     0x00, 0x01, 0x51, 0x00, 0x00, 0x00};

static void die(const char *why)
{
    fprintf(stderr, "fuzz_storedata: %s\n", why);
    abort();
}

static uint16_t tx(se *s, const uint8_t *cmd, size_t len, size_t *rl)
{
    size_t n = 0;
    if (se_transmit(s, cmd, len, resp, sizeof resp, &n) != SEAM_OK) die("card muted");
    if (n < 2) die("response without a status word");
    if (rl) *rl = n - 2;
    return (uint16_t)(resp[n - 2] << 8 | resp[n - 1]);
}

/* Selects the ISD and opens an SCP03 session at level 01 (C-MAC) with the test keys. */
static bool open_session(se *s, scp03_session *h)
{
    scp03_session_clear(h);
    if (tx(s, select_isd, sizeof select_isd, NULL) != 0x9000) return false;
    uint8_t iu[14] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    size_t rl = 0;
    if (tx(s, iu, sizeof iu, &rl) != 0x9000 || rl != 32) return false;
    if (scp03_session_init(h, test_key, test_key, 16, iu + 5, resp + 13, 8, resp[12]) != SEAM_OK)
        return false;
    uint8_t ea[32];
    size_t el;
    if (scp03_host_external_authenticate(h, 0x01, 0, ea, sizeof ea, &el) != SEAM_OK) return false;
    if (tx(s, ea, el, NULL) != 0x9000) return false;
    scp03_host_auth_done(h);
    return true;
}

static void digest(se *s, uint8_t d[32])
{
    if (store_digest(se_store(s), d) != SEAM_OK) die("digest");
}

static void hex(const char *h, uint8_t *out, size_t n)
{
    size_t got;
    if (seam_hex_decode(h, out, n, &got) != SEAM_OK || got != n) die("hex");
}

/* Every stored chain is well-formed and certifies its key. */
static void check_chains(se *s)
{
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK) die("info");
        if (type != SE_OBJ_CERTSTORE) continue;
        if (!certstore_valid(s, id)) die("malformed certificate store object");
        const uint8_t *p = store_view(s->st, id, &size);
        const se_certstore_hdr *h = (const se_certstore_hdr *)p;
        store_id kid = eckey_find(s, owner, h->kid, h->kvn);
        if (!kid) die("a chain outlived its key");
        size_t off = sizeof *h, n = 0;
        x509_cert c;
        while (off < size) {
            tlv_t t;
            if (tlv_parse(p + off, size - off, &t) != SEAM_OK) die("stored chain not TLV");
            if (x509_parse(p + off, t.total, &c, NULL, 0) != SEAM_OK) die("stored cert bad");
            off += t.total;
            n++;
        }
        if (n != h->n) die("certificate count");
        if (memcmp(c.pub, eckey_get(s, kid)->pub, 65) != 0) die("leaf does not fit the key");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ins_of[4] = {0xE2, 0xCA, 0xE4, 0xF1};
    static const uint8_t seed[] = "fuzz_storedata";
    cr_rng_seed_deterministic(seed, sizeof seed);
    store_medium *m;
    if (store_medium_memory(&m) != SEAM_OK) die("medium");
    se_config cfg = {.medium = m, .capacity = 512 * 1024, .quiet = true};
    se *s;
    char msg[200];
    if (!pristine) {
        if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
        uint8_t sk[32], ca[65];
        hex(sk13_hex, sk, sizeof sk);
        hex(ca_hex, ca, sizeof ca);
        if (sd_install_ec_key(s, s->isd_id, GP_KID_SCP11B, 0x01, sk, NULL, NULL, 0) != SEAM_OK ||
            sd_install_ec_key(s, s->isd_id, GP_KID_CA_KLOC_ECDSA, 0x03, NULL, ca, NULL, 0) !=
                SEAM_OK)
            die("install keys");
        se_close(s);
        if (store_medium_get_bytes(m, &pristine, &pristine_len) != SEAM_OK) die("image");
    } else if (store_medium_set_bytes(m, pristine, pristine_len) != SEAM_OK) {
        die("set image");
    }
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);

    scp03_session h;
    memset(&h, 0, sizeof h);
    bool ok = open_session(s, &h);
    size_t off = 0;
    for (int n = 0; ok && n < 32 && size - off >= 5; n++) {
        uint8_t op = data[off] % 4, p1 = data[off + 1], p2 = data[off + 2];
        size_t len = (size_t)data[off + 3] << 8 | data[off + 4];
        off += 5;
        if (len > 4096 || len > size - off) break;
        apdu_cmd c;
        memset(&c, 0, sizeof c);
        c.cla = op == 0 ? 0x00 : 0x80;
        c.ins = ins_of[op];
        c.p1 = p1;
        c.p2 = p2;
        c.data = len ? data + off : NULL;
        c.lc = len;
        c.has_le = true;
        c.le = 65536;
        c.extended = true;
        off += len;
        size_t wl = 0;
        if (scp03_wrap_command(&h, &c, true, wrapped, sizeof wrapped, &wl) != SEAM_OK) break;
        uint8_t d0[32], d1[32];
        digest(s, d0);
        uint16_t sw = tx(s, wrapped, wl, NULL);
        if (sw != 0x9000 && op != 1) {
            digest(s, d1);
            if (memcmp(d0, d1, 32) != 0) die("a refused command changed the store");
        }
        if (sw == 0x6982) ok = open_session(s, &h); /* the session ended */
    }
    scp03_session_clear(&h);
    check_chains(s);
    se_close(s);
    store_medium_power_cycle(m);
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
    check_chains(s);
    if (tx(s, select_isd, sizeof select_isd, NULL) != 0x9000) die("ISD not selectable");
    se_close(s);
    store_medium_free(m);
    return 0;
}
