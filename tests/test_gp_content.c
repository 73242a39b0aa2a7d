/*
 * Card content management on the ISD (GP CS 2.3.1 §11.2, §11.4, §11.5, §11.6), driven through
 * an in-process SE and the host library's SCP03 session (gpclient): INSTALL [for load], LOAD in
 * several blocks, INSTALL [for install] / [for make selectable], SELECT of the applet, GET STATUS
 * of applications, load files and modules in both formats (with 6310 continuation), DELETE of
 * applications and load files (P2 00 and 80), the registry after a power cycle, and the refusals:
 * no session, LOAD without INSTALL, blocks out of sequence, wrong AID, duplicate AID, unknown
 * module or load file, corrupt load file, hash mismatch, DAP blocks, tokens, privileges, DELETE
 * of an imported package. Every refused command must leave the store's digest unchanged.
 *
 * Load files: the echo package (F07365616D01, applet F07365616D0101) from
 * $SEAM_BUILD/applets/echo.jcl, or built here with `seam jc build` from tests/jc/convert/echo;
 * the server/client pair of tests/jc/convert (client imports server) always built here. Without
 * javac or the seam binary those parts are skipped (reported).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cardrig.h"
#include "check.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/store.h"
#include "seam/sw.h"
#include "seam/transport.h"

static const uint8_t ISD[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t ECHO_PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t ECHO_MOD[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};
static const uint8_t SRV_PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x03};
static const uint8_t CLI_PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x04};

/* ---- load files ---- */

typedef struct {
    uint8_t *p;
    size_t n;
} blob;
static blob echo_jcl, srv_jcl, cli_jcl;
static char tmpdir[64];

static bool read_file(const char *path, blob *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    b->p = malloc(1 << 20);
    b->n = fread(b->p, 1, 1 << 20, f);
    fclose(f);
    return b->n > 0;
}

static void prepare_load_files(void)
{
    const char *build = getenv("SEAM_BUILD") ? getenv("SEAM_BUILD") : "build";
    const char *bin = getenv("SEAM_BIN");
    char path[512], cmd[2048];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/seam-gpc-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    snprintf(path, sizeof path, "%s/applets/echo.jcl", build);
    if (!read_file(path, &echo_jcl) && bin) {
        snprintf(cmd, sizeof cmd,
                 "'%s' jc build -o %s/echo.jcl --package-aid F07365616D01 "
                 "--applet com.seam.test.echo.Echo=F07365616D0101 --api '%s/jc/api.jar' "
                 "tests/jc/convert/echo/*.java >/dev/null 2>&1",
                 bin, tmpdir, build);
        if (system(cmd) == 0) {
            snprintf(path, sizeof path, "%s/echo.jcl", tmpdir);
            read_file(path, &echo_jcl);
        }
    }
    if (!bin) return;
    snprintf(cmd, sizeof cmd,
             "'%s' jc build -o %s/srv.jcl --package-aid F07365616D03 --api '%s/jc/api.jar' "
             "tests/jc/convert/server/*.java >/dev/null 2>&1 && "
             "'%s' jc build -o %s/cli.jcl --package-aid F07365616D04 "
             "--applet Client=F07365616D0401 --import %s/srv.jcl --api '%s/jc/api.jar' "
             "tests/jc/convert/client/*.java >/dev/null 2>&1",
             bin, tmpdir, build, bin, tmpdir, tmpdir, build);
    if (system(cmd) == 0) {
        snprintf(path, sizeof path, "%s/srv.jcl", tmpdir);
        read_file(path, &srv_jcl);
        snprintf(path, sizeof path, "%s/cli.jcl", tmpdir);
        read_file(path, &cli_jcl);
    }
}

