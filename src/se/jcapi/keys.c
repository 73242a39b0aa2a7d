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
 * (JCRE §7: like any field update). An EC private key has one more slot, EC_WPUB (jcsec.h):
 * the public point S * G, so that ECDSA signing need not derive it at each call; any write to
 * the key clears its mask bit in the same update, and it is derived again (a write of its own,
 * after the component's) when the key is complete, outside an applet transaction. An EC
 * private key that signs also gets its key pair kept imported in OpenSSL in RAM (cr_ec_key,
 * see "ECDSA signing keys kept imported" below: bound to the key's identity and content, never
 * served stale, freed when the key changes).
 *
 * Keys never cross the firewall: every native checks the key object and each array argument
 * against the caller's context (JCRE §6.2.8); a key is readable (getKey, getS, ...) only by its
 * owner context, as the API says.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "seam/crypto.h"
#include "seam/crypto_ext.h"

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
        cap[EC_WPUB] = fam == KF_EC_PRIV ? (uint16_t)(1 + 2 * n) : 0;
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

static void kc_drop(jv_vm *vm, jv_ref key, jv_ref data);

/* Runs the writes of fn in one store transaction of its own unless one is open or the key is
 * transient. */
static int key_write(jv_vm *vm, const sec_key *k, int comp, const uint8_t *v, size_t len,
                     bool wipe_all)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b) return jv_throw(vm, JV_EX_NPE, 0);
    kc_drop(vm, k->ref, k->data);
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
        if (k->family == KF_EC_PRIV && comp != EC_WPUB) mask &= (uint16_t) ~(1u << EC_WPUB);
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

/* True when the key array has the EC_WPUB slot (arrays made before it existed do not). */
static bool has_wslot(const jv_obj *o, const sec_key *k, const uint16_t *cap)
{
    return k->family == KF_EC_PRIV && o->len >= comp_off(cap, EC_WPUB + 1);
}

int sec_ec_cached_w(jv_vm *vm, const sec_key *k, uint8_t *out, size_t cap_out)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b || !has_wslot(&o, k, cap) || !((b[0] << 8 | b[1]) & (1u << EC_WPUB))) return -1;
    uint32_t off = comp_off(cap, EC_WPUB);
    uint16_t len = (uint16_t)(b[off] << 8 | b[off + 1]);
    if (len != cap[EC_WPUB] || len > cap_out) return -1;
    memcpy(out, b + off + 2, len);
    return len;
}

/* Stores W into the EC_WPUB slot of an EC private key (no-op for other keys or old arrays). */
static int ec_cache_put(jv_vm *vm, const sec_key *k, const uint8_t *w, size_t wl)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b || !has_wslot(&o, k, cap) || wl != cap[EC_WPUB]) return 0;
    return key_write(vm, k, EC_WPUB, w, wl, false);
}

static int ec_cache_refresh(jv_vm *vm, const sec_key *k);

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
    if (fam == KF_EC_PRIV) nc = EC_WPUB + 1; /* room for the cached W */
    jv_ref r;
    if (jv_new_array(vm, jv_cur_ctx(vm), JV_K_BYTE, NULL, (int32_t)comp_off(cap, nc),
                     (uint8_t)ev, &r))
        return -1;
    static const uint8_t mark = JV_ARR_SECRET;
    if (store_write(vm->s->st, r, 7, &mark, 1)) return jv_throw(vm, JV_EX_SYSTEM, 5);
    kc_drop(vm, 0, r); /* an entry of a freed array whose reference is used again */
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
    if (!rc) rc = ec_cache_refresh(vm, &k);
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
    int rc = sec_key_put(vm, &k, EC_K, b, 2);
    return rc ? rc : ec_cache_refresh(vm, &k);
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
    int rc = copy_domain(vm, &dst, &src);
    return rc ? rc : ec_cache_refresh(vm, &dst);
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

/* ---- EC domain parameters: any prime curve, through cr_ec (src/crypto/ec.c) ---- */

/* Groups built from domain parameters are cached process-wide (building one validates the
 * parameters: primality tests). Entries are never evicted, so a group handed out stays valid;
 * when the cache is full the caller gets a group of its own to free (sec_ec_group_put). */
#define GCACHE_N 16
#define GKEY_MAX (4 * CR_EC_MAX_FIELD + CR_EC_MAX_POINT + 8)
static struct {
    uint8_t key[GKEY_MAX];
    size_t len;
    cr_ec_group *g;
} gcache[GCACHE_N];
static pthread_mutex_t gcache_mu = PTHREAD_MUTEX_INITIALIZER;

