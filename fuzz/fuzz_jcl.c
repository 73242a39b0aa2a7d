/*
 * Fuzz target for the load file reader (src/gp/jcl_read.c): parses the input into an arena of
 * jcl_arena_bound() bytes; when it parses, checks the promises of include/seam/jclread.h that a
 * later stage relies on: every method's code walks to its end with bc_walk_next, every branch,
 * handler and frame pc is an instruction start inside the code, every constant operand names an
 * entry in range, and every string of the description lies inside the input. Any violation
 * aborts; the sanitizers catch overruns. SEAM_E_NOMEM with the bound arena is a bug too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/bytecode.h"
#include "seam/jclread.h"

static const uint8_t *in_lo, *in_hi;

static void inside(const void *p, size_t n)
{
    const uint8_t *q = p;
    if (n && (q < in_lo || q + n > in_hi)) abort();
}

static void check_method(const jcl_file *f, const jcl_method *m)
{
    inside(m->name.p, m->name.len);
    inside(m->desc.p, m->desc.len);
    if ((m->code_len == 0) != (m->code == NULL)) abort();
    if (m->code_len == 0) return;
    inside(m->code, m->code_len);
    uint8_t *start = calloc(m->code_len, 1);
    if (!start) return;
    bc_walker w;
    bc_insn in;
    seam_err e;
    bc_walk_init(&w, m->code, m->code_len);
    while ((e = bc_walk_next(&w, &in, NULL, 0)) == SEAM_OK) {
        if (in.len == 0 || in.pc + in.len > m->code_len) abort();
        start[in.pc] = 1;
        uint8_t op = in.opcode;
        if (op == BC_LDC && (in.operands[0] == 0 || in.operands[0] > f->nconsts)) abort();
        if ((op == BC_LDC_W || (op >= BC_GETSTATIC && op <= BC_INVOKEINTERFACE) || op == BC_NEW ||
             op == BC_ANEWARRAY || op == BC_CHECKCAST || op == BC_INSTANCEOF)) {
            uint16_t i = seam_be16(in.operands);
            if (i == 0 || i > f->nconsts) abort();
        }
    }
    if (e != SEAM_E_NOT_FOUND || w.pc != m->code_len) abort();
    bc_walk_init(&w, m->code, m->code_len);
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK)
        for (uint32_t k = 0; k < bc_branch_count(&in); k++) {
            int64_t t = bc_branch_target(&in, k);
            if (t < 0 || t >= m->code_len || !start[t]) abort();
        }
    for (unsigned i = 0; i < m->nhandlers; i++) {
        const jcl_handler *h = &m->handlers[i];
        if (h->start_pc >= h->end_pc || h->end_pc > m->code_len || !start[h->start_pc] ||
            h->handler_pc >= m->code_len || !start[h->handler_pc])
            abort();
    }
    for (unsigned i = 0; i < m->nframes; i++) {
        const jcl_frame *fr = &m->frames[i];
        if (fr->pc >= m->code_len || !start[fr->pc]) abort();
        if (i && fr->pc <= m->frames[i - 1].pc) abort();
        if (fr->nlocals > m->max_locals || fr->nstack > m->max_stack) abort();
        for (unsigned k = 0; k < fr->nlocals; k++)
            if (fr->locals[k].tag == JCL_TYPE_OBJECT &&
                f->consts[fr->locals[k].value].kind != JCL_CONST_CLASS)
                abort();
    }
    free(start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = jcl_arena_bound(size);
    void *arena = malloc(cap ? cap : 1);
    if (!arena) return 0;
    in_lo = data;
    in_hi = data + size;
    const jcl_file *f;
    char msg[160];
    seam_err e = jcl_parse(data, size, arena, cap, &f, msg, sizeof msg);
    if (e == SEAM_E_NOMEM) abort();
    if (e != SEAM_OK) {
        if (f != NULL || msg[0] == 0) abort();
        free(arena);
        return 0;
    }
    if (f->arena_used > cap) abort();
    inside(f->package.aid.p, f->package.aid.len);
    inside(f->package.name.p, f->package.name.len);
    for (unsigned i = 1; i <= f->nconsts; i++) {
        inside(f->consts[i].name.p, f->consts[i].name.len);
        inside(f->consts[i].desc.p, f->consts[i].desc.len);
    }
    for (unsigned i = 0; i < f->nclasses; i++) {
        const jcl_class *c = &f->classes[i];
        inside(c->name.p, c->name.len);
        for (unsigned k = 0; k < c->nmethods; k++)
            check_method(f, &c->methods[k]);
    }
    for (unsigned i = 0; i < f->napplets; i++)
        if (f->applets[i].class_index >= f->nclasses) abort();
    free(arena);
    return 0;
}
