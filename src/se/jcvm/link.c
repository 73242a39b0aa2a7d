/*
 * The linker of the Java Card runtime: turns a parsed load file (seam/jclread.h) into linked
 * classes (instance layout, statics, vtables, interface lists) and resolves every constant pool
 * entry to a direct reference (jv_cref), so the interpreter never looks a name up.
 *
 * Rules (JVMS SE 8 §5.4.3): fields are looked up in the class, then its superinterfaces, then
 * its superclass (§5.4.3.2); methods in the class and its superclasses, then the
 * superinterfaces (§5.4.3.3); interface methods in the interface and its superinterfaces, then
 * java/lang/Object (§5.4.3.4). A method overrides a superclass method with the same name and
 * descriptor when that one is public or protected, or package-private in the same package
 * (§5.4.5). Native methods are bound by class, name and descriptor to jv_natives (src/se/jcapi);
 * a native method outside the ROM, or one with no C function, is a link error.
 *
 * Invariants: every class is linked after its superclass and interfaces (those of other packages
 * are linked already: imports are linked first); nothing recurses on the input more deeply than
 * the number of classes of one package (at most 255), and a cycle is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/jcvm/jv_int.h"

#define ACC_PUBLIC 0x0001
#define ACC_PRIVATE 0x0002
#define ACC_PROTECTED 0x0004
#define ACC_STATIC 0x0008
#define ACC_NATIVE 0x0100
#define ACC_INTERFACE 0x0200
#define ACC_ABSTRACT 0x0400

void jv_set_msg(char *msg, size_t cap, const char *fmt, ...)
{
    if (!msg || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

/* ---- selectors: interned (name, descriptor) pairs ---- */

uint32_t jv_sel_intern(jv_vm *vm, const char *name, size_t nlen, const char *desc, size_t dlen)
{
    for (uint32_t i = 0; i < vm->nsels; i++) {
        const struct jv_sel *x = &vm->sels[i];
        if (x->nlen == nlen && x->dlen == dlen && !memcmp(x->name, name, nlen) &&
            !memcmp(x->desc, desc, dlen))
            return i + 1;
    }
    if (vm->nsels == vm->sels_cap) {
        uint32_t nc = vm->sels_cap ? vm->sels_cap * 2 : 256;
        struct jv_sel *n = realloc(vm->sels, nc * sizeof *n);
        if (!n) return 0;
        vm->sels = n;
        vm->sels_cap = nc;
    }
    /* the strings point into load files that live as long as the VM (ROM or owned copies);
     * a package deleted later leaves its selectors behind, so they are copied */
    char *nb = malloc(nlen + dlen);
    if (!nb) return 0;
    memcpy(nb, name, nlen);
    memcpy(nb + nlen, desc, dlen);
    vm->sels[vm->nsels] = (struct jv_sel){nb, nb + nlen, (uint8_t)nlen, (uint8_t)dlen};
    return ++vm->nsels;
}

uint32_t jv_sel_c(jv_vm *vm, const char *name, const char *desc)
{
    return jv_sel_intern(vm, name, strlen(name), desc, strlen(desc));
}

/* ---- lookups ---- */

static bool str_eq(jcl_str a, const char *b, size_t blen)
{
    return a.len == blen && !memcmp(a.p, b, blen);
}

jv_pkg *jv_pkg_by_aid(jv_vm *vm, const uint8_t *aid, size_t len)
{
    for (jv_pkg *p = vm->pkgs; p; p = p->next)
        if (p->f->package.aid.len == len && !memcmp(p->f->package.aid.p, aid, len)) return p;
    return NULL;
}

jv_pkg *jv_pkg_by_name(jv_vm *vm, const char *name, size_t len)
{
    for (jv_pkg *p = vm->pkgs; p; p = p->next)
        if (str_eq(p->f->package.name, name, len)) return p;
    return NULL;
}

