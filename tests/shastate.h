/*
 * Test oracle: the SHA chaining state after a block-aligned prefix (tests/shastate.c).
 */
#ifndef SEAM_TEST_SHASTATE_H
#define SEAM_TEST_SHASTATE_H

#include <stddef.h>
#include <stdint.h>

#include "seam/crypto_ext.h"

/* The chaining state after hashing m (len a multiple of the block size) into st (at most 64
 * bytes: 20 for SHA-1, 32 for SHA-224/256, 64 for SHA-384/512, the full internal state);
 * returns its length. */
size_t sha_state_after(cr_md_alg alg, const uint8_t *m, size_t len, uint8_t *st);

#endif
