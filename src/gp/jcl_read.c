/*
 * Load file reader (include/seam/jclread.h): parses a .jcl (include/seam/jcl.h) and checks its
 * structure completely, for the card's loader and the converter's --import.
 *
 * Invariants: every byte is read through a seam_rd bounded by the current section's end, so no
 * read can leave the section; offsets in messages are absolute offsets in the input. Before an
 * array is allocated its count is checked against the bytes left (each element needs a known
 * minimum of input bytes), which is what makes jcl_arena_bound() a true bound: the description
 * never needs more than JCL_ARENA_FACTOR arena bytes per input byte. Nothing recurses; every
 * loop is bounded by a count that was checked against the input. Forward references between
 * constants are allowed, so constant kinds are checked after the whole table is read.
 * The Java Card subset rules come from the Java Card 3.0.5 Virtual Machine Specification §2.2
 * (no long, float, double, monitors, multi-dimensional arrays) and the converter rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seam/bytecode.h"
#include "seam/jclread.h"

#define JCL_ARENA_FACTOR 24
#define ALIGN _Alignof(max_align_t)

static const char *const sec_names[] = {"HEADER",    "PACKAGE", "IMPORTS",
                                        "CONSTANTS", "CLASSES", "APPLETS"};

typedef struct {
    const uint8_t *data;
    size_t len;
    uint8_t *arena;
    size_t arena_cap, used;
    const char *sec; /* section name for messages */
    char ctx[64];    /* "class 2 method 1: " or "" */
    char *msg;
    size_t msgcap;
    jcl_file *f;
    jcl_const *consts; /* writable view of f->consts */
} ps;

