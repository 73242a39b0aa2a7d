/*
 * The load file writer: serialises a jcw_file model into the seam load file format 1.0
 * (seam/jcl.h, docs/load-file.md).
 *
 * Invariant: what this writes is structurally valid for the card's reader. Every limit of jcl.h
 * is checked here before a byte is emitted for it (strings 1..255 bytes, AIDs 5..16 bytes, counts
 * within their fields and the JCL_MAX_* limits, code at most JCL_MAX_CODE bytes, INT constants
 * before all others, every constant index in range and of the kind its use requires), and a
 * model that breaks one is refused with SEAM_E_FORMAT and a message, never written.
 * Section lengths are patched in after each body, so the writer needs a single pass.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seam/gbuf.h"
#include "seam/jcconv.h"

typedef struct {
    gbuf g;
    seam_err err;
    char *msg;
    size_t msgcap;
} wbuf;

static void fail(wbuf *b, seam_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(wbuf *b, seam_err e, const char *fmt, ...)
{
    if (b->err != SEAM_OK) return;
    b->err = e;
    if (b->msg && b->msgcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->msg, b->msgcap, fmt, ap);
        va_end(ap);
    }
}

static void put(wbuf *b, const void *p, size_t n)
{
    if (b->err != SEAM_OK) return;
    gbuf_put(&b->g, p, n);
    if (b->g.oom) fail(b, SEAM_E_NOMEM, "out of memory");
}

static void put8(wbuf *b, uint8_t v)
{
    put(b, &v, 1);
}
static void put16(wbuf *b, uint16_t v)
{
    uint8_t t[2];
    seam_put_be16(t, v);
    put(b, t, 2);
}
static void put32(wbuf *b, uint32_t v)
{
    uint8_t t[4];
    seam_put_be32(t, v);
    put(b, t, 4);
}

static void put_str(wbuf *b, const char *s, const char *what)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 255) {
        fail(b, SEAM_E_FORMAT, "%s: string of %zu bytes (1..255 allowed)%s%.60s", what, n,
             n ? ": " : "", n ? s : "");
        return;
    }
    put8(b, (uint8_t)n);
    put(b, s, n);
}

static void put_aid(wbuf *b, const jcw_aid *a, const char *what)
{
    if (a->len < 5 || a->len > 16) {
        fail(b, SEAM_E_FORMAT, "%s: AID of %u bytes (5..16 allowed)", what, a->len);
        return;
    }
    put8(b, a->len);
    put(b, a->b, a->len);
}

static void put_package(wbuf *b, const jcw_package *p, const char *what)
{
    put_aid(b, &p->aid, what);
    put_str(b, p->name, what);
    put8(b, p->major);
    put8(b, p->minor);
}

/* Starts a section: tag and a length placeholder; returns the body's offset. */
static size_t sec_begin(wbuf *b, uint8_t tag)
{
    put8(b, tag);
    put32(b, 0);
    return b->g.len;
}
static void sec_end(wbuf *b, size_t body)
{
    if (b->err != SEAM_OK) return;
    size_t n = b->g.len - body;
    if (n > UINT32_MAX) {
        fail(b, SEAM_E_FORMAT, "section of %zu bytes", n);
        return;
    }
    seam_put_be32(b->g.p + body - 4, (uint32_t)n);
}

/* A reference to constant entry i that must be of kind `kind` (0 allowed when zero_ok). */
static void check_ref(wbuf *b, const jcw_file *f, uint16_t i, uint8_t kind, int zero_ok,
                      const char *what)
{
    if (i == 0 && zero_ok) return;
    if (i == 0 || i > f->nconsts) {
        fail(b, SEAM_E_FORMAT, "%s: constant %u out of range (1..%u)", what, i, f->nconsts);
        return;
    }
    if (f->consts[i - 1].kind != kind)
        fail(b, SEAM_E_FORMAT, "%s: constant %u is of kind %u, not %u", what, i,
             f->consts[i - 1].kind, kind);
}

static void put_constants(wbuf *b, const jcw_file *f)
{
    int seen_other = 0;
    put16(b, f->nconsts);
    for (uint32_t i = 0; i < f->nconsts && b->err == SEAM_OK; i++) {
        const jcw_const *c = &f->consts[i];
        char what[48];
        snprintf(what, sizeof what, "constant %u", (unsigned)(i + 1));
        put8(b, c->kind);
        switch (c->kind) {
        case JCL_CONST_INT:
            if (seen_other) fail(b, SEAM_E_FORMAT, "%s: INT after a non-INT constant", what);
            put32(b, c->value);
            break;
        case JCL_CONST_CLASS:
            seen_other = 1;
            if (c->pkg != JCL_PKG_SELF && c->pkg > f->nimports)
                fail(b, SEAM_E_FORMAT, "%s: package %u but %u imports", what, c->pkg, f->nimports);
            put8(b, c->pkg);
            put_str(b, c->name, what);
            break;
        case JCL_CONST_FIELD:
        case JCL_CONST_METHOD:
        case JCL_CONST_IMETHOD:
            seen_other = 1;
            check_ref(b, f, c->cls, JCL_CONST_CLASS, 0, what);
            put16(b, c->cls);
            put_str(b, c->name, what);
            put_str(b, c->desc, what);
            break;
        default:
            fail(b, SEAM_E_FORMAT, "%s: unknown kind %u", what, c->kind);
        }
    }
}

