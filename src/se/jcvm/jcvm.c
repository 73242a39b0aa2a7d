/*
 * The Java Card runtime entry points (src/se/jcvm/jcvm.h): power-up linking of the ROM and the
 * stored packages, content management (load, install, delete) and dispatch (select, deselect,
 * process), JCRE spec §3, §4, §11 and GP CS 2.3.1 §11.
 *
 * A package is one store object (JV_OBJ_PKG, owner 0): a 16-byte header (magic "JVPK", load
 * sequence, statics object id, length; big-endian) then the load file bytes; its statics are a
 * second object (JV_OBJ_STATICS, owned by the package's context) of one 4-byte slot per static
 * field. At power-up the ROM packages are linked, then the stored packages in load order;
 * stored packages were verified at load and are not verified again.
 *
 * Invariants: every entry point that runs applet code resets the step budget first and leaves
 * no Java Card transaction open on return (an open one is aborted, and the SW says so); the
 * runtime never commits or aborts a store transaction it did not open (GP's, around load,
 * install and delete): inside one, JCSystem transactions are nested into it (begin and commit
 * are bookkeeping only; abortTransaction throws TransactionException.INTERNAL_FAILURE, so the
 * command fails and GP aborts everything). An applet is deleted only when no other context
 * refers to an object the deletion would free (JCRE §11.3.4.1; checked before uninstall()).
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "se/jcvm/jv_int.h"
#include "se/jcvm/verify.h"

#define PKG_HDR 16u

static const jcvm_rom_pkg *rom_override;
static size_t rom_override_n;

void jcvm_set_rom(const jcvm_rom_pkg *pkgs, size_t n)
{
    rom_override = pkgs;
    rom_override_n = n;
}

jv_vm *jv_vm_of(se *s)
{
    return s->vm;
}

static uint16_t field_slot(jv_class *c, const char *name)
{
    if (!c) return 0xFFFF;
    for (unsigned i = 0; i < c->jc->nfields; i++)
        if (jcl_str_eq(c->jc->fields[i].name, name)) return c->field_slot[i];
    return 0xFFFF;
}

/* Parses and links one package; adds it to the list on success. */
static uint16_t add_pkg(jv_vm *vm, jv_pkg *p, bool check_imports, char *msg, size_t cap)
{
    size_t acap = jcl_arena_bound(p->len);
    p->arena = malloc(acap ? acap : 1);
    if (!p->arena) return SW_NOT_ENOUGH_MEMORY;
    if (jcl_parse(p->bytes, p->len, p->arena, acap, &p->f, msg, cap)) return SW_WRONG_DATA;
    const jcl_file *f = p->f;
    p->imports = calloc(f->nimports ? f->nimports : 1, sizeof *p->imports);
    if (!p->imports) return SW_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < f->nimports; i++) {
        const jcl_pkgref *ir = &f->imports[i];
        jv_pkg *q = jv_pkg_by_aid(vm, ir->aid.p, ir->aid.len);
        if (!q || (check_imports &&
                   (q->f->package.major != ir->major || q->f->package.minor < ir->minor ||
                    q->f->package.name.len != ir->name.len ||
                    memcmp(q->f->package.name.p, ir->name.p, ir->name.len)))) {
            jv_set_msg(msg, cap, "import %.*s %u.%u is not on the card", ir->name.len, ir->name.p,
                       ir->major, ir->minor);
            return SW_REFERENCED_DATA_NOT_FOUND;
        }
        p->imports[i] = q;
    }
    return jv_link(vm, p, msg, cap);
}

static void list_append(jv_vm *vm, jv_pkg *p)
{
    p->next = NULL;
    if (vm->pkgs_tail)
        vm->pkgs_tail->next = p;
    else
        vm->pkgs = p;
    vm->pkgs_tail = p;
}

static void list_remove(jv_vm *vm, jv_pkg *p)
{
    jv_pkg **pp = &vm->pkgs, *prev = NULL;
    while (*pp && *pp != p) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp) return;
    *pp = p->next;
    if (vm->pkgs_tail == p) vm->pkgs_tail = prev;
    vm->last_cls = NULL;
    vm->last_code = 0;
}

