/*
 * Tests of the persistent store (include/seam/store.h, docs/store.md): the object API, capacity
 * limits, Java Card transactions (JCRE spec §7), persistence on memory and file media,
 * compaction, and the crash tests: a power cut at every low-level write of a realistic
 * workload must leave the state after the last completed step or the step being done, and
 * damaged or truncated images must be refused (SEAM_E_CORRUPT) or read as an older state.
 */
#include "check.h"

#include "seam/store.h"
#include "se/store/store_int.h" /* record framing, to craft damaged images */

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP (64u * 1024u)

static store *open_ok(store_medium *m, size_t cap)
{
    store *s = NULL;
    char msg[256];
    seam_err e = store_open(&s, m, cap, msg, sizeof msg);
    if (e) fprintf(stderr, "  store_open: %s: %s\n", seam_strerror(e), msg);
    return e ? NULL : s;
}

static void digest(const store *s, uint8_t d[32])
{
    memset(d, 0, 32);
    if (store_digest(s, d)) fprintf(stderr, "  store_digest failed\n");
}

/* ---- the object API ---- */

static void test_basic(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK(store_is_new(s));
    CHECK(store_alive(s));
    CHECK_EQ(store_capacity(s), CAP);
    CHECK_EQ(store_used(s), 0);
    CHECK_EQ(store_next(s, 0), 0);

    store_id a, b, c;
    CHECK_EQ(store_alloc(s, 7, 3, 10, &a), SEAM_OK);
    CHECK_EQ(store_alloc(s, 8, 4, 100, &b), SEAM_OK);
    CHECK_EQ(store_alloc(s, 9, 5, 0, &c), SEAM_OK);
    CHECK(a && b && c && a != b && b != c);
    CHECK_EQ(store_used(s), 16 + 104);

    uint32_t owner;
    uint16_t type;
    size_t size;
    CHECK_EQ(store_info(s, b, &owner, &type, &size), SEAM_OK);
    CHECK_EQ(owner, 8);
    CHECK_EQ(type, 4);
    CHECK_EQ(size, 100);
    uint8_t buf[100], zero[100] = {0};
    CHECK_EQ(store_read(s, b, 0, buf, 100), SEAM_OK);
    CHECK_MEM(buf, zero, 100); /* zero-filled at allocation */

    CHECK_EQ(store_write(s, b, 10, "hello", 5), SEAM_OK);
    CHECK_EQ(store_read(s, b, 10, buf, 5), SEAM_OK);
    CHECK_MEM(buf, "hello", 5);
    const uint8_t *v = store_view(s, b, &size);
    REQUIRE(v);
    CHECK_EQ(size, 100);
    CHECK_MEM(v + 10, "hello", 5);

    /* Bounds and unknown ids. */
    CHECK_EQ(store_write(s, a, 8, "abc", 3), SEAM_E_ARG);
    CHECK_EQ(store_write(s, a, 11, "", 0), SEAM_E_ARG);
    CHECK_EQ(store_write(s, a, 10, "", 0), SEAM_OK);
    CHECK_EQ(store_read(s, a, 0, buf, 11), SEAM_E_ARG);
    CHECK_EQ(store_read(s, a, SIZE_MAX, buf, 2), SEAM_E_ARG);
    CHECK_EQ(store_write(s, 0, 0, "x", 1), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_write(s, 99999, 0, "x", 1), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_info(s, 0xFFFFFFFFu, NULL, NULL, NULL), SEAM_E_NOT_FOUND);
    CHECK(store_view(s, 12345, &size) == NULL);

    /* Iteration in id order. */
    CHECK_EQ(store_next(s, 0), a);
    CHECK_EQ(store_next(s, a), b);
    CHECK_EQ(store_next(s, b), c);
    CHECK_EQ(store_next(s, c), 0);

    /* Roots. */
    CHECK_EQ(store_root(s, 0), 0);
    CHECK_EQ(store_set_root(s, 0, b), SEAM_OK);
    CHECK_EQ(store_set_root(s, STORE_ROOTS - 1, a), SEAM_OK);
    CHECK_EQ(store_root(s, 0), b);
    CHECK_EQ(store_root(s, STORE_ROOTS - 1), a);
    CHECK_EQ(store_set_root(s, STORE_ROOTS, a), SEAM_E_ARG);
    CHECK_EQ(store_set_root(s, 1, 4242), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_root(s, STORE_ROOTS), 0);

    /* Free. */
    CHECK_EQ(store_free(s, a), SEAM_OK);
    CHECK_EQ(store_free(s, a), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_read(s, a, 0, buf, 1), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_next(s, 0), b);
    CHECK_EQ(store_used(s), 104);

    /* The data survive a slide of the arena. */
    store_id d;
    CHECK_EQ(store_alloc(s, 1, 1, 24, &d), SEAM_OK);
    CHECK_EQ(store_read(s, b, 10, buf, 5), SEAM_OK);
    CHECK_MEM(buf, "hello", 5);

    /* Argument checks. */
    CHECK_EQ(store_alloc(s, 1, 1, 1, NULL), SEAM_E_ARG);
    CHECK_EQ(store_write(s, b, 0, NULL, 1), SEAM_E_ARG);
    CHECK_EQ(store_digest(NULL, buf), SEAM_E_ARG);
    store *s2;
    CHECK_EQ(store_open(&s2, m, CAP, NULL, 0), SEAM_E_STATE); /* one store per medium */
    uint8_t *bytes;
    size_t len;
    CHECK_EQ(store_medium_set_bytes(m, (const uint8_t *)"x", 1), SEAM_E_STATE);
    CHECK_EQ(store_medium_get_bytes(m, &bytes, &len), SEAM_OK);
    free(bytes);
    store_close(s);
    store_medium_free(m);
}

