/*
 * The bytecode interpreter of the Java Card runtime: JVM bytecode of the Java Card subset
 * (JVMS SE 8 §6.5 semantics for int, references and arrays of boolean, byte, short, int and
 * references), with the Java Card firewall (JCRE §6.2.8) on every object access.
 *
 * Code is verified before it runs (load file reader + type-checking verifier), so the
 * interpreter checks only what the JVM checks at run time: null, array bounds, casts, array
 * stores, negative sizes, division by zero, and the firewall. Every constant pool operand is
 * resolved already (jv_cref). One RAM value stack (JV_STACK_SLOTS slots) holds every frame's
 * locals and operand stack; a call's arguments become the callee's first locals in place.
 * Frames beyond JV_MAX_FRAMES or the stack throw java.lang.SecurityException (Java Card has no
 * StackOverflowError).
 *
 * Speed: a method is pre-decoded on its first invocation (translate(): resolved operands, branch
 * targets as instruction indices, common sequences fused) and run with computed-goto dispatch.
 * The step budget (vm->steps) is spent per invocation (1), per handler entry (1) and per taken
 * backward branch (the bytecodes from its target to itself), so every loop and every recursion
 * spends it; when it is spent every frame is unwound without running handlers and the caller
 * gets -2. Decoded objects are cached (vm->ocache, 16 entries by reference) while the code
 * runs; the cache is emptied on entry, after every native call and after every allocation,
 * since store views are valid only until the next alloc, free or abort (store.h) and natives
 * may do any of these. A cache hit skips only the decoding: null, bounds, firewall and array
 * store checks run on every access.
 *
 * CLEAR_ON_DESELECT arrays (JCRE 3.0.5 §6.1.6): decoding marks one JV_F_NOSEL when its context
 * is not the selected applet's (jv_sel_ctx); the firewall then refuses it to every context but
 * the JCRE's, here and in the natives (jv_fw_access).
 *
 * Context: each frame runs in a context. invokevirtual and invokeinterface on an object of
 * another context are allowed only on JCRE entry points (invokevirtual) or Shareable objects
 * (invokeinterface), and switch to the object's context; the JCRE context may access
 * everything and a call from it switches to the callee object's context.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcvm/jv_int.h"
#include "seam/bytecode.h"

#define ACC_STATIC 0x0008

static int16_t s16(const uint8_t *p)
{
    return (int16_t)(uint16_t)((p[0] << 8) | p[1]);
}
static uint16_t u16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static int32_t s32(const uint8_t *p)
{
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
                     p[3]);
}

int jv_throw_class(jv_vm *vm, jv_class *c, int reason)
{
    if (!c) {
        vm->fatal = true;
        vm->exc = 0;
        return -1;
    }
    if (!c->jcre_inst) {
        c->jcre_inst = jv_tmp_new(vm, JV_K_INST, JV_F_ENTRY | JV_F_TEMP, c, c->ninst);
        if (!c->jcre_inst) {
            vm->fatal = true;
            vm->exc = 0;
            return -1;
        }
    }
    jv_obj o;
    if (!jv_decode(vm, c->jcre_inst, &o)) {
        uint32_t slot = 0xFFFFFFFF;
        if (vm->c_cre && jv_subclass(c, vm->c_cre)) slot = vm->slot_cre_reason;
        if (vm->c_ce && jv_subclass(c, vm->c_ce)) slot = vm->slot_ce_reason;
        if (slot < o.len) jv_elem_set(vm, &o, slot, (int16_t)reason);
    }
    vm->exc = c->jcre_inst;
    return -1;
}

int jv_throw(jv_vm *vm, int ex, int reason)
{
    return jv_throw_class(vm, vm->ex[ex], reason);
}

bool jv_fw_access(const jv_obj *o, uint32_t ctx)
{
    return ctx == JV_CTX_JCRE ||
           ((o->owner == ctx || (o->flags & JV_F_GLOBAL)) && !(o->flags & JV_F_NOSEL));
}

uint32_t jv_cur_ctx(jv_vm *vm)
{
    return vm->nframes ? vm->frames[vm->nframes - 1].ctx : JV_CTX_JCRE;
}

jv_method *jv_virtual(jv_vm *vm, jv_ref obj, uint32_t sel)
{
    jv_obj o;
    if (jv_decode(vm, obj, &o)) return NULL;
    return jv_vt_lookup(o.kind == JV_K_INST ? o.cls : vm->c_object, sel);
}

/* A reference that may be stored in a field or an array element (JCRE §6.2.1: temporary
 * JCRE entry point objects and global arrays may not). */
static bool storable(jv_vm *vm, jv_ref v)
{
    if (!(v & JV_REF_TAG)) return true;
    jv_obj o;
    if (jv_decode(vm, v, &o)) return true;
    return !(o.flags & (JV_F_TEMP | JV_F_GLOBAL)) || v == 0;
}

/* Static field storage. */
static int32_t static_get(jv_vm *vm, const jv_cref *r)
{
    jv_pkg *p = r->spkg;
    if (p->rom_statics) return p->rom_statics[r->slot];
    const uint8_t *v = store_view(vm->s->st, p->statics, NULL);
    if (!v) return 0;
    const uint8_t *q = v + 4u * r->slot;
    return (int32_t)((uint32_t)q[0] | ((uint32_t)q[1] << 8) | ((uint32_t)q[2] << 16) |
                     ((uint32_t)q[3] << 24));
}

static int32_t narrow(uint8_t t, int32_t v)
{
    switch (t) {
    case 'B': return (int8_t)v;
    case 'S': return (int16_t)v;
    case 'Z': return v & 1;
    default: return v;
    }
}

static int static_put(jv_vm *vm, const jv_cref *r, int32_t v)
{
    jv_pkg *p = r->spkg;
    if (p->rom_statics) {
        p->rom_statics[r->slot] = v;
        return 0;
    }
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    seam_err e = store_write(vm->s->st, p->statics, 4u * r->slot, b, 4);
    if (e == SEAM_E_FULL) return jv_throw(vm, JV_EX_TRANSACTION, 3);
    if (e) {
        vm->fatal = true;
        return jv_throw(vm, JV_EX_SYSTEM, 5);
    }
    return 0;
}

/* ---- pre-decoding (JVMS §4.10.1 verified code only: every branch target is an instruction) ----
 *
 * A method is translated on its first invocation into an array of jv_xi: one per bytecode, or
 * one per fused sequence. Sequences are fused only inside a block: no branch target, handler
 * start, handler end or handler entry falls inside a fused instruction, so every pc a branch or
 * a handler names is the start of one. Branch targets become instruction indices; a backward
 * branch carries its charge (the bytecodes from its target to itself), the only place besides
 * invocations and handler entries where the step budget is spent. */

