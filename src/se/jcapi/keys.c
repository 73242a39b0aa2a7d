/*
 * Natives of the key classes of javacard.security (KeyBase and its subclasses, KeyPair): key
 * objects are instances of package-private API classes whose material lives in a byte array
 * (field `data`) owned by the context that built the key: a persistent array for persistent key
 * types, a CLEAR_ON_RESET / CLEAR_ON_DESELECT transient array for the TYPE_*_TRANSIENT_* types,
 * so that a transient key is wiped and uninitialized at its event (API KeyBuilder). The array
 * header's byte 7 is JV_ARR_SECRET, so object deletion wipes it before freeing (heap.c).
 *
 * Layout of `data`: u16 big-endian mask of the components set, then per component a u16
 * big-endian length and a fixed capacity. Every update of a persistent key (component, length
 * and mask) is one store transaction of its own, or part of the applet's open transaction
 * (JCRE §7: like any field update). Keys never cross the firewall: every native checks the
 * key object and each array argument against the caller's context (JCRE §6.2.8); a key is
 * readable (getKey, getS, ...) only by its owner context, as the API says.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "seam/crypto.h"

static uint16_t field_slot(jv_class *c, const char *name)
{
    if (!c) return 0xFFFF;
    for (unsigned i = 0; i < c->jc->nfields; i++)
        if (jcl_str_eq(c->jc->fields[i].name, name)) return c->field_slot[i];
    return 0xFFFF;
}

int sec_key_family(uint8_t type)
{
    switch (type) {
    case KT_AES: case KT_AES_TR: case KT_AES_TD: return KF_AES;
    case KT_DES: case KT_DES_TR: case KT_DES_TD: return KF_DES;
    case KT_HMAC: case KT_HMAC_TR: case KT_HMAC_TD: return KF_HMAC;
    case KT_EC_PUB: return KF_EC_PUB;
    case KT_EC_PRIV: case KT_EC_PRIV_TR: case KT_EC_PRIV_TD: return KF_EC_PRIV;
    case KT_RSA_PUB: return KF_RSA_PUB;
    case KT_RSA_PRIV: case KT_RSA_PRIV_TR: case KT_RSA_PRIV_TD: return KF_RSA_PRIV;
    case KT_RSA_CRT: case KT_RSA_CRT_TR: case KT_RSA_CRT_TD: return KF_RSA_CRT;
    default: return KF_NONE;
    }
}

/* Component capacities of a family and size; returns the number of components or -1. */
static int layout(int fam, int32_t bits, uint16_t cap[SEC_MAX_COMP])
{
    uint16_t n = (uint16_t)((bits + 7) / 8);
    switch (fam) {
    case KF_AES:
        if (bits != 128 && bits != 192 && bits != 256) return -1;
        cap[0] = n;
        return 1;
    case KF_DES:
        if (bits != 64 && bits != 128 && bits != 192) return -1;
        cap[0] = n;
        return 1;
    case KF_HMAC:
        if (bits < 1 || bits > 1024) return -1;
        cap[0] = 255;
        return 1;
    case KF_EC_PUB:
    case KF_EC_PRIV:
        if (bits < 112 || bits > 521) return -1;
        cap[EC_P] = cap[EC_A] = cap[EC_B] = n;
        cap[EC_G] = (uint16_t)(1 + 2 * n);
        cap[EC_R] = (uint16_t)(n + 1);
        cap[EC_K] = 2;
        cap[EC_WS] = fam == KF_EC_PUB ? (uint16_t)(1 + 2 * n) : n;
        return EC_NCOMP;
    case KF_RSA_PUB:
    case KF_RSA_PRIV:
        if (bits < 512 || bits > 4096 || bits % 8) return -1;
        cap[0] = cap[1] = n;
        return 2;
    case KF_RSA_CRT:
        if (bits < 512 || bits > 4096 || bits % 16) return -1;
        for (int i = 0; i < 5; i++) cap[i] = (uint16_t)(n / 2);
        return 5;
    default:
        return -1;
    }
}