static seam_err well_known(jv_vm *vm, char *msg, size_t cap)
{
    static const char *const exn[JV_EX_COUNT] = {"java/lang/NullPointerException",
                                                 "java/lang/ArrayIndexOutOfBoundsException",
                                                 "java/lang/NegativeArraySizeException",
                                                 "java/lang/ArrayStoreException",
                                                 "java/lang/ClassCastException",
                                                 "java/lang/ArithmeticException",
                                                 "java/lang/SecurityException",
                                                 "javacard/framework/SystemException",
                                                 "javacard/framework/TransactionException",
                                                 "javacard/framework/APDUException",
                                                 "javacard/framework/ISOException",
                                                 "javacard/framework/PINException"};
    for (int i = 0; i < JV_EX_COUNT; i++)
        if (!(vm->ex[i] = jv_class_by_name(vm, exn[i]))) {
            jv_set_msg(msg, cap, "ROM: %s missing", exn[i]);
            return SEAM_E_CORRUPT;
        }
    vm->c_object = jv_class_by_name(vm, "java/lang/Object");
    vm->c_throwable = jv_class_by_name(vm, "java/lang/Throwable");
    vm->c_applet = jv_class_by_name(vm, "javacard/framework/Applet");
    vm->c_aid = jv_class_by_name(vm, "javacard/framework/AID");
    vm->c_apdu = jv_class_by_name(vm, "javacard/framework/APDU");
    vm->c_shareable = jv_class_by_name(vm, "javacard/framework/Shareable");
    vm->c_cre = jv_class_by_name(vm, "javacard/framework/CardRuntimeException");
    vm->c_ce = jv_class_by_name(vm, "javacard/framework/CardException");
    vm->c_ownerpin = jv_class_by_name(vm, "javacard/framework/OwnerPIN");
    if (!vm->c_object || !vm->c_applet || !vm->c_aid || !vm->c_apdu || !vm->c_cre || !vm->c_ce ||
        !vm->c_ownerpin) {
        jv_set_msg(msg, cap, "ROM: a javacard.framework class is missing");
        return SEAM_E_CORRUPT;
    }
    vm->slot_cre_reason = field_slot(vm->c_cre, "reason");
    vm->slot_ce_reason = field_slot(vm->c_ce, "reason");
    vm->slot_aid_bytes = field_slot(vm->c_aid, "aid");
    vm->slot_pin_try_limit = field_slot(vm->c_ownerpin, "tryLimit");
    vm->slot_pin_tries = field_slot(vm->c_ownerpin, "triesLeft");
    vm->slot_pin_len = field_slot(vm->c_ownerpin, "pinLength");
    vm->slot_pin_pin = field_slot(vm->c_ownerpin, "pin");
    vm->sel_process = jv_sel_c(vm, "process", "(Ljavacard/framework/APDU;)V");
    vm->sel_select = jv_sel_c(vm, "select", "()Z");
    vm->sel_deselect = jv_sel_c(vm, "deselect", "()V");
    vm->sel_select_z = jv_sel_c(vm, "select", "(Z)Z");
    vm->sel_deselect_z = jv_sel_c(vm, "deselect", "(Z)V");
    vm->sel_uninstall = jv_sel_c(vm, "uninstall", "()V");
    vm->sel_getsio = jv_sel_c(vm, "getShareableInterfaceObject",
                              "(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;");
    return SEAM_OK;
}

typedef struct {
    store_id id;
    uint32_t seq;
} pkg_ent;

static int cmp_seq(const void *a, const void *b)
{
    const pkg_ent *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

seam_err jcvm_power_up(se *s, char *msg, size_t cap)
{
    if (s->vm) jcvm_power_down(s);
    jv_set_msg(msg, cap, "%s", "");
    jv_vm *vm = calloc(1, sizeof *vm);
    if (!vm) return SEAM_E_NOMEM;
    vm->s = s;
    vm->stack = calloc(JV_STACK_SLOTS, sizeof *vm->stack);
    vm->io = calloc(1, sizeof *vm->io);
    s->vm = vm;
    if (!vm->stack || !vm->io) goto nomem;
    vm->sp_top = vm->stack;
    const jcvm_rom_pkg *rom = rom_override ? rom_override : jcvm_rom_pkgs;
    size_t nrom = rom_override ? rom_override_n : jcvm_rom_npkgs;
    if (!rom || !nrom) {
        jv_set_msg(msg, cap, "no Java Card ROM linked");
        jcvm_power_down(s);
        return SEAM_E_CORRUPT;
    }
    for (size_t i = 0; i < nrom; i++) {
        jv_pkg *p = calloc(1, sizeof *p);
        if (!p) goto nomem;
        p->rom = true;
        p->bytes = (uint8_t *)(uintptr_t)rom[i].data;
        p->len = rom[i].len;
        p->key = JV_ROM_KEY + (uint32_t)i;
        p->ctx = JV_CTX_JCRE;
        char m2[160];
        uint16_t sw = add_pkg(vm, p, false, m2, sizeof m2);
        if (!sw) {
            p->rom_statics = calloc(p->nstatics ? p->nstatics : 1, sizeof *p->rom_statics);
            if (!p->rom_statics) sw = SW_NOT_ENOUGH_MEMORY;
        }
        if (sw) {
            jv_set_msg(msg, cap, "ROM package %s: %s", rom[i].name, m2);
            jv_pkg_free(p);
            jcvm_power_down(s);
            return SEAM_E_CORRUPT;
        }
        list_append(vm, p);
        if (i == 0 && !vm->c_object) vm->c_object = jv_class_by_name(vm, "java/lang/Object");
    }
    seam_err e = well_known(vm, msg, cap);
    if (e) {
        jcvm_power_down(s);
        return e;
    }
    /* stored packages, in load order */
    store *st = s->st;
    size_t n = 0, capn = 0;
    pkg_ent *ents = NULL;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint16_t type;
        size_t size;
        if (store_info(st, id, NULL, &type, &size) || type != JV_OBJ_PKG) continue;
        const uint8_t *v = store_view(st, id, NULL);
        if (size < PKG_HDR || memcmp(v, "JVPK", 4) || seam_be32(v + 12) != size - PKG_HDR) {
            free(ents);
            jv_set_msg(msg, cap, "package object %u is damaged", id);
            jcvm_power_down(s);
            return SEAM_E_CORRUPT;
        }
        if (n == capn) {
            capn = capn ? capn * 2 : 8;
            pkg_ent *ne = realloc(ents, capn * sizeof *ne);
            if (!ne) {
                free(ents);
                goto nomem;
            }
            ents = ne;
        }
        ents[n++] = (pkg_ent){id, seam_be32(v + 4)};
    }
    if (n) qsort(ents, n, sizeof *ents, cmp_seq);
    for (size_t i = 0; i < n; i++) {
        size_t size;
        const uint8_t *v = store_view(st, ents[i].id, &size);
        jv_pkg *p = calloc(1, sizeof *p);
        if (!p) {
            free(ents);
            goto nomem;
        }
        p->len = size - PKG_HDR;
        p->bytes = malloc(p->len ? p->len : 1);
        if (!p->bytes) {
            free(p);
            free(ents);
            goto nomem;
        }
        memcpy(p->bytes, v + PKG_HDR, p->len);
        p->obj = ents[i].id;
        p->key = p->ctx = ents[i].id;
        p->seq = ents[i].seq;
        p->statics = seam_be32(v + 8);
        if (p->seq >= vm->next_seq) vm->next_seq = p->seq + 1;
        char m2[160];
        uint16_t sw = add_pkg(vm, p, true, m2, sizeof m2);
        if (sw) {
            jv_set_msg(msg, cap, "package object %u no longer links: %s", ents[i].id, m2);
            jv_pkg_free(p);
            free(ents);
            jcvm_power_down(s);
            return SEAM_E_CORRUPT;
        }
        list_append(vm, p);
    }
    free(ents);
    vm->apdu_obj = jv_tmp_new(vm, JV_K_INST, JV_F_ENTRY | JV_F_TEMP, vm->c_apdu, vm->c_apdu->ninst);
    vm->apdu_buf = jv_tmp_new(vm, JV_K_BYTE, JV_F_GLOBAL | JV_F_TEMP, NULL, 0);
    if (!vm->apdu_obj || !vm->apdu_buf) goto nomem;
    jv_tmp *bt = &vm->tmp[vm->apdu_buf & ~JV_REF_TAG];
    free(bt->data);
    bt->data = vm->io->buf;
    vm->io->buf_len = APDUIO_BUF_SHORT;
    vm->quota = store_capacity(st) / 4;
    jv_recount(vm);
    return SEAM_OK;
nomem:
    jv_set_msg(msg, cap, "out of memory");
    jcvm_power_down(s);
    return SEAM_E_NOMEM;
}

