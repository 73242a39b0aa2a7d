/*
 * Object deletion and the RAM of the Java Card security API: a crypto object (Signature,
 * Cipher, MessageDigest, KeyAgreement, Checksum) keeps its running state in a RAM block
 * (src/se/jcapi/security.c), a transient key its material in a transient array, an EC signing
 * key may be kept imported in OpenSSL (src/se/jcapi/keys.c). All of it must go -- wiped and
 * freed -- with the object: after JCSystem.requestObjectDeletion (src/se/jcvm/heap.c jv_gc),
 * applet deletion and package deletion (GP CS 2.3.1 §11.2, JCRE 3.0.5 §2.2 and §11.3.4), and
 * never before: a key that an initialised Signature refers to stays usable when the applet
 * dropped its own reference (API Signature.init). Driven through the generic test applet
 * seam.sec.Harness (tests/jc/sec/t/seam/sec/Harness.java, INS 31 DROP); the RAM is counted in
 * the VM (jv_vm.trans: transient arrays and RAM blocks) and in the signing key table
 * (sec_ec_key_cache_count). Run under ASan/LSan, the loops also show that nothing is freed twice
 * or used after it was freed.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "check.h"
#include "jcrig.h"
#include "se/jcapi/jcsec.h"
#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/crypto.h"
#include "seam/crypto_ext.h"
#include "seam/se.h"

static const uint8_t sec_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA};
static const uint8_t h_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x02};
static const uint8_t h_app2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x05};

static jc_card C;
static store_id C_elf;

static bool h_card(void)
{
    size_t len;
    memset(&C, 0, sizeof C);
    uint8_t *jcl = jc_read_jcl("tests/jcsec/sec.jcl", &len);
    if (!jcl || !jc_card_new(&C)) {
        free(jcl);
        return false;
    }
    C_elf = 0;
    bool ok = jc_load_pkg(C.s, jcl, len, sec_pkg, sizeof sec_pkg, &C_elf) == 0x9000 &&
              jc_install_app(C.s, C_elf, 1, h_app, sizeof h_app, NULL, 0) == 0x9000 &&
              jc_install_app(C.s, C_elf, 1, h_app2, sizeof h_app2, NULL, 0) == 0x9000 &&
              jc_select(C.s, 0, h_app, sizeof h_app) == 0x9000;
    free(jcl);
    return ok;
}

/* Harness INS codes and object kinds */
enum {
    H_WRITE = 1,
    H_READ = 2,
    H_KEY = 0x10,
    H_SET,
    H_GET,
    H_PAIR,
    H_NEW = 0x20,
    H_INIT,
    H_UPDATE,
    H_FINAL,
    H_DROP = 0x31
};
enum { K_SIG = 1, K_CIPHER = 3, K_KA = 5, K_CK = 6, K_MD = 7 };
/* DROP P2 */
enum { D_GC, D_KEY, D_OBJ, D_PARK, D_UNPARK };
/* KeyBuilder.TYPE_* and algorithms (API 3.0.5 constant values) */
enum {
    T_EC_PUB = 11,
    T_EC_PRIV = 12,
    T_AES_TR = 13,
    T_AES_TD = 14,
    T_AES = 15,
    T_HMAC = 21,
    T_EC_PRIV_TR = 30,
    T_EC_PRIV_TD = 31
};
enum {
    S_ECDSA_SHA256 = 33,
    S_HMAC_SHA256 = 25,
    CI_AES_CBC_NOPAD = 13,
    KA_EC_SVDP_DH = 1,
    MD_SHA256 = 4,
    CK_CRC32 = 2
};

static uint16_t h(uint8_t ins, uint8_t p1, uint8_t p2, int n, ...)
{
    uint8_t d[32];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int v = va_arg(ap, int);
        d[2 * i] = (uint8_t)(v >> 8);
        d[2 * i + 1] = (uint8_t)v;
    }
    va_end(ap);
    return jc_xmit(C.s, 0x80, ins, p1, p2, d, (size_t)(2 * n), true);
}

static int val(void)
{
    return jc_resp_len >= 2 ? (jc_resp[0] << 8 | jc_resp[1]) : -1;
}

static void wr(int off, const uint8_t *b, size_t n)
{
    uint16_t sw = jc_xmit(C.s, 0x80, H_WRITE, (uint8_t)(off >> 8), (uint8_t)off, b, n, false);
    CHECK_EQ(sw, 0x9000);
}

