/*
 * Class file parser (include/seam/classfile.h): the converter's front end. Reads a Java class
 * file of version 45.0..52.0 (JVMS SE 8 chapter 4) into a cf_class, checking what the JVMS's
 * format checking (§4.8) and the static constraints that need no class loading (§4.9.1) require.
 *
 * How it stays safe on hostile input:
 *  - every read goes through a seam_rd over a private copy of the input; an attribute is read
 *    through a sub-reader bounded by its attribute_length, so nothing overruns its parent;
 *  - nothing recurses: the constant pool is read in one pass and its cross references checked in
 *    a second pass (entries may refer forward), descriptors are scanned by loops;
 *  - every allocation comes from one arena owned by the cf_class, capped at a bound proportional
 *    to the input size (stack map frames could otherwise expand a small file into gigabytes);
 *  - an error stops the parse at once with SEAM_E_FORMAT and a message naming the byte offset.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/classfile.h"

/* ---- arena ---------------------------------------------------------------------------------- */

typedef struct blk {
    struct blk *next;
    size_t cap, used;
} blk;

#define BLK_HDR ((sizeof(blk) + 15) & ~(size_t)15)
#define BLK_SIZE ((size_t)64 * 1024)

typedef struct {
    blk *head;
    size_t total, limit;
} arena;