void jcvm_power_down(se *s)
{
    jv_vm *vm = s->vm;
    if (!vm) return;
    sec_ec_key_cache_drop_vm(vm); /* keys imported into OpenSSL for signing (jcapi/keys.c) */
    jv_pkg *p = vm->pkgs;
    while (p) {
        jv_pkg *n = p->next;
        jv_pkg_free(p);
        p = n;
    }
    for (unsigned i = 0; i < JV_MAX_TMP; i++)
        if (vm->tmp[i].used && (JV_REF_TMP | i) != vm->apdu_buf) free(vm->tmp[i].data);
    for (size_t i = 0; i < vm->ntrans; i++) {
        seam_wipe(vm->trans[i].data, vm->trans[i].bytes);
        free(vm->trans[i].data);
    }
    free(vm->trans);
    if (vm->io) {
        apduio_wipe(vm->io);
        free(vm->io);
    }
    if (vm->stack) seam_wipe(vm->stack, JV_STACK_SLOTS * sizeof *vm->stack);
    free(vm->stack);
    for (uint32_t i = 0; i < vm->nsels; i++)
        free((void *)(uintptr_t)vm->sels[i].name);
    free(vm->sels);
    free(vm);
    s->vm = NULL;
}

static void abort_tx(jv_vm *vm)
{
    if (vm->tx_depth && !vm->outer_tx && store_in_tx(vm->s->st)) {
        store_tx_abort(vm->s->st);
        jv_recount(vm);
    }
    vm->tx_depth = 0;
}

void jcvm_reset(se *s)
{
    jv_vm *vm = s->vm;
    if (!vm) return;
    abort_tx(vm);
    memset(vm->chan, 0, sizeof vm->chan);
    jv_trans_clear(vm, JV_CLEAR_ON_RESET, 0, true);
    jv_trans_clear(vm, JV_CLEAR_ON_DESELECT, 0, true);
    apduio_wipe(vm->io);
    vm->nframes = 0;
    vm->sp_top = vm->stack;
}

/* ---- running applet code ---- */

static void begin_run(jv_vm *vm)
{
    vm->steps = vm->s->max_steps ? vm->s->max_steps : SE_DEFAULT_MAX_STEPS;
    vm->budget_out = false;
    vm->exc = 0;
    vm->nframes = 0;
    vm->sp_top = vm->stack;
    vm->outer_tx = store_in_tx(vm->s->st);
    vm->tx_depth = 0;
}

int32_t jv_exc_reason(jv_vm *vm, jv_ref exc)
{
    jv_obj o;
    if (jv_decode(vm, exc, &o) || o.kind != JV_K_INST) return 0;
    if (jv_subclass(o.cls, vm->c_cre) && vm->slot_cre_reason < o.len)
        return jv_elem_get(&o, vm->slot_cre_reason);
    if (jv_subclass(o.cls, vm->c_ce) && vm->slot_ce_reason < o.len)
        return jv_elem_get(&o, vm->slot_ce_reason);
    return 0;
}

static bool exc_is(jv_vm *vm, jv_ref exc, int ex)
{
    jv_obj o;
    return !jv_decode(vm, exc, &o) && o.kind == JV_K_INST && jv_subclass(o.cls, vm->ex[ex]);
}

