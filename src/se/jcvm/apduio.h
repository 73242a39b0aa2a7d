/*
 * The APDU object's I/O state machine (Java Card 3.0.5 API, javacard.framework.APDU; JCRE
 * spec §9 "APDU processing"): what the APDU natives do, kept apart from the interpreter so the
 * rules of the specification can be read and tested in one place.
 *
 * The card OS has already reassembled command chaining and parsed the command (apdu_cmd), so
 * "receiving" copies the next part of the command data into the APDU buffer, and "sending"
 * appends response data to the response under construction (se_resp); the OS answers Le and
 * GET RESPONSE itself (61xx), as a T=1 card does. A command is never half-received on behalf of
 * an applet: data not received when process() returns are discarded, as on a real card.
 *
 * Buffer: APDUIO_BUF_SHORT (261) bytes as applets see it (buf.length), or APDUIO_BUF_EXT bytes
 * when the selected applet implements javacardx.apdu.ExtendedLength. Header: CLA INS P1 P2 at
 * 0..3; P3 at 4 (Lc, or Le for a command without data); in the extended form 4 is 00 and 5..6
 * hold Lc (or Le), so command data start at 5 (short) or 7 (extended), as getOffsetCdata says.
 * Every function that can fail returns 0 or an APDUException reason (APDUIO_E_*); the native
 * then throws APDUException with it. Arguments are Java shorts, passed as int32_t so a negative
 * value is seen as such.
 */
#ifndef SEAM_SE_JCVM_APDUIO_H
#define SEAM_SE_JCVM_APDUIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "se/se_int.h"

#define APDUIO_BUF_SHORT 261
#define APDUIO_BUF_EXT 32767

/* javacard.framework.APDU STATE_* */
#define APDUIO_STATE_INITIAL 0
#define APDUIO_STATE_PARTIAL_INCOMING 1
#define APDUIO_STATE_FULL_INCOMING 2
#define APDUIO_STATE_OUTGOING 3
#define APDUIO_STATE_OUTGOING_LENGTH_KNOWN 4
#define APDUIO_STATE_PARTIAL_OUTGOING 5
#define APDUIO_STATE_FULL_OUTGOING 6

/* javacard.framework.APDUException reasons */
#define APDUIO_E_ILLEGAL_USE 1
#define APDUIO_E_BUFFER_BOUNDS 2
#define APDUIO_E_BAD_LENGTH 3
#define APDUIO_E_IO_ERROR 4

typedef struct {
    uint8_t buf[APDUIO_BUF_EXT]; /* the APDU buffer (a global array) */
    uint16_t buf_len;            /* its length as applets see it */
    size_t hwm;                  /* bytes of buf ever written since power-up: what to wipe */
    int8_t state;
    bool ext_applet; /* the applet implements ExtendedLength */
    bool extended;   /* the command used the extended form */
    uint8_t channel;
    uint16_t cdata_off; /* 5 or 7 */
    /* incoming: the command's data, and how much of it the applet has received */
    const uint8_t *in;
    size_t in_len, in_off;
    uint32_t ne; /* Ne (Le) of the command: 0 when absent */
    /* outgoing */
    bool no_chaining;
    uint32_t out_len;  /* declared by setOutgoingLength */
    uint32_t out_sent; /* sent so far */
    se_resp *r;        /* the response being built */
} apduio;

/* A new command for an applet: fills the header, resets the state. The buffer beyond the
 * header is zeroed (nothing of an earlier command or another applet's response remains).
 * c's data must stay valid until the command ends; so must r. ext_applet: the applet implements
 * javacardx.apdu.ExtendedLength (an extended command for another applet is refused by the
 * runtime before this, with 6700). */
void apduio_begin(apduio *a, const apdu_cmd *c, uint8_t channel, bool ext_applet, se_resp *r);
/* Power-down or reset: the buffer is wiped. */
void apduio_wipe(apduio *a);

/* setIncomingAndReceive(): *got = bytes received at getOffsetCdata(). */
int apduio_set_incoming_and_receive(apduio *a, int32_t *got);
/* receiveBytes(bOff): *got = bytes received at bOff. */
int apduio_receive_bytes(apduio *a, int32_t boff, int32_t *got);
/* setOutgoing() / setOutgoingNoChaining(): *ne = Le (Ne, at most 32767, 256 when Le was 00). */
int apduio_set_outgoing(apduio *a, bool no_chaining, int32_t *ne);
/* setOutgoingLength(len). */
int apduio_set_outgoing_length(apduio *a, int32_t len);
/* sendBytes(bOff, len): from the APDU buffer. */
int apduio_send_bytes(apduio *a, int32_t boff, int32_t len);
/* sendBytesLong(outData, bOff, len): from any byte array, given as its bytes and length (the
 * runtime has checked the firewall; bounds are checked here). */
int apduio_send_bytes_long(apduio *a, const uint8_t *data, int32_t data_len, int32_t boff,
                           int32_t len);
/* setOutgoingAndSend(bOff, len). */
int apduio_set_outgoing_and_send(apduio *a, int32_t boff, int32_t len);
/* getIncomingLength() (Lc) and getOffsetCdata(): ILLEGAL_USE unless data are being or have
 * been received and setOutgoing was not called. */
int apduio_incoming_length(const apduio *a, int32_t *lc);
int apduio_offset_cdata(const apduio *a, int32_t *off);

#endif
