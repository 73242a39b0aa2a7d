/*
 * Tests of the Java Card runtime (src/se/jcvm, src/se/jcapi) driven through jcvm.h and APDUs:
 * load files built at build time by `seam jc build` ($SEAM_BUILD/applets/echo.jcl and the test
 * packages of tests/jc/vm in $SEAM_BUILD/tests/jcvm/) are loaded and installed the way GP
 * content management does it (registry entries inside one store transaction, then jcvm_load /
 * jcvm_install), selected and driven with se_transmit on an SE opened on a memory medium, so
 * a power cycle is se_close + se_open on the same medium. Every check looks at the status word
 * and the response data the applet produced.
 */
#include <stdbool.h>
#include <time.h>

#include "check.h"
#include "jcrig.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/se.h"

/* ---- echo ---- */

static const uint8_t echo_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t echo_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};

static void test_echo(void)
{
    size_t len;
    uint8_t *jcl = jc_read_jcl("applets/echo.jcl", &len);
    REQUIRE(jcl);
    jc_card c = {0};
    REQUIRE(jc_card_new(&c));
    store_id elf = 0;
    CHECK_EQ(jc_load_pkg(c.s, jcl, len, echo_pkg_aid, sizeof echo_pkg_aid, &elf), 0x9000);
    CHECK_EQ(jc_install_app(c.s, elf, 0, echo_app_aid, sizeof echo_app_aid, NULL, 0), 0x9000);
    CHECK_EQ(jc_select(c.s, 0, echo_app_aid, sizeof echo_app_aid), 0x9000);
    CHECK_EQ(jc_resp_len, 0);
    static const uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x01, 0, 0, hello, 5, true), 0x9000);
    CHECK_EQ(jc_resp_len, 5);
    CHECK_MEM(jc_resp, hello, 5);
    /* counter: persistent, inside a transaction */
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp_len, 2);
    CHECK_EQ(jc_resp[0] << 8 | jc_resp[1], 1);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp[0] << 8 | jc_resp[1], 2);
    CHECK_EQ(jc_xmit(c.s, 0x00, 0x01, 0, 0, NULL, 0, true), 0x6E00);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x77, 0, 0, NULL, 0, true), 0x6D00);
    /* power cycle: the counter survives */
    jc_card_cycle(&c);
    REQUIRE(c.s);
    CHECK_EQ(jc_select(c.s, 0, echo_app_aid, sizeof echo_app_aid), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp[0] << 8 | jc_resp[1], 3);
    /* loading the same package again is refused */
    CHECK_EQ(jc_load_pkg(c.s, jcl, len, echo_pkg_aid, sizeof echo_pkg_aid, NULL), 0x6985);
    jc_card_free(&c);
    free(jcl);
}


/* ---- the VmTest package ---- */

static const uint8_t vmt_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x54, 0x01};
static const uint8_t vmt_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x54, 0x01, 0x01};
static const uint8_t fwb_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x42, 0x01};
static const uint8_t fwb_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x42, 0x01, 0x01};

/* A jc_card with VmTest loaded, installed and selected on channel 0. */
static bool vmt_card(jc_card *c)
{
    size_t len;
    uint8_t *jcl = jc_read_jcl("tests/jcvm/vmt.jcl", &len);
    if (!jcl || !jc_card_new(c)) {
        free(jcl);
        return false;
    }
    store_id elf = 0;
    bool ok = jc_load_pkg(c->s, jcl, len, vmt_pkg_aid, sizeof vmt_pkg_aid, &elf) == 0x9000 &&
              jc_install_app(c->s, elf, 0, vmt_app_aid, sizeof vmt_app_aid, NULL, 0) == 0x9000 &&
              jc_select(c->s, 0, vmt_app_aid, sizeof vmt_app_aid) == 0x9000;
    free(jcl);
    return ok;
}

static int32_t be32i(const uint8_t *p)
{
    return (int32_t)seam_be32(p);
}