#define XOPS(X)                                                                                    \
    X(BAD) X(NOP) X(CONST) X(LOAD) X(STORE) X(POP) X(POP2) X(DUP) X(DUP_X1) X(DUP_X2) X(DUP2)     \
    X(DUP2_X1) X(DUP2_X2) X(SWAP) X(IALOAD) X(BALOAD) X(SALOAD) X(CALOAD) X(AALOAD) X(IASTORE)    \
    X(BASTORE) X(SASTORE) X(CASTORE) X(AASTORE) X(IADD) X(ISUB) X(IMUL) X(IDIV) X(IREM) X(INEG)    \
    X(ISHL) X(ISHR) X(IUSHR) X(IAND) X(IOR) X(IXOR) X(IINC) X(I2B) X(I2C) X(I2S) X(IFEQ) X(IFNE)   \
    X(IFLT) X(IFGE) X(IFGT) X(IFLE) X(IFNULL) X(IFNONNULL) X(ICMPEQ) X(ICMPNE) X(ICMPLT)           \
    X(ICMPGE) X(ICMPGT) X(ICMPLE) X(GOTO) X(TSWITCH) X(LSWITCH) X(IRETURN) X(RETURN)               \
    X(GETSTATIC) X(PUTSTATIC) X(GETFIELD) X(PUTFIELD) X(INVOKEVIRTUAL) X(INVOKESPECIAL)            \
    X(INVOKESTATIC) X(INVOKEINTERFACE) X(NEW) X(NEWARRAY) X(ANEWARRAY) X(ARRAYLENGTH) X(ATHROW)    \
    X(CHECKCAST) X(INSTANCEOF) X(IADDK) X(IMULK) X(IANDK) X(IORK) X(IXORK) X(ISHLK) X(ISHRK)       \
    X(IUSHRK) X(LOAD2) X(LOADK) X(LOAD_IADDK) X(LL_IALOAD) X(LL_BALOAD) X(LL_SALOAD)               \
    X(LL_AALOAD) X(LL_ICMPEQ) X(LL_ICMPNE) X(LL_ICMPLT) X(LL_ICMPGE) X(LL_ICMPGT) X(LL_ICMPLE)     \
    X(LK_ICMPEQ) X(LK_ICMPNE) X(LK_ICMPLT) X(LK_ICMPGE) X(LK_ICMPGT) X(LK_ICMPLE) X(I2S_STORE)

#define XENUM(n) X_##n,
enum { XOPS(XENUM) X_COUNT };
#undef XENUM

static bool x_is_branch(uint16_t op)
{
    return (op >= X_IFEQ && op <= X_GOTO) || (op >= X_LL_ICMPEQ && op <= X_LK_ICMPLE);
}

void jv_xcode_free(jv_method *m)
{
    free(m->xc);
    free(m->xpc);
    free(m->xaux);
    m->xc = NULL;
    m->xpc = NULL;
    m->xaux = NULL;
    m->nx = 0;
}

/* The binary operator that takes its right operand from the instruction, or 0. */
static uint16_t x_konst(uint16_t op)
{
    switch (op) {
    case X_IADD:
    case X_ISUB: return X_IADDK;
    case X_IMUL: return X_IMULK;
    case X_IAND: return X_IANDK;
    case X_IOR: return X_IORK;
    case X_IXOR: return X_IXORK;
    case X_ISHL: return X_ISHLK;
    case X_ISHR: return X_ISHRK;
    case X_IUSHR: return X_IUSHRK;
    default: return 0;
    }
}

static bool fits16(int32_t v)
{
    return v >= INT16_MIN && v <= INT16_MAX;
}

/* Fuses x into the previous instruction pv when a sequence allows it. */
static bool x_fuse(jv_xi *pv, const jv_xi *x)
{
    uint16_t k = x_konst(x->op);
    if (x->op == X_CONST && pv->op == X_LOAD && fits16(x->b)) {
        pv->op = X_LOADK;
        pv->d = (uint16_t)(int16_t)x->b;
    } else if (x->op == X_LOAD && pv->op == X_LOAD) {
        pv->op = X_LOAD2;
        pv->d = x->a;
    } else if (k && pv->op == X_CONST) {
        pv->op = k;
        if (x->op == X_ISUB) pv->b = (int32_t)(0u - (uint32_t)pv->b);
    } else if ((x->op == X_IADD || x->op == X_ISUB) && pv->op == X_LOADK) {
        int32_t c = (int16_t)pv->d;
        pv->op = X_LOAD_IADDK;
        pv->b = x->op == X_IADD ? c : -c;
    } else if (pv->op == X_LOAD2 && (x->op == X_IALOAD || x->op == X_BALOAD ||
                                     x->op == X_SALOAD || x->op == X_AALOAD)) {
        pv->op = (uint16_t)(x->op == X_IALOAD   ? X_LL_IALOAD
                            : x->op == X_BALOAD ? X_LL_BALOAD
                            : x->op == X_SALOAD ? X_LL_SALOAD
                                                : X_LL_AALOAD);
    } else if (x->op >= X_ICMPEQ && x->op <= X_ICMPLE && pv->op == X_LOAD2) {
        pv->op = (uint16_t)(X_LL_ICMPEQ + (x->op - X_ICMPEQ));
        pv->b = x->b;
    } else if (x->op >= X_ICMPEQ && x->op <= X_ICMPLE && pv->op == X_LOADK) {
        pv->op = (uint16_t)(X_LK_ICMPEQ + (x->op - X_ICMPEQ));
        pv->b = x->b;
    } else if (x->op == X_STORE && pv->op == X_I2S) {
        pv->op = X_I2S_STORE;
        pv->a = x->a;
    } else {
        return false;
    }
    return true;
}

