/*
 * A card on the test bench for the Java Card runtime tests: an SE on a memory medium driven
 * through jcvm.h the way GP content management does it (registry entries and jcvm_load /
 * jcvm_install inside one store transaction), and APDUs through se_transmit with GET RESPONSE
 * followed. Compiled into every C test next to check.c and cardrig.c (the GP-level bench).
 */
#ifndef SEAM_TEST_JCRIG_H
#define SEAM_TEST_JCRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seam/apdu.h"
#include "seam/se.h"
#include "seam/store.h"

typedef struct {
    store_medium *m;
    se *s;
    uint32_t max_steps; /* se_config.max_steps (0: the default) */
    size_t capacity;    /* se_config.capacity (0: the default) */
} jc_card;

/* Powers the card up on c->m; false with a message on stderr. */
bool jc_card_open(jc_card *c);
/* A fresh memory medium (unless c->m is set) and power-up. */
bool jc_card_new(jc_card *c);
/* Power cycle: se_close + se_open on the same medium. */
bool jc_card_cycle(jc_card *c);
void jc_card_free(jc_card *c);

/* $SEAM_BUILD/rel (SEAM_BUILD defaults to "build"), malloc'd; NULL with a message. */
uint8_t *jc_read_jcl(const char *rel, size_t *len);

/* LOAD as GP does it: the load file's registry entry and the package in one transaction. The
 * SW of jcvm_load (6F0x for a store failure); *elf gets the registry entry. */
uint16_t jc_load_pkg(se *s, const uint8_t *jcl, size_t len, const uint8_t *aid, size_t aid_len,
                     store_id *elf);
/* INSTALL [for install and make selectable] as GP does it: the SW of jcvm_install. */
uint16_t jc_install_app(se *s, store_id elf, uint8_t module, const uint8_t *aid, size_t aid_len,
                        const uint8_t *params, size_t plen);

/* The last response's data. */
extern uint8_t jc_resp[APDU_MAX_RESPONSE];
extern size_t jc_resp_len;
/* Sends a short command (Le 00 when le); returns the SW (0 on a transport failure), data in
 * jc_resp. 61xx is followed with GET RESPONSE. */
uint16_t jc_xmit(se *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                 size_t lc, bool le);
/* SELECT by AID on channel ch (CLA = ch for channels 0..3). */
uint16_t jc_select(se *s, uint8_t ch, const uint8_t *aid, size_t len);

#endif