static void put_types(wbuf *b, const jcw_file *f, uint16_t n, const jcw_type *t, const char *what)
{
    put16(b, n);
    for (uint32_t i = 0; i < n; i++) {
        put8(b, t[i].tag);
        switch (t[i].tag) {
        case JCL_TYPE_TOP:
        case JCL_TYPE_INT:
        case JCL_TYPE_NULL:
        case JCL_TYPE_UNINIT_THIS:
            break;
        case JCL_TYPE_OBJECT:
            check_ref(b, f, t[i].arg, JCL_CONST_CLASS, 0, what);
            put16(b, t[i].arg);
            break;
        case JCL_TYPE_UNINIT:
            put16(b, t[i].arg);
            break;
        default:
            fail(b, SEAM_E_FORMAT, "%s: unknown verification type %u", what, t[i].tag);
        }
    }
}

static void put_method(wbuf *b, const jcw_file *f, const jcw_class *k, const jcw_method *m)
{
    char what[300];
    snprintf(what, sizeof what, "%.120s.%.60s%.100s", k->name ? k->name : "?",
             m->name ? m->name : "?", m->desc ? m->desc : "");
    put16(b, m->flags);
    put_str(b, m->name, what);
    put_str(b, m->desc, what);
    put16(b, m->max_stack);
    put16(b, m->max_locals);
    if (m->code_len > JCL_MAX_CODE) {
        fail(b, SEAM_E_FORMAT, "%s: %u bytes of code (at most %u)", what, m->code_len,
             JCL_MAX_CODE);
        return;
    }
    if (m->code_len && !m->code) {
        fail(b, SEAM_E_ARG, "%s: code missing", what);
        return;
    }
    put32(b, m->code_len);
    if (m->code_len) put(b, m->code, m->code_len);
    put16(b, m->nhandlers);
    for (uint32_t i = 0; i < m->nhandlers; i++) {
        const jcw_handler *h = &m->handlers[i];
        check_ref(b, f, h->catch_class, JCL_CONST_CLASS, 1, what);
        put16(b, h->start_pc);
        put16(b, h->end_pc);
        put16(b, h->handler_pc);
        put16(b, h->catch_class);
    }
    put16(b, m->nframes);
    for (uint32_t i = 0; i < m->nframes; i++) {
        put16(b, m->frames[i].pc);
        put_types(b, f, m->frames[i].nlocals, m->frames[i].locals, what);
        put_types(b, f, m->frames[i].nstack, m->frames[i].stack, what);
    }
}

static void put_classes(wbuf *b, const jcw_file *f)
{
    if (f->nclasses == 0) fail(b, SEAM_E_FORMAT, "no classes");
    put8(b, f->nclasses);
    for (uint32_t i = 0; i < f->nclasses && b->err == SEAM_OK; i++) {
        const jcw_class *k = &f->classes[i];
        const char *what = k->name ? k->name : "class";
        put_str(b, k->name, "class name");
        put16(b, k->flags);
        check_ref(b, f, k->super, JCL_CONST_CLASS, k->name && !strcmp(k->name, "java/lang/Object"),
                  what);
        put16(b, k->super);
        put8(b, k->ninterfaces);
        for (uint32_t j = 0; j < k->ninterfaces; j++) {
            check_ref(b, f, k->interfaces[j], JCL_CONST_CLASS, 0, what);
            put16(b, k->interfaces[j]);
        }
        put16(b, k->nfields);
        for (uint32_t j = 0; j < k->nfields; j++) {
            put16(b, k->fields[j].flags);
            put_str(b, k->fields[j].name, what);
            put_str(b, k->fields[j].desc, what);
        }
        put16(b, k->nmethods);
        for (uint32_t j = 0; j < k->nmethods && b->err == SEAM_OK; j++)
            put_method(b, f, k, &k->methods[j]);
    }
}

seam_err jcw_write(const jcw_file *f, uint8_t **out, size_t *out_len, char *msg, size_t cap)
{
    if (msg && cap) msg[0] = '\0';
    if (!f || !out || !out_len) return SEAM_E_ARG;
    *out = NULL;
    *out_len = 0;
    wbuf b = {.msg = msg, .msgcap = cap};
    if (f->nimports > JCL_MAX_IMPORTS)
        fail(&b, SEAM_E_FORMAT, "%u imports (at most %u)", f->nimports, JCL_MAX_IMPORTS);
    if (f->napplets > JCL_MAX_APPLETS)
        fail(&b, SEAM_E_FORMAT, "%u applets (at most %u)", f->napplets, JCL_MAX_APPLETS);

    put32(&b, JCL_MAGIC);
    put8(&b, JCL_MAJOR);
    put8(&b, JCL_MINOR);

    size_t s = sec_begin(&b, JCL_SEC_PACKAGE);
    put_package(&b, &f->package, "package");
    sec_end(&b, s);

    s = sec_begin(&b, JCL_SEC_IMPORTS);
    put8(&b, f->nimports);
    for (uint32_t i = 0; i < f->nimports; i++)
        put_package(&b, &f->imports[i], "import");
    sec_end(&b, s);

    s = sec_begin(&b, JCL_SEC_CONSTANTS);
    put_constants(&b, f);
    sec_end(&b, s);

    s = sec_begin(&b, JCL_SEC_CLASSES);
    put_classes(&b, f);
    sec_end(&b, s);

    s = sec_begin(&b, JCL_SEC_APPLETS);
    put8(&b, f->napplets);
    for (uint32_t i = 0; i < f->napplets; i++) {
        put_aid(&b, &f->applets[i].aid, "applet");
        if (f->applets[i].cls >= f->nclasses)
            fail(&b, SEAM_E_FORMAT, "applet %u: class index %u of %u classes", i, f->applets[i].cls,
                 f->nclasses);
        put8(&b, f->applets[i].cls);
    }
    sec_end(&b, s);

    if (b.err != SEAM_OK) {
        free(b.g.p);
        return b.err;
    }
    *out = b.g.p;
    *out_len = b.g.len;
    return SEAM_OK;
}
