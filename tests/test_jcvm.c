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
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/se.h"

static char *build_dir(void)
{
    const char *b = getenv("SEAM_BUILD");
    return (char *)(b ? b : "build");
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static uint8_t *read_jcl(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", build_dir(), rel);
    uint8_t *b = read_file(path, len);
    if (!b) fprintf(stderr, "  cannot read %s\n", path);
    return b;
}

typedef struct {
    store_medium *m;
    se *s;
    uint32_t max_steps;
    size_t capacity;
} card;

static bool card_open(card *c)
{
    char msg[256];
    se_config cfg = {.medium = c->m, .quiet = true, .max_steps = c->max_steps,
                     .capacity = c->capacity};
    seam_err e = se_open(&c->s, &cfg, msg, sizeof msg);
    if (e) fprintf(stderr, "  se_open: %s: %s\n", seam_strerror(e), msg);
    return e == SEAM_OK;
}

static bool card_new(card *c)
{
    if (!c->m && store_medium_memory(&c->m)) return false;
    return card_open(c);
}

static void card_cycle(card *c)
{
    se_close(c->s);
    c->s = NULL;
    card_open(c);
}

static void card_free(card *c)
{
    if (c->s) se_close(c->s);
    if (c->m) store_medium_free(c->m);
    memset(c, 0, sizeof *c);
}

/* LOAD as GP does it: the load file's registry entry and the package in one transaction. */
static uint16_t load_pkg(se *s, const uint8_t *jcl, size_t len, const uint8_t *aid, size_t aid_len,
                         store_id *elf)
{
    store *st = se_store(s);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_LOAD_FILE;
    rec.life_cycle = GP_ELF_LOADED;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    if (store_tx_begin(st)) return 0x6F01;
    store_id id = 0, pkg = 0;
    if (store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &id) || store_write(st, id, 0, &rec,
                                                                             sizeof rec)) {
        store_tx_abort(st);
        return 0x6F02;
    }
    char msg[256] = "";
    uint16_t sw = jcvm_load(s, jcl, len, &pkg, msg, sizeof msg);
    if (sw == SW_NO_ERROR) {
        uint8_t be[4];
        seam_put_be32(be, pkg);
        store_write(st, id, offsetof(se_reg_rec, obj_id), be, 4);
        store_tx_commit(st);
        reg_index_add(s, id);
        if (elf) *elf = id;
    } else {
        fprintf(stderr, "  load: %04X %s\n", sw, msg);
        store_tx_abort(st);
    }
    return sw;
}

static uint16_t install_app(se *s, store_id elf, uint8_t module, const uint8_t *aid, size_t aid_len,
                            const uint8_t *params, size_t plen)
{
    store *st = se_store(s);
    const se_reg_rec *e = reg_get(s, elf);
    if (!e) return 0x6F03;
    store_id pkg = seam_be32(e->obj_id);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_APP;
    rec.life_cycle = GP_APP_SELECTABLE;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    seam_put_be32(rec.elf_id, elf);
    rec.module = module;
    if (store_tx_begin(st)) return 0x6F01;
    store_id id = 0;
    if (store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &id) || store_write(st, id, 0, &rec,
                                                                             sizeof rec)) {
        store_tx_abort(st);
        return 0x6F02;
    }
    char msg[256] = "";
    static const uint8_t priv[1] = {0};
    uint16_t sw = jcvm_install(s, pkg, module, id, aid, aid_len, priv, 1, params, plen, msg,
                               sizeof msg);
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_add(s, id);
    } else {
        fprintf(stderr, "  install: %04X %s\n", sw, msg);
        store_tx_abort(st);
    }
    return sw;
}

static uint8_t resp[APDU_MAX_RESPONSE];
static size_t resp_len;

