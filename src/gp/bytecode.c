/*
 * Bytecode walker (include/seam/bytecode.h), shared by the converter's class file parser and the
 * card's load file reader: decodes one JVM instruction at a time (JVMS SE 8 §6.5, opcodes
 * 0x00..0xc9), with wide (§6.5.wide), and the padded tableswitch/lookupswitch forms
 * (§6.5.tableswitch, §6.5.lookupswitch).
 *
 * Invariants: every byte read is inside [code, code + len); an instruction is returned only when
 * all of its bytes are inside the code; after an error the walker does not advance, so a caller
 * that loops until an error cannot loop forever. Static constraints checked here are the ones
 * that need no constant pool (JVMS §4.9.1): widenable opcodes, switch table shape and order,
 * the zero bytes of invokeinterface and invokedynamic, newarray's atype, multianewarray's
 * dimensions.
 */
#include <stdarg.h>
#include <stdio.h>

#include "seam/bytecode.h"

/* Mnemonics, indexed by opcode (JVMS §7, "Opcode Mnemonics by Opcode"). */
static const char *const op_names[202] = {
    "nop",           "aconst_null",  "iconst_m1",
    "iconst_0",      "iconst_1",     "iconst_2",
    "iconst_3",      "iconst_4",     "iconst_5",
    "lconst_0",      "lconst_1",     "fconst_0",
    "fconst_1",      "fconst_2",     "dconst_0",
    "dconst_1",      "bipush",       "sipush",
    "ldc",           "ldc_w",        "ldc2_w",
    "iload",         "lload",        "fload",
    "dload",         "aload",        "iload_0",
    "iload_1",       "iload_2",      "iload_3",
    "lload_0",       "lload_1",      "lload_2",
    "lload_3",       "fload_0",      "fload_1",
    "fload_2",       "fload_3",      "dload_0",
    "dload_1",       "dload_2",      "dload_3",
    "aload_0",       "aload_1",      "aload_2",
    "aload_3",       "iaload",       "laload",
    "faload",        "daload",       "aaload",
    "baload",        "caload",       "saload",
    "istore",        "lstore",       "fstore",
    "dstore",        "astore",       "istore_0",
    "istore_1",      "istore_2",     "istore_3",
    "lstore_0",      "lstore_1",     "lstore_2",
    "lstore_3",      "fstore_0",     "fstore_1",
    "fstore_2",      "fstore_3",     "dstore_0",
    "dstore_1",      "dstore_2",     "dstore_3",
    "astore_0",      "astore_1",     "astore_2",
    "astore_3",      "iastore",      "lastore",
    "fastore",       "dastore",      "aastore",
    "bastore",       "castore",      "sastore",
    "pop",           "pop2",         "dup",
    "dup_x1",        "dup_x2",       "dup2",
    "dup2_x1",       "dup2_x2",      "swap",
    "iadd",          "ladd",         "fadd",
    "dadd",          "isub",         "lsub",
    "fsub",          "dsub",         "imul",
    "lmul",          "fmul",         "dmul",
    "idiv",          "ldiv",         "fdiv",
    "ddiv",          "irem",         "lrem",
    "frem",          "drem",         "ineg",
    "lneg",          "fneg",         "dneg",
    "ishl",          "lshl",         "ishr",
    "lshr",          "iushr",        "lushr",
    "iand",          "land",         "ior",
    "lor",           "ixor",         "lxor",
    "iinc",          "i2l",          "i2f",
    "i2d",           "l2i",          "l2f",
    "l2d",           "f2i",          "f2l",
    "f2d",           "d2i",          "d2l",
    "d2f",           "i2b",          "i2c",
    "i2s",           "lcmp",         "fcmpl",
    "fcmpg",         "dcmpl",        "dcmpg",
    "ifeq",          "ifne",         "iflt",
    "ifge",          "ifgt",         "ifle",
    "if_icmpeq",     "if_icmpne",    "if_icmplt",
    "if_icmpge",     "if_icmpgt",    "if_icmple",
    "if_acmpeq",     "if_acmpne",    "goto",
    "jsr",           "ret",          "tableswitch",
    "lookupswitch",  "ireturn",      "lreturn",
    "freturn",       "dreturn",      "areturn",
    "return",        "getstatic",    "putstatic",
    "getfield",      "putfield",     "invokevirtual",
    "invokespecial", "invokestatic", "invokeinterface",
    "invokedynamic", "new",          "newarray",
    "anewarray",     "arraylength",  "athrow",
    "checkcast",     "instanceof",   "monitorenter",
    "monitorexit",   "wide",         "multianewarray",
    "ifnull",        "ifnonnull",    "goto_w",
    "jsr_w",
};