/* Translates one instruction; the branch target (a pc) goes in b, fixed up later. */
static bool x_one(const jv_method *m, const bc_insn *in, jv_xi *x, int32_t *aux, uint32_t *naux)
{
    const uint8_t *o = in->operands;
    const jv_cref *cref = m->cls->pkg->cref;
    uint8_t op = in->opcode;
    memset(x, 0, sizeof *x);
    switch (op) {
    case BC_NOP: x->op = X_NOP; break;
    case BC_ACONST_NULL: x->op = X_CONST; break;
    case BC_ICONST_M1:
    case BC_ICONST_0:
    case BC_ICONST_1:
    case BC_ICONST_2:
    case BC_ICONST_3:
    case BC_ICONST_4:
    case BC_ICONST_5:
        x->op = X_CONST;
        x->b = op - BC_ICONST_0;
        break;
    case BC_BIPUSH:
        x->op = X_CONST;
        x->b = (int8_t)o[0];
        break;
    case BC_SIPUSH:
        x->op = X_CONST;
        x->b = s16(o);
        break;
    case BC_LDC:
        x->op = X_CONST;
        x->b = cref[o[0]].value;
        break;
    case BC_LDC_W:
        x->op = X_CONST;
        x->b = cref[u16(o)].value;
        break;
    case BC_ILOAD:
    case BC_ALOAD:
        x->op = X_LOAD;
        x->a = in->wide ? u16(o) : o[0];
        break;
    case BC_ILOAD_0:
    case BC_ILOAD_1:
    case BC_ILOAD_2:
    case BC_ILOAD_3:
        x->op = X_LOAD;
        x->a = op - BC_ILOAD_0;
        break;
    case BC_ALOAD_0:
    case BC_ALOAD_1:
    case BC_ALOAD_2:
    case BC_ALOAD_3:
        x->op = X_LOAD;
        x->a = op - BC_ALOAD_0;
        break;
    case BC_ISTORE:
    case BC_ASTORE:
        x->op = X_STORE;
        x->a = in->wide ? u16(o) : o[0];
        break;
    case BC_ISTORE_0:
    case BC_ISTORE_1:
    case BC_ISTORE_2:
    case BC_ISTORE_3:
        x->op = X_STORE;
        x->a = op - BC_ISTORE_0;
        break;
    case BC_ASTORE_0:
    case BC_ASTORE_1:
    case BC_ASTORE_2:
    case BC_ASTORE_3:
        x->op = X_STORE;
        x->a = op - BC_ASTORE_0;
        break;
    case BC_IALOAD: x->op = X_IALOAD; break;
    case BC_BALOAD: x->op = X_BALOAD; break;
    case BC_SALOAD: x->op = X_SALOAD; break;
    case BC_CALOAD: x->op = X_CALOAD; break;
    case BC_AALOAD: x->op = X_AALOAD; break;
    case BC_IASTORE: x->op = X_IASTORE; break;
    case BC_BASTORE: x->op = X_BASTORE; break;
    case BC_SASTORE: x->op = X_SASTORE; break;
    case BC_CASTORE: x->op = X_CASTORE; break;
    case BC_AASTORE: x->op = X_AASTORE; break;
    case BC_POP: x->op = X_POP; break;
    case BC_POP2: x->op = X_POP2; break;
    case BC_DUP: x->op = X_DUP; break;
    case BC_DUP_X1: x->op = X_DUP_X1; break;
    case BC_DUP_X2: x->op = X_DUP_X2; break;
    case BC_DUP2: x->op = X_DUP2; break;
    case BC_DUP2_X1: x->op = X_DUP2_X1; break;
    case BC_DUP2_X2: x->op = X_DUP2_X2; break;
    case BC_SWAP: x->op = X_SWAP; break;
    case BC_IADD: x->op = X_IADD; break;
    case BC_ISUB: x->op = X_ISUB; break;
    case BC_IMUL: x->op = X_IMUL; break;
    case BC_IDIV: x->op = X_IDIV; break;
    case BC_IREM: x->op = X_IREM; break;
    case BC_INEG: x->op = X_INEG; break;
    case BC_ISHL: x->op = X_ISHL; break;
    case BC_ISHR: x->op = X_ISHR; break;
    case BC_IUSHR: x->op = X_IUSHR; break;
    case BC_IAND: x->op = X_IAND; break;
    case BC_IOR: x->op = X_IOR; break;
    case BC_IXOR: x->op = X_IXOR; break;
    case BC_IINC:
        x->op = X_IINC;
        x->a = in->wide ? u16(o) : o[0];
        x->b = in->wide ? s16(o + 2) : (int8_t)o[1];
        break;
    case BC_I2B: x->op = X_I2B; break;
    case BC_I2C: x->op = X_I2C; break;
    case BC_I2S: x->op = X_I2S; break;
    case BC_IFEQ:
    case BC_IFNE:
    case BC_IFLT:
    case BC_IFGE:
    case BC_IFGT:
    case BC_IFLE:
        x->op = (uint16_t)(X_IFEQ + (op - BC_IFEQ));
        x->b = (int32_t)in->pc + s16(o);
        break;
    case BC_IFNULL:
    case BC_IFNONNULL:
        x->op = op == BC_IFNULL ? X_IFNULL : X_IFNONNULL;
        x->b = (int32_t)in->pc + s16(o);
        break;
    case BC_IF_ICMPEQ:
    case BC_IF_ICMPNE:
    case BC_IF_ICMPLT:
    case BC_IF_ICMPGE:
    case BC_IF_ICMPGT:
    case BC_IF_ICMPLE:
        x->op = (uint16_t)(X_ICMPEQ + (op - BC_IF_ICMPEQ));
        x->b = (int32_t)in->pc + s16(o);
        break;
    case BC_IF_ACMPEQ:
    case BC_IF_ACMPNE:
        x->op = op == BC_IF_ACMPEQ ? X_ICMPEQ : X_ICMPNE;
        x->b = (int32_t)in->pc + s16(o);
        break;
    case BC_GOTO:
        x->op = X_GOTO;
        x->b = (int32_t)in->pc + s16(o);
        break;
    case BC_GOTO_W:
        x->op = X_GOTO;
        x->b = (int32_t)((uint32_t)in->pc + (uint32_t)s32(o));
        break;
    case BC_TABLESWITCH: {
        int32_t lo = s32(o + 4), hi = s32(o + 8);
        x->op = X_TSWITCH;
        x->b = (int32_t)*naux;
        aux[(*naux)++] = lo;
        aux[(*naux)++] = hi;
        aux[(*naux)++] = (int32_t)((uint32_t)in->pc + (uint32_t)s32(o));
        for (int64_t k = 0; k <= (int64_t)hi - lo; k++)
            aux[(*naux)++] = (int32_t)((uint32_t)in->pc + (uint32_t)s32(o + 12 + 4 * k));
        break;
    }
    case BC_LOOKUPSWITCH: {
        int32_t n = s32(o + 4);
        x->op = X_LSWITCH;
        x->b = (int32_t)*naux;
        aux[(*naux)++] = n;
        aux[(*naux)++] = (int32_t)((uint32_t)in->pc + (uint32_t)s32(o));
        for (int32_t k = 0; k < n; k++) {
            aux[(*naux)++] = s32(o + 8 + 8 * k);
            aux[(*naux)++] = (int32_t)((uint32_t)in->pc + (uint32_t)s32(o + 12 + 8 * k));
        }
        break;
    }
    case BC_IRETURN:
    case BC_ARETURN: x->op = X_IRETURN; break;
    case BC_RETURN: x->op = X_RETURN; break;
    case BC_GETSTATIC: x->op = X_GETSTATIC; break;
    case BC_PUTSTATIC: x->op = X_PUTSTATIC; break;
    case BC_GETFIELD: x->op = X_GETFIELD; break;
    case BC_PUTFIELD: x->op = X_PUTFIELD; break;
    case BC_INVOKEVIRTUAL: x->op = X_INVOKEVIRTUAL; break;
    case BC_INVOKESPECIAL: x->op = X_INVOKESPECIAL; break;
    case BC_INVOKESTATIC: x->op = X_INVOKESTATIC; break;
    case BC_INVOKEINTERFACE: x->op = X_INVOKEINTERFACE; break;
    case BC_NEW: x->op = X_NEW; break;
    case BC_ANEWARRAY: x->op = X_ANEWARRAY; break;
    case BC_CHECKCAST: x->op = X_CHECKCAST; break;
    case BC_INSTANCEOF: x->op = X_INSTANCEOF; break;
    case BC_NEWARRAY:
        x->op = X_NEWARRAY;
        switch (o[0]) {
        case BC_T_BOOLEAN: x->a = JV_K_BOOL; break;
        case BC_T_BYTE: x->a = JV_K_BYTE; break;
        case BC_T_SHORT: x->a = JV_K_SHORT; break;
        case BC_T_INT: x->a = JV_K_INT; break;
        default: x->op = X_BAD; break;
        }
        break;
    case BC_ARRAYLENGTH: x->op = X_ARRAYLENGTH; break;
    case BC_ATHROW: x->op = X_ATHROW; break;
    default: x->op = X_BAD; break; /* the reader refuses every other opcode */
    }
    switch (op) {
    case BC_GETSTATIC:
    case BC_PUTSTATIC:
    case BC_GETFIELD:
    case BC_PUTFIELD:
    case BC_INVOKEVIRTUAL:
    case BC_INVOKESPECIAL:
    case BC_INVOKESTATIC:
    case BC_INVOKEINTERFACE:
    case BC_NEW:
    case BC_ANEWARRAY:
    case BC_CHECKCAST:
    case BC_INSTANCEOF: x->a = u16(o); break;
    default: break;
    }
    return true;
}