/* SW for the end of applet code: rc from jv_invoke. */
static uint16_t end_sw(jv_vm *vm, int rc)
{
    uint16_t sw = SW_NO_ERROR;
    if (rc == -1 && !vm->fatal && exc_is(vm, vm->exc, JV_EX_ISO))
        sw = (uint16_t)jv_exc_reason(vm, vm->exc);
    else if (rc)
        sw = SW_UNKNOWN;
    if (rc || vm->tx_depth) {
        if (!rc && vm->tx_depth) sw = SW_UNKNOWN;
        abort_tx(vm);
    }
    if (vm->fatal && !store_alive(vm->s->st)) se_mute(vm->s, SEAM_E_TORN);
    vm->fatal = false;
    vm->exc = 0;
    return sw;
}

static void maybe_gc(jv_vm *vm)
{
    if (!vm->gc_requested) return;
    vm->gc_requested = false;
    if (!store_in_tx(vm->s->st)) jv_gc(vm, vm->gc_ctx, false, 0);
}

static jv_pkg *pkg_by_obj(jv_vm *vm, store_id obj)
{
    for (jv_pkg *p = vm->pkgs; p; p = p->next)
        if (!p->rom && p->obj == obj) return p;
    return NULL;
}

/* ---- content management ---- */

static seam_err verify_class_info(void *ctx, const char *name, size_t len, jcv_class_info *out)
{
    jv_vm *vm = ctx;
    char buf[256];
    if (len >= sizeof buf) return SEAM_E_NOT_FOUND;
    memcpy(buf, name, len);
    buf[len] = 0;
    jv_class *c = jv_class_by_name(vm, buf);
    if (!c) return SEAM_E_NOT_FOUND;
    out->is_interface = c->is_iface;
    out->has_super = c->super != NULL;
    out->super_name = c->super ? c->super->jc->name.p : NULL;
    out->super_len = c->super ? c->super->jc->name.len : 0;
    return SEAM_OK;
}

