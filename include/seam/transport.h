/*
 * The host's view of a card, whatever carries the APDUs: in process (a function call into an
 * SE in the same program), a socket to `seam se --listen`, or PC/SC (pcsc-lite) — so every host
 * tool works the same against the emulated SE and a real card in a reader.
 *
 * Socket framing (the vsmartcard vpcd protocol, so one server loop serves both): each message
 * is a 2-byte big-endian length and that many bytes. From host to card a 1-byte message is a
 * control: 00 power off, 01 power on, 02 reset, 04 get ATR (answered with the ATR); any longer
 * message is a command APDU, answered with the response APDU.
 */
#ifndef SEAM_TRANSPORT_H
#define SEAM_TRANSPORT_H

#include "seam/base.h"

typedef struct seam_card seam_card;

/* A card reached through two callbacks (used for the in-process SE: the caller glues se.h to
 * them, so src/host does not depend on src/se). transmit must return the full response APDU. */
typedef struct {
    seam_err (*transmit)(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                         size_t *resp_len);
    seam_err (*reset)(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len);
    void *ctx;
} seam_card_fns;
seam_err card_open_fns(seam_card **out, const seam_card_fns *fns);

/* "unix:PATH" or "tcp:HOST:PORT" (a `seam se --listen` server). */
seam_err card_open_socket(seam_card **out, const char *spec);

/* A PC/SC reader by exact name, or the first reader with a card when reader is NULL. */
seam_err card_open_pcsc(seam_card **out, const char *reader);

/* Sends one command APDU, returns the raw response (data || SW), no GET RESPONSE handling. */
seam_err card_transmit(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                       size_t *resp_len);
/* Sends a command and follows the ISO 7816 conventions hosts use: on 61xx it issues GET
 * RESPONSE (on the command's logical channel) until done and concatenates the data; on 6Cxx it
 * resends with Le = xx. */
seam_err card_transmit_full(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                            size_t *resp_len);
/* Resets the card and returns its ATR. */
seam_err card_reset(seam_card *c, uint8_t *atr, size_t cap, size_t *atr_len);
/* The ATR of the current session (from the last reset or connect). */
seam_err card_atr(seam_card *c, uint8_t *atr, size_t cap, size_t *atr_len);
void card_close(seam_card *c);

#endif