/* Pre-decodes m (its xc, xpc, xaux, nx). 0, or -1 when out of memory or the code is bad. */
static int translate(jv_method *m)
{
    uint32_t len = m->code_len;
    uint8_t *mk = calloc(len + 1, 1);           /* 1: instruction start, 2: boundary */
    uint32_t *bcn = calloc(len + 1, sizeof *bcn); /* bytecodes before pc */
    uint32_t *pc2x = calloc(len + 1, sizeof *pc2x);
    jv_xi *xc = NULL;
    uint16_t *xpc = NULL;
    int32_t *aux = NULL;
    int rc = -1;
    if (!mk || !bcn || !pc2x || !len || len > 65535) goto out;
    bc_walker w;
    bc_insn in;
    uint32_t n = 0, naux_max = 0, naux = 0;
    bc_walk_init(&w, m->code, len);
    seam_err e;
    while ((e = bc_walk_next(&w, &in, NULL, 0)) == SEAM_OK) {
        mk[in.pc] |= 1;
        n++;
        uint32_t nb = bc_branch_count(&in);
        for (uint32_t k = 0; k < nb; k++) {
            int64_t t = bc_branch_target(&in, k);
            if (t < 0 || t >= len) goto out;
            mk[t] |= 2;
        }
        if (in.opcode == BC_TABLESWITCH || in.opcode == BC_LOOKUPSWITCH) naux_max += 2 + 2 * nb;
    }
    if (e != SEAM_E_NOT_FOUND) goto out;
    for (uint32_t pc = 0, c = 0; pc <= len; pc++) {
        bcn[pc] = c;
        if (pc < len && (mk[pc] & 1)) c++;
    }
    const jcl_method *jm = m->jm;
    for (unsigned i = 0; i < jm->nhandlers; i++) {
        const jcl_handler *h = &jm->handlers[i];
        if (h->start_pc >= len || h->end_pc > len || h->handler_pc >= len) goto out;
        mk[h->start_pc] |= 2;
        mk[h->end_pc] |= 2;
        mk[h->handler_pc] |= 2;
    }
    xc = calloc(n, sizeof *xc);
    xpc = calloc(n, sizeof *xpc);
    aux = calloc(naux_max ? naux_max : 1, sizeof *aux);
    if (!xc || !xpc || !aux) goto out;
    uint32_t nx = 0;
    bc_walk_init(&w, m->code, len);
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
        jv_xi x;
        x_one(m, &in, &x, aux, &naux);
        if (nx && !(mk[in.pc] & 2) && x_fuse(&xc[nx - 1], &x)) {
            pc2x[in.pc] = nx - 1;
            continue;
        }
        xc[nx] = x;
        xpc[nx] = (uint16_t)in.pc;
        pc2x[in.pc] = nx++;
    }
    for (uint32_t i = 0; i < nx; i++) {
        jv_xi *x = &xc[i];
        if (x_is_branch(x->op)) {
            uint32_t t = (uint32_t)x->b, end = i + 1 < nx ? xpc[i + 1] : len;
            if (t >= len || !(mk[t] & 1)) goto out;
            x->b = (int32_t)pc2x[t];
            if (t <= xpc[i]) {
                uint32_t c = bcn[end] - bcn[t];
                x->c = (uint16_t)(c < 1 ? 1 : c > 65535 ? 65535 : c);
            }
        } else if (x->op == X_TSWITCH || x->op == X_LSWITCH) {
            int32_t *a = aux + x->b;
            uint32_t cnt = x->op == X_TSWITCH ? (uint32_t)((int64_t)a[1] - a[0] + 1) : 0;
            if (x->op == X_TSWITCH) {
                for (uint32_t k = 0; k <= cnt; k++) {
                    uint32_t t = (uint32_t)a[2 + k];
                    if (t >= len || !(mk[t] & 1)) goto out;
                    a[2 + k] = (int32_t)pc2x[t];
                }
            } else {
                uint32_t t = (uint32_t)a[1];
                if (t >= len || !(mk[t] & 1)) goto out;
                a[1] = (int32_t)pc2x[t];
                for (int32_t k = 0; k < a[0]; k++) {
                    t = (uint32_t)a[3 + 2 * k];
                    if (t >= len || !(mk[t] & 1)) goto out;
                    a[3 + 2 * k] = (int32_t)pc2x[t];
                }
            }
        }
    }
    m->xc = xc;
    m->xpc = xpc;
    m->xaux = aux;
    m->nx = nx;
    xc = NULL;
    xpc = NULL;
    aux = NULL;
    rc = 0;
out:
    free(mk);
    free(bcn);
    free(pc2x);
    free(xc);
    free(xpc);
    free(aux);
    return rc;
}

/* ---- the object cache: decoded objects of the running code ---- */

#define OC_IDX(r) (((r) ^ ((r) >> 4) ^ ((r) >> 28)) & 15u)

void jv_ocache_flush(jv_vm *vm)
{
    for (unsigned i = 0; i < 16; i++) vm->ocache[i].o.ref = 0;
}

static struct jv_ocache *ocache_fill(jv_vm *vm, jv_ref ref, struct jv_ocache *e)
{
    if (jv_decode(vm, ref, &e->o)) {
        e->o.ref = 0;
        return NULL;
    }
    e->base = e->o.ram ? e->o.ram : (uint8_t *)(uintptr_t)(e->o.view + e->o.off);
    return e;
}