static jv_class *class_in(jv_pkg *p, const char *name, size_t len)
{
    for (unsigned i = 0; i < p->f->nclasses; i++)
        if (str_eq(p->f->classes[i].name, name, len)) return &p->classes[i];
    return NULL;
}

jv_class *jv_class_by_name(jv_vm *vm, const char *name)
{
    const char *slash = strrchr(name, '/');
    if (!slash) return NULL;
    jv_pkg *p = jv_pkg_by_name(vm, name, (size_t)(slash - name));
    return p ? class_in(p, name, strlen(name)) : NULL;
}

jv_class *jv_class_of_code(jv_vm *vm, uint32_t code)
{
    uint32_t key = code >> 8, idx = code & 0xFF;
    for (jv_pkg *p = vm->pkgs; p; p = p->next)
        if (p->key == key) return idx < p->f->nclasses ? &p->classes[idx] : NULL;
    return NULL;
}

jv_method *jv_find_method(jv_class *c, uint32_t sel)
{
    for (; c; c = c->super)
        for (unsigned i = 0; i < c->jc->nmethods; i++)
            if (c->methods[i].sel == sel) return &c->methods[i];
    return NULL;
}

jv_method *jv_vt_lookup(jv_class *c, uint32_t sel)
{
    for (int i = (int)c->nvt - 1; i >= 0; i--)
        if (c->vt[i]->sel == sel) return c->vt[i];
    return NULL;
}

bool jv_subclass(const jv_class *c, const jv_class *of)
{
    for (; c; c = c->super)
        if (c == of) return true;
    return false;
}

bool jv_is_a(jv_class *c, jv_class *t)
{
    if (c == t) return true;
    if (t->is_iface) {
        for (unsigned i = 0; i < c->nifaces; i++)
            if (c->ifaces[i] == t) return true;
        return false;
    }
    return jv_subclass(c, t);
}

/* ---- linking ---- */

typedef struct {
    jv_vm *vm;
    jv_pkg *p;
    char *msg;
    size_t cap;
    uint8_t *state; /* per class: 0 not linked, 1 linking, 2 linked */
} lctx;

static jv_pkg *pkg_of_ref(jv_pkg *p, uint8_t k)
{
    return k == JCL_PKG_SELF ? p : p->imports[k - 1];
}

static uint16_t link_class(lctx *L, jv_class *c);

/* The class named by CLASS constant i (not an array), linked. */
static jv_class *const_class(lctx *L, uint16_t i, uint16_t *sw)
{
    const jcl_const *k = &L->p->f->consts[i];
    jv_pkg *q = pkg_of_ref(L->p, k->package);
    jv_class *c = class_in(q, k->name.p, k->name.len);
    if (!c) {
        jv_set_msg(L->msg, L->cap, "class %.*s not found in %.*s", k->name.len, k->name.p,
                   q->f->package.name.len, q->f->package.name.p);
        *sw = SW_REFERENCED_DATA_NOT_FOUND;
        return NULL;
    }
    if (q == L->p && (*sw = link_class(L, c))) return NULL;
    *sw = 0;
    return c;
}

static bool add_iface(jv_class *c, jv_class *i, unsigned cap)
{
    for (unsigned k = 0; k < c->nifaces; k++)
        if (c->ifaces[k] == i) return true;
    if (c->nifaces >= cap) return false;
    c->ifaces[c->nifaces++] = i;
    return true;
}

static bool name_is(const jv_class *c, const char *n)
{
    return jcl_str_eq(c->jc->name, n);
}

static uint8_t ret_of(jcl_str d)
{
    const char *r = memchr(d.p, ')', d.len);
    if (!r || r + 1 >= d.p + d.len) return 'V';
    char t = r[1];
    return t == 'V' ? 'V' : (t == 'L' || t == '[') ? 'L' : 'I';
}

