/*
 * Fuzz target: the whole card. The input is a sequence of APDUs for one power-up of an SE,
 * each as a 2-byte big-endian length and that many bytes. The first input byte chooses a
 * prelude: 0 = none (raw commands to a fresh card), 1..6 = open an SCP03 session with the test
 * keys at one of the six security levels first and then send every APDU wrapped by the host,
 * so the fuzzer reaches the card's command handlers behind the secure channel.
 *
 * Invariants checked: every command gets a response ending in a status word; the card never
 * mutes (no tear hook here, so a mute would be a detected fault); after the sequence, a power
 * cycle on the same medium opens (nothing half-written), and the card still answers SELECT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/apdu.h"
#include "seam/scp03.h"
#include "seam/se.h"

static uint8_t *pristine;
static size_t pristine_len;
static uint8_t resp[APDU_MAX_RESPONSE];
static uint8_t wrapped[APDU_MAX_COMMAND];

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static void die(const char *why)
{
    fprintf(stderr, "fuzz_card: %s\n", why);
    abort();
}

static size_t tx(se *s, const uint8_t *cmd, size_t len)
{
    size_t rl = 0;
    if (se_transmit(s, cmd, len, resp, sizeof resp, &rl) != SEAM_OK) die("card muted");
    if (rl < 2) die("response without a status word");
    return rl;
}

/* Opens an SCP03 session on channel 0 with the test keys; false if the card refused. */
static bool open_session(se *s, scp03_session *h, uint8_t level)
{
    uint8_t iu[14] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    size_t rl = tx(s, iu, sizeof iu);
    if (rl != 2 + 32 || resp[rl - 2] != 0x90) return false;
    if (scp03_session_init(h, test_key, test_key, 16, iu + 5, resp + 13, 8, resp[12]) != SEAM_OK)
        return false;
    uint8_t ea[32];
    size_t el;
    if (scp03_host_external_authenticate(h, level, 0, ea, sizeof ea, &el) != SEAM_OK) return false;
    rl = tx(s, ea, el);
    if (resp[rl - 2] != 0x90) return false;
    scp03_host_auth_done(h);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t levels[] = {0x00, 0x01, 0x03, 0x11, 0x13, 0x33};
    store_medium *m;
    if (store_medium_memory(&m) != SEAM_OK) die("medium");
    se_config cfg = {.medium = m, .capacity = 256 * 1024, .quiet = true};
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
    bool wrap = false;
    size_t off = 0;
    if (size > 0) {
        uint8_t prelude = data[0] % 7;
        off = 1;
        if (prelude) wrap = open_session(s, &h, levels[prelude - 1]);
    }
    while (off + 2 <= size) {
        size_t n = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (n > size - off) n = size - off;
        const uint8_t *cmd = data + off;
        off += n;
        apdu_cmd c;
        size_t wl;
        if (wrap && apdu_parse(cmd, n, &c) == SEAM_OK && (c.cla & 0x80) &&
            scp03_wrap_command(&h, &c, c.extended, wrapped, sizeof wrapped, &wl) == SEAM_OK) {
            tx(s, wrapped, wl);
        } else {
            tx(s, cmd, n);
        }
    }
    scp03_session_clear(&h);
    se_close(s);
    /* power cycle: the image must open and the card must answer */
    store_medium_power_cycle(m);
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
    static const uint8_t sel[] = {0x00, 0xA4, 0x04, 0x00, 0x00};
    size_t rl = tx(s, sel, sizeof sel);
    if (resp[rl - 2] != 0x90) die("SELECT ISD failed after power cycle");
    se_close(s);
    store_medium_free(m);
    return 0;
}