static inline bool fw_ok(const jv_obj *o, uint32_t ctx)
{
    return ctx == JV_CTX_JCRE ||
           ((o->owner == ctx || (o->flags & JV_F_GLOBAL)) && !(o->flags & JV_F_NOSEL));
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* The selected applet's context for the CLEAR_ON_DESELECT rule (JCRE 3.0.5 §6.1.6): the applet
 * selected on the current channel, or the applet whose select() is running; JV_SEL_NONE when
 * none (install, uninstall, a package's static initialisers). */
uint32_t jv_sel_ctx(jv_vm *vm)
{
    if (vm->installing && vm->nframes) return vm->frames[0].ctx; /* JCRE 3.0.5 §11.2 */
    if (vm->cur_ch < SE_MAX_CHANNELS && vm->chan[vm->cur_ch].app_reg)
        return vm->chan[vm->cur_ch].ctx;
    if (vm->nframes && (vm->frames[0].m->sel == vm->sel_select ||
                        vm->frames[0].m->sel == vm->sel_select_z))
        return vm->frames[0].ctx;
    return JV_SEL_NONE;
}

/* Array element read with every check, in the JVM's order: firewall, not an array, bounds.
 * 0, or the exception to throw. */
static int aget_slow(const jv_obj *o, uint32_t ctx, int32_t idx, int32_t *v)
{
    if (!fw_ok(o, ctx) || o->kind == JV_K_INST) return JV_EX_SECURITY;
    if ((uint32_t)idx >= o->len) return JV_EX_AIOOBE;
    *v = jv_elem_get(o, (uint32_t)idx);
    return -1;
}

static bool find_handler(jv_vm *vm, jv_frame *f, jv_ref exc, uint32_t *hx)
{
    const jv_method *m = f->m;
    const jcl_method *jm = m->jm;
    uint32_t pc = m->xpc[f->pc];
    jv_obj o;
    if (jv_decode(vm, exc, &o)) return false;
    for (unsigned i = 0; i < jm->nhandlers; i++) {
        const jcl_handler *h = &jm->handlers[i];
        if (pc < h->start_pc || pc >= h->end_pc) continue;
        if (h->catch_type && !jv_instanceof(vm, &o, &f->cref[h->catch_type])) continue;
        uint32_t lo = 0, hi = m->nx;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (m->xpc[mid] < h->handler_pc)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= m->nx || m->xpc[lo] != h->handler_pc) return false;
        *hx = lo;
        return true;
    }
    return false;
}

/* Pushes a frame for m with its nargs arguments at args (already in place on the stack). */
static int push_frame(jv_vm *vm, jv_method *m, jv_slot *args, uint32_t ctx)
{
    if (!m->code) return jv_throw(vm, JV_EX_SECURITY, 0); /* abstract: cannot happen verified */
    if (vm->nframes >= JV_MAX_FRAMES ||
        args + m->max_locals + m->max_stack > vm->stack + JV_STACK_SLOTS ||
        m->max_locals < m->nargs)
        return jv_throw(vm, JV_EX_SECURITY, 0);
    if (!m->xc && translate(m)) return jv_throw(vm, JV_EX_SECURITY, 0);
    jv_frame *f = &vm->frames[vm->nframes++];
    f->m = m;
    f->cref = m->cls->pkg->cref;
    f->pc = f->npc = 0;
    f->locals = args;
    if (m->max_locals > m->nargs)
        memset(args + m->nargs, 0, (size_t)(m->max_locals - m->nargs) * sizeof *args);
    f->sp0 = f->sp = args + m->max_locals;
    f->ctx = ctx;
    return 0;
}

static int32_t narrow_ret(uint8_t t, int32_t v)
{
    return t ? narrow(t, v) : v;
}

/* Runs until the frame at depth base returns. */
static int run(jv_vm *vm, int base, jv_slot *ret)
{
#define XLABEL(n) &&L_##n,
    static const void *const L[X_COUNT] = {XOPS(XLABEL)};
#undef XLABEL
    jv_frame *f;
    const jv_xi *xc, *ip;
    jv_cref *cref;
    jv_slot *sp, *lv;
    uint32_t ctx;
    uint64_t steps = vm->steps;
    struct jv_ocache *e;
    jv_method *m;
    jv_slot *args;
    uint32_t nctx;
    int32_t v;

#define LOAD_FRAME()                                                                               \
    do {                                                                                           \
        f = &vm->frames[vm->nframes - 1];                                                          \
        xc = f->m->xc;                                                                             \
        ip = xc + f->npc;                                                                          \
        cref = f->cref;                                                                            \
        sp = f->sp;                                                                                \
        lv = f->locals;                                                                            \
        ctx = f->ctx;                                                                              \
    } while (0)
#define SAVE_FRAME()                                                                               \
    do {                                                                                           \
        f->pc = (uint32_t)(ip - xc);                                                               \
        f->npc = f->pc + 1;                                                                        \
        f->sp = sp;                                                                                \
    } while (0)
#define NEXT() goto *L[ip->op]
#define THROW(ex, rs)                                                                              \
    do {                                                                                           \
        jv_throw(vm, (ex), (rs));                                                                  \
        goto exception;                                                                            \
    } while (0)
#define OBJ(rv_)                                                                                   \
    do {                                                                                           \
        jv_ref r_ = (jv_ref)(rv_);                                                                 \
        if (!r_) THROW(JV_EX_NPE, 0);                                                              \
        e = &vm->ocache[OC_IDX(r_)];                                                               \
        if (e->o.ref != r_ && !(e = ocache_fill(vm, r_, e))) THROW(JV_EX_NPE, 0);                  \
    } while (0)
#define CHARGE(n)                                                                                  \
    do {                                                                                           \
        if (steps < (uint64_t)(n)) goto budget;                                                    \
        steps -= (n);                                                                              \
    } while (0)
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        if (cond) {                                                                                \
            if (ip->c) CHARGE(ip->c);                                                              \
            ip = xc + ip->b;                                                                       \
        } else {                                                                                   \
            ip++;                                                                                  \
        }                                                                                          \
        NEXT();                                                                                    \
    } while (0)
#define BINOP(expr)                                                                                \
    do {                                                                                           \
        int32_t a_ = sp[-2], b_ = sp[-1];                                                          \
        sp[-2] = (expr);                                                                           \
        sp--;                                                                                      \
        ip++;                                                                                      \
        NEXT();                                                                                    \
    } while (0)
#define KOP(expr)                                                                                  \
    do {                                                                                           \
        int32_t a_ = sp[-1], b_ = ip->b;                                                           \
        sp[-1] = (expr);                                                                           \
        ip++;                                                                                      \
        NEXT();                                                                                    \
    } while (0)
#define ADD(a, b) ((int32_t)((uint32_t)(a) + (uint32_t)(b)))
#define SUB(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)))
#define MUL(a, b) ((int32_t)((uint32_t)(a) * (uint32_t)(b)))
#define SHL(a, b) ((int32_t)((uint32_t)(a) << ((b) & 31)))
#define SHR(a, b) ((a) < 0 ? (int32_t) ~(~(uint32_t)(a) >> ((b) & 31)) : (int32_t)((uint32_t)(a) >> ((b) & 31)))
#define USHR(a, b) ((int32_t)((uint32_t)(a) >> ((b) & 31)))
/* array loads: fast when the kind matches, any other case through aget_slow */
#define ALOAD_BODY(aref, idx, kfast, rd)                                                           \
    do {                                                                                           \
        int32_t i_ = (idx);                                                                        \
        OBJ(aref);                                                                                 \
        if ((kfast) && (uint32_t)i_ < e->o.len && fw_ok(&e->o, ctx)) {                             \
            v = (rd);                                                                              \
        } else {                                                                                   \
            int x_ = aget_slow(&e->o, ctx, i_, &v);                                                \
            if (x_ >= 0) THROW(x_, 0);                                                             \
        }                                                                                          \
    } while (0)
#define RD_B(i) ((int32_t)(int8_t)e->base[i])
#define RD_S(i) ((int32_t)(int16_t)(uint16_t)(e->base[2 * (i)] | (e->base[2 * (i) + 1] << 8)))
#define RD_I(i) ((int32_t)rd32(e->base + 4 * (i)))
#define K_BYTE (e->o.kind == JV_K_BYTE || e->o.kind == JV_K_BOOL)

    jv_ocache_flush(vm);
    LOAD_FRAME();
    NEXT();

L_BAD:
    THROW(JV_EX_SECURITY, 0);
L_NOP:
    ip++;
    NEXT();
L_CONST:
    *sp++ = ip->b;
    ip++;
    NEXT();
L_LOAD:
    *sp++ = lv[ip->a];
    ip++;
    NEXT();
L_LOAD2:
    sp[0] = lv[ip->a];
    sp[1] = lv[ip->d];
    sp += 2;
    ip++;
    NEXT();
L_LOADK:
    sp[0] = lv[ip->a];
    sp[1] = (int16_t)ip->d;
    sp += 2;
    ip++;
    NEXT();
L_LOAD_IADDK:
    *sp++ = ADD(lv[ip->a], ip->b);
    ip++;
    NEXT();
L_STORE:
    lv[ip->a] = *--sp;
    ip++;
    NEXT();
L_I2S_STORE:
    lv[ip->a] = (int16_t)*--sp;
    ip++;
    NEXT();
L_IALOAD:
    ALOAD_BODY(sp[-2], sp[-1], e->o.kind == JV_K_INT, RD_I(i_));
    sp[-2] = v;
    sp--;
    ip++;
    NEXT();
L_AALOAD:
    ALOAD_BODY(sp[-2], sp[-1], e->o.kind == JV_K_REF, RD_I(i_));
    sp[-2] = v;
    sp--;
    ip++;
    NEXT();
L_BALOAD:
    ALOAD_BODY(sp[-2], sp[-1], K_BYTE, RD_B(i_));
    sp[-2] = v;
    sp--;
    ip++;
    NEXT();
L_SALOAD:
    ALOAD_BODY(sp[-2], sp[-1], e->o.kind == JV_K_SHORT, RD_S(i_));
    sp[-2] = v;
    sp--;
    ip++;
    NEXT();
L_CALOAD:
    ALOAD_BODY(sp[-2], sp[-1], e->o.kind == JV_K_SHORT, RD_S(i_));
    sp[-2] = (uint16_t)v;
    sp--;
    ip++;
    NEXT();
L_LL_IALOAD:
    ALOAD_BODY(lv[ip->a], lv[ip->d], e->o.kind == JV_K_INT, RD_I(i_));
    *sp++ = v;
    ip++;
    NEXT();
L_LL_AALOAD:
    ALOAD_BODY(lv[ip->a], lv[ip->d], e->o.kind == JV_K_REF, RD_I(i_));
    *sp++ = v;
    ip++;
    NEXT();
L_LL_BALOAD:
    ALOAD_BODY(lv[ip->a], lv[ip->d], K_BYTE, RD_B(i_));
    *sp++ = v;
    ip++;
    NEXT();
L_LL_SALOAD:
    ALOAD_BODY(lv[ip->a], lv[ip->d], e->o.kind == JV_K_SHORT, RD_S(i_));
    *sp++ = v;
    ip++;
    NEXT();
L_IASTORE:
L_BASTORE:
L_SASTORE:
L_CASTORE:
L_AASTORE: {
    int32_t idx = sp[-2];
    v = sp[-1];
    OBJ(sp[-3]);
    if (!fw_ok(&e->o, ctx) || e->o.kind == JV_K_INST) THROW(JV_EX_SECURITY, 0);
    if ((uint32_t)idx >= e->o.len) THROW(JV_EX_AIOOBE, 0);
    if (ip->op == X_AASTORE && v) {
        jv_obj o2;
        if (!storable(vm, (jv_ref)v)) THROW(JV_EX_SECURITY, 0);
        if (jv_decode(vm, (jv_ref)v, &o2)) THROW(JV_EX_NPE, 0);
        bool ok = o2.kind == JV_K_INST ? jv_is_a(o2.cls, e->o.cls) : e->o.cls == vm->c_object;
        if (!ok) THROW(JV_EX_ASE, 0);
    }
    if ((e->o.flags & (JV_F_RAM | JV_F_RO)) == JV_F_RAM) {
        uint8_t *p = e->base;
        switch (e->o.kind) {
        case JV_K_BOOL: p[idx] = v ? 1 : 0; break;
        case JV_K_BYTE: p[idx] = (uint8_t)v; break;
        case JV_K_SHORT:
            p[2 * idx] = (uint8_t)v;
            p[2 * idx + 1] = (uint8_t)(v >> 8);
            break;
        default:
            p[4 * idx] = (uint8_t)v;
            p[4 * idx + 1] = (uint8_t)(v >> 8);
            p[4 * idx + 2] = (uint8_t)(v >> 16);
            p[4 * idx + 3] = (uint8_t)(v >> 24);
            break;
        }
    } else if (jv_elem_set(vm, &e->o, (uint32_t)idx, v)) {
        goto exception;
    }
    sp -= 3;
    ip++;
    NEXT();
}
L_POP:
    sp--;
    ip++;
    NEXT();
L_POP2:
    sp -= 2;
    ip++;
    NEXT();
L_DUP:
    sp[0] = sp[-1];
    sp++;
    ip++;
    NEXT();
L_DUP_X1: {
    jv_slot a = sp[-1], b = sp[-2];
    sp[-2] = a;
    sp[-1] = b;
    sp[0] = a;
    sp++;
    ip++;
    NEXT();
}
L_DUP_X2: {
    jv_slot a = sp[-1], b = sp[-2], c = sp[-3];
    sp[-3] = a;
    sp[-2] = c;
    sp[-1] = b;
    sp[0] = a;
    sp++;
    ip++;
    NEXT();
}
L_DUP2:
    sp[0] = sp[-2];
    sp[1] = sp[-1];
    sp += 2;
    ip++;
    NEXT();
L_DUP2_X1: {
    jv_slot a = sp[-1], b = sp[-2], c = sp[-3];
    sp[-3] = b;
    sp[-2] = a;
    sp[-1] = c;
    sp[0] = b;
    sp[1] = a;
    sp += 2;
    ip++;
    NEXT();
}
L_DUP2_X2: {
    jv_slot a = sp[-1], b = sp[-2], c = sp[-3], d = sp[-4];
    sp[-4] = b;
    sp[-3] = a;
    sp[-2] = d;
    sp[-1] = c;
    sp[0] = b;
    sp[1] = a;
    sp += 2;
    ip++;
    NEXT();
}
L_SWAP: {
    jv_slot a = sp[-1];
    sp[-1] = sp[-2];
    sp[-2] = a;
    ip++;
    NEXT();
}
L_IADD:
    BINOP(ADD(a_, b_));
L_ISUB:
    BINOP(SUB(a_, b_));
L_IMUL:
    BINOP(MUL(a_, b_));
L_IDIV:
L_IREM: {
    int32_t b = sp[-1], a = sp[-2];
    if (b == 0) THROW(JV_EX_ARITH, 0);
    int32_t r;
    if (a == INT32_MIN && b == -1)
        r = ip->op == X_IDIV ? INT32_MIN : 0;
    else
        r = ip->op == X_IDIV ? a / b : a % b;
    sp[-2] = r;
    sp--;
    ip++;
    NEXT();
}
L_INEG:
    sp[-1] = (int32_t)(0u - (uint32_t)sp[-1]);
    ip++;
    NEXT();
L_ISHL:
    BINOP(SHL(a_, b_));
L_ISHR:
    BINOP(SHR(a_, b_));
L_IUSHR:
    BINOP(USHR(a_, b_));
L_IAND:
    BINOP(a_ & b_);
L_IOR:
    BINOP(a_ | b_);
L_IXOR:
    BINOP(a_ ^ b_);
L_IADDK:
    KOP(ADD(a_, b_));
L_IMULK:
    KOP(MUL(a_, b_));
L_IANDK:
    KOP(a_ & b_);
L_IORK:
    KOP(a_ | b_);
L_IXORK:
    KOP(a_ ^ b_);
L_ISHLK:
    KOP(SHL(a_, b_));
L_ISHRK:
    KOP(SHR(a_, b_));
L_IUSHRK:
    KOP(USHR(a_, b_));
L_IINC:
    lv[ip->a] = ADD(lv[ip->a], ip->b);
    ip++;
    NEXT();
L_I2B:
    sp[-1] = (int8_t)sp[-1];
    ip++;
    NEXT();
L_I2C:
    sp[-1] = (uint16_t)sp[-1];
    ip++;
    NEXT();
L_I2S:
    sp[-1] = (int16_t)sp[-1];
    ip++;
    NEXT();
L_IFEQ:
    sp--;
    BRANCH(sp[0] == 0);
L_IFNE:
    sp--;
    BRANCH(sp[0] != 0);
L_IFLT:
    sp--;
    BRANCH(sp[0] < 0);
L_IFGE:
    sp--;
    BRANCH(sp[0] >= 0);
L_IFGT:
    sp--;
    BRANCH(sp[0] > 0);
L_IFLE:
    sp--;
    BRANCH(sp[0] <= 0);
L_IFNULL:
    sp--;
    BRANCH(sp[0] == 0);
L_IFNONNULL:
    sp--;
    BRANCH(sp[0] != 0);
L_ICMPEQ:
    sp -= 2;
    BRANCH(sp[0] == sp[1]);
L_ICMPNE:
    sp -= 2;
    BRANCH(sp[0] != sp[1]);
L_ICMPLT:
    sp -= 2;
    BRANCH(sp[0] < sp[1]);
L_ICMPGE:
    sp -= 2;
    BRANCH(sp[0] >= sp[1]);
L_ICMPGT:
    sp -= 2;
    BRANCH(sp[0] > sp[1]);
L_ICMPLE:
    sp -= 2;
    BRANCH(sp[0] <= sp[1]);
L_LL_ICMPEQ:
    BRANCH(lv[ip->a] == lv[ip->d]);
L_LL_ICMPNE:
    BRANCH(lv[ip->a] != lv[ip->d]);
L_LL_ICMPLT:
    BRANCH(lv[ip->a] < lv[ip->d]);
L_LL_ICMPGE:
    BRANCH(lv[ip->a] >= lv[ip->d]);
L_LL_ICMPGT:
    BRANCH(lv[ip->a] > lv[ip->d]);
L_LL_ICMPLE:
    BRANCH(lv[ip->a] <= lv[ip->d]);
L_LK_ICMPEQ:
    BRANCH(lv[ip->a] == (int16_t)ip->d);
L_LK_ICMPNE:
    BRANCH(lv[ip->a] != (int16_t)ip->d);
L_LK_ICMPLT:
    BRANCH(lv[ip->a] < (int16_t)ip->d);
L_LK_ICMPGE:
    BRANCH(lv[ip->a] >= (int16_t)ip->d);
L_LK_ICMPGT:
    BRANCH(lv[ip->a] > (int16_t)ip->d);
L_LK_ICMPLE:
    BRANCH(lv[ip->a] <= (int16_t)ip->d);
L_GOTO:
    BRANCH(1);
L_TSWITCH:
L_LSWITCH: {
    const int32_t *a = f->m->xaux + ip->b;
    int32_t k = *--sp;
    uint32_t t;
    if (ip->op == X_TSWITCH) {
        t = (uint32_t)(k < a[0] || k > a[1] ? a[2] : a[3 + ((uint32_t)k - (uint32_t)a[0])]);
    } else {
        uint32_t lo = 0, hi = (uint32_t)a[0];
        t = (uint32_t)a[1];
        while (lo < hi) { /* keys are sorted (the walker checked) */
            uint32_t mid = (lo + hi) / 2;
            int32_t key = a[2 + 2 * mid];
            if (key == k) {
                t = (uint32_t)a[3 + 2 * mid];
                break;
            }
            if (key < k)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    if (xc + t <= ip) CHARGE(1);
    ip = xc + t;
    NEXT();
}
L_IRETURN:
L_RETURN: {
    bool has = ip->op == X_IRETURN;
    jv_slot rv = has ? narrow_ret(f->m->rnarrow, sp[-1]) : 0;
    vm->nframes--;
    if (vm->nframes == base) {
        if (ret) *ret = rv;
        vm->steps = steps;
        return 0;
    }
    LOAD_FRAME();
    if (has) *sp++ = rv;
    NEXT();
}
L_GETSTATIC:
    *sp++ = static_get(vm, &cref[ip->a]);
    ip++;
    NEXT();
L_PUTSTATIC: {
    const jv_cref *r = &cref[ip->a];
    v = sp[-1];
    if ((r->ftype == 'L' || r->ftype == '[') && !storable(vm, (jv_ref)v)) THROW(JV_EX_SECURITY, 0);
    if (static_put(vm, r, narrow(r->ftype, v))) goto exception;
    sp--;
    ip++;
    NEXT();
}
L_GETFIELD: {
    const jv_cref *r = &cref[ip->a];
    OBJ(sp[-1]);
    if (!fw_ok(&e->o, ctx) || e->o.kind != JV_K_INST || r->slot >= e->o.len)
        THROW(JV_EX_SECURITY, 0);
    sp[-1] = (int32_t)rd32(e->base + 4u * r->slot);
    ip++;
    NEXT();
}
L_PUTFIELD: {
    const jv_cref *r = &cref[ip->a];
    v = sp[-1];
    OBJ(sp[-2]);
    if (!fw_ok(&e->o, ctx) || e->o.kind != JV_K_INST || r->slot >= e->o.len)
        THROW(JV_EX_SECURITY, 0);
    if ((r->ftype == 'L' || r->ftype == '[') && !storable(vm, (jv_ref)v)) THROW(JV_EX_SECURITY, 0);
    if (jv_elem_set(vm, &e->o, r->slot, narrow(r->ftype, v))) goto exception;
    sp -= 2;
    ip++;
    NEXT();
}
L_INVOKESTATIC:
    m = cref[ip->a].m;
    nctx = ctx;
    args = sp - m->nargs;
    goto call;
L_INVOKEVIRTUAL:
L_INVOKESPECIAL:
L_INVOKEINTERFACE: {
    const jv_cref *r = &cref[ip->a];
    m = r->m;
    nctx = ctx;
    args = sp - m->nargs;
    OBJ(args[0]);
    const jv_obj *o = &e->o;
    bool same = jv_fw_access(o, ctx);
    jv_class *rc = o->kind == JV_K_INST ? o->cls : vm->c_object;
    if (ip->op == X_INVOKESPECIAL) {
        if (!same) THROW(JV_EX_SECURITY, 0);
    } else if (ip->op == X_INVOKEVIRTUAL) {
        if (!same && !(o->flags & JV_F_ENTRY)) THROW(JV_EX_SECURITY, 0);
        if (m->vindex >= 0 && (uint32_t)m->vindex < rc->nvt && rc->vt[m->vindex]->sel == m->sel)
            m = rc->vt[m->vindex];
        else if (m->vindex >= 0 || m->cls->is_iface)
            m = jv_vt_lookup(rc, r->sel);
        if (!m) THROW(JV_EX_SECURITY, 0);
    } else {
        if (!jv_is_a(rc, r->cls)) THROW(JV_EX_CCE, 0);
        /* across the firewall only through an interface that extends Shareable (JCRE
         * §6.2.4.2), on an object whose class implements one */
        if (!same && !(o->kind == JV_K_INST && o->cls->shareable && r->cls->shareable) &&
            !(o->flags & JV_F_ENTRY))
            THROW(JV_EX_SECURITY, 0);
        m = jv_vt_lookup(rc, r->sel);
        if (!m) THROW(JV_EX_SECURITY, 0);
    }
    if (o->owner != ctx && !(o->flags & JV_F_GLOBAL)) nctx = o->owner;
    goto call;
}
call:
    CHARGE(1);
    SAVE_FRAME();
    f->sp = args;
    if (m->native) {
        jv_slot nr = 0;
        vm->sp_top = sp;
        vm->steps = steps;
        int rc = m->native(vm, m, args, &nr);
        steps = vm->steps;
        jv_ocache_flush(vm);
        if (rc) goto exception;
        sp = args;
        if (m->ret != 'V') *sp++ = nr;
        ip++;
        NEXT();
    }
    if (push_frame(vm, m, args, nctx)) goto exception;
    LOAD_FRAME();
    NEXT();
L_NEW: {
    const jv_cref *r = &cref[ip->a];
    jv_ref nr;
    if (r->cls->is_iface || (r->cls->flags & 0x0400)) THROW(JV_EX_SECURITY, 0);
    SAVE_FRAME();
    int rc = jv_new_inst(vm, ctx, r->cls, &nr);
    jv_ocache_flush(vm);
    if (rc) goto exception;
    *sp++ = (jv_slot)nr;
    ip++;
    NEXT();
}
L_NEWARRAY:
L_ANEWARRAY: {
    jv_ref nr;
    int rc;
    SAVE_FRAME();
    if (ip->op == X_NEWARRAY) {
        rc = jv_new_array(vm, ctx, (uint8_t)ip->a, NULL, sp[-1], 0, &nr);
    } else {
        const jv_cref *r = &cref[ip->a];
        if (r->arr) THROW(JV_EX_SECURITY, 0);
        rc = jv_new_array(vm, ctx, JV_K_REF, r->cls, sp[-1], 0, &nr);
    }
    jv_ocache_flush(vm);
    if (rc) goto exception;
    sp[-1] = (jv_slot)nr;
    ip++;
    NEXT();
}
L_ARRAYLENGTH:
    OBJ(sp[-1]);
    if (!fw_ok(&e->o, ctx) || e->o.kind == JV_K_INST) THROW(JV_EX_SECURITY, 0);
    sp[-1] = (int32_t)e->o.len;
    ip++;
    NEXT();
L_ATHROW:
    OBJ(sp[-1]);
    if (!jv_fw_access(&e->o, ctx) && !(e->o.flags & JV_F_ENTRY)) THROW(JV_EX_SECURITY, 0);
    vm->exc = (jv_ref)sp[-1];
    goto exception;
L_CHECKCAST:
L_INSTANCEOF: {
    const jv_cref *r = &cref[ip->a];
    jv_ref ref = (jv_ref)sp[-1];
    if (ref) {
        OBJ(ref);
        if (!jv_fw_access(&e->o, ctx) && !(e->o.flags & JV_F_ENTRY) &&
            !(e->o.kind == JV_K_INST && e->o.cls->shareable))
            THROW(JV_EX_SECURITY, 0);
        bool is = jv_instanceof(vm, &e->o, r);
        if (ip->op == X_CHECKCAST) {
            if (!is) THROW(JV_EX_CCE, 0);
        } else {
            sp[-1] = is;
        }
    }
    ip++;
    NEXT();
}

budget:
    steps = 0;
    vm->budget_out = true;
exception:
    /* vm->exc is set (or the budget is spent / the store died): find a handler, frame by frame,
     * down to base */
    f->pc = (uint32_t)(ip - xc);
    for (;;) {
        uint32_t hx;
        if (!vm->budget_out && !vm->fatal && vm->exc && find_handler(vm, f, vm->exc, &hx)) {
            if (!steps) {
                vm->budget_out = true;
                continue;
            }
            steps--;
            xc = f->m->xc;
            ip = xc + hx;
            cref = f->cref;
            lv = f->locals;
            ctx = f->ctx;
            sp = f->sp0;
            *sp++ = (jv_slot)vm->exc;
            vm->exc = 0;
            NEXT();
        }
        vm->nframes--;
        if (vm->nframes == base) {
            vm->steps = steps;
            return vm->budget_out ? -2 : -1;
        }
        f = &vm->frames[vm->nframes - 1];
    }
#undef LOAD_FRAME
#undef SAVE_FRAME
#undef NEXT
#undef THROW
#undef OBJ
#undef CHARGE
#undef BRANCH
#undef BINOP
#undef KOP
#undef ADD
#undef SUB
#undef MUL
#undef SHL
#undef SHR
#undef USHR
#undef ALOAD_BODY
#undef RD_B
#undef RD_S
#undef RD_I
#undef K_BYTE
}

int jv_invoke(jv_vm *vm, jv_method *m, const jv_slot *args, uint32_t ctx, jv_slot *ret)
{
    jv_slot *save = vm->sp_top;
    jv_slot *at = vm->nframes ? vm->sp_top : vm->stack;
    if (!at) at = vm->stack;
    if (at + m->nargs + 1 > vm->stack + JV_STACK_SLOTS) return jv_throw(vm, JV_EX_SECURITY, 0);
    if (m->nargs) memcpy(at, args, m->nargs * sizeof *args);
    int rc;
    if (vm->budget_out) return -2;
    if (m->native) {
        vm->sp_top = at + m->nargs;
        jv_slot r = 0;
        /* a native runs in its caller's context: give it a frame-less context marker */
        rc = m->native(vm, m, at, &r);
        if (ret) *ret = r;
        vm->sp_top = save;
        return rc ? (vm->budget_out ? -2 : -1) : 0;
    }
    int base = vm->nframes;
    if (push_frame(vm, m, at, ctx)) {
        vm->sp_top = save;
        return -1;
    }
    rc = run(vm, base, ret);
    vm->sp_top = save;
    return rc;
}
