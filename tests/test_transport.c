/*
 * Tests of the card transports (include/seam/transport.h) and the card-side serve loop
 * (include/seam/serve.h) over the vpcd framing (include/seam/frame.h), mostly against a small
 * fake card: round trips over Unix and TCP sockets, hostile frames
 * (zero length, oversize length, truncated frames, silence, disconnects, unknown controls) that
 * must end one connection cleanly while the server goes on serving the next client, and the
 * ISO 7816-4 §7.6.1 GET RESPONSE / 6Cxx conventions of card_transmit_full; then, once, the real
 * SE behind se_serve_listen answering SELECT of the ISD.
 */
#include "check.h"

#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seam/frame.h"
#include "seam/se.h"
#include "seam/serve.h"
#include "seam/store.h"
#include "seam/sw.h"
#include "seam/transport.h"

/* ---- a fake card ----
 * INS 01: echo the command's data, 9000.
 * INS 02: 16 bytes of 0xA5 when Le = 0x10, else 6C10.
 * INS 03: 300 bytes (i & 0xFF) delivered as 256 + 61 2C, then GET RESPONSE gives the last 44.
 * INS 04: always 61 01 with one byte (a broken card that never finishes).
 * INS 05: a one-byte response (broken).
 * anything else: 6D00. */
typedef struct {
    unsigned resets;
    unsigned gr_sent;
    uint8_t last_cla;
    size_t big_off;
} fake_card;

static const uint8_t fake_atr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};

static seam_err fake_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    fake_card *f = ctx;
    f->resets++;
    if (cap < sizeof fake_atr) return SEAM_E_LENGTH;
    memcpy(atr, fake_atr, sizeof fake_atr);
    *atr_len = sizeof fake_atr;
    return SEAM_OK;
}

static void put_sw(uint8_t *resp, size_t *n, unsigned sw)
{
    resp[(*n)++] = (uint8_t)(sw >> 8);
    resp[(*n)++] = (uint8_t)sw;
}

static seam_err fake_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                              size_t *resp_len)
{
    fake_card *f = ctx;
    size_t n = 0;
    if (cap < 258 + 2) return SEAM_E_LENGTH;
    f->last_cla = cmd[0];
    if (len < 4) {
        put_sw(resp, &n, SW_WRONG_LENGTH);
    } else if (cmd[1] == 0xC0) {
        f->gr_sent++;
        if (f->big_off == 256) {
            for (size_t i = 256; i < 300; i++)
                resp[n++] = (uint8_t)i;
            f->big_off = 0;
            put_sw(resp, &n, SW_NO_ERROR);
        } else {
            resp[n++] = 0x77;
            put_sw(resp, &n, SW_BYTES_REMAINING_00 | 0x01);
        }
    } else if (cmd[1] == 0x01) {
        if (len > 5) {
            memcpy(resp, cmd + 5, cmd[4]);
            n = cmd[4];
        }
        put_sw(resp, &n, SW_NO_ERROR);
    } else if (cmd[1] == 0x02) {
        if (len == 5 && cmd[4] == 0x10) {
            memset(resp, 0xA5, 16);
            n = 16;
            put_sw(resp, &n, SW_NO_ERROR);
        } else {
            put_sw(resp, &n, SW_CORRECT_LENGTH_00 | 0x10);
        }
    } else if (cmd[1] == 0x03) {
        for (size_t i = 0; i < 256; i++)
            resp[n++] = (uint8_t)i;
        f->big_off = 256;
        put_sw(resp, &n, SW_BYTES_REMAINING_00 | 44);
    } else if (cmd[1] == 0x04) {
        resp[n++] = 0x77;
        put_sw(resp, &n, SW_BYTES_REMAINING_00 | 0x01);
    } else if (cmd[1] == 0x05) {
        resp[n++] = 0x90;
    } else {
        put_sw(resp, &n, SW_INS_NOT_SUPPORTED);
    }
    *resp_len = n;
    return SEAM_OK;
}

/* ---- a server thread ---- */
typedef struct {
    fake_card card;
    se_serve_card serve;
    int listen_fd;
    volatile int stop;
    seam_err result;
    pthread_t thread;
    char spec[128];
} server;

