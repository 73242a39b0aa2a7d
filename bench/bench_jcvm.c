/*
 * Benchmark: the Java Card interpreter on bytecode-heavy kernels, next to the JVM's own
 * interpreter (java -Xint, JIT off) running the very same class file (bench/jc: Kernels.class,
 * compiled once against the Java Card API; see bench/jc/CMakeLists.txt).
 *
 * seam side: an in-process SE on a memory medium; bench.jcl loaded and installed through
 * GlobalPlatform (SCP03, as a user would), then APDUs to BenchApplet that each run a kernel P1
 * times. Time per kernel call = APDU time / P1 (P1 is large enough that the APDU's own cost is
 * under 1 %). The JVM side prints its own time per call (second of two rounds). Both results
 * are compared byte for byte: the bench fails if seam computes something else.
 * Also: persistent field writes per second (INS 13) on a memory and on a file medium, and the
 * RAM (malloc'd bytes) of a powered SE with the applets installed.
 *
 * Usage: bench_jcvm [SECONDS per kernel, default 2]   (make bench)
 * Needs build/bench/bench.jcl and build/bench/jvm-classes next to the binary; java on PATH
 * (openjdk-17-jdk-headless from make deps) for the JVM column.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench_jcvm: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static char dir[PATH_MAX];

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot read", path);
    static uint8_t buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static const uint8_t isd_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};

typedef struct {
    store_medium *m;
    se *s;
    seam_card *card;
    gp_client cl;
} rig;

static void power_up(rig *r)
{
    char msg[300];
    se_config cfg = {.medium = r->m, .quiet = true};
    if (se_open(&r->s, &cfg, msg, sizeof msg) != SEAM_OK) fail("se_open", msg);
    seam_card_fns fns = se_card_fns(r->s);
    if (card_open_fns(&r->card, &fns) != SEAM_OK) fail("card_open_fns", NULL);
    memset(&r->cl, 0, sizeof r->cl);
    r->cl.card = r->card;
}

static void power_down(rig *r)
{
    card_close(r->card);
    se_close(r->s);
}

static void install(rig *r, const char *jcl_name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, jcl_name);
    size_t n;
    uint8_t *jcl = read_file(path, &n);
    gp_load_file_info info;
    char msg[300];
    if (gp_load_file_info_parse(jcl, n, &info, msg, sizeof msg) != SEAM_OK) fail(path, msg);
    uint16_t sw = 0;
    uint8_t fci[256];
    size_t fl;
    if (gp_select(&r->cl, isd_aid, sizeof isd_aid, fci, sizeof fci, &fl, &sw) || sw != 0x9000)
        fail("SELECT ISD", NULL);
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    gp_session gs;
    if (gp_session_open(&gs, &r->cl, &k, 0x03, NULL, 8, &sw) != SEAM_OK) fail("SCP03", NULL);
    if (gp_install_for_load(&gs, info.aid, info.aid_len, NULL, 0, &sw) || sw != 0x9000)
        fail("INSTALL [for load]", gp_content_sw_str(0xE6, sw));
    if (gp_load(&gs, jcl, n, 0, NULL, &sw) || sw != 0x9000) fail("LOAD", gp_content_sw_str(0xE8, sw));
    for (unsigned i = 0; i < info.n_applets; i++) {
        static const uint8_t priv = 0;
        if (gp_install_for_install(&gs, GP_INSTALL_FOR_INSTALL_SELECTABLE, info.aid, info.aid_len,
                                   info.applet[i], info.applet_len[i], info.applet[i],
                                   info.applet_len[i], &priv, 1, NULL, 0, &sw) ||
            sw != 0x9000)
            fail("INSTALL [for install]", gp_content_sw_str(0xE6, sw));
    }
    gp_session_close(&gs);
    gp_keys_wipe(&k);
}

static uint8_t resp[70000];

static size_t cmd(rig *r, uint8_t ins, uint8_t p1, const uint8_t *data, size_t lc, uint16_t *sw)
{
    uint8_t apdu[300];
    apdu_cmd c = {.cla = 0x80, .ins = ins, .p1 = p1, .data = data, .lc = lc, .le = 256,
                  .has_le = true};
    size_t al, rl;
    if (apdu_encode(&c, false, apdu, sizeof apdu, &al) != SEAM_OK) fail("apdu_encode", NULL);
    if (gp_transmit(&r->cl, apdu, al, resp, sizeof resp, &rl, sw) != SEAM_OK) fail("transmit", NULL);
    return rl - 2;
}

static const uint8_t bench_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0xBE, 0x01};

typedef struct {
    const char *name;
    uint8_t ins;
    uint8_t data[128];
    size_t lc;
    uint8_t per_apdu; /* kernel calls per APDU */
    double seam_ns;
    double jvm_ns;
    char seam_hex[300], jvm_hex[300];
} kernel;