static uint16_t link_methods(lctx *L, jv_class *c)
{
    const jcl_class *jc = c->jc;
    c->methods = calloc(jc->nmethods ? jc->nmethods : 1, sizeof *c->methods);
    if (!c->methods) return SW_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < jc->nmethods; i++) {
        const jcl_method *jm = &jc->methods[i];
        jv_method *m = &c->methods[i];
        m->cls = c;
        m->jm = jm;
        m->flags = jm->flags;
        m->nargs = (uint16_t)(jm->arg_slots + ((jm->flags & ACC_STATIC) ? 0 : 1));
        m->max_locals = jm->max_locals;
        m->max_stack = jm->max_stack;
        m->sel = jv_sel_intern(L->vm, jm->name.p, jm->name.len, jm->desc.p, jm->desc.len);
        if (!m->sel) return SW_NOT_ENOUGH_MEMORY;
        m->vindex = -1;
        m->ret = ret_of(jm->desc);
        {
            const char *r = memchr(jm->desc.p, ')', jm->desc.len);
            char t = r && r + 1 < jm->desc.p + jm->desc.len ? r[1] : 0;
            m->rnarrow = (uint8_t)(t == 'B' || t == 'S' || t == 'Z' ? t : 0);
        }
        m->code = jm->code;
        m->code_len = jm->code_len;
        if (jm->flags & ACC_NATIVE) {
            if (!L->p->rom) {
                jv_set_msg(L->msg, L->cap, "%.*s.%.*s%.*s: native method outside the API",
                           jc->name.len, jc->name.p, jm->name.len, jm->name.p, jm->desc.len,
                           jm->desc.p);
                return SW_WRONG_DATA;
            }
            for (const jv_native_def *n = jv_natives; n->cls; n++)
                if (jcl_str_eq(jc->name, n->cls) && jcl_str_eq(jm->name, n->name) &&
                    jcl_str_eq(jm->desc, n->desc)) {
                    m->native = n->fn;
                    break;
                }
            if (!m->native) {
                jv_set_msg(L->msg, L->cap, "%.*s.%.*s%.*s: native method not bound",
                           jc->name.len, jc->name.p, jm->name.len, jm->name.p, jm->desc.len,
                           jm->desc.p);
                return SW_WRONG_DATA;
            }
        }
    }
    if (c->is_iface) return 0;
    /* vtable: the superclass's, overridden or extended */
    unsigned cap = (c->super ? c->super->nvt : 0) + jc->nmethods;
    c->vt = calloc(cap ? cap : 1, sizeof *c->vt);
    if (!c->vt) return SW_NOT_ENOUGH_MEMORY;
    if (c->super) {
        memcpy(c->vt, c->super->vt, c->super->nvt * sizeof *c->vt);
        c->nvt = c->super->nvt;
    }
    for (unsigned i = 0; i < jc->nmethods; i++) {
        jv_method *m = &c->methods[i];
        if ((m->flags & (ACC_STATIC | ACC_PRIVATE)) || m->jm->name.p[0] == '<') continue;
        int slot = -1;
        for (unsigned k = 0; k < c->nvt; k++) {
            jv_method *sm = c->vt[k];
            if (sm->sel != m->sel) continue;
            if ((sm->flags & (ACC_PUBLIC | ACC_PROTECTED)) || sm->cls->pkg == c->pkg) {
                slot = (int)k;
                break;
            }
        }
        if (slot < 0) slot = c->nvt++;
        c->vt[slot] = m;
        m->vindex = slot;
    }
    return 0;
}