static void cleanup_load_files(void)
{
    char cmd[128];
    if (tmpdir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    free(echo_jcl.p);
    free(srv_jcl.p);
    free(cli_jcl.p);
}

/* ---- the card ---- */

static card_rig R;
static uint8_t out[APDU_MAX_RESPONSE];
static size_t outlen;

/* A new card on a blank medium (the test stops when it cannot be made). */
static void fresh(void)
{
    card_rig_close(&R);
    if (!card_rig_open(&R)) abort();
}

static void power_cycle(void)
{
    if (!card_rig_power_cycle(&R)) abort();
}

static uint16_t select_aid(const uint8_t *aid, size_t n)
{
    return card_rig_select_fci(&R, aid, n, out, sizeof out, &outlen);
}

/* Selects the ISD and opens an SCP03 session with C-MAC, C-DEC, R-MAC, R-ENC. */
static bool auth(void)
{
    gp_keys k;
    card_rig_test_keys(&k);
    seam_err e = card_rig_open_sd(&R, ISD, sizeof ISD, &k, 0x33);
    gp_keys_wipe(&k);
    return e == SEAM_OK;
}

static uint16_t cmd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc)
{
    return card_rig_cmd(&R.ses, ins, p1, p2, data, lc, out, sizeof out, &outlen);
}

static void digest(uint8_t d[32])
{
    card_rig_digest(&R, d);
}

/* A command that must be refused with `want`, leaving the store exactly as it was. */
#define REFUSED(want, ins, p1, p2, data, lc) CARD_RIG_REFUSED(&R, want, cmd(ins, p1, p2, data, lc))

/* ---- content management APDUs ---- */

static rig_buf for_load(const uint8_t *aid, size_t aid_len, const uint8_t *hash)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, aid, aid_len);
    rig_put_lv(&b, ISD, sizeof ISD);
    rig_put_lv(&b, hash, hash ? 32 : 0);
    static const uint8_t params[] = {0xEF, 0x04, 0xC6, 0x02, 0x10, 0x00};
    rig_put_lv(&b, params, sizeof params);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static rig_buf for_install(const uint8_t *elf, size_t elf_len, const uint8_t *mod, size_t mod_len,
                           const uint8_t *aid, size_t aid_len, uint8_t priv)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, elf, elf_len);
    rig_put_lv(&b, mod, mod_len);
    rig_put_lv(&b, aid, aid_len);
    rig_put_lv(&b, &priv, 1);
    static const uint8_t params[] = {0xC9, 0x00};
    rig_put_lv(&b, params, sizeof params);
    rig_put_lv(&b, NULL, 0);
    return b;
}

/* The LOAD data: C4 + BER length + the load file (a DAP block first when dap). */
static uint8_t *wrap_c4(const blob *f, size_t *n, bool dap)
{
    uint8_t *p = malloc(f->n + 16);
    size_t k = 0;
    if (dap) {
        static const uint8_t e2[] = {0xE2, 0x03, 0x4F, 0x01, 0x00};
        memcpy(p, e2, sizeof e2);
        k = sizeof e2;
    }
    p[k++] = 0xC4;
    if (f->n < 0x80) {
        p[k++] = (uint8_t)f->n;
    } else if (f->n < 0x100) {
        p[k++] = 0x81;
        p[k++] = (uint8_t)f->n;
    } else {
        p[k++] = 0x82;
        p[k++] = (uint8_t)(f->n >> 8);
        p[k++] = (uint8_t)f->n;
    }
    memcpy(p + k, f->p, f->n);
    *n = k + f->n;
    return p;
}

/* Sends the whole load file in LOAD blocks of `block` bytes; returns the SW of the first block
 * that is not 9000, or of the last. */
static uint16_t load_blocks(const blob *f, size_t block)
{
    size_t n;
    uint8_t *p = wrap_c4(f, &n, false);
    uint16_t sw = 0;
    uint8_t no = 0;
    for (size_t off = 0; off < n; off += block, no++) {
        size_t k = n - off < block ? n - off : block;
        bool last = off + k == n;
        sw = cmd(0xE8, last ? 0x80 : 0x00, no, p + off, k);
        if (sw != SW_NO_ERROR) break;
    }
    free(p);
    return sw;
}

static bool vm_loads = true; /* false once the runtime answered 6A81 (not implemented) */