static void run_kernel(rig *r, kernel *k, double seconds)
{
    uint16_t sw;
    size_t n = cmd(r, k->ins, 1, k->data, k->lc, &sw); /* warm up + result */
    if (sw != 0x9000) {
        fprintf(stderr, "bench_jcvm: %s: SW %04X\n", k->name, sw);
        exit(1);
    }
    seam_hex_encode(resp, n, k->seam_hex);
    unsigned long calls = 0;
    double t0 = now(), t;
    do {
        cmd(r, k->ins, k->per_apdu, k->data, k->lc, &sw);
        if (sw != 0x9000) fail(k->name, "SW not 9000");
        calls += k->per_apdu;
        t = now() - t0;
    } while (t < seconds);
    k->seam_ns = t * 1e9 / (double)calls;
}

static void run_jvm(kernel *ks, size_t nk)
{
    char cmdline[3 * PATH_MAX];
    snprintf(cmdline, sizeof cmdline,
             "java -Xint -cp '%s/bench/jc-classes:%s/bench/jvm-classes' BenchMain 3000", dir, dir);
    FILE *p = popen(cmdline, "r");
    if (!p) return;
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        char name[32], hex[300];
        unsigned long calls;
        double ns;
        if (sscanf(line, "%31s %lu %lf %299s", name, &calls, &ns, hex) != 4) continue;
        for (size_t i = 0; i < nk; i++)
            if (!strcmp(ks[i].name, name)) {
                ks[i].jvm_ns = ns;
                snprintf(ks[i].jvm_hex, sizeof ks[i].jvm_hex, "%s", hex);
            }
    }
    pclose(p);
}

static double writes_per_second(rig *r, double seconds)
{
    uint16_t sw;
    unsigned long n = 0;
    double t0 = now(), t;
    do {
        cmd(r, 0x13, 4, NULL, 0, &sw);
        if (sw != 0x9000) fail("INS 13", "SW not 9000");
        n += 4 * 256;
        t = now() - t0;
    } while (t < seconds);
    return (double)n / t;
}

