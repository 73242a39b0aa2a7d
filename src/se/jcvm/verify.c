/*
 * The card's bytecode verifier (src/se/jcvm/verify.h): type checking by stack map frames, JVMS
 * SE 8 §4.10.1, over a load file that jcl_parse has checked structurally. docs/verifier.md lists
 * every rule with its JVMS section.
 *
 * One linear pass per method (JVMS §4.10.1.6, mergedCodeIsTypeSafe): the state before each
 * instruction is the frame listed at its pc (the incoming state must be assignable to it), or
 * the state the previous instruction left, or - after an unconditional transfer - nothing, which
 * is an error unless a frame is listed. Branch and handler targets are checked against their
 * listed frames, so no state is ever merged and nothing is iterated to a fixed point.
 *
 * Invariants: the state (locals, stack) lives in the caller's arena, sized by jcv_arena_bound;
 * nothing recurses on the input (class hierarchies are walked in bounded loops); every type name
 * points into the load file (a CLASS constant or a descriptor), so types are compared by bytes;
 * a per-method work budget bounds the time a hostile file can cost.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "se/jcvm/verify.h"
#include "seam/bytecode.h"

#define ACC_STATIC 0x0008
#define ACC_INTERFACE 0x0200

/* Verification types (the JVMS §4.10.1.2 hierarchy without long, float, double, returnAddress);
 * the tags are those of seam/jcl.h, VT_REF standing for JCL_TYPE_OBJECT. */
enum { VT_TOP = 0, VT_INT = 1, VT_NULL = 5, VT_UTHIS = 6, VT_REF = 7, VT_UNINIT = 8 };

/* A VT_REF is a class (dims 0, name) or an array of dims dimensions whose element is a class
 * (prim 0, name) or a primitive (prim 'B', 'S', 'I', 'Z' or 'C'). */
typedef struct {
    uint8_t tag;
    uint8_t dims;
    char prim;
    uint8_t len; /* of name */
    uint16_t pc; /* VT_UNINIT: pc of the `new` */
    const char *name;
} vt;

#define MAX_CHAIN 512          /* superclass steps before a hierarchy is called cyclic */
#define WORK_BUDGET (1u << 24) /* type comparisons per method */

typedef struct {
    bool is_interface;
    bool has_super;
    const char *super;
    size_t super_len;
} cinfo;

typedef struct {
    const jcl_file *f;
    const jcv_env *env;
    const jcl_class *cls;
    const jcl_method *m;
    uint32_t pc;
    bool in_method;
    char *msg;
    size_t cap;
    /* state before the current instruction */
    vt *locals, *stack;
    uint32_t sp;
    bool flag_uninit; /* JVMS flagThisUninit */
    bool live;        /* false after an unconditional transfer (afterGoto) */
    uint32_t ver;     /* bumped whenever locals or the flag change */
    uint32_t *hver;   /* per handler: ver at its last successful check */
    uint32_t work;
    bool is_init;
    vt this_type, ret;
    bool ret_void;
    char nbuf[256]; /* super name copied from env */
} vctx;

static const char OBJECT[] = "java/lang/Object";
static const char THROWABLE[] = "java/lang/Throwable";

/* ---- messages ------------------------------------------------------------------------------ */

static int prefix(vctx *c)
{
    if (!c->msg || !c->cap) return 0;
    if (!c->cls) return 0;
    if (!c->m) return snprintf(c->msg, c->cap, "%.*s: ", c->cls->name.len, c->cls->name.p);
    if (!c->in_method)
        return snprintf(c->msg, c->cap, "%.*s.%.*s%.*s: ", c->cls->name.len, c->cls->name.p,
                        c->m->name.len, c->m->name.p, c->m->desc.len, c->m->desc.p);
    return snprintf(c->msg, c->cap, "%.*s.%.*s%.*s pc %u: ", c->cls->name.len, c->cls->name.p,
                    c->m->name.len, c->m->name.p, c->m->desc.len, c->m->desc.p, c->pc);
}