/* Zeroed, 16-byte aligned memory, or NULL when malloc fails or the limit would be passed. */
static void *ar_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    if (n > a->limit || a->total > a->limit - n) return NULL;
    blk *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > BLK_SIZE ? n : BLK_SIZE;
        b = malloc(BLK_HDR + cap);
        if (!b) return NULL;
        b->cap = cap;
        b->used = 0;
        if (a->head && n > BLK_SIZE) { /* keep the current block's free space for small ones */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (uint8_t *)b + BLK_HDR + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

static void ar_free(arena *a)
{
    blk *b = a->head;
    while (b) {
        blk *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- parser state and errors ---------------------------------------------------------------- */

typedef struct {
    arena ar;
    cf_class *c;
    cf_const *cp;
    uint32_t *cp_off; /* file offset of each constant pool entry, for messages */
    const uint8_t *base;
    char *msg;
    size_t cap;
    char ctx[160]; /* "method foo(I)V: " while inside a member */
    bool has_indy;
} ps;

__attribute__((format(printf, 3, 4))) static seam_err fail(ps *s, size_t off, const char *fmt, ...)
{
    if (s->msg && s->cap) {
        int n = snprintf(s->msg, s->cap, "offset 0x%zx: %s", off, s->ctx);
        if (n >= 0 && (size_t)n < s->cap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(s->msg + n, s->cap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return SEAM_E_FORMAT;
}

static seam_err nomem(ps *s)
{
    if (s->msg && s->cap)
        snprintf(s->msg, s->cap, "out of memory (or class file expands beyond %zu bytes)",
                 s->ar.limit);
    return SEAM_E_NOMEM;
}

static size_t at(const ps *s, const seam_rd *r)
{
    return (size_t)(r->p - s->base) + r->off;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        seam_err e_ = (x);                                                                         \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

static seam_err u8_(ps *s, seam_rd *r, uint8_t *v, const char *what)
{
    if (seam_rd_u8(r, v) != SEAM_OK) return fail(s, at(s, r), "truncated reading %s", what);
    return SEAM_OK;
}
static seam_err u16_(ps *s, seam_rd *r, uint16_t *v, const char *what)
{
    if (seam_rd_u16(r, v) != SEAM_OK) return fail(s, at(s, r), "truncated reading %s", what);
    return SEAM_OK;
}
static seam_err u32_(ps *s, seam_rd *r, uint32_t *v, const char *what)
{
    if (seam_rd_u32(r, v) != SEAM_OK) return fail(s, at(s, r), "truncated reading %s", what);
    return SEAM_OK;
}
static seam_err bytes_(ps *s, seam_rd *r, size_t n, const uint8_t **p, const char *what)
{
    if (seam_rd_bytes(r, n, p) != SEAM_OK)
        return fail(s, at(s, r), "%s of %zu bytes runs past the end (%zu left)", what, n,
                    seam_rd_left(r));
    return SEAM_OK;
}

static void *alloc(ps *s, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return ar_alloc(&s->ar, n * size);
}

/* ---- names and descriptors (JVMS §4.2, §4.3) ----------------------------------------------- */

/* Unqualified name (§4.2.2): non-empty, none of . ; [ /; method names also no < or >, except
 * the special names, which the caller allows where they are legal. */
static bool unqualified(const char *n, size_t len, bool method)
{
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = n[i];
        if (ch == '.' || ch == ';' || ch == '[' || ch == '/') return false;
        if (method && (ch == '<' || ch == '>')) return false;
    }
    return true;
}

/* Binary class name in internal form (§4.2.1): unqualified names separated by '/'. */
static bool binary_name(const char *n, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || n[i] == '/') {
            if (!unqualified(n + start, i - start, false)) return false;
            start = i + 1;
        }
    }
    return true;
}

/* One FieldType at d[*pos] (§4.3.2); *slots gets 1, or 2 for long and double. */
static bool field_type(const char *d, size_t len, size_t *pos, uint16_t *slots)
{
    size_t i = *pos;
    unsigned dims = 0;
    while (i < len && d[i] == '[') {
        if (++dims > 255) return false;
        i++;
    }
    if (i >= len) return false;
    *slots = 1;
    switch (d[i++]) {
    case 'B':
    case 'C':
    case 'F':
    case 'I':
    case 'S':
    case 'Z':
        break;
    case 'J':
    case 'D':
        if (!dims) *slots = 2;
        break;
    case 'L': {
        size_t start = i;
        while (i < len && d[i] != ';')
            i++;
        if (i >= len || !binary_name(d + start, i - start)) return false;
        i++;
        break;
    }
    default:
        return false;
    }
    *pos = i;
    return true;
}

seam_err cf_check_field_desc(const char *d, size_t len)
{
    if (!d) return SEAM_E_ARG;
    size_t pos = 0;
    uint16_t slots;
    return field_type(d, len, &pos, &slots) && pos == len ? SEAM_OK : SEAM_E_FORMAT;
}

seam_err cf_check_method_desc(const char *d, size_t len, uint16_t *arg_slots)
{
    if (!d) return SEAM_E_ARG;
    if (len < 3 || d[0] != '(') return SEAM_E_FORMAT;
    size_t pos = 1;
    unsigned total = 0;
    while (pos < len && d[pos] != ')') {
        uint16_t slots;
        if (!field_type(d, len, &pos, &slots)) return SEAM_E_FORMAT;
        total += slots;
        if (total > 255) return SEAM_E_FORMAT; /* §4.3.3 */
    }
    if (pos >= len) return SEAM_E_FORMAT;
    pos++;
    if (pos < len && d[pos] == 'V') {
        pos++;
    } else {
        uint16_t slots;
        if (!field_type(d, len, &pos, &slots)) return SEAM_E_FORMAT;
    }
    if (pos != len) return SEAM_E_FORMAT;
    if (arg_slots) *arg_slots = (uint16_t)total;
    return SEAM_OK;
}

/* Modified UTF-8 (§4.4.7): no byte 0 or 0xf0..0xff; two- and three-byte forms with
 * continuation bytes; no overlong forms except C0 80, the encoding of U+0000. */
static bool mutf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        if (b == 0 || b >= 0xf0) return false;
        if (b < 0x80) {
            i++;
        } else if ((b & 0xe0) == 0xc0) {
            if (n - i < 2 || (p[i + 1] & 0xc0) != 0x80) return false;
            unsigned v = ((unsigned)(b & 0x1f) << 6) | (p[i + 1] & 0x3f);
            if (v != 0 && v < 0x80) return false;
            i += 2;
        } else if ((b & 0xf0) == 0xe0) {
            if (n - i < 3 || (p[i + 1] & 0xc0) != 0x80 || (p[i + 2] & 0xc0) != 0x80) return false;
            unsigned v = ((unsigned)(b & 0x0f) << 12) | ((unsigned)(p[i + 1] & 0x3f) << 6) |
                         (p[i + 2] & 0x3f);
            if (v < 0x800) return false;
            i += 3;
        } else {
            return false; /* a stray continuation byte */
        }
    }
    return true;
}

/* ---- constant pool (JVMS §4.4) -------------------------------------------------------------- */

const char *cf_utf8(const cf_class *c, uint16_t i)
{
    if (!c || i == 0 || i >= c->cp_count || c->cp[i].tag != CF_CONST_UTF8) return NULL;
    return c->cp[i].utf8;
}

const char *cf_class_name(const cf_class *c, uint16_t i)
{
    if (!c || i == 0 || i >= c->cp_count || c->cp[i].tag != CF_CONST_CLASS) return NULL;
    return cf_utf8(c, c->cp[i].a);
}

static const char *tag_name(uint8_t tag)
{
    switch (tag) {
    case CF_CONST_UTF8:
        return "Utf8";
    case CF_CONST_INTEGER:
        return "Integer";
    case CF_CONST_FLOAT:
        return "Float";
    case CF_CONST_LONG:
        return "Long";
    case CF_CONST_DOUBLE:
        return "Double";
    case CF_CONST_CLASS:
        return "Class";
    case CF_CONST_STRING:
        return "String";
    case CF_CONST_FIELDREF:
        return "Fieldref";
    case CF_CONST_METHODREF:
        return "Methodref";
    case CF_CONST_INTERFACE_METHODREF:
        return "InterfaceMethodref";
    case CF_CONST_NAME_AND_TYPE:
        return "NameAndType";
    case CF_CONST_METHOD_HANDLE:
        return "MethodHandle";
    case CF_CONST_METHOD_TYPE:
        return "MethodType";
    case CF_CONST_INVOKE_DYNAMIC:
        return "InvokeDynamic";
    default:
        return "unusable slot";
    }
}

/* Checks that index i (read at offset off, described by what) names an entry of tag `tag`. */
static seam_err want(ps *s, size_t off, uint16_t i, uint8_t tag, const char *what)
{
    if (i == 0 || i >= s->c->cp_count)
        return fail(s, off, "%s: constant pool index %u out of range 1..%u", what, i,
                    s->c->cp_count - 1u);
    if (s->cp[i].tag != tag)
        return fail(s, off, "%s: constant pool entry %u is %s, not %s", what, i,
                    tag_name(s->cp[i].tag), tag_name(tag));
    return SEAM_OK;
}

static seam_err want_u16(ps *s, seam_rd *r, uint16_t *i, uint8_t tag, const char *what)
{
    size_t off = at(s, r);
    TRY(u16_(s, r, i, what));
    return want(s, off, *i, tag, what);
}

/* The NameAndType of a member reference: name kind and descriptor kind must match the ref. */
static seam_err check_member_ref(ps *s, uint16_t i)
{
    const cf_const *e = &s->cp[i];
    size_t off = s->cp_off[i];
    TRY(want(s, off, e->a, CF_CONST_CLASS, "member reference class"));
    TRY(want(s, off, e->b, CF_CONST_NAME_AND_TYPE, "member reference name_and_type"));
    const cf_const *name = &s->cp[s->cp[e->b].a], *desc = &s->cp[s->cp[e->b].b];
    if (e->tag == CF_CONST_FIELDREF) {
        if (!unqualified(name->utf8, name->utf8_len, false))
            return fail(s, off, "Fieldref %u: bad field name \"%s\"", i, name->utf8);
        if (cf_check_field_desc(desc->utf8, desc->utf8_len) != SEAM_OK)
            return fail(s, off, "Fieldref %u: bad field descriptor \"%s\"", i, desc->utf8);
        return SEAM_OK;
    }
    if (cf_check_method_desc(desc->utf8, desc->utf8_len, NULL) != SEAM_OK)
        return fail(s, off, "%s %u: bad method descriptor \"%s\"", tag_name(e->tag), i, desc->utf8);
    if (name->utf8_len && name->utf8[0] == '<') {
        /* §4.4.2: only Methodref may name <init>, and it returns void. */
        if (e->tag != CF_CONST_METHODREF || strcmp(name->utf8, "<init>") != 0 ||
            desc->utf8[desc->utf8_len - 1] != 'V')
            return fail(s, off, "%s %u: bad special method name \"%s\"", tag_name(e->tag), i,
                        name->utf8);
    } else if (!unqualified(name->utf8, name->utf8_len, true)) {
        return fail(s, off, "%s %u: bad method name \"%s\"", tag_name(e->tag), i, name->utf8);
    }
    return SEAM_OK;
}

static bool is_class_name(const cf_const *u)
{
    if (u->utf8_len && u->utf8[0] == '[')
        return cf_check_field_desc(u->utf8, u->utf8_len) == SEAM_OK;
    return binary_name(u->utf8, u->utf8_len);
}

/* Second pass: every cross reference of entry i. */
static seam_err check_entry(ps *s, uint16_t i)
{
    cf_const *e = &s->cp[i];
    size_t off = s->cp_off[i];
    uint16_t major = s->c->major;
    switch (e->tag) {
    case CF_CONST_CLASS:
        TRY(want(s, off, e->a, CF_CONST_UTF8, "Class name"));
        if (!is_class_name(&s->cp[e->a]))
            return fail(s, off, "Class %u: bad class name \"%s\"", i, s->cp[e->a].utf8);
        break;
    case CF_CONST_STRING:
        TRY(want(s, off, e->a, CF_CONST_UTF8, "String value"));
        break;
    case CF_CONST_FIELDREF:
    case CF_CONST_METHODREF:
    case CF_CONST_INTERFACE_METHODREF:
        TRY(check_member_ref(s, i));
        break;
    case CF_CONST_NAME_AND_TYPE: {
        TRY(want(s, off, e->a, CF_CONST_UTF8, "NameAndType name"));
        TRY(want(s, off, e->b, CF_CONST_UTF8, "NameAndType descriptor"));
        const cf_const *n = &s->cp[e->a], *d = &s->cp[e->b];
        if (!unqualified(n->utf8, n->utf8_len, false))
            return fail(s, off, "NameAndType %u: bad name \"%s\"", i, n->utf8);
        if (cf_check_field_desc(d->utf8, d->utf8_len) != SEAM_OK &&
            cf_check_method_desc(d->utf8, d->utf8_len, NULL) != SEAM_OK)
            return fail(s, off, "NameAndType %u: bad descriptor \"%s\"", i, d->utf8);
        break;
    }
    case CF_CONST_METHOD_HANDLE: {
        /* §4.4.8: the reference kind decides the kind of member referenced. */
        uint8_t k = e->ref_kind;
        if (k < 1 || k > 9) return fail(s, off, "MethodHandle %u: bad reference kind %u", i, k);
        if (e->a == 0 || e->a >= s->c->cp_count)
            return fail(s, off, "MethodHandle %u: reference %u out of range", i, e->a);
        uint8_t t = s->cp[e->a].tag;
        bool ok = k <= 4             ? t == CF_CONST_FIELDREF
                  : k == 5 || k == 8 ? t == CF_CONST_METHODREF
                  : k == 9           ? t == CF_CONST_INTERFACE_METHODREF
                                     : t == CF_CONST_METHODREF ||
                                 (major >= 52 && t == CF_CONST_INTERFACE_METHODREF);
        if (!ok)
            return fail(s, off, "MethodHandle %u: kind %u cannot reference a %s", i, k,
                        tag_name(t));
        if (k >= 5) {
            const char *name = s->cp[s->cp[s->cp[e->a].b].a].utf8;
            bool init = strcmp(name, "<init>") == 0;
            if (init != (k == 8))
                return fail(s, off, "MethodHandle %u: kind %u with method \"%s\"", i, k, name);
        }
        break;
    }
    case CF_CONST_METHOD_TYPE:
        TRY(want(s, off, e->a, CF_CONST_UTF8, "MethodType descriptor"));
        if (cf_check_method_desc(s->cp[e->a].utf8, s->cp[e->a].utf8_len, NULL) != SEAM_OK)
            return fail(s, off, "MethodType %u: bad method descriptor", i);
        break;
    case CF_CONST_INVOKE_DYNAMIC: {
        TRY(want(s, off, e->b, CF_CONST_NAME_AND_TYPE, "InvokeDynamic name_and_type"));
        const cf_const *d = &s->cp[s->cp[e->b].b];
        if (cf_check_method_desc(d->utf8, d->utf8_len, NULL) != SEAM_OK)
            return fail(s, off, "InvokeDynamic %u: descriptor is not a method descriptor", i);
        s->has_indy = true;
        break;
    }
    default:
        break;
    }
    return SEAM_OK;
}

static seam_err read_cpool(ps *s, seam_rd *r)
{
    cf_class *c = s->c;
    TRY(u16_(s, r, &c->cp_count, "constant_pool_count"));
    if (c->cp_count == 0) return fail(s, at(s, r) - 2, "constant_pool_count is 0");
    s->cp = alloc(s, c->cp_count, sizeof *s->cp);
    s->cp_off = alloc(s, c->cp_count, sizeof *s->cp_off);
    if (!s->cp || !s->cp_off) return nomem(s);
    c->cp = s->cp;
    for (uint32_t i = 1; i < c->cp_count; i++) {
        cf_const *e = &s->cp[i];
        size_t off = at(s, r);
        s->cp_off[i] = (uint32_t)off;
        uint8_t tag;
        uint32_t v32;
        TRY(u8_(s, r, &tag, "constant pool tag"));
        switch (tag) {
        case CF_CONST_UTF8: {
            const uint8_t *p;
            TRY(u16_(s, r, &e->utf8_len, "Utf8 length"));
            TRY(bytes_(s, r, e->utf8_len, &p, "Utf8 string"));
            if (!mutf8_valid(p, e->utf8_len))
                return fail(s, off, "constant pool entry %u: invalid modified UTF-8", i);
            char *str = alloc(s, (size_t)e->utf8_len + 1, 1);
            if (!str) return nomem(s);
            memcpy(str, p, e->utf8_len);
            e->utf8 = str;
            break;
        }
        case CF_CONST_INTEGER:
        case CF_CONST_FLOAT:
            TRY(u32_(s, r, &v32, "constant value"));
            e->bits = v32;
            break;
        case CF_CONST_LONG:
        case CF_CONST_DOUBLE: {
            uint32_t lo;
            TRY(u32_(s, r, &v32, "constant value"));
            TRY(u32_(s, r, &lo, "constant value"));
            e->bits = ((uint64_t)v32 << 32) | lo;
            /* §4.4.5: takes two slots; the second must exist and is unusable. */
            if (i + 1 >= c->cp_count)
                return fail(s, off, "constant pool entry %u: %s in the last slot", i,
                            tag_name(tag));
            i++;
            s->cp_off[i] = (uint32_t)off;
            break;
        }
        case CF_CONST_CLASS:
        case CF_CONST_STRING:
        case CF_CONST_METHOD_TYPE:
            TRY(u16_(s, r, &e->a, "constant pool index"));
            break;
        case CF_CONST_FIELDREF:
        case CF_CONST_METHODREF:
        case CF_CONST_INTERFACE_METHODREF:
        case CF_CONST_NAME_AND_TYPE:
        case CF_CONST_INVOKE_DYNAMIC:
            TRY(u16_(s, r, &e->a, "constant pool index"));
            TRY(u16_(s, r, &e->b, "constant pool index"));
            break;
        case CF_CONST_METHOD_HANDLE:
            TRY(u8_(s, r, &e->ref_kind, "MethodHandle reference kind"));
            TRY(u16_(s, r, &e->a, "constant pool index"));
            break;
        default:
            return fail(s, off, "constant pool entry %u: unknown tag %u", i, tag);
        }
        if (tag >= CF_CONST_METHOD_HANDLE && c->major < 51)
            return fail(s, off, "constant pool entry %u: %s needs class file version 51", i,
                        tag_name(tag));
        e->tag = tag;
    }
    /* Entries may refer forward, so references are checked after reading, in three rounds so
     * that each round reads only entries an earlier round checked: first those that name Utf8
     * entries, then member references and InvokeDynamic (which name Class and NameAndType
     * entries), then MethodHandle (which names member references). */
    for (int round = 0; round < 3; round++) {
        for (uint32_t i = 1; i < c->cp_count; i++) {
            uint8_t t = s->cp[i].tag;
            int want_round = t == CF_CONST_METHOD_HANDLE ? 2
                             : t == CF_CONST_FIELDREF || t == CF_CONST_METHODREF ||
                                     t == CF_CONST_INTERFACE_METHODREF ||
                                     t == CF_CONST_INVOKE_DYNAMIC
                                 ? 1
                                 : 0;
            if (round == want_round) TRY(check_entry(s, (uint16_t)i));
        }
    }
    return SEAM_OK;
}

/* ---- attributes ----------------------------------------------------------------------------- */

/* Reads one attribute header; body is bounded by attribute_length (§4.7). */
static seam_err read_attr(ps *s, seam_rd *r, const char **name, seam_rd *body)
{
    uint16_t ni;
    uint32_t len;
    const uint8_t *p;
    TRY(want_u16(s, r, &ni, CF_CONST_UTF8, "attribute_name_index"));
    TRY(u32_(s, r, &len, "attribute_length"));
    *name = s->cp[ni].utf8;
    TRY(bytes_(s, r, len, &p, *name));
    seam_rd_init(body, p, len);
    return SEAM_OK;
}

static seam_err attr_done(ps *s, seam_rd *body, const char *name)
{
    if (seam_rd_left(body))
        return fail(s, at(s, body), "%zu bytes left over at the end of the %s attribute",
                    seam_rd_left(body), name);
    return SEAM_OK;
}

/* ---- Code, exception table, StackMapTable (§4.7.3, §4.7.4) ------------------------------ */

enum { START = 1, NEW = 2 }; /* marks per code byte */

/* Walks the code once to mark instruction starts (and `new` instructions), then again to check
 * every branch target lands on an instruction start (§4.9.1). */
static seam_err check_code(ps *s, cf_code *code, size_t code_off, uint8_t *mark)
{
    bc_walker w;
    bc_insn in;
    char m[128];
    seam_err e;
    bc_walk_init(&w, code->code, code->code_len);
    while ((e = bc_walk_next(&w, &in, m, sizeof m)) == SEAM_OK) {
        mark[in.pc] = in.opcode == 0xbb ? NEW : START;
        if (s->c->major >= 51 && (in.opcode == 0xa8 || in.opcode == 0xc9 || in.opcode == 0xa9))
            return fail(s, code_off + in.pc, "pc %u: %s is not allowed in class files >= 51.0",
                        in.pc, bc_opcode_name(in.opcode));
        if (s->c->major < 51 && in.opcode == 0xba)
            return fail(s, code_off + in.pc, "pc %u: invokedynamic needs class file 51.0", in.pc);
    }
    if (e != SEAM_E_NOT_FOUND) return fail(s, code_off + w.pc, "%s", m);
    bc_walk_init(&w, code->code, code->code_len);
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
        int64_t t[3];
        size_t nt = 0;
        const uint8_t *q = in.operands;
        uint8_t op = in.opcode;
        if ((op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) {
            t[nt++] = (int16_t)seam_be16(q);
        } else if (op == 0xc8 || op == 0xc9) {
            t[nt++] = (int32_t)seam_be32(q);
        } else if (op == 0xaa || op == 0xab) {
            /* default, then each jump offset of the table */
            uint32_t n, step, first;
            if (op == 0xaa) {
                n = (uint32_t)((int64_t)(int32_t)seam_be32(q + 8) -
                               (int64_t)(int32_t)seam_be32(q + 4) + 1);
                step = 4;
                first = 12;
            } else {
                n = seam_be32(q + 4);
                step = 8;
                first = 12;
            }
            for (uint32_t k = 0; k <= n; k++) {
                int32_t d = (int32_t)seam_be32(k == 0 ? q : q + first + (k - 1) * step);
                int64_t target = (int64_t)in.pc + d;
                if (target < 0 || target >= code->code_len || !mark[target])
                    return fail(s, code_off + in.pc, "pc %u: %s target %lld is not an instruction",
                                in.pc, bc_opcode_name(op), (long long)target);
            }
        }
        for (size_t k = 0; k < nt; k++) {
            int64_t target = (int64_t)in.pc + t[k];
            if (target < 0 || target >= code->code_len || !mark[target])
                return fail(s, code_off + in.pc, "pc %u: %s target %lld is not an instruction",
                            in.pc, bc_opcode_name(op), (long long)target);
        }
    }
    return SEAM_OK;
}

typedef struct {
    const cf_method *m;
    const uint8_t *mark;
    cf_code *code;
} mctx;

static uint16_t vt_slots(const cf_vtype *v)
{
    return v->tag == CF_VT_LONG || v->tag == CF_VT_DOUBLE ? 2 : 1;
}

static seam_err read_vtype(ps *s, seam_rd *r, const mctx *mc, cf_vtype *v)
{
    size_t off = at(s, r);
    TRY(u8_(s, r, &v->tag, "verification_type_info tag"));
    if (v->tag == CF_VT_OBJECT) {
        TRY(want_u16(s, r, &v->cpool, CF_CONST_CLASS, "Object_variable_info"));
        const cf_const *u = &s->cp[s->cp[v->cpool].a];
        v->name = u->utf8;
        v->name_len = u->utf8_len;
    } else if (v->tag == CF_VT_UNINITIALIZED) {
        TRY(u16_(s, r, &v->offset, "Uninitialized_variable_info offset"));
        if (v->offset >= mc->code->code_len || mc->mark[v->offset] != NEW)
            return fail(s, off, "Uninitialized offset %u is not a new instruction", v->offset);
    } else if (v->tag > CF_VT_UNINITIALIZED) {
        return fail(s, off, "bad verification_type_info tag %u", v->tag);
    }
    return SEAM_OK;
}

/* The implicit initial frame's locals (§4.10.1.6): `this`, then the parameters. */
static seam_err initial_locals(ps *s, const mctx *mc, cf_vtype **out, uint16_t *n)
{
    const cf_method *m = mc->m;
    const char *d = m->desc;
    size_t max = (size_t)m->arg_slots + 1;
    cf_vtype *l = alloc(s, max, sizeof *l);
    if (!l) return nomem(s);
    uint16_t k = 0;
    if (!(m->access & CF_ACC_STATIC)) {
        if (strcmp(m->name, "<init>") == 0 && strcmp(s->c->name, "java/lang/Object") != 0) {
            l[k].tag = CF_VT_UNINITIALIZED_THIS;
        } else {
            l[k].tag = CF_VT_OBJECT;
            l[k].cpool = s->c->this_class;
            l[k].name = s->c->name;
            l[k].name_len = (uint16_t)strlen(s->c->name);
        }
        k++;
    }
    /* The descriptor was validated: each parameter is one well-formed FieldType. */
    size_t i = 1;
    while (d[i] != ')') {
        size_t start = i;
        while (d[i] == '[')
            i++;
        char ch = d[i];
        if (ch == 'L')
            while (d[i] != ';')
                i++;
        i++;
        cf_vtype *v = &l[k++];
        if (start != i - 1 || ch == 'L') {
            v->tag = CF_VT_OBJECT;
            v->name = d + start + (ch == 'L' && d[start] == 'L');
            v->name_len = (uint16_t)(i - start - (d[start] == 'L' ? 2 : 0));
        } else if (ch == 'F') {
            v->tag = CF_VT_FLOAT;
        } else if (ch == 'J') {
            v->tag = CF_VT_LONG;
        } else if (ch == 'D') {
            v->tag = CF_VT_DOUBLE;
        } else {
            v->tag = CF_VT_INTEGER;
        }
    }
    *out = l;
    *n = k;
    return SEAM_OK;
}

static seam_err read_vtypes(ps *s, seam_rd *r, const mctx *mc, cf_vtype *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        TRY(read_vtype(s, r, mc, &v[i]));
    return SEAM_OK;
}

static seam_err read_stack_map(ps *s, seam_rd *r, const mctx *mc)
{
    cf_code *code = mc->code;
    uint16_t n;
    TRY(u16_(s, r, &n, "number_of_entries"));
    cf_frame *frames = alloc(s, n, sizeof *frames);
    if (!frames) return nomem(s);
    cf_vtype *locals;
    uint16_t nlocals;
    TRY(initial_locals(s, mc, &locals, &nlocals));
    /* Local slots are kept up to date frame by frame (not recounted), so that many small
     * frames over a long locals list cost time in proportion to the input, not its square. */
    uint32_t ls = 0;
    for (uint32_t k = 0; k < nlocals; k++)
        ls += vt_slots(&locals[k]);
    uint32_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        cf_frame *f = &frames[i];
        size_t off = at(s, r);
        uint8_t t;
        uint16_t delta;
        TRY(u8_(s, r, &t, "frame_type"));
        f->frame_type = t;
        f->nstack = 0;
        cf_vtype *stack = NULL;
        if (t <= 63) {
            f->kind = CF_FRAME_SAME;
            delta = t;
        } else if (t <= 127 || t == 247) {
            f->kind = t == 247 ? CF_FRAME_SAME_LOCALS_1_STACK_ITEM_EXTENDED
                               : CF_FRAME_SAME_LOCALS_1_STACK_ITEM;
            delta = (uint16_t)(t - 64);
            if (t == 247) TRY(u16_(s, r, &delta, "offset_delta"));
            stack = alloc(s, 1, sizeof *stack);
            if (!stack) return nomem(s);
            TRY(read_vtype(s, r, mc, stack));
            f->nstack = 1;
        } else if (t < 247) {
            return fail(s, off, "frame %u: reserved frame_type %u", i, t);
        } else {
            TRY(u16_(s, r, &delta, "offset_delta"));
            if (t <= 250) {
                f->kind = CF_FRAME_CHOP;
                unsigned k = 251u - t;
                if (k > nlocals)
                    return fail(s, off, "frame %u: chop %u locals of %u", i, k, nlocals);
                for (unsigned j = nlocals - k; j < nlocals; j++)
                    ls -= vt_slots(&locals[j]);
                nlocals = (uint16_t)(nlocals - k); /* a prefix of the same array */
            } else if (t == 251) {
                f->kind = CF_FRAME_SAME_EXTENDED;
            } else if (t <= 254) {
                f->kind = CF_FRAME_APPEND;
                unsigned k = t - 251u;
                if ((size_t)nlocals + k > 0xffff)
                    return fail(s, off, "frame %u: too many locals", i);
                cf_vtype *l = alloc(s, (size_t)nlocals + k, sizeof *l);
                if (!l) return nomem(s);
                memcpy(l, locals, (size_t)nlocals * sizeof *l);
                TRY(read_vtypes(s, r, mc, l + nlocals, k));
                for (unsigned j = nlocals; j < nlocals + k; j++)
                    ls += vt_slots(&l[j]);
                locals = l;
                nlocals = (uint16_t)(nlocals + k);
            } else {
                f->kind = CF_FRAME_FULL;
                uint16_t nl, ns;
                TRY(u16_(s, r, &nl, "number_of_locals"));
                /* Each entry takes at least one byte: refuse counts the body cannot hold
                 * before allocating for them. */
                if (nl > seam_rd_left(r)) return fail(s, off, "frame %u: locals overrun", i);
                cf_vtype *l = alloc(s, nl, sizeof *l);
                if (!l) return nomem(s);
                TRY(read_vtypes(s, r, mc, l, nl));
                TRY(u16_(s, r, &ns, "number_of_stack_items"));
                if (ns > seam_rd_left(r)) return fail(s, off, "frame %u: stack overrun", i);
                stack = alloc(s, ns, sizeof *stack);
                if (!stack) return nomem(s);
                TRY(read_vtypes(s, r, mc, stack, ns));
                ls = 0;
                for (uint32_t j = 0; j < nl; j++)
                    ls += vt_slots(&l[j]);
                locals = l;
                nlocals = nl;
                f->nstack = ns;
            }
        }
        /* §4.7.4: the first frame is at offset_delta, each later one at prev + delta + 1. */
        uint32_t pc = i == 0 ? delta : prev + delta + 1u;
        if (pc >= code->code_len)
            return fail(s, off, "frame %u: offset %u is past the end of the code (%u bytes)", i, pc,
                        code->code_len);
        if (!mc->mark[pc])
            return fail(s, off, "frame %u: offset %u is not an instruction start", i, pc);
        prev = pc;
        f->offset = (uint16_t)pc;
        f->locals = locals;
        f->nlocals = nlocals;
        f->stack = stack;
        uint32_t ss = 0;
        for (uint32_t k = 0; k < f->nstack; k++)
            ss += vt_slots(&stack[k]);
        if (ls > code->max_locals)
            return fail(s, off, "frame %u: %u local slots > max_locals %u", i, ls,
                        code->max_locals);
        if (ss > code->max_stack)
            return fail(s, off, "frame %u: %u stack slots > max_stack %u", i, ss, code->max_stack);
        f->locals_slots = (uint16_t)ls;
        f->stack_slots = (uint16_t)ss;
    }
    code->nframes = n;
    code->frames = frames;
    return SEAM_OK;
}

static seam_err read_code(ps *s, seam_rd *r, cf_method *m)
{
    cf_code *code = alloc(s, 1, sizeof *code);
    if (!code) return nomem(s);
    size_t off = at(s, r);
    TRY(u16_(s, r, &code->max_stack, "max_stack"));
    TRY(u16_(s, r, &code->max_locals, "max_locals"));
    TRY(u32_(s, r, &code->code_len, "code_length"));
    if (code->code_len == 0 || code->code_len > 0xffff)
        return fail(s, off + 4, "code_length %u is not in 1..65535", code->code_len);
    unsigned args = m->arg_slots + !(m->access & CF_ACC_STATIC);
    if (args > code->max_locals)
        return fail(s, off + 2, "max_locals %u < %u parameter slots", code->max_locals, args);
    size_t code_off = at(s, r);
    TRY(bytes_(s, r, code->code_len, &code->code, "code"));
    uint8_t *mark = alloc(s, code->code_len, 1);
    if (!mark) return nomem(s);
    TRY(check_code(s, code, code_off, mark));

    TRY(u16_(s, r, &code->nhandlers, "exception_table_length"));
    cf_handler *h = alloc(s, code->nhandlers, sizeof *h);
    if (!h) return nomem(s);
    for (uint32_t i = 0; i < code->nhandlers; i++) {
        size_t hoff = at(s, r);
        TRY(u16_(s, r, &h[i].start_pc, "start_pc"));
        TRY(u16_(s, r, &h[i].end_pc, "end_pc"));
        TRY(u16_(s, r, &h[i].handler_pc, "handler_pc"));
        TRY(u16_(s, r, &h[i].catch_type, "catch_type"));
        /* §4.7.3: start < end; start and handler are instructions; end is one or the end. */
        uint32_t len = code->code_len;
        if (h[i].start_pc >= h[i].end_pc || h[i].end_pc > len || !mark[h[i].start_pc] ||
            (h[i].end_pc < len && !mark[h[i].end_pc]))
            return fail(s, hoff, "exception handler %u: bad range [%u, %u) in %u bytes of code", i,
                        h[i].start_pc, h[i].end_pc, len);
        if (h[i].handler_pc >= len || !mark[h[i].handler_pc])
            return fail(s, hoff, "exception handler %u: handler_pc %u is not an instruction", i,
                        h[i].handler_pc);
        if (h[i].catch_type) TRY(want(s, hoff + 6, h[i].catch_type, CF_CONST_CLASS, "catch_type"));
    }
    code->handlers = h;

    mctx mc = {m, mark, code};
    uint16_t nattr;
    bool seen_map = false;
    TRY(u16_(s, r, &nattr, "Code attributes_count"));
    for (uint32_t i = 0; i < nattr; i++) {
        const char *name;
        seam_rd body;
        size_t aoff = at(s, r);
        TRY(read_attr(s, r, &name, &body));
        if (strcmp(name, "StackMapTable") == 0 && s->c->major >= 50) {
            if (seen_map) return fail(s, aoff, "second StackMapTable attribute");
            seen_map = true;
            TRY(read_stack_map(s, &body, &mc));
            TRY(attr_done(s, &body, name));
        }
    }
    m->code = code;
    return SEAM_OK;
}

/* ---- fields and methods (§4.5, §4.6) --------------------------------------------------------- */

static bool one_visibility(uint16_t acc)
{
    unsigned v = acc & (CF_ACC_PUBLIC | CF_ACC_PRIVATE | CF_ACC_PROTECTED);
    return (v & (v - 1)) == 0;
}

static seam_err read_field(ps *s, seam_rd *r, cf_field *f)
{
    size_t off = at(s, r);
    bool iface = s->c->access & CF_ACC_INTERFACE;
    TRY(u16_(s, r, &f->access, "field access_flags"));
    TRY(want_u16(s, r, &f->name_index, CF_CONST_UTF8, "field name_index"));
    TRY(want_u16(s, r, &f->desc_index, CF_CONST_UTF8, "field descriptor_index"));
    const cf_const *n = &s->cp[f->name_index], *d = &s->cp[f->desc_index];
    f->name = n->utf8;
    f->desc = d->utf8;
    snprintf(s->ctx, sizeof s->ctx, "field %.60s %.60s: ", f->name, f->desc);
    if (!unqualified(n->utf8, n->utf8_len, false)) return fail(s, off + 2, "bad field name");
    if (cf_check_field_desc(d->utf8, d->utf8_len) != SEAM_OK)
        return fail(s, off + 4, "bad field descriptor");
    uint16_t a = f->access;
    if (!one_visibility(a) || ((a & CF_ACC_FINAL) && (a & CF_ACC_VOLATILE)))
        return fail(s, off, "bad access flags 0x%04x", a);
    if (iface &&
        ((a & ~CF_ACC_SYNTHETIC) & 0x7fff) != (CF_ACC_PUBLIC | CF_ACC_STATIC | CF_ACC_FINAL))
        return fail(s, off, "interface field access flags 0x%04x", a);
    uint16_t nattr;
    bool seen = false;
    TRY(u16_(s, r, &nattr, "field attributes_count"));
    for (uint32_t i = 0; i < nattr; i++) {
        const char *name;
        seam_rd body;
        size_t aoff = at(s, r);
        TRY(read_attr(s, r, &name, &body));
        if (strcmp(name, "ConstantValue") != 0) continue;
        if (seen) return fail(s, aoff, "second ConstantValue attribute");
        seen = true;
        uint16_t v;
        size_t voff = at(s, &body);
        TRY(u16_(s, &body, &v, "constantvalue_index"));
        TRY(attr_done(s, &body, name));
        /* §4.7.2, Table 4.7.2-A: the constant's tag follows the field's type. */
        char t = d->utf8[0];
        uint8_t tag = t == 'J'   ? CF_CONST_LONG
                      : t == 'F' ? CF_CONST_FLOAT
                      : t == 'D' ? CF_CONST_DOUBLE
                      : t == 'L' ? CF_CONST_STRING
                      : t == '[' ? 0
                                 : CF_CONST_INTEGER;
        if (tag == CF_CONST_STRING && strcmp(d->utf8, "Ljava/lang/String;") != 0) tag = 0;
        if (!tag) return fail(s, voff, "ConstantValue on a field of type %s", d->utf8);
        TRY(want(s, voff, v, tag, "constantvalue_index"));
        if (a & CF_ACC_STATIC) f->constant_value = v; /* ignored on instance fields */
    }
    s->ctx[0] = 0;
    return SEAM_OK;
}

static seam_err read_method(ps *s, seam_rd *r, cf_method *m)
{
    size_t off = at(s, r);
    cf_class *c = s->c;
    bool iface = c->access & CF_ACC_INTERFACE;
    TRY(u16_(s, r, &m->access, "method access_flags"));
    TRY(want_u16(s, r, &m->name_index, CF_CONST_UTF8, "method name_index"));
    TRY(want_u16(s, r, &m->desc_index, CF_CONST_UTF8, "method descriptor_index"));
    const cf_const *n = &s->cp[m->name_index], *d = &s->cp[m->desc_index];
    m->name = n->utf8;
    m->desc = d->utf8;
    snprintf(s->ctx, sizeof s->ctx, "method %.60s%.80s: ", m->name, m->desc);
    if (cf_check_method_desc(d->utf8, d->utf8_len, &m->arg_slots) != SEAM_OK)
        return fail(s, off + 4, "bad method descriptor");
    uint16_t a = m->access;
    bool init = strcmp(m->name, "<init>") == 0, clinit = strcmp(m->name, "<clinit>") == 0;
    if (!init && !clinit && !unqualified(n->utf8, n->utf8_len, true))
        return fail(s, off + 2, "bad method name");
    if (m->arg_slots + !(a & CF_ACC_STATIC) > 255)
        return fail(s, off + 4, "more than 255 parameter slots");
    if (init && d->utf8[d->utf8_len - 1] != 'V') return fail(s, off + 4, "<init> must return V");
    if (clinit && (strcmp(m->desc, "()V") != 0 || (c->major >= 51 && !(a & CF_ACC_STATIC))))
        return fail(s, off, "<clinit> must be static ()V");
    /* §4.6: at most one visibility; abstract excludes private, static, final, synchronized,
     * native and strict; interface methods before 52.0 are public abstract. */
    if (!one_visibility(a)) return fail(s, off, "bad access flags 0x%04x", a);
    if ((a & CF_ACC_ABSTRACT) && (a & (CF_ACC_PRIVATE | CF_ACC_STATIC | CF_ACC_FINAL |
                                       CF_ACC_SYNCHRONIZED | CF_ACC_NATIVE | CF_ACC_STRICT)))
        return fail(s, off, "abstract method with access flags 0x%04x", a);
    if (iface && !clinit) {
        if (c->major < 52 &&
            (a & (CF_ACC_PUBLIC | CF_ACC_ABSTRACT)) != (CF_ACC_PUBLIC | CF_ACC_ABSTRACT))
            return fail(s, off, "interface method must be public abstract (0x%04x)", a);
        if ((a & (CF_ACC_PROTECTED | CF_ACC_FINAL | CF_ACC_SYNCHRONIZED | CF_ACC_NATIVE)) ||
            !(a & (CF_ACC_PUBLIC | CF_ACC_PRIVATE)) || init)
            return fail(s, off, "bad interface method access flags 0x%04x", a);
    }
    if (init && (a & (CF_ACC_STATIC | CF_ACC_FINAL | CF_ACC_SYNCHRONIZED | CF_ACC_BRIDGE |
                      CF_ACC_NATIVE | CF_ACC_ABSTRACT)))
        return fail(s, off, "<init> with access flags 0x%04x", a);
    uint16_t nattr;
    bool seen_code = false, seen_exc = false;
    TRY(u16_(s, r, &nattr, "method attributes_count"));
    for (uint32_t i = 0; i < nattr; i++) {
        const char *name;
        seam_rd body;
        size_t aoff = at(s, r);
        TRY(read_attr(s, r, &name, &body));
        if (strcmp(name, "Code") == 0) {
            if (seen_code) return fail(s, aoff, "second Code attribute");
            if (a & (CF_ACC_ABSTRACT | CF_ACC_NATIVE))
                return fail(s, aoff, "Code attribute on an abstract or native method");
            seen_code = true;
            TRY(read_code(s, &body, m));
            TRY(attr_done(s, &body, name));
        } else if (strcmp(name, "Exceptions") == 0) {
            if (seen_exc) return fail(s, aoff, "second Exceptions attribute");
            seen_exc = true;
            TRY(u16_(s, &body, &m->nexceptions, "number_of_exceptions"));
            uint16_t *x = alloc(s, m->nexceptions, sizeof *x);
            if (!x) return nomem(s);
            for (uint32_t k = 0; k < m->nexceptions; k++)
                TRY(want_u16(s, &body, &x[k], CF_CONST_CLASS, "exception_index"));
            m->exceptions = x;
            TRY(attr_done(s, &body, name));
        }
    }
    if (!seen_code && !(a & (CF_ACC_ABSTRACT | CF_ACC_NATIVE)))
        return fail(s, off, "no Code attribute");
    s->ctx[0] = 0;
    return SEAM_OK;
}

/* ---- the class (§4.1) ----------------------------------------------------------------------- */

static seam_err read_bootstrap(ps *s, seam_rd *body)
{
    TRY(u16_(s, body, &s->c->nbootstrap, "num_bootstrap_methods"));
    for (uint32_t i = 0; i < s->c->nbootstrap; i++) {
        uint16_t mh, nargs, arg;
        TRY(want_u16(s, body, &mh, CF_CONST_METHOD_HANDLE, "bootstrap_method_ref"));
        TRY(u16_(s, body, &nargs, "num_bootstrap_arguments"));
        for (uint32_t k = 0; k < nargs; k++) {
            size_t off = at(s, body);
            TRY(u16_(s, body, &arg, "bootstrap_argument"));
            uint8_t t = arg && arg < s->c->cp_count ? s->cp[arg].tag : 0;
            if (t != CF_CONST_STRING && t != CF_CONST_CLASS && t != CF_CONST_INTEGER &&
                t != CF_CONST_LONG && t != CF_CONST_FLOAT && t != CF_CONST_DOUBLE &&
                t != CF_CONST_METHOD_HANDLE && t != CF_CONST_METHOD_TYPE)
                return fail(s, off, "bootstrap argument %u is not a loadable constant", arg);
        }
    }
    return SEAM_OK;
}

/* Members are sorted by (name, descriptor) through an index so duplicates are adjacent
 * (JVMS §4.5, §4.6: no two fields, or two methods, with the same name and descriptor). */
typedef struct {
    const char *name, *desc;
} member_key;

static int key_cmp(const void *a, const void *b)
{
    const member_key *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : strcmp(x->desc, y->desc);
}

static seam_err no_duplicates(ps *s, member_key *keys, size_t n, const char *what)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    for (size_t i = 1; i < n; i++)
        if (key_cmp(&keys[i - 1], &keys[i]) == 0)
            return fail(s, 0, "two %s named %s %s", what, keys[i].name, keys[i].desc);
    return SEAM_OK;
}