static void rd(int off, size_t n, uint8_t *out)
{
    uint8_t d[2] = {(uint8_t)(n >> 8), (uint8_t)n};
    uint16_t sw = jc_xmit(C.s, 0x80, H_READ, (uint8_t)(off >> 8), (uint8_t)off, d, 2, true);
    CHECK(sw == 0x9000 && jc_resp_len == n);
    memcpy(out, jc_resp, n);
}

static uint16_t drop(int slot, int what)
{
    return h(H_DROP, (uint8_t)slot, (uint8_t)what, 0);
}

/* ---- what the VM holds in RAM ---- */

typedef struct {
    size_t blocks;      /* RAM blocks of objects (not the VM's own block 0) */
    size_t arrays;      /* transient arrays */
    size_t trans_bytes; /* bytes of transient arrays */
    int kept;           /* signing keys kept imported */
} ram_use;

static ram_use ram(void)
{
    jv_vm *vm = jv_vm_of(C.s);
    ram_use u = {0, 0, vm->trans_bytes, sec_ec_key_cache_count(vm)};
    for (size_t i = 0; i < vm->ntrans; i++) {
        if (!(vm->trans[i].id & JV_RAMBLK))
            u.arrays++;
        else if (vm->trans[i].id != JV_RAMBLK)
            u.blocks++;
    }
    return u;
}

static bool ram_is(ram_use a, ram_use b)
{
    bool ok = a.blocks == b.blocks && a.arrays == b.arrays && a.trans_bytes == b.trans_bytes &&
              a.kept == b.kept;
    if (!ok)
        fprintf(stderr,
                "  RAM: %zu blocks, %zu arrays, %zu bytes, %d kept; expected %zu, %zu, "
                "%zu, %d\n",
                a.blocks, a.arrays, a.trans_bytes, a.kept, b.blocks, b.arrays, b.trans_bytes,
                b.kept);
    return ok;
}

/* ---- keys and objects ---- */

static const uint8_t aes_key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                    0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};

/* An AES key of a type into slot, its value from io 1000. */
static void aes_in(int slot, int type)
{
    wr(1000, aes_key, sizeof aes_key);
    CHECK_EQ(h(H_KEY, (uint8_t)slot, 0, 2, type, 128), 0x9000);
    CHECK_EQ(h(H_SET, (uint8_t)slot, 0, 2, 1000, 16), 0x9000);
}

/* A P-256 pair: public key in pub, private key (of priv_type) in priv, made by genKeyPair. */
static void ec_pair(int pub, int priv, int priv_type)
{
    CHECK_EQ(h(H_KEY, (uint8_t)pub, 0, 2, T_EC_PUB, 256), 0x9000);
    CHECK_EQ(h(H_KEY, (uint8_t)priv, 0, 2, priv_type, 256), 0x9000);
    CHECK_EQ(h(H_PAIR, 0, 0, 3, 256, pub, priv), 0x9000);
}

/* One of each crypto object in object slots 0..5, each initialised and holding state:
 * an ECDSA signature made (key 2), a CBC cipher with half a block (key 3), a digest and an
 * HMAC with input accumulated, a key agreement (key 2), a checksum. */
static void make_objects(void)
{
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1 /* MODE_SIGN */), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, CI_AES_CBC_NOPAD), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 3, 1, 2 /* MODE_ENCRYPT */), 0x9000);
    CHECK_EQ(h(H_UPDATE, 1, 0, 3, 0, 8, 300), 0x9000);
    CHECK_EQ(h(H_NEW, 2, K_MD, 1, MD_SHA256), 0x9000);
    CHECK_EQ(h(H_UPDATE, 2, 0, 3, 0, 100, 0), 0x9000);
    CHECK_EQ(h(H_NEW, 3, K_KA, 1, KA_EC_SVDP_DH), 0x9000);
    CHECK_EQ(h(H_INIT, 3, 2, 0), 0x9000);
    CHECK_EQ(h(H_NEW, 4, K_SIG, 1, S_HMAC_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 4, 6, 1, 1), 0x9000);
    CHECK_EQ(h(H_UPDATE, 4, 0, 3, 0, 64, 0), 0x9000);
    CHECK_EQ(h(H_NEW, 5, K_CK, 1, CK_CRC32), 0x9000);
    CHECK_EQ(h(H_UPDATE, 5, 0, 3, 0, 64, 0), 0x9000);
}

static void drop_objects(void)
{
    for (int i = 0; i < 6; i++)
        CHECK_EQ(drop(i, D_OBJ), 0x9000);
}

