/*
 * A card on the test bench: an in-process SE on a memory medium, reached through the host
 * library (seam_card + gp_client), with the ISD's SCP03 session opened with the well-known test
 * keys, and the Java Card content steps tests repeat (load a .jcl, install its applet, select),
 * the card content commands of a session, the store digest every refused command must leave
 * unchanged (CARD_RIG_REFUSED), and LV-encoded command data (rig_buf).
 * Compiled into every C test next to check.c; a test that needs nothing of it pays nothing.
 */
#ifndef SEAM_TEST_CARDRIG_H
#define SEAM_TEST_CARDRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/store.h"

typedef struct {
    store_medium *m;
    se *se;
    seam_card *card;
    gp_client cl;
    gp_session ses;
} card_rig;

/* Powers a fresh card up (quiet); false with a message on stderr when it cannot. */
bool card_rig_open(card_rig *r);
/* Power off and free everything (the medium too). */
void card_rig_close(card_rig *r);
/* SELECT the ISD and open an SCP03 session at level with the test keys (KVN any). */
bool card_rig_isd_session(card_rig *r, uint8_t level);
/* INSTALL [for load] + LOAD of a load file of package pkg under the open session: the SW of the
 * first step that fails, 9000, or 0 when the transport failed. */
uint16_t card_rig_load(card_rig *r, const uint8_t *pkg, size_t pkg_len, const uint8_t *jcl,
                       size_t jcl_len);
/* INSTALL [for install and make selectable] of module app of package pkg as instance app,
 * no privileges, no parameters: the SW (0: transport failure). */
uint16_t card_rig_install(card_rig *r, const uint8_t *pkg, size_t pkg_len, const uint8_t *app,
                          size_t app_len);
/* SELECT by AID on the basic channel (ends the session): the SW (0: transport failure). */
uint16_t card_rig_select(card_rig *r, const uint8_t *aid, size_t aid_len);
/* Power off, store_medium_power_cycle (RAM lost, persistent memory kept), power up again;
 * false with a message on stderr when the card does not come back. */
bool card_rig_power_cycle(card_rig *r);
/* The ISD's test key set (ENC = MAC = DEK, AES-128, KVN any) into k (gp_keys_wipe it). */
void card_rig_test_keys(gp_keys *k);
/* SELECT by AID (ends the session) with the FCI to fci (cap bytes, length to *fci_len): the SW
 * (0: transport failure). */
uint16_t card_rig_select_fci(card_rig *r, const uint8_t *aid, size_t aid_len, uint8_t *fci,
                             size_t cap, size_t *fci_len);
/* SELECT aid and open an SCP03 session at level with keys k: gp_session_open's result, or
 * SEAM_E_NOT_FOUND when the SELECT was refused. */
seam_err card_rig_open_sd(card_rig *r, const uint8_t *aid, size_t aid_len, const gp_keys *k,
                          uint8_t level);
/* A card content command (CLA 80, Le present) under the session: the SW (0: transport failure),
 * the response data to out (cap bytes, length to *out_len, 0 on failure). */
uint16_t card_rig_cmd(gp_session *s, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                      size_t lc, uint8_t *out, size_t cap, size_t *out_len);
/* WRITE RECORD (80 D2 rec 00, no Le) of the record applets (tests/jc/gp, the provider applet)
 * under the session: the SW (0: transport failure). */
uint16_t card_rig_rec_write(gp_session *s, uint8_t rec, const uint8_t *d, size_t n);
/* READ RECORD (80 B2 rec 00): the SW (0: transport failure); the record to out (up to 300
 * bytes; out may be NULL) and its length to *n (n may be NULL; 0 on failure). */
uint16_t card_rig_rec_read(gp_session *s, uint8_t rec, uint8_t *out, size_t *n);
/* The digest of the whole store (aborts when it cannot be computed). */
void card_rig_digest(card_rig *r, uint8_t d[32]);

/* expr (a status word) must be want, and the store of r must be byte for byte what it was:
 * a refused command has no effect (for tests with check.h). */
#define CARD_RIG_REFUSED(r, want, expr)                                                            \
    do {                                                                                           \
        uint8_t d0_[32], d1_[32];                                                                  \
        card_rig_digest((r), d0_);                                                                 \
        CHECK_EQ((expr), (want));                                                                  \
        card_rig_digest((r), d1_);                                                                 \
        CHECK_MEM(d0_, d1_, 32);                                                                   \
    } while (0)

/* Command data built of LV fields (GP CS 2.3.1 §11: one length byte, then the value). */
typedef struct {
    uint8_t b[1024];
    size_t n;
} rig_buf;

/* Appends n bytes of p (callers keep within sizeof b). */
void rig_put(rig_buf *b, const void *p, size_t n);
/* Appends the length byte n, then n bytes of p (p may be NULL when n is 0). */
void rig_put_lv(rig_buf *b, const uint8_t *p, size_t n);

/* Reads $SEAM_BUILD/rel (SEAM_BUILD defaults to "build"): malloc'd bytes, or NULL with a
 * message on stderr. */
uint8_t *card_rig_build_file(const char *rel, size_t *len);

#endif
