/*
 * The emulated secure element as its transports see it: power up on a store medium, reset
 * (ATR), and one APDU in, one response APDU out.
 *
 * Every command gets a response APDU ending in a status word; se_transmit() returns an error
 * only when the card cannot answer at all: its power was cut by the tear hook (SEAM_E_TORN) or
 * it detected a fault and muted itself (SEAM_E_FAULT). Then it stays mute until se_close()
 * and a new se_open() on the same medium (a power cycle).
 */
#ifndef SEAM_SE_H
#define SEAM_SE_H

#include "seam/base.h"
#include "seam/store.h"
#include "seam/transport.h"

#define SE_MAX_CHANNELS 20
#define SE_DEFAULT_AUTH_TRY_LIMIT 10
#define SE_DEFAULT_MAX_STEPS 100000000u

typedef struct se se;

typedef struct {
    store_medium *medium;    /* required; the SE does not own it */
    size_t capacity;         /* store capacity, 0 = STORE_DEFAULT_CAPACITY */
    unsigned auth_try_limit; /* consecutive failed authentications that block a key set;
                                0 = SE_DEFAULT_AUTH_TRY_LIMIT. Set at first personalisation. */
    uint8_t scp_i;           /* SCP03 i parameter of the ISD, set at first personalisation:
                                0x70 (pseudo-random card challenge, default) or 0x60 (random);
                                0 = default. R-MAC and R-ENC are always offered; S16 when the
                                host sends a 16-byte challenge. */
    bool quiet;              /* do not print the test-key notice on stderr */
    uint32_t max_steps;      /* Java Card bytecodes one APDU may run before the applet is
                                stopped (SW 6F00 family, see docs/card.md);
                                0 = SE_DEFAULT_MAX_STEPS */
} se_config;

/* Powers the SE up. A fresh medium is personalised with the well-known test key set
 * (404142…4F, KVN FF), and a notice says so on stderr. On a corrupt image: SEAM_E_CORRUPT and
 * a message in msg. */
seam_err se_open(se **out, const se_config *cfg, char *msg, size_t msg_cap);
void se_close(se *s);

/* Cold or warm reset: closes every logical channel but 0, ends every secure channel session,
 * selects the default application, returns the ATR. */
seam_err se_reset(se *s, uint8_t *atr, size_t cap, size_t *atr_len);

/* One command APDU in, one response APDU (data || SW1 SW2) out. resp_cap should be at least
 * APDU_MAX_RESPONSE; a smaller buffer limits the data returned before 61xx. */
seam_err se_transmit(se *s, const uint8_t *cmd, size_t cmd_len, uint8_t *resp, size_t resp_cap,
                     size_t *resp_len);

/* The store under the SE (tests compare states through it). */
store *se_store(se *s);

/* The SE as an in-process card for the host library: card_open_fns(&card, &fns) with
 * fns = se_card_fns(s) gives a seam_card whose commands go straight to se_transmit. */
seam_card_fns se_card_fns(se *s);

#endif