static uint16_t link_class(lctx *L, jv_class *c)
{
    unsigned ci = c->idx;
    if (L->state[ci] == 2) return 0;
    if (L->state[ci] == 1) {
        jv_set_msg(L->msg, L->cap, "class %.*s: circular superclass or interface",
                   c->jc->name.len, c->jc->name.p);
        return SW_WRONG_DATA;
    }
    L->state[ci] = 1;
    const jcl_class *jc = c->jc;
    uint16_t sw = 0;
    c->flags = jc->flags;
    c->is_iface = (jc->flags & ACC_INTERFACE) != 0;
    if (jc->super) {
        c->super = const_class(L, jc->super, &sw);
        if (!c->super) return sw;
        if (c->super->is_iface) {
            jv_set_msg(L->msg, L->cap, "class %.*s: superclass is an interface", jc->name.len,
                       jc->name.p);
            return SW_WRONG_DATA;
        }
    }
    /* interfaces, transitively */
    unsigned cap = (c->super ? c->super->nifaces : 0) + jc->ninterfaces;
    jv_class **direct = calloc(jc->ninterfaces ? jc->ninterfaces : 1, sizeof *direct);
    if (!direct) return SW_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < jc->ninterfaces; i++) {
        direct[i] = const_class(L, jc->interfaces[i], &sw);
        if (!direct[i]) {
            free(direct);
            return sw;
        }
        if (!direct[i]->is_iface) {
            free(direct);
            jv_set_msg(L->msg, L->cap, "class %.*s: implements a class", jc->name.len,
                       jc->name.p);
            return SW_WRONG_DATA;
        }
        cap += 1u + direct[i]->nifaces;
    }
    c->ifaces = calloc(cap ? cap : 1, sizeof *c->ifaces);
    if (!c->ifaces) {
        free(direct);
        return SW_NOT_ENOUGH_MEMORY;
    }
    if (c->super)
        for (unsigned i = 0; i < c->super->nifaces; i++) add_iface(c, c->super->ifaces[i], cap);
    for (unsigned i = 0; i < jc->ninterfaces; i++) {
        add_iface(c, direct[i], cap);
        for (unsigned k = 0; k < direct[i]->nifaces; k++) add_iface(c, direct[i]->ifaces[k], cap);
    }
    free(direct);
    for (unsigned i = 0; i < c->nifaces; i++) {
        jv_class *f = c->ifaces[i];
        if (name_is(f, "javacard/framework/Shareable")) c->shareable = true;
        if (name_is(f, "javacard/framework/MultiSelectable")) c->multisel = true;
        if (name_is(f, "javacard/framework/AppletEvent")) c->applet_event = true;
        if (name_is(f, "javacardx/apdu/ExtendedLength")) c->ext_length = true;
    }
    /* fields */
    c->field_slot = calloc(jc->nfields ? jc->nfields : 1, sizeof *c->field_slot);
    if (!c->field_slot) return SW_NOT_ENOUGH_MEMORY;
    c->inst_base = c->super ? c->super->ninst : 0;
    unsigned n = c->inst_base;
    for (unsigned i = 0; i < jc->nfields; i++) {
        if (jc->fields[i].flags & ACC_STATIC) {
            c->field_slot[i] = L->p->nstatics++;
        } else {
            if (n >= 0xFFFF) return SW_WRONG_DATA;
            c->field_slot[i] = (uint16_t)n++;
        }
    }
    c->ninst = (uint16_t)n;
    if ((sw = link_methods(L, c))) return sw;
    c->linked = true;
    L->state[ci] = 2;
    return 0;
}

/* Field lookup (JVMS §5.4.3.2). */
static bool find_field(jv_class *c, jcl_str name, jcl_str desc, jv_class **decl, unsigned *fi)
{
    for (; c; c = c->super) {
        for (unsigned i = 0; i < c->jc->nfields; i++) {
            const jcl_field *f = &c->jc->fields[i];
            if (f->name.len == name.len && f->desc.len == desc.len &&
                !memcmp(f->name.p, name.p, name.len) && !memcmp(f->desc.p, desc.p, desc.len)) {
                *decl = c;
                *fi = i;
                return true;
            }
        }
        for (unsigned k = 0; k < c->nifaces; k++) {
            jv_class *ic = c->ifaces[k];
            for (unsigned i = 0; i < ic->jc->nfields; i++) {
                const jcl_field *f = &ic->jc->fields[i];
                if (f->name.len == name.len && f->desc.len == desc.len &&
                    !memcmp(f->name.p, name.p, name.len) &&
                    !memcmp(f->desc.p, desc.p, desc.len)) {
                    *decl = ic;
                    *fi = i;
                    return true;
                }
            }
        }
    }
    return false;
}