static uint16_t required(int fam)
{
    switch (fam) {
    case KF_EC_PUB:
    case KF_EC_PRIV:
        return (1u << EC_P) | (1u << EC_A) | (1u << EC_B) | (1u << EC_G) | (1u << EC_R) |
               (1u << EC_WS);
    case KF_RSA_PUB:
    case KF_RSA_PRIV:
        return 3;
    case KF_RSA_CRT:
        return 0x1F;
    default:
        return 1;
    }
}

/* Offset of component comp's length field in the data array. */
static uint32_t comp_off(const uint16_t *cap, int comp)
{
    uint32_t off = 2;
    for (int i = 0; i < comp; i++) off += 2u + cap[i];
    return off;
}

static jv_class *keybase(jv_vm *vm)
{
    return jv_class_by_name(vm, "javacard/security/KeyBase");
}

int sec_key_get(jv_vm *vm, jv_ref ref, sec_key *k)
{
    jv_obj o;
    if (jv_decode(vm, ref, &o)) return jv_throw(vm, JV_EX_NPE, 0);
    jv_class *kb = keybase(vm);
    if (o.kind != JV_K_INST || !kb || !jv_subclass(o.cls, kb))
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!jv_fw_access(&o, jv_cur_ctx(vm))) return jv_throw(vm, JV_EX_SECURITY, 0);
    uint16_t sd = field_slot(kb, "data"), st = field_slot(kb, "type"), ss = field_slot(kb, "size");
    if (sd >= o.len || st >= o.len || ss >= o.len) return jv_throw(vm, JV_EX_SECURITY, 0);
    k->ref = ref;
    k->data = (jv_ref)jv_elem_get(&o, sd);
    k->type = (uint8_t)jv_elem_get(&o, st);
    k->size = (uint16_t)jv_elem_get(&o, ss);
    k->family = (uint8_t)sec_key_family(k->type);
    uint16_t cap[SEC_MAX_COMP];
    if (k->family == KF_NONE || layout(k->family, k->size, cap) < 0)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    return 0;
}

/* The key array (RAM or store view); NULL if it cannot be decoded (dangling). */
static const uint8_t *key_bytes(jv_vm *vm, const sec_key *k, jv_obj *o, uint16_t *cap)
{
    if (jv_decode(vm, k->data, o) || o->kind != JV_K_BYTE) return NULL;
    int nc = layout(k->family, k->size, cap);
    if (nc < 0 || o->len < comp_off(cap, nc)) return NULL;
    return jv_bytes(o);
}

bool sec_key_ready(jv_vm *vm, const sec_key *k)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b) return false;
    uint16_t mask = (uint16_t)(b[0] << 8 | b[1]), req = required(k->family);
    return (mask & req) == req;
}

int sec_key_comp(jv_vm *vm, const sec_key *k, int comp, uint8_t *out, size_t cap_out)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b || comp < 0 || comp >= layout(k->family, k->size, cap)) return -1;
    uint16_t mask = (uint16_t)(b[0] << 8 | b[1]);
    if (!(mask & (1u << comp))) return -1;
    uint32_t off = comp_off(cap, comp);
    uint16_t len = (uint16_t)(b[off] << 8 | b[off + 1]);
    if (len > cap[comp] || len > cap_out) return -1;
    memcpy(out, b + off + 2, len);
    return len;
}

/* Runs the writes of fn in one store transaction of its own unless one is open or the key is
 * transient. */
static int key_write(jv_vm *vm, const sec_key *k, int comp, const uint8_t *v, size_t len,
                     bool wipe_all)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b) return jv_throw(vm, JV_EX_NPE, 0);
    store *st = vm->s->st;
    bool own = !o.ram && !store_in_tx(st);
    if (own && store_tx_begin(st)) return jv_throw(vm, JV_EX_TRANSACTION, 4);
    int rc;
    if (wipe_all) {
        uint8_t *z = calloc(o.len ? o.len : 1, 1);
        rc = z ? jv_bytes_set(vm, &o, 0, z, o.len) : jv_throw(vm, JV_EX_SYSTEM, 5);
        free(z);
    } else {
        uint16_t mask = (uint16_t)(b[0] << 8 | b[1]) | (uint16_t)(1u << comp);
        uint32_t off = comp_off(cap, comp);
        uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len}, mb[2] = {(uint8_t)(mask >> 8),
                                                                       (uint8_t)mask};
        rc = jv_bytes_set(vm, &o, off, hdr, 2);
        if (!rc && len) rc = jv_bytes_set(vm, &o, off + 2, v, (uint32_t)len);
        if (!rc) rc = jv_bytes_set(vm, &o, 0, mb, 2);
    }
    if (own) {
        if (rc)
            store_tx_abort(st);
        else if (store_tx_commit(st)) {
            vm->fatal = true;
            return jv_throw(vm, JV_EX_TRANSACTION, 4);
        }
    }
    return rc;
}