static void *server_main(void *arg)
{
    server *sv = arg;
    sv->result = se_serve_fd_card(&sv->serve, sv->listen_fd, &sv->stop);
    return NULL;
}

static int server_start(server *sv, const char *spec)
{
    memset(sv, 0, sizeof *sv);
    sv->serve.reset = fake_reset;
    sv->serve.transmit = fake_transmit;
    sv->serve.ctx = &sv->card;
    if (frame_listen(spec, &sv->listen_fd) != SEAM_OK) return -1;
    if (!strncmp(spec, "tcp:", 4))
        snprintf(sv->spec, sizeof sv->spec, "tcp:127.0.0.1:%u",
                 (unsigned)frame_local_port(sv->listen_fd));
    else
        snprintf(sv->spec, sizeof sv->spec, "%s", spec);
    if (pthread_create(&sv->thread, NULL, server_main, sv) != 0) return -1;
    return 0;
}

static void server_stop(server *sv)
{
    sv->stop = 1;
    pthread_join(sv->thread, NULL);
    close(sv->listen_fd);
    if (!strncmp(sv->spec, "unix:", 5)) unlink(sv->spec + 5);
}

static char unix_spec[128];

static void round_trip(const char *spec)
{
    server sv;
    REQUIRE(server_start(&sv, spec) == 0);
    for (int client = 0; client < 2; client++) {
        seam_card *c = NULL;
        REQUIRE(card_open_socket(&c, sv.spec) == SEAM_OK);
        uint8_t atr[40], resp[600];
        size_t n = 0;
        CHECK_EQ(card_atr(c, atr, sizeof atr, &n), SEAM_OK);
        CHECK_EQ(n, sizeof fake_atr);
        CHECK_MEM(atr, fake_atr, sizeof fake_atr);
        const uint8_t echo[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0xAA, 0xBB, 0xCC};
        CHECK_EQ(card_transmit(c, echo, sizeof echo, resp, sizeof resp, &n), SEAM_OK);
        const uint8_t want[] = {0xAA, 0xBB, 0xCC, 0x90, 0x00};
        CHECK_EQ(n, sizeof want);
        CHECK_MEM(resp, want, sizeof want);
        unsigned before = sv.card.resets;
        CHECK_EQ(card_reset(c, atr, sizeof atr, &n), SEAM_OK);
        CHECK_EQ(n, sizeof fake_atr);
        CHECK_EQ(sv.card.resets, before + 1);
        /* Through the socket, the 61xx chain is followed as well. */
        const uint8_t big[] = {0x00, 0x03, 0x00, 0x00, 0x00};
        CHECK_EQ(card_transmit_full(c, big, sizeof big, resp, sizeof resp, &n), SEAM_OK);
        CHECK_EQ(n, 302);
        CHECK_EQ(resp[299], 299 & 0xFF);
        /* A response larger than the caller's buffer is an error, not an overrun. */
        CHECK_EQ(card_transmit(c, big, sizeof big, resp, 100, &n), SEAM_E_LENGTH);
        card_close(c);
    }
    server_stop(&sv);
    CHECK_EQ(sv.result, SEAM_OK);
}

static void test_unix_round_trip(void)
{
    round_trip(unix_spec);
}

static void test_tcp_round_trip(void)
{
    round_trip("tcp:127.0.0.1:0");
}

/* Connects a raw socket to the server, sends bytes, and says whether the server then closed
 * the connection (the clean reaction to a protocol error). */
