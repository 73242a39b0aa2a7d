/*
 * The APDU object's I/O state machine (src/se/jcvm/apduio.c) against the rules of the Java Card
 * 3.0.5 API for javacard.framework.APDU: which calls are legal in which state, the
 * APDUException reasons, the buffer layout of short and extended commands, and the bytes that
 * reach the response.
 */
#include <stdlib.h>

#include "check.h"
#include "se/jcvm/apduio.h"

static apduio *A;
static uint8_t out[70000];
static se_resp R;

static void begin(const char *hex, bool ext_applet)
{
    uint8_t raw[70000];
    static uint8_t keep[70000];
    size_t n = 0;
    REQUIRE(seam_hex_decode(hex, raw, sizeof raw, &n) == SEAM_OK);
    memcpy(keep, raw, n);
    static apdu_cmd c;
    REQUIRE(apdu_parse(keep, n, &c) == SEAM_OK);
    R.p = out;
    R.cap = SE_RESP_APP_MAX;
    R.len = 0;
    apduio_begin(A, &c, 0, ext_applet, &R);
}

static void test_short_case4(void)
{
    begin("80010000" "03" "AABBCC" "00", false);
    CHECK_EQ(A->buf_len, 261);
    CHECK_MEM(A->buf, "\x80\x01\x00\x00\x03", 5);
    CHECK_EQ(A->buf[5], 0); /* data not there before receiving */
    int32_t v = -1;
    CHECK_EQ(apduio_incoming_length(A, &v), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_receive_bytes(A, 5, &v), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_set_incoming_and_receive(A, &v), 0);
    CHECK_EQ(v, 3);
    CHECK_EQ(A->state, APDUIO_STATE_FULL_INCOMING);
    CHECK_MEM(A->buf + 5, "\xAA\xBB\xCC", 3);
    CHECK_EQ(apduio_set_incoming_and_receive(A, &v), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_receive_bytes(A, 5, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(apduio_incoming_length(A, &v), 0);
    CHECK_EQ(v, 3);
    CHECK_EQ(apduio_offset_cdata(A, &v), 0);
    CHECK_EQ(v, 5);
    CHECK_EQ(apduio_set_outgoing_and_send(A, 5, 3), 0);
    CHECK_EQ(R.len, 3);
    CHECK_MEM(out, "\xAA\xBB\xCC", 3);
    CHECK_EQ(A->state, APDUIO_STATE_FULL_OUTGOING);
    CHECK_EQ(apduio_set_outgoing_and_send(A, 5, 3), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_incoming_length(A, &v), APDUIO_E_ILLEGAL_USE);
}

static void test_outgoing_rules(void)
{
    begin("80020000" "10", false); /* case 2, Le 16 */
    int32_t ne = 0;
    CHECK_EQ(A->buf[4], 0x10);
    CHECK_EQ(apduio_set_outgoing_length(A, 2), APDUIO_E_ILLEGAL_USE); /* before setOutgoing */
    CHECK_EQ(apduio_send_bytes(A, 0, 1), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_set_outgoing(A, false, &ne), 0);
    CHECK_EQ(ne, 16);
    CHECK_EQ(apduio_set_outgoing(A, false, &ne), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_set_incoming_and_receive(A, &ne), APDUIO_E_ILLEGAL_USE);
    CHECK_EQ(apduio_send_bytes(A, 0, 1), APDUIO_E_ILLEGAL_USE); /* length not known */
    CHECK_EQ(apduio_set_outgoing_length(A, -1), APDUIO_E_BAD_LENGTH);
    CHECK_EQ(apduio_set_outgoing_length(A, 257), APDUIO_E_BAD_LENGTH); /* not ExtendedLength */
    CHECK_EQ(apduio_set_outgoing_length(A, 4), 0);
    CHECK_EQ(apduio_set_outgoing_length(A, 4), APDUIO_E_ILLEGAL_USE);
    memcpy(A->buf, "\x01\x02\x03\x04", 4);
    CHECK_EQ(apduio_send_bytes(A, -1, 1), APDUIO_E_BUFFER_BOUNDS);
    CHECK_EQ(apduio_send_bytes(A, 0, -1), APDUIO_E_BUFFER_BOUNDS);
    CHECK_EQ(apduio_send_bytes(A, 260, 2), APDUIO_E_BUFFER_BOUNDS);
    CHECK_EQ(apduio_send_bytes(A, 0, 3), 0);
    CHECK_EQ(A->state, APDUIO_STATE_PARTIAL_OUTGOING);
    CHECK_EQ(apduio_send_bytes(A, 3, 2), APDUIO_E_ILLEGAL_USE); /* more than declared */
    const uint8_t lng[] = {9, 8, 7};
    CHECK_EQ(apduio_send_bytes_long(A, lng, 3, 2, 2), APDUIO_E_BUFFER_BOUNDS);
    CHECK_EQ(apduio_send_bytes_long(A, lng, 3, 2, 1), 0);
    CHECK_EQ(A->state, APDUIO_STATE_FULL_OUTGOING);
    CHECK_EQ(R.len, 4);
    CHECK_MEM(out, "\x01\x02\x03\x07", 4);
}

static void test_le_absent_and_zero(void)
{
    int32_t ne = 0;
    begin("80030000", false); /* case 1 */
    CHECK_EQ(apduio_set_outgoing(A, false, &ne), 0);
    CHECK_EQ(ne, 256);
    begin("8003000000", false); /* Le 00 = 256 */
    CHECK_EQ(apduio_set_outgoing(A, true, &ne), 0);
    CHECK_EQ(ne, 256);
    CHECK(A->no_chaining);
    begin("80030000000000", true); /* extended Le 0000 = 65536, capped */
    CHECK_EQ(apduio_set_outgoing(A, false, &ne), 0);
    CHECK_EQ(ne, 32767);
    CHECK_EQ(apduio_set_outgoing_length(A, 1000), 0); /* ExtendedLength applet */
}

static void test_extended_incoming_in_parts(void)
{
    /* extended case 3 with 600 data bytes; ExtendedLength applet buffer is big enough, so
     * check the header and offset; then a short-buffer applet receiving in blocks. */
    char hex[2 * 700];
    strcpy(hex, "80040000000258");
    for (int i = 0; i < 600; i++) sprintf(hex + 14 + 2 * i, "%02X", i & 0xFF);
    begin(hex, true);
    CHECK_MEM(A->buf, "\x80\x04\x00\x00\x00\x02\x58", 7);
    int32_t got = 0, v = 0;
    CHECK_EQ(apduio_set_incoming_and_receive(A, &got), 0);
    CHECK_EQ(got, 600);
    CHECK_EQ(apduio_offset_cdata(A, &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(A->buf[7 + 599], 599 & 0xFF);

    /* the same data through a 261-byte buffer, as the JCRE would give to a chained-command
     * applet after the OS reassembled a chain (short form, data longer than 255 cannot arrive
     * without ExtendedLength, so emulate with receiveBytes after a 255-byte command) */
    strcpy(hex, "80040000FF");
    for (int i = 0; i < 255; i++) sprintf(hex + 10 + 2 * i, "%02X", i);
    begin(hex, false);
    CHECK_EQ(apduio_set_incoming_and_receive(A, &got), 0);
    CHECK_EQ(got, 255);
    CHECK_EQ(A->buf[5 + 254], 254);
    CHECK_EQ(apduio_receive_bytes(A, 0, &got), 0);
    CHECK_EQ(got, 0);
}

static void test_receive_bounds(void)
{
    char hex[2 * 700];
    strcpy(hex, "8004000000012C"); /* extended, 300 bytes, for a short-buffer applet */
    for (int i = 0; i < 300; i++) sprintf(hex + 14 + 2 * i, "%02X", i & 0xFF);
    begin(hex, false);
    int32_t got = 0;
    CHECK_EQ(apduio_set_incoming_and_receive(A, &got), 0);
    CHECK_EQ(got, 261 - 7);
    CHECK_EQ(A->state, APDUIO_STATE_PARTIAL_INCOMING);
    CHECK_EQ(apduio_receive_bytes(A, 240, &got), APDUIO_E_BUFFER_BOUNDS); /* 46 left, 21 room */
    CHECK_EQ(apduio_receive_bytes(A, -1, &got), APDUIO_E_BUFFER_BOUNDS);
    CHECK_EQ(apduio_receive_bytes(A, 0, &got), 0);
    CHECK_EQ(got, 300 - 254);
    CHECK_EQ(A->buf[0], 254 & 0xFF);
    CHECK_EQ(A->state, APDUIO_STATE_FULL_INCOMING);
}

static void test_buffer_cleared_between_commands(void)
{
    begin("80010000" "03" "AABBCC", false);
    int32_t got;
    CHECK_EQ(apduio_set_incoming_and_receive(A, &got), 0);
    A->buf[200] = 0x55;
    begin("80010000", false);
    CHECK_EQ(A->buf[5], 0);
    CHECK_EQ(A->buf[200], 0);
    apduio_wipe(A);
    CHECK_EQ(A->hwm, 0);
}

int main(void)
{
    A = calloc(1, sizeof *A);
    if (!A) return 1;
    RUN(test_short_case4);
    RUN(test_outgoing_rules);
    RUN(test_le_absent_and_zero);
    RUN(test_extended_incoming_in_parts);
    RUN(test_receive_bounds);
    RUN(test_buffer_cleared_between_commands);
    free(A);
    return check_summary();
}