static seam_err parse(ps *s, seam_rd *r)
{
    cf_class *c = s->c;
    uint32_t magic;
    TRY(u32_(s, r, &magic, "magic"));
    if (magic != 0xCAFEBABE) return fail(s, 0, "bad magic 0x%08x (not a class file)", magic);
    TRY(u16_(s, r, &c->minor, "minor_version"));
    TRY(u16_(s, r, &c->major, "major_version"));
    /* JVMS SE 8 §4.1: 45.0 <= version <= 52.0. */
    if (c->major < 45 || c->major > 52 || (c->major == 52 && c->minor != 0)) {
        fail(s, 4, "class file version %u.%u is not in 45.0..52.0 (compile with -target 8)",
             c->major, c->minor);
        return SEAM_E_UNSUPPORTED;
    }
    TRY(read_cpool(s, r));

    size_t off = at(s, r);
    TRY(u16_(s, r, &c->access, "access_flags"));
    uint16_t a = c->access;
    if (a & CF_ACC_INTERFACE) {
        if (!(a & CF_ACC_ABSTRACT) || (a & (CF_ACC_FINAL | CF_ACC_SUPER | CF_ACC_ENUM)))
            return fail(s, off, "bad interface access flags 0x%04x", a);
    } else if ((a & CF_ACC_ANNOTATION) || ((a & CF_ACC_FINAL) && (a & CF_ACC_ABSTRACT))) {
        return fail(s, off, "bad class access flags 0x%04x", a);
    }
    off = at(s, r);
    TRY(want_u16(s, r, &c->this_class, CF_CONST_CLASS, "this_class"));
    c->name = cf_class_name(c, c->this_class);
    if (c->name[0] == '[') return fail(s, off, "this_class is an array type");
    off = at(s, r);
    TRY(u16_(s, r, &c->super_class, "super_class"));
    if (c->super_class == 0) {
        if (strcmp(c->name, "java/lang/Object") != 0)
            return fail(s, off, "super_class 0 for a class other than java/lang/Object");
    } else {
        TRY(want(s, off, c->super_class, CF_CONST_CLASS, "super_class"));
        c->super_name = cf_class_name(c, c->super_class);
        if (c->super_name[0] == '[') return fail(s, off, "super_class is an array type");
        if ((a & CF_ACC_INTERFACE) && strcmp(c->super_name, "java/lang/Object") != 0)
            return fail(s, off, "an interface's super_class must be java/lang/Object");
    }
    TRY(u16_(s, r, &c->ninterfaces, "interfaces_count"));
    uint16_t *ifs = alloc(s, c->ninterfaces, sizeof *ifs);
    if (!ifs) return nomem(s);
    for (uint32_t i = 0; i < c->ninterfaces; i++)
        TRY(want_u16(s, r, &ifs[i], CF_CONST_CLASS, "interface"));
    c->interfaces = ifs;

    TRY(u16_(s, r, &c->nfields, "fields_count"));
    cf_field *fields = alloc(s, c->nfields, sizeof *fields);
    if (!fields) return nomem(s);
    for (uint32_t i = 0; i < c->nfields; i++)
        TRY(read_field(s, r, &fields[i]));
    c->fields = fields;

    TRY(u16_(s, r, &c->nmethods, "methods_count"));
    cf_method *methods = alloc(s, c->nmethods, sizeof *methods);
    if (!methods) return nomem(s);
    for (uint32_t i = 0; i < c->nmethods; i++)
        TRY(read_method(s, r, &methods[i]));
    c->methods = methods;

    uint16_t nattr;
    bool seen_bsm = false;
    TRY(u16_(s, r, &nattr, "class attributes_count"));
    for (uint32_t i = 0; i < nattr; i++) {
        const char *name;
        seam_rd body;
        off = at(s, r);
        TRY(read_attr(s, r, &name, &body));
        if (strcmp(name, "BootstrapMethods") == 0) {
            if (seen_bsm) return fail(s, off, "second BootstrapMethods attribute");
            seen_bsm = true;
            TRY(read_bootstrap(s, &body));
            TRY(attr_done(s, &body, name));
        }
    }
    if (seam_rd_left(r))
        return fail(s, at(s, r), "%zu bytes after the end of the class file", seam_rd_left(r));
    size_t nkeys = c->nfields > c->nmethods ? c->nfields : c->nmethods;
    member_key *keys = alloc(s, nkeys, sizeof *keys);
    if (!keys) return nomem(s);
    for (uint32_t i = 0; i < c->nfields; i++)
        keys[i] = (member_key){c->fields[i].name, c->fields[i].desc};
    TRY(no_duplicates(s, keys, c->nfields, "fields"));
    for (uint32_t i = 0; i < c->nmethods; i++)
        keys[i] = (member_key){c->methods[i].name, c->methods[i].desc};
    TRY(no_duplicates(s, keys, c->nmethods, "methods"));
    /* §4.7.23: InvokeDynamic's first index is into BootstrapMethods. */
    for (uint32_t i = 1; i < c->cp_count; i++)
        if (s->cp[i].tag == CF_CONST_INVOKE_DYNAMIC && s->cp[i].a >= c->nbootstrap)
            return fail(s, s->cp_off[i], "InvokeDynamic %u: bootstrap method %u of %u", i,
                        s->cp[i].a, c->nbootstrap);
    return SEAM_OK;
}