const char *bc_opcode_name(uint8_t opcode)
{
    return opcode < SEAM_ARRAY_LEN(op_names) ? op_names[opcode] : NULL;
}

/* Length of a fixed-size instruction including its opcode; 0 for the variable-length ones
 * (tableswitch, lookupswitch, wide). Only called for known opcodes. */
static uint32_t fixed_len(uint8_t op)
{
    switch (op) {
    case 0x10: /* bipush */
    case 0x12: /* ldc */
    case 0x15:
    case 0x16:
    case 0x17:
    case 0x18:
    case 0x19: /* xload */
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39:
    case 0x3a: /* xstore */
    case 0xa9: /* ret */
    case 0xbc: /* newarray */
        return 2;
    case 0x11: /* sipush */
    case 0x13:
    case 0x14: /* ldc_w, ldc2_w */
    case 0x84: /* iinc */
    case 0xb2:
    case 0xb3:
    case 0xb4:
    case 0xb5: /* field access */
    case 0xb6:
    case 0xb7:
    case 0xb8: /* invokevirtual, invokespecial, invokestatic */
    case 0xbb:
    case 0xbd:
    case 0xc0:
    case 0xc1: /* new, anewarray, checkcast, instanceof */
    case 0xc6:
    case 0xc7: /* ifnull, ifnonnull */
        return 3;
    case 0xc5: /* multianewarray */
        return 4;
    case 0xb9:
    case 0xba: /* invokeinterface, invokedynamic */
    case 0xc8:
    case 0xc9: /* goto_w, jsr_w */
        return 5;
    case 0xaa:
    case 0xab:
    case 0xc4:
        return 0;
    default:
        if (op >= 0x99 && op <= 0xa8) return 3; /* if<cond>, if_icmp/acmp, goto, jsr */
        return 1;
    }
}

