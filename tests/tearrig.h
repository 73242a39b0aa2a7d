/*
 * The power-cut test method shared by the whole-SE tear tests (tests/test_tear.c,
 * tests/test_tear_jc.c; DESIGN.md §4 "Durability"). A reference run of the workload records,
 * through the store's commit hook, every state that becomes durable and counts the low-level
 * writes W; then for every n in 1..W the same workload runs on a fresh chip with the power cut
 * at write n, and the next power-up must open, show exactly the last durable state before the
 * cut or the one being written (never a mix), and pass the test's own "the card works" check.
 * Command-level atomicity is checked on the way: through tear_card_fns, a command may make at
 * most one durable update, EXTERNAL AUTHENTICATE two (a try spent, then given back).
 */
#ifndef SEAM_TEST_TEARRIG_H
#define SEAM_TEST_TEARRIG_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