uint16_t jcvm_load(se *s, const uint8_t *jcl, size_t len, store_id *pkg_obj, char *msg, size_t cap)
{
    jv_vm *vm = s->vm;
    if (pkg_obj) *pkg_obj = 0;
    jv_set_msg(msg, cap, "%s", "");
    if (!vm || !jcl || !pkg_obj) return SW_UNKNOWN;
    store *st = s->st;
    jv_pkg *p = calloc(1, sizeof *p);
    if (!p) return SW_NOT_ENOUGH_MEMORY;
    p->len = len;
    p->bytes = malloc(len ? len : 1);
    if (!p->bytes) {
        free(p);
        return SW_NOT_ENOUGH_MEMORY;
    }
    memcpy(p->bytes, jcl, len);
    uint16_t sw = 0;
    size_t acap = jcl_arena_bound(len);
    p->arena = malloc(acap ? acap : 1);
    if (!p->arena) {
        sw = SW_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    if (jcl_parse(p->bytes, len, p->arena, acap, &p->f, msg, cap)) {
        sw = SW_WRONG_DATA;
        goto fail;
    }
    if (jv_pkg_by_aid(vm, p->f->package.aid.p, p->f->package.aid.len) ||
        jv_pkg_by_name(vm, p->f->package.name.p, p->f->package.name.len)) {
        jv_set_msg(msg, cap, "package %.*s is already loaded", p->f->package.name.len,
                   p->f->package.name.p);
        sw = SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        goto fail;
    }
    for (unsigned i = 0; i < p->f->nimports; i++) {
        const jcl_pkgref *ir = &p->f->imports[i];
        if (!jv_pkg_by_aid(vm, ir->aid.p, ir->aid.len)) {
            jv_set_msg(msg, cap, "import %.*s is not on the card", ir->name.len, ir->name.p);
            sw = SW_REFERENCED_DATA_NOT_FOUND;
            goto fail;
        }
    }
    /* on-card verification (src/se/jcvm/verify.h) */
    {
        size_t vcap = jcv_arena_bound(p->f);
        void *va = malloc(vcap ? vcap : 1);
        if (!va) {
            sw = SW_NOT_ENOUGH_MEMORY;
            goto fail;
        }
        jcv_env env = {verify_class_info, vm};
        seam_err ve = jcv_verify(p->f, &env, va, vcap, msg, cap);
        free(va);
        if (ve) {
            sw = ve == SEAM_E_NOT_FOUND ? SW_REFERENCED_DATA_NOT_FOUND
                 : ve == SEAM_E_NOMEM   ? SW_NOT_ENOUGH_MEMORY
                                        : SW_WRONG_DATA;
            goto fail;
        }
    }
    /* the package object first: its id is the package key and the context */
    store_id id = 0;
    seam_err e = store_alloc(st, 0, JV_OBJ_PKG, PKG_HDR + len, &id);
    if (e) {
        sw = e == SEAM_E_FULL ? SW_NOT_ENOUGH_MEMORY : SW_UNKNOWN;
        goto fail;
    }
    p->obj = p->key = p->ctx = id;
    free(p->arena);
    p->arena = NULL;
    p->f = NULL;
    char m2[200];
    sw = add_pkg(vm, p, true, m2, sizeof m2);
    if (sw) {
        jv_set_msg(msg, cap, "%s", m2);
        store_free(st, id);
        goto fail;
    }
    uint8_t hdr[PKG_HDR];
    memcpy(hdr, "JVPK", 4);
    p->seq = vm->next_seq;
    seam_put_be32(hdr + 4, p->seq);
    if (p->nstatics) {
        e = store_alloc(st, p->ctx, JV_OBJ_STATICS, 4u * p->nstatics, &p->statics);
        if (e) {
            sw = e == SEAM_E_FULL ? SW_NOT_ENOUGH_MEMORY : SW_UNKNOWN;
            store_free(st, id);
            goto fail;
        }
    }
    seam_put_be32(hdr + 8, p->statics);
    seam_put_be32(hdr + 12, (uint32_t)len);
    e = store_write(st, id, 0, hdr, PKG_HDR);
    if (!e) e = store_write(st, id, PKG_HDR, jcl, len);
    if (e) {
        sw = SW_UNKNOWN;
        if (p->statics) store_free(st, p->statics);
        store_free(st, id);
        goto fail;
    }
    list_append(vm, p);
    /* static initialisers, in class order, superclasses first */
    jv_method *clinits[JCL_MAX_CLASSES];
    unsigned nci = 0;
    uint32_t sel_clinit = jv_sel_c(vm, "<clinit>", "()V");
    uint8_t *done = calloc(p->f->nclasses, 1);
    if (!done) {
        sw = SW_NOT_ENOUGH_MEMORY;
        goto unlink;
    }
    for (unsigned round = 0; round < p->f->nclasses; round++)
        for (unsigned i = 0; i < p->f->nclasses; i++) {
            jv_class *c = &p->classes[i];
            if (done[i]) continue;
            if (c->super && c->super->pkg == p && !done[c->super->idx]) continue;
            done[i] = 1;
            for (unsigned k = 0; k < c->jc->nmethods; k++)
                if (c->methods[k].sel == sel_clinit && c->methods[k].code)
                    clinits[nci++] = &c->methods[k];
        }
    free(done);
    begin_run(vm);
    for (unsigned i = 0; i < nci; i++) {
        int rc = jv_invoke(vm, clinits[i], NULL, p->ctx, NULL);
        if (rc) {
            jv_set_msg(msg, cap, "static initialiser of %.*s failed", clinits[i]->cls->jc->name.len,
                       clinits[i]->cls->jc->name.p);
            end_sw(vm, rc);
            sw = SW_UNKNOWN;
            goto unlink;
        }
    }
    if (vm->tx_depth) {
        end_sw(vm, 0);
        sw = SW_UNKNOWN;
        goto unlink;
    }
    vm->next_seq++;
    *pkg_obj = id;
    return SW_NO_ERROR;
unlink:
    list_remove(vm, p);
    jv_pkg_free(p);
    jv_recount(vm);
    return sw;
fail:
    jv_pkg_free(p);
    return sw;
}

const uint8_t *jcvm_pkg_bytes(se *s, store_id pkg_obj, size_t *len)
{
    jv_pkg *p = s->vm ? pkg_by_obj(s->vm, pkg_obj) : NULL;
    if (len) *len = p ? p->len : 0;
    return p ? p->bytes : NULL;
}

bool jcvm_pkg_imported(se *s, store_id pkg_obj)
{
    jv_vm *vm = s->vm;
    jv_pkg *p = vm ? pkg_by_obj(vm, pkg_obj) : NULL;
    if (!p) return false;
    for (jv_pkg *q = vm->pkgs; q; q = q->next)
        for (unsigned i = 0; q != p && i < q->f->nimports; i++)
            if (q->imports[i] == p) return true;
    return false;
}

uint16_t jcvm_install(se *s, store_id pkg_obj, uint8_t module, store_id app_reg,
                      const uint8_t *inst_aid, size_t inst_aid_len, const uint8_t *priv,
                      size_t priv_len, const uint8_t *params, size_t params_len, char *msg,
                      size_t cap)
{
    jv_vm *vm = s->vm;
    jv_set_msg(msg, cap, "%s", "");
    if (!vm) return SW_UNKNOWN;
    jv_pkg *p = pkg_by_obj(vm, pkg_obj);
    if (!p || module >= p->f->napplets) {
        jv_set_msg(msg, cap, "no such applet module");
        return SW_REFERENCED_DATA_NOT_FOUND;
    }
    if (inst_aid_len < 5 || inst_aid_len > 16 || priv_len > 255 || params_len > 255) {
        jv_set_msg(msg, cap, "bad install parameters");
        return SW_WRONG_DATA;
    }
    size_t total = 3 + inst_aid_len + priv_len + params_len;
    if (total > 127) {
        jv_set_msg(msg, cap, "install parameters longer than 127 bytes");
        return SW_WRONG_DATA;
    }
    jv_class *c = &p->classes[p->f->applets[module].class_index];
    jv_method *inst = jv_find_method(c, jv_sel_c(vm, "install", "([BSB)V"));
    if (!inst || !(inst->flags & 0x0008) || inst->cls != c || !jv_subclass(c, vm->c_applet)) {
        jv_set_msg(msg, cap, "applet class has no install method");
        return SW_WRONG_DATA;
    }
    jv_ref arr = jv_tmp_new(vm, JV_K_BYTE, JV_F_GLOBAL | JV_F_TEMP, NULL, (uint32_t)total);
    if (!arr) return SW_NOT_ENOUGH_MEMORY;
    uint8_t *d = vm->tmp[arr & ~JV_REF_TAG].data;
    size_t k = 0;
    d[k++] = (uint8_t)inst_aid_len;
    memcpy(d + k, inst_aid, inst_aid_len);
    k += inst_aid_len;
    d[k++] = (uint8_t)priv_len;
    if (priv_len) memcpy(d + k, priv, priv_len);
    k += priv_len;
    d[k++] = (uint8_t)params_len;
    if (params_len) memcpy(d + k, params, params_len);
    vm->installing = app_reg;
    vm->inst_aid = inst_aid;
    vm->inst_aid_len = inst_aid_len;
    vm->registered = false;
    vm->new_applet = 0;
    begin_run(vm);
    vm->cur_app = app_reg;
    jv_slot args[3] = {(jv_slot)arr, 0, (jv_slot)total};
    int rc = jv_invoke(vm, inst, args, p->ctx, NULL);
    uint16_t sw;
    if (rc == -1 && exc_is(vm, vm->exc, JV_EX_SYSTEM) && jv_exc_reason(vm, vm->exc) == 5)
        sw = SW_NOT_ENOUGH_MEMORY;
    else if (rc == -1 && !exc_is(vm, vm->exc, JV_EX_ISO))
        sw = SW_WRONG_DATA;
    else
        sw = end_sw(vm, rc);
    if (rc) {
        vm->tx_depth = 0;
        vm->fatal = false;
    }
    if (sw == SW_NO_ERROR && !vm->registered) {
        jv_set_msg(msg, cap, "install() did not register the applet");
        sw = SW_WRONG_DATA;
    }
    if (sw != SW_NO_ERROR && !msg[0]) jv_set_msg(msg, cap, "install() failed (SW %04X)", sw);
    vm->installing = 0;
    vm->cur_app = 0;
    jv_tmp *t = &vm->tmp[arr & ~JV_REF_TAG];
    free(t->data);
    memset(t, 0, sizeof *t);
    return sw;
}

store_id jv_app_of_ctx(jv_vm *vm, uint32_t ctx)
{
    if (vm->cur_app) {
        const se_reg_rec *r = reg_get(vm->s, vm->cur_app);
        jv_obj o;
        if (r && !jv_decode(vm, seam_be32(r->obj_id), &o) && o.owner == ctx) return vm->cur_app;
        if (vm->installing == vm->cur_app) return vm->cur_app;
    }
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].app_reg && vm->chan[c].ctx == ctx) return vm->chan[c].app_reg;
    /* a context entered through a Shareable interface call, not selected anywhere: the first
     * applet instance of the context (JCRE §6.2.4: getAID in the server's context) */
    for (store_id id = reg_next(vm->s, 0); id && ctx != JV_CTX_JCRE; id = reg_next(vm->s, id)) {
        const se_reg_rec *r = reg_get(vm->s, id);
        jv_obj o;
        if (r && r->kind == REG_KIND_APP && !jv_decode(vm, seam_be32(r->obj_id), &o) &&
            o.owner == ctx)
            return id;
    }
    return 0;
}