static void test_capacity(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, 4096);
    REQUIRE(s);
    store_id id, ids[64];
    CHECK_EQ(store_alloc(s, 1, 1, 4097, &id), SEAM_E_FULL);
    CHECK_EQ(id, 0);
    CHECK_EQ(store_alloc(s, 1, 1, SIZE_MAX, &id), SEAM_E_FULL);
    int n = 0;
    while (n < 64 && store_alloc(s, 1, 1, 100, &ids[n]) == SEAM_OK)
        n++;
    CHECK_EQ(n, 4096 / 104);
    CHECK(store_used(s) <= store_capacity(s));
    CHECK_EQ(store_alloc(s, 1, 1, 100, &id), SEAM_E_FULL);
    /* Free every other object: the holes add up and the arena slides to fit a big one. */
    for (int i = 0; i < n; i += 2)
        CHECK_EQ(store_free(s, ids[i]), SEAM_OK);
    CHECK_EQ(store_alloc(s, 1, 1, 104 * (size_t)(n / 2) - 8, &id), SEAM_OK);
    for (int i = 1; i < n; i += 2) {
        uint8_t b[100];
        CHECK_EQ(store_read(s, ids[i], 0, b, 100), SEAM_OK);
    }
    store_close(s);

    /* The object table is bounded too (capacity / 32 entries, at least 16). */
    store_medium *m2;
    REQUIRE(store_medium_memory(&m2) == SEAM_OK);
    s = open_ok(m2, 4096);
    REQUIRE(s);
    n = 0;
    while (n < 1000 && store_alloc(s, 1, 1, 0, &id) == SEAM_OK)
        n++;
    CHECK_EQ(n, 4096 / 32);
    store_close(s);
    store_medium_free(m2);
    store_medium_free(m);

    CHECK_EQ(store_medium_memory(&m), SEAM_OK);
    CHECK_EQ(store_open(&s, m, 10, NULL, 0), SEAM_E_ARG);
    store_medium_free(m);
}

/* ---- transactions ---- */

static void test_tx(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK_EQ(store_tx_commit(s), SEAM_E_STATE);
    CHECK_EQ(store_tx_abort(s), SEAM_E_STATE);

    store_id a, b, c;
    CHECK_EQ(store_alloc(s, 1, 1, 16, &a), SEAM_OK);
    CHECK_EQ(store_alloc(s, 1, 1, 16, &b), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "AAAAAAAAAAAAAAAA", 16), SEAM_OK);
    CHECK_EQ(store_set_root(s, 0, a), SEAM_OK);
    uint8_t before[32], d[32];
    digest(s, before);
    size_t used = store_used(s);

    /* Abort undoes writes, allocations, frees and root changes, in RAM. */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK(store_in_tx(s));
    CHECK_EQ(store_tx_begin(s), SEAM_E_STATE);
    CHECK_EQ(store_write(s, a, 4, "xyz", 3), SEAM_OK);
    CHECK_EQ(store_write(s, a, 5, "QQ", 2), SEAM_OK);
    uint8_t buf[16];
    CHECK_EQ(store_read(s, a, 0, buf, 8), SEAM_OK);
    CHECK_MEM(buf, "AAAAxQQA", 8); /* reads see the writes at once */
    CHECK_EQ(store_alloc(s, 2, 2, 40, &c), SEAM_OK);
    CHECK_EQ(store_write(s, c, 0, "new", 3), SEAM_OK);
    CHECK_EQ(store_free(s, b), SEAM_OK);
    CHECK_EQ(store_read(s, b, 0, buf, 1), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_free(s, b), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_set_root(s, 0, c), SEAM_OK);
    CHECK_EQ(store_set_root(s, 1, b), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_tx_abort(s), SEAM_OK);
    CHECK(!store_in_tx(s));
    digest(s, d);
    CHECK_MEM(d, before, 32);
    CHECK_EQ(store_used(s), used);
    CHECK_EQ(store_read(s, b, 0, buf, 1), SEAM_OK);
    CHECK(store_view(s, c, NULL) == NULL);
    CHECK_EQ(store_root(s, 0), a);

    /* Commit: the same changes become durable together. */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_write(s, a, 4, "xyz", 3), SEAM_OK);
    CHECK_EQ(store_alloc(s, 2, 2, 40, &c), SEAM_OK);
    CHECK_EQ(store_write(s, c, 0, "new", 3), SEAM_OK);
    CHECK_EQ(store_free(s, b), SEAM_OK);
    CHECK_EQ(store_set_root(s, 0, c), SEAM_OK);
    /* An object allocated and freed in the same transaction leaves nothing. */
    store_id t;
    CHECK_EQ(store_alloc(s, 3, 3, 8, &t), SEAM_OK);
    CHECK_EQ(store_free(s, t), SEAM_OK);
    CHECK_EQ(store_tx_commit(s), SEAM_OK);
    uint8_t after[32];
    digest(s, after);
    CHECK(memcmp(after, before, 32) != 0);
    CHECK_EQ(store_read(s, b, 0, buf, 1), SEAM_E_NOT_FOUND);
    CHECK_EQ(store_used(s), 16 + 40);

    /* An empty transaction commits nothing. */
    unsigned long w = store_medium_writes(m);
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_tx_commit(s), SEAM_OK);
    CHECK_EQ(store_medium_writes(m), w);

    /* The undo log is bounded (capacity / 4): a bigger transaction fails, abort restores. */
    store_id big;
    CHECK_EQ(store_alloc(s, 1, 1, 20000, &big), SEAM_OK);
    digest(s, before);
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    static uint8_t chunk[10000];
    memset(chunk, 0x5A, sizeof chunk);
    CHECK_EQ(store_write(s, big, 0, chunk, 10000), SEAM_OK);
    CHECK_EQ(store_write(s, big, 10000, chunk, 10000), SEAM_E_FULL);
    CHECK_EQ(store_tx_abort(s), SEAM_OK);
    digest(s, d);
    CHECK_MEM(d, before, 32);

    /* Writes into an object allocated in the transaction cost no undo space. */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    store_id big2;
    CHECK_EQ(store_alloc(s, 1, 1, 30000, &big2), SEAM_OK);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(store_write(s, big2, (size_t)i * 10000, chunk, 10000), SEAM_OK);
    CHECK_EQ(store_tx_commit(s), SEAM_OK);
    digest(s, after);
    store_close(s);

    s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK(!store_is_new(s));
    digest(s, d);
    CHECK_MEM(d, after, 32);
    CHECK_EQ(store_root(s, 0), c);
    CHECK_EQ(store_read(s, big2, 29990, buf, 10), SEAM_OK);
    CHECK_MEM(buf, chunk, 10);

    /* A transaction cut by power never happened. */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "ZZZZ", 4), SEAM_OK);
    CHECK_EQ(store_free(s, c), SEAM_OK);
    store_close(s); /* power goes before the commit */
    s = open_ok(m, CAP);
    REQUIRE(s);
    digest(s, d);
    CHECK_MEM(d, after, 32);
    store_close(s);
    store_medium_free(m);
}