static jv_method *find_iface_method(jv_class *c, uint32_t sel)
{
    for (unsigned i = 0; i < c->nifaces; i++) {
        jv_class *ic = c->ifaces[i];
        for (unsigned k = 0; k < ic->jc->nmethods; k++)
            if (ic->methods[k].sel == sel) return &ic->methods[k];
    }
    return NULL;
}

static uint16_t resolve_consts(lctx *L)
{
    jv_pkg *p = L->p;
    const jcl_file *f = p->f;
    p->cref = calloc((size_t)f->nconsts + 1, sizeof *p->cref);
    if (!p->cref) return SW_NOT_ENOUGH_MEMORY;
    uint16_t sw = 0;
    for (unsigned i = 1; i <= f->nconsts; i++) {
        const jcl_const *k = &f->consts[i];
        jv_cref *r = &p->cref[i];
        r->kind = k->kind;
        switch (k->kind) {
        case JCL_CONST_INT:
            r->value = k->value;
            break;
        case JCL_CONST_CLASS:
            if (k->name.p[0] == '[') {
                if (k->name.len < 2) return SW_WRONG_DATA;
                switch (k->name.p[1]) {
                case 'Z': r->arr = JV_K_BOOL; break;
                case 'B': r->arr = JV_K_BYTE; break;
                case 'S': r->arr = JV_K_SHORT; break;
                case 'I': r->arr = JV_K_INT; break;
                case 'L': {
                    r->arr = JV_K_REF;
                    jv_pkg *q = pkg_of_ref(p, k->package);
                    if (k->name.len < 4) return SW_WRONG_DATA;
                    r->cls = class_in(q, k->name.p + 2, k->name.len - 3u);
                    if (!r->cls) {
                        jv_set_msg(L->msg, L->cap, "array class %.*s: element not found",
                                   k->name.len, k->name.p);
                        return SW_REFERENCED_DATA_NOT_FOUND;
                    }
                    break;
                }
                default:
                    jv_set_msg(L->msg, L->cap, "array class %.*s not supported", k->name.len,
                               k->name.p);
                    return SW_WRONG_DATA;
                }
            } else {
                r->cls = const_class(L, (uint16_t)i, &sw);
                if (!r->cls) return sw;
            }
            break;
        case JCL_CONST_FIELD: {
            const jcl_const *ck = &f->consts[k->class_index];
            if (ck->kind != JCL_CONST_CLASS || ck->name.p[0] == '[') return SW_WRONG_DATA;
            jv_class *c = const_class(L, k->class_index, &sw);
            if (!c) return sw;
            jv_class *d;
            unsigned fi;
            if (!find_field(c, k->name, k->desc, &d, &fi)) {
                jv_set_msg(L->msg, L->cap, "field %.*s.%.*s:%.*s not found", c->jc->name.len,
                           c->jc->name.p, k->name.len, k->name.p, k->desc.len, k->desc.p);
                return SW_REFERENCED_DATA_NOT_FOUND;
            }
            r->cls = d;
            r->is_static = (d->jc->fields[fi].flags & ACC_STATIC) != 0;
            r->spkg = d->pkg;
            r->slot = d->field_slot[fi];
            r->ftype = (uint8_t)k->desc.p[0];
            break;
        }
        case JCL_CONST_METHOD:
        case JCL_CONST_IMETHOD: {
            const jcl_const *ck = &f->consts[k->class_index];
            if (ck->kind != JCL_CONST_CLASS || ck->name.p[0] == '[') return SW_WRONG_DATA;
            jv_class *c = const_class(L, k->class_index, &sw);
            if (!c) return sw;
            r->sel = jv_sel_intern(L->vm, k->name.p, k->name.len, k->desc.p, k->desc.len);
            if (!r->sel) return SW_NOT_ENOUGH_MEMORY;
            jv_method *m = NULL;
            if (k->kind == JCL_CONST_METHOD && c->is_iface) {
                jv_set_msg(L->msg, L->cap, "method ref on interface %.*s", c->jc->name.len,
                           c->jc->name.p);
                return SW_WRONG_DATA;
            }
            if (k->kind == JCL_CONST_IMETHOD && !c->is_iface) {
                jv_set_msg(L->msg, L->cap, "interface method ref on class %.*s", c->jc->name.len,
                           c->jc->name.p);
                return SW_WRONG_DATA;
            }
            if (k->kind == JCL_CONST_METHOD) {
                m = jv_find_method(c, r->sel);
                if (!m) m = find_iface_method(c, r->sel);
            } else {
                for (unsigned q = 0; q < c->jc->nmethods && !m; q++)
                    if (c->methods[q].sel == r->sel) m = &c->methods[q];
                if (!m) m = find_iface_method(c, r->sel);
                if (!m && L->vm->c_object) m = jv_find_method(L->vm->c_object, r->sel);
            }
            if (!m) {
                jv_set_msg(L->msg, L->cap, "method %.*s.%.*s%.*s not found", c->jc->name.len,
                           c->jc->name.p, k->name.len, k->name.p, k->desc.len, k->desc.p);
                return SW_REFERENCED_DATA_NOT_FOUND;
            }
            r->cls = c;
            r->m = m;
            break;
        }
        default:
            return SW_WRONG_DATA;
        }
    }
    return 0;
}