int sec_key_put(jv_vm *vm, const sec_key *k, int comp, const uint8_t *v, size_t len)
{
    return key_write(vm, k, comp, v, len, false);
}

/* ---- natives ---- */

SEC_NATIVE(n_key_alloc)
{
    (void)m;
    uint8_t type = (uint8_t)a[0];
    int32_t size = (int16_t)a[1];
    int8_t ev = (int8_t)a[2];
    uint16_t cap[SEC_MAX_COMP];
    int fam = sec_key_family(type);
    int nc = layout(fam, size, cap);
    if (nc < 0) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    if (ev != 0 && ev != JV_CLEAR_ON_RESET && ev != JV_CLEAR_ON_DESELECT)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    jv_ref r;
    if (jv_new_array(vm, jv_cur_ctx(vm), JV_K_BYTE, NULL, (int32_t)comp_off(cap, nc),
                     (uint8_t)ev, &r))
        return -1;
    static const uint8_t mark = JV_ARR_SECRET;
    if (store_write(vm->s->st, r, 7, &mark, 1)) return jv_throw(vm, JV_EX_SYSTEM, 5);
    *ret = (jv_slot)r;
    return 0;
}

/* Checks a component value for the key (ILLEGAL_VALUE); strips leading zero bytes of integers
 * longer than the capacity. */
static int check_comp(jv_vm *vm, const sec_key *k, int comp, const uint8_t **v, int32_t *len)
{
    uint16_t cap[SEC_MAX_COMP];
    int nc = layout(k->family, k->size, cap);
    if (comp < 0 || comp >= nc) return sec_throw(vm, CE_ILLEGAL_VALUE);
    bool point = (k->family == KF_EC_PUB || k->family == KF_EC_PRIV) &&
                 (comp == EC_G || (comp == EC_WS && k->family == KF_EC_PUB));
    if (!point)
        while (*len > cap[comp] && **v == 0) {
            (*v)++;
            (*len)--;
        }
    switch (k->family) {
    case KF_AES:
    case KF_DES:
        if (*len != cap[0]) return sec_throw(vm, CE_ILLEGAL_VALUE);
        break;
    default:
        if (*len < 1 || *len > cap[comp]) return sec_throw(vm, CE_ILLEGAL_VALUE);
        if (point && (*len != cap[comp] || (*v)[0] != 0x04)) return sec_throw(vm, CE_ILLEGAL_VALUE);
        if ((k->family == KF_EC_PUB || k->family == KF_EC_PRIV) && comp == EC_K)
            return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    return 0;
}

SEC_NATIVE(n_key_put)
{
    (void)m, (void)ret;
    sec_key k;
    jv_obj o;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    int comp = (int8_t)a[1];
    int32_t off = (int16_t)a[3], len = (int16_t)a[4];
    if (sec_range(vm, (jv_ref)a[2], off, len, &o)) return -1;
    uint8_t buf[SEC_MAX_COMP_LEN];
    if (len > (int32_t)sizeof buf) return sec_throw(vm, CE_ILLEGAL_VALUE);
    memcpy(buf, jv_bytes(&o) + off, (size_t)len);
    const uint8_t *v = buf;
    int rc = check_comp(vm, &k, comp, &v, &len);
    if (!rc) rc = sec_key_put(vm, &k, comp, v, (size_t)len);
    seam_wipe(buf, sizeof buf);
    return rc;
}

SEC_NATIVE(n_key_take)
{
    (void)m;
    sec_key k;
    jv_obj o;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    uint8_t buf[SEC_MAX_COMP_LEN];
    int n = sec_key_comp(vm, &k, (int8_t)a[1], buf, sizeof buf);
    int rc = 0;
    if (n < 0)
        rc = sec_throw(vm, CE_UNINITIALIZED_KEY);
    else if (!sec_range(vm, (jv_ref)a[2], (int16_t)a[3], n, &o))
        rc = jv_bytes_set(vm, &o, (uint32_t)(int16_t)a[3], buf, (uint32_t)n);
    else
        rc = -1;
    seam_wipe(buf, sizeof buf);
    if (!rc) *ret = n;
    return rc;
}

SEC_NATIVE(n_key_put_short)
{
    (void)m, (void)ret;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    if ((k.family != KF_EC_PUB && k.family != KF_EC_PRIV) || (int8_t)a[1] != EC_K)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t b[2] = {(uint8_t)(a[2] >> 8), (uint8_t)a[2]};
    return sec_key_put(vm, &k, EC_K, b, 2);
}

SEC_NATIVE(n_key_take_short)
{
    (void)m;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    uint8_t b[2];
    if (sec_key_comp(vm, &k, (int8_t)a[1], b, 2) != 2) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    *ret = (int16_t)(b[0] << 8 | b[1]);
    return 0;
}

SEC_NATIVE(n_key_wipe)
{
    (void)m, (void)ret;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    return key_write(vm, &k, 0, NULL, 0, true);
}

SEC_NATIVE(n_key_ready)
{
    (void)m;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[0], &k)) return -1;
    *ret = sec_key_ready(vm, &k);
    return 0;
}