static int raw_send_expect_drop(const char *spec, const uint8_t *bytes, size_t n, bool half_close)
{
    int fd = -1;
    if (frame_connect(spec, 2000, &fd) != SEAM_OK) return -1;
    if (n && send(fd, bytes, n, MSG_NOSIGNAL) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    if (half_close) shutdown(fd, SHUT_WR);
    uint8_t buf[16];
    int dropped = 0;
    if (frame_wait_readable(fd, 5000) == SEAM_OK && recv(fd, buf, sizeof buf, 0) == 0) dropped = 1;
    close(fd);
    return dropped;
}

static void check_server_alive(const char *spec)
{
    seam_card *c = NULL;
    REQUIRE(card_open_socket(&c, spec) == SEAM_OK);
    const uint8_t cmd[] = {0x00, 0x01, 0x00, 0x00};
    uint8_t resp[16];
    size_t n = 0;
    CHECK_EQ(card_transmit(c, cmd, sizeof cmd, resp, sizeof resp, &n), SEAM_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(seam_be16(resp), SW_NO_ERROR);
    card_close(c);
}

static void test_hostile_frames(void)
{
    server sv;
    REQUIRE(server_start(&sv, "tcp:127.0.0.1:0") == 0);
    const uint8_t zero_len[] = {0x00, 0x00};
    CHECK_EQ(raw_send_expect_drop(sv.spec, zero_len, sizeof zero_len, false), 1);
    check_server_alive(sv.spec);
    const uint8_t unknown_ctrl[] = {0x00, 0x01, 0x07};
    CHECK_EQ(raw_send_expect_drop(sv.spec, unknown_ctrl, sizeof unknown_ctrl, false), 1);
    check_server_alive(sv.spec);
    /* The largest length the field can say, then the peer stops sending: truncated frame. */
    const uint8_t truncated[] = {0xFF, 0xFF, 0x00, 0xA4, 0x04};
    CHECK_EQ(raw_send_expect_drop(sv.spec, truncated, sizeof truncated, true), 1);
    check_server_alive(sv.spec);
    const uint8_t half_len[] = {0x00};
    CHECK_EQ(raw_send_expect_drop(sv.spec, half_len, sizeof half_len, true), 1);
    check_server_alive(sv.spec);
    /* Connect and leave without a word. */
    CHECK_EQ(raw_send_expect_drop(sv.spec, NULL, 0, true), 1);
    check_server_alive(sv.spec);
    /* A command too short to be an APDU reaches the card, which answers 6700. */
    seam_card *c = NULL;
    REQUIRE(card_open_socket(&c, sv.spec) == SEAM_OK);
    uint8_t resp[16];
    size_t n = 0;
    const uint8_t two[] = {0x00, 0x01};
    CHECK_EQ(card_transmit(c, two, sizeof two, resp, sizeof resp, &n), SEAM_OK);
    CHECK_EQ(seam_be16(resp), SW_WRONG_LENGTH);
    /* A broken card (a response shorter than a status word) ends the serve loop with an
     * error for its owner to act on (power-cycle the SE); the host sees the link drop. */
    const uint8_t brk[] = {0x00, 0x05, 0x00, 0x00};
    CHECK(card_transmit(c, brk, sizeof brk, resp, sizeof resp, &n) != SEAM_OK);
    CHECK_EQ(n, 0);
    card_close(c);
    server_stop(&sv);
    CHECK_EQ(sv.result, SEAM_E_LENGTH);
}

/* frame_read on its own, over a socket pair: every bound. */
static void test_frame_read_bounds(void)
{
    int sp[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    uint8_t buf[16];
    size_t n = 99;
    bool eof = false;
    /* Oversize for the caller's capacity. */
    const uint8_t big[] = {0x01, 0x00, 0x11};
    REQUIRE(send(sp[1], big, sizeof big, 0) == (ssize_t)sizeof big);
    CHECK_EQ(frame_read(sp[0], buf, sizeof buf, &n, 1000, &eof), SEAM_E_PROTOCOL);
    CHECK_EQ(n, 0);
    CHECK(!eof);
    close(sp[0]);
    close(sp[1]);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    /* A silent peer in the middle of a frame: the timeout ends the wait. */
    const uint8_t part[] = {0x00, 0x05, 0x01};
    REQUIRE(send(sp[1], part, sizeof part, 0) == (ssize_t)sizeof part);
    CHECK_EQ(frame_read(sp[0], buf, sizeof buf, &n, 100, &eof), SEAM_E_PROTOCOL);
    /* Clean EOF at a frame boundary. */
    close(sp[1]);
    CHECK_EQ(frame_read(sp[0], buf, sizeof buf, &n, 100, &eof), SEAM_E_IO);
    CHECK(eof);
    close(sp[0]);
    /* Good frames both ways, and write bounds. */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    const uint8_t msg[] = {1, 2, 3};
    CHECK_EQ(frame_write(sp[1], msg, sizeof msg), SEAM_OK);
    CHECK_EQ(frame_read(sp[0], buf, sizeof buf, &n, 1000, NULL), SEAM_OK);
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, msg, 3);
    CHECK_EQ(frame_write(sp[1], msg, 0), SEAM_E_LENGTH);
    CHECK_EQ(frame_write(sp[1], msg, FRAME_MAX + 1), SEAM_E_LENGTH);
    close(sp[0]);
    /* Writing to a vanished peer is an error code, not SIGPIPE. */
    CHECK_EQ(frame_write(sp[1], msg, sizeof msg), SEAM_E_IO);
    close(sp[1]);
}

static void test_bad_specs(void)
{
    static const char *const bad[] = {"",       "unix:",       "tcp:",      "tcp:host", "tcp:host:",
                                      "tcp::1", "tcp:h:99999", "tcp:h:12a", "udp:h:1",  "tcp:h:-1"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        seam_card *c = (seam_card *)1;
        int fd = -1;
        CHECK_EQ(card_open_socket(&c, bad[i]) != SEAM_OK, 1);
        CHECK(c == NULL);
        CHECK_EQ(frame_listen(bad[i], &fd) != SEAM_OK, 1);
    }
    /* Nobody listening. */
    seam_card *c = NULL;
    CHECK_EQ(card_open_socket(&c, "unix:/nonexistent/seam.sock") != SEAM_OK, 1);
    /* frame_listen refuses to replace a file that is not a socket. */
    char path[64];
    snprintf(path, sizeof path, "/tmp/seam-h4-notsock-%d", (int)getpid());
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fclose(f);
    char spec[80];
    snprintf(spec, sizeof spec, "unix:%s", path);
    int fd = -1;
    CHECK_EQ(frame_listen(spec, &fd), SEAM_E_EXISTS);
    unlink(path);
}

/* ---- card_transmit_full against the fake card, in process ---- */

static seam_err fns_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                             size_t *resp_len)
{
    return fake_transmit(ctx, cmd, len, resp, cap, resp_len);
}

static void test_transmit_full(void)
{
    fake_card f;
    memset(&f, 0, sizeof f);
    seam_card_fns fns = {fns_transmit, fake_reset, &f};
    seam_card *c = NULL;
    REQUIRE(card_open_fns(&c, &fns) == SEAM_OK);
    CHECK_EQ(f.resets, 1);
    uint8_t resp[1024];
    size_t n = 0;

    /* 61xx: GET RESPONSE on the command's channel; data concatenated. */
    static const struct {
        uint8_t cla, gr_cla;
    } chans[] = {{0x00, 0x00}, {0x01, 0x01}, {0x03, 0x03}, {0x80, 0x00}, {0x84, 0x00},
                 {0x82, 0x02}, {0x40, 0x40}, {0x4F, 0x4F}, {0xC5, 0x45}, {0xE3, 0x43}};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(chans); i++) {
        uint8_t big[] = {chans[i].cla, 0x03, 0x00, 0x00, 0x00};
        f.gr_sent = 0;
        CHECK_EQ(card_transmit_full(c, big, sizeof big, resp, sizeof resp, &n), SEAM_OK);
        CHECK_EQ(n, 302);
        int ok = 1;
        for (size_t k = 0; k < 300; k++)
            ok &= resp[k] == (uint8_t)k;
        CHECK(ok);
        CHECK_EQ(seam_be16(resp + 300), SW_NO_ERROR);
        CHECK_EQ(f.gr_sent, 1);
        CHECK_EQ(f.last_cla, chans[i].gr_cla);
    }
    /* Not enough room for the whole chain. */
    const uint8_t big[] = {0x00, 0x03, 0x00, 0x00, 0x00};
    CHECK_EQ(card_transmit_full(c, big, sizeof big, resp, 280, &n), SEAM_E_LENGTH);
    CHECK_EQ(n, 0);
    f.big_off = 0;

    /* 6Cxx: resend with the right Le, for case 2 (replace Le) and case 1 (add Le). */
    const uint8_t case2[] = {0x00, 0x02, 0x00, 0x00, 0x00};
    const uint8_t case1[] = {0x00, 0x02, 0x00, 0x00};
    const uint8_t *cmds[] = {case2, case1};
    size_t lens[] = {sizeof case2, sizeof case1};
    for (size_t i = 0; i < 2; i++) {
        CHECK_EQ(card_transmit_full(c, cmds[i], lens[i], resp, sizeof resp, &n), SEAM_OK);
        CHECK_EQ(n, 18);
        CHECK_EQ(resp[0], 0xA5);
        CHECK_EQ(seam_be16(resp + 16), SW_NO_ERROR);
    }
    /* --raw: card_transmit returns the 6Cxx untouched. */
    CHECK_EQ(card_transmit(c, case2, sizeof case2, resp, sizeof resp, &n), SEAM_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(seam_be16(resp), SW_CORRECT_LENGTH_00 | 0x10);

    /* A card that answers 61xx forever: the loop is bounded and the last SW is returned. */
    const uint8_t forever[] = {0x00, 0x04, 0x00, 0x00, 0x00};
    CHECK_EQ(card_transmit_full(c, forever, sizeof forever, resp, 100, &n), SEAM_E_LENGTH);
    CHECK_EQ(card_transmit_full(c, forever, sizeof forever, resp, sizeof resp, &n), SEAM_OK);
    CHECK(n < sizeof resp);
    CHECK_EQ(resp[n - 2], 0x61);

    /* Ordinary commands and card errors pass through; the SW is not a transport error. */
    const uint8_t unknown[] = {0x00, 0x7E, 0x00, 0x00};
    CHECK_EQ(card_transmit_full(c, unknown, sizeof unknown, resp, sizeof resp, &n), SEAM_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(seam_be16(resp), SW_INS_NOT_SUPPORTED);
    /* Broken card and bad arguments. */
    const uint8_t brk[] = {0x00, 0x05, 0x00, 0x00};
    CHECK_EQ(card_transmit_full(c, brk, sizeof brk, resp, sizeof resp, &n), SEAM_E_PROTOCOL);
    CHECK_EQ(card_transmit_full(c, brk, 3, resp, sizeof resp, &n), SEAM_E_ARG);
    uint8_t atr[4];
    CHECK_EQ(card_atr(c, atr, sizeof atr, &n), SEAM_E_LENGTH);
    card_close(c);
    CHECK_EQ(card_open_fns(&c, NULL), SEAM_E_ARG);
}

/* ---- se_serve_vpcd_card against a stand-in for vpcd (we listen, the card connects) ---- */
typedef struct {
    fake_card card;
    se_serve_card serve;
    uint16_t port;
    volatile int stop;
    seam_err result;
} vpcd_client;

static void *vpcd_client_main(void *arg)
{
    vpcd_client *vc = arg;
    vc->result = se_serve_vpcd_card(&vc->serve, "127.0.0.1", vc->port, &vc->stop);
    return NULL;
}

static void vpcd_session(int lfd, const fake_card *card)
{
    int fd = -1;
    REQUIRE(frame_accept(lfd, 5000, &fd) == SEAM_OK);
    uint8_t buf[300];
    size_t n = 0;
    /* vpcd asks for the ATR before powering on (card presence), then powers on. */
    const uint8_t atr_req = FRAME_CTRL_ATR, on = FRAME_CTRL_ON, reset = FRAME_CTRL_RESET;
    CHECK_EQ(frame_write(fd, &atr_req, 1), SEAM_OK);
    CHECK_EQ(frame_read(fd, buf, sizeof buf, &n, 5000, NULL), SEAM_OK);
    CHECK_EQ(n, sizeof fake_atr);
    CHECK_MEM(buf, fake_atr, sizeof fake_atr);
    unsigned resets = card->resets;
    CHECK_EQ(frame_write(fd, &on, 1), SEAM_OK);
    const uint8_t echo[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x42};
    CHECK_EQ(frame_write(fd, echo, sizeof echo), SEAM_OK);
    CHECK_EQ(frame_read(fd, buf, sizeof buf, &n, 5000, NULL), SEAM_OK);
    CHECK_EQ(n, 3);
    CHECK_EQ(buf[0], 0x42);
    /* Polling the ATR again does not reset the card; reset does. */
    CHECK_EQ(frame_write(fd, &atr_req, 1), SEAM_OK);
    CHECK_EQ(frame_read(fd, buf, sizeof buf, &n, 5000, NULL), SEAM_OK);
    CHECK_EQ(frame_write(fd, &reset, 1), SEAM_OK);
    CHECK_EQ(frame_write(fd, echo, sizeof echo), SEAM_OK);
    CHECK_EQ(frame_read(fd, buf, sizeof buf, &n, 5000, NULL), SEAM_OK);
    CHECK(card->resets >= resets + 1);
    close(fd); /* vpcd goes away (pcscd restarts): the card must come back */
}

static void test_vpcd_client_reconnects(void)
{
    int lfd = -1;
    REQUIRE(frame_listen("tcp:127.0.0.1:0", &lfd) == SEAM_OK);
    vpcd_client vc;
    memset(&vc, 0, sizeof vc);
    vc.serve.reset = fake_reset;
    vc.serve.transmit = fake_transmit;
    vc.serve.ctx = &vc.card;
    vc.port = frame_local_port(lfd);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, vpcd_client_main, &vc) == 0);
    vpcd_session(lfd, &vc.card);
    vpcd_session(lfd, &vc.card);
    /* A hostile "vpcd": an oversize frame for nothing; the card drops it and reconnects. */
    int fd = -1;
    CHECK_EQ(frame_accept(lfd, 5000, &fd), SEAM_OK);
    const uint8_t junk[] = {0x00, 0x00};
    CHECK_EQ(send(fd, junk, sizeof junk, MSG_NOSIGNAL), 2);
    close(fd);
    vpcd_session(lfd, &vc.card);
    vc.stop = 1;
    pthread_join(t, NULL);
    CHECK_EQ(vc.result, SEAM_OK);
    close(lfd);
}