__attribute__((format(printf, 3, 4))) static seam_err fail(ps *s, size_t off, const char *fmt, ...)
{
    if (s->msg && s->msgcap) {
        int n = snprintf(s->msg, s->msgcap, "%s @0x%zx: %s", s->sec, off, s->ctx);
        if (n >= 0 && (size_t)n < s->msgcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(s->msg + n, s->msgcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return SEAM_E_FORMAT;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        seam_err e_ = (x);                                                                         \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

/* ---- arena ---------------------------------------------------------------------------------- */

size_t jcl_arena_bound(size_t len)
{
    if (len > (SIZE_MAX - sizeof(jcl_file) - 2 * ALIGN) / JCL_ARENA_FACTOR) return SIZE_MAX;
    return sizeof(jcl_file) + 2 * ALIGN + len * JCL_ARENA_FACTOR;
}

/* Allocates n zeroed elements of size bytes; *p is NULL when n is 0. */
static seam_err alloc(ps *s, size_t n, size_t size, void **p)
{
    *p = NULL;
    if (n == 0) return SEAM_OK;
    uintptr_t base = (uintptr_t)s->arena;
    size_t pad = (size_t)((ALIGN - (base + s->used) % ALIGN) % ALIGN);
    if (n > SIZE_MAX / size) return SEAM_E_NOMEM;
    size_t bytes = n * size;
    if (s->used + pad > s->arena_cap || bytes > s->arena_cap - s->used - pad) {
        if (s->msg && s->msgcap)
            snprintf(s->msg, s->msgcap, "%s: arena of %zu bytes is too small", s->sec,
                     s->arena_cap);
        return SEAM_E_NOMEM;
    }
    *p = s->arena + s->used + pad;
    memset(*p, 0, bytes);
    s->used += pad + bytes;
    return SEAM_OK;
}

/* ---- primitive reads ------------------------------------------------------------------------ */

static seam_err u8(ps *s, seam_rd *r, uint8_t *v, const char *what)
{
    if (seam_rd_u8(r, v) != SEAM_OK) return fail(s, r->off, "truncated %s", what);
    return SEAM_OK;
}
static seam_err u16(ps *s, seam_rd *r, uint16_t *v, const char *what)
{
    if (seam_rd_u16(r, v) != SEAM_OK) return fail(s, r->off, "truncated %s", what);
    return SEAM_OK;
}
static seam_err u32(ps *s, seam_rd *r, uint32_t *v, const char *what)
{
    if (seam_rd_u32(r, v) != SEAM_OK) return fail(s, r->off, "truncated %s", what);
    return SEAM_OK;
}

/* Before allocating n elements that each need at least min input bytes. */
static seam_err room(ps *s, seam_rd *r, size_t n, size_t min, const char *what)
{
    if (n > seam_rd_left(r) / min)
        return fail(s, r->off, "%zu %s need at least %zu bytes, %zu left", n, what, n * min,
                    seam_rd_left(r));
    return SEAM_OK;
}

static seam_err str(ps *s, seam_rd *r, jcl_str *out, const char *what)
{
    size_t off = r->off;
    uint8_t n;
    const uint8_t *p;
    TRY(u8(s, r, &n, what));
    if (n == 0) return fail(s, off, "empty %s", what);
    if (seam_rd_bytes(r, n, &p) != SEAM_OK) return fail(s, off, "truncated %s", what);
    if (jcl_check_utf8((const char *)p, n) != SEAM_OK)
        return fail(s, off, "%s is not valid modified UTF-8", what);
    out->p = (const char *)p;
    out->len = n;
    return SEAM_OK;
}

static seam_err aid(ps *s, seam_rd *r, jcl_aid *out, const char *what)
{
    size_t off = r->off;
    uint8_t n;
    TRY(u8(s, r, &n, what));
    if (n < 5 || n > 16) return fail(s, off, "%s length %u is not 5..16", what, n);
    if (seam_rd_bytes(r, n, &out->p) != SEAM_OK) return fail(s, off, "truncated %s", what);
    out->len = n;
    return SEAM_OK;
}

static bool aid_eq(jcl_aid a, jcl_aid b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

bool jcl_str_eq(jcl_str s, const char *c)
{
    size_t n = strlen(c);
    return n == s.len && memcmp(s.p, c, n) == 0;
}

static bool str_eq(jcl_str a, jcl_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* ---- names and descriptors (JVMS §4.2, §4.3) ------------------------------------------------ */

seam_err jcl_check_utf8(const char *str_, size_t len)
{
    const uint8_t *p = (const uint8_t *)str_;
    for (size_t i = 0; i < len;) {
        uint8_t b = p[i];
        if (b >= 0x01 && b <= 0x7f) {
            i++;
        } else if (b >= 0xc0 && b <= 0xdf) {
            if (len - i < 2 || (p[i + 1] & 0xc0) != 0x80) return SEAM_E_FORMAT;
            if (b < 0xc2 && !(b == 0xc0 && p[i + 1] == 0x80)) return SEAM_E_FORMAT;
            i += 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            if (len - i < 3 || (p[i + 1] & 0xc0) != 0x80 || (p[i + 2] & 0xc0) != 0x80)
                return SEAM_E_FORMAT;
            if (b == 0xe0 && p[i + 1] < 0xa0) return SEAM_E_FORMAT;
            i += 3;
        } else {
            return SEAM_E_FORMAT; /* NUL, a lone continuation byte, or 0xf0..0xff */
        }
    }
    return SEAM_OK;
}

/* A binary class name in internal form (JVMS §4.2.1): '/'-separated non-empty identifiers
 * without '.', ';' or '['. */
static bool class_name_ok(const char *p, size_t len)
{
    if (len == 0 || p[0] == '/' || p[len - 1] == '/') return false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '.' || c == ';' || c == '[') return false;
        if (c == '/' && p[i + 1] == '/') return false;
    }
    return true;
}

/* An unqualified name (JVMS §4.2.2); methods additionally refuse '<' and '>' except in the two
 * special names. */
static bool member_name_ok(jcl_str n, bool method)
{
    if (method && (jcl_str_eq(n, "<init>") || jcl_str_eq(n, "<clinit>"))) return true;
    for (size_t i = 0; i < n.len; i++) {
        char c = n.p[i];
        if (c == '.' || c == ';' || c == '[' || c == '/') return false;
        if (method && (c == '<' || c == '>')) return false;
    }
    return true;
}

/* One FieldType at d[*pos..len) in the Java Card subset: B I S Z, L<name>;, or one array
 * dimension of those (Java Card has single-dimensional arrays only, and no char, long, float
 * or double: the converter refuses them too). */
static bool field_type(const char *d, size_t len, size_t *pos)
{
    size_t i = *pos;
    if (i < len && d[i] == '[') i++;
    if (i >= len) return false;
    switch (d[i]) {
    case 'B':
    case 'I':
    case 'S':
    case 'Z':
        *pos = i + 1;
        return true;
    case 'L': {
        const char *semi = memchr(d + i + 1, ';', len - i - 1);
        if (!semi || !class_name_ok(d + i + 1, (size_t)(semi - (d + i + 1)))) return false;
        *pos = (size_t)(semi - d) + 1;
        return true;
    }
    default:
        return false; /* C, J, F, D, V and anything else */
    }
}

seam_err jcl_check_field_desc(const char *d, size_t len)
{
    size_t pos = 0;
    if (!d || !field_type(d, len, &pos) || pos != len) return SEAM_E_FORMAT;
    return SEAM_OK;
}

seam_err jcl_check_method_desc(const char *d, size_t len, uint16_t *arg_slots)
{
    if (!d || len < 3 || d[0] != '(') return SEAM_E_FORMAT;
    size_t pos = 1;
    unsigned slots = 0;
    while (pos < len && d[pos] != ')') {
        if (!field_type(d, len, &pos)) return SEAM_E_FORMAT;
        if (++slots > 255) return SEAM_E_FORMAT; /* JVMS §4.3.3 */
    }
    if (pos >= len) return SEAM_E_FORMAT;
    pos++;
    if (pos < len && d[pos] == 'V')
        pos++;
    else if (!field_type(d, len, &pos))
        return SEAM_E_FORMAT;
    if (pos != len) return SEAM_E_FORMAT;
    if (arg_slots) *arg_slots = (uint16_t)slots;
    return SEAM_OK;
}

/* The package part of a class name ("a/b" of "a/b/C") is exactly pkg. */
static bool in_package(const char *p, size_t len, jcl_str pkg)
{
    if (len <= (size_t)pkg.len + 1 || memcmp(p, pkg.p, pkg.len) != 0 || p[pkg.len] != '/')
        return false;
    return memchr(p + pkg.len + 1, '/', len - pkg.len - 1) == NULL;
}

/* ---- sections ------------------------------------------------------------------------------- */

static seam_err sec_package(ps *s, seam_rd *r)
{
    jcl_pkgref *pk = &s->f->package;
    TRY(aid(s, r, &pk->aid, "package AID"));
    size_t off = r->off;
    TRY(str(s, r, &pk->name, "package name"));
    if (!class_name_ok(pk->name.p, pk->name.len))
        return fail(s, off, "package name '%.*s' is not a valid name", pk->name.len, pk->name.p);
    TRY(u8(s, r, &pk->major, "package major version"));
    TRY(u8(s, r, &pk->minor, "package minor version"));
    return SEAM_OK;
}

static seam_err sec_imports(ps *s, seam_rd *r)
{
    uint8_t n;
    TRY(u8(s, r, &n, "import count"));
    if (n > JCL_MAX_IMPORTS)
        return fail(s, r->off - 1, "%u imports (limit %d)", n, JCL_MAX_IMPORTS);
    TRY(room(s, r, n, 9, "imports")); /* AID 6, name 2, version 2 */
    jcl_pkgref *im;
    TRY(alloc(s, n, sizeof *im, (void **)&im));
    for (unsigned i = 0; i < n; i++) {
        size_t off = r->off;
        TRY(aid(s, r, &im[i].aid, "import AID"));
        if (aid_eq(im[i].aid, s->f->package.aid))
            return fail(s, off, "import %u has the package's own AID", i + 1);
        for (unsigned k = 0; k < i; k++)
            if (aid_eq(im[i].aid, im[k].aid))
                return fail(s, off, "import %u has the same AID as import %u", i + 1, k + 1);
        off = r->off;
        TRY(str(s, r, &im[i].name, "import name"));
        if (!class_name_ok(im[i].name.p, im[i].name.len))
            return fail(s, off, "import %u name is not a valid name", i + 1);
        TRY(u8(s, r, &im[i].major, "import major version"));
        TRY(u8(s, r, &im[i].minor, "import minor version"));
    }
    s->f->nimports = n;
    s->f->imports = im;
    return SEAM_OK;
}

static jcl_str pkg_name(ps *s, uint8_t pkg)
{
    return pkg == JCL_PKG_SELF ? s->f->package.name : s->f->imports[pkg - 1].name;
}

/* The offset of a CLASS or member entry in the input, found from its name (which follows
 * kind + package or kind + class index, then the name's length byte). */
static size_t entry_off(const ps *s, const jcl_const *c)
{
    size_t name_off = (size_t)((const uint8_t *)c->name.p - s->data);
    return name_off - (c->kind == JCL_CONST_CLASS ? 3 : 4);
}

/* A CLASS entry's name: a class of its package, or a one-dimensional array descriptor whose
 * element class (if any) is of that package. */
static seam_err check_class_const(ps *s, size_t off, unsigned i, const jcl_const *c)
{
    const char *p = c->name.p;
    size_t len = c->name.len;
    if (p[0] == '[') {
        if (jcl_check_field_desc(p, len) != SEAM_OK)
            return fail(s, off, "constant %u: CLASS '%.*s' is not a valid array type", i, (int)len,
                        p);
        if (p[1] != 'L') {
            if (c->package != JCL_PKG_SELF)
                return fail(s, off, "constant %u: primitive array class with package %u", i,
                            c->package);
            return SEAM_OK;
        }
        p += 2;
        len -= 3;
    } else if (!class_name_ok(p, len)) {
        return fail(s, off, "constant %u: CLASS name '%.*s' is not a valid class name", i, (int)len,
                    p);
    }
    jcl_str pn = pkg_name(s, c->package);
    if (!in_package(p, len, pn))
        return fail(s, off, "constant %u: class '%.*s' is not in package %u ('%.*s')", i, (int)len,
                    p, c->package, pn.len, pn.p);
    return SEAM_OK;
}

static seam_err sec_constants(ps *s, seam_rd *r)
{
    uint16_t n;
    TRY(u16(s, r, &n, "constant count"));
    TRY(room(s, r, n, 4, "constants")); /* the shortest entry, CLASS: kind, package, str 2 */
    jcl_const *cs;
    TRY(alloc(s, (size_t)n + 1, sizeof *cs, (void **)&cs));
    s->f->consts = cs;
    s->consts = cs;
    s->f->nconsts = n;
    bool seen_other = false;
    for (unsigned i = 1; i <= n; i++) {
        size_t off = r->off;
        jcl_const *c = &cs[i];
        TRY(u8(s, r, &c->kind, "constant kind"));
        if (c->kind == JCL_CONST_INT) {
            if (seen_other) return fail(s, off, "constant %u: INT after a non-INT entry", i);
            uint32_t v;
            TRY(u32(s, r, &v, "INT value"));
            c->value = (int32_t)v;
            continue;
        }
        seen_other = true;
        if (c->kind == JCL_CONST_CLASS) {
            TRY(u8(s, r, &c->package, "CLASS package"));
            if (c->package > s->f->nimports)
                return fail(s, off, "constant %u: CLASS package %u but only %u imports", i,
                            c->package, s->f->nimports);
            TRY(str(s, r, &c->name, "CLASS name"));
            TRY(check_class_const(s, off, i, c));
        } else if (c->kind == JCL_CONST_FIELD || c->kind == JCL_CONST_METHOD ||
                   c->kind == JCL_CONST_IMETHOD) {
            bool m = c->kind != JCL_CONST_FIELD;
            TRY(u16(s, r, &c->class_index, "member class"));
            if (c->class_index == 0 || c->class_index > n)
                return fail(s, off, "constant %u: class index %u out of range 1..%u", i,
                            c->class_index, n);
            TRY(str(s, r, &c->name, "member name"));
            TRY(str(s, r, &c->desc, "member descriptor"));
            if (!member_name_ok(c->name, m))
                return fail(s, off, "constant %u: bad member name '%.*s'", i, c->name.len,
                            c->name.p);
            seam_err e = m ? jcl_check_method_desc(c->desc.p, c->desc.len, NULL)
                           : jcl_check_field_desc(c->desc.p, c->desc.len);
            if (e != SEAM_OK)
                return fail(s, off, "constant %u: bad %s descriptor '%.*s'", i,
                            m ? "method" : "field", c->desc.len, c->desc.p);
            if ((jcl_str_eq(c->name, "<init>") || jcl_str_eq(c->name, "<clinit>")) &&
                c->desc.p[c->desc.len - 1] != 'V')
                return fail(s, off, "constant %u: %.*s does not return void", i, c->name.len,
                            c->name.p);
        } else {
            return fail(s, off, "constant %u: unknown kind %u", i, c->kind);
        }
    }
    /* Member entries point at CLASS entries that are classes, not arrays (forward references
     * are allowed, so this needs the whole table). */
    for (unsigned i = 1; i <= n; i++) {
        const jcl_const *c = &cs[i];
        if (c->kind < JCL_CONST_FIELD) continue;
        const jcl_const *k = &cs[c->class_index];
        if (k->kind != JCL_CONST_CLASS || k->name.p[0] == '[')
            return fail(s, entry_off(s, c), "constant %u: class index %u is not a class", i,
                        c->class_index);
    }
    return SEAM_OK;
}

/* Entry i is a CLASS constant (arrays allowed when array_ok). */
static bool is_class(ps *s, uint32_t i, bool array_ok)
{
    if (i == 0 || i > s->f->nconsts || s->consts[i].kind != JCL_CONST_CLASS) return false;
    return array_ok || s->consts[i].name.p[0] != '[';
}

/* ---- code ----------------------------------------------------------------------------------- */

#define BIT(m, i) (((m)[(i) >> 3] >> ((i)&7)) & 1)
#define SET(m, i) ((m)[(i) >> 3] |= (uint8_t)(1u << ((i)&7)))

/* Opcodes of the Java Card subset: everything in JVMS SE 8 except the long, float and double
 * instructions, jsr/ret, monitors, invokedynamic and multianewarray (JCVM 3.0.5 §2.2). */
static bool in_subset(uint8_t op)
{
    if (op >= BC_LCONST_0 && op <= BC_DCONST_1) return false;
    if (op == BC_LDC2_W) return false;
    if ((op >= BC_LLOAD && op <= BC_DLOAD) || (op >= BC_LLOAD_0 && op <= BC_DLOAD_3)) return false;
    if (op >= BC_LALOAD && op <= BC_DALOAD) return false;
    if ((op >= BC_LSTORE && op <= BC_DSTORE) || (op >= BC_LSTORE_0 && op <= BC_DSTORE_3))
        return false;
    if (op >= BC_LASTORE && op <= BC_DASTORE) return false;
    /* iadd..lxor: the int forms are every fourth opcode from iadd to ineg, then pairs. */
    if (op >= BC_IADD && op <= BC_DNEG && (op - BC_IADD) % 4 != 0) return false;
    if (op >= BC_ISHL && op <= BC_LXOR && (op - BC_ISHL) % 2 != 0) return false;
    if (op >= BC_I2L && op <= BC_DCMPG && op != BC_I2B && op != BC_I2C && op != BC_I2S)
        return false;
    if (op >= BC_LRETURN && op <= BC_DRETURN) return false;
    switch (op) {
    case BC_JSR:
    case BC_RET:
    case BC_JSR_W:
    case BC_MONITORENTER:
    case BC_MONITOREXIT:
    case BC_INVOKEDYNAMIC:
    case BC_MULTIANEWARRAY:
        return false;
    default:
        return bc_opcode_name(op) != NULL;
    }
}

/* The local variable an instruction uses, or -1. */
static int32_t local_index(const bc_insn *in)
{
    uint8_t op = in->opcode;
    const uint8_t *q = in->operands;
    switch (op) {
    case BC_ILOAD:
    case BC_ALOAD:
    case BC_ISTORE:
    case BC_ASTORE:
    case BC_IINC:
        return in->wide ? seam_be16(q) : q[0];
    default:
        if (op >= BC_ILOAD_0 && op <= BC_ILOAD_3) return op - BC_ILOAD_0;
        if (op >= BC_ALOAD_0 && op <= BC_ALOAD_3) return op - BC_ALOAD_0;
        if (op >= BC_ISTORE_0 && op <= BC_ISTORE_3) return op - BC_ISTORE_0;
        if (op >= BC_ASTORE_0 && op <= BC_ASTORE_3) return op - BC_ASTORE_0;
        return -1;
    }
}

static seam_err check_operands(ps *s, size_t off, const jcl_method *m, const bc_insn *in)
{
    uint8_t op = in->opcode;
    const uint8_t *q = in->operands;
    const char *name = bc_opcode_name(op);
    off += in->pc;
    if (!in_subset(op))
        return fail(s, off, "pc %u: %s is not in the Java Card subset", in->pc, name);
    int32_t li = local_index(in);
    if (li >= 0 && li >= m->max_locals)
        return fail(s, off, "pc %u: %s uses local %d, max_locals is %u", in->pc, name, li,
                    m->max_locals);
    if (op == BC_NEWARRAY && (q[0] == BC_T_FLOAT || q[0] == BC_T_DOUBLE || q[0] == BC_T_LONG))
        return fail(s, off, "pc %u: newarray of type %u is not in the Java Card subset", in->pc,
                    q[0]);
    uint32_t idx;
    if (op == BC_LDC)
        idx = q[0];
    else if (op == BC_LDC_W || (op >= BC_GETSTATIC && op <= BC_INVOKEINTERFACE) || op == BC_NEW ||
             op == BC_ANEWARRAY || op == BC_CHECKCAST || op == BC_INSTANCEOF)
        idx = seam_be16(q);
    else
        return SEAM_OK;
    if (idx == 0 || idx > s->f->nconsts)
        return fail(s, off, "pc %u: %s constant %u out of range 1..%u", in->pc, name, idx,
                    s->f->nconsts);
    const jcl_const *c = &s->consts[idx];
    uint8_t want;
    if (op == BC_LDC || op == BC_LDC_W)
        want = JCL_CONST_INT;
    else if (op >= BC_GETSTATIC && op <= BC_PUTFIELD)
        want = JCL_CONST_FIELD;
    else if (op == BC_INVOKEINTERFACE)
        want = JCL_CONST_IMETHOD;
    else if (op >= BC_INVOKEVIRTUAL && op <= BC_INVOKESTATIC)
        want = JCL_CONST_METHOD;
    else
        want = JCL_CONST_CLASS;
    if (c->kind != want)
        return fail(s, off, "pc %u: %s constant %u is of kind %u, not %u", in->pc, name, idx,
                    c->kind, want);
    if ((op == BC_NEW || op == BC_ANEWARRAY) && c->name.p[0] == '[')
        return fail(s, off, "pc %u: %s of array class %u (no multi-dimensional arrays)", in->pc,
                    name, idx);
    if (want == JCL_CONST_METHOD || want == JCL_CONST_IMETHOD) {
        /* JVMS §4.9.1: only invokespecial calls <init>; nothing calls <clinit>. */
        if (jcl_str_eq(c->name, "<clinit>") ||
            (op != BC_INVOKESPECIAL && jcl_str_eq(c->name, "<init>")))
            return fail(s, off, "pc %u: %s of %.*s", in->pc, name, c->name.len, c->name.p);
        if (op == BC_INVOKEINTERFACE) {
            uint16_t slots = 0;
            (void)jcl_check_method_desc(c->desc.p, c->desc.len, &slots);
            if (q[2] != slots + 1)
                return fail(s, off, "pc %u: invokeinterface count %u, descriptor needs %u", in->pc,
                            q[2], slots + 1);
        }
    }
    return SEAM_OK;
}

/* Checks a method's code, handlers and frames; off is the code's offset in the input. The
 * handler and frame tables are read here too, since their checks need the instruction map. */
static seam_err method_body(ps *s, seam_rd *r, jcl_method *m, size_t off)
{
    uint8_t start[JCL_MAX_CODE / 8 + 1], news[JCL_MAX_CODE / 8 + 1];
    memset(start, 0, sizeof start);
    memset(news, 0, sizeof news);
    char em[96];
    bc_walker w;
    bc_insn in;
    seam_err e;
    bc_walk_init(&w, m->code, m->code_len);
    while ((e = bc_walk_next(&w, &in, em, sizeof em)) == SEAM_OK) {
        SET(start, in.pc);
        if (in.opcode == BC_NEW) SET(news, in.pc);
        TRY(check_operands(s, off, m, &in));
    }
    if (e != SEAM_E_NOT_FOUND) return fail(s, off + w.pc, "%s", em);
    bc_walk_init(&w, m->code, m->code_len);
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
        uint32_t nt = bc_branch_count(&in);
        for (uint32_t k = 0; k < nt; k++) {
            int64_t t = bc_branch_target(&in, k);
            if (t < 0 || t >= m->code_len || !BIT(start, t))
                return fail(s, off + in.pc, "pc %u: %s target %lld is not an instruction start",
                            in.pc, bc_opcode_name(in.opcode), (long long)t);
        }
    }

    TRY(u16(s, r, &m->nhandlers, "handler count"));
    TRY(room(s, r, m->nhandlers, 8, "handlers"));
    jcl_handler *hs;
    TRY(alloc(s, m->nhandlers, sizeof *hs, (void **)&hs));
    m->handlers = hs;
    for (unsigned i = 0; i < m->nhandlers; i++) {
        jcl_handler *h = &hs[i];
        size_t hoff = r->off;
        TRY(u16(s, r, &h->start_pc, "handler"));
        TRY(u16(s, r, &h->end_pc, "handler"));
        TRY(u16(s, r, &h->handler_pc, "handler"));
        TRY(u16(s, r, &h->catch_type, "handler"));
        if (h->start_pc >= h->end_pc || h->end_pc > m->code_len)
            return fail(s, hoff, "handler %u: range [%u, %u) not inside code of %u bytes", i,
                        h->start_pc, h->end_pc, m->code_len);
        if (!BIT(start, h->start_pc) || (h->end_pc < m->code_len && !BIT(start, h->end_pc)))
            return fail(s, hoff, "handler %u: range [%u, %u) not on instruction starts", i,
                        h->start_pc, h->end_pc);
        if (h->handler_pc >= m->code_len || !BIT(start, h->handler_pc))
            return fail(s, hoff, "handler %u: handler pc %u is not an instruction start", i,
                        h->handler_pc);
        if (h->catch_type != 0 && !is_class(s, h->catch_type, false))
            return fail(s, hoff, "handler %u: catch type %u is not a CLASS entry of a class", i,
                        h->catch_type);
    }

    TRY(u16(s, r, &m->nframes, "frame count"));
    TRY(room(s, r, m->nframes, 6, "frames"));
    jcl_frame *fs;
    TRY(alloc(s, m->nframes, sizeof *fs, (void **)&fs));
    m->frames = fs;
    int32_t prev = -1;
    for (unsigned i = 0; i < m->nframes; i++) {
        jcl_frame *f = &fs[i];
        size_t foff = r->off;
        TRY(u16(s, r, &f->pc, "frame pc"));
        if ((int32_t)f->pc <= prev)
            return fail(s, foff, "frame %u: pc %u not after the previous frame's", i, f->pc);
        if (f->pc >= m->code_len || !BIT(start, f->pc))
            return fail(s, foff, "frame %u: pc %u is not an instruction start", i, f->pc);
        prev = f->pc;
        for (int part = 0; part < 2; part++) {
            uint16_t n;
            size_t noff = r->off;
            TRY(u16(s, r, &n, part ? "frame stack count" : "frame locals count"));
            uint16_t lim = part ? m->max_stack : m->max_locals;
            if (n > lim)
                return fail(s, noff, "frame %u: %u %s, more than %s %u", i, n,
                            part ? "stack entries" : "locals", part ? "max_stack" : "max_locals",
                            lim);
            TRY(room(s, r, n, 1, "frame types"));
            jcl_type *ts;
            TRY(alloc(s, n, sizeof *ts, (void **)&ts));
            for (unsigned k = 0; k < n; k++) {
                size_t toff = r->off;
                TRY(u8(s, r, &ts[k].tag, "frame type"));
                switch (ts[k].tag) {
                case JCL_TYPE_TOP:
                case JCL_TYPE_INT:
                case JCL_TYPE_NULL:
                case JCL_TYPE_UNINIT_THIS:
                    break;
                case JCL_TYPE_OBJECT:
                    TRY(u16(s, r, &ts[k].value, "frame type class"));
                    if (!is_class(s, ts[k].value, true))
                        return fail(s, toff, "frame %u: object type %u is not a CLASS entry", i,
                                    ts[k].value);
                    break;
                case JCL_TYPE_UNINIT:
                    TRY(u16(s, r, &ts[k].value, "frame type pc"));
                    if (ts[k].value >= m->code_len || !BIT(news, ts[k].value))
                        return fail(s, toff, "frame %u: uninitialized type at pc %u, not a new", i,
                                    ts[k].value);
                    break;
                default:
                    return fail(s, toff, "frame %u: unknown or unsupported type tag %u", i,
                                ts[k].tag);
                }
            }
            if (part) {
                f->nstack = n;
                f->stack = ts;
            } else {
                f->nlocals = n;
                f->locals = ts;
            }
        }
    }
    return SEAM_OK;
}

static seam_err method(ps *s, seam_rd *r, const jcl_class *cl, jcl_method *m)
{
    size_t off = r->off;
    TRY(u16(s, r, &m->flags, "method flags"));
    TRY(str(s, r, &m->name, "method name"));
    TRY(str(s, r, &m->desc, "method descriptor"));
    if (!member_name_ok(m->name, true))
        return fail(s, off, "bad method name '%.*s'", m->name.len, m->name.p);
    if (jcl_check_method_desc(m->desc.p, m->desc.len, &m->arg_slots) != SEAM_OK)
        return fail(s, off, "bad method descriptor '%.*s'", m->desc.len, m->desc.p);
    if (jcl_str_eq(m->name, "<clinit>") && !jcl_str_eq(m->desc, "()V"))
        return fail(s, off, "<clinit> descriptor is not ()V");
    if (jcl_str_eq(m->name, "<init>") && m->desc.p[m->desc.len - 1] != 'V')
        return fail(s, off, "<init> does not return void");
    TRY(u16(s, r, &m->max_stack, "max_stack"));
    TRY(u16(s, r, &m->max_locals, "max_locals"));
    size_t coff = r->off;
    TRY(u32(s, r, &m->code_len, "code length"));
    bool bodiless = (m->flags & (0x0400 | 0x0100)) != 0; /* ACC_ABSTRACT, ACC_NATIVE */
    if (bodiless != (m->code_len == 0))
        return fail(s, coff, "code length %u for %s method", m->code_len,
                    bodiless ? "an abstract or native" : "a concrete");
    if (m->code_len > JCL_MAX_CODE)
        return fail(s, coff, "code length %u (limit %d)", m->code_len, JCL_MAX_CODE);
    if ((cl->flags & 0x0200) && !bodiless && !jcl_str_eq(m->name, "<clinit>"))
        return fail(s, off, "interface method with code");
    unsigned need = m->arg_slots + ((m->flags & 0x0008) ? 0u : 1u); /* ACC_STATIC */
    if (!bodiless && m->max_locals < need)
        return fail(s, off, "max_locals %u cannot hold %u argument slots", m->max_locals, need);
    coff = r->off;
    if (m->code_len && seam_rd_bytes(r, m->code_len, &m->code) != SEAM_OK)
        return fail(s, coff, "truncated code");
    return method_body(s, r, m, coff);
}

static seam_err sec_classes(ps *s, seam_rd *r)
{
    uint8_t n;
    TRY(u8(s, r, &n, "class count"));
    if (n == 0) return fail(s, r->off - 1, "no classes");
    TRY(room(s, r, n, 12, "classes"));
    jcl_class *cls;
    TRY(alloc(s, n, sizeof *cls, (void **)&cls));
    s->f->classes = cls;
    for (unsigned i = 0; i < n; i++) {
        jcl_class *cl = &cls[i];
        size_t off = r->off;
        snprintf(s->ctx, sizeof s->ctx, "class %u: ", i);
        TRY(str(s, r, &cl->name, "class name"));
        if (!class_name_ok(cl->name.p, cl->name.len) ||
            !in_package(cl->name.p, cl->name.len, s->f->package.name))
            return fail(s, off, "class name '%.*s' is not a class of package '%.*s'", cl->name.len,
                        cl->name.p, s->f->package.name.len, s->f->package.name.p);
        for (unsigned k = 0; k < i; k++)
            if (str_eq(cls[k].name, cl->name))
                return fail(s, off, "class name '%.*s' repeats class %u", cl->name.len, cl->name.p,
                            k);
        TRY(u16(s, r, &cl->flags, "class flags"));
        if ((cl->flags & 0x0200) && !(cl->flags & 0x0400)) /* JVMS §4.1 */
            return fail(s, off, "interface not marked abstract");
        size_t soff = r->off;
        TRY(u16(s, r, &cl->super, "super class"));
        if (cl->super == 0 ? !jcl_str_eq(cl->name, "java/lang/Object")
                           : !is_class(s, cl->super, false))
            return fail(s, soff, "super %u is not a CLASS entry of a class", cl->super);
        if (cl->super && s->consts[cl->super].package == JCL_PKG_SELF &&
            str_eq(s->consts[cl->super].name, cl->name))
            return fail(s, soff, "class is its own super class");
        TRY(u8(s, r, &cl->ninterfaces, "interface count"));
        TRY(room(s, r, cl->ninterfaces, 2, "interfaces"));
        uint16_t *ifs;
        TRY(alloc(s, cl->ninterfaces, sizeof *ifs, (void **)&ifs));
        cl->interfaces = ifs;
        for (unsigned k = 0; k < cl->ninterfaces; k++) {
            soff = r->off;
            TRY(u16(s, r, &ifs[k], "interface"));
            if (!is_class(s, ifs[k], false))
                return fail(s, soff, "interface %u: %u is not a CLASS entry of a class", k, ifs[k]);
        }
        TRY(u16(s, r, &cl->nfields, "field count"));
        TRY(room(s, r, cl->nfields, 6, "fields"));
        jcl_field *fs;
        TRY(alloc(s, cl->nfields, sizeof *fs, (void **)&fs));
        cl->fields = fs;
        for (unsigned k = 0; k < cl->nfields; k++) {
            soff = r->off;
            TRY(u16(s, r, &fs[k].flags, "field flags"));
            TRY(str(s, r, &fs[k].name, "field name"));
            TRY(str(s, r, &fs[k].desc, "field descriptor"));
            if (!member_name_ok(fs[k].name, false))
                return fail(s, soff, "field %u: bad name '%.*s'", k, fs[k].name.len, fs[k].name.p);
            if (jcl_check_field_desc(fs[k].desc.p, fs[k].desc.len) != SEAM_OK)
                return fail(s, soff, "field %u: bad descriptor '%.*s'", k, fs[k].desc.len,
                            fs[k].desc.p);
        }
        TRY(u16(s, r, &cl->nmethods, "method count"));
        TRY(room(s, r, cl->nmethods, 22, "methods"));
        jcl_method *ms;
        TRY(alloc(s, cl->nmethods, sizeof *ms, (void **)&ms));
        cl->methods = ms;
        for (unsigned k = 0; k < cl->nmethods; k++) {
            snprintf(s->ctx, sizeof s->ctx, "class %u method %u: ", i, k);
            TRY(method(s, r, cl, &ms[k]));
        }
        s->ctx[0] = 0;
    }
    s->f->nclasses = n;
    /* A CLASS entry of this package (or an array of one) names one of these classes. */
    for (unsigned i = 1; i <= s->f->nconsts; i++) {
        const jcl_const *c = &s->consts[i];
        if (c->kind != JCL_CONST_CLASS || c->package != JCL_PKG_SELF) continue;
        jcl_str nm = c->name;
        if (nm.p[0] == '[') {
            if (nm.p[1] != 'L') continue;
            nm.p += 2;
            nm.len = (uint8_t)(nm.len - 3);
        }
        unsigned k = 0;
        while (k < n && !str_eq(cls[k].name, nm))
            k++;
        if (k == n) {
            s->sec = sec_names[JCL_SEC_CONSTANTS];
            return fail(s, entry_off(s, c), "constant %u: class '%.*s' is not in CLASSES", i,
                        nm.len, nm.p);
        }
    }
    return SEAM_OK;
}

static seam_err sec_applets(ps *s, seam_rd *r)
{
    uint8_t n;
    TRY(u8(s, r, &n, "applet count"));
    if (n > JCL_MAX_APPLETS)
        return fail(s, r->off - 1, "%u applets (limit %d)", n, JCL_MAX_APPLETS);
    TRY(room(s, r, n, 7, "applets"));
    jcl_applet *as;
    TRY(alloc(s, n, sizeof *as, (void **)&as));
    for (unsigned i = 0; i < n; i++) {
        size_t off = r->off;
        TRY(aid(s, r, &as[i].aid, "applet AID"));
        if (aid_eq(as[i].aid, s->f->package.aid))
            return fail(s, off, "applet %u has the package's AID", i);
        for (unsigned k = 0; k < i; k++)
            if (aid_eq(as[i].aid, as[k].aid))
                return fail(s, off, "applet %u has the same AID as applet %u", i, k);
        off = r->off;
        TRY(u8(s, r, &as[i].class_index, "applet class"));
        if (as[i].class_index >= s->f->nclasses)
            return fail(s, off, "applet %u: class index %u, only %u classes", i, as[i].class_index,
                        s->f->nclasses);
    }
    s->f->napplets = n;
    s->f->applets = as;
    return SEAM_OK;
}

/* ---- top level ------------------------------------------------------------------------------ */

typedef seam_err (*sec_fn)(ps *, seam_rd *);

seam_err jcl_parse(const uint8_t *data, size_t len, void *arena, size_t arena_cap,
                   const jcl_file **out, char *msg, size_t cap)
{
    static const sec_fn fns[] = {NULL,          sec_package, sec_imports,
                                 sec_constants, sec_classes, sec_applets};
    if (out) *out = NULL;
    if (msg && cap) msg[0] = 0;
    if (!out || (!data && len) || (!arena && arena_cap)) return SEAM_E_ARG;
    ps s = {.data = data,
            .len = len,
            .arena = arena,
            .arena_cap = arena_cap,
            .msg = msg,
            .msgcap = cap,
            .sec = sec_names[0]};
    seam_err e;
    jcl_file *f;
    if ((e = alloc(&s, 1, sizeof *f, (void **)&f)) != SEAM_OK) return e;
    s.f = f;
    seam_rd r;
    seam_rd_init(&r, data, len);
    uint32_t magic;
    if (seam_rd_u32(&r, &magic) != SEAM_OK || magic != JCL_MAGIC)
        return fail(&s, 0, "not a load file (magic is not 'SJCL')");
    if ((e = u8(&s, &r, &f->major, "version")) || (e = u8(&s, &r, &f->minor, "version"))) return e;
    if (f->major != JCL_MAJOR) {
        fail(&s, 4, "format version %u.%u, this reader knows %d.x", f->major, f->minor, JCL_MAJOR);
        return f->major > JCL_MAJOR ? SEAM_E_UNSUPPORTED : SEAM_E_FORMAT;
    }
    for (uint8_t want = JCL_SEC_PACKAGE; want <= JCL_SEC_APPLETS; want++) {
        size_t hoff = r.off;
        uint8_t tag;
        uint32_t blen;
        s.sec = sec_names[want];
        if (seam_rd_u8(&r, &tag) != SEAM_OK) return fail(&s, hoff, "section missing");
        if (tag != want) {
            if (tag >= JCL_SEC_PACKAGE && tag < want)
                return fail(&s, hoff, "section %s repeated or out of order", sec_names[tag]);
            if (tag > want && tag <= JCL_SEC_APPLETS)
                return fail(&s, hoff, "section missing (found %s)", sec_names[tag]);
            return fail(&s, hoff, "unknown section tag 0x%02x", tag);
        }
        if (seam_rd_u32(&r, &blen) != SEAM_OK) return fail(&s, hoff, "truncated section header");
        if (blen > seam_rd_left(&r))
            return fail(&s, hoff, "section length %u but only %zu bytes left", blen,
                        seam_rd_left(&r));
        seam_rd body;
        seam_rd_init(&body, data, r.off + blen);
        body.off = r.off;
        if ((e = fns[want](&s, &body)) != SEAM_OK) return e;
        if (seam_rd_left(&body) != 0)
            return fail(&s, body.off, "%zu trailing bytes in the section", seam_rd_left(&body));
        r.off += blen;
    }
    s.sec = "FILE";
    if (seam_rd_left(&r) != 0)
        return fail(&s, r.off, "%zu bytes after the last section", seam_rd_left(&r));
    f->arena_used = s.used;
    *out = f;
    return SEAM_OK;
}