static bool is_ec(const sec_key *k)
{
    return k->family == KF_EC_PUB || k->family == KF_EC_PRIV;
}

/* Copies the domain parameters (P, A, B, G, R and K when set) of src into dst, in one
 * transaction of its own unless one is open. */
static int copy_domain(jv_vm *vm, const sec_key *dst, const sec_key *src)
{
    if (!is_ec(dst) || !is_ec(src) || dst->size != src->size)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t buf[SEC_MAX_COMP_LEN];
    int lens[EC_WS];
    for (int c = EC_P; c <= EC_R; c++)
        if (sec_key_comp(vm, src, c, buf, sizeof buf) < 0) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    store *st = vm->s->st;
    bool own = !store_in_tx(st);
    if (own && store_tx_begin(st)) return jv_throw(vm, JV_EX_TRANSACTION, 4);
    int rc = 0;
    for (int c = EC_P; c <= EC_K && !rc; c++) {
        lens[c] = sec_key_comp(vm, src, c, buf, sizeof buf);
        if (lens[c] >= 0) rc = sec_key_put(vm, dst, c, buf, (size_t)lens[c]);
    }
    if (own) {
        if (rc)
            store_tx_abort(st);
        else if (store_tx_commit(st)) {
            vm->fatal = true;
            rc = jv_throw(vm, JV_EX_TRANSACTION, 4);
        }
    }
    return rc;
}

SEC_NATIVE(n_key_copy_domain)
{
    (void)m, (void)ret;
    sec_key dst, src;
    if (sec_key_get(vm, (jv_ref)a[0], &dst) || sec_key_get(vm, (jv_ref)a[1], &src)) return -1;
    return copy_domain(vm, &dst, &src);
}

SEC_NATIVE(n_kp_check)
{
    (void)m, (void)ret;
    sec_key pub, priv;
    if (sec_key_get(vm, (jv_ref)a[0], &pub) || sec_key_get(vm, (jv_ref)a[1], &priv)) return -1;
    bool ok = pub.size == priv.size &&
              ((pub.family == KF_EC_PUB && priv.family == KF_EC_PRIV) ||
               (pub.family == KF_RSA_PUB &&
                (priv.family == KF_RSA_PRIV || priv.family == KF_RSA_CRT)));
    return ok ? 0 : sec_throw(vm, CE_ILLEGAL_VALUE);
}

/* ---- EC domain parameters (SEC 2 v2 §2.4.2, FIPS 186-4 D.1.2.3: P-256) ---- */