/* ---- references across contexts (applet deletion, JCRE §11.3.4.1) ---- */

typedef struct {
    jv_vm *vm;
    uint32_t ctx;
    store_id max;
    uint8_t *mark;       /* objects found by this walk */
    const uint8_t *skip; /* objects not to enter (NULL: none) */
    store_id *work;
    size_t nwork, cap;
    bool hit; /* check phase: a reference into mark was seen */
} xwalk;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static bool bit(const uint8_t *b, store_id id)
{
    return b && (b[id >> 3] & (1u << (id & 7)));
}

/* Walk phase: follows a reference into an object of w->ctx not seen and not skipped. */
static void xw_push(void *arg, jv_ref r)
{
    xwalk *w = arg;
    if (!r || (r & JV_REF_TAG) || r > w->max || bit(w->mark, r) || bit(w->skip, r)) return;
    uint32_t owner;
    uint16_t type;
    if (store_info(w->vm->s->st, r, &owner, &type, NULL) || owner != w->ctx || type < JV_OBJ_INST ||
        type > JV_OBJ_ARR_REF)
        return;
    w->mark[r >> 3] |= (uint8_t)(1u << (r & 7));
    if (w->nwork < w->cap) w->work[w->nwork++] = r;
}

/* Check phase: notes a reference into the marked set. */
static void xw_hit(void *arg, jv_ref r)
{
    xwalk *w = arg;
    if (r && !(r & JV_REF_TAG) && r <= w->max && bit(w->mark, r)) w->hit = true;
}

static bool ref_desc(jcl_str d)
{
    return d.len && (d.p[0] == 'L' || d.p[0] == '[');
}

/* Calls fn for every reference slot of a store object (instance fields, reference array
 * elements; a transient array's elements are in RAM). */
static void each_ref(jv_vm *vm, jv_ref r, void (*fn)(void *, jv_ref), void *arg)
{
    jv_obj o;
    if (jv_decode(vm, r, &o)) return;
    if (o.kind == JV_K_REF) {
        for (uint32_t i = 0; i < o.len; i++)
            fn(arg, (jv_ref)jv_elem_get(&o, i));
    } else if (o.kind == JV_K_INST) {
        for (jv_class *c = o.cls; c; c = c->super)
            for (unsigned i = 0; i < c->jc->nfields; i++) {
                const jcl_field *f = &c->jc->fields[i];
                if ((f->flags & 0x0008) || !ref_desc(f->desc) || c->field_slot[i] >= o.len)
                    continue;
                fn(arg, (jv_ref)jv_elem_get(&o, c->field_slot[i]));
            }
    }
}

/* Calls fn for every reference static of a stored package. */
static void each_static_ref(jv_vm *vm, jv_pkg *p, void (*fn)(void *, jv_ref), void *arg)
{
    size_t size = 0;
    const uint8_t *sv = p->statics ? store_view(vm->s->st, p->statics, &size) : NULL;
    if (!sv) return;
    for (unsigned ci = 0; ci < p->f->nclasses; ci++) {
        jv_class *c = &p->classes[ci];
        for (unsigned i = 0; i < c->jc->nfields; i++) {
            const jcl_field *f = &c->jc->fields[i];
            if (!(f->flags & 0x0008) || !ref_desc(f->desc)) continue;
            size_t at = 4u * c->field_slot[i];
            if (at + 4 <= size) fn(arg, le32(sv + at));
        }
    }
}