/* ---- non-transactional writes (store_write_nontx) ---- */

static void test_nontx(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    store_id a, n;
    CHECK_EQ(store_alloc(s, 1, 1, 16, &a), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "AAAAAAAAAAAAAAAA", 16), SEAM_OK);
    /* outside a transaction: an ordinary write */
    CHECK_EQ(store_write_nontx(s, a, 15, "B", 1), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 16, "B", 1), SEAM_E_ARG);
    CHECK_EQ(store_write_nontx(s, 999, 0, "B", 1), SEAM_E_NOT_FOUND);
    uint8_t buf[16];
    /* inside: durable at once, survives abort; an earlier overlapping transactional write
     * keeps the non-transactional bytes, a later one is undone back to them */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "xyz", 3), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 2, "NN", 2), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 2, "NN", 0), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 17, "N", 1), SEAM_E_ARG);
    CHECK_EQ(store_write(s, a, 6, "tt", 2), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 8, "PP", 2), SEAM_OK);
    CHECK_EQ(store_write(s, a, 9, "q", 1), SEAM_OK);
    /* an object allocated in the transaction: the write is the transaction's */
    CHECK_EQ(store_alloc(s, 1, 1, 8, &n), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, n, 0, "new", 3), SEAM_OK);
    CHECK_EQ(store_read(s, a, 0, buf, 16), SEAM_OK);
    CHECK_MEM(buf, "xyNNAAttPqAAAAAB", 16);
    CHECK_EQ(store_tx_abort(s), SEAM_OK);
    CHECK_EQ(store_read(s, a, 0, buf, 16), SEAM_OK);
    CHECK_MEM(buf, "AANNAAAAPPAAAAAB", 16);
    CHECK(store_view(s, n, NULL) == NULL);
    uint8_t d1[32], d2[32];
    digest(s, d1);
    store_close(s);
    s = open_ok(m, CAP);
    REQUIRE(s);
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    /* a power cut inside the transaction: the non-transactional write stays */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "zz", 2), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 12, "CC", 2), SEAM_OK);
    store_close(s);
    s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK_EQ(store_read(s, a, 0, buf, 16), SEAM_OK);
    CHECK_MEM(buf, "AANNAAAAPPAACCAB", 16);
    /* commit: everything, the non-transactional bytes as last written */
    CHECK_EQ(store_tx_begin(s), SEAM_OK);
    CHECK_EQ(store_write(s, a, 0, "1234", 4), SEAM_OK);
    CHECK_EQ(store_write_nontx(s, a, 3, "nn", 2), SEAM_OK);
    CHECK_EQ(store_tx_commit(s), SEAM_OK);
    digest(s, d1);
    store_close(s);
    s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK_EQ(store_read(s, a, 0, buf, 8), SEAM_OK);
    CHECK_MEM(buf, "123nnAAA", 8);
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    store_close(s);
    store_medium_free(m);
}

/* The sequence tx_begin, write, write_nontx, write, then abort or commit, with a power cut at
 * every low-level write: power-up shows the state before the non-transactional write or after
 * it while the commit has not completed, the committed state once it has; after an abort the
 * RAM state is the one with the non-transactional write only. The store works afterwards. */
static void nontx_seq(store *s, store_id a, bool commit, int *done)
{
    *done = 0;
    if (store_tx_begin(s)) return;
    if (store_write(s, a, 0, "tx1", 3)) return;
    if (store_write_nontx(s, a, 2, "NN", 2)) return;
    *done = 1;
    if (store_write(s, a, 8, "tx2", 3)) return;
    if (commit ? store_tx_commit(s) : store_tx_abort(s)) return;
    *done = 2;
}

