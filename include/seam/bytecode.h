/*
 * seam bytecode walker: decodes JVM bytecode one instruction at a time (JVMS SE 8 §6.5, opcodes
 * 0x00..0xc9, with wide and the padded switches). Shared by the host (the class file parser of
 * the converter) and the card (the load file reader and, later, the verifier and the
 * interpreter's pre-decoder), so it lives in src/gp and depends on seam/base.h only.
 *
 * The walker checks only what needs no constant pool and no method context (JVMS §4.9.1):
 * known opcodes, every instruction inside the code, widenable opcodes after wide, switch table
 * shape and key order, the fixed bytes of invokeinterface and invokedynamic, newarray's atype and
 * multianewarray's dimensions. Branch targets, constant pool operands and the Java Card subset are
 * the caller's business (bc_branch_target helps with the first).
 */
#ifndef SEAM_BYTECODE_H
#define SEAM_BYTECODE_H

#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"

/* Opcodes, named after their mnemonics (JVMS §7, "Opcode Mnemonics by Opcode"). */
enum {
    BC_NOP = 0x00,
    BC_ACONST_NULL = 0x01,
    BC_ICONST_M1 = 0x02,
    BC_ICONST_0 = 0x03,
    BC_ICONST_1 = 0x04,
    BC_ICONST_2 = 0x05,
    BC_ICONST_3 = 0x06,
    BC_ICONST_4 = 0x07,
    BC_ICONST_5 = 0x08,
    BC_LCONST_0 = 0x09,
    BC_LCONST_1 = 0x0a,
    BC_FCONST_0 = 0x0b,
    BC_FCONST_1 = 0x0c,
    BC_FCONST_2 = 0x0d,
    BC_DCONST_0 = 0x0e,
    BC_DCONST_1 = 0x0f,
    BC_BIPUSH = 0x10,
    BC_SIPUSH = 0x11,
    BC_LDC = 0x12,
    BC_LDC_W = 0x13,
    BC_LDC2_W = 0x14,
    BC_ILOAD = 0x15,
    BC_LLOAD = 0x16,
    BC_FLOAD = 0x17,
    BC_DLOAD = 0x18,
    BC_ALOAD = 0x19,
    BC_ILOAD_0 = 0x1a,
    BC_ILOAD_1 = 0x1b,
    BC_ILOAD_2 = 0x1c,
    BC_ILOAD_3 = 0x1d,
    BC_LLOAD_0 = 0x1e,
    BC_LLOAD_1 = 0x1f,
    BC_LLOAD_2 = 0x20,
    BC_LLOAD_3 = 0x21,
    BC_FLOAD_0 = 0x22,
    BC_FLOAD_1 = 0x23,
    BC_FLOAD_2 = 0x24,
    BC_FLOAD_3 = 0x25,
    BC_DLOAD_0 = 0x26,
    BC_DLOAD_1 = 0x27,
    BC_DLOAD_2 = 0x28,
    BC_DLOAD_3 = 0x29,
    BC_ALOAD_0 = 0x2a,
    BC_ALOAD_1 = 0x2b,
    BC_ALOAD_2 = 0x2c,
    BC_ALOAD_3 = 0x2d,
    BC_IALOAD = 0x2e,
    BC_LALOAD = 0x2f,
    BC_FALOAD = 0x30,
    BC_DALOAD = 0x31,
    BC_AALOAD = 0x32,
    BC_BALOAD = 0x33,
    BC_CALOAD = 0x34,
    BC_SALOAD = 0x35,
    BC_ISTORE = 0x36,
    BC_LSTORE = 0x37,
    BC_FSTORE = 0x38,
    BC_DSTORE = 0x39,
    BC_ASTORE = 0x3a,
    BC_ISTORE_0 = 0x3b,
    BC_ISTORE_1 = 0x3c,
    BC_ISTORE_2 = 0x3d,
    BC_ISTORE_3 = 0x3e,
    BC_LSTORE_0 = 0x3f,
    BC_LSTORE_1 = 0x40,
    BC_LSTORE_2 = 0x41,
    BC_LSTORE_3 = 0x42,
    BC_FSTORE_0 = 0x43,
    BC_FSTORE_1 = 0x44,
    BC_FSTORE_2 = 0x45,
    BC_FSTORE_3 = 0x46,
    BC_DSTORE_0 = 0x47,
    BC_DSTORE_1 = 0x48,
    BC_DSTORE_2 = 0x49,
    BC_DSTORE_3 = 0x4a,
    BC_ASTORE_0 = 0x4b,
    BC_ASTORE_1 = 0x4c,
    BC_ASTORE_2 = 0x4d,
    BC_ASTORE_3 = 0x4e,
    BC_IASTORE = 0x4f,
    BC_LASTORE = 0x50,
    BC_FASTORE = 0x51,
    BC_DASTORE = 0x52,
    BC_AASTORE = 0x53,
    BC_BASTORE = 0x54,
    BC_CASTORE = 0x55,
    BC_SASTORE = 0x56,
    BC_POP = 0x57,
    BC_POP2 = 0x58,
    BC_DUP = 0x59,
    BC_DUP_X1 = 0x5a,
    BC_DUP_X2 = 0x5b,
    BC_DUP2 = 0x5c,
    BC_DUP2_X1 = 0x5d,
    BC_DUP2_X2 = 0x5e,
    BC_SWAP = 0x5f,
    BC_IADD = 0x60,
    BC_LADD = 0x61,
    BC_FADD = 0x62,
    BC_DADD = 0x63,
    BC_ISUB = 0x64,
    BC_LSUB = 0x65,
    BC_FSUB = 0x66,
    BC_DSUB = 0x67,
    BC_IMUL = 0x68,
    BC_LMUL = 0x69,
    BC_FMUL = 0x6a,
    BC_DMUL = 0x6b,
    BC_IDIV = 0x6c,
    BC_LDIV = 0x6d,
    BC_FDIV = 0x6e,
    BC_DDIV = 0x6f,
    BC_IREM = 0x70,
    BC_LREM = 0x71,
    BC_FREM = 0x72,
    BC_DREM = 0x73,
    BC_INEG = 0x74,
    BC_LNEG = 0x75,
    BC_FNEG = 0x76,
    BC_DNEG = 0x77,
    BC_ISHL = 0x78,
    BC_LSHL = 0x79,
    BC_ISHR = 0x7a,
    BC_LSHR = 0x7b,
    BC_IUSHR = 0x7c,
    BC_LUSHR = 0x7d,
    BC_IAND = 0x7e,
    BC_LAND = 0x7f,
    BC_IOR = 0x80,
    BC_LOR = 0x81,
    BC_IXOR = 0x82,
    BC_LXOR = 0x83,
    BC_IINC = 0x84,
    BC_I2L = 0x85,
    BC_I2F = 0x86,
    BC_I2D = 0x87,
    BC_L2I = 0x88,
    BC_L2F = 0x89,
    BC_L2D = 0x8a,
    BC_F2I = 0x8b,
    BC_F2L = 0x8c,
    BC_F2D = 0x8d,
    BC_D2I = 0x8e,
    BC_D2L = 0x8f,
    BC_D2F = 0x90,
    BC_I2B = 0x91,
    BC_I2C = 0x92,
    BC_I2S = 0x93,
    BC_LCMP = 0x94,
    BC_FCMPL = 0x95,
    BC_FCMPG = 0x96,
    BC_DCMPL = 0x97,
    BC_DCMPG = 0x98,
    BC_IFEQ = 0x99,
    BC_IFNE = 0x9a,
    BC_IFLT = 0x9b,
    BC_IFGE = 0x9c,
    BC_IFGT = 0x9d,
    BC_IFLE = 0x9e,
    BC_IF_ICMPEQ = 0x9f,
    BC_IF_ICMPNE = 0xa0,
    BC_IF_ICMPLT = 0xa1,
    BC_IF_ICMPGE = 0xa2,
    BC_IF_ICMPGT = 0xa3,
    BC_IF_ICMPLE = 0xa4,
    BC_IF_ACMPEQ = 0xa5,
    BC_IF_ACMPNE = 0xa6,
    BC_GOTO = 0xa7,
    BC_JSR = 0xa8,
    BC_RET = 0xa9,
    BC_TABLESWITCH = 0xaa,
    BC_LOOKUPSWITCH = 0xab,
    BC_IRETURN = 0xac,
    BC_LRETURN = 0xad,
    BC_FRETURN = 0xae,
    BC_DRETURN = 0xaf,
    BC_ARETURN = 0xb0,
    BC_RETURN = 0xb1,
    BC_GETSTATIC = 0xb2,
    BC_PUTSTATIC = 0xb3,
    BC_GETFIELD = 0xb4,
    BC_PUTFIELD = 0xb5,
    BC_INVOKEVIRTUAL = 0xb6,
    BC_INVOKESPECIAL = 0xb7,
    BC_INVOKESTATIC = 0xb8,
    BC_INVOKEINTERFACE = 0xb9,
    BC_INVOKEDYNAMIC = 0xba,
    BC_NEW = 0xbb,
    BC_NEWARRAY = 0xbc,
    BC_ANEWARRAY = 0xbd,
    BC_ARRAYLENGTH = 0xbe,
    BC_ATHROW = 0xbf,
    BC_CHECKCAST = 0xc0,
    BC_INSTANCEOF = 0xc1,
    BC_MONITORENTER = 0xc2,
    BC_MONITOREXIT = 0xc3,
    BC_WIDE = 0xc4,
    BC_MULTIANEWARRAY = 0xc5,
    BC_IFNULL = 0xc6,
    BC_IFNONNULL = 0xc7,
    BC_GOTO_W = 0xc8,
    BC_JSR_W = 0xc9,
};