/* ---- the real SE behind se_serve_listen ---- */
typedef struct {
    se *s;
    char spec[128];
    volatile int stop;
    seam_err result;
} se_server;

static void *se_server_main(void *arg)
{
    se_server *ss = arg;
    ss->result = se_serve_listen(ss->s, ss->spec, &ss->stop);
    return NULL;
}

static void test_se_over_socket(void)
{
    store_medium *m = NULL;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    se_config cfg = {.medium = m, .quiet = true};
    se_server ss;
    memset(&ss, 0, sizeof ss);
    char msg[128];
    REQUIRE(se_open(&ss.s, &cfg, msg, sizeof msg) == SEAM_OK);
    snprintf(ss.spec, sizeof ss.spec, "unix:/tmp/seam-h4-se-%d.sock", (int)getpid());
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, se_server_main, &ss) == 0);
    seam_card *c = NULL;
    for (int i = 0; i < 50 && card_open_socket(&c, ss.spec) != SEAM_OK; i++)
        usleep(50000);
    CHECK(c != NULL);
    if (c) {
        uint8_t atr[40], resp[512];
        size_t n = 0;
        CHECK_EQ(card_atr(c, atr, sizeof atr, &n), SEAM_OK);
        CHECK(n >= 2);
        CHECK_EQ(atr[0], 0x3B);
        /* SELECT the ISD by AID (GP CS 2.3.1 §11.9). */
        const uint8_t sel[] = {0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00,
                               0x00, 0x01, 0x51, 0x00, 0x00, 0x00, 0x00};
        CHECK_EQ(card_transmit_full(c, sel, sizeof sel, resp, sizeof resp, &n), SEAM_OK);
        CHECK(n >= 2);
        CHECK_EQ(seam_be16(resp + n - 2), SW_NO_ERROR);
        CHECK_EQ(resp[0], 0x6F); /* FCI template */
        card_close(c);
    }
    ss.stop = 1;
    pthread_join(t, NULL);
    CHECK_EQ(ss.result, SEAM_OK);
    se_close(ss.s);
    store_medium_free(m);
}

int main(void)
{
    snprintf(unix_spec, sizeof unix_spec, "unix:/tmp/seam-h4-test-%d.sock", (int)getpid());
    RUN(test_frame_read_bounds);
    RUN(test_bad_specs);
    RUN(test_unix_round_trip);
    RUN(test_tcp_round_trip);
    RUN(test_hostile_frames);
    RUN(test_transmit_full);
    RUN(test_vpcd_client_reconnects);
    RUN(test_se_over_socket);
    return check_summary();
}