static void test_tear_nontx(void)
{
    static const char s0[] = "AAAAAAAAAAAAAAAA", s1[] = "AANNAAAAAAAAAAAA",
                      sc[] = "txNNAAAAtx2AAAAA";
    for (int commit = 0; commit < 2; commit++) {
        unsigned long total = 0;
        for (unsigned long cut = 1;; cut++) {
            store_medium *m;
            REQUIRE(store_medium_memory(&m) == SEAM_OK);
            store *s = open_ok(m, CAP);
            REQUIRE(s);
            store_id a;
            CHECK_EQ(store_alloc(s, 1, 1, 16, &a), SEAM_OK);
            CHECK_EQ(store_write(s, a, 0, s0, 16), SEAM_OK);
            unsigned long w0 = store_medium_writes(m);
            store_medium_set_tear(m, cut);
            int done;
            nontx_seq(s, a, commit, &done);
            bool torn = store_medium_torn(m);
            uint8_t buf[16];
            if (!torn) {
                total = store_medium_writes(m) - w0;
                CHECK_EQ(done, 2);
                CHECK_EQ(store_read(s, a, 0, buf, 16), SEAM_OK);
                CHECK_MEM(buf, commit ? sc : s1, 16);
            }
            store_close(s);
            store_medium_power_cycle(m);
            s = open_ok(m, CAP);
            REQUIRE(s);
            CHECK_EQ(store_read(s, a, 0, buf, 16), SEAM_OK);
            bool ok;
            if (done == 0)
                ok = !memcmp(buf, s0, 16) || !memcmp(buf, s1, 16);
            else if (done == 1)
                ok = !memcmp(buf, s1, 16) || (commit && !memcmp(buf, sc, 16));
            else
                ok = !memcmp(buf, commit ? sc : s1, 16);
            if (!ok) fprintf(stderr, "  commit %d cut %lu: state %.16s\n", commit, cut, buf);
            CHECK(ok);
            /* the store still works, and its next write survives another power cycle */
            CHECK_EQ(store_write_nontx(s, a, 15, "Z", 1), SEAM_OK);
            store_close(s);
            s = open_ok(m, CAP);
            REQUIRE(s);
            CHECK_EQ(store_read(s, a, 15, buf, 1), SEAM_OK);
            CHECK_EQ(buf[0], 'Z');
            store_close(s);
            store_medium_free(m);
            if (!torn) break;
        }
        CHECK(total >= (commit ? 4u : 1u)); /* nontx; + 2 redo records and the COMMIT */
    }
}

/* ---- persistence and compaction ---- */

static void fill_some(store *s, uint8_t d[32])
{
    store_id a, b;
    CHECK_EQ(store_alloc(s, 0x11223344u, 0xABCD, 300, &a), SEAM_OK);
    CHECK_EQ(store_alloc(s, 2, 2, 5, &b), SEAM_OK);
    uint8_t x[300];
    for (int i = 0; i < 300; i++)
        x[i] = (uint8_t)(i * 7);
    CHECK_EQ(store_write(s, a, 0, x, 300), SEAM_OK);
    CHECK_EQ(store_write(s, b, 1, "abcd", 4), SEAM_OK);
    CHECK_EQ(store_set_root(s, 3, b), SEAM_OK);
    CHECK_EQ(store_free(s, a), SEAM_OK);
    CHECK_EQ(store_alloc(s, 3, 3, 77, &a), SEAM_OK);
    CHECK_EQ(store_write(s, a, 70, x, 7), SEAM_OK);
    digest(s, d);
}

static void test_persist_memory(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    uint8_t d1[32], d2[32];
    fill_some(s, d1);
    store_close(s);
    s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK(!store_is_new(s));
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    store_close(s);
    /* Capacity 0 takes the image's own; a store too small for the image says so. */
    s = open_ok(m, 0);
    REQUIRE(s);
    CHECK_EQ(store_capacity(s), CAP);
    store_id big;
    CHECK_EQ(store_alloc(s, 1, 1, 1000, &big), SEAM_OK);
    store_close(s);
    char msg[200];
    CHECK_EQ(store_open(&s, m, 256, msg, sizeof msg), SEAM_E_FULL);
    CHECK(strstr(msg, "capacity") != NULL);
    store_medium_free(m);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/seam-store-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(1);
    }
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

static void test_persist_file(void)
{
    char path[128], newp[140];
    snprintf(path, sizeof path, "%s/card.img", tmpdir);
    snprintf(newp, sizeof newp, "%s.new", path);
    store_medium *m;
    REQUIRE(store_medium_file(&m, path) == SEAM_OK);
    uint8_t *bytes;
    size_t len;
    CHECK_EQ(store_medium_get_bytes(m, &bytes, &len), SEAM_E_UNSUPPORTED);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK(store_is_new(s));
    uint8_t d1[32], d2[32];
    fill_some(s, d1);
    store_close(s);
    store_medium_free(m);

    /* A leftover image under construction is deleted at power-up. */
    FILE *f = fopen(newp, "wb");
    REQUIRE(f);
    fputs("half a snapshot", f);
    fclose(f);
    REQUIRE(store_medium_file(&m, path) == SEAM_OK);
    s = open_ok(m, CAP);
    REQUIRE(s);
    CHECK(!store_is_new(s));
    CHECK(access(newp, F_OK) != 0);
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    store_close(s);
    store_medium_free(m);

    /* A file that is not an image is refused with a message. */
    snprintf(path, sizeof path, "%s/junk.img", tmpdir);
    f = fopen(path, "wb");
    REQUIRE(f);
    fputs("this is not a store image at all", f);
    fclose(f);
    REQUIRE(store_medium_file(&m, path) == SEAM_OK);
    char msg[200] = "";
    CHECK_EQ(store_open(&s, m, CAP, msg, sizeof msg), SEAM_E_CORRUPT);
    CHECK(msg[0] != 0);
    store_medium_free(m);
    CHECK_EQ(store_medium_file(&m, ""), SEAM_E_ARG);
}

