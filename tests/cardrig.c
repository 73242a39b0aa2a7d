/*
 * The in-process card of tests/cardrig.h. Every step reports its own failure on stderr, so a
 * test can REQUIRE a step and still say why it stopped. The card's handles are NULL whenever it
 * is powered off; the medium lives from card_rig_open to card_rig_close.
 */
#include "cardrig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/sw.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static bool power_up(card_rig *r)
{
    char msg[256] = "";
    se_config cfg = {.medium = r->m, .quiet = true};
    seam_err e = se_open(&r->se, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "  card_rig: se_open: %s: %s\n", seam_strerror(e), msg);
        return false;
    }
    seam_card_fns fns = se_card_fns(r->se);
    if (card_open_fns(&r->card, &fns) != SEAM_OK) return false;
    memset(&r->cl, 0, sizeof r->cl);
    r->cl.card = r->card;
    gp_session_plain(&r->ses, &r->cl);
    return true;
}

static void power_down(card_rig *r)
{
    gp_session_close(&r->ses);
    if (r->card) card_close(r->card);
    if (r->se) se_close(r->se);
    r->card = NULL;
    r->se = NULL;
}

bool card_rig_open(card_rig *r)
{
    memset(r, 0, sizeof *r);
    if (store_medium_memory(&r->m) != SEAM_OK) return false;
    return power_up(r);
}

void card_rig_close(card_rig *r)
{
    power_down(r);
    if (r->m) store_medium_free(r->m);
    memset(r, 0, sizeof *r);
}

bool card_rig_power_cycle(card_rig *r)
{
    power_down(r);
    store_medium_power_cycle(r->m);
    return power_up(r);
}

void card_rig_test_keys(gp_keys *k)
{
    gp_keys_set(k, test_key, test_key, test_key, 16, 0);
}

uint16_t card_rig_select_fci(card_rig *r, const uint8_t *aid, size_t aid_len, uint8_t *fci,
                             size_t cap, size_t *fci_len)
{
    uint16_t sw = 0;
    gp_session_close(&r->ses);
    gp_session_plain(&r->ses, &r->cl);
    if (gp_select(&r->cl, aid, aid_len, fci, cap, fci_len, &sw) != SEAM_OK) return 0;
    return sw;
}

seam_err card_rig_open_sd(card_rig *r, const uint8_t *aid, size_t aid_len, const gp_keys *k,
                          uint8_t level)
{
    if (card_rig_select(r, aid, aid_len) != SW_NO_ERROR) return SEAM_E_NOT_FOUND;
    uint16_t sw = 0;
    return gp_session_open(&r->ses, &r->cl, k, level, NULL, 8, &sw);
}

uint16_t card_rig_cmd(gp_session *s, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                      size_t lc, uint8_t *out, size_t cap, size_t *out_len)
{
    uint16_t sw = 0;
    *out_len = 0;
    if (gp_send_cmd(s, 0x80, ins, p1, p2, data, lc, true, out, cap, out_len, &sw) != SEAM_OK)
        return 0;
    return sw;
}

uint16_t card_rig_rec_write(gp_session *s, uint8_t rec, const uint8_t *d, size_t n)
{
    uint8_t out[300];
    size_t ol = 0;
    uint16_t sw = 0;
    if (gp_send_cmd(s, 0x80, 0xD2, rec, 0, d, n, false, out, sizeof out, &ol, &sw)) return 0;
    return sw;
}

uint16_t card_rig_rec_read(gp_session *s, uint8_t rec, uint8_t *out, size_t *n)
{
    uint8_t tmp[300];
    size_t ol = 0;
    uint16_t sw = 0;
    if (n) *n = 0;
    if (gp_send_cmd(s, 0x80, 0xB2, rec, 0, NULL, 0, true, tmp, sizeof tmp, &ol, &sw)) return 0;
    if (out) memcpy(out, tmp, ol);
    if (n) *n = ol;
    return sw;
}

void card_rig_digest(card_rig *r, uint8_t d[32])
{
    if (store_digest(se_store(r->se), d) != SEAM_OK) abort();
}

void rig_put(rig_buf *b, const void *p, size_t n)
{
    if (n) memcpy(b->b + b->n, p, n);
    b->n += n;
}

void rig_put_lv(rig_buf *b, const uint8_t *p, size_t n)
{
    b->b[b->n++] = (uint8_t)n;
    rig_put(b, p, n);
}

bool card_rig_isd_session(card_rig *r, uint8_t level)
{
    uint8_t fci[256];
    size_t n;
    uint16_t sw = 0;
    gp_session_close(&r->ses);
    gp_session_plain(&r->ses, &r->cl);
    if (gp_select(&r->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw) ||
        sw != SW_NO_ERROR) {
        fprintf(stderr, "  card_rig: SELECT ISD: %04X\n", sw);
        return false;
    }
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    seam_err e = gp_session_open(&r->ses, &r->cl, &k, level, NULL, 8, &sw);
    gp_keys_wipe(&k);
    if (e != SEAM_OK) fprintf(stderr, "  card_rig: SCP03: %s (%04X)\n", seam_strerror(e), sw);
    return e == SEAM_OK;
}

uint16_t card_rig_load(card_rig *r, const uint8_t *pkg, size_t pkg_len, const uint8_t *jcl,
                       size_t jcl_len)
{
    uint16_t sw = 0;
    if (gp_install_for_load(&r->ses, pkg, pkg_len, NULL, 0, &sw) != SEAM_OK) return 0;
    if (sw != SW_NO_ERROR) return sw;
    if (gp_load(&r->ses, jcl, jcl_len, 0, NULL, &sw) != SEAM_OK) return 0;
    return sw;
}

uint16_t card_rig_install(card_rig *r, const uint8_t *pkg, size_t pkg_len, const uint8_t *app,
                          size_t app_len)
{
    static const uint8_t priv = 0;
    uint16_t sw = 0;
    if (gp_install_for_install(&r->ses, GP_INSTALL_FOR_INSTALL_SELECTABLE, pkg, pkg_len, app,
                               app_len, app, app_len, &priv, 1, NULL, 0, &sw) != SEAM_OK)
        return 0;
    return sw;
}

uint16_t card_rig_select(card_rig *r, const uint8_t *aid, size_t aid_len)
{
    uint8_t fci[256];
    size_t n;
    return card_rig_select_fci(r, aid, aid_len, fci, sizeof fci, &n);
}

uint8_t *card_rig_build_file(const char *rel, size_t *len)
{
    const char *b = getenv("SEAM_BUILD");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", b ? b : "build", rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  card_rig: cannot read %s (make builds it)\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *p = malloc(cap);
    while (p) {
        n += fread(p + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *q = realloc(p, cap *= 2);
        if (!q) {
            free(p);
            p = NULL;
        } else {
            p = q;
        }
    }
    fclose(f);
    *len = n;
    return p;
}
