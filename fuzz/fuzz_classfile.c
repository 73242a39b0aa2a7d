/*
 * Fuzz target for the class file parser (src/host/jc/classfile.c): parses the input; when it
 * parses, walks every method's bytecode with bc_walk_next and checks every stack map frame and
 * handler against the invariants the header promises (offsets inside the code and on
 * instruction starts, slot counts within max_locals/max_stack, constant pool indices of the
 * right tag). Any violation aborts; sanitizers catch overruns.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/classfile.h"

static void check_method(const cf_class *c, const cf_method *m)
{
    const cf_code *code = m->code;
    if (!code) return;
    uint8_t *start = calloc(code->code_len, 1);
    if (!start) return;
    bc_walker w;
    bc_insn in;
    char msg[128];
    seam_err e;
    bc_walk_init(&w, code->code, code->code_len);
    while ((e = bc_walk_next(&w, &in, msg, sizeof msg)) == SEAM_OK) {
        if (in.pc + in.len > code->code_len || in.len == 0) abort();
        start[in.pc] = 1;
    }
    if (e != SEAM_E_NOT_FOUND || w.pc != code->code_len) abort();
    for (unsigned i = 0; i < code->nhandlers; i++) {
        const cf_handler *h = &code->handlers[i];
        if (h->start_pc >= h->end_pc || h->end_pc > code->code_len || !start[h->start_pc] ||
            h->handler_pc >= code->code_len || !start[h->handler_pc])
            abort();
        if (h->catch_type && !cf_class_name(c, h->catch_type)) abort();
    }
    int prev = -1;
    for (unsigned i = 0; i < code->nframes; i++) {
        const cf_frame *f = &code->frames[i];
        if ((int)f->offset <= prev || f->offset >= code->code_len || !start[f->offset]) abort();
        prev = f->offset;
        unsigned ls = 0, ss = 0;
        for (unsigned k = 0; k < f->nlocals; k++) {
            const cf_vtype *v = &f->locals[k];
            ls += (v->tag == CF_VT_LONG || v->tag == CF_VT_DOUBLE) ? 2 : 1;
            if (v->tag == CF_VT_OBJECT && (!v->name || !v->name_len)) abort();
            if (v->tag == CF_VT_OBJECT && v->cpool && !cf_class_name(c, v->cpool)) abort();
            if (v->tag == CF_VT_UNINITIALIZED &&
                (v->offset >= code->code_len || code->code[v->offset] != 0xbb))
                abort();
        }
        for (unsigned k = 0; k < f->nstack; k++)
            ss += (f->stack[k].tag == CF_VT_LONG || f->stack[k].tag == CF_VT_DOUBLE) ? 2 : 1;
        if (ls != f->locals_slots || ss != f->stack_slots || ls > code->max_locals ||
            ss > code->max_stack)
            abort();
    }
    free(start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cf_class *c = NULL;
    char msg[256];
    seam_err e = cf_parse(data, size, &c, msg, sizeof msg);
    if (e != SEAM_OK) {
        if (c || !msg[0] || strlen(msg) >= sizeof msg) abort();
        return 0;
    }
    if (!c->name || (c->super_class && !c->super_name)) abort();
    for (unsigned i = 0; i < c->ninterfaces; i++)
        if (!cf_class_name(c, c->interfaces[i])) abort();
    for (unsigned i = 0; i < c->nfields; i++)
        if (cf_check_field_desc(c->fields[i].desc, strlen(c->fields[i].desc)) != SEAM_OK) abort();
    for (unsigned i = 0; i < c->nmethods; i++) {
        const cf_method *m = &c->methods[i];
        if (cf_check_method_desc(m->desc, strlen(m->desc), NULL) != SEAM_OK) abort();
        if (!m->code != !!(m->access & (CF_ACC_ABSTRACT | CF_ACC_NATIVE))) abort();
        check_method(c, m);
    }
    cf_free(c);
    return 0;
}