__attribute__((format(printf, 4, 5))) static seam_err fail(const bc_walker *w, char *msg,
                                                           size_t cap, const char *fmt, ...)
{
    if (msg && cap) {
        int n = snprintf(msg, cap, "pc %u: ", (unsigned)w->pc);
        if (n >= 0 && (size_t)n < cap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(msg + n, cap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return SEAM_E_FORMAT;
}

void bc_walk_init(bc_walker *w, const uint8_t *code, uint32_t len)
{
    w->code = code;
    w->len = code ? len : 0;
    w->pc = 0;
}

static int32_t s32(const uint8_t *p)
{
    return (int32_t)seam_be32(p);
}

seam_err bc_walk_next(bc_walker *w, bc_insn *insn, char *msg, size_t cap)
{
    if (w->pc >= w->len) return SEAM_E_NOT_FOUND;
    const uint8_t *p = w->code + w->pc;
    uint32_t left = w->len - w->pc;
    uint8_t op = p[0];
    if (!bc_opcode_name(op)) return fail(w, msg, cap, "unknown opcode 0x%02x", op);
    insn->pc = w->pc;
    insn->opcode = op;
    insn->wide = 0;
    insn->operands = p + 1;
    uint32_t n = fixed_len(op);
    if (op == 0xc4) { /* wide: JVMS §6.5.wide */
        if (left < 2) return fail(w, msg, cap, "wide runs past the end of the code");
        uint8_t m = p[1];
        if ((m >= 0x15 && m <= 0x19) || (m >= 0x36 && m <= 0x3a) || m == 0xa9)
            n = 4;
        else if (m == 0x84)
            n = 6;
        else
            return fail(w, msg, cap, "wide before opcode 0x%02x, which cannot be widened", m);
        insn->opcode = m;
        insn->wide = 1;
        insn->operands = p + 2;
    } else if (op == 0xaa || op == 0xab) {
        /* 0-3 bytes of padding so that the default offset is 4-byte aligned from the code's
         * start (§6.5.tableswitch); then default, and low/high or npairs. */
        uint32_t pad = 3 - (w->pc % 4);
        uint32_t head = 1 + pad + 12;
        if (op == 0xab) head = 1 + pad + 8;
        if (left < head)
            return fail(w, msg, cap, "%s header runs past the end of the code", op_names[op]);
        const uint8_t *q = p + 1 + pad;
        uint64_t entries;
        if (op == 0xaa) {
            int32_t low = s32(q + 4), high = s32(q + 8);
            if (low > high) return fail(w, msg, cap, "tableswitch low %d > high %d", low, high);
            entries = ((uint64_t)((int64_t)high - (int64_t)low) + 1) * 4;
        } else {
            int32_t npairs = s32(q + 4);
            if (npairs < 0) return fail(w, msg, cap, "lookupswitch npairs %d < 0", npairs);
            entries = (uint64_t)npairs * 8;
        }
        if (entries > left - head)
            return fail(w, msg, cap, "%s table runs past the end of the code", op_names[op]);
        if (op == 0xab) {
            /* Keys sorted in increasing order (§6.5.lookupswitch, §4.9.1). */
            for (uint64_t i = 1; i < entries / 8; i++)
                if (s32(q + 8 + 8 * i) <= s32(q + 8 + 8 * (i - 1)))
                    return fail(w, msg, cap, "lookupswitch keys not in increasing order");
        }
        n = (uint32_t)(head + entries);
        insn->operands = q;
    }
    if (n > left) return fail(w, msg, cap, "%s runs past the end of the code", op_names[op]);
    if ((op == 0xb9 && (p[3] == 0 || p[4] != 0)) || (op == 0xba && (p[3] | p[4]) != 0))
        return fail(w, msg, cap, "%s: bad count or nonzero reserved byte", op_names[op]);
    if (op == 0xbc && (p[1] < 4 || p[1] > 11))
        return fail(w, msg, cap, "newarray: bad atype %u", p[1]);
    if (op == 0xc5 && p[3] == 0) return fail(w, msg, cap, "multianewarray: 0 dimensions");
    insn->len = n;
    w->pc += n;
    return SEAM_OK;
}

uint32_t bc_branch_count(const bc_insn *insn)
{
    uint8_t op = insn->opcode;
    const uint8_t *q = insn->operands;
    if (insn->wide) return 0;
    if ((op >= BC_IFEQ && op <= BC_JSR) || op == BC_IFNULL || op == BC_IFNONNULL ||
        op == BC_GOTO_W || op == BC_JSR_W)
        return 1;
    /* The walker has checked low <= high and npairs >= 0 and that the table fits in the code
     * (which is at most 4 GiB), so these counts fit in 32 bits. */
    if (op == BC_TABLESWITCH) return (uint32_t)((int64_t)s32(q + 8) - (int64_t)s32(q + 4) + 2);
    if (op == BC_LOOKUPSWITCH) return (uint32_t)s32(q + 4) + 1;
    return 0;
}

int64_t bc_branch_target(const bc_insn *insn, uint32_t k)
{
    uint8_t op = insn->opcode;
    const uint8_t *q = insn->operands;
    int32_t d;
    if (op == BC_GOTO_W || op == BC_JSR_W)
        d = s32(q);
    else if (op == BC_TABLESWITCH)
        d = s32(k == 0 ? q : q + 12 + 4 * (k - 1));
    else if (op == BC_LOOKUPSWITCH)
        d = s32(k == 0 ? q : q + 8 + 8 * (k - 1) + 4);
    else
        d = (int16_t)seam_be16(q);
    return (int64_t)insn->pc + d;
}