static void test_compaction(void)
{
    store_medium *m;
    REQUIRE(store_medium_memory(&m) == SEAM_OK);
    store *s = open_ok(m, CAP);
    REQUIRE(s);
    store_id c;
    CHECK_EQ(store_alloc(s, 1, 1, 64, &c), SEAM_OK);
    size_t maxlen = 0, minlen_after = SIZE_MAX;
    for (uint32_t i = 0; i < 20000; i++) {
        uint8_t v[4];
        seam_put_be32(v, i);
        CHECK_EQ(store_write(s, c, (i % 16) * 4, v, 4), SEAM_OK);
        uint8_t *b;
        size_t len;
        if (i % 100 == 0 && store_medium_get_bytes(m, &b, &len) == SEAM_OK) {
            free(b);
            if (len > maxlen) maxlen = len;
            if (i > 10000 && len < minlen_after) minlen_after = len;
        }
    }
    /* 20000 writes of ~50 bytes = 1 MB of journal, kept near 64 KiB by compaction. */
    CHECK(maxlen < 80 * 1024);
    CHECK(minlen_after < 64 * 1024);
    uint8_t d1[32], d2[32];
    digest(s, d1);
    store_close(s);
    s = open_ok(m, CAP);
    REQUIRE(s);
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    uint8_t v[4];
    CHECK_EQ(store_read(s, c, (19999 % 16) * 4, v, 4), SEAM_OK);
    CHECK_EQ(seam_be32(v), 19999);
    store_close(s);
    store_medium_free(m);
}

/* ---- the workload of the crash tests ---- */

#define MAX_STEPS 2000

typedef struct {
    store *s;
    int done;           /* steps completed (step 0 is power-up) */
    uint8_t (*dig)[32]; /* reference run: digest after each step */
    size_t *bound;      /* reference run on memory: image length after each step */
    store_medium *m;
    seam_err err;
} workload;

static void step_end(workload *w)
{
    w->done++;
    if (w->dig && w->done < MAX_STEPS) digest(w->s, w->dig[w->done]);
    if (w->bound && w->done < MAX_STEPS) {
        uint8_t *b;
        size_t len = 0;
        if (store_medium_get_bytes(w->m, &b, &len) == SEAM_OK) free(b);
        w->bound[w->done] = len;
    }
}