/* Strips leading zero bytes (at least one byte left). */
static size_t strip0(const uint8_t **v, size_t len)
{
    while (len > 1 && **v == 0) {
        (*v)++;
        len--;
    }
    return len;
}

/* Left-pads an integer of len bytes to out_len bytes; false if it does not fit. */
static bool pad_int(const uint8_t *v, size_t len, uint8_t *out, size_t out_len)
{
    len = strip0(&v, len);
    if (len > out_len) return false;
    memset(out, 0, out_len - len);
    memcpy(out + out_len - len, v, len);
    return true;
}

int sec_ec_group(jv_vm *vm, const sec_key *k, cr_ec_group **g, bool *owned)
{
    uint8_t p[CR_EC_MAX_FIELD + 2], a[CR_EC_MAX_FIELD], b[CR_EC_MAX_FIELD], raw[2 * CR_EC_MAX_FIELD],
        gp[CR_EC_MAX_POINT + 1], n[CR_EC_MAX_FIELD + 2], h[2] = {0, 1};
    int pl = sec_key_comp(vm, k, EC_P, p, sizeof p), al = sec_key_comp(vm, k, EC_A, raw, sizeof raw);
    int gl = sec_key_comp(vm, k, EC_G, gp, sizeof gp), nl = sec_key_comp(vm, k, EC_R, n, sizeof n);
    if (pl <= 0 || al <= 0 || gl <= 0 || nl <= 0) return -1;
    const uint8_t *pv = p, *nv = n;
    size_t plen = strip0(&pv, (size_t)pl), nlen = strip0(&nv, (size_t)nl);
    if (plen > CR_EC_MAX_FIELD || nlen > CR_EC_MAX_FIELD + 1 || !pad_int(raw, (size_t)al, a, plen))
        return -1;
    int bl = sec_key_comp(vm, k, EC_B, raw, sizeof raw);
    if (bl <= 0 || !pad_int(raw, (size_t)bl, b, plen)) return -1;
    if (sec_key_comp(vm, k, EC_K, h, 2) < 0) h[0] = 0, h[1] = 1;
    unsigned hv = (unsigned)(h[0] << 8 | h[1]);
    if (hv == 0) return -1;
    /* cache key: p || a || b || G || n || h (p fixes the lengths of a, b and G) */
    uint8_t key[GKEY_MAX];
    size_t kl = 0;
    key[kl++] = (uint8_t)plen;
    memcpy(key + kl, pv, plen), kl += plen;
    memcpy(key + kl, a, plen), kl += plen;
    memcpy(key + kl, b, plen), kl += plen;
    if ((size_t)gl > CR_EC_MAX_POINT) return -1;
    memcpy(key + kl, gp, (size_t)gl), kl += (size_t)gl;
    memcpy(key + kl, nv, nlen), kl += nlen;
    key[kl++] = h[0];
    key[kl++] = h[1];
    *owned = false;
    pthread_mutex_lock(&gcache_mu);
    int free_slot = -1;
    for (int i = 0; i < GCACHE_N; i++) {
        if (!gcache[i].g) {
            if (free_slot < 0) free_slot = i;
            continue;
        }
        if (gcache[i].len == kl && !memcmp(gcache[i].key, key, kl)) {
            *g = gcache[i].g;
            pthread_mutex_unlock(&gcache_mu);
            return 0;
        }
    }
    cr_ec_params prm = {.p = pv, .p_len = plen, .a = a, .a_len = plen, .b = b, .b_len = plen,
                        .g = gp, .g_len = (size_t)gl, .n = nv, .n_len = nlen, .h = hv};
    cr_ec_group *ng = NULL;
    int rc = -1;
    if (cr_ec_group_new(&prm, &ng) == SEAM_OK) {
        rc = 0;
        *g = ng;
        if (free_slot >= 0) {
            memcpy(gcache[free_slot].key, key, kl);
            gcache[free_slot].len = kl;
            gcache[free_slot].g = ng;
        } else {
            *owned = true;
        }
    }
    pthread_mutex_unlock(&gcache_mu);
    return rc;
}

void sec_ec_group_put(cr_ec_group *g, bool owned)
{
    if (owned) cr_ec_group_free(g);
}