/* INSTALL [for load] + LOAD of a whole file. */
static uint16_t load(const blob *f, const uint8_t *aid, size_t aid_len)
{
    rig_buf b = for_load(aid, aid_len, NULL);
    uint16_t sw = cmd(0xE6, 0x02, 0x00, b.b, b.n);
    if (sw != SW_NO_ERROR) return sw;
    CHECK_EQ(outlen, 1);
    sw = load_blocks(f, 100);
    if (sw == SW_FUNC_NOT_SUPPORTED) vm_loads = false;
    return sw;
}

static uint16_t install(uint8_t p1, const uint8_t *elf, size_t elf_len, const uint8_t *mod,
                        size_t mod_len, const uint8_t *aid, size_t aid_len)
{
    rig_buf b = for_install(elf, elf_len, mod, mod_len, aid, aid_len, 0x00);
    return cmd(0xE6, p1, 0x00, b.b, b.n);
}

static uint16_t delete_aid(const uint8_t *aid, size_t n, uint8_t p2)
{
    rig_buf b = {.n = 0};
    b.b[b.n++] = 0x4F;
    rig_put_lv(&b, aid, n);
    return cmd(0xE4, 0x00, p2, b.b, b.n);
}

/* The load files are built by make (javac and the seam binary are dependencies): a missing one
 * is a failure, not a reason to test less. */
static bool have(const blob *f, const char *what)
{
    if (f->n) return true;
    fprintf(stderr, "  no %s load file (SEAM_BIN and SEAM_BUILD must point at a build)\n", what);
    CHECK(f->n != 0);
    return false;
}

static bool vm_ready(void)
{
    if (vm_loads) return true;
    fprintf(stderr, "  the Java Card runtime refused to load a package (6A81)\n");
    CHECK(vm_loads);
    return false;
}

/* ---- tests ---- */

static void test_no_session(void)
{
    fresh();
    REQUIRE(select_aid(ISD, sizeof ISD) == SW_NO_ERROR);
    rig_buf b = for_load(ECHO_PKG, sizeof ECHO_PKG, NULL);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, b.b, b.n);
    uint8_t blk[] = {0xC4, 0x01, 0x00};
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE8, 0x80, 0x00, blk, sizeof blk);
    uint8_t del[] = {0x4F, 0x06, 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE4, 0x00, 0x00, del, sizeof del);
    /* a session at level 00 (no C-MAC) is no better */
    gp_keys k;
    card_rig_test_keys(&k);
    uint16_t sw;
    REQUIRE(gp_session_open(&R.ses, &R.cl, &k, 0x00, NULL, 8, &sw) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, b.b, b.n);
}

static void test_load_protocol_errors(void)
{
    fresh();
    REQUIRE(auth());
    uint8_t blk[] = {0xC4, 0x03, 0x01, 0x02, 0x03};
    /* LOAD without INSTALL [for load] */
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE8, 0x80, 0x00, blk, sizeof blk);
    /* a block out of sequence ends the load */
    rig_buf b = for_load(ECHO_PKG, sizeof ECHO_PKG, NULL);
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    uint8_t first[] = {0xC4, 0x82, 0x01, 0x00, 0x53, 0x4A};
    CHECK_EQ(cmd(0xE8, 0x00, 0x00, first, sizeof first), SW_NO_ERROR);
    REFUSED(SW_INCORRECT_P1P2, 0xE8, 0x00, 0x02, blk, sizeof blk);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE8, 0x00, 0x01, blk, sizeof blk);
    /* a repeated block number is out of sequence too */
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    CHECK_EQ(cmd(0xE8, 0x00, 0x00, first, sizeof first), SW_NO_ERROR);
    REFUSED(SW_INCORRECT_P1P2, 0xE8, 0x00, 0x00, first, sizeof first);
    /* DAP blocks are not supported yet */
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    uint8_t e2[] = {0xE2, 0x03, 0x4F, 0x01, 0x00};
    REFUSED(SW_WRONG_DATA, 0xE8, 0x80, 0x00, e2, sizeof e2);
    /* data after the C4 value; a C4 value shorter than announced; empty C4 */
    uint8_t after[] = {0xC4, 0x01, 0x00, 0x00};
    uint8_t shorter[] = {0xC4, 0x05, 0x00, 0x00};
    uint8_t empty[] = {0xC4, 0x00};
    uint8_t huge[] = {0xC4, 0x83, 0x01, 0x00, 0x01, 0x00};
    uint8_t indefinite[] = {0xC4, 0x80, 0x00};
    const uint8_t *bad[] = {after, shorter, empty, indefinite};
    size_t badn[] = {sizeof after, sizeof shorter, sizeof empty, sizeof indefinite};
    for (size_t i = 0; i < 4; i++) {
        REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
        REFUSED(SW_WRONG_DATA, 0xE8, 0x80, 0x00, bad[i], badn[i]);
    }
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    REFUSED(SW_NOT_ENOUGH_MEMORY, 0xE8, 0x00, 0x00, huge, sizeof huge);
    /* P1 other than 00/80 */
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    REFUSED(SW_INCORRECT_P1P2, 0xE8, 0x01, 0x00, blk, sizeof blk);
    /* SELECT ends the session and with it the load */
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    REQUIRE(auth());
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE8, 0x80, 0x00, blk, sizeof blk);
}