static void keys_and_message(void)
{
    uint8_t msg[120];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 13 + 1);
    wr(0, msg, sizeof msg);
    ec_pair(1, 2, T_EC_PRIV);
    aes_in(3, T_AES);
    wr(1000, aes_key, sizeof aes_key);
    CHECK_EQ(h(H_KEY, 6, 0, 2, T_HMAC, 128), 0x9000);
    CHECK_EQ(h(H_SET, 6, 0, 2, 1000, 16), 0x9000);
}

/* Crypto objects made and dropped 150 times, with requestObjectDeletion after each round: the
 * RAM blocks of the dropped objects go with them (none left after the collection, the count
 * never grows), and the objects made next work from a clean state. */
static void test_objects_freed(void)
{
    REQUIRE(h_card());
    keys_and_message();
    CHECK_EQ(drop(0, D_GC), 0x9000);
    ram_use base = ram();
    base.kept = 0;
    for (int round = 0; round < 150; round++) {
        make_objects();
        if (round == 0) {
            ram_use u = ram();
            CHECK_EQ(u.blocks, 6); /* one per object */
        }
        drop_objects();
        CHECK_EQ(drop(0, D_GC), 0x9000);
        ram_use u = ram();
        u.kept = 0; /* the signing key (slot 2) is still there: it may be kept */
        if (!ram_is(u, base)) {
            fprintf(stderr, "  round %d\n", round);
            CHECK(false);
            break;
        }
    }
    /* the objects still reachable keep their state through a collection */
    make_objects();
    CHECK_EQ(drop(0, D_GC), 0x9000);
    CHECK_EQ(ram().blocks, 6);
    CHECK_EQ(h(H_UPDATE, 1, 0, 3, 8, 8, 300), 0x9000); /* completes the half block */
    CHECK_EQ(val(), 16);
    jc_card_free(&C);
}

/* A key that an initialised object refers to stays alive and usable after the applet dropped
 * its own references and a collection ran; it goes (with its kept signing key) when the object
 * goes too. */
static void test_key_kept_by_object(void)
{
    REQUIRE(h_card());
    keys_and_message();
    uint8_t w[65];
    CHECK_EQ(h(H_GET, 1, 6, 1, 600), 0x9000);
    CHECK_EQ(val(), 65);
    rd(600, 65, w);
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    CHECK_EQ(h(H_NEW, 1, K_CIPHER, 1, CI_AES_CBC_NOPAD), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 3, 1, 2), 0x9000);
    jv_vm *vm = jv_vm_of(C.s);
    CHECK_EQ(sec_ec_key_cache_count(vm), 1);
    CHECK_EQ(drop(1, D_KEY), 0x9000);
    CHECK_EQ(drop(2, D_KEY), 0x9000);
    CHECK_EQ(drop(3, D_KEY), 0x9000);
    CHECK_EQ(drop(0, D_GC), 0x9000);
    /* the signature still signs with the private key, verified on the host */
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    int n = val();
    uint8_t der[80], raw[64], hash[32];
    size_t hl = 0;
    REQUIRE(n > 0 && n <= (int)sizeof der);
    rd(200, (size_t)n, der);
    uint8_t msg[40];
    rd(0, sizeof msg, msg);
    cr_ec_group *g = NULL;
    REQUIRE(cr_ec_group_named(CR_EC_P256, &g) == SEAM_OK);
    CHECK_EQ(cr_md(CR_MD_SHA256, msg, sizeof msg, hash, sizeof hash, &hl), SEAM_OK);
    CHECK_EQ(cr_ecdsa_der_to_raw(der, (size_t)n, raw, sizeof raw), SEAM_OK);
    CHECK_EQ(cr_ec_verify(g, w, sizeof w, hash, sizeof hash, raw, sizeof raw), SEAM_OK);
    cr_ec_group_free(g);
    CHECK_EQ(sec_ec_key_cache_count(vm), 1);
    /* the cipher still encrypts with the AES key: FIPS-197 C.1 is ECB; here one CBC block
     * with a zero IV is AES(k, p), SP 800-38A F.2.1 block 1 */
    static const uint8_t p1[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                   0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
    static const uint8_t c1[16] = {0x3a, 0xd7, 0x7b, 0xb4, 0x0d, 0x7a, 0x36, 0x60,
                                   0xa8, 0x9e, 0xca, 0xf3, 0x24, 0x66, 0xef, 0x97};
    wr(400, p1, sizeof p1);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 400, 16, 420), 0x9000);
    uint8_t c[16];
    rd(420, sizeof c, c);
    CHECK_MEM(c, c1, sizeof c1);
    /* the objects go: their keys go with them, and the kept signing key */
    ram_use before = ram();
    CHECK_EQ(before.blocks, 2);
    CHECK_EQ(drop(0, D_OBJ), 0x9000);
    CHECK_EQ(drop(1, D_OBJ), 0x9000);
    CHECK_EQ(drop(0, D_GC), 0x9000);
    CHECK_EQ(ram().blocks, 0);
    CHECK_EQ(sec_ec_key_cache_count(vm), 0);
    jc_card_free(&C);
}

