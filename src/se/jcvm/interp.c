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
 * StackOverflowError). Each instruction spends one step of the budget (vm->steps); when it is
 * spent every frame is unwound without running handlers and the caller gets -2.
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
    return ctx == JV_CTX_JCRE || o->owner == ctx || (o->flags & JV_F_GLOBAL);
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

static bool find_handler(jv_vm *vm, jv_frame *f, jv_ref exc, uint32_t *hpc)
{
    const jcl_method *jm = f->m->jm;
    jv_obj o;
    if (jv_decode(vm, exc, &o)) return false;
    for (unsigned i = 0; i < jm->nhandlers; i++) {
        const jcl_handler *h = &jm->handlers[i];
        if (f->pc < h->start_pc || f->pc >= h->end_pc) continue;
        if (h->catch_type && !jv_instanceof(vm, &o, &f->cref[h->catch_type])) continue;
        *hpc = h->handler_pc;
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
    jv_frame *f = &vm->frames[vm->nframes++];
    f->m = m;
    f->code = m->code;
    f->cref = m->cls->pkg->cref;
    f->pc = f->npc = 0;
    f->locals = args;
    memset(args + m->nargs, 0, (size_t)(m->max_locals - m->nargs) * sizeof *args);
    f->sp0 = f->sp = args + m->max_locals;
    f->ctx = ctx;
    return 0;
}

/* Runs until the frame at depth base returns. */
static int run(jv_vm *vm, int base, jv_slot *ret)
{
    jv_frame *f;
    const uint8_t *code;
    jv_cref *cref;
    jv_slot *sp, *lv;
    uint32_t pc, ipc, ctx;
    jv_obj o, o2;
    jv_slot rv;

#define LOAD_FRAME()                                                                               \
    do {                                                                                           \
        f = &vm->frames[vm->nframes - 1];                                                          \
        code = f->code;                                                                            \
        cref = f->cref;                                                                            \
        sp = f->sp;                                                                                \
        lv = f->locals;                                                                            \
        pc = f->npc;                                                                               \
        ctx = f->ctx;                                                                              \
    } while (0)
#define SAVE_FRAME(next)                                                                           \
    do {                                                                                           \
        f->pc = ipc;                                                                               \
        f->npc = (next);                                                                           \
        f->sp = sp;                                                                                \
    } while (0)
#define THROW(ex, rs)                                                                              \
    do {                                                                                           \
        jv_throw(vm, (ex), (rs));                                                                  \
        goto exception;                                                                            \
    } while (0)
#define DECODE(ref)                                                                                \
    do {                                                                                           \
        if (jv_decode(vm, (ref), &o)) THROW(JV_EX_NPE, 0);                                         \
    } while (0)
#define ACCESS()                                                                                   \
    do {                                                                                           \
        if (!jv_fw_access(&o, ctx)) THROW(JV_EX_SECURITY, 0);                                      \
    } while (0)

    LOAD_FRAME();
    for (;;) {
        ipc = pc;
        if (!vm->steps--) {
            vm->steps = 0;
            vm->budget_out = true;
            goto exception;
        }
        uint8_t op = code[pc];
        switch (op) {
        case BC_NOP: pc++; break;
        case BC_ACONST_NULL: *sp++ = 0; pc++; break;
        case BC_ICONST_M1:
        case BC_ICONST_0:
        case BC_ICONST_1:
        case BC_ICONST_2:
        case BC_ICONST_3:
        case BC_ICONST_4:
        case BC_ICONST_5: *sp++ = op - BC_ICONST_0; pc++; break;
        case BC_BIPUSH: *sp++ = (int8_t)code[pc + 1]; pc += 2; break;
        case BC_SIPUSH: *sp++ = s16(code + pc + 1); pc += 3; break;
        case BC_LDC: *sp++ = cref[code[pc + 1]].value; pc += 2; break;
        case BC_LDC_W: *sp++ = cref[u16(code + pc + 1)].value; pc += 3; break;
        case BC_ILOAD:
        case BC_ALOAD: *sp++ = lv[code[pc + 1]]; pc += 2; break;
        case BC_ILOAD_0:
        case BC_ILOAD_1:
        case BC_ILOAD_2:
        case BC_ILOAD_3: *sp++ = lv[op - BC_ILOAD_0]; pc++; break;
        case BC_ALOAD_0:
        case BC_ALOAD_1:
        case BC_ALOAD_2:
        case BC_ALOAD_3: *sp++ = lv[op - BC_ALOAD_0]; pc++; break;
        case BC_ISTORE:
        case BC_ASTORE: lv[code[pc + 1]] = *--sp; pc += 2; break;
        case BC_ISTORE_0:
        case BC_ISTORE_1:
        case BC_ISTORE_2:
        case BC_ISTORE_3: lv[op - BC_ISTORE_0] = *--sp; pc++; break;
        case BC_ASTORE_0:
        case BC_ASTORE_1:
        case BC_ASTORE_2:
        case BC_ASTORE_3: lv[op - BC_ASTORE_0] = *--sp; pc++; break;
        case BC_IALOAD:
        case BC_AALOAD:
        case BC_BALOAD:
        case BC_SALOAD:
        case BC_CALOAD: {
            int32_t idx = sp[-1];
            DECODE((jv_ref)sp[-2]);
            ACCESS();
            if (o.kind == JV_K_INST) THROW(JV_EX_SECURITY, 0);
            if ((uint32_t)idx >= o.len) THROW(JV_EX_AIOOBE, 0);
            int32_t v = jv_elem_get(&o, (uint32_t)idx);
            if (op == BC_CALOAD) v = (uint16_t)v;
            sp[-2] = v;
            sp--;
            pc++;
            break;
        }
        case BC_IASTORE:
        case BC_AASTORE:
        case BC_BASTORE:
        case BC_SASTORE:
        case BC_CASTORE: {
            int32_t v = sp[-1], idx = sp[-2];
            DECODE((jv_ref)sp[-3]);
            ACCESS();
            if (o.kind == JV_K_INST) THROW(JV_EX_SECURITY, 0);
            if ((uint32_t)idx >= o.len) THROW(JV_EX_AIOOBE, 0);
            if (op == BC_AASTORE && v) {
                if (!storable(vm, (jv_ref)v)) THROW(JV_EX_SECURITY, 0);
                if (jv_decode(vm, (jv_ref)v, &o2)) THROW(JV_EX_NPE, 0);
                bool ok = o2.kind == JV_K_INST ? jv_is_a(o2.cls, o.cls) : o.cls == vm->c_object;
                if (!ok) THROW(JV_EX_ASE, 0);
            }
            SAVE_FRAME(pc);
            if (jv_elem_set(vm, &o, (uint32_t)idx, v)) goto exception;
            sp -= 3;
            pc++;
            break;
        }
        case BC_POP: sp--; pc++; break;
        case BC_POP2: sp -= 2; pc++; break;
        case BC_DUP: sp[0] = sp[-1]; sp++; pc++; break;
        case BC_DUP_X1: {
            jv_slot a = sp[-1], b = sp[-2];
            sp[-2] = a;
            sp[-1] = b;
            sp[0] = a;
            sp++;
            pc++;
            break;
        }
        case BC_DUP_X2: {
            jv_slot a = sp[-1], b = sp[-2], c = sp[-3];
            sp[-3] = a;
            sp[-2] = c;
            sp[-1] = b;
            sp[0] = a;
            sp++;
            pc++;
            break;
        }
        case BC_DUP2: sp[0] = sp[-2]; sp[1] = sp[-1]; sp += 2; pc++; break;
        case BC_DUP2_X1: {
            jv_slot a = sp[-1], b = sp[-2], c = sp[-3];
            sp[-3] = b;
            sp[-2] = a;
            sp[-1] = c;
            sp[0] = b;
            sp[1] = a;
            sp += 2;
            pc++;
            break;
        }
        case BC_DUP2_X2: {
            jv_slot a = sp[-1], b = sp[-2], c = sp[-3], d = sp[-4];
            sp[-4] = b;
            sp[-3] = a;
            sp[-2] = d;
            sp[-1] = c;
            sp[0] = b;
            sp[1] = a;
            sp += 2;
            pc++;
            break;
        }
        case BC_SWAP: {
            jv_slot a = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = a;
            pc++;
            break;
        }
        case BC_IADD: sp[-2] = (int32_t)((uint32_t)sp[-2] + (uint32_t)sp[-1]); sp--; pc++; break;
        case BC_ISUB: sp[-2] = (int32_t)((uint32_t)sp[-2] - (uint32_t)sp[-1]); sp--; pc++; break;
        case BC_IMUL: sp[-2] = (int32_t)((uint32_t)sp[-2] * (uint32_t)sp[-1]); sp--; pc++; break;
        case BC_IDIV:
        case BC_IREM: {
            int32_t b = sp[-1], a = sp[-2];
            if (b == 0) THROW(JV_EX_ARITH, 0);
            int32_t r;
            if (a == INT32_MIN && b == -1)
                r = op == BC_IDIV ? INT32_MIN : 0;
            else
                r = op == BC_IDIV ? a / b : a % b;
            sp[-2] = r;
            sp--;
            pc++;
            break;
        }
        case BC_INEG: sp[-1] = (int32_t)(0u - (uint32_t)sp[-1]); pc++; break;
        case BC_ISHL: sp[-2] = (int32_t)((uint32_t)sp[-2] << (sp[-1] & 31)); sp--; pc++; break;
        case BC_ISHR: {
            int32_t a = sp[-2];
            int s = sp[-1] & 31;
            sp[-2] = a < 0 ? (int32_t)~(~(uint32_t)a >> s) : (int32_t)((uint32_t)a >> s);
            sp--;
            pc++;
            break;
        }
        case BC_IUSHR: sp[-2] = (int32_t)((uint32_t)sp[-2] >> (sp[-1] & 31)); sp--; pc++; break;
        case BC_IAND: sp[-2] &= sp[-1]; sp--; pc++; break;
        case BC_IOR: sp[-2] |= sp[-1]; sp--; pc++; break;
        case BC_IXOR: sp[-2] ^= sp[-1]; sp--; pc++; break;
        case BC_IINC: {
            uint8_t i = code[pc + 1];
            lv[i] = (int32_t)((uint32_t)lv[i] + (uint32_t)(int8_t)code[pc + 2]);
            pc += 3;
            break;
        }
        case BC_I2B: sp[-1] = (int8_t)sp[-1]; pc++; break;
        case BC_I2C: sp[-1] = (uint16_t)sp[-1]; pc++; break;
        case BC_I2S: sp[-1] = (int16_t)sp[-1]; pc++; break;
        case BC_IFEQ: pc = sp[-1] == 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFNE: pc = sp[-1] != 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFLT: pc = sp[-1] < 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFGE: pc = sp[-1] >= 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFGT: pc = sp[-1] > 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFLE: pc = sp[-1] <= 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3; sp--; break;
        case BC_IFNULL:
            pc = sp[-1] == 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp--;
            break;
        case BC_IFNONNULL:
            pc = sp[-1] != 0 ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp--;
            break;
        case BC_IF_ICMPEQ:
        case BC_IF_ACMPEQ:
            pc = sp[-2] == sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_IF_ICMPNE:
        case BC_IF_ACMPNE:
            pc = sp[-2] != sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_IF_ICMPLT:
            pc = sp[-2] < sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_IF_ICMPGE:
            pc = sp[-2] >= sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_IF_ICMPGT:
            pc = sp[-2] > sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_IF_ICMPLE:
            pc = sp[-2] <= sp[-1] ? (uint32_t)(pc + s16(code + pc + 1)) : pc + 3;
            sp -= 2;
            break;
        case BC_GOTO: pc = (uint32_t)(pc + s16(code + pc + 1)); break;
        case BC_GOTO_W: pc = (uint32_t)(pc + s32(code + pc + 1)); break;
        case BC_TABLESWITCH: {
            uint32_t a = (pc + 4) & ~3u;
            int32_t def = s32(code + a), lo = s32(code + a + 4), hi = s32(code + a + 8);
            int32_t k = *--sp;
            if (k < lo || k > hi)
                pc = (uint32_t)(pc + def);
            else
                pc = (uint32_t)(pc + s32(code + a + 12 + 4u * (uint32_t)(k - lo)));
            break;
        }
        case BC_LOOKUPSWITCH: {
            uint32_t a = (pc + 4) & ~3u;
            int32_t def = s32(code + a), n = s32(code + a + 4);
            int32_t k = *--sp;
            uint32_t lo = 0, hi = (uint32_t)n;
            int32_t off = def;
            while (lo < hi) { /* keys are sorted (the walker checked) */
                uint32_t mid = (lo + hi) / 2;
                int32_t key = s32(code + a + 8 + 8 * mid);
                if (key == k) {
                    off = s32(code + a + 12 + 8 * mid);
                    break;
                }
                if (key < k)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            pc = (uint32_t)(pc + off);
            break;
        }
        case BC_IRETURN:
        case BC_ARETURN:
        case BC_RETURN: {
            bool has = op != BC_RETURN;
            rv = has ? sp[-1] : 0;
            if (has && f->m->ret == 'I') {
                const char *d = memchr(f->m->jm->desc.p, ')', f->m->jm->desc.len);
                if (d) rv = narrow((uint8_t)d[1], rv);
            }
            vm->nframes--;
            if (vm->nframes == base) {
                if (ret) *ret = rv;
                return 0;
            }
            LOAD_FRAME();
            if (has) *sp++ = rv;
            break;
        }
        case BC_GETSTATIC: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            *sp++ = static_get(vm, r);
            pc += 3;
            break;
        }
        case BC_PUTSTATIC: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            int32_t v = sp[-1];
            if ((r->ftype == 'L' || r->ftype == '[') && !storable(vm, (jv_ref)v))
                THROW(JV_EX_SECURITY, 0);
            SAVE_FRAME(pc);
            if (static_put(vm, r, narrow(r->ftype, v))) goto exception;
            sp--;
            pc += 3;
            break;
        }
        case BC_GETFIELD: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            DECODE((jv_ref)sp[-1]);
            ACCESS();
            if (o.kind != JV_K_INST || r->slot >= o.len) THROW(JV_EX_SECURITY, 0);
            sp[-1] = jv_elem_get(&o, r->slot);
            pc += 3;
            break;
        }
        case BC_PUTFIELD: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            int32_t v = sp[-1];
            DECODE((jv_ref)sp[-2]);
            ACCESS();
            if (o.kind != JV_K_INST || r->slot >= o.len) THROW(JV_EX_SECURITY, 0);
            if ((r->ftype == 'L' || r->ftype == '[') && !storable(vm, (jv_ref)v))
                THROW(JV_EX_SECURITY, 0);
            SAVE_FRAME(pc);
            if (jv_elem_set(vm, &o, r->slot, narrow(r->ftype, v))) goto exception;
            sp -= 2;
            pc += 3;
            break;
        }
        case BC_INVOKEVIRTUAL:
        case BC_INVOKESPECIAL:
        case BC_INVOKESTATIC:
        case BC_INVOKEINTERFACE: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            jv_method *m = r->m;
            uint32_t len = op == BC_INVOKEINTERFACE ? 5 : 3;
            uint32_t nctx = ctx;
            jv_slot *args = sp - m->nargs;
            if (op != BC_INVOKESTATIC) {
                DECODE((jv_ref)args[0]);
                bool same = jv_fw_access(&o, ctx);
                jv_class *rc = o.kind == JV_K_INST ? o.cls : vm->c_object;
                if (op == BC_INVOKESPECIAL) {
                    if (!same) THROW(JV_EX_SECURITY, 0);
                } else if (op == BC_INVOKEVIRTUAL) {
                    if (!same && !(o.flags & JV_F_ENTRY)) THROW(JV_EX_SECURITY, 0);
                    if (m->vindex >= 0 && (uint32_t)m->vindex < rc->nvt &&
                        rc->vt[m->vindex]->sel == m->sel)
                        m = rc->vt[m->vindex];
                    else if (m->vindex >= 0 || m->cls->is_iface)
                        m = jv_vt_lookup(rc, r->sel);
                    if (!m) THROW(JV_EX_SECURITY, 0);
                } else {
                    if (!jv_is_a(rc, r->cls)) THROW(JV_EX_CCE, 0);
                    if (!same && !(o.kind == JV_K_INST && o.cls->shareable) &&
                        !(o.flags & JV_F_ENTRY))
                        THROW(JV_EX_SECURITY, 0);
                    m = jv_vt_lookup(rc, r->sel);
                    if (!m) THROW(JV_EX_SECURITY, 0);
                }
                if (o.owner != ctx && !(o.flags & JV_F_GLOBAL)) nctx = o.owner;
            }
            SAVE_FRAME(pc + len);
            f->sp = args;
            if (m->native) {
                jv_slot nr = 0;
                vm->sp_top = sp;
                int rc = m->native(vm, m, args, &nr);
                if (rc) goto exception;
                sp = args;
                if (m->ret != 'V') *sp++ = nr;
                pc += len;
                break;
            }
            if (push_frame(vm, m, args, nctx)) goto exception;
            LOAD_FRAME();
            break;
        }
        case BC_NEW: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            jv_ref nr;
            if (r->cls->is_iface || (r->cls->flags & 0x0400)) THROW(JV_EX_SECURITY, 0);
            SAVE_FRAME(pc);
            if (jv_new_inst(vm, ctx, r->cls, &nr)) goto exception;
            *sp++ = (jv_slot)nr;
            pc += 3;
            break;
        }
        case BC_NEWARRAY: {
            uint8_t k;
            switch (code[pc + 1]) {
            case BC_T_BOOLEAN: k = JV_K_BOOL; break;
            case BC_T_BYTE: k = JV_K_BYTE; break;
            case BC_T_SHORT: k = JV_K_SHORT; break;
            case BC_T_INT: k = JV_K_INT; break;
            default: THROW(JV_EX_SECURITY, 0);
            }
            jv_ref nr;
            SAVE_FRAME(pc);
            if (jv_new_array(vm, ctx, k, NULL, sp[-1], 0, &nr)) goto exception;
            sp[-1] = (jv_slot)nr;
            pc += 2;
            break;
        }
        case BC_ANEWARRAY: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            if (r->arr) THROW(JV_EX_SECURITY, 0);
            jv_ref nr;
            SAVE_FRAME(pc);
            if (jv_new_array(vm, ctx, JV_K_REF, r->cls, sp[-1], 0, &nr)) goto exception;
            sp[-1] = (jv_slot)nr;
            pc += 3;
            break;
        }
        case BC_ARRAYLENGTH:
            DECODE((jv_ref)sp[-1]);
            ACCESS();
            if (o.kind == JV_K_INST) THROW(JV_EX_SECURITY, 0);
            sp[-1] = (int32_t)o.len;
            pc++;
            break;
        case BC_ATHROW:
            DECODE((jv_ref)sp[-1]);
            if (!jv_fw_access(&o, ctx) && !(o.flags & JV_F_ENTRY)) THROW(JV_EX_SECURITY, 0);
            vm->exc = (jv_ref)sp[-1];
            goto exception;
        case BC_CHECKCAST:
        case BC_INSTANCEOF: {
            const jv_cref *r = &cref[u16(code + pc + 1)];
            jv_ref v = (jv_ref)sp[-1];
            if (!v) {
                pc += 3;
                break;
            }
            DECODE(v);
            if (!jv_fw_access(&o, ctx) && !(o.flags & JV_F_ENTRY) &&
                !(o.kind == JV_K_INST && o.cls->shareable))
                THROW(JV_EX_SECURITY, 0);
            bool is = jv_instanceof(vm, &o, r);
            if (op == BC_CHECKCAST) {
                if (!is) THROW(JV_EX_CCE, 0);
            } else {
                sp[-1] = is;
            }
            pc += 3;
            break;
        }
        case BC_WIDE: {
            uint8_t wop = code[pc + 1];
            uint16_t i = u16(code + pc + 2);
            switch (wop) {
            case BC_ILOAD:
            case BC_ALOAD: *sp++ = lv[i]; pc += 4; break;
            case BC_ISTORE:
            case BC_ASTORE: lv[i] = *--sp; pc += 4; break;
            case BC_IINC:
                lv[i] = (int32_t)((uint32_t)lv[i] + (uint32_t)(int32_t)s16(code + pc + 4));
                pc += 6;
                break;
            default: THROW(JV_EX_SECURITY, 0);
            }
            break;
        }
        default:
            /* the reader refuses every other opcode */
            THROW(JV_EX_SECURITY, 0);
        }
        continue;

    exception:
        /* vm->exc is set (or the budget is spent / the store died): find a handler, frame by
         * frame, down to base */
        f->pc = ipc;
        for (;;) {
            uint32_t hpc;
            if (!vm->budget_out && !vm->fatal && vm->exc && find_handler(vm, f, vm->exc, &hpc)) {
                sp = f->sp0;
                *sp++ = (jv_slot)vm->exc;
                pc = hpc;
                code = f->code;
                cref = f->cref;
                lv = f->locals;
                ctx = f->ctx;
                vm->exc = 0;
                break;
            }
            vm->nframes--;
            if (vm->nframes == base) return vm->budget_out ? -2 : -1;
            f = &vm->frames[vm->nframes - 1];
        }
    }
#undef LOAD_FRAME
#undef SAVE_FRAME
#undef THROW
#undef DECODE
#undef ACCESS
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