static void test_install_for_load_errors(void)
{
    fresh();
    REQUIRE(auth());
    uint8_t one = 0x00;
    rig_buf b;
    /* an AID already on the card */
    b = for_load(ISD, sizeof ISD, NULL);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    /* AID too short */
    b = for_load(ECHO_PKG, 4, NULL);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    /* unknown security domain */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, ECHO_PKG, sizeof ECHO_PKG);
    rig_put_lv(&b, ECHO_MOD, sizeof ECHO_MOD);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x02, 0x00, b.b, b.n);
    /* a token */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, ECHO_PKG, sizeof ECHO_PKG);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, &one, 1);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    /* a hash of the wrong length, unknown load parameters, trailing bytes, truncation */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, ECHO_PKG, sizeof ECHO_PKG);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, ISD, 5);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    b = (rig_buf){.n = 0};
    static const uint8_t badparams[] = {0xEF, 0x03, 0xCF, 0x01, 0x00};
    rig_put_lv(&b, ECHO_PKG, sizeof ECHO_PKG);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, badparams, sizeof badparams);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    b = for_load(ECHO_PKG, sizeof ECHO_PKG, NULL);
    b.b[b.n++] = 0x00;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, 3);
    /* P1/P2 */
    b = for_load(ECHO_PKG, sizeof ECHO_PKG, NULL);
    REFUSED(SW_INCORRECT_P1P2, 0xE6, 0x02, 0x01, b.b, b.n);
    REFUSED(SW_INCORRECT_P1P2, 0xE6, 0x40, 0x00, b.b, b.n);
    /* INSTALL [for install] of a load file that is not there */
    b = for_install(ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, ECHO_MOD, sizeof ECHO_MOD,
                    0x00);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* make selectable of an application that is not there */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, ECHO_MOD, sizeof ECHO_MOD);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x08, 0x00, b.b, b.n);
    /* DELETE: unknown AID, the ISD */
    uint8_t d[32];
    digest(d);
    CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x00), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(delete_aid(ISD, sizeof ISD, 0x80), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    uint8_t d2[32];
    digest(d2);
    CHECK_MEM(d, d2, 32);
}