/* Sends a command; returns the SW; response data in resp[0..resp_len). */
static uint16_t xmit(se *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                     size_t lc, bool le)
{
    uint8_t cmd[300];
    size_t n = 0;
    cmd[n++] = cla;
    cmd[n++] = ins;
    cmd[n++] = p1;
    cmd[n++] = p2;
    if (lc) {
        cmd[n++] = (uint8_t)lc;
        memcpy(cmd + n, data, lc);
        n += lc;
    }
    if (le) cmd[n++] = 0;
    size_t rl = 0;
    seam_err e = se_transmit(s, cmd, n, resp, sizeof resp, &rl);
    if (e || rl < 2) return 0;
    resp_len = rl - 2;
    uint16_t sw = (uint16_t)((resp[rl - 2] << 8) | resp[rl - 1]);
    if ((sw >> 8) == 0x61) { /* fetch the rest */
        uint8_t gr[5] = {cla & 0x03, 0xC0, 0, 0, (uint8_t)sw};
        size_t keep = resp_len;
        uint8_t tmp[APDU_MAX_RESPONSE];
        if (se_transmit(s, gr, 5, tmp, sizeof tmp, &rl) || rl < 2) return 0;
        memcpy(resp + keep, tmp, rl - 2);
        resp_len = keep + rl - 2;
        sw = (uint16_t)((tmp[rl - 2] << 8) | tmp[rl - 1]);
    }
    return sw;
}

static uint16_t select_aid(se *s, uint8_t ch, const uint8_t *aid, size_t len)
{
    return xmit(s, ch, 0xA4, 0x04, 0x00, aid, len, true);
}

/* ---- echo ---- */

static const uint8_t echo_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t echo_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};

static void test_echo(void)
{
    size_t len;
    uint8_t *jcl = read_jcl("applets/echo.jcl", &len);
    REQUIRE(jcl);
    card c = {0};
    REQUIRE(card_new(&c));
    store_id elf = 0;
    CHECK_EQ(load_pkg(c.s, jcl, len, echo_pkg_aid, sizeof echo_pkg_aid, &elf), 0x9000);
    CHECK_EQ(install_app(c.s, elf, 0, echo_app_aid, sizeof echo_app_aid, NULL, 0), 0x9000);
    CHECK_EQ(select_aid(c.s, 0, echo_app_aid, sizeof echo_app_aid), 0x9000);
    CHECK_EQ(resp_len, 0);
    static const uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    CHECK_EQ(xmit(c.s, 0x80, 0x01, 0, 0, hello, 5, true), 0x9000);
    CHECK_EQ(resp_len, 5);
    CHECK_MEM(resp, hello, 5);
    /* counter: persistent, inside a transaction */
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp_len, 2);
    CHECK_EQ(resp[0] << 8 | resp[1], 1);
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp[0] << 8 | resp[1], 2);
    CHECK_EQ(xmit(c.s, 0x00, 0x01, 0, 0, NULL, 0, true), 0x6E00);
    CHECK_EQ(xmit(c.s, 0x80, 0x77, 0, 0, NULL, 0, true), 0x6D00);
    /* power cycle: the counter survives */
    card_cycle(&c);
    REQUIRE(c.s);
    CHECK_EQ(select_aid(c.s, 0, echo_app_aid, sizeof echo_app_aid), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp[0] << 8 | resp[1], 3);
    /* loading the same package again is refused */
    CHECK_EQ(load_pkg(c.s, jcl, len, echo_pkg_aid, sizeof echo_pkg_aid, NULL), 0x6985);
    card_free(&c);
    free(jcl);
}


/* ---- the VmTest package ---- */

static const uint8_t vmt_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x54, 0x01};
static const uint8_t vmt_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x54, 0x01, 0x01};
static const uint8_t fwb_pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x42, 0x01};
static const uint8_t fwb_app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x42, 0x01, 0x01};

/* A card with VmTest loaded, installed and selected on channel 0. */
static bool vmt_card(card *c)
{
    size_t len;
    uint8_t *jcl = read_jcl("tests/jcvm/vmt.jcl", &len);
    if (!jcl || !card_new(c)) {
        free(jcl);
        return false;
    }
    store_id elf = 0;
    bool ok = load_pkg(c->s, jcl, len, vmt_pkg_aid, sizeof vmt_pkg_aid, &elf) == 0x9000 &&
              install_app(c->s, elf, 0, vmt_app_aid, sizeof vmt_app_aid, NULL, 0) == 0x9000 &&
              select_aid(c->s, 0, vmt_app_aid, sizeof vmt_app_aid) == 0x9000;
    free(jcl);
    return ok;
}

static int32_t be32i(const uint8_t *p)
{
    return (int32_t)seam_be32(p);
}

