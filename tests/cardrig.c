/*
 * The in-process card of tests/cardrig.h. Every step reports its own failure on stderr, so a
 * test can REQUIRE a step and still say why it stopped.
 */
#include "cardrig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/sw.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

bool card_rig_open(card_rig *r)
{
    char msg[256] = "";
    memset(r, 0, sizeof *r);
    if (store_medium_memory(&r->m) != SEAM_OK) return false;
    se_config cfg = {.medium = r->m, .quiet = true};
    seam_err e = se_open(&r->se, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "  card_rig: se_open: %s: %s\n", seam_strerror(e), msg);
        return false;
    }
    seam_card_fns fns = se_card_fns(r->se);
    if (card_open_fns(&r->card, &fns) != SEAM_OK) return false;
    r->cl.card = r->card;
    gp_session_plain(&r->ses, &r->cl);
    return true;
}

void card_rig_close(card_rig *r)
{
    gp_session_close(&r->ses);
    if (r->card) card_close(r->card);
    if (r->se) se_close(r->se);
    if (r->m) store_medium_free(r->m);
    memset(r, 0, sizeof *r);
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
    uint16_t sw = 0;
    gp_session_close(&r->ses);
    gp_session_plain(&r->ses, &r->cl);
    if (gp_select(&r->cl, aid, aid_len, fci, sizeof fci, &n, &sw) != SEAM_OK) return 0;
    return sw;
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
