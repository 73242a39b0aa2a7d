/*
 * Fuzz target: card content management (GP CS 2.3.1 §11.2, §11.4-11.6) behind an authenticated
 * SCP03 session (C-MAC), so the fuzzer's bytes reach INSTALL, LOAD, DELETE and GET STATUS
 * themselves. The input is a sequence of records: u1 op, u1 P1, u1 P2, u2 length (big-endian,
 * at most 1024), that many data bytes. op % 5: 0 INSTALL (E6), 1 LOAD (E8), 2 DELETE (E4),
 * 3 GET STATUS (F2), 4 SELECT of the data as an AID (then the ISD is selected and a new session
 * opened). Seeds (fuzz/corpus/fuzz_gp_load) carry real INSTALL [for load] + LOAD sequences of
 * the echo load file, so mutations reach the runtime's load file parser and verifier.
 *
 * Invariants checked: every command gets a status word; the card never mutes; an INSTALL,
 * LOAD, DELETE or GET STATUS refused with anything but 9000/6310 leaves the store's digest
 * exactly as before (error atomicity); after the sequence a power cycle opens the same medium
 * and the ISD still answers SELECT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/apdu.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/store.h"

static uint8_t *pristine;
static size_t pristine_len;
static uint8_t resp[APDU_MAX_RESPONSE];
static uint8_t wrapped[APDU_MAX_COMMAND];

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static const uint8_t select_isd[] = {0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00,
                                     0x00, 0x01, 0x51, 0x00, 0x00, 0x00};

static void die(const char *why)
{
    fprintf(stderr, "fuzz_gp_load: %s\n", why);
    abort();
}

static uint16_t tx(se *s, const uint8_t *cmd, size_t len)
{
    size_t rl = 0;
    if (se_transmit(s, cmd, len, resp, sizeof resp, &rl) != SEAM_OK) die("card muted");
    if (rl < 2) die("response without a status word");
    return (uint16_t)(resp[rl - 2] << 8 | resp[rl - 1]);
}

/* Selects the ISD and opens an SCP03 session at level 01 (C-MAC) with the test keys. */
static bool open_session(se *s, scp03_session *h)
{
    scp03_session_clear(h);
    if (tx(s, select_isd, sizeof select_isd) != 0x9000) return false;
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

static void digest(se *s, uint8_t d[32])
{
    if (store_digest(se_store(s), d) != SEAM_OK) die("digest");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ins_of[4] = {0xE6, 0xE8, 0xE4, 0xF2};
    store_medium *m;
    if (store_medium_memory(&m) != SEAM_OK) die("medium");
    se_config cfg = {.medium = m, .capacity = 512 * 1024, .quiet = true};
    se *s;
    char msg[200];
    if (!pristine) {
        if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
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
    for (int n = 0; ok && n < 64 && size - off >= 5; n++) {
        uint8_t op = data[off] % 5, p1 = data[off + 1], p2 = data[off + 2];
        size_t len = (size_t)data[off + 3] << 8 | data[off + 4];
        off += 5;
        if (len > 1024 || len > size - off) break;
        const uint8_t *body = data + off;
        off += len;
        if (op == 4) {
            uint8_t sel[5 + 255 + 1] = {0x00, 0xA4, 0x04, 0x00};
            size_t k = len > 16 ? 16 : len;
            sel[4] = (uint8_t)k;
            if (k) memcpy(sel + 5, body, k);
            tx(s, sel, 5 + k);
            ok = open_session(s, &h);
            continue;
        }
        apdu_cmd c;
        memset(&c, 0, sizeof c);
        c.cla = 0x80;
        c.ins = ins_of[op];
        c.p1 = p1;
        c.p2 = p2;
        c.data = len ? body : NULL;
        c.lc = len;
        c.has_le = true;
        c.le = len > 255 ? 65536 : 256;
        c.extended = len > 255;
        size_t wl = 0;
        if (scp03_wrap_command(&h, &c, c.extended, wrapped, sizeof wrapped, &wl) != SEAM_OK) break;
        uint8_t d0[32], d1[32];
        digest(s, d0);
        uint16_t sw = tx(s, wrapped, wl);
        if (sw != 0x9000 && sw != 0x6310) {
            digest(s, d1);
            if (memcmp(d0, d1, 32) != 0) die("a refused command changed the store");
        }
    }
    scp03_session_clear(&h);
    se_close(s);
    /* power cycle: the medium opens and the ISD answers */
    store_medium_power_cycle(m);
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
    if (tx(s, select_isd, sizeof select_isd) != 0x9000) die("ISD not selectable after the run");
    se_close(s);
    store_medium_free(m);
    return 0;
}