static void test_arith(void)
{
    card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 0, 0, NULL, 0, true), 0x9000);
    REQUIRE(resp_len == 48);
    CHECK_EQ(be32i(resp + 0), INT32_MIN);         /* MAX + 1 wraps */
    CHECK_EQ(be32i(resp + 4), INT32_MIN);         /* MIN / -1 */
    CHECK_EQ(be32i(resp + 8), 0);                 /* MIN % -1 */
    CHECK_EQ(be32i(resp + 12), -3);               /* -7 / 2 truncates */
    CHECK_EQ(be32i(resp + 16), -1);               /* -7 % 2 */
    CHECK_EQ(be32i(resp + 20), -4);               /* -16 >> 2 */
    CHECK_EQ(be32i(resp + 24), 15);               /* -16 >>> 28 */
    CHECK_EQ(be32i(resp + 28), 2);                /* 1 << 33: shift masked to 5 bits */
    CHECK_EQ(be32i(resp + 32), -56);              /* (byte) 200 */
    CHECK_EQ(be32i(resp + 36), 4464);             /* (short) 70000 */
    CHECK_EQ(be32i(resp + 40), (int32_t)(123456u * 1000u)); /* wraps */
    CHECK_EQ(be32i(resp + 44), 7 ^ 0x0F);         /* static int from <clinit> */
    /* division by zero: ArithmeticException, uncaught: 6F00 */
    CHECK_EQ(xmit(c.s, 0x80, 0x11, 0, 0, NULL, 0, true), 0x6F00);
    CHECK_EQ(resp_len, 0);
    CHECK_EQ(xmit(c.s, 0x80, 0x11, 3, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(be32i(resp), 0);
    card_free(&c);
}

static void test_control(void)
{
    card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x12, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t sw_exp[] = {10, 30, 0xFF, 1, 2, 3, 4};
    CHECK_EQ(resp_len, sizeof sw_exp);
    CHECK_MEM(resp, sw_exp, sizeof sw_exp);
    CHECK_EQ(xmit(c.s, 0x80, 0x13, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t ex_exp[] = {2, 201, 105, 33, 4};
    CHECK_EQ(resp_len, sizeof ex_exp);
    CHECK_MEM(resp, ex_exp, sizeof ex_exp);
    CHECK_EQ(xmit(c.s, 0x80, 0x14, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t arr_exp[] = {1, 3, 3, 0xFF, 16, 1, 1, 66, 77, 88};
    CHECK_EQ(resp_len, sizeof arr_exp);
    CHECK_MEM(resp, arr_exp, sizeof arr_exp);
    CHECK_EQ(xmit(c.s, 0x80, 0x14, 5, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp[8], 4);
    CHECK_EQ(xmit(c.s, 0x80, 0x15, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t disp_exp[] = {9, 12, 42, 0, 1, 4, 99, 29};
    CHECK_EQ(resp_len, sizeof disp_exp);
    CHECK_MEM(resp, disp_exp, sizeof disp_exp);
    CHECK_EQ(xmit(c.s, 0x80, 0x7F, 0, 0, NULL, 0, true), 0x6D00);
    card_free(&c);
}

static void test_transactions(void)
{
    card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x20, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp_len, 2);
    CHECK_EQ(resp[0], 0);
    CHECK_EQ(resp[1], 0);
    CHECK_EQ(xmit(c.s, 0x80, 0x23, 0x44, 0, NULL, 0, true), 0x9000);
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    CHECK_EQ(xmit(c.s, 0x80, 0x21, 0, 0, NULL, 0, true), 0x6F00); /* left open */
    CHECK_EQ(xmit(c.s, 0x80, 0x24, 0, 0, NULL, 0, true), 0x6A02); /* ISOException */
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    card_cycle(&c);
    REQUIRE(c.s);
    CHECK_EQ(select_aid(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x22, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t st_exp[] = {0, 0, 0, 0x44};
    CHECK_EQ(resp_len, 4);
    CHECK_MEM(resp, st_exp, 4);
    card_free(&c);
}

static void test_transient(void)
{
    card c = {0};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x30, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    static const uint8_t e1[] = {1, 2, 1, 0};
    CHECK_EQ(resp_len, 4);
    CHECK_MEM(resp, e1, 4);
    /* reselect: CLEAR_ON_DESELECT cleared, CLEAR_ON_RESET kept */
    CHECK_EQ(select_aid(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp[0], 1);
    CHECK_EQ(resp[1], 0);
    CHECK_EQ(xmit(c.s, 0x80, 0x30, 0, 0, NULL, 0, true), 0x9000);
    uint8_t atr[64];
    size_t atr_len;
    CHECK_EQ(se_reset(c.s, atr, sizeof atr, &atr_len), SEAM_OK);
    CHECK_EQ(select_aid(c.s, 0, vmt_app_aid, sizeof vmt_app_aid), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x31, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp[0], 0);
    CHECK_EQ(resp[1], 0);
    card_free(&c);
}

static void test_budget(void)
{
    card c = {.max_steps = 200000};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x40, 0, 0, NULL, 0, true), 0x6F00);
    /* the card still works */
    CHECK_EQ(xmit(c.s, 0x80, 0x22, 0, 0, NULL, 0, true), 0x9000);
    card_free(&c);
}

/* Not a pass/fail check: prints the interpreter's speed on a tight loop (iinc, getfield,
 * putfield, branch) for the log. */
static void test_speed(void)
{
    card c = {.max_steps = 5000000};
    REQUIRE(vmt_card(&c));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(xmit(c.s, 0x80, 0x40, 0, 0, NULL, 0, true), 0x6F00);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "  5M bytecodes (loop with a persistent field write) in %.3f s\n", s);
    card_free(&c);
}

static void test_memory(void)
{
    card c = {.capacity = 256 * 1024};
    REQUIRE(vmt_card(&c));
    CHECK_EQ(xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int before = resp[0] << 8 | resp[1];
    CHECK(before > 0 && before <= 256 * 1024 / 4);
    CHECK_EQ(xmit(c.s, 0x80, 0x41, 0, 0, NULL, 0, true), 0x9000);
    REQUIRE(resp_len == 3);
    CHECK_EQ(resp[0], 5); /* SystemException.NO_RESOURCE */
    int got = resp[1] << 8 | resp[2];
    CHECK(got > 5 && got < 100);
    CHECK_EQ(xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int during = resp[0] << 8 | resp[1];
    CHECK(during < 4100);
    /* object deletion gives it back */
    CHECK_EQ(xmit(c.s, 0x80, 0x42, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x43, 0, 0, NULL, 0, true), 0x9000);
    int after = resp[0] << 8 | resp[1];
    CHECK(after > before - 1000);
    card_free(&c);
}

static void test_firewall(void)
{
    card c = {0};
    REQUIRE(vmt_card(&c));
    size_t len;
    uint8_t *jcl = read_jcl("tests/jcvm/fwb.jcl", &len);
    REQUIRE(jcl);
    store_id elf = 0;
    CHECK_EQ(load_pkg(c.s, jcl, len, fwb_pkg_aid, sizeof fwb_pkg_aid, &elf), 0x9000);
    CHECK_EQ(install_app(c.s, elf, 0, fwb_app_aid, sizeof fwb_app_aid, NULL, 0), 0x9000);
    free(jcl);
    CHECK_EQ(xmit(c.s, 0x80, 0x50, 0, 0, NULL, 0, true), 0x9000); /* publish the array */
    CHECK_EQ(select_aid(c.s, 0, fwb_app_aid, sizeof fwb_app_aid), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x01, 0, 0, NULL, 0, true), 0x9000);
    CHECK_EQ(resp_len, 2);
    CHECK_EQ(resp[0], 0);    /* the reference itself is readable (getstatic) */
    CHECK_EQ(resp[1], 0x5E); /* its contents are not */
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0, true), 0x6F00);
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    /* the package cannot be loaded without its import */
    card c2 = {0};
    REQUIRE(card_new(&c2));
    jcl = read_jcl("tests/jcvm/fwb.jcl", &len);
    CHECK_EQ(load_pkg(c2.s, jcl, len, fwb_pkg_aid, sizeof fwb_pkg_aid, NULL), 0x6A88);
    free(jcl);
    card_free(&c2);
    card_free(&c);
}

static void test_bad_load(void)
{
    card c = {0};
    REQUIRE(card_new(&c));
    size_t len;
    uint8_t *jcl = read_jcl("tests/jcvm/vmt.jcl", &len);
    REQUIRE(jcl);
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    /* truncated and garbage load files */
    CHECK_EQ(load_pkg(c.s, jcl, len / 2, vmt_pkg_aid, sizeof vmt_pkg_aid, NULL), 0x6A80);
    uint8_t junk[64];
    memset(junk, 0x5A, sizeof junk);
    CHECK_EQ(load_pkg(c.s, junk, sizeof junk, vmt_pkg_aid, sizeof vmt_pkg_aid, NULL), 0x6A80);
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    free(jcl);
    card_free(&c);
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