__attribute__((format(printf, 3, 4))) static seam_err fail_e(vctx *c, seam_err e, const char *fmt,
                                                             ...)
{
    if (c->msg && c->cap) {
        int n = prefix(c);
        if (n < 0) n = 0;
        if ((size_t)n < c->cap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->msg + n, c->cap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return e;
}

#define fail(c, ...) fail_e((c), SEAM_E_FORMAT, __VA_ARGS__)
#define TRY(x)                                                                                     \
    do {                                                                                           \
        seam_err e_ = (x);                                                                         \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

/* Writes a readable form of t into buf ("int", "byte[]", "uninitialized(12)", "p/A"). */
static const char *tname(const vt *t, char *buf, size_t n)
{
    switch (t->tag) {
    case VT_TOP:
        return "top";
    case VT_INT:
        return "int";
    case VT_NULL:
        return "null";
    case VT_UTHIS:
        return "uninitializedThis";
    case VT_UNINIT:
        snprintf(buf, n, "uninitialized(%u)", t->pc);
        return buf;
    default:
        break;
    }
    const char *el = "?";
    switch (t->prim) {
    case 'B':
        el = "byte";
        break;
    case 'S':
        el = "short";
        break;
    case 'I':
        el = "int";
        break;
    case 'Z':
        el = "boolean";
        break;
    case 'C':
        el = "char";
        break;
    default:
        break;
    }
    if (t->prim)
        snprintf(buf, n, "%s", el);
    else
        snprintf(buf, n, "%.*s", t->len, t->name);
    size_t l = strlen(buf);
    for (unsigned i = 0; i < t->dims && l + 2 < n; i++, l += 2)
        memcpy(buf + l, "[]", 3);
    return buf;
}

static seam_err budget(vctx *c, uint32_t n)
{
    c->work += n;
    if (c->work > WORK_BUDGET) return fail(c, "verification work limit exceeded");
    return SEAM_OK;
}

/* ---- types from descriptors and constants --------------------------------------------------- */

static bool name_eq(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && memcmp(a, b, al) == 0;
}

static bool is_object(const vt *t)
{
    return t->tag == VT_REF && t->dims == 0 && !t->prim &&
           name_eq(t->name, t->len, OBJECT, sizeof OBJECT - 1);
}

static vt class_type(const char *name, size_t len)
{
    return (vt){.tag = VT_REF, .len = (uint8_t)len, .name = name};
}

/* One field type (JVMS §4.3.2) at d[*pos..len) into *out; boolean, byte, short, char and int are
 * all int on the stack (JVMS §4.10.1.2). False when malformed (the reader refuses those). */
static bool field_type(const char *d, size_t len, size_t *pos, vt *out)
{
    size_t i = *pos;
    unsigned dims = 0;
    while (i < len && d[i] == '[') {
        if (++dims > 255) return false;
        i++;
    }
    if (i >= len) return false;
    *out = (vt){.tag = VT_REF, .dims = (uint8_t)dims};
    switch (d[i]) {
    case 'B':
    case 'S':
    case 'I':
    case 'Z':
    case 'C':
        if (dims == 0)
            out->tag = VT_INT;
        else
            out->prim = d[i];
        *pos = i + 1;
        return true;
    case 'L': {
        const char *semi = memchr(d + i + 1, ';', len - i - 1);
        if (!semi || semi == d + i + 1 || semi - (d + i + 1) > 255) return false;
        out->name = d + i + 1;
        out->len = (uint8_t)(semi - (d + i + 1));
        *pos = (size_t)(semi - d) + 1;
        return true;
    }
    default:
        return false;
    }
}

/* The type a CLASS constant names (a class or an array class). */
static seam_err const_class(vctx *c, uint32_t idx, vt *out)
{
    if (idx == 0 || idx > c->f->nconsts || c->f->consts[idx].kind != JCL_CONST_CLASS)
        return fail(c, "constant %u is not a CLASS entry", idx);
    jcl_str n = c->f->consts[idx].name;
    if (n.p[0] != '[') {
        *out = class_type(n.p, n.len);
        return SEAM_OK;
    }
    size_t pos = 0;
    if (!field_type(n.p, n.len, &pos, out) || pos != n.len || out->tag != VT_REF)
        return fail(c, "constant %u: bad array class %.*s", idx, n.len, n.p);
    return SEAM_OK;
}

/* A constant of the given kind (FIELD, METHOD, IMETHOD). */
static seam_err const_member(vctx *c, uint32_t idx, uint8_t kind, const jcl_const **out)
{
    if (idx == 0 || idx > c->f->nconsts || c->f->consts[idx].kind != kind)
        return fail(c, "constant %u is not of kind %u", idx, kind);
    *out = &c->f->consts[idx];
    return SEAM_OK;
}

/* ---- class hierarchy ------------------------------------------------------------------------ */

/* What is known of the class name[0..len): from this package's CLASSES, else from env. */
static seam_err lookup(vctx *c, const char *name, size_t len, cinfo *out)
{
    const jcl_file *f = c->f;
    for (unsigned i = 0; i < f->nclasses; i++) {
        const jcl_class *k = &f->classes[i];
        if (!name_eq(k->name.p, k->name.len, name, len)) continue;
        out->is_interface = (k->flags & ACC_INTERFACE) != 0;
        out->has_super = k->super != 0;
        out->super = NULL;
        out->super_len = 0;
        if (k->super) {
            if (k->super > f->nconsts || f->consts[k->super].kind != JCL_CONST_CLASS ||
                f->consts[k->super].name.p[0] == '[')
                return fail(c, "class %.*s: super is not a class", (int)len, name);
            out->super = f->consts[k->super].name.p;
            out->super_len = f->consts[k->super].name.len;
        }
        return SEAM_OK;
    }
    jcv_class_info ci;
    memset(&ci, 0, sizeof ci);
    seam_err e = c->env && c->env->class_info ? c->env->class_info(c->env->ctx, name, len, &ci)
                                              : SEAM_E_NOT_FOUND;
    if (e != SEAM_OK) return fail_e(c, SEAM_E_NOT_FOUND, "class %.*s is unknown", (int)len, name);
    out->is_interface = ci.is_interface;
    out->has_super = ci.has_super;
    out->super = NULL;
    out->super_len = 0;
    if (ci.has_super) {
        if (!ci.super_name || ci.super_len == 0 || ci.super_len > sizeof c->nbuf)
            return fail(c, "class %.*s: bad superclass name", (int)len, name);
        memcpy(c->nbuf, ci.super_name, ci.super_len);
        out->super = c->nbuf;
        out->super_len = ci.super_len;
    }
    return SEAM_OK;
}

/* Walks the superclass chain of from (JVMS §4.10.1.2 isJavaSubclassOf); *found tells whether
 * to (when not NULL) is on it, above from. Ends with an error on a chain longer than MAX_CHAIN
 * (a cycle) or a class env does not know. */
static seam_err chain_has(vctx *c, const char *from, size_t fl, const char *to, size_t tl,
                          bool *found)
{
    /* names from env live in c->nbuf, so the current name is copied before the next lookup */
    char cur[256];
    size_t cl = fl;
    *found = false;
    if (cl > sizeof cur) return fail(c, "class name too long");
    memcpy(cur, from, cl);
    for (unsigned steps = 0;; steps++) {
        if (steps > MAX_CHAIN) return fail(c, "class hierarchy of %.*s is cyclic", (int)fl, from);
        TRY(budget(c, 1));
        cinfo ci = {0};
        TRY(lookup(c, cur, cl, &ci));
        if (!ci.has_super) return SEAM_OK;
        if (to && name_eq(ci.super, ci.super_len, to, tl)) {
            *found = true;
            return SEAM_OK;
        }
        cl = ci.super_len;
        memmove(cur, ci.super, cl);
    }
}

/* isJavaAssignable between two class names (JVMS §4.10.1.2): the same class, java/lang/Object,
 * an interface (treated as Object), or a superclass of from. */
static seam_err class_assignable(vctx *c, const char *from, size_t fl, const char *to, size_t tl,
                                 bool *ok)
{
    *ok = true;
    if (name_eq(from, fl, to, tl) || name_eq(to, tl, OBJECT, sizeof OBJECT - 1)) return SEAM_OK;
    TRY(chain_has(c, from, fl, to, tl, ok));
    if (*ok) return SEAM_OK;
    cinfo ti;
    TRY(lookup(c, to, tl, &ti));
    *ok = ti.is_interface;
    return SEAM_OK;
}

/* isAssignable(from, to) of JVMS §4.10.1.2 for the Java Card types. */
static seam_err assignable(vctx *c, const vt *from, const vt *to, bool *ok)
{
    *ok = false;
    TRY(budget(c, 1));
    switch (to->tag) {
    case VT_TOP:
        *ok = true;
        return SEAM_OK;
    case VT_INT:
    case VT_NULL:
    case VT_UTHIS:
        *ok = from->tag == to->tag;
        return SEAM_OK;
    case VT_UNINIT:
        *ok = from->tag == VT_UNINIT && from->pc == to->pc;
        return SEAM_OK;
    default:
        break;
    }
    if (from->tag == VT_NULL) {
        *ok = true;
        return SEAM_OK;
    }
    if (from->tag != VT_REF) return SEAM_OK;
    if (is_object(to)) {
        *ok = true;
        return SEAM_OK;
    }
    if (from->dims < to->dims) return SEAM_OK;
    unsigned fd = from->dims - to->dims; /* from's dimensions once to's are stripped */
    if (to->prim) {
        *ok = fd == 0 && from->prim == to->prim;
        return SEAM_OK;
    }
    /* to (stripped) is a class: only Object takes arrays (JVMS: and the array interfaces,
     * which Java Card has none of); a primitive array element matches no class */
    if (fd > 0 || from->prim) return SEAM_OK;
    return class_assignable(c, from->name, from->len, to->name, to->len, ok);
}

/* ---- frames --------------------------------------------------------------------------------- */

static seam_err frame_type(vctx *c, const jcl_type *t, vt *out)
{
    switch (t->tag) {
    case JCL_TYPE_TOP:
    case JCL_TYPE_INT:
    case JCL_TYPE_NULL:
    case JCL_TYPE_UNINIT_THIS:
        *out = (vt){.tag = t->tag};
        return SEAM_OK;
    case JCL_TYPE_OBJECT:
        return const_class(c, t->value, out);
    case JCL_TYPE_UNINIT:
        if (t->value >= c->m->code_len || c->m->code[t->value] != BC_NEW)
            return fail(c, "uninitialized(%u) does not name a new", t->value);
        *out = (vt){.tag = VT_UNINIT, .pc = t->value};
        return SEAM_OK;
    default:
        return fail(c, "unknown frame type tag %u", t->tag);
    }
}

static bool frame_flag(const jcl_frame *fr)
{
    for (unsigned i = 0; i < fr->nlocals; i++)
        if (fr->locals[i].tag == JCL_TYPE_UNINIT_THIS) return true;
    return false;
}

static const jcl_frame *frame_at(const jcl_method *m, uint32_t pc)
{
    uint32_t lo = 0, hi = m->nframes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->frames[mid].pc == pc) return &m->frames[mid];
        if (m->frames[mid].pc < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static seam_err mismatch(vctx *c, const char *what, uint32_t target, const char *part, unsigned i,
                         const vt *from, const vt *to)
{
    char a[300], b[300];
    return fail(c, "%s: frame at pc %u: %s %u: %s is not assignable to %s", what, target, part, i,
                tname(from, a, sizeof a), tname(to, b, sizeof b));
}

/* Locals and flag of the current state assignable to frame fr (JVMS §4.10.1.4,
 * frameIsAssignable); with_stack also compares the operand stack, else the stack is taken to be
 * the one element *exc (a handler's). */
static seam_err to_frame(vctx *c, const jcl_frame *fr, bool with_stack, const char *what)
{
    bool ok;
    vt t;
    if (with_stack) {
        if (c->sp != fr->nstack)
            return fail(c, "%s: frame at pc %u has %u stack entries, the state %u", what, fr->pc,
                        fr->nstack, c->sp);
        TRY(budget(c, fr->nstack));
        for (unsigned i = 0; i < fr->nstack; i++) {
            TRY(frame_type(c, &fr->stack[i], &t));
            TRY(assignable(c, &c->stack[i], &t, &ok));
            if (!ok) return mismatch(c, what, fr->pc, "stack", i, &c->stack[i], &t);
        }
    }
    TRY(budget(c, c->m->max_locals));
    for (unsigned i = 0; i < c->m->max_locals; i++) {
        if (i >= fr->nlocals)
            t = (vt){.tag = VT_TOP};
        else
            TRY(frame_type(c, &fr->locals[i], &t));
        if (t.tag == VT_TOP) continue;
        TRY(assignable(c, &c->locals[i], &t, &ok));
        if (!ok) return mismatch(c, what, fr->pc, "local", i, &c->locals[i], &t);
    }
    if (c->flag_uninit && !frame_flag(fr))
        return fail(c, "%s: frame at pc %u: this is initialized there but not here", what, fr->pc);
    return SEAM_OK;
}

static seam_err load_frame(vctx *c, const jcl_frame *fr)
{
    TRY(budget(c, c->m->max_locals + fr->nstack));
    for (unsigned i = 0; i < c->m->max_locals; i++) {
        if (i >= fr->nlocals)
            c->locals[i] = (vt){.tag = VT_TOP};
        else
            TRY(frame_type(c, &fr->locals[i], &c->locals[i]));
    }
    for (unsigned i = 0; i < fr->nstack; i++)
        TRY(frame_type(c, &fr->stack[i], &c->stack[i]));
    c->sp = fr->nstack;
    c->flag_uninit = frame_flag(fr);
    c->live = true;
    c->ver++;
    return SEAM_OK;
}

/* A branch to target: a frame must be listed there and the state must be assignable to it
 * (JVMS §4.10.1.4 targetIsTypeSafe). */
static seam_err branch(vctx *c, int64_t target)
{
    if (target < 0 || target >= c->m->code_len)
        return fail(c, "branch target %lld outside the code", (long long)target);
    const jcl_frame *fr = frame_at(c->m, (uint32_t)target);
    if (!fr) return fail(c, "branch target pc %lld has no stack map frame", (long long)target);
    return to_frame(c, fr, true, "branch");
}

/* Static checks of handler h (JVMS §4.10.1.6): a frame at handler_pc whose stack is one
 * element the catch type is assignable to; the catch type a Throwable. */
static seam_err handler_static(vctx *c, const jcl_handler *h)
{
    vt ex = class_type(THROWABLE, sizeof THROWABLE - 1), thr = ex, t;
    bool ok;
    if (h->catch_type) {
        TRY(const_class(c, h->catch_type, &ex));
        TRY(assignable(c, &ex, &thr, &ok));
        if (!ok)
            return fail(c, "handler at pc %u: catch type %.*s is not a Throwable", h->handler_pc,
                        ex.len, ex.name);
    }
    const jcl_frame *fr = frame_at(c->m, h->handler_pc);
    if (!fr) return fail(c, "handler at pc %u has no stack map frame", h->handler_pc);
    if (fr->nstack != 1)
        return fail(c, "handler at pc %u: frame stack has %u entries, not 1", h->handler_pc,
                    fr->nstack);
    TRY(frame_type(c, &fr->stack[0], &t));
    TRY(assignable(c, &ex, &t, &ok));
    if (!ok) return mismatch(c, "handler", h->handler_pc, "stack", 0, &ex, &t);
    return SEAM_OK;
}

/* The handlers covering c->pc: the locals and flag before the instruction must be assignable to
 * each handler's frame (JVMS §4.10.1.6 instructionSatisfiesHandlers). */
static seam_err handlers(vctx *c)
{
    const jcl_method *m = c->m;
    for (unsigned i = 0; i < m->nhandlers; i++) {
        const jcl_handler *h = &m->handlers[i];
        if (c->pc < h->start_pc || c->pc >= h->end_pc || c->hver[i] == c->ver) continue;
        const jcl_frame *fr = frame_at(m, h->handler_pc);
        if (!fr) return fail(c, "handler at pc %u has no stack map frame", h->handler_pc);
        TRY(to_frame(c, fr, false, "exception handler"));
        c->hver[i] = c->ver;
    }
    return SEAM_OK;
}

/* ---- stack and locals ----------------------------------------------------------------------- */

static seam_err push(vctx *c, vt t)
{
    if (c->sp >= c->m->max_stack) return fail(c, "stack overflow (max_stack %u)", c->m->max_stack);
    c->stack[c->sp++] = t;
    return SEAM_OK;
}

static seam_err pop(vctx *c, vt *out)
{
    if (c->sp == 0) return fail(c, "stack underflow");
    *out = c->stack[--c->sp];
    return SEAM_OK;
}

static seam_err pop_int(vctx *c)
{
    vt t;
    char b[300];
    TRY(pop(c, &t));
    if (t.tag != VT_INT) return fail(c, "expected int on the stack, found %s", tname(&t, b, 300));
    return SEAM_OK;
}

/* A reference of JVMS's `reference` type: initialized, null or uninitialized. */
static seam_err pop_reference(vctx *c, vt *out)
{
    char b[300];
    TRY(pop(c, out));
    if (out->tag != VT_REF && out->tag != VT_NULL && out->tag != VT_UNINIT && out->tag != VT_UTHIS)
        return fail(c, "expected a reference on the stack, found %s", tname(out, b, 300));
    return SEAM_OK;
}

/* An initialized reference or null (assignable to java/lang/Object). */
static seam_err pop_object(vctx *c, vt *out)
{
    char b[300];
    TRY(pop(c, out));
    if (out->tag != VT_REF && out->tag != VT_NULL)
        return fail(c, "expected an initialized reference on the stack, found %s",
                    tname(out, b, 300));
    return SEAM_OK;
}

static seam_err pop_to(vctx *c, const vt *to, const char *what)
{
    vt t;
    bool ok;
    char a[300], b[300];
    TRY(pop(c, &t));
    TRY(assignable(c, &t, to, &ok));
    if (!ok)
        return fail(c, "%s: %s is not assignable to %s", what, tname(&t, a, 300),
                    tname(to, b, 300));
    return SEAM_OK;
}

static seam_err check_value(vctx *c, const vt *t, const vt *to, const char *what)
{
    bool ok;
    char a[300], b[300];
    TRY(assignable(c, t, to, &ok));
    if (!ok)
        return fail(c, "%s: %s is not assignable to %s", what, tname(t, a, 300), tname(to, b, 300));
    return SEAM_OK;
}

static seam_err local_index(vctx *c, uint32_t i)
{
    if (i >= c->m->max_locals)
        return fail(c, "local %u is not below max_locals %u", i, c->m->max_locals);
    return SEAM_OK;
}

static seam_err load_int(vctx *c, uint32_t i)
{
    char b[300];
    TRY(local_index(c, i));
    if (c->locals[i].tag != VT_INT)
        return fail(c, "iload of local %u, which holds %s", i, tname(&c->locals[i], b, 300));
    return push(c, (vt){.tag = VT_INT});
}

static seam_err load_ref(vctx *c, uint32_t i)
{
    char b[300];
    TRY(local_index(c, i));
    uint8_t g = c->locals[i].tag;
    if (g != VT_REF && g != VT_NULL && g != VT_UNINIT && g != VT_UTHIS)
        return fail(c, "aload of local %u, which holds %s", i, tname(&c->locals[i], b, 300));
    return push(c, c->locals[i]);
}

static seam_err store(vctx *c, uint32_t i, bool ref)
{
    vt t;
    TRY(local_index(c, i));
    if (ref)
        TRY(pop_reference(c, &t));
    else {
        TRY(pop_int(c));
        t = (vt){.tag = VT_INT};
    }
    c->locals[i] = t;
    c->ver++;
    return SEAM_OK;
}

/* ---- instructions --------------------------------------------------------------------------- */

/* xaload/xastore on a primitive array: the array must be null or an array of one of el[]. */
static seam_err prim_array(vctx *c, const char *el, const char *op)
{
    vt a = {0};
    char b[300];
    TRY(pop(c, &a));
    if (a.tag == VT_NULL) return SEAM_OK;
    if (a.tag == VT_REF && a.dims == 1 && a.prim && strchr(el, a.prim)) return SEAM_OK;
    return fail(c, "%s on %s", op, tname(&a, b, 300));
}

static seam_err field_insn(vctx *c, const bc_insn *in)
{
    const jcl_const *fc = NULL;
    TRY(const_member(c, seam_be16(in->operands), JCL_CONST_FIELD, &fc));
    vt ft, owner;
    size_t pos = 0;
    if (!field_type(fc->desc.p, fc->desc.len, &pos, &ft) || pos != fc->desc.len)
        return fail(c, "bad field descriptor");
    TRY(const_class(c, fc->class_index, &owner));
    switch (in->opcode) {
    case BC_GETSTATIC:
        return push(c, ft);
    case BC_PUTSTATIC:
        return pop_to(c, &ft, "putstatic value");
    case BC_GETFIELD:
        TRY(pop_to(c, &owner, "getfield receiver"));
        return push(c, ft);
    default: {
        vt r;
        TRY(pop_to(c, &ft, "putfield value"));
        TRY(pop(c, &r));
        /* JVMS §4.10.1.9 putfield: a constructor may set its own class's fields before it
         * calls super's <init> */
        if (r.tag == VT_UTHIS && c->is_init && owner.dims == 0 &&
            name_eq(owner.name, owner.len, c->cls->name.p, c->cls->name.len))
            return SEAM_OK;
        return check_value(c, &r, &owner, "putfield receiver");
    }
    }
}

/* Replaces every occurrence of the uninitialized type u by t, in stack and locals. */
static void initialize(vctx *c, const vt *u, const vt *t)
{
    for (unsigned i = 0; i < c->sp; i++)
        if (c->stack[i].tag == u->tag && (u->tag != VT_UNINIT || c->stack[i].pc == u->pc))
            c->stack[i] = *t;
    for (unsigned i = 0; i < c->m->max_locals; i++)
        if (c->locals[i].tag == u->tag && (u->tag != VT_UNINIT || c->locals[i].pc == u->pc))
            c->locals[i] = *t;
    c->ver++;
}

static seam_err invoke(vctx *c, const bc_insn *in)
{
    uint8_t op = in->opcode;
    const jcl_const *mc = NULL;
    TRY(const_member(c, seam_be16(in->operands),
                     op == BC_INVOKEINTERFACE ? JCL_CONST_IMETHOD : JCL_CONST_METHOD, &mc));
    vt owner;
    TRY(const_class(c, mc->class_index, &owner));
    if (owner.dims) return fail(c, "%s on an array class", bc_opcode_name(op));
    const char *d = mc->desc.p;
    size_t len = mc->desc.len, pos = 1;
    if (len < 3 || d[0] != '(') return fail(c, "bad method descriptor");
    unsigned nargs = 0;
    vt t;
    while (pos < len && d[pos] != ')') {
        if (!field_type(d, len, &pos, &t)) return fail(c, "bad method descriptor");
        nargs++;
    }
    if (pos >= len) return fail(c, "bad method descriptor");
    bool has_recv = op != BC_INVOKESTATIC;
    if (c->sp < nargs + (has_recv ? 1u : 0u))
        return fail(c, "stack underflow (%s of %.*s%.*s)", bc_opcode_name(op), mc->name.len,
                    mc->name.p, mc->desc.len, mc->desc.p);
    /* arguments, in order, from the stack below the top */
    uint32_t base = c->sp - nargs;
    pos = 1;
    for (unsigned k = 0; k < nargs; k++) {
        (void)field_type(d, len, &pos, &t);
        char what[48];
        snprintf(what, sizeof what, "argument %u", k + 1);
        TRY(check_value(c, &c->stack[base + k], &t, what));
    }
    c->sp = base;
    pos++; /* ')' */
    bool is_void = pos < len && d[pos] == 'V';
    vt rt = {0};
    if (!is_void && (!field_type(d, len, &pos, &rt) || pos != len))
        return fail(c, "bad method descriptor");
    bool is_init = jcl_str_eq(mc->name, "<init>");
    if (has_recv) {
        vt r;
        TRY(pop(c, &r));
        if (op == BC_INVOKESPECIAL && is_init) {
            char b[300];
            if (!is_void) return fail(c, "<init> must return void");
            vt init;
            if (r.tag == VT_UTHIS) {
                /* JVMS §4.10.1.9 invokespecial: this class's or the direct superclass's <init> */
                bool own = name_eq(owner.name, owner.len, c->cls->name.p, c->cls->name.len);
                const jcl_const *sc = c->cls->super && c->cls->super <= c->f->nconsts
                                          ? &c->f->consts[c->cls->super]
                                          : NULL;
                bool sup = sc && name_eq(owner.name, owner.len, sc->name.p, sc->name.len);
                if (!own && !sup)
                    return fail(c,
                                "constructor calls <init> of %.*s, neither this class nor its "
                                "superclass",
                                owner.len, owner.name);
                init = c->this_type;
                c->flag_uninit = false;
            } else if (r.tag == VT_UNINIT) {
                vt nc;
                if (r.pc + 2u >= c->m->code_len || c->m->code[r.pc] != BC_NEW)
                    return fail(c, "uninitialized(%u) does not name a new", r.pc);
                TRY(const_class(c, seam_be16(c->m->code + r.pc + 1), &nc));
                if (nc.dims || !name_eq(nc.name, nc.len, owner.name, owner.len))
                    return fail(c, "<init> of %.*s on an object created as %.*s", owner.len,
                                owner.name, nc.len, nc.name);
                init = nc;
            } else {
                return fail(c, "<init> on %s, not an uninitialized object", tname(&r, b, 300));
            }
            initialize(c, &r, &init);
        } else if (op == BC_INVOKESPECIAL) {
            /* JVMS §4.10.1.9 invokespecial: a method of this class or a superclass, on an
             * object of this class */
            bool ok;
            TRY(class_assignable(c, c->cls->name.p, c->cls->name.len, owner.name, owner.len, &ok));
            if (!ok)
                return fail(c, "invokespecial of %.*s.%.*s, not this class or a superclass",
                            owner.len, owner.name, mc->name.len, mc->name.p);
            TRY(check_value(c, &r, &c->this_type, "invokespecial receiver"));
        } else {
            TRY(check_value(c, &r, &owner, "receiver"));
        }
    }
    if (!is_void) TRY(push(c, rt));
    return SEAM_OK;
}

static seam_err do_return(vctx *c, uint8_t op)
{
    c->live = false;
    if (op == BC_RETURN) {
        if (!c->ret_void) return fail(c, "return in a method that returns a value");
        if (c->flag_uninit)
            return fail(c, "constructor returns before calling super's or this's <init>");
        return SEAM_OK;
    }
    if (c->ret_void) return fail(c, "%s in a void method", bc_opcode_name(op));
    if (op == BC_IRETURN) {
        if (c->ret.tag != VT_INT) return fail(c, "ireturn in a method returning a reference");
        return pop_int(c);
    }
    if (c->ret.tag != VT_REF) return fail(c, "areturn in a method returning int");
    return pop_to(c, &c->ret, "areturn");
}

static seam_err insn(vctx *c, const bc_insn *in)
{
    uint8_t op = in->opcode;
    const uint8_t *q = in->operands;
    vt a, b, d, e;
    char nb[300];
    switch (op) {
    case BC_NOP:
        return SEAM_OK;
    case BC_ACONST_NULL:
        return push(c, (vt){.tag = VT_NULL});
    case BC_ICONST_M1:
    case BC_ICONST_0:
    case BC_ICONST_1:
    case BC_ICONST_2:
    case BC_ICONST_3:
    case BC_ICONST_4:
    case BC_ICONST_5:
    case BC_BIPUSH:
    case BC_SIPUSH:
        return push(c, (vt){.tag = VT_INT});
    case BC_LDC:
    case BC_LDC_W: {
        uint32_t i = op == BC_LDC ? q[0] : seam_be16(q);
        if (i == 0 || i > c->f->nconsts || c->f->consts[i].kind != JCL_CONST_INT)
            return fail(c, "ldc of constant %u, not an INT", i);
        return push(c, (vt){.tag = VT_INT});
    }
    case BC_ILOAD:
        return load_int(c, in->wide ? seam_be16(q) : q[0]);
    case BC_ILOAD_0:
    case BC_ILOAD_1:
    case BC_ILOAD_2:
    case BC_ILOAD_3:
        return load_int(c, (uint32_t)(op - BC_ILOAD_0));
    case BC_ALOAD:
        return load_ref(c, in->wide ? seam_be16(q) : q[0]);
    case BC_ALOAD_0:
    case BC_ALOAD_1:
    case BC_ALOAD_2:
    case BC_ALOAD_3:
        return load_ref(c, (uint32_t)(op - BC_ALOAD_0));
    case BC_ISTORE:
        return store(c, in->wide ? seam_be16(q) : q[0], false);
    case BC_ISTORE_0:
    case BC_ISTORE_1:
    case BC_ISTORE_2:
    case BC_ISTORE_3:
        return store(c, (uint32_t)(op - BC_ISTORE_0), false);
    case BC_ASTORE:
        return store(c, in->wide ? seam_be16(q) : q[0], true);
    case BC_ASTORE_0:
    case BC_ASTORE_1:
    case BC_ASTORE_2:
    case BC_ASTORE_3:
        return store(c, (uint32_t)(op - BC_ASTORE_0), true);
    case BC_IINC: {
        uint32_t i = in->wide ? seam_be16(q) : q[0];
        TRY(local_index(c, i));
        if (c->locals[i].tag != VT_INT)
            return fail(c, "iinc of local %u, which holds %s", i, tname(&c->locals[i], nb, 300));
        return SEAM_OK;
    }
    case BC_IALOAD:
    case BC_BALOAD:
    case BC_SALOAD:
        TRY(pop_int(c));
        TRY(prim_array(c,
                       op == BC_IALOAD   ? "I"
                       : op == BC_BALOAD ? "BZ"
                                         : "S",
                       bc_opcode_name(op)));
        return push(c, (vt){.tag = VT_INT});
    case BC_IASTORE:
    case BC_BASTORE:
    case BC_SASTORE:
        TRY(pop_int(c));
        TRY(pop_int(c));
        return prim_array(c,
                          op == BC_IASTORE   ? "I"
                          : op == BC_BASTORE ? "BZ"
                                             : "S",
                          bc_opcode_name(op));
    case BC_AALOAD:
        TRY(pop_int(c));
        TRY(pop(c, &a));
        if (a.tag == VT_NULL) return push(c, a);
        if (a.tag != VT_REF || a.dims == 0 || (a.dims == 1 && a.prim))
            return fail(c, "aaload on %s, not an array of references", tname(&a, nb, 300));
        a.dims--;
        return push(c, a);
    case BC_AASTORE:
        TRY(pop_object(c, &b));
        TRY(pop_int(c));
        TRY(pop(c, &a));
        if (a.tag == VT_NULL) return SEAM_OK;
        if (a.tag != VT_REF || a.dims == 0 || (a.dims == 1 && a.prim))
            return fail(c, "aastore on %s, not an array of references", tname(&a, nb, 300));
        /* the element type is checked at run time (JVMS §6.5.aastore) */
        return SEAM_OK;
    case BC_POP:
        return pop(c, &a);
    case BC_POP2:
        TRY(pop(c, &a));
        return pop(c, &a);
    case BC_DUP:
        TRY(pop(c, &a));
        TRY(push(c, a));
        return push(c, a);
    case BC_DUP_X1:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(push(c, a));
        TRY(push(c, b));
        return push(c, a);
    case BC_DUP_X2:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(pop(c, &d));
        TRY(push(c, a));
        TRY(push(c, d));
        TRY(push(c, b));
        return push(c, a);
    case BC_DUP2:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(push(c, b));
        TRY(push(c, a));
        TRY(push(c, b));
        return push(c, a);
    case BC_DUP2_X1:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(pop(c, &d));
        TRY(push(c, b));
        TRY(push(c, a));
        TRY(push(c, d));
        TRY(push(c, b));
        return push(c, a);
    case BC_DUP2_X2:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(pop(c, &d));
        TRY(pop(c, &e));
        TRY(push(c, b));
        TRY(push(c, a));
        TRY(push(c, e));
        TRY(push(c, d));
        TRY(push(c, b));
        return push(c, a);
    case BC_SWAP:
        TRY(pop(c, &a));
        TRY(pop(c, &b));
        TRY(push(c, a));
        return push(c, b);
    case BC_IADD:
    case BC_ISUB:
    case BC_IMUL:
    case BC_IDIV:
    case BC_IREM:
    case BC_ISHL:
    case BC_ISHR:
    case BC_IUSHR:
    case BC_IAND:
    case BC_IOR:
    case BC_IXOR:
        TRY(pop_int(c));
        TRY(pop_int(c));
        return push(c, (vt){.tag = VT_INT});
    case BC_INEG:
    case BC_I2B:
    case BC_I2C:
    case BC_I2S:
        TRY(pop_int(c));
        return push(c, (vt){.tag = VT_INT});
    case BC_IFEQ:
    case BC_IFNE:
    case BC_IFLT:
    case BC_IFGE:
    case BC_IFGT:
    case BC_IFLE:
        TRY(pop_int(c));
        return branch(c, bc_branch_target(in, 0));
    case BC_IF_ICMPEQ:
    case BC_IF_ICMPNE:
    case BC_IF_ICMPLT:
    case BC_IF_ICMPGE:
    case BC_IF_ICMPGT:
    case BC_IF_ICMPLE:
        TRY(pop_int(c));
        TRY(pop_int(c));
        return branch(c, bc_branch_target(in, 0));
    case BC_IF_ACMPEQ:
    case BC_IF_ACMPNE:
        TRY(pop_reference(c, &a));
        TRY(pop_reference(c, &a));
        return branch(c, bc_branch_target(in, 0));
    case BC_IFNULL:
    case BC_IFNONNULL:
        TRY(pop_reference(c, &a));
        return branch(c, bc_branch_target(in, 0));
    case BC_GOTO:
    case BC_GOTO_W:
        c->live = false;
        return branch(c, bc_branch_target(in, 0));
    case BC_TABLESWITCH:
    case BC_LOOKUPSWITCH: {
        TRY(pop_int(c));
        uint32_t n = bc_branch_count(in);
        c->live = false;
        for (uint32_t k = 0; k < n; k++)
            TRY(branch(c, bc_branch_target(in, k)));
        return SEAM_OK;
    }
    case BC_IRETURN:
    case BC_ARETURN:
    case BC_RETURN:
        return do_return(c, op);
    case BC_GETSTATIC:
    case BC_PUTSTATIC:
    case BC_GETFIELD:
    case BC_PUTFIELD:
        return field_insn(c, in);
    case BC_INVOKEVIRTUAL:
    case BC_INVOKESPECIAL:
    case BC_INVOKESTATIC:
    case BC_INVOKEINTERFACE:
        return invoke(c, in);
    case BC_NEW: {
        TRY(const_class(c, seam_be16(q), &a));
        if (a.dims) return fail(c, "new of an array class");
        for (unsigned i = 0; i < c->sp; i++)
            if (c->stack[i].tag == VT_UNINIT && c->stack[i].pc == in->pc)
                return fail(c, "new: the stack already holds uninitialized(%u)", in->pc);
        for (unsigned i = 0; i < c->m->max_locals; i++)
            if (c->locals[i].tag == VT_UNINIT && c->locals[i].pc == in->pc) {
                c->locals[i] = (vt){.tag = VT_TOP};
                c->ver++;
            }
        return push(c, (vt){.tag = VT_UNINIT, .pc = (uint16_t)in->pc});
    }
    case BC_NEWARRAY: {
        char el;
        switch (q[0]) {
        case BC_T_BOOLEAN:
            el = 'Z';
            break;
        case BC_T_BYTE:
            el = 'B';
            break;
        case BC_T_SHORT:
            el = 'S';
            break;
        case BC_T_INT:
            el = 'I';
            break;
        default:
            return fail(c, "newarray of type %u is not in the Java Card subset", q[0]);
        }
        TRY(pop_int(c));
        return push(c, (vt){.tag = VT_REF, .dims = 1, .prim = el});
    }
    case BC_ANEWARRAY:
        TRY(const_class(c, seam_be16(q), &a));
        if (a.dims) return fail(c, "anewarray of an array class (no multi-dimensional arrays)");
        TRY(pop_int(c));
        a.dims = 1;
        return push(c, a);
    case BC_ARRAYLENGTH:
        TRY(pop(c, &a));
        if (a.tag != VT_NULL && (a.tag != VT_REF || a.dims == 0))
            return fail(c, "arraylength on %s, not an array", tname(&a, nb, 300));
        return push(c, (vt){.tag = VT_INT});
    case BC_ATHROW: {
        vt thr = class_type(THROWABLE, sizeof THROWABLE - 1);
        c->live = false;
        return pop_to(c, &thr, "athrow");
    }
    case BC_CHECKCAST:
    case BC_INSTANCEOF:
        TRY(const_class(c, seam_be16(q), &a));
        TRY(pop_object(c, &b));
        return push(c, op == BC_CHECKCAST ? a : (vt){.tag = VT_INT});
    default:
        return fail(c, "%s is not in the Java Card subset",
                    bc_opcode_name(op) ? bc_opcode_name(op) : "unknown opcode");
    }
}

/* ---- methods -------------------------------------------------------------------------------- */

/* The implicit initial frame (JVMS §4.10.1.6 methodInitialStackFrame) and the return type. */
static seam_err initial(vctx *c)
{
    const jcl_method *m = c->m;
    for (unsigned i = 0; i < m->max_locals; i++)
        c->locals[i] = (vt){.tag = VT_TOP};
    c->sp = 0;
    c->flag_uninit = false;
    c->live = true;
    c->ver = 1;
    c->work = 0;
    unsigned n = 0;
    if (c->is_init && (m->flags & ACC_STATIC)) return fail(c, "static <init>");
    if (!(m->flags & ACC_STATIC)) {
        if (m->max_locals < 1) return fail(c, "max_locals cannot hold this");
        bool obj = jcl_str_eq(c->cls->name, OBJECT);
        if (c->is_init && !obj) {
            c->locals[0] = (vt){.tag = VT_UTHIS};
            c->flag_uninit = true;
        } else {
            c->locals[0] = c->this_type;
        }
        n = 1;
    }
    const char *d = m->desc.p;
    size_t len = m->desc.len, pos = 1;
    if (len < 3 || d[0] != '(') return fail(c, "bad method descriptor");
    while (pos < len && d[pos] != ')') {
        vt t;
        if (!field_type(d, len, &pos, &t)) return fail(c, "bad method descriptor");
        if (n >= m->max_locals) return fail(c, "max_locals cannot hold the arguments");
        c->locals[n++] = t;
    }
    if (pos >= len) return fail(c, "bad method descriptor");
    pos++;
    c->ret_void = pos < len && d[pos] == 'V';
    if (c->ret_void)
        pos++;
    else if (!field_type(d, len, &pos, &c->ret))
        return fail(c, "bad method descriptor");
    if (pos != len) return fail(c, "bad method descriptor");
    if (c->is_init && !c->ret_void) return fail(c, "<init> must return void");
    return SEAM_OK;
}

static seam_err method(vctx *c)
{
    const jcl_method *m = c->m;
    c->in_method = false;
    c->is_init = jcl_str_eq(m->name, "<init>");
    TRY(initial(c));
    c->in_method = true;
    for (unsigned i = 0; i < m->nhandlers; i++) {
        c->hver[i] = 0;
        c->pc = m->handlers[i].start_pc;
        TRY(handler_static(c, &m->handlers[i]));
    }
    bc_walker w;
    bc_insn in;
    seam_err e;
    char wm[96];
    unsigned fi = 0;
    bc_walk_init(&w, m->code, m->code_len);
    while ((e = bc_walk_next(&w, &in, wm, sizeof wm)) == SEAM_OK) {
        c->pc = in.pc;
        /* JVMS §4.10.1.6 mergedCodeIsTypeSafe */
        if (fi < m->nframes && m->frames[fi].pc < in.pc)
            return fail(c, "stack map frame at pc %u is not on an instruction", m->frames[fi].pc);
        if (fi < m->nframes && m->frames[fi].pc == in.pc) {
            if (c->live) TRY(to_frame(c, &m->frames[fi], true, "fall through"));
            TRY(load_frame(c, &m->frames[fi]));
            fi++;
        } else if (!c->live) {
            return fail(c, "no stack map frame after an unconditional branch");
        }
        TRY(handlers(c));
        TRY(insn(c, &in));
    }
    if (e != SEAM_E_NOT_FOUND) return fail(c, "bad code: %s", wm);
    c->pc = m->code_len;
    if (fi < m->nframes)
        return fail(c, "stack map frame at pc %u is not on an instruction", m->frames[fi].pc);
    if (c->live) return fail(c, "execution falls off the end of the code");
    return SEAM_OK;
}

/* JVMS §4.10 (class checks): a superclass is a class, not an interface; the chain ends. */
static seam_err class_checks(vctx *c)
{
    const jcl_class *k = c->cls;
    if (!k->super) {
        if (!jcl_str_eq(k->name, OBJECT)) return fail(c, "no superclass");
        return SEAM_OK;
    }
    vt s;
    TRY(const_class(c, k->super, &s));
    if (s.dims) return fail(c, "superclass is an array class");
    cinfo ci = {0};
    TRY(lookup(c, s.name, s.len, &ci));
    if (ci.is_interface) return fail(c, "superclass %.*s is an interface", s.len, s.name);
    if ((k->flags & ACC_INTERFACE) && !name_eq(s.name, s.len, OBJECT, sizeof OBJECT - 1))
        return fail(c, "interface whose superclass is not java/lang/Object");
    bool found;
    return chain_has(c, k->name.p, k->name.len, NULL, 0, &found); /* ends: no cycle */
}

size_t jcv_arena_bound(const jcl_file *f)
{
    size_t most = 0;
    if (!f) return 0;
    for (unsigned i = 0; i < f->nclasses; i++)
        for (unsigned j = 0; j < f->classes[i].nmethods; j++) {
            const jcl_method *m = &f->classes[i].methods[j];
            size_t n = ((size_t)m->max_locals + m->max_stack) * sizeof(vt) +
                       (size_t)m->nhandlers * sizeof(uint32_t);
            if (n > most) most = n;
        }
    return most + 2 * sizeof(vt) + _Alignof(vt);
}

seam_err jcv_verify(const jcl_file *f, const jcv_env *env, void *arena, size_t arena_cap, char *msg,
                    size_t cap)
{
    if (msg && cap) msg[0] = 0;
    if (!f || !env || (!arena && arena_cap)) return SEAM_E_ARG;
    vctx c;
    memset(&c, 0, sizeof c);
    c.f = f;
    c.env = env;
    c.msg = msg;
    c.cap = cap;
    uintptr_t p = (uintptr_t)arena, al = _Alignof(vt);
    size_t skip = (size_t)((al - p % al) % al);
    for (unsigned i = 0; i < f->nclasses; i++) {
        c.cls = &f->classes[i];
        c.m = NULL;
        c.this_type = class_type(c.cls->name.p, c.cls->name.len);
        c.work = 0;
        TRY(class_checks(&c));
        for (unsigned j = 0; j < c.cls->nmethods; j++) {
            const jcl_method *m = &c.cls->methods[j];
            c.m = m;
            c.in_method = false;
            if (m->code_len == 0) continue;
            if (!m->code) return fail(&c, "code missing");
            size_t need = ((size_t)m->max_locals + m->max_stack) * sizeof(vt) +
                          (size_t)m->nhandlers * sizeof(uint32_t);
            if (!arena || skip > arena_cap || arena_cap - skip < need)
                return fail_e(&c, SEAM_E_NOMEM, "arena of %zu bytes too small", arena_cap);
            c.locals = (vt *)(void *)((uint8_t *)arena + skip);
            c.stack = c.locals + m->max_locals;
            c.hver = (uint32_t *)(void *)(c.stack + m->max_stack);
            TRY(method(&c));
        }
    }
    if (msg && cap) msg[0] = 0;
    return SEAM_OK;
}