#define DO(expr)                                                                                   \
    do {                                                                                           \
        seam_err e_ = (expr);                                                                      \
        if (e_) {                                                                                  \
            w->err = e_;                                                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Replaces the key set under root 1 (three 32-byte keys and an index) in one transaction, as a
 * PUT KEY replacing a whole key version would. */
static void replace_keyset(workload *w, uint32_t gen)
{
    store *s = w->s;
    DO(store_tx_begin(s));
    store_id idx = store_root(s, 1);
    store_id ids[3];
    if (idx) {
        DO(store_read(s, idx, 0, ids, sizeof ids));
        for (int j = 0; j < 3; j++)
            DO(store_free(s, ids[j]));
        DO(store_free(s, idx));
    }
    for (int j = 0; j < 3; j++) {
        uint8_t key[32];
        for (int k = 0; k < 32; k++)
            key[k] = (uint8_t)(gen * 31 + (uint32_t)j * 7 + (uint32_t)k);
        DO(store_alloc(s, 2, 0x10, 32, &ids[j]));
        DO(store_write(s, ids[j], 0, key, 32));
    }
    DO(store_alloc(s, 2, 0x11, sizeof ids, &idx));
    DO(store_write(s, idx, 0, ids, sizeof ids));
    DO(store_set_root(s, 1, idx));
    DO(store_tx_commit(s));
    step_end(w);
}

static void run_workload(workload *w, int iters)
{
    char msg[256];
    w->done = 0;
    w->err = SEAM_OK;
    w->s = NULL;
    seam_err e = store_open(&w->s, w->m, CAP, msg, sizeof msg);
    if (e) {
        w->err = e;
        return;
    }
    if (w->dig) digest(w->s, w->dig[0]);
    if (w->bound) {
        uint8_t *b;
        w->bound[0] = 0;
        if (store_medium_get_bytes(w->m, &b, &w->bound[0]) == SEAM_OK) free(b);
    }
    store *s = w->s;
    store_id ctr[4], blob, tmp = 0;
    for (int i = 0; i < 4; i++) {
        DO(store_alloc(s, 1, 1, 16, &ctr[i]));
        step_end(w);
    }
    DO(store_set_root(s, 0, ctr[0]));
    step_end(w);
    replace_keyset(w, 0);
    if (w->err) return;
    DO(store_alloc(s, 3, 2, 2048, &blob));
    step_end(w);
    static uint8_t pattern[2048];
    for (int i = 0; i < iters; i++) {
        /* A single-field update of a counter. */
        uint8_t v[4];
        seam_put_be32(v, (uint32_t)i);
        DO(store_write(s, ctr[i % 4], (size_t)(i % 4) * 4, v, 4));
        step_end(w);
        if (i % 10 == 9) {
            memset(pattern, i, sizeof pattern);
            DO(store_write(s, blob, 0, pattern, sizeof pattern));
            step_end(w);
        }
        if (i % 25 == 24) {
            replace_keyset(w, (uint32_t)i);
            if (w->err) return;
        }
        if (i % 40 == 5) {
            if (tmp) {
                DO(store_free(s, tmp));
                step_end(w);
            }
            DO(store_alloc(s, 4, 4, 20 + (size_t)i % 50, &tmp));
            step_end(w);
        }
        if (i % 33 == 7) {
            /* An aborted transaction changes nothing durable. */
            DO(store_tx_begin(s));
            DO(store_write(s, ctr[1], 0, "junk", 4));
            store_id x;
            DO(store_alloc(s, 9, 9, 8, &x));
            DO(store_tx_abort(s));
            step_end(w);
            /* A transaction updating two counters together. */
            DO(store_tx_begin(s));
            DO(store_write(s, ctr[2], 8, v, 4));
            DO(store_write(s, ctr[3], 12, v, 4));
            DO(store_tx_commit(s));
            step_end(w);
        }
    }
}

/* After power-up: the store works, and what it writes survives another power cycle. */
static void check_still_works(store_medium *m, store *s)
{
    store_id id;
    CHECK_EQ(store_alloc(s, 5, 5, 8, &id), SEAM_OK);
    CHECK_EQ(store_write(s, id, 0, "survives", 8), SEAM_OK);
    uint8_t d1[32], d2[32];
    digest(s, d1);
    store_close(s);
    s = open_ok(m, CAP);
    if (!s) {
        check_failures++;
        return;
    }
    digest(s, d2);
    CHECK_MEM(d1, d2, 32);
    store_close(s);
}

static void tear_test(bool file, int iters, int stride)
{
    static uint8_t dig[MAX_STEPS][32];
    static size_t bound[MAX_STEPS];
    workload w = {0};
    char path[128];
    snprintf(path, sizeof path, "%s/tear.img", tmpdir);

    if (file) {
        unlink(path);
        REQUIRE(store_medium_file(&w.m, path) == SEAM_OK);
    } else {
        REQUIRE(store_medium_memory(&w.m) == SEAM_OK);
    }
    w.dig = dig;
    w.bound = file ? NULL : bound;
    run_workload(&w, iters);
    w.bound = NULL;
    REQUIRE(w.err == SEAM_OK);
    REQUIRE(w.done < MAX_STEPS);
    int steps = w.done;
    if (!file) { /* the workload must cover compaction: the image shrinks at some step */
        int shrinks = 0;
        for (int k = 1; k <= steps; k++)
            shrinks += bound[k] < bound[k - 1];
        CHECK(shrinks >= 1);
        fprintf(stderr, "  compactions: %d\n", shrinks);
    }
    unsigned long W = store_medium_writes(w.m);
    store_close(w.s);
    store_medium_free(w.m);
    fprintf(stderr, "  %s: %d steps, %lu low-level writes\n", file ? "file" : "memory", steps, W);

    int bad = 0;
    for (unsigned long n = 1; n <= W && bad < 5; n += (unsigned long)stride) {
        if (file) {
            unlink(path);
            REQUIRE(store_medium_file(&w.m, path) == SEAM_OK);
        } else {
            REQUIRE(store_medium_memory(&w.m) == SEAM_OK);
        }
        store_medium_set_tear(w.m, n);
        w.dig = NULL;
        run_workload(&w, iters);
        int fails = check_failures;
        CHECK_EQ(w.err, SEAM_E_TORN);
        CHECK(store_medium_torn(w.m));
        if (w.s) {
            CHECK(!store_alive(w.s));
            store_id x;
            CHECK_EQ(store_alloc(w.s, 1, 1, 1, &x), SEAM_E_TORN);
            CHECK_EQ(store_tx_begin(w.s), SEAM_E_TORN);
            store_close(w.s);
        }
        store_medium_power_cycle(w.m);
        store *s = open_ok(w.m, CAP);
        CHECK(s != NULL);
        if (s) {
            uint8_t d[32];
            digest(s, d);
            int k = w.done; /* steps completed; step k+1 was in progress */
            bool old = memcmp(d, dig[k], 32) == 0;
            bool neu = k + 1 <= steps && memcmp(d, dig[k + 1], 32) == 0;
            CHECK(old || neu);
            check_still_works(w.m, s);
        }
        if (check_failures != fails) {
            fprintf(stderr, "  tear at write %lu (step %d) failed\n", n, w.done + 1);
            bad++;
        }
        store_medium_free(w.m);
    }
    if (file) {
        unlink(path);
        char p[140];
        snprintf(p, sizeof p, "%s.new", path);
        unlink(p);
    }
}

static void test_tear_memory(void)
{
    tear_test(false, 420, 1);
}

static void test_tear_file(void)
{
    tear_test(true, 420, 7);
}

/* ---- damaged images ---- */

/* A reference image without compaction, with its digest and image length after each step. */
static uint8_t ref_dig[MAX_STEPS][32];
static size_t ref_bound[MAX_STEPS];
static int ref_steps;
static uint8_t *ref_img;
static size_t ref_len;

static bool make_reference(void)
{
    workload w = {0};
    if (store_medium_memory(&w.m)) return false;
    w.dig = ref_dig;
    w.bound = ref_bound;
    run_workload(&w, 40);
    bool ok = w.err == SEAM_OK;
    ref_steps = w.done;
    store_close(w.s);
    ok = ok && store_medium_get_bytes(w.m, &ref_img, &ref_len) == SEAM_OK;
    store_medium_free(w.m);
    return ok && ref_bound[ref_steps] == ref_len;
}

/* Opens the image; returns the error, and the step whose state it holds in *step (or -1). */
static seam_err open_image(const uint8_t *img, size_t len, int *step, size_t *len_after, char *msg,
                           size_t msg_cap)
{
    store_medium *m;
    *step = -1;
    if (store_medium_memory(&m)) return SEAM_E_NOMEM;
    store_medium_set_bytes(m, img, len);
    store *s = NULL;
    seam_err e = store_open(&s, m, CAP, msg, msg_cap);
    if (!e) {
        uint8_t d[32];
        digest(s, d);
        for (int k = ref_steps; k >= 0; k--) {
            if (memcmp(d, ref_dig[k], 32) == 0) {
                *step = k;
                break;
            }
        }
        store_close(s);
        uint8_t *b;
        if (len_after && store_medium_get_bytes(m, &b, len_after) == SEAM_OK) free(b);
    }
    store_medium_free(m);
    return e;
}

static void test_truncate(void)
{
    REQUIRE(ref_img);
    for (size_t len = 0; len <= ref_len; len++) {
        int step;
        size_t after = 0;
        char msg[200] = "";
        seam_err e = open_image(ref_img, len, &step, &after, msg, sizeof msg);
        if (len == 0) { /* an empty medium: a fresh card */
            CHECK_EQ(e, SEAM_OK);
            CHECK_EQ(step, 0);
            continue;
        }
        if (len < ref_bound[0]) { /* inside the header or the snapshot */
            CHECK_EQ(e, SEAM_E_CORRUPT);
            CHECK(msg[0] != 0);
            continue;
        }
        /* The newest step whose image fits in len bytes; the rest is a torn tail. */
        int want = 0;
        for (int k = 0; k <= ref_steps; k++)
            if (ref_bound[k] <= len) want = k;
        CHECK_EQ(e, SEAM_OK);
        CHECK(step >= 0);
        if (step >= 0) CHECK_MEM(ref_dig[step], ref_dig[want], 32);
        CHECK_EQ(after, ref_bound[want]);
        if (check_failures) {
            fprintf(stderr, "  truncation to %zu of %zu bytes failed\n", len, ref_len);
            break;
        }
    }
}

static void test_flip(void)
{
    REQUIRE(ref_img);
    /* The last group starts where the image ended after the newest step that wrote less. */
    size_t last_group = 0;
    int older = 0;
    for (int k = 0; k <= ref_steps; k++) {
        if (ref_bound[k] < ref_len && ref_bound[k] >= last_group) {
            last_group = ref_bound[k];
            older = k;
        }
    }
    uint8_t *img = malloc(ref_len);
    REQUIRE(img);
    int corrupt = 0, oldstate = 0;
    for (size_t pos = 0; pos < ref_len; pos++) {
        for (int v = 0; v < 2; v++) {
            memcpy(img, ref_img, ref_len);
            img[pos] ^= v ? 0xFF : 0x01;
            int step;
            char msg[200] = "";
            seam_err e = open_image(img, ref_len, &step, NULL, msg, sizeof msg);
            if (e == SEAM_E_CORRUPT) {
                CHECK(strstr(msg, "offset") != NULL || strstr(msg, "header") != NULL);
                corrupt++;
                continue;
            }
            CHECK(pos >= last_group);
            CHECK_EQ(e, SEAM_OK);
            if (e == SEAM_OK && step >= 0) CHECK_MEM(ref_dig[step], ref_dig[older], 32);
            CHECK(step >= 0);
            oldstate++;
            if (pos < last_group) {
                fprintf(stderr, "  flip at %zu of %zu was not detected\n", pos, ref_len);
                break;
            }
        }
    }
    CHECK(corrupt > 0);
    CHECK(oldstate > 0);
    free(img);
}

/* Appends a framed record to img. */
static size_t put_rec(uint8_t *img, size_t at, uint8_t type, const uint8_t *payload, size_t n)
{
    med_piece p = {payload, n}, pc[3];
    rec_frame_buf f;
    rec_frame(&f, type, &p, 1, pc);
    for (int i = 0; i < 3; i++) {
        memcpy(img + at, pc[i].p, pc[i].n);
        at += pc[i].n;
    }
    return at;
}

static size_t put_header(uint8_t *img, const char *magic, uint32_t version, uint32_t cap)
{
    uint8_t h[REC_HEADER_LEN];
    memcpy(h, magic, 8);
    seam_put_be32(h + 8, version);
    seam_put_be32(h + 12, cap);
    return put_rec(img, 0, REC_HEADER, h, sizeof h);
}

static size_t put_empty_snapshot(uint8_t *img, size_t at)
{
    uint8_t roots[REC_ROOTS_LEN] = {0}, end[REC_SNAP_END_LEN] = {0};
    at = put_rec(img, at, REC_ROOTS, roots, sizeof roots);
    return put_rec(img, at, REC_SNAP_END, end, sizeof end);
}

static size_t put_commit(uint8_t *img, size_t at, uint32_t seq, uint32_t n)
{
    uint8_t c[8];
    seam_put_be32(c, seq);
    seam_put_be32(c + 4, n);
    return put_rec(img, at, REC_COMMIT, c, sizeof c);
}

static void expect_corrupt(const uint8_t *img, size_t len, const char *what)
{
    int step;
    char msg[200] = "";
    seam_err e = open_image(img, len, &step, NULL, msg, sizeof msg);
    if (e != SEAM_E_CORRUPT || !strstr(msg, what)) {
        fprintf(stderr, "  expected corrupt '%s', got %s: '%s'\n", what, seam_strerror(e), msg);
        check_failures++;
    }
}

static void test_crafted(void)
{
    static uint8_t img[4096];
    size_t n;

    n = put_header(img, "SEAMSTOX", STORE_VERSION, CAP);
    n = put_empty_snapshot(img, n);
    expect_corrupt(img, n, "magic");

    n = put_header(img, STORE_MAGIC, STORE_VERSION + 1, CAP);
    n = put_empty_snapshot(img, n);
    expect_corrupt(img, n, "version");

    n = put_header(img, STORE_MAGIC, STORE_VERSION, 0xFFFFFFFFu);
    n = put_empty_snapshot(img, n);
    expect_corrupt(img, n, "capacity");

    uint8_t p[16] = {0};
    n = put_header(img, STORE_MAGIC, STORE_VERSION, CAP);
    n = put_rec(img, n, REC_ALLOC, p, REC_ALLOC_LEN);
    expect_corrupt(img, n, "unexpected record type in the snapshot");

    /* An image that ends inside its snapshot. */
    n = put_header(img, STORE_MAGIC, STORE_VERSION, CAP);
    n = put_rec(img, n, REC_ROOTS, p, 0);
    expect_corrupt(img, n, "roots");
    n = put_header(img, STORE_MAGIC, STORE_VERSION, CAP);
    expect_corrupt(img, n, "ends inside the snapshot");

    /* A valid empty image opens; it is the base of the next cases. */
    size_t base = put_empty_snapshot(img, put_header(img, STORE_MAGIC, STORE_VERSION, CAP));
    int step;
    CHECK_EQ(open_image(img, base, &step, NULL, NULL, 0), SEAM_OK);

    /* A write to an object that does not exist. */
    seam_put_be32(p, 5);
    n = put_rec(img, base, REC_WRITE, p, 12);
    n = put_commit(img, n, 1, 1);
    expect_corrupt(img, n, "unknown object");

    /* A free of an object that does not exist. */
    n = put_rec(img, base, REC_FREE, p, 4);
    n = put_commit(img, n, 1, 1);
    expect_corrupt(img, n, "unknown object");

    /* Unknown record types, in the journal and in the snapshot. */
    n = put_rec(img, base, 99, p, 4);
    n = put_commit(img, n, 1, 1);
    expect_corrupt(img, n, "unexpected record type");

    /* Commit sequence and count. */
    seam_put_be32(p, 1);
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    size_t g = put_commit(img, n, 2, 1);
    expect_corrupt(img, g, "out of sequence");
    g = put_commit(img, n, 1, 2);
    expect_corrupt(img, g, "commit");
    g = put_commit(img, base, 1, 0);
    expect_corrupt(img, g, "commit");

    /* An allocation bigger than the capacity, an id beyond the table. */
    seam_put_be32(p, 1);
    seam_put_be32(p + 10, CAP + 1);
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    n = put_commit(img, n, 1, 1);
    expect_corrupt(img, n, "out of range");
    memset(p, 0, sizeof p);
    seam_put_be32(p, 0x7FFFFFFF);
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    n = put_commit(img, n, 1, 1);
    expect_corrupt(img, n, "out of range");

    /* A write past the end of its object. */
    memset(p, 0, sizeof p);
    seam_put_be32(p, 1);
    seam_put_be32(p + 10, 4);
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    seam_put_be32(p + 4, 2);
    n = put_rec(img, n, REC_WRITE, p, 8 + 4);
    n = put_commit(img, n, 1, 2);
    expect_corrupt(img, n, "beyond the end");

    /* A length that overflows: header CRC valid, length huge, more data after it. */
    n = base;
    uint8_t h[12] = {0xFF, 0xFF, 0xFF, 0xF0, REC_WRITE, 0, 0, 0};
    seam_put_be32(h + 8, store_crc32(0, h, 8));
    memcpy(img + n, h, 12);
    memset(img + n + 12, 0, 64);
    expect_corrupt(img, n + 76, "claims");

    /* Nonzero reserved bytes. */
    uint8_t h2[12] = {0, 0, 0, 0, REC_COMMIT, 1, 0, 0};
    seam_put_be32(h2 + 8, store_crc32(0, h2, 8));
    memcpy(img + base, h2, 12);
    memset(img + base + 12, 0, 16);
    expect_corrupt(img, base + 28, "reserved");

    /* A bad CRC followed by more data is damage, not a torn tail. */
    seam_put_be32(p, 1);
    seam_put_be32(p + 10, 4);
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    n = put_commit(img, n, 1, 1);
    img[base + 14] ^= 0x40;
    expect_corrupt(img, n, "CRC");
    /* The same damage in the last record is the tail of a cut write: an older state. */
    size_t after = 0;
    n = put_rec(img, base, REC_ALLOC, p, REC_ALLOC_LEN);
    n = put_commit(img, n, 1, 1);
    img[n - 2] ^= 0x40;
    CHECK_EQ(open_image(img, n, &step, &after, NULL, 0), SEAM_OK);
    CHECK_EQ(after, base);

    /* Garbage and short images. */
    expect_corrupt((const uint8_t *)"SEAMSTOR", 8, "header");
    memset(img, 0, 64);
    expect_corrupt(img, 64, "CRC");
}

static void reference_failed(void)
{
    fprintf(stderr, "  the reference workload failed\n");
    check_failures++;
}

int main(void)
{
    make_tmpdir();
    RUN(test_basic);
    RUN(test_capacity);
    RUN(test_tx);
    RUN(test_nontx);
    RUN(test_tear_nontx);
    RUN(test_persist_memory);
    RUN(test_persist_file);
    RUN(test_compaction);
    if (make_reference()) {
        RUN(test_truncate);
        RUN(test_flip);
    } else {
        RUN(reference_failed);
    }
    RUN(test_crafted);
    RUN(test_tear_memory);
    RUN(test_tear_file);
    free(ref_img);
    remove_tmpdir();
    return check_summary();
}