uint16_t jv_link(jv_vm *vm, jv_pkg *p, char *msg, size_t cap)
{
    const jcl_file *f = p->f;
    p->classes = calloc(f->nclasses, sizeof *p->classes);
    uint8_t *state = calloc(f->nclasses, 1);
    if (!p->classes || !state) {
        free(state);
        return SW_NOT_ENOUGH_MEMORY;
    }
    for (unsigned i = 0; i < f->nclasses; i++) {
        jv_class *c = &p->classes[i];
        c->pkg = p;
        c->idx = (uint8_t)i;
        c->jc = &f->classes[i];
        c->code = (p->key << 8) | i;
    }
    lctx L = {vm, p, msg, cap, state};
    uint16_t sw = 0;
    for (unsigned i = 0; i < f->nclasses && !sw; i++) sw = link_class(&L, &p->classes[i]);
    if (!sw) sw = resolve_consts(&L);
    free(state);
    if (!sw) {
        /* a concrete class must have code for every method of its vtable */
        for (unsigned i = 0; i < f->nclasses && !sw; i++) {
            jv_class *c = &p->classes[i];
            if (c->is_iface || (c->flags & ACC_ABSTRACT)) continue;
            for (unsigned k = 0; k < c->nvt; k++)
                if (!c->vt[k]->code && !c->vt[k]->native) {
                    const jcl_method *jm = c->vt[k]->jm;
                    jv_set_msg(msg, cap, "class %.*s does not implement %.*s%.*s",
                               c->jc->name.len, c->jc->name.p, jm->name.len, jm->name.p,
                               jm->desc.len, jm->desc.p);
                    sw = SW_WRONG_DATA;
                    break;
                }
        }
    }
    return sw;
}

void jv_pkg_free(jv_pkg *p)
{
    if (!p) return;
    if (p->classes) {
        for (unsigned i = 0; i < p->f->nclasses; i++) {
            jv_class *c = &p->classes[i];
            if (c->methods)
                for (unsigned k = 0; k < c->jc->nmethods; k++) jv_xcode_free(&c->methods[k]);
            free(c->methods);
            free(c->vt);
            free(c->ifaces);
            free(c->field_slot);
        }
    }
    free(p->classes);
    free(p->cref);
    free(p->imports);
    free(p->rom_statics);
    free(p->arena);
    if (!p->rom) free(p->bytes);
    free(p);
}