static void test_arith(void)
{
    jc_card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x10, 0, 0, NULL, 0, true), 0x9000);
    REQUIRE(jc_resp_len == 48);
    CHECK_EQ(be32i(jc_resp + 0), INT32_MIN);         /* MAX + 1 wraps */
    CHECK_EQ(be32i(jc_resp + 4), INT32_MIN);         /* MIN / -1 */
    CHECK_EQ(be32i(jc_resp + 8), 0);                 /* MIN % -1 */
    CHECK_EQ(be32i(jc_resp + 12), -3);               /* -7 / 2 truncates */
    CHECK_EQ(be32i(jc_resp + 16), -1);               /* -7 % 2 */
    CHECK_EQ(be32i(jc_resp + 20), -4);               /* -16 >> 2 */
    CHECK_EQ(be32i(jc_resp + 24), 15);               /* -16 >>> 28 */
    CHECK_EQ(be32i(jc_resp + 28), 2);                /* 1 << 33: shift masked to 5 bits */
    CHECK_EQ(be32i(jc_resp + 32), -56);              /* (byte) 200 */
    CHECK_EQ(be32i(jc_resp + 36), 4464);             /* (short) 70000 */
    CHECK_EQ(be32i(jc_resp + 40), (int32_t)(123456u * 1000u)); /* wraps */
    CHECK_EQ(be32i(jc_resp + 44), 7 ^ 0x0F);         /* static int from <clinit> */
    /* division by zero: ArithmeticException, uncaught: 6F00 */
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x11, 0, 0, NULL, 0, true), 0x6F00);
    CHECK_EQ(jc_resp_len, 0);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x11, 3, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(be32i(jc_resp), 0);
    jc_card_free(&c);
}

static void test_control(void)
{
    jc_card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x12, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t sw_exp[] = {10, 30, 0xFF, 1, 2, 3, 4};
    CHECK_EQ(jc_resp_len, sizeof sw_exp);
    CHECK_MEM(jc_resp, sw_exp, sizeof sw_exp);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x13, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t ex_exp[] = {2, 201, 105, 33, 4};
    CHECK_EQ(jc_resp_len, sizeof ex_exp);
    CHECK_MEM(jc_resp, ex_exp, sizeof ex_exp);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x14, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t arr_exp[] = {1, 3, 3, 0xFF, 16, 1, 1, 66, 77, 88};
    CHECK_EQ(jc_resp_len, sizeof arr_exp);
    CHECK_MEM(jc_resp, arr_exp, sizeof arr_exp);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x14, 5, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp[8], 4);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x15, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t disp_exp[] = {9, 12, 42, 0, 1, 4, 99, 29};
    CHECK_EQ(jc_resp_len, sizeof disp_exp);
    CHECK_MEM(jc_resp, disp_exp, sizeof disp_exp);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x7F, 0, 0, NULL, 0, true), 0x6D00);
    jc_card_free(&c);
}

static void test_transactions(void)
{
    jc_card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x20, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp_len, 2);
    CHECK_EQ(jc_resp[0], 0);
    CHECK_EQ(jc_resp[1], 0);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x23, 0x44, 0, NULL, 0, true), 0x9000);
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x21, 0, 0, NULL, 0, true), 0x6F00); /* left open */
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x24, 0, 0, NULL, 0, true), 0x6A02); /* ISOException */
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    jc_card_cycle(&c);
    REQUIRE(c.s);
    CHECK_EQ(jc_select(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x22, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t st_exp[] = {0, 0, 0, 0x44};
    CHECK_EQ(jc_resp_len, 4);
    CHECK_MEM(jc_resp, st_exp, 4);
    jc_card_free(&c);
}

static void test_transient(void)
{
    jc_card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x30, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t e1[] = {1, 2, 1, 0};
    CHECK_EQ(jc_resp_len, 4);
    CHECK_MEM(jc_resp, e1, 4);
    /* reselect: CLEAR_ON_DESELECT cleared, CLEAR_ON_RESET kept */
    CHECK_EQ(jc_select(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp[0], 1);
    CHECK_EQ(jc_resp[1], 0);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x30, 0, 0, NULL, 0, true), 0x9000);
    uint8_t atr[64];
    size_t atr_len;
    CHECK_EQ(se_reset(c.s, atr, sizeof atr, &atr_len), SEAM_OK);
    CHECK_EQ(jc_select(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp[0], 0);
    CHECK_EQ(jc_resp[1], 0);
    jc_card_free(&c);
}

static void test_budget(void)
{
    jc_card c = {.max_steps = 200000};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x40, 0, 0, NULL, 0, true), 0x6F00);
    /* the jc_card still works */
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x22, 0, 0, NULL, 0, true), 0x9000);
    jc_card_free(&c);
}