/* Transient keys (TYPE_*_TRANSIENT_RESET / _DESELECT): their arrays are wiped and freed with
 * them, over many rounds; and the signing key of a persistent key is dropped when its key
 * goes, while the VM's other kept key stays. */
static void test_transient_keys_freed(void)
{
    REQUIRE(h_card());
    keys_and_message();
    CHECK_EQ(drop(0, D_GC), 0x9000);
    ram_use base = ram();
    for (int round = 0; round < 60; round++) {
        aes_in(4, T_AES_TR);
        aes_in(5, T_AES_TD);
        ec_pair(6, 7, round & 1 ? T_EC_PRIV_TD : T_EC_PRIV_TR);
        CHECK_EQ(h(H_NEW, 0, K_CIPHER, 1, CI_AES_CBC_NOPAD), 0x9000);
        CHECK_EQ(h(H_INIT, 0, (uint8_t)(4 + (round & 1)), 1, 2), 0x9000);
        CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 16, 300), 0x9000);
        CHECK_EQ(h(H_NEW, 1, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
        CHECK_EQ(h(H_INIT, 1, 7, 1, 1), 0x9000);
        CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 40, 200), 0x9000);
        if (round == 0) CHECK_EQ(ram().arrays, base.arrays + 3);
        for (int k = 4; k < 8; k++)
            CHECK_EQ(drop(k, D_KEY), 0x9000);
        CHECK_EQ(drop(0, D_OBJ), 0x9000);
        CHECK_EQ(drop(1, D_OBJ), 0x9000);
        CHECK_EQ(drop(0, D_GC), 0x9000);
        if (!ram_is(ram(), base)) {
            fprintf(stderr, "  round %d\n", round);
            CHECK(false);
            break;
        }
    }
    /* a persistent key signs (kept), then goes: its kept key goes with it */
    CHECK_EQ(h(H_NEW, 0, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 0, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    ec_pair(4, 5, T_EC_PRIV);
    CHECK_EQ(h(H_NEW, 1, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 1, 5, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 1, 0, 3, 0, 40, 200), 0x9000);
    jv_vm *vm = jv_vm_of(C.s);
    CHECK_EQ(sec_ec_key_cache_count(vm), 2);
    CHECK_EQ(drop(4, D_KEY), 0x9000);
    CHECK_EQ(drop(5, D_KEY), 0x9000);
    CHECK_EQ(drop(1, D_OBJ), 0x9000);
    CHECK_EQ(drop(0, D_GC), 0x9000);
    CHECK_EQ(sec_ec_key_cache_count(vm), 1);
    /* the remaining one is still served */
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    CHECK_EQ(sec_ec_key_cache_count(vm), 1);
    /* power-down drops the VM's kept keys */
    REQUIRE(jc_card_cycle(&C));
    CHECK_EQ(sec_ec_key_cache_count(vm), 0);
    jc_card_free(&C);
}

/* DELETE of an applet instance as GP does it (src/se/gp/content.c): in a store transaction. */
static uint16_t delete_app(const uint8_t *aid, size_t aid_len)
{
    store *st = se_store(C.s);
    store_id id = reg_find(C.s, aid, aid_len, false, 0, false);
    if (!id) return 0x6A88;
    if (store_tx_begin(st)) return 0x6F01;
    uint16_t sw = jcvm_delete_app(C.s, id);
    if (sw == SW_NO_ERROR && store_free(st, id)) sw = 0x6F00;
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_prune(C.s);
    } else {
        store_tx_abort(st);
    }
    return sw;
}

/* DELETE of the load file and its package (its applets deleted before). */
static uint16_t delete_pkg(void)
{
    store *st = se_store(C.s);
    const se_reg_rec *r = reg_get(C.s, C_elf);
    if (!r) return 0x6A88;
    store_id pkg = seam_be32(r->obj_id);
    if (store_tx_begin(st)) return 0x6F01;
    uint16_t sw = jcvm_delete_pkg(C.s, pkg);
    if (sw == SW_NO_ERROR && store_free(st, C_elf)) sw = 0x6F00;
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_prune(C.s);
    } else {
        store_tx_abort(st);
    }
    return sw;
}