static void xw_drain(xwalk *w)
{
    while (w->nwork)
        each_ref(w->vm, w->work[--w->nwork], xw_push, w);
}

/* True when an object of another context, a static of another package or a transient
 * reference array of another context refers to an object that deleting applet (of context
 * ctx) would free: one reachable from the applet and not from the context's other roots (its
 * other applet instances, its package's statics, its transient reference arrays). -1 when
 * memory runs out. */
static int referenced_elsewhere(jv_vm *vm, jv_ref applet, uint32_t ctx)
{
    store *st = vm->s->st;
    store_id max = 0;
    size_t n = 0;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        max = id;
        n++;
    }
    uint8_t *keep = calloc(max / 8 + 1, 1), *mine = calloc(max / 8 + 1, 1);
    store_id *work = malloc((n + 1) * sizeof *work);
    int rc = -1;
    if (!keep || !mine || !work) goto out;
    /* what the context keeps without the applet */
    xwalk w = {vm, ctx, max, keep, NULL, work, 0, n + 1, false};
    for (store_id id = reg_next(vm->s, 0); id; id = reg_next(vm->s, id)) {
        const se_reg_rec *r = reg_get(vm->s, id);
        if (r && r->kind == REG_KIND_APP && seam_be32(r->obj_id) != applet)
            xw_push(&w, seam_be32(r->obj_id));
    }
    jv_pkg *own = jv_pkg_of_ctx(vm, ctx);
    if (own) each_static_ref(vm, own, xw_push, &w);
    for (size_t i = 0; i < vm->ntrans; i++)
        if (vm->trans[i].kind == JV_K_REF && vm->trans[i].owner == ctx)
            for (uint32_t k = 0; k + 4 <= vm->trans[i].bytes; k += 4)
                xw_push(&w, le32(vm->trans[i].data + k));
    xw_drain(&w);
    /* what goes with the applet */
    xwalk a = {vm, ctx, max, mine, keep, work, 0, n + 1, false};
    xw_push(&a, applet);
    xw_drain(&a);
    /* who else refers to it */
    for (store_id id = store_next(st, 0); id && !a.hit; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        if (store_info(st, id, &owner, &type, NULL) || owner == ctx || owner == JV_CTX_JCRE ||
            type < JV_OBJ_INST || type > JV_OBJ_ARR_REF)
            continue;
        each_ref(vm, id, xw_hit, &a);
    }
    for (jv_pkg *p = vm->pkgs; p && !a.hit; p = p->next)
        if (!p->rom && p->ctx != ctx) each_static_ref(vm, p, xw_hit, &a);
    for (size_t i = 0; i < vm->ntrans && !a.hit; i++)
        if (vm->trans[i].kind == JV_K_REF && vm->trans[i].owner != ctx)
            for (uint32_t k = 0; k + 4 <= vm->trans[i].bytes; k += 4)
                xw_hit(&a, le32(vm->trans[i].data + k));
    rc = a.hit ? 1 : 0;
out:
    free(keep);
    free(mine);
    free(work);
    return rc;
}

uint16_t jcvm_delete_app(se *s, store_id app_reg)
{
    jv_vm *vm = s->vm;
    const se_reg_rec *r = reg_get(s, app_reg);
    if (!vm || !r) return SW_REFERENCED_DATA_NOT_FOUND;
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].app_reg == app_reg) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    jv_ref applet = seam_be32(r->obj_id);
    jv_obj o;
    if (!applet || jv_decode(vm, applet, &o) || o.kind != JV_K_INST) return SW_NO_ERROR;
    uint32_t ctx = o.owner;
    int refd = referenced_elsewhere(vm, applet, ctx);
    if (refd < 0) return SW_NOT_ENOUGH_MEMORY;
    if (refd) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (o.cls->applet_event) {
        jv_method *m = jv_vt_lookup(o.cls, vm->sel_uninstall);
        if (m) {
            begin_run(vm);
            vm->cur_app = app_reg;
            jv_slot a[1] = {(jv_slot)applet};
            int rc = jv_invoke(vm, m, a, ctx, NULL);
            vm->cur_app = 0;
            if (rc) {
                vm->fatal = false;
                vm->exc = 0;
            }
            vm->tx_depth = 0; /* GP aborts or commits the whole */
        }
    }
    jv_gc(vm, ctx, false, applet);
    return SW_NO_ERROR;
}

uint16_t jcvm_delete_pkg(se *s, store_id pkg_obj)
{
    jv_vm *vm = s->vm;
    jv_pkg *p = vm ? pkg_by_obj(vm, pkg_obj) : NULL;
    if (!p) return SW_REFERENCED_DATA_NOT_FOUND;
    if (jcvm_pkg_imported(s, pkg_obj)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].app_reg && vm->chan[c].ctx == p->ctx)
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    store *st = s->st;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        if (store_info(st, id, &owner, &type, NULL)) continue;
        if (owner == p->ctx && type >= JV_OBJ_STATICS && type <= JV_OBJ_ARR_REF) {
            jv_wipe_secret(vm, id); /* key material is zeroed before its object goes */
            if (store_free(st, id)) return SW_UNKNOWN;
        }
    }
    if (store_free(st, pkg_obj)) return SW_UNKNOWN;
    list_remove(vm, p);
    jv_pkg_free(p);
    jv_recount(vm);
    return SW_NO_ERROR;
}