/* Not a pass/fail check: prints the interpreter's speed on a tight loop (iinc, getfield,
 * putfield, branch) for the log. */
static void test_speed(void)
{
    jc_card c = {.max_steps = 5000000};
    REQUIRE(vmt_card(&c));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x40, 0, 0, NULL, 0, true), 0x6F00);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "  5M bytecodes (loop with a persistent field write) in %.3f s\n", s);
    jc_card_free(&c);
}

static void test_memory(void)
{
    jc_card c = {.capacity = 256 * 1024};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int before = jc_resp[0] << 8 | jc_resp[1];
    CHECK(before > 0 && before <= 256 * 1024 / 4);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x41, 0, 0, NULL, 0, true), 0x9000);
    REQUIRE(jc_resp_len == 3);
    CHECK_EQ(jc_resp[0], 5); /* SystemException.NO_RESOURCE */
    int got = jc_resp[1] << 8 | jc_resp[2];
    CHECK(got > 5 && got < 100);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int during = jc_resp[0] << 8 | jc_resp[1];
    CHECK(during < 4100);
    /* object deletion gives it back */
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x42, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int after = jc_resp[0] << 8 | jc_resp[1];
    CHECK(after > before - 1000);
    jc_card_free(&c);
}

static void test_firewall(void)
{
    jc_card c = {0};
    REQUIRE(vmt_card(&c));
    size_t len;
    uint8_t *jcl = jc_read_jcl("tests/jcvm/fwb.jcl", &len);
    REQUIRE(jcl);
    store_id elf = 0;
    CHECK_EQ(jc_load_pkg(c.s, jcl, len, fwb_pkg_aid, sizeof fwb_pkg_aid, &elf), 0x9000);
    CHECK_EQ(jc_install_app(c.s, elf, 0, fwb_app_aid, sizeof fwb_app_aid, NULL, 0), 0x9000);
    free(jcl);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x50, 0, 0, NULL, 0, true), 0x9000); /* publish the array */
    CHECK_EQ(jc_select(c.s, 0, fwb_app_aid, sizeof fwb_app_aid), 0x9000);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x01, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(jc_resp_len, 2);
    CHECK_EQ(jc_resp[0], 0);    /* the reference itself is readable (getstatic) */
    CHECK_EQ(jc_resp[1], 0x5E); /* its contents are not */
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    CHECK_EQ(jc_xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x6F00);
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    /* the package cannot be loaded without its import */
    jc_card c2 = {0};
    REQUIRE(jc_card_new(&c2));
    jcl = jc_read_jcl("tests/jcvm/fwb.jcl", &len);
    CHECK_EQ(jc_load_pkg(c2.s, jcl, len, fwb_pkg_aid, sizeof fwb_pkg_aid, NULL), 0x6A88);
    free(jcl);
    jc_card_free(&c2);
    jc_card_free(&c);
}

static void test_bad_load(void)
{
    jc_card c = {0};
    REQUIRE(jc_card_new(&c));
    size_t len;
    uint8_t *jcl = jc_read_jcl("tests/jcvm/vmt.jcl", &len);
    REQUIRE(jcl);
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    /* truncated and garbage load files */
    CHECK_EQ(jc_load_pkg(c.s, jcl, len / 2, vmt_pkg_aid, sizeof vmt_pkg_aid, NULL), 0x6A80);
    uint8_t junk[64];
    memset(junk, 0x5A, sizeof junk);
    CHECK_EQ(jc_load_pkg(c.s, junk, sizeof junk, vmt_pkg_aid, sizeof vmt_pkg_aid, NULL), 0x6A80);
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    free(jcl);
    jc_card_free(&c);
}

int main(void)
{
    RUN(test_echo);
    RUN(test_arith);
    RUN(test_control);
    RUN(test_transactions);
    RUN(test_transient);
    RUN(test_budget);
    RUN(test_speed);
    RUN(test_memory);
    RUN(test_firewall);
    RUN(test_bad_load);
    return check_summary();
}