static size_t heap_now(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (seconds <= 0) seconds = 2.0;
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) fail("readlink /proc/self/exe", NULL);
    self[sl] = 0;
    snprintf(dir, sizeof dir, "%s", dirname(self));

    rig r;
    if (store_medium_memory(&r.m) != SEAM_OK) fail("medium", NULL);
    power_up(&r);
    install(&r, "bench/bench.jcl");
    install(&r, "applets/echo.jcl");
    uint16_t sw;
    uint8_t fci[256];
    size_t fl;
    if (gp_select(&r.cl, bench_aid, sizeof bench_aid, fci, sizeof fci, &fl, &sw) || sw != 0x9000)
        fail("SELECT bench applet", NULL);

    kernel ks[3];
    memset(ks, 0, sizeof ks);
    ks[0].name = "sha256";
    ks[0].ins = 0x10;
    ks[0].lc = 64;
    for (int i = 0; i < 64; i++) ks[0].data[i] = (uint8_t)i;
    ks[0].per_apdu = 20;
    ks[1].name = "mpmul";
    ks[1].ins = 0x11;
    ks[1].lc = 64;
    for (int i = 0; i < 32; i++) {
        ks[1].data[i] = (uint8_t)(0xA5 ^ i);
        ks[1].data[32 + i] = (uint8_t)(0x3C + 7 * i);
    }
    ks[1].per_apdu = 40;
    ks[2].name = "tariff";
    ks[2].ins = 0x12;
    ks[2].per_apdu = 250;
    for (size_t i = 0; i < 3; i++) run_kernel(&r, &ks[i], seconds);

    /* the SHA-256 the applet computed must be the real one */
    uint8_t md[32];
    char mdhex[65];
    cr_sha256(ks[0].data, 64, md);
    seam_hex_encode(md, 32, mdhex);
    if (strcmp(mdhex, ks[0].seam_hex)) fail("sha256 kernel result differs from OpenSSL", ks[0].seam_hex);

    run_jvm(ks, 3);
    printf("kernel   seam ns/call   java -Xint ns/call   seam/java\n");
    int rc = 0;
    for (size_t i = 0; i < 3; i++) {
        if (ks[i].jvm_ns > 0) {
            /* tariff: the JVM's result carries the balance after its own number of days; the
             * cost of a day (first 8 hex digits) is what both must agree on */
            size_t cmp = i == 2 ? 8 : strlen(ks[i].jvm_hex);
            if (strncasecmp(ks[i].seam_hex, ks[i].jvm_hex, cmp)) {
                fprintf(stderr, "bench_jcvm: %s: seam %s, JVM %s\n", ks[i].name, ks[i].seam_hex,
                        ks[i].jvm_hex);
                rc = 1;
            }
            printf("%-8s %14.0f %20.0f %11.2f\n", ks[i].name, ks[i].seam_ns, ks[i].jvm_ns,
                   ks[i].seam_ns / ks[i].jvm_ns);
        } else {
            printf("%-8s %14.0f %20s %11s\n", ks[i].name, ks[i].seam_ns, "(no java)", "-");
        }
    }
    printf("persistent field writes/s, memory medium: %.0f\n", writes_per_second(&r, seconds));

    /* RAM of a powered SE: heap in use before and after a power-up, on a fresh medium (the
     * store's arena, sized by its capacity, the card OS and the linked ROM) and on this one
     * (the same plus the two installed packages and their objects); and the power-up time */
    power_down(&r);
    rig fresh;
    if (store_medium_memory(&fresh.m) != SEAM_OK) fail("medium", NULL);
    power_up(&fresh); /* personalises the fresh card */
    power_down(&fresh);
    size_t before = heap_now();
    power_up(&fresh);
    size_t empty = heap_now() - before;
    power_down(&fresh);
    store_medium_free(fresh.m);
    before = heap_now();
    power_up(&r);
    size_t full = heap_now() - before;
    power_down(&r);
    printf("RAM of a powered SE: %zu bytes malloc'd with no applet, %zu with 2 applets "
           "(store capacity %u bytes)\n",
           empty, full, (unsigned)STORE_DEFAULT_CAPACITY);
    unsigned ups = 0;
    double t0 = now(), t;
    do {
        power_up(&r);
        power_down(&r);
        ups++;
        t = now() - t0;
    } while (t < seconds / 2);
    printf("power-up (se_open: store replay, ROM and packages linked) + power-down: %.0f us\n",
           t * 1e6 / ups);
    store_medium_free(r.m);

    /* persistent writes on a file medium (the store `seam se --store` uses) */
    char tmpl[] = "/tmp/bench_jcvm_XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) fail("mkstemp", NULL);
    close(fd);
    unlink(tmpl);
    if (store_medium_file(&r.m, tmpl) != SEAM_OK) fail("file medium", tmpl);
    power_up(&r);
    install(&r, "bench/bench.jcl");
    if (gp_select(&r.cl, bench_aid, sizeof bench_aid, fci, sizeof fci, &fl, &sw) || sw != 0x9000)
        fail("SELECT bench applet", NULL);
    printf("persistent field writes/s, file medium: %.0f\n", writes_per_second(&r, seconds));
    power_down(&r);
    store_medium_free(r.m);
    unlink(tmpl);
    return rc;
}
