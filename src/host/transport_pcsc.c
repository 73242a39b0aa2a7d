/*
 * PC/SC link of the host's card handle (include/seam/transport.h) over pcsc-lite's WinSCard API:
 * a real card in a reader, or `seam se --vpcd` behind vsmartcard's "Virtual PCD" reader.
 *
 * Shared access, T=0 or T=1 as the card offers (the emulated SE offers T=1); reset is
 * SCardReconnect with SCARD_RESET_CARD; the ATR comes from SCardStatus. pcsc-lite's client
 * library finds pcscd's socket through PCSCLITE_CSOCK_NAME when that is set, which is how the
 * tests reach a private pcscd.
 *
 * Invariants: the context and the card handle are released on every error path; a response
 * never exceeds the caller's capacity (pcsc-lite refuses with SCARD_E_INSUFFICIENT_BUFFER);
 * every failure is logged once with pcsc-lite's own words for it.
 */
#include "host/transport_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>

struct seam_pcsc {
    SCARDCONTEXT ctx;
    SCARDHANDLE h;
    DWORD proto;
    char reader[256];
};

static seam_err pcsc_fail(const char *what, LONG rv)
{
    seam_log(SEAM_LOG_ERROR, "PC/SC %s: %s (0x%08lX)", what, pcsc_stringify_error(rv),
             (unsigned long)rv);
    switch (rv) {
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_E_NO_SERVICE:
        return SEAM_E_NOT_FOUND;
    case SCARD_E_INSUFFICIENT_BUFFER:
        return SEAM_E_LENGTH;
    case SCARD_E_NO_MEMORY:
        return SEAM_E_NOMEM;
    default:
        return SEAM_E_IO;
    }
}

static seam_err read_atr(seam_card *c)
{
    char name[256];
    DWORD name_len = sizeof name, state = 0, proto = 0;
    BYTE atr[MAX_ATR_SIZE];
    DWORD atr_len = sizeof atr;
    LONG rv = SCardStatus(c->pcsc->h, name, &name_len, &state, &proto, atr, &atr_len);
    if (rv != SCARD_S_SUCCESS) return pcsc_fail("SCardStatus", rv);
    if (atr_len > sizeof c->atr) return SEAM_E_PROTOCOL;
    memcpy(c->atr, atr, atr_len);
    c->atr_len = atr_len;
    return SEAM_OK;
}

static LONG try_connect(struct seam_pcsc *p, const char *reader)
{
    LONG rv = SCardConnect(p->ctx, reader, SCARD_SHARE_SHARED,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->h, &p->proto);
    if (rv == SCARD_S_SUCCESS) {
        size_t n = strlen(reader);
        if (n >= sizeof p->reader) n = sizeof p->reader - 1;
        memcpy(p->reader, reader, n);
        p->reader[n] = 0;
    }
    return rv;
}

seam_err card_open_pcsc(seam_card **out, const char *reader)
{
    if (!out) return SEAM_E_ARG;
    *out = NULL;
    seam_card *c = calloc(1, sizeof *c);
    struct seam_pcsc *p = calloc(1, sizeof *p);
    if (!c || !p) {
        free(c);
        free(p);
        return SEAM_E_NOMEM;
    }
    c->kind = CARD_PCSC;
    c->fd = -1;
    c->pcsc = p;
    seam_err e = SEAM_OK;
    char *list = NULL;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
    if (rv != SCARD_S_SUCCESS) {
        e = pcsc_fail("SCardEstablishContext (is pcscd running?)", rv);
        free(p);
        free(c);
        return e;
    }
    if (reader) {
        rv = try_connect(p, reader);
        if (rv != SCARD_S_SUCCESS) {
            char what[300];
            snprintf(what, sizeof what, "SCardConnect to \"%s\"", reader);
            e = pcsc_fail(what, rv);
            goto fail;
        }
    } else {
        /* The first reader, in pcscd's order, that has a card we can connect to. */
        DWORD len = 0;
        rv = SCardListReaders(p->ctx, NULL, NULL, &len);
        if (rv != SCARD_S_SUCCESS) {
            e = pcsc_fail("SCardListReaders", rv);
            goto fail;
        }
        list = calloc(1, len + 1);
        if (!list) {
            e = SEAM_E_NOMEM;
            goto fail;
        }
        rv = SCardListReaders(p->ctx, NULL, list, &len);
        if (rv != SCARD_S_SUCCESS) {
            e = pcsc_fail("SCardListReaders", rv);
            goto fail;
        }
        rv = SCARD_E_NO_SMARTCARD;
        for (const char *r = list; *r && r < list + len; r += strlen(r) + 1) {
            rv = try_connect(p, r);
            if (rv == SCARD_S_SUCCESS) break;
        }
        if (rv != SCARD_S_SUCCESS) {
            e = pcsc_fail("no reader with a card", rv);
            goto fail;
        }
    }
    free(list);
    list = NULL;
    e = read_atr(c);
    if (e != SEAM_OK) goto fail;
    *out = c;
    return SEAM_OK;
fail:
    free(list);
    card_pcsc_close(c);
    free(c);
    return e;
}

seam_err card_pcsc_transmit(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                            size_t *resp_len)
{
    struct seam_pcsc *p = c->pcsc;
    if (!p || !p->h) return SEAM_E_STATE;
    if (len > MAX_BUFFER_SIZE_EXTENDED) return SEAM_E_LENGTH;
    DWORD rlen = cap > MAX_BUFFER_SIZE_EXTENDED ? MAX_BUFFER_SIZE_EXTENDED : (DWORD)cap;
    const SCARD_IO_REQUEST *pci = p->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    LONG rv = SCardTransmit(p->h, pci, cmd, (DWORD)len, NULL, resp, &rlen);
    if (rv != SCARD_S_SUCCESS) return pcsc_fail("SCardTransmit", rv);
    if (rlen > cap) return SEAM_E_LENGTH;
    *resp_len = rlen;
    return SEAM_OK;
}

seam_err card_pcsc_reset(seam_card *c)
{
    struct seam_pcsc *p = c->pcsc;
    if (!p || !p->h) return SEAM_E_STATE;
    LONG rv = SCardReconnect(p->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                             SCARD_RESET_CARD, &p->proto);
    if (rv != SCARD_S_SUCCESS) return pcsc_fail("SCardReconnect", rv);
    return read_atr(c);
}

void card_pcsc_close(seam_card *c)
{
    struct seam_pcsc *p = c->pcsc;
    if (!p) return;
    if (p->h) (void)SCardDisconnect(p->h, SCARD_LEAVE_CARD);
    if (p->ctx) (void)SCardReleaseContext(p->ctx);
    free(p);
    c->pcsc = NULL;
}
