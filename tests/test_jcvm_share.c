/*
 * Tests of the Java Card runtime's inter-applet and channel features, driven through jcvm.h
 * and APDUs with the test packages of tests/jc/vm (built into $SEAM_BUILD/tests/jcvm/):
 *  - Shareable interface objects (JCRE §6.2.4): grant, refusal, the context switch of an
 *    interface call (getPreviousContextAID in the server), the firewall on methods outside
 *    Shareable interfaces and on objects reached through another package's public static;
 *  - applet deletion (JCRE §11.3.4): AppletEvent.uninstall, and 6985 while another context
 *    holds a reference to one of the applet's objects;
 *  - OwnerPIN (API OwnerPIN): tries, blocking, reset, and no free try through an aborted
 *    transaction or a transaction left open; Util non-atomic methods under a transaction;
 *  - MultiSelectable (JCRE §4.2, §4.5): one applet on two logical channels with the select /
 *    deselect flags, JCSystem.getAssignedChannel, and 6985 for a non-multiselectable applet;
 *  - extended length (javacardx.apdu.ExtendedLength): 1000 bytes in and out, 6700 for an
 *    applet that does not implement it.
 * Packages are loaded and instances installed as GP content management does (registry entry
 * and runtime call inside one store transaction, committed on 9000), on an SE opened on a
 * memory medium so that a power cycle is se_close + se_open.
 */
#include <stdbool.h>

#include "check.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/se.h"

static uint8_t *read_jcl(const char *name, size_t *len)
{
    const char *b = getenv("SEAM_BUILD");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/jcvm/%s", b ? b : "build", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot read %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

typedef struct {
    store_medium *m;
    se *s;
} card;

static bool card_open(card *c)
{
    char msg[256];
    se_config cfg = {.medium = c->m, .quiet = true};
    seam_err e = se_open(&c->s, &cfg, msg, sizeof msg);
    if (e) fprintf(stderr, "  se_open: %s: %s\n", seam_strerror(e), msg);
    return e == SEAM_OK;
}

static bool card_new(card *c)
{
    memset(c, 0, sizeof *c);
    return !store_medium_memory(&c->m) && card_open(c);
}

static bool card_cycle(card *c)
{
    se_close(c->s);
    c->s = NULL;
    return card_open(c);
}

static void card_free(card *c)
{
    if (c->s) se_close(c->s);
    if (c->m) store_medium_free(c->m);
    memset(c, 0, sizeof *c);
}

static store_id new_reg(se *s, uint8_t kind, uint8_t lc, const uint8_t *aid, size_t aid_len,
                        store_id elf, uint8_t module)
{
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = kind;
    rec.life_cycle = lc;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    seam_put_be32(rec.elf_id, elf);
    rec.module = module;
    store_id id = 0;
    if (store_alloc(se_store(s), 0, SE_OBJ_REGISTRY, sizeof rec, &id) ||
        store_write(se_store(s), id, 0, &rec, sizeof rec))
        return 0;
    return id;
}

/* LOAD: registry entry and package in one transaction; the load file's entry id or 0. */
static store_id load(se *s, const char *file, const uint8_t *aid, size_t aid_len)
{
    size_t len;
    uint8_t *jcl = read_jcl(file, &len);
    if (!jcl) return 0;
    store *st = se_store(s);
    store_id id = 0, pkg = 0;
    char msg[256] = "";
    uint16_t sw = 0;
    if (!store_tx_begin(st) &&
        (id = new_reg(s, REG_KIND_LOAD_FILE, GP_ELF_LOADED, aid, aid_len, 0, 0)) != 0)
        sw = jcvm_load(s, jcl, len, &pkg, msg, sizeof msg);
    free(jcl);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  load %s: %04X %s\n", file, sw, msg);
        store_tx_abort(st);
        return 0;
    }
    uint8_t be[4];
    seam_put_be32(be, pkg);
    store_write(st, id, offsetof(se_reg_rec, obj_id), be, 4);
    store_tx_commit(st);
    reg_index_add(s, id);
    return id;
}

