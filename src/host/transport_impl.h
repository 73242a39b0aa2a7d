/*
 * Inside of the host's card handle (include/seam/transport.h), shared by src/host/transport.c
 * (callbacks, sockets, ISO 7816 response handling) and src/host/transport_pcsc.c (PC/SC).
 * Not a public header: only src/host/transport*.c include it.
 *
 * Invariant: atr_len <= sizeof atr; fd is -1 unless kind is CARD_SOCKET.
 */
#ifndef SEAM_HOST_TRANSPORT_IMPL_H
#define SEAM_HOST_TRANSPORT_IMPL_H

#include "seam/transport.h"

#define CARD_ATR_MAX 33 /* ISO 7816-3 §8.2.1 (pcsc-lite's MAX_ATR_SIZE) */

typedef enum { CARD_FNS = 1, CARD_SOCKET, CARD_PCSC } card_kind;

struct seam_pcsc; /* transport_pcsc.c */

struct seam_card {
    card_kind kind;
    seam_card_fns fns;      /* CARD_FNS */
    int fd;                 /* CARD_SOCKET */
    struct seam_pcsc *pcsc; /* CARD_PCSC */
    uint8_t atr[CARD_ATR_MAX];
    size_t atr_len;
};

seam_err card_pcsc_transmit(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                            size_t *resp_len);
seam_err card_pcsc_reset(seam_card *c);
void card_pcsc_close(seam_card *c);

#endif