/* The objects and keys of a deleted applet instance go with it (blocks, transient arrays,
 * kept signing keys), those of another instance of the package stay; the objects an applet
 * parked in a static field outlive it and go with the package. */
static void test_applet_and_package_deletion(void)
{
    REQUIRE(h_card());
    /* instance 1: objects, a transient key, a signing key kept */
    keys_and_message();
    aes_in(4, T_AES_TR);
    make_objects();
    /* instance 2: the same, and two parked objects: a cipher whose transient key only it
     * refers to, and a signature with the kept key 2, parked with a transient EC key */
    CHECK_EQ(jc_select(C.s, 0, h_app2, sizeof h_app2), 0x9000);
    keys_and_message();
    aes_in(4, T_AES_TD);
    make_objects();
    CHECK_EQ(h(H_NEW, 6, K_CIPHER, 1, CI_AES_CBC_NOPAD), 0x9000);
    CHECK_EQ(h(H_INIT, 6, 4, 1, 2), 0x9000);
    CHECK_EQ(drop(4, D_KEY), 0x9000);
    ec_pair(5, 7, T_EC_PRIV_TR);
    CHECK_EQ(h(H_NEW, 7, K_SIG, 1, S_ECDSA_SHA256), 0x9000);
    CHECK_EQ(h(H_INIT, 7, 2, 1, 1), 0x9000);
    CHECK_EQ(h(H_FINAL, 7, 0, 3, 0, 40, 200), 0x9000);
    CHECK_EQ(drop(6, D_PARK), 0x9000);
    CHECK_EQ(drop(7, D_PARK), 0x9000);
    jv_vm *vm = jv_vm_of(C.s);
    ram_use two = ram();
    CHECK_EQ(two.blocks, 14);
    CHECK_EQ(two.kept, 2);
    /* delete instance 1 (not selected): its 6 blocks, its transient key and io go */
    CHECK_EQ(delete_app(h_app, sizeof h_app), SW_NO_ERROR);
    ram_use one = ram();
    CHECK_EQ(one.blocks, 8);
    CHECK_EQ(one.arrays, two.arrays - 2);
    CHECK_EQ(one.kept, 1);
    /* instance 2 still works: its signature, its parked cipher */
    CHECK_EQ(h(H_FINAL, 0, 0, 3, 0, 40, 200), 0x9000);
    CHECK_EQ(h(H_FINAL, 6, 0, 3, 0, 16, 300), 0x9000);
    /* delete instance 2 (deselected first): its objects go but the parked ones */
    static const uint8_t isd[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
    CHECK_EQ(jc_select(C.s, 0, isd, sizeof isd), 0x9000);
    CHECK_EQ(delete_app(h_app2, sizeof h_app2), SW_NO_ERROR);
    ram_use parked = ram();
    CHECK_EQ(parked.blocks, 2); /* the parked cipher and signature */
    CHECK_EQ(parked.arrays, 2); /* the cipher's AES key, the parked EC key (io went) */
    CHECK_EQ(parked.kept, 1);   /* the parked signature's key may stay kept */
    /* the package goes: everything */
    CHECK_EQ(delete_pkg(), SW_NO_ERROR);
    CHECK(ram_is(ram(), (ram_use){0, 0, 0, 0}));
    CHECK_EQ(sec_ec_key_cache_count(vm), 0);
    jc_card_free(&C);
}

/* A collection inside an applet's transaction that is then aborted, and objects allocated in an
 * aborted transaction: nothing of them stays in RAM (TXSIGN allocates nothing, so the
 * allocation case is checked with jv_recount directly after an abort). */
static void test_abort_leaves_nothing(void)
{
    REQUIRE(h_card());
    keys_and_message();
    CHECK_EQ(drop(0, D_GC), 0x9000);
    ram_use base = ram();
    base.kept = 0;
    jv_vm *vm = jv_vm_of(C.s);
    store *st = se_store(C.s);
    /* an outer transaction (as GP's) around object creation, then aborted: the objects and
     * transient arrays made in it are gone from the store, and from RAM at the recount */
    REQUIRE(store_tx_begin(st) == SEAM_OK);
    make_objects();
    aes_in(4, T_AES_TR);
    CHECK_EQ(ram().blocks, 6);
    store_tx_abort(st);
    jv_recount(vm);
    ram_use u = ram();
    u.kept = 0;
    CHECK(ram_is(u, base));
    jc_card_free(&C);
}

int main(void)
{
    RUN(test_objects_freed);
    RUN(test_key_kept_by_object);
    RUN(test_transient_keys_freed);
    RUN(test_applet_and_package_deletion);
    RUN(test_abort_leaves_nothing);
    return check_summary();
}