static uint16_t install(se *s, store_id elf, uint8_t module, const uint8_t *aid, size_t aid_len)
{
    store *st = se_store(s);
    const se_reg_rec *e = reg_get(s, elf);
    if (!e) return 0x6F03;
    store_id pkg = seam_be32(e->obj_id);
    if (store_tx_begin(st)) return 0x6F01;
    store_id id = new_reg(s, REG_KIND_APP, GP_APP_SELECTABLE, aid, aid_len, elf, module);
    if (!id) {
        store_tx_abort(st);
        return 0x6F02;
    }
    char msg[256] = "";
    static const uint8_t priv[1] = {0};
    uint16_t sw = jcvm_install(s, pkg, module, id, aid, aid_len, priv, 1, NULL, 0, msg, sizeof msg);
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_add(s, id);
    } else {
        fprintf(stderr, "  install: %04X %s\n", sw, msg);
        store_tx_abort(st);
    }
    return sw;
}

/* DELETE of an applet instance as GP does it (src/se/gp/content.c). */
static uint16_t delete_app(se *s, const uint8_t *aid, size_t aid_len)
{
    store *st = se_store(s);
    store_id id = reg_find(s, aid, aid_len, false, 0, false);
    if (!id) return 0x6A88;
    if (store_tx_begin(st)) return 0x6F01;
    uint16_t sw = jcvm_delete_app(s, id);
    if (sw == SW_NO_ERROR && store_free(st, id)) sw = 0x6F00;
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_prune(s);
    } else {
        store_tx_abort(st);
    }
    return sw;
}

static uint8_t resp[APDU_MAX_RESPONSE];
static size_t resp_len;

static uint16_t raw(se *s, const uint8_t *cmd, size_t n)
{
    size_t rl = 0;
    resp_len = 0;
    if (se_transmit(s, cmd, n, resp, sizeof resp, &rl) || rl < 2) return 0;
    resp_len = rl - 2;
    return (uint16_t)((resp[rl - 2] << 8) | resp[rl - 1]);
}

/* A short command with Le = 00 (cla carries the logical channel). */
static uint16_t xmit(se *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                     size_t lc)
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
    cmd[n++] = 0;
    return raw(s, cmd, n);
}

static uint16_t select_aid(se *s, uint8_t ch, const uint8_t *aid, size_t len)
{
    return xmit(s, ch, 0xA4, 0x04, 0x00, aid, len);
}

static int be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

/* ---- AIDs ---- */

static const uint8_t shs_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01};
static const uint8_t srv1[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0x01};
static const uint8_t srv2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0x02};
static const uint8_t shc_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x43, 0x01};
static const uint8_t cli[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x43, 0x01, 0x01};
static const uint8_t xt_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x58, 0x01};
static const uint8_t pinapp[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x58, 0x01, 0x01};
static const uint8_t extapp[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x58, 0x01, 0x02};
static const uint8_t ms_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x4D, 0x01};
static const uint8_t multi[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x4D, 0x01, 0x01};

/* Server (two instances) and Client installed; Client selected on channel 0. */
static bool share_card(card *c)
{
    if (!card_new(c)) return false;
    store_id e1 = load(c->s, "shs.jcl", shs_pkg, sizeof shs_pkg);
    store_id e2 = e1 ? load(c->s, "shc.jcl", shc_pkg, sizeof shc_pkg) : 0;
    return e2 && install(c->s, e1, 0, srv1, sizeof srv1) == 0x9000 &&
           install(c->s, e1, 0, srv2, sizeof srv2) == 0x9000 &&
           install(c->s, e2, 0, cli, sizeof cli) == 0x9000 &&
           select_aid(c->s, 0, cli, sizeof cli) == 0x9000;
}

/* ---- Shareable interface objects ---- */

