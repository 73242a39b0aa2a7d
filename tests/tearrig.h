/*
 * The power-cut test method shared by the whole-SE tear tests (tests/test_tear.c,
 * tests/test_tear_jc.c; DESIGN.md §4 "Durability"). A reference run of the workload records,
 * through the store's commit hook, every state that becomes durable and counts the low-level
 * writes W; then for every n in 1..W the same workload runs on a fresh chip with the power cut
 * at write n, and the next power-up must open, show exactly the last durable state before the
 * cut or the one being written (never a mix), and pass the test's own "the card works" check.
 * Command-level atomicity is checked on the way: through tear_card_fns, a command may make at
 * most one durable update, EXTERNAL AUTHENTICATE two (a try spent, then given back).
 * The tear_rig below is the usual test card of a tear_spec: its up/se_of/down callbacks power an
 * SE up on the medium (the RNG reseeded with the same bytes every time, so every run makes the
 * same writes) and put a GP client over tear_card_fns on it.
 */
#ifndef SEAM_TEST_TEARRIG_H
#define SEAM_TEST_TEARRIG_H

#include <stdbool.h>
#include <stddef.h>

#include "seam/gpclient.h"
#include "seam/se.h"

typedef struct {
    /* Powers the test's card up on m (fresh or after a cut); its SE through se_of. */
    seam_err (*up)(void *ctx, store_medium *m, char *msg, size_t cap);
    se *(*se_of)(void *ctx);
    void (*down)(void *ctx);
    /* The card's life under test; an error ends it (expected when the power is cut). */
    seam_err (*workload)(void *ctx);
    /* After a power-up that followed a cut: the card works (CHECKs of its own). */
    void (*check)(void *ctx);
    /* Optional: called with the medium after the reference run (for figures). */
    void (*reference)(void *ctx, store_medium *m, size_t states);
    void *ctx;
    unsigned long min_writes; /* the reference run must make at least this many writes */
    size_t min_states;        /* and this many durable states */
} tear_spec;

/* The in-process card of the test, with the atomicity check (see above). */
seam_card_fns tear_card_fns(se *s);

/* Runs the method; CHECKs every rule (the reference run's atomicity, every cut, and at most 5
 * failing cuts reported). Returns the number of cuts checked. */
unsigned long tear_every_write(const tear_spec *t);

typedef struct {
    /* set by the test before the run */
    const uint8_t *seed; /* the deterministic RNG seed of every power-up */
    size_t seed_len;
    se_config cfg; /* the SE's configuration; its medium is set at each power-up */
    /* set at each power-up */
    se *card;
    seam_card *hc; /* over tear_card_fns(card) */
    gp_client cl;
    gp_session gs; /* plain after power-up */
} tear_rig;

/* tear_spec callbacks with a tear_rig as ctx. */
seam_err tear_rig_up(void *ctx, store_medium *m, char *msg, size_t cap);
se *tear_rig_se(void *ctx);
void tear_rig_down(void *ctx);

/* Closes the session, SELECTs the security domain aid and opens SCP03 level 33 (S8) with k.
 * SEAM_E_PROTOCOL when the SELECT is refused. */
seam_err tear_rig_open_sd(tear_rig *r, const uint8_t *aid, size_t n, const gp_keys *k);

/* A workload step's outcome: e, or SEAM_E_PROTOCOL (with a line on stderr naming what) when the
 * card answered *sw other than 9000. sw by address: read after the call that set it (argument
 * evaluation order is unspecified). */
seam_err tear_sw(seam_err e, const uint16_t *sw, const char *what);

/* Sends CLA 80 ins p1 p2 with data d in the session; the answer (without SW) in out. */
seam_err tear_rig_send(tear_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n,
                       const char *what, uint8_t *out, size_t cap, size_t *olen);

#endif