static void test_load_checks(void)
{
    if (!have(&echo_jcl, "echo")) return;
    fresh();
    REQUIRE(auth());
    /* the load file's package AID differs from INSTALL [for load]'s */
    static const uint8_t other[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x09};
    uint8_t d0[32], d1[32];
    digest(d0);
    CHECK_EQ(load(&echo_jcl, other, sizeof other), SW_WRONG_DATA);
    /* the hash does not match */
    uint8_t h[32];
    memset(h, 0x5A, sizeof h);
    rig_buf b = for_load(ECHO_PKG, sizeof ECHO_PKG, h);
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    CHECK_EQ(load_blocks(&echo_jcl, 200), SW_WRONG_DATA);
    /* not a load file at all */
    blob junk = {(uint8_t *)"this is not a load file", 23};
    CHECK_EQ(load(&junk, ECHO_PKG, sizeof ECHO_PKG), SW_WRONG_DATA);
    /* a truncated load file */
    blob cut = {echo_jcl.p, echo_jcl.n - 7};
    CHECK_EQ(load(&cut, ECHO_PKG, sizeof ECHO_PKG), SW_WRONG_DATA);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
}

static void test_load_install_select_delete(void)
{
    if (!have(&echo_jcl, "echo")) return;
    fresh();
    REQUIRE(auth());
    uint8_t h[32];
    REQUIRE(cr_sha256(echo_jcl.p, echo_jcl.n, h) == SEAM_OK);
    rig_buf b = for_load(ECHO_PKG, sizeof ECHO_PKG, h);
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    uint16_t sw = load_blocks(&echo_jcl, 100); /* 15 blocks */
    if (sw == SW_FUNC_NOT_SUPPORTED) vm_loads = false;
    if (!vm_ready()) return;
    REQUIRE(sw == SW_NO_ERROR);
    CHECK_EQ(outlen, 0);
    /* the same package again */
    b = for_load(ECHO_PKG, sizeof ECHO_PKG, NULL);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);

    /* GET STATUS of load files (tagged) and of load files and modules (both formats); the
     * security domain load file (docs/ssd.md) comes first, the search criterion leaves it out */
    gp_status_entry e[8];
    size_t n = 0;
    CHECK_EQ(gp_get_status(&R.ses, GP_STATUS_LOAD_FILES, e, 8, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    REQUIRE(n == 2);
    static const uint8_t sd_elf[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
    CHECK_MEM(e[0].aid, sd_elf, sizeof sd_elf);
    e[0] = e[1];
    CHECK_EQ(e[0].aid_len, sizeof ECHO_PKG);
    CHECK_MEM(e[0].aid, ECHO_PKG, sizeof ECHO_PKG);
    CHECK_EQ(e[0].lifecycle, 0x01);
    CHECK_EQ(e[0].version_len, 2);
    CHECK_EQ(e[0].sd_aid_len, sizeof ISD);
    CHECK_EQ(e[0].n_modules, 0);
    n = 0;
    CHECK_EQ(gp_get_status(&R.ses, GP_STATUS_LOAD_FILES_MODULES, e, 8, &n, &sw), SEAM_OK);
    REQUIRE(n == 2);
    e[0] = e[1];
    CHECK_EQ(e[0].n_modules, 1);
    CHECK_EQ(e[0].module_len[0], sizeof ECHO_MOD);
    CHECK_MEM(e[0].modules[0], ECHO_MOD, sizeof ECHO_MOD);
    static const uint8_t all[] = {0x4F, 0x00};
    static const uint8_t echo_pfx[] = {0x4F, 0x02, 0xF0, 0x73};
    CHECK_EQ(cmd(0xF2, 0x10, 0x00, echo_pfx, sizeof echo_pfx), SW_NO_ERROR);
    static const uint8_t legacy[] = {0x06, 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01, 0x00,
                                     0x01, 0x07, 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};
    CHECK_EQ(outlen, sizeof legacy);
    CHECK_MEM(out, legacy, sizeof legacy);
    /* applications: none yet */
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);

    /* INSTALL [for install]: INSTALLED, not selectable */
    sw = install(0x04, ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, ECHO_MOD,
                 sizeof ECHO_MOD);
    CHECK_EQ(sw, SW_NO_ERROR);
    if (sw != SW_NO_ERROR) {
        return;
    }
    CHECK_EQ(outlen, 1);
    n = 0;
    CHECK_EQ(gp_get_status(&R.ses, GP_STATUS_APPS, e, 8, &n, &sw), SEAM_OK);
    REQUIRE(n == 1);
    CHECK_MEM(e[0].aid, ECHO_MOD, sizeof ECHO_MOD);
    CHECK_EQ(e[0].lifecycle, 0x03);
    CHECK_EQ(e[0].elf_aid_len, sizeof ECHO_PKG);
    CHECK_MEM(e[0].elf_aid, ECHO_PKG, sizeof ECHO_PKG);
    CHECK_EQ(e[0].sd_aid_len, sizeof ISD);
    CHECK_MEM(e[0].sd_aid, ISD, sizeof ISD);
    CHECK_EQ(cmd(0xF2, 0x40, 0x00, all, sizeof all), SW_NO_ERROR);
    static const uint8_t legacy_app[] = {0x07, 0xF0, 0x73, 0x65, 0x61,
                                         0x6D, 0x01, 0x01, 0x03, 0x00};
    CHECK_EQ(outlen, sizeof legacy_app);
    CHECK_MEM(out, legacy_app, sizeof legacy_app);
    /* an AID prefix as search criterion */
    static const uint8_t pfx[] = {0x4F, 0x05, 0xF0, 0x73, 0x65, 0x61, 0x6D};
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, pfx, sizeof pfx), SW_NO_ERROR);
    static const uint8_t nopfx[] = {0x4F, 0x05, 0xF0, 0x73, 0x65, 0x61, 0x6E};
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, nopfx, sizeof nopfx), SW_REFERENCED_DATA_NOT_FOUND);

    /* the same instance AID twice; an unknown module */
    b = for_install(ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, ECHO_MOD, sizeof ECHO_MOD,
                    0x00);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    static const uint8_t nomod[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x09};
    static const uint8_t inst2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01, 0x02};
    b = for_install(ECHO_PKG, sizeof ECHO_PKG, nomod, sizeof nomod, inst2, sizeof inst2, 0x00);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* privileges: Security Domain, DAP Verification (security domains only) */
    b = for_install(ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, inst2, sizeof inst2,
                    0x80);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    b = for_install(ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, inst2, sizeof inst2,
                    0x40);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* install parameters without C9 */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, ECHO_PKG, sizeof ECHO_PKG);
    rig_put_lv(&b, ECHO_MOD, sizeof ECHO_MOD);
    rig_put_lv(&b, inst2, sizeof inst2);
    uint8_t priv = 0;
    rig_put_lv(&b, &priv, 1);
    static const uint8_t ef_only[] = {0xEF, 0x04, 0xC8, 0x02, 0x01, 0x00};
    rig_put_lv(&b, ef_only, sizeof ef_only);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);

    /* not selectable yet */
    CHECK_EQ(select_aid(ECHO_MOD, sizeof ECHO_MOD), SW_FILE_NOT_FOUND);
    REQUIRE(auth());
    /* make selectable */
    b = (rig_buf){.n = 0};
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, ECHO_MOD, sizeof ECHO_MOD);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    CHECK_EQ(cmd(0xE6, 0x08, 0x00, b.b, b.n), SW_NO_ERROR);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x08, 0x00, b.b, b.n);
    n = 0;
    CHECK_EQ(gp_get_status(&R.ses, GP_STATUS_APPS, e, 8, &n, &sw), SEAM_OK);
    REQUIRE(n == 1);
    CHECK_EQ(e[0].lifecycle, 0x07);

    /* the registry survives a power cycle (the index is rebuilt at power-up) */
    power_cycle();
    sw = select_aid(ECHO_MOD, sizeof ECHO_MOD);
    if (sw == SW_NO_ERROR) {
        static const uint8_t echo[] = {0x80, 0x01, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03, 0x00};
        uint8_t resp[64];
        size_t rl = 0;
        CHECK_EQ(card_transmit_full(R.card, echo, sizeof echo, resp, sizeof resp, &rl), SEAM_OK);
        static const uint8_t want[] = {0x01, 0x02, 0x03, 0x90, 0x00};
        CHECK_EQ(rl, sizeof want);
        CHECK_MEM(resp, want, sizeof want);
        /* a SELECT that selects nothing goes to the active applet (JCRE §4.6.1): the echo
         * applet refuses CLA 00 with 6E00 */
        static const uint8_t selx[] = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xF0, 0x73, 0x65, 0x61, 0x6E};
        CHECK_EQ(card_transmit_full(R.card, selx, sizeof selx, resp, sizeof resp, &rl), SEAM_OK);
        CHECK_EQ(rl, 2);
        CHECK_EQ(resp[0] << 8 | resp[1], SW_CLA_NOT_SUPPORTED);
        /* the applet is selected on channel 0: it cannot be deleted from channel 1 */
        static const uint8_t open1[] = {0x00, 0x70, 0x00, 0x01};
        CHECK_EQ(card_transmit_full(R.card, open1, sizeof open1, resp, sizeof resp, &rl), SEAM_OK);
        R.cl.channel = 1;
        REQUIRE(auth());
        uint8_t d0[32], d1[32];
        digest(d0);
        CHECK_EQ(delete_aid(ECHO_MOD, sizeof ECHO_MOD, 0x00), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
        CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x80), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
        digest(d1);
        CHECK_MEM(d0, d1, 32);
        gp_session_close(&R.ses);
        R.cl.channel = 0;
    } else {
        fprintf(stderr, "  SELECT of the applet answers %04X\n", sw);
        CHECK_EQ(sw, SW_NO_ERROR);
    }
    REQUIRE(auth());

    /* DELETE: a package with an application is refused with P2 00 */
    uint8_t d0[32], d1[32];
    digest(d0);
    CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x00), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
    /* the application, then the package */
    CHECK_EQ(delete_aid(ECHO_MOD, sizeof ECHO_MOD, 0x00), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(select_aid(ECHO_MOD, sizeof ECHO_MOD), SW_FILE_NOT_FOUND);
    REQUIRE(auth());
    CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x00), SW_NO_ERROR);
    CHECK_EQ(cmd(0xF2, 0x20, 0x02, echo_pfx, sizeof echo_pfx), SW_REFERENCED_DATA_NOT_FOUND);
    /* and it can be loaded again */
    CHECK_EQ(load(&echo_jcl, ECHO_PKG, sizeof ECHO_PKG), SW_NO_ERROR);
}