/* newarray's atype operand (JVMS §6.5.newarray, Table 6.5.newarray-A). */
enum {
    BC_T_BOOLEAN = 4,
    BC_T_CHAR = 5,
    BC_T_FLOAT = 6,
    BC_T_DOUBLE = 7,
    BC_T_BYTE = 8,
    BC_T_SHORT = 9,
    BC_T_INT = 10,
    BC_T_LONG = 11,
};

/* Walker state: the code being walked and the pc of the next instruction. */
typedef struct {
    const uint8_t *code;
    uint32_t len;
    uint32_t pc;
} bc_walker;

/* One decoded instruction. For wide, opcode is the modified instruction and wide is 1; operands
 * points after the modified opcode. For tableswitch and lookupswitch, operands points past the
 * padding, at the default offset. Every byte of the instruction is inside the walked code. */
typedef struct {
    uint32_t pc;
    uint32_t len; /* bytes, including wide prefix and switch padding */
    uint8_t opcode;
    uint8_t wide;
    const uint8_t *operands;
} bc_insn;

/* Starts a walk of code[0..len) at pc 0. code may be NULL only with len 0 (an empty walk). */
void bc_walk_init(bc_walker *w, const uint8_t *code, uint32_t len);

/* Decodes the instruction at w->pc and advances past it. Returns SEAM_OK with *insn filled,
 * SEAM_E_NOT_FOUND at the end of the code, or SEAM_E_FORMAT (msg, when not NULL, receives a
 * NUL-terminated message of at most cap bytes starting "pc N: ") for an unknown opcode, an
 * instruction that runs past the end, a wide before an opcode that cannot be widened, a
 * tableswitch with low > high, a lookupswitch with a negative count or keys not strictly
 * increasing, invokeinterface/invokedynamic with bytes that must be zero not zero, a bad newarray
 * atype or multianewarray with 0 dimensions. After an error the walker stays at the bad
 * instruction, so a loop until the first non-OK result always ends. */
seam_err bc_walk_next(bc_walker *w, bc_insn *insn, char *msg, size_t cap);

/* Mnemonic of an opcode ("invokevirtual"), or NULL for an opcode unknown to Java SE 8. */
const char *bc_opcode_name(uint8_t opcode);

/* Branch targets of a decoded instruction (if<cond>, if_icmp<cond>, if_acmp<cond>, goto, jsr,
 * ifnull, ifnonnull, goto_w, jsr_w, tableswitch, lookupswitch): bc_branch_count gives how many
 * (0 for every other instruction; for the switches 1 + the number of table entries, the default
 * first), and bc_branch_target the k-th target as an absolute pc (pc + offset, which may be
 * negative or past the code: the caller checks it). insn must come from bc_walk_next. */
uint32_t bc_branch_count(const bc_insn *insn);
int64_t bc_branch_target(const bc_insn *insn, uint32_t k);

#endif