static const uint8_t p256_p[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t p256_a[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC};
static const uint8_t p256_b[32] = {
    0x5A, 0xC6, 0x35, 0xD8, 0xAA, 0x3A, 0x93, 0xE7, 0xB3, 0xEB, 0xBD, 0x55, 0x76, 0x98, 0x86, 0xBC,
    0x65, 0x1D, 0x06, 0xB0, 0xCC, 0x53, 0xB0, 0xF6, 0x3B, 0xCE, 0x3C, 0x3E, 0x27, 0xD2, 0x60, 0x4B};
static const uint8_t p256_g[65] = {
    0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40,
    0xF2, 0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2,
    0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E,
    0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51,
    0xF5};
static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* Compares a stored integer (any leading zeros) with a fixed-length constant. */
static bool int_eq(const uint8_t *v, int len, const uint8_t *c, size_t clen)
{
    while (len > (int)clen && *v == 0) {
        v++;
        len--;
    }
    if (len < 0 || (size_t)len > clen) return false;
    for (size_t i = 0; i < clen - (size_t)len; i++)
        if (c[i]) return false;
    return memcmp(v, c + (clen - (size_t)len), (size_t)len) == 0;
}

int sec_ec_curve(jv_vm *vm, const sec_key *k, sec_curve *c)
{
    uint8_t b[200];
    static const struct { const uint8_t *v; size_t len; } p256[] = {
        {p256_p, 32}, {p256_a, 32}, {p256_b, 32}, {p256_g, 65}, {p256_n, 32}};
    if (k->size != 256) return -1;
    for (int i = EC_P; i <= EC_R; i++) {
        int n = sec_key_comp(vm, k, i, b, sizeof b);
        if (n < 0 || !int_eq(b, n, p256[i].v, p256[i].len)) return -1;
    }
    c->curve = SEC_CURVE_P256;
    c->n = 32;
    return 0;
}

int sec_ec_set_default(jv_vm *vm, const sec_key *k)
{
    if (k->size != 256) return -1;
    if (sec_key_put(vm, k, EC_P, p256_p, 32) || sec_key_put(vm, k, EC_A, p256_a, 32) ||
        sec_key_put(vm, k, EC_B, p256_b, 32) || sec_key_put(vm, k, EC_G, p256_g, 65) ||
        sec_key_put(vm, k, EC_R, p256_n, 32))
        return -2;
    static const uint8_t one[2] = {0, 1};
    return sec_key_put(vm, k, EC_K, one, 2) ? -2 : 0;
}

static bool has_domain(jv_vm *vm, const sec_key *k)
{
    uint8_t b[SEC_MAX_COMP_LEN];
    for (int c = EC_P; c <= EC_R; c++)
        if (sec_key_comp(vm, k, c, b, sizeof b) < 0) return false;
    return true;
}

static int gen_ec(jv_vm *vm, const sec_key *pub, const sec_key *priv)
{
    int rc = 0;
    if (has_domain(vm, pub)) {
        rc = copy_domain(vm, priv, pub);
    } else if (has_domain(vm, priv)) {
        rc = copy_domain(vm, pub, priv);
    } else {
        int e = sec_ec_set_default(vm, pub);
        if (e == -1) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
        if (e) return -1;
        rc = copy_domain(vm, priv, pub);
    }
    if (rc) return rc;
    sec_curve c;
    if (sec_ec_curve(vm, pub, &c)) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    uint8_t s[32], w[65];
    if (cr_p256_keygen(s, w)) return sec_throw(vm, CE_ILLEGAL_USE);
    rc = sec_key_put(vm, priv, EC_WS, s, 32);
    if (!rc) rc = sec_key_put(vm, pub, EC_WS, w, 65);
    seam_wipe(s, sizeof s);
    return rc;
}

SEC_NATIVE(n_kp_generate)
{
    (void)m, (void)ret;
    sec_key pub, priv;
    if (sec_key_get(vm, (jv_ref)a[0], &pub) || sec_key_get(vm, (jv_ref)a[1], &priv)) return -1;
    store *st = vm->s->st;
    bool own = !store_in_tx(st);
    if (own && store_tx_begin(st)) return jv_throw(vm, JV_EX_TRANSACTION, 4);
    int rc;
    if (pub.family == KF_EC_PUB && priv.family == KF_EC_PRIV)
        rc = gen_ec(vm, &pub, &priv);
    else
        rc = sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    if (own) {
        if (rc)
            store_tx_abort(st);
        else if (store_tx_commit(st)) {
            vm->fatal = true;
            rc = jv_throw(vm, JV_EX_TRANSACTION, 4);
        }
    }
    return rc;
}