/* ---- dispatch ---- */

static bool ctx_active_elsewhere(jv_vm *vm, uint8_t ch, uint32_t ctx, store_id app, bool *same)
{
    bool any = false;
    *same = false;
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++) {
        if (c == ch || !vm->chan[c].app_reg) continue;
        if (vm->chan[c].ctx == ctx) any = true;
        if (vm->chan[c].app_reg == app) *same = true;
    }
    return any;
}

static uint16_t run_process(jv_vm *vm, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    jv_chan *k = &vm->chan[ch];
    jv_obj o;
    if (jv_decode(vm, k->applet, &o) || o.kind != JV_K_INST) return SW_UNKNOWN;
    if (c->extended && !o.cls->ext_length) return SW_WRONG_LENGTH;
    jv_method *m = jv_vt_lookup(o.cls, vm->sel_process);
    if (!m) return SW_UNKNOWN;
    size_t len0 = r->len;
    apduio_begin(vm->io, c, ch, o.cls->ext_length, r);
    vm->cur_ch = ch;
    vm->cur_app = k->app_reg;
    jv_slot a[2] = {(jv_slot)k->applet, (jv_slot)vm->apdu_obj};
    int rc = jv_invoke(vm, m, a, k->ctx, NULL);
    uint16_t sw = end_sw(vm, rc);
    uint8_t sw1 = (uint8_t)(sw >> 8);
    if (sw != SW_NO_ERROR && sw1 != 0x61 && sw1 != 0x62 && sw1 != 0x63) r->len = len0;
    vm->io->r = NULL;
    vm->io->in = NULL;
    maybe_gc(vm);
    vm->cur_app = 0;
    return sw;
}

uint16_t jcvm_select(se *s, uint8_t ch, store_id app_reg, const apdu_cmd *c, se_resp *r)
{
    jv_vm *vm = s->vm;
    if (!vm || ch >= SE_MAX_CHANNELS) return SW_UNKNOWN;
    const se_reg_rec *rec = reg_get(s, app_reg);
    if (!rec) return SW_FILE_NOT_FOUND;
    jv_ref applet = seam_be32(rec->obj_id);
    jv_obj o;
    if (jv_decode(vm, applet, &o) || o.kind != JV_K_INST) return SW_APPLET_SELECT_FAILED;
    if (vm->chan[ch].app_reg) jcvm_deselect(s, ch);
    bool same;
    bool active = ctx_active_elsewhere(vm, ch, o.owner, app_reg, &same);
    if (active && !o.cls->multisel) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    begin_run(vm);
    vm->cur_ch = ch;
    vm->cur_app = app_reg;
    jv_method *m;
    jv_slot a[2] = {(jv_slot)applet, same ? 1 : 0};
    if (active)
        m = jv_vt_lookup(o.cls, vm->sel_select_z);
    else
        m = jv_vt_lookup(o.cls, vm->sel_select);
    jv_slot ok = 0;
    int rc = m ? jv_invoke(vm, m, a, o.owner, &ok) : -1;
    if (rc || !ok || vm->tx_depth) {
        end_sw(vm, rc);
        vm->cur_app = 0;
        return SW_APPLET_SELECT_FAILED;
    }
    vm->chan[ch] = (jv_chan){app_reg, applet, o.owner};
    vm->selecting = true;
    begin_run(vm);
    uint16_t sw = run_process(vm, ch, c, r);
    vm->selecting = false;
    return sw;
}

void jcvm_deselect(se *s, uint8_t ch)
{
    jv_vm *vm = s->vm;
    if (!vm || ch >= SE_MAX_CHANNELS || !vm->chan[ch].app_reg) return;
    jv_chan k = vm->chan[ch];
    jv_obj o;
    if (!jv_decode(vm, k.applet, &o) && o.kind == JV_K_INST) {
        bool same;
        bool active = ctx_active_elsewhere(vm, ch, k.ctx, k.app_reg, &same);
        jv_method *m = active && o.cls->multisel ? jv_vt_lookup(o.cls, vm->sel_deselect_z)
                                                 : jv_vt_lookup(o.cls, vm->sel_deselect);
        if (m) {
            begin_run(vm);
            vm->cur_ch = ch;
            vm->cur_app = k.app_reg;
            jv_slot a[2] = {(jv_slot)k.applet, same ? 1 : 0};
            int rc = jv_invoke(vm, m, a, k.ctx, NULL);
            end_sw(vm, rc);
            vm->cur_app = 0;
        }
    }
    memset(&vm->chan[ch], 0, sizeof vm->chan[ch]);
    bool still = false;
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].app_reg && vm->chan[c].ctx == k.ctx) still = true;
    if (!still) jv_trans_clear(vm, JV_CLEAR_ON_DESELECT, k.ctx, false);
}

uint16_t jcvm_process(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    jv_vm *vm = s->vm;
    if (!vm || ch >= SE_MAX_CHANNELS || !vm->chan[ch].app_reg) return SW_UNKNOWN;
    begin_run(vm);
    return run_process(vm, ch, c, r);
}

bool jcvm_selected(se *s, uint8_t ch)
{
    jv_vm *vm = s->vm;
    return vm && ch < SE_MAX_CHANNELS && vm->chan[ch].app_reg != 0;
}