static void test_delete_related_and_status_continuation(void)
{
    if (!have(&echo_jcl, "echo")) return;
    fresh();
    REQUIRE(auth());
    uint16_t sw = load(&echo_jcl, ECHO_PKG, sizeof ECHO_PKG);
    if (!vm_ready()) return;
    REQUIRE(sw == SW_NO_ERROR);
    /* ten instances: their GET STATUS entries need more than one response (6310) */
    enum { N = 10 };
    uint8_t aid[N][8];
    for (int i = 0; i < N; i++) {
        memcpy(aid[i], ECHO_MOD, sizeof ECHO_MOD);
        aid[i][7] = (uint8_t)(0x10 + i);
        sw = install(0x0C, ECHO_PKG, sizeof ECHO_PKG, ECHO_MOD, sizeof ECHO_MOD, aid[i], 8);
        CHECK_EQ(sw, SW_NO_ERROR);
        if (sw != SW_NO_ERROR) return;
    }
    static const uint8_t all[] = {0x4F, 0x00};
    static const uint8_t echo_pfx[] = {0x4F, 0x02, 0xF0, 0x73};
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, all, sizeof all), 0x6310);
    CHECK(outlen <= 255);
    CHECK_EQ(cmd(0xF2, 0x40, 0x03, all, sizeof all), SW_NO_ERROR);
    /* next occurrence with nothing pending */
    CHECK_EQ(cmd(0xF2, 0x40, 0x03, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);
    gp_status_entry e[16];
    size_t n = 0;
    CHECK_EQ(gp_get_status(&R.ses, GP_STATUS_APPS, e, 16, &n, &sw), SEAM_OK);
    CHECK_EQ(n, N);
    for (size_t i = 0; i < n && i < N; i++) {
        CHECK_MEM(e[i].aid, aid[i], 8);
        CHECK_EQ(e[i].lifecycle, 0x07);
    }
    /* the legacy format continues the same way */
    CHECK_EQ(cmd(0xF2, 0x40, 0x00, all, sizeof all), SW_NO_ERROR); /* 10 x 11 bytes fit */

    uint8_t d0[32], d1[32];
    digest(d0);
    CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x00), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
    CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x80), SW_NO_ERROR);
    CHECK_EQ(cmd(0xF2, 0x40, 0x02, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmd(0xF2, 0x20, 0x02, echo_pfx, sizeof echo_pfx), SW_REFERENCED_DATA_NOT_FOUND);
    /* the store holds nothing of the package any more: the digest is the fresh card's after
     * the same authentications (same key set, same sequence counter) */
    power_cycle();
    REQUIRE(auth());
    CHECK_EQ(cmd(0xF2, 0x10, 0x02, echo_pfx, sizeof echo_pfx), SW_REFERENCED_DATA_NOT_FOUND);
}