int sec_ec_set_default(jv_vm *vm, const sec_key *k)
{
    cr_ec_curve c;
    switch (k->size) {
    case 256: c = CR_EC_P256; break;
    case 384: c = CR_EC_P384; break;
    case 521: c = CR_EC_P521; break;
    default: return -1;
    }
    cr_ec_params prm;
    if (cr_ec_named_params(c, &prm)) return -1;
    if (sec_key_put(vm, k, EC_P, prm.p, prm.p_len) || sec_key_put(vm, k, EC_A, prm.a, prm.a_len) ||
        sec_key_put(vm, k, EC_B, prm.b, prm.b_len) || sec_key_put(vm, k, EC_G, prm.g, prm.g_len) ||
        sec_key_put(vm, k, EC_R, prm.n, prm.n_len))
        return -2;
    uint8_t h[2] = {(uint8_t)(prm.h >> 8), (uint8_t)prm.h};
    return sec_key_put(vm, k, EC_K, h, 2) ? -2 : 0;
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
    cr_ec_group *g;
    bool owned;
    if (sec_ec_group(vm, pub, &g, &owned)) return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t s[CR_EC_MAX_FIELD + 1], w[CR_EC_MAX_POINT];
    size_t sl = cr_ec_order_len(g), wl = cr_ec_point_len(g);
    uint16_t cap[SEC_MAX_COMP];
    layout(priv->family, priv->size, cap);
    if (sl > cap[EC_WS] || wl > sizeof w || sl > sizeof s) {
        sec_ec_group_put(g, owned);
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    seam_err e = cr_ec_keygen(g, s, sl, w, wl);
    sec_ec_group_put(g, owned);
    if (e) {
        seam_wipe(s, sizeof s);
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    rc = sec_key_put(vm, priv, EC_WS, s, sl);
    if (!rc) rc = sec_key_put(vm, pub, EC_WS, w, wl);
    if (!rc) rc = ec_cache_put(vm, priv, w, wl);
    seam_wipe(s, sizeof s);
    return rc;
}

/* Derives W = S * G into the EC_WPUB slot of a complete EC private key. Skipped inside an
 * applet's transaction on a persistent key (the cache would take room in the commit buffer;
 * signing then derives W itself) and for parameters that are not a valid curve. */
static int ec_cache_refresh(jv_vm *vm, const sec_key *k)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    if (k->family != KF_EC_PRIV || !sec_key_ready(vm, k)) return 0;
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    if (!b || !has_wslot(&o, k, cap) || (!o.ram && store_in_tx(vm->s->st))) return 0;
    cr_ec_group *g;
    bool owned;
    if (sec_ec_group(vm, k, &g, &owned)) return 0;
    uint8_t s[CR_EC_MAX_FIELD + 2], w[CR_EC_MAX_POINT];
    int sl = sec_key_comp(vm, k, EC_WS, s, sizeof s);
    size_t wl = cr_ec_point_len(g);
    bool ok = sl > 0 && wl <= sizeof w && cr_ec_public(g, s, (size_t)sl, w, wl) == SEAM_OK;
    sec_ec_group_put(g, owned);
    seam_wipe(s, sizeof s);
    return ok ? ec_cache_put(vm, k, w, wl) : 0;
}

/* ---- ECDSA signing keys kept imported in OpenSSL (cr_ec_key), in RAM ----
 *
 * Importing an EC key into OpenSSL (the group, the scalar, the point) costs about a third of a
 * signature with its verification, so an EC private key that signs gets a cr_ec_key kept in
 * this table. The entry holds the secret outside the store, so it must never stand for
 * anything but the key object as it is now:
 *   - Identity: the VM, the key object, its data array, type and size, and the VM's life tag:
 *     a number kept in a RAM block of the VM (the block of the null reference, which no
 *     object has), new at every power-up and after every card reset (which zeroes RAM blocks).
 *     Nothing made before a power cycle or a reset is served, even to a VM at the same address.
 *   - Content: the SHA-256 of the whole key array (mask, components, the cached W) when the
 *     entry was made, compared in constant time at each use. Any change of the array -- a
 *     setter, clearKey, genKeyPair, copyDomainParametersFrom, a transaction abort rolling it
 *     back, an array freed and its reference reused -- makes the entry stale; a stale entry is
 *     freed, never used. This is the generation check, and it needs no hook in the runtime.
 *   - Eager wipe: every write to a key (key_write) and every new key array frees the entries
 *     of that key object or array at once; a signature whose verification fails frees its
 *     entry; entries of this VM whose array no longer decodes (object deleted) or whose life
 *     tag is old are freed at the next use of the table. cr_ec_key_free ends in EVP_PKEY_free,
 *     which clears the scalar (BN_clear_free).
 *   - No entry for a transient key (the runtime clears its array at reset or deselect without
 *     the natives seeing it) or while a store transaction is open (content an abort may roll
 *     back), and only for a key whose W = S * G is cached (EC_WPUB): such keys sign as before.
 *   - Other VMs: entries of another VM are freed whenever a VM uses the table, so the kept
 *     keys of a card that powered down go with the next signature of any card in the process.
 *     The runtime may call sec_ec_key_cache_drop_vm at power-down and sec_ec_key_cache_sweep
 *     after deleting objects, so that no secret outlives its VM or object in RAM at all.
 * The table is process-wide (cards may run in several threads): a mutex guards it, and an
 * entry in use (busy) is not evicted or freed by another thread. */
#define KC_N 16
typedef struct {
    jv_vm *vm; /* never dereferenced: only compared */
    uint64_t life, used;
    jv_ref key, data;
    uint8_t type;
    uint16_t size;
    uint8_t fp[32];
    bool busy, dead;
    cr_ec_key *k;
} kc_entry;
static kc_entry kcache[KC_N];
static uint64_t kc_clock, kc_lives;
static pthread_mutex_t kc_mu = PTHREAD_MUTEX_INITIALIZER;

static void kc_free(kc_entry *e)
{
    cr_ec_key_free(e->k);
    seam_wipe(e, sizeof *e);
}

/* The VM's life tag (0: no RAM for it). Called with kc_mu held. */
static uint64_t kc_life(jv_vm *vm)
{
    uint8_t *b = jv_ram_block(vm, 0, sizeof(uint64_t), true);
    if (!b) return 0;
    uint64_t t;
    memcpy(&t, b, sizeof t);
    if (!t) {
        t = ++kc_lives;
        memcpy(b, &t, sizeof t);
    }
    return t;
}

/* Frees the entries of this VM that can no longer be used, and those of any other VM (which
 * may have powered down: its secrets must not stay in RAM; a card signing in another thread
 * only loses its kept key, and not while it uses it). Called with kc_mu held. */
static void kc_sweep_locked(jv_vm *vm, uint64_t life)
{
    for (int i = 0; i < KC_N; i++) {
        kc_entry *e = &kcache[i];
        if (!e->k || e->busy) continue;
        if (e->vm != vm) {
            kc_free(e);
            continue;
        }
        jv_obj o;
        if (e->life != life || jv_decode(vm, e->data, &o) || o.kind != JV_K_BYTE ||
            jv_decode(vm, e->key, &o))
            kc_free(e);
    }
}

static void kc_drop(jv_vm *vm, jv_ref key, jv_ref data)
{
    pthread_mutex_lock(&kc_mu);
    for (int i = 0; i < KC_N; i++) {
        kc_entry *e = &kcache[i];
        if (!e->k || e->vm != vm || !((key && e->key == key) || e->data == data)) continue;
        if (e->busy)
            e->dead = true;
        else
            kc_free(e);
    }
    pthread_mutex_unlock(&kc_mu);
}

void sec_ec_key_cache_drop_vm(jv_vm *vm)
{
    pthread_mutex_lock(&kc_mu);
    for (int i = 0; i < KC_N; i++)
        if (kcache[i].k && kcache[i].vm == vm) {
            if (kcache[i].busy)
                kcache[i].dead = true;
            else
                kc_free(&kcache[i]);
        }
    pthread_mutex_unlock(&kc_mu);
}

void sec_ec_key_cache_sweep(jv_vm *vm)
{
    pthread_mutex_lock(&kc_mu);
    uint64_t life = kc_life(vm);
    kc_sweep_locked(vm, life);
    pthread_mutex_unlock(&kc_mu);
}

int sec_ec_key_cache_count(const jv_vm *vm)
{
    int n = 0;
    pthread_mutex_lock(&kc_mu);
    for (int i = 0; i < KC_N; i++)
        if (kcache[i].k && kcache[i].vm == vm) n++;
    pthread_mutex_unlock(&kc_mu);
    return n;
}

/* SHA-256 of the key array; false if it cannot be read. */
static bool kc_fingerprint(jv_vm *vm, const sec_key *k, uint8_t fp[32], bool *ram)
{
    jv_obj o;
    uint16_t cap[SEC_MAX_COMP];
    size_t n = 0;
    const uint8_t *b = key_bytes(vm, k, &o, cap);
    *ram = b && o.ram;
    return b && cr_md(CR_MD_SHA256, b, o.len, fp, 32, &n) == SEAM_OK && n == 32;
}

cr_ec_key *sec_ec_key_acquire(jv_vm *vm, const sec_key *k, const cr_ec_group *g)
{
    uint8_t fp[32];
    bool ram;
    if (k->family != KF_EC_PRIV || !kc_fingerprint(vm, k, fp, &ram)) return NULL;
    pthread_mutex_lock(&kc_mu);
    uint64_t life = kc_life(vm);
    kc_sweep_locked(vm, life);
    cr_ec_key *out = NULL;
    for (int i = 0; i < KC_N; i++) {
        kc_entry *e = &kcache[i];
        if (!e->k || e->busy) continue;
        if (e->vm == vm && e->key == k->ref) {
            if (e->life == life && !e->dead && e->data == k->data && e->type == k->type &&
                e->size == k->size && seam_ct_equal(e->fp, fp, sizeof fp)) {
                e->busy = true;
                e->used = ++kc_clock;
                out = e->k;
                break;
            }
            kc_free(e); /* stale: the key changed since */
        }
    }
    pthread_mutex_unlock(&kc_mu);
    if (out || life == 0 || ram || store_in_tx(vm->s->st)) {
        seam_wipe(fp, sizeof fp);
        return out;
    }
    /* Make one from S and the cached W (outside the lock: an import takes a while). */
    uint8_t s[CR_EC_MAX_FIELD + 2], w[CR_EC_MAX_POINT];
    int sl = sec_key_comp(vm, k, EC_WS, s, sizeof s), wl = sec_ec_cached_w(vm, k, w, sizeof w);
    cr_ec_key *nk = NULL;
    if (sl > 0 && wl > 0 && cr_ec_key_new(g, s, (size_t)sl, w, (size_t)wl, &nk) != SEAM_OK)
        nk = NULL;
    seam_wipe(s, sizeof s);
    if (!nk) {
        seam_wipe(fp, sizeof fp);
        return NULL;
    }
    pthread_mutex_lock(&kc_mu);
    kc_entry *e = NULL;
    for (int i = 0; i < KC_N && !e; i++)
        if (!kcache[i].k) e = &kcache[i];
    if (!e) {
        for (int i = 0; i < KC_N; i++)
            if (!kcache[i].busy && (!e || kcache[i].used < e->used)) e = &kcache[i];
        if (e) kc_free(e);
    }
    if (e) {
        *e = (kc_entry){.vm = vm,
                        .life = life,
                        .used = ++kc_clock,
                        .key = k->ref,
                        .data = k->data,
                        .type = k->type,
                        .size = k->size,
                        .busy = true,
                        .k = nk};
        memcpy(e->fp, fp, sizeof fp);
    }
    pthread_mutex_unlock(&kc_mu);
    seam_wipe(fp, sizeof fp);
    if (!e) {
        cr_ec_key_free(nk); /* every entry busy: sign without the cache this once */
        return NULL;
    }
    return nk;
}

void sec_ec_key_release(cr_ec_key *ck, bool keep)
{
    if (!ck) return;
    pthread_mutex_lock(&kc_mu);
    for (int i = 0; i < KC_N; i++) {
        kc_entry *e = &kcache[i];
        if (e->k != ck) continue;
        e->busy = false;
        if (!keep || e->dead) kc_free(e);
        break;
    }
    pthread_mutex_unlock(&kc_mu);
}

/* ---- RSA keys through cr_rsa (src/crypto/rsa.c) ---- */

int sec_rsa_key(jv_vm *vm, const sec_key *k, cr_rsa_key **out)
{
    int nc = k->family == KF_RSA_CRT ? 5 : 2;
    if (k->family != KF_RSA_PUB && k->family != KF_RSA_PRIV && k->family != KF_RSA_CRT) return -1;
    uint8_t *buf = malloc((size_t)nc * CR_RSA_MAX_LEN);
    if (!buf) return -1;
    int len[5];
    for (int i = 0; i < nc; i++) {
        len[i] = sec_key_comp(vm, k, i, buf + (size_t)i * CR_RSA_MAX_LEN, CR_RSA_MAX_LEN);
        if (len[i] <= 0) {
            seam_wipe(buf, (size_t)nc * CR_RSA_MAX_LEN);
            free(buf);
            return -1;
        }
    }
    cr_rsa_parts pt;
    memset(&pt, 0, sizeof pt);
    if (k->family == KF_RSA_PUB) {
        pt.n = buf, pt.n_len = (size_t)len[0];
        pt.e = buf + CR_RSA_MAX_LEN, pt.e_len = (size_t)len[1];
    } else if (k->family == KF_RSA_PRIV) {
        pt.n = buf, pt.n_len = (size_t)len[0];
        pt.d = buf + CR_RSA_MAX_LEN, pt.d_len = (size_t)len[1];
    } else {
        const uint8_t *v[5];
        for (int i = 0; i < 5; i++) v[i] = buf + (size_t)i * CR_RSA_MAX_LEN;
        pt.p = v[0], pt.p_len = (size_t)len[0];
        pt.q = v[1], pt.q_len = (size_t)len[1];
        pt.dp = v[2], pt.dp_len = (size_t)len[2];
        pt.dq = v[3], pt.dq_len = (size_t)len[3];
        pt.qinv = v[4], pt.qinv_len = (size_t)len[4];
    }
    seam_err e = cr_rsa_import(&pt, out);
    seam_wipe(buf, (size_t)nc * CR_RSA_MAX_LEN);
    free(buf);
    if (e) return -1;
    /* the modulus must be the key's size (KeyBuilder length) */
    if (cr_rsa_len(*out) != (size_t)(k->size / 8)) {
        cr_rsa_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Exports component part of key into the key component comp. */
static int rsa_put(jv_vm *vm, const sec_key *k, int comp, const cr_rsa_key *key, cr_rsa_part part,
                   uint8_t *buf)
{
    size_t n = 0;
    if (cr_rsa_export(key, part, buf, CR_RSA_MAX_LEN, &n)) return sec_throw(vm, CE_ILLEGAL_USE);
    int rc = sec_key_put(vm, k, comp, buf, n);
    seam_wipe(buf, CR_RSA_MAX_LEN);
    return rc;
}

/* RSA genKeyPair (API KeyPair): e = 65537. A public exponent already set in the public key is
 * kept if it is 65537 (the only one the crypto layer generates with); any other is
 * ILLEGAL_VALUE. */
static int gen_rsa(jv_vm *vm, const sec_key *pub, const sec_key *priv)
{
    uint8_t e[CR_RSA_MAX_LEN];
    int el = sec_key_comp(vm, pub, 1, e, sizeof e);
    if (el > 0) {
        const uint8_t *ev = e;
        size_t l = strip0(&ev, (size_t)el);
        if (l != 3 || ev[0] != 1 || ev[1] != 0 || ev[2] != 1) return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    cr_rsa_key *key = NULL;
    if (cr_rsa_generate(pub->size, &key)) return sec_throw(vm, CE_ILLEGAL_USE);
    uint8_t *buf = malloc(CR_RSA_MAX_LEN);
    int rc = buf ? 0 : jv_throw(vm, JV_EX_SYSTEM, 5);
    if (!rc) rc = rsa_put(vm, pub, 0, key, CR_RSA_N, buf);
    if (!rc) rc = rsa_put(vm, pub, 1, key, CR_RSA_E, buf);
    if (!rc && priv->family == KF_RSA_PRIV) {
        rc = rsa_put(vm, priv, 0, key, CR_RSA_N, buf);
        if (!rc) rc = rsa_put(vm, priv, 1, key, CR_RSA_D, buf);
    } else if (!rc) {
        static const cr_rsa_part parts[5] = {CR_RSA_P, CR_RSA_Q, CR_RSA_DP, CR_RSA_DQ, CR_RSA_QINV};
        for (int i = 0; i < 5 && !rc; i++) rc = rsa_put(vm, priv, i, key, parts[i], buf);
    }
    free(buf);
    cr_rsa_free(key);
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
    if (pub.family == KF_EC_PUB && priv.family == KF_EC_PRIV && pub.size == priv.size)
        rc = gen_ec(vm, &pub, &priv);
    else if (pub.family == KF_RSA_PUB && pub.size == priv.size &&
             (priv.family == KF_RSA_PRIV || priv.family == KF_RSA_CRT))
        rc = gen_rsa(vm, &pub, &priv);
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