seam_err cf_parse(const uint8_t *data, size_t len, cf_class **out, char *msg, size_t cap)
{
    if (msg && cap) msg[0] = 0;
    if (!out || (!data && len)) return SEAM_E_ARG;
    *out = NULL;
    ps s;
    memset(&s, 0, sizeof s);
    s.msg = msg;
    s.cap = cap;
    /* Bound: generous for any real class, small enough that hostile stack maps cannot
     * exhaust the host. */
    s.ar.limit =
        len > (SIZE_MAX - ((size_t)64 << 20)) / 64 ? SIZE_MAX : ((size_t)64 << 20) + 64 * len;
    s.c = ar_alloc(&s.ar, sizeof *s.c);
    uint8_t *copy = ar_alloc(&s.ar, len + 1);
    if (!s.c || !copy) {
        ar_free(&s.ar);
        return SEAM_E_NOMEM;
    }
    if (len) memcpy(copy, data, len);
    s.base = copy;
    seam_rd r;
    seam_rd_init(&r, copy, len);
    seam_err e = parse(&s, &r);
    if (e != SEAM_OK) {
        ar_free(&s.ar);
        return e;
    }
    /* The arena's block list moves into the class; cf_free walks it. */
    arena *keep = ar_alloc(&s.ar, sizeof *keep);
    if (!keep) {
        ar_free(&s.ar);
        return nomem(&s);
    }
    *keep = s.ar;
    s.c->arena_ = keep;
    *out = s.c;
    return SEAM_OK;
}

void cf_free(cf_class *c)
{
    if (!c) return;
    arena a = *(arena *)c->arena_;
    ar_free(&a);
}