static void test_delete_imported(void)
{
    if (!have(&srv_jcl, "server/client")) return;
    fresh();
    REQUIRE(auth());
    uint16_t sw = load(&srv_jcl, SRV_PKG, sizeof SRV_PKG);
    if (!vm_ready()) return;
    REQUIRE(sw == SW_NO_ERROR);
    rig_buf b = for_load(CLI_PKG, sizeof CLI_PKG, NULL);
    REQUIRE(cmd(0xE6, 0x02, 0x00, b.b, b.n) == SW_NO_ERROR);
    CHECK_EQ(load_blocks(&cli_jcl, 240), SW_NO_ERROR);
    uint8_t d0[32], d1[32];
    digest(d0);
    CHECK_EQ(delete_aid(SRV_PKG, sizeof SRV_PKG, 0x00), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(delete_aid(SRV_PKG, sizeof SRV_PKG, 0x80), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
    CHECK_EQ(delete_aid(CLI_PKG, sizeof CLI_PKG, 0x80), SW_NO_ERROR);
    CHECK_EQ(delete_aid(SRV_PKG, sizeof SRV_PKG, 0x00), SW_NO_ERROR);
}

static void test_corrupt_load_file(void)
{
    if (!have(&echo_jcl, "echo")) return;
    fresh();
    REQUIRE(auth());
    /* every 97th byte of the file flipped in turn (the header, section lengths, constants,
     * code): refused 6A80 (or 6A88: an import that does not exist), never stored */
    uint8_t d0[32], d1[32];
    digest(d0);
    blob bad = {malloc(echo_jcl.n), echo_jcl.n};
    int accepted = 0;
    for (size_t i = 6; i < echo_jcl.n; i += 97) {
        memcpy(bad.p, echo_jcl.p, echo_jcl.n);
        bad.p[i] ^= 0xFF;
        uint16_t sw = load(&bad, ECHO_PKG, sizeof ECHO_PKG);
        if (!vm_loads) break;
        if (sw == SW_NO_ERROR) {
            /* a flip the verifier cannot see (a name byte, an unused constant): take it out */
            accepted++;
            CHECK_EQ(delete_aid(ECHO_PKG, sizeof ECHO_PKG, 0x80), SW_NO_ERROR);
            digest(d0);
            continue;
        }
        CHECK(sw == SW_WRONG_DATA || sw == SW_REFERENCED_DATA_NOT_FOUND);
        digest(d1);
        CHECK_MEM(d0, d1, 32);
    }
    free(bad.p);
    vm_ready();
    (void)accepted;
}

int main(void)
{
    prepare_load_files();
    RUN(test_no_session);
    RUN(test_load_protocol_errors);
    RUN(test_install_for_load_errors);
    RUN(test_load_checks);
    RUN(test_load_install_select_delete);
    RUN(test_delete_related_and_status_continuation);
    RUN(test_delete_imported);
    RUN(test_corrupt_load_file);
    card_rig_close(&R);
    cleanup_load_files();
    return check_summary();
}
