/*
 * A card on the test bench: an in-process SE on a memory medium, reached through the host
 * library (seam_card + gp_client), with the ISD's SCP03 session opened with the well-known test
 * keys, and the Java Card content steps tests repeat (load a .jcl, install its applet, select).
 * Compiled into every C test next to check.c; a test that needs nothing of it pays nothing.
 */
#ifndef SEAM_TEST_CARDRIG_H
#define SEAM_TEST_CARDRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seam/gpclient.h"
#include "seam/se.h"

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
/* Reads $SEAM_BUILD/rel (SEAM_BUILD defaults to "build"): malloc'd bytes, or NULL with a
 * message on stderr. */
uint8_t *card_rig_build_file(const char *rel, size_t *len);

#endif