static void test_share(void)
{
    card c;
    REQUIRE(share_card(&c));
    /* granted: the interface call runs in the server's context and sees the client's AID */
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 1, 0, NULL, 0), 0x9000);
    REQUIRE(resp_len == 3 + sizeof cli);
    CHECK_EQ(be16(resp), 5);
    CHECK_EQ(resp[2], sizeof cli);
    CHECK_MEM(resp + 3, cli, sizeof cli);
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 1, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 10);
    /* refused: the server returns null, the client reports 6A88 */
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 0, 0, NULL, 0), 0x6A88);
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 7, 0, NULL, 0), 0x6A88);
    /* a method of the shared object outside any Shareable interface (invokevirtual) */
    CHECK_EQ(xmit(c.s, 0x80, 0x13, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0x5E);
    /* a server object reached through a public static field of the server's package: the
     * reference is readable, using it is not */
    CHECK_EQ(xmit(c.s, 0x80, 0x15, 0, 0, NULL, 0), 0x9000);
    static const uint8_t st_exp[] = {0, 0x5E, 0x5E};
    CHECK_EQ(resp_len, 3);
    CHECK_MEM(resp, st_exp, 3);
    /* the same reference stored in a field of the client and used in a later command */
    CHECK_EQ(xmit(c.s, 0x80, 0x17, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(resp_len, 1);
    CHECK_EQ(resp[0], 1);
    CHECK_EQ(xmit(c.s, 0x80, 0x18, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0x5E);
    /* (invokeinterface Secret.leak, an interface that does not extend Shareable): JCRE §6.2.4.2
     * wants SecurityException (0x5E) */
    CHECK_EQ(xmit(c.s, 0x80, 0x14, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0x5E);
    /* the server's CLEAR_ON_DESELECT array, used in a Shareable call while the client is the
     * selected applet: SecurityException (JCRE §6.1.6) */
    CHECK_EQ(xmit(c.s, 0x80, 0x16, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0x5E);
    /* the server's own view: its object's count, and getAID in its context */
    CHECK_EQ(select_aid(c.s, 0, srv1, sizeof srv1), 0x9000);
    /* its CLEAR_ON_DESELECT array: usable in install() (the applet being installed counts as
     * selected, JCRE 3.0.5 §11.2; IsoApplet relies on it) and now that it is selected */
    CHECK_EQ(xmit(c.s, 0x80, 0x04, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(resp_len, 4);
    CHECK_EQ(be16(resp), 1);
    CHECK_EQ(be16(resp + 2), 1);
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 10);
    CHECK_EQ(xmit(c.s, 0x80, 0x03, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(resp_len, sizeof srv1);
    CHECK_MEM(resp, srv1, sizeof srv1);
    /* the other instance has its own object */
    CHECK_EQ(select_aid(c.s, 0, srv2, sizeof srv2), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x02, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0);
    /* after a power cycle the shared object still counts */
    REQUIRE(card_cycle(&c));
    CHECK_EQ(select_aid(c.s, 0, cli, sizeof cli), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 1, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 15);
    card_free(&c);
}

/* ---- deletion: AppletEvent.uninstall and references from other contexts ---- */

static void test_delete(void)
{
    card c;
    REQUIRE(share_card(&c));
    /* the client keeps the server's object in a field: the server cannot be deleted */
    CHECK_EQ(xmit(c.s, 0x80, 0x11, 0, 0, NULL, 0), 0x9000);
    uint8_t d1[32], d2[32];
    REQUIRE(store_digest(se_store(c.s), d1) == SEAM_OK);
    CHECK_EQ(delete_app(c.s, srv1, sizeof srv1), 0x6985);
    REQUIRE(store_digest(se_store(c.s), d2) == SEAM_OK);
    CHECK_MEM(d1, d2, 32);
    /* the selected client cannot be deleted either */
    CHECK_EQ(delete_app(c.s, cli, sizeof cli), 0x6985);
    /* uninstall() did not run */
    CHECK_EQ(select_aid(c.s, 0, srv2, sizeof srv2), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x01, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 0);
    /* ... nor the selected server; once deselected, the other server instance is not
     * referenced: deletable (uninstall counts 1) */
    CHECK_EQ(delete_app(c.s, srv2, sizeof srv2), 0x6985);
    CHECK_EQ(select_aid(c.s, 0, cli, sizeof cli), 0x9000);
    CHECK_EQ(delete_app(c.s, srv2, sizeof srv2), 0x9000);
    /* the client drops the reference: now the first instance goes too */
    CHECK_EQ(xmit(c.s, 0x80, 0x12, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(delete_app(c.s, srv1, sizeof srv1), 0x9000);
    /* the client no longer finds a server */
    CHECK_EQ(xmit(c.s, 0x80, 0x10, 1, 0, NULL, 0), 0x6A82);
    /* a new instance reads the package's static: two uninstall() calls ran */
    REQUIRE(card_cycle(&c));
    store_id elf = reg_find(c.s, shs_pkg, sizeof shs_pkg, false, 0, false);
    REQUIRE(elf);
    CHECK_EQ(install(c.s, elf, 0, srv2, sizeof srv2), 0x9000);
    CHECK_EQ(select_aid(c.s, 0, srv2, sizeof srv2), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x01, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(be16(resp), 2);
    card_free(&c);
}

/* ---- OwnerPIN and non-atomic Util ---- */

static const uint8_t good[] = {0x31, 0x32, 0x33, 0x34};
static const uint8_t bad[] = {0x31, 0x32, 0x33, 0x35};

static bool xt_card(card *c)
{
    if (!card_new(c)) return false;
    store_id e = load(c->s, "xt.jcl", xt_pkg, sizeof xt_pkg);
    return e && install(c->s, e, 0, pinapp, sizeof pinapp) == 0x9000 &&
           install(c->s, e, 1, extapp, sizeof extapp) == 0x9000;
}

static void check_pin(card *c, const uint8_t *cand, int ok, int tries, int validated)
{
    CHECK_EQ(xmit(c->s, 0x80, 0x20, 0, 0, cand, 4), 0x9000);
    REQUIRE(resp_len == 3);
    CHECK_EQ(resp[0], ok);
    CHECK_EQ(resp[1], tries);
    CHECK_EQ(resp[2], validated);
}

static int tries(card *c)
{
    if (xmit(c->s, 0x80, 0x21, 0, 0, NULL, 0) != 0x9000 || resp_len != 1) return -1;
    return resp[0];
}

static void test_pin(void)
{
    card c;
    REQUIRE(xt_card(&c));
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    CHECK_EQ(tries(&c), 3);
    check_pin(&c, bad, 0, 2, 0);
    check_pin(&c, good, 1, 3, 1);
    /* reset() unblocks only a validated PIN */
    check_pin(&c, bad, 0, 2, 0);
    CHECK_EQ(xmit(c.s, 0x80, 0x28, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(resp[0], 2);
    /* blocked after the limit, even for the right value */
    check_pin(&c, bad, 0, 1, 0);
    check_pin(&c, bad, 0, 0, 0);
    check_pin(&c, good, 0, 0, 0);
    CHECK_EQ(tries(&c), 0);
    /* a wrong length is a failed try */
    CHECK_EQ(xmit(c.s, 0x80, 0x22, 0, 0, NULL, 0), 0x9000);
    CHECK_EQ(tries(&c), 3);
    CHECK_EQ(xmit(c.s, 0x80, 0x20, 0, 0, good, 3), 0x9000);
    CHECK_EQ(resp[0], 0);
    CHECK_EQ(resp[1], 2);
    check_pin(&c, good, 1, 3, 1);
    /* the free-try attack: a wrong verify inside a transaction, then abortTransaction */
    CHECK_EQ(xmit(c.s, 0x80, 0x23, 0, 0, bad, 4), 0x9000);
    CHECK_EQ(resp[0], 0);
    CHECK_EQ(resp[1], 2);
    CHECK_EQ(tries(&c), 2);
    /* ... or a transaction left open (the runtime aborts it: 6F00) */
    CHECK_EQ(xmit(c.s, 0x80, 0x24, 0, 0, bad, 4), 0x6F00);
    CHECK_EQ(tries(&c), 1);
    /* a right verify inside an aborted transaction keeps the counter reset */
    CHECK_EQ(xmit(c.s, 0x80, 0x23, 0, 0, good, 4), 0x9000);
    CHECK_EQ(resp[0], 1);
    CHECK_EQ(resp[1], 3);
    CHECK_EQ(xmit(c.s, 0x80, 0x24, 0, 0, bad, 4), 0x6F00);
    /* the counter is durable */
    REQUIRE(card_cycle(&c));
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    CHECK_EQ(tries(&c), 2);
    card_free(&c);
}

/* A power cut at every low-level write of a verify inside a transaction: after power-up the
 * counter is never above what it was less one once the decrement may have been written, and
 * never restored by the lost transaction. */
static void test_pin_tear(void)
{
    for (unsigned long cut = 1;; cut++) {
        card c;
        REQUIRE(xt_card(&c));
        CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
        store_medium_set_tear(c.m, cut);
        uint16_t sw = xmit(c.s, 0x80, 0x23, 0, 0, bad, 4);
        bool torn = store_medium_torn(c.m);
        se_close(c.s);
        c.s = NULL;
        store_medium_power_cycle(c.m);
        REQUIRE(card_open(&c));
        CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
        int t = tries(&c);
        CHECK(t == 2 || (torn && t == 3));
        card_free(&c);
        if (!torn) {
            CHECK_EQ(sw, 0x9000);
            break;
        }
    }
}

static void test_nonatomic(void)
{
    card c;
    REQUIRE(xt_card(&c));
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    static const uint8_t in[] = {0xAA, 0xBB, 0xCC, 0xDD};
    static const uint8_t exp[] = {0x11, 0x11, 0x11, 0x11, 0x00, 0xAA,
                                  0xBB, 0xCC, 0xDD, 0x00, 0x00, 0x00};
    CHECK_EQ(xmit(c.s, 0x80, 0x26, 0, 0, in, 4), 0x9000);
    CHECK_EQ(resp_len, 12);
    CHECK_MEM(resp, exp, 12);
    REQUIRE(card_cycle(&c));
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    CHECK_EQ(xmit(c.s, 0x80, 0x27, 0, 0, NULL, 0), 0x9000);
    CHECK_MEM(resp, exp, 12);
    card_free(&c);
}

/* ---- MultiSelectable and logical channels ---- */

static void multi_log(card *c, uint8_t ch, const uint8_t *exp, size_t n)
{
    CHECK_EQ(xmit(c->s, ch, 0x40, 0, 0, NULL, 0), 0x9000);
    if (resp_len != 2 + n) {
        fprintf(stderr, "  log on channel %u:", ch);
        for (size_t i = 0; i < resp_len; i++)
            fprintf(stderr, " %02X", resp[i]);
        fprintf(stderr, "\n");
    }
    REQUIRE(resp_len == 2 + n);
    CHECK_EQ(resp[0], ch); /* JCSystem.getAssignedChannel */
    CHECK_EQ(resp[1], n);
    CHECK_MEM(resp + 2, exp, n);
}

static void test_multi(void)
{
    card c;
    REQUIRE(xt_card(&c));
    store_id e = load(c.s, "ms.jcl", ms_pkg, sizeof ms_pkg);
    REQUIRE(e);
    CHECK_EQ(install(c.s, e, 0, multi, sizeof multi), 0x9000);
    CHECK_EQ(select_aid(c.s, 0, multi, sizeof multi), 0x9000);
    multi_log(&c, 0, (const uint8_t[]){0x10}, 1);
    /* MANAGE CHANNEL open, then the same instance on channel 1: select(true) */
    static const uint8_t open[] = {0x00, 0x70, 0x00, 0x00, 0x01};
    CHECK_EQ(raw(c.s, open, sizeof open), 0x9000);
    CHECK_EQ(resp_len, 1);
    CHECK_EQ(resp[0], 1);
    CHECK_EQ(select_aid(c.s, 1, multi, sizeof multi), 0x9000);
    multi_log(&c, 1, (const uint8_t[]){0x21}, 1);
    /* selected again on channel 0: deselect(true) then select(true) */
    CHECK_EQ(select_aid(c.s, 0, multi, sizeof multi), 0x9000);
    multi_log(&c, 0, (const uint8_t[]){0x41, 0x21}, 2);
    /* MANAGE CHANNEL close of 1: deselect(true) (still active on 0) */
    static const uint8_t close1[] = {0x01, 0x70, 0x80, 0x01};
    CHECK_EQ(raw(c.s, close1, sizeof close1), 0x9000);
    multi_log(&c, 0, (const uint8_t[]){0x41}, 1);
    /* another applet on channel 0: deselect() (the last selection) */
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    CHECK_EQ(select_aid(c.s, 0, multi, sizeof multi), 0x9000);
    multi_log(&c, 0, (const uint8_t[]){0x30, 0x10}, 2);
    /* a non-multiselectable applet (or another applet of its package) active on channel 0
     * cannot be selected on channel 1: 6985 (JCRE §4.5.2), and channel 1 stays without one */
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    CHECK_EQ(raw(c.s, open, sizeof open), 0x9000);
    CHECK_EQ(resp[0], 1);
    CHECK_EQ(select_aid(c.s, 1, pinapp, sizeof pinapp), 0x6985);
    CHECK_EQ(select_aid(c.s, 1, extapp, sizeof extapp), 0x6985);
    CHECK(!jcvm_selected(c.s, 1));
    CHECK_EQ(tries(&c), 3); /* channel 0 is untouched */
    /* Multi was deselected from channel 0 by PinTest's selection: deselect(), then select() */
    CHECK_EQ(select_aid(c.s, 1, multi, sizeof multi), 0x9000);
    multi_log(&c, 1, (const uint8_t[]){0x30, 0x10}, 2);
    card_free(&c);
}

/* ---- extended length ---- */

static void test_extlen(void)
{
    card c;
    REQUIRE(xt_card(&c));
    CHECK_EQ(select_aid(c.s, 0, extapp, sizeof extapp), 0x9000);
    static uint8_t cmd[7 + 1000 + 2];
    size_t n = 0;
    cmd[n++] = 0x80;
    cmd[n++] = 0x30;
    cmd[n++] = 0;
    cmd[n++] = 0;
    cmd[n++] = 0;
    cmd[n++] = 0x03;
    cmd[n++] = 0xE8;
    for (int i = 0; i < 1000; i++)
        cmd[n++] = (uint8_t)(i * 7 + 3);
    cmd[n++] = 0x03;
    cmd[n++] = 0xE8;
    CHECK_EQ(raw(c.s, cmd, n), 0x9000);
    REQUIRE(resp_len == 1000);
    bool same = true;
    for (int i = 0; i < 1000; i++)
        same = same && resp[i] == (uint8_t) ~(uint8_t)(i * 7 + 3);
    CHECK(same);
    /* an applet that does not implement ExtendedLength: 6700 */
    CHECK_EQ(select_aid(c.s, 0, pinapp, sizeof pinapp), 0x9000);
    static const uint8_t ext_pin[] = {0x80, 0x20, 0, 0, 0, 0, 4, 0x31, 0x32, 0x33, 0x34, 0, 0};
    CHECK_EQ(raw(c.s, ext_pin, sizeof ext_pin), 0x6700);
    CHECK_EQ(resp_len, 0);
    CHECK_EQ(tries(&c), 3); /* process() never ran */
    card_free(&c);
}

int main(void)
{
    RUN(test_share);
    RUN(test_delete);
    RUN(test_pin);
    RUN(test_pin_tear);
    RUN(test_nonatomic);
    RUN(test_multi);
    RUN(test_extlen);
    return check_summary();
}
