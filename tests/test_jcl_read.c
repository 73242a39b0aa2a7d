/*
 * Tests for the load file reader (include/seam/jclread.h, src/gp/jcl_read.c).
 *
 * A tiny test-only builder writes one valid load file (every constant kind, an interface, two
 * classes, an applet, a method with a handler and frames, a switch, a wide instruction, an
 * uninitialized type); a global variant V makes the builder write exactly one malformation at
 * its place. The valid file must parse and its description must match what was written; every
 * variant must be refused with its error, a message naming its section and offset, and no
 * crash (ASan/UBSan). Every prefix of the valid file is refused too.
 *
 * `test_jcl_read --write-corpus DIR` writes the valid files of the builder into DIR (the seed
 * corpus of fuzz/fuzz_jcl.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "seam/bytecode.h"
#include "seam/jclread.h"

/* ---- builder -------------------------------------------------------------------------------- */

typedef struct {
    uint8_t b[65536];
    size_t n;
} buf;

static void u1(buf *b, unsigned v)
{
    b->b[b->n++] = (uint8_t)v;
}
static void u2(buf *b, unsigned v)
{
    u1(b, v >> 8);
    u1(b, v);
}
static void u4(buf *b, uint32_t v)
{
    u2(b, v >> 16);
    u2(b, v & 0xffff);
}
static void raw(buf *b, const void *p, size_t n)
{
    if (n == 0) return;
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void str(buf *b, const char *s)
{
    u1(b, (unsigned)strlen(s));
    raw(b, s, strlen(s));
}
static void aid(buf *b, const char *a, size_t n)
{
    u1(b, (unsigned)n);
    raw(b, a, n);
}
static void section(buf *out, unsigned tag, const buf *body)
{
    u1(out, tag);
    u4(out, (uint32_t)body->n);
    raw(out, body->b, body->n);
}

/* The malformations (0 = the valid file). */
enum {
    OK_FILE,
    M_MAGIC,
    M_V2,
    M_V0,
    M_ORDER,
    M_REPEAT,
    M_MISSING,
    M_UNKNOWN_TAG,
    M_SEC_LEN,
    M_TRAIL_SEC,
    M_TRAIL_FILE,
    M_AID_SHORT,
    M_AID_LONG,
    M_PKG_NAME,
    M_IMPORTS_OVER,
    M_IMPORT_DUP,
    M_IMPORT_SELF,
    M_UTF8_FF,
    M_UTF8_NUL,
    M_UTF8_OVERLONG,
    M_UTF8_CUT,
    M_EMPTY_STR,
    M_CONST_KIND,
    M_INT_AFTER,
    M_CLASS_PKG,
    M_CLASS_WRONG_PKG,
    M_CLASS_NAME,
    M_CLASS_UNDEFINED,
    M_ARRAY_2D,
    M_ARRAY_PRIM_PKG,
    M_FIELD_INT,
    M_FIELD_IDX0,
    M_FIELD_IDX_PAST,
    M_FIELD_ARRAY,
    M_DESC_J,
    M_DESC_METHOD_F,
    M_DESC_OPEN,
    M_DESC_FIELD_IS_METHOD,
    M_MEMBER_NAME,
    M_METHOD_NAME_LT,
    M_INIT_RETURNS,
    M_NO_CLASSES,
    M_CLASS_DUP,
    M_CLASS_OUTSIDE,
    M_CLASS_NESTED_PKG,
    M_IFACE_NOT_ABSTRACT,
    M_SUPER_INT,
    M_SUPER_ZERO,
    M_SUPER_SELF,
    M_INTERFACE_INT,
    M_FIELD_DESC_D,
    M_FIELD_NAME,
    M_CODE_ABSTRACT,
    M_CODE_ZERO,
    M_CODE_BIG,
    M_CODE_IFACE,
    M_CLINIT_DESC,
    M_MAXLOCALS_ARGS,
    M_OP_LCONST,
    M_OP_MONITOR,
    M_OP_INVOKEDYNAMIC,
    M_OP_UNKNOWN,
    M_OP_JSR,
    M_OP_LADD,
    M_OP_I2L,
    M_OP_LRETURN,
    M_OP_MULTIANEWARRAY,
    M_NEWARRAY_LONG,
    M_CODE_TRUNC,
    M_BRANCH_MID,
    M_BRANCH_OUT,
    M_BRANCH_NEG,
    M_SWITCH_MID,
    M_LOCAL,
    M_WIDE_LOCAL,
    M_CONST_OP0,
    M_CONST_OP_PAST,
    M_LDC_CLASS,
    M_LDC_W_FIELD,
    M_GETFIELD_METHOD,
    M_INVOKE_FIELD,
    M_INVOKE_IMETHOD,
    M_INVOKEIFACE_METHOD,
    M_NEW_ARRAY,
    M_ANEWARRAY_ARRAY,
    M_CHECKCAST_INT,
    M_INVOKE_INIT,
    M_INVOKE_CLINIT,
    M_IFACE_COUNT,
    M_HANDLER_OUT,
    M_HANDLER_EMPTY,
    M_HANDLER_START_MID,
    M_HANDLER_PC_MID,
    M_HANDLER_PC_END,
    M_HANDLER_CATCH,
    M_HANDLER_CATCH_ARRAY,
    M_FRAME_PC_MID,
    M_FRAME_PC_END,
    M_FRAME_ORDER,
    M_FRAME_LOCALS,
    M_FRAME_STACK,
    M_FRAME_TAG,
    M_FRAME_OBJ,
    M_FRAME_UNINIT,
    M_FRAMES_COUNT,
    M_APPLETS_OVER,
    M_APPLET_DUP,
    M_APPLET_IDX,
    M_APPLET_PKG_AID,
    M_METHOD_DESC_J,
    M_METHOD_NAME_SLASH,
    M_INIT_DECL_RETURNS,
    M_COUNT_TOO_BIG,
    M_COUNT
};

static int V; /* the variant being built */

#define PKG_AID "\xF0\x73\x65\x61\x6D\x02"
#define APPLET_AID "\xF0\x73\x65\x61\x6D\x02\x01"

static void build_package(buf *b)
{
    if (V == M_AID_SHORT)
        aid(b, PKG_AID, 4);
    else if (V == M_AID_LONG)
        aid(b, "0123456789abcdefg", 17);
    else
        aid(b, PKG_AID, 6);
    str(b, V == M_PKG_NAME ? "com//t" : "com/example/t");
    u1(b, 1);
    u1(b, 2);
    if (V == M_TRAIL_SEC) u1(b, 0);
}

static void build_imports(buf *b)
{
    if (V == M_IMPORTS_OVER) {
        u1(b, 33);
        return;
    }
    u1(b, 2);
    aid(b, JCL_AID_JAVA_LANG, 7);
    str(b, "java/lang");
    u1(b, 1);
    u1(b, 0);
    if (V == M_IMPORT_DUP)
        aid(b, JCL_AID_JAVA_LANG, 7);
    else if (V == M_IMPORT_SELF)
        aid(b, PKG_AID, 6);
    else
        aid(b, JCL_AID_JAVACARD_FRAMEWORK, 7);
    str(b, "javacard/framework");
    u1(b, 1);
    u1(b, 6);
}

/* Constants, numbered as the code below uses them. */
enum {
    C_INT1 = 1,
    C_INTM1,
    C_OBJECT,
    C_MAIN,
    C_IFACE,
    C_APPLET,
    C_COUNT,
    C_APPLET_INIT,
    C_RUN,
    C_HELPER,
    C_BYTES,
    C_EXC,
    C_BUF,
    C_AIDS,
    C_REGISTER,
    C_MAIN_INIT,
    C_K,
    C_OTHER,
    C_MAINS,
    N_CONSTS = C_MAINS
};

static void k_class(buf *b, unsigned pkg, const char *name)
{
    u1(b, JCL_CONST_CLASS);
    u1(b, pkg);
    str(b, name);
}
static void k_member(buf *b, unsigned kind, unsigned cls, const char *name, const char *desc)
{
    u1(b, kind);
    u2(b, cls);
    str(b, name);
    str(b, desc);
}

static void build_constants(buf *b)
{
    u2(b, N_CONSTS + (V == M_INT_AFTER));
    u1(b, JCL_CONST_INT);
    u4(b, 0x12345678);
    u1(b, JCL_CONST_INT);
    u4(b, 0xffffffff);
    if (V == M_UTF8_FF)
        k_class(b, 1, "java/lang/Obj\xff");
    else if (V == M_UTF8_NUL)
        raw(b,
            "\x02\x01\x03"
            "a\x00"
            "b",
            6);
    else if (V == M_UTF8_OVERLONG)
        k_class(b, 1, "java/lang/\xc1\x81");
    else if (V == M_UTF8_CUT)
        k_class(b, 1, "java/lang/O\xe4\xb8");
    else if (V == M_EMPTY_STR)
        k_class(b, 1, "");
    else if (V == M_CONST_KIND)
        raw(b, "\x09\x01\x01x", 4);
    else if (V == M_CLASS_PKG)
        k_class(b, 3, "java/lang/Object");
    else if (V == M_CLASS_WRONG_PKG)
        k_class(b, 1, "javacard/framework/Object");
    else if (V == M_CLASS_NAME)
        k_class(b, 1, "java/lang/Ob;ject");
    else
        k_class(b, 1, "java/lang/Object");
    k_class(b, 0, V == M_CLASS_UNDEFINED ? "com/example/t/Nope" : "com/example/t/Main");
    k_class(b, 0, "com/example/t/Iface");
    k_class(b, 2, "javacard/framework/Applet");
    if (V == M_FIELD_INT)
        k_member(b, JCL_CONST_FIELD, C_INT1, "count", "S");
    else if (V == M_FIELD_IDX0)
        k_member(b, JCL_CONST_FIELD, 0, "count", "S");
    else if (V == M_FIELD_IDX_PAST)
        k_member(b, JCL_CONST_FIELD, N_CONSTS + 1, "count", "S");
    else if (V == M_FIELD_ARRAY)
        k_member(b, JCL_CONST_FIELD, C_BYTES, "count", "S");
    else if (V == M_DESC_J)
        k_member(b, JCL_CONST_FIELD, C_MAIN, "count", "J");
    else if (V == M_DESC_FIELD_IS_METHOD)
        k_member(b, JCL_CONST_FIELD, C_MAIN, "count", "()S");
    else if (V == M_MEMBER_NAME)
        k_member(b, JCL_CONST_FIELD, C_MAIN, "co.unt", "S");
    else
        k_member(b, JCL_CONST_FIELD, C_MAIN, "count", "S");
    k_member(b, JCL_CONST_METHOD, C_APPLET, "<init>", V == M_INIT_RETURNS ? "()I" : "()V");
    k_member(b, JCL_CONST_IMETHOD, C_IFACE, "run", "(I)I");
    if (V == M_DESC_METHOD_F)
        k_member(b, JCL_CONST_METHOD, C_MAIN, "helper", "(F)V");
    else if (V == M_DESC_OPEN)
        k_member(b, JCL_CONST_METHOD, C_MAIN, "helper", "(S");
    else if (V == M_METHOD_NAME_LT)
        k_member(b, JCL_CONST_METHOD, C_MAIN, "<helper>", "(S)V");
    else
        k_member(b, JCL_CONST_METHOD, C_MAIN, "helper", "(S)V");
    if (V == M_ARRAY_PRIM_PKG)
        k_class(b, 1, "[B");
    else
        k_class(b, 0, V == M_ARRAY_2D ? "[[B" : "[B");
    k_class(b, 1, "java/lang/Exception");
    k_member(b, JCL_CONST_FIELD, C_MAIN, "buf", "[B");
    k_class(b, 2, "[Ljavacard/framework/AID;");
    k_member(b, JCL_CONST_METHOD, C_APPLET, "register", "()V");
    k_member(b, JCL_CONST_METHOD, C_MAIN, "<init>", "()V");
    k_member(b, JCL_CONST_FIELD, C_OTHER, "K", "I"); /* a forward reference */
    k_class(b, 0, "com/example/t/Other");
    k_class(b, 0, "[Lcom/example/t/Main;");
    if (V == M_INT_AFTER) {
        u1(b, JCL_CONST_INT);
        u4(b, 7);
    }
}

static void method(buf *b, unsigned flags, const char *name, const char *desc, unsigned ms,
                   unsigned ml, const uint8_t *code, uint32_t clen, const uint16_t *h, unsigned nh,
                   const uint8_t *frames, size_t flen, unsigned nframes)
{
    u2(b, flags);
    str(b, name);
    str(b, desc);
    u2(b, ms);
    u2(b, ml);
    u4(b, clen);
    raw(b, code, clen);
    u2(b, nh);
    for (unsigned i = 0; i < 4 * nh; i++)
        u2(b, h[i]);
    u2(b, nframes);
    raw(b, frames, flen);
}

static void build_iface(buf *b)
{
    str(b, "com/example/t/Iface");
    u2(b, V == M_IFACE_NOT_ABSTRACT ? 0x0201 : 0x0601); /* public interface abstract */
    u2(b, C_OBJECT);
    u1(b, 0);
    u2(b, 0);
    u2(b, 1);
    if (V == M_CODE_ABSTRACT)
        method(b, 0x0401, "run", "(I)I", 1, 2, (const uint8_t *)"\x03\xac", 2, NULL, 0, NULL, 0, 0);
    else if (V == M_CODE_IFACE)
        method(b, 0x0001, "run", "(I)I", 1, 2, (const uint8_t *)"\x03\xac", 2, NULL, 0, NULL, 0, 0);
    else
        method(b, 0x0401, "run", "(I)I", 0, 0, NULL, 0, NULL, 0, NULL, 0, 0);
}

/* Main.run(I)I: a branch, a call, ldc and ldc_w, a handler and two frames.
 *    0 iload_1; 1 ifne 6; 4 iconst_0; 5 ireturn; 6 aload_0; 7 iload_1; 8 invokevirtual helper;
 *   11 ldc #1; 13 ireturn; 14 astore_2; 15 ldc_w #2; 18 ireturn
 *   handler [6, 14) -> 14 catch Exception; frames at 6 and 14 */
static void build_run(buf *b)
{
    uint8_t code[] = {0x1a,     0x9a, 0x00,   0x05, 0x03, 0xac, 0x2a, 0x1b,    0xb6, 0x00,
                      C_HELPER, 0x12, C_INT1, 0xac, 0x4d, 0x13, 0x00, C_INTM1, 0xac};
    uint32_t clen = sizeof code;
    uint16_t h[4] = {6, 14, 14, C_EXC};
    unsigned ml = 3;
    switch (V) {
    case M_OP_LCONST:
        code[4] = 0x09;
        break;
    case M_OP_LRETURN:
        code[5] = 0xad;
        break;
    case M_OP_JSR:
        code[1] = 0xa8;
        break;
    case M_OP_UNKNOWN:
        code[4] = 0xcb;
        break;
    case M_CODE_TRUNC:
        clen = 10;
        break;
    case M_BRANCH_MID:
        code[3] = 0x08;
        break;
    case M_BRANCH_OUT:
        code[3] = 0x40;
        break;
    case M_BRANCH_NEG:
        code[2] = 0xff;
        code[3] = 0xf0;
        break;
    case M_LOCAL:
        code[7] = 0x1d;
        break; /* iload_3 */
    case M_CONST_OP0:
        code[10] = 0;
        break;
    case M_CONST_OP_PAST:
        code[16] = 0x01;
        break;
    case M_LDC_CLASS:
        code[12] = C_OBJECT;
        break;
    case M_LDC_W_FIELD:
        code[17] = C_COUNT;
        break;
    case M_INVOKE_FIELD:
        code[10] = C_COUNT;
        break;
    case M_INVOKE_IMETHOD:
        code[10] = C_RUN;
        break;
    case M_INVOKE_INIT:
        code[10] = C_MAIN_INIT;
        break;
    case M_HANDLER_OUT:
        h[1] = 30;
        break;
    case M_HANDLER_EMPTY:
        h[1] = 6;
        break;
    case M_HANDLER_START_MID:
        h[0] = 9;
        break;
    case M_HANDLER_PC_MID:
        h[2] = 16;
        break;
    case M_HANDLER_PC_END:
        h[2] = 19;
        break;
    case M_HANDLER_CATCH:
        h[3] = C_INT1;
        break;
    case M_HANDLER_CATCH_ARRAY:
        h[3] = C_BYTES;
        break;
    case M_MAXLOCALS_ARGS:
        ml = 1;
        break;
    default:
        break;
    }
    buf f = {.n = 0};
    u2(&f, V == M_FRAME_ORDER ? 14 : V == M_FRAME_PC_MID ? 9 : 6);
    u2(&f, V == M_FRAME_LOCALS ? 4 : 2);
    u1(&f, V == M_FRAME_OBJ ? JCL_TYPE_OBJECT : JCL_TYPE_OBJECT);
    u2(&f, V == M_FRAME_OBJ ? C_INT1 : C_MAIN);
    u1(&f, V == M_FRAME_TAG ? 2 : JCL_TYPE_INT);
    if (V == M_FRAME_LOCALS) {
        u1(&f, JCL_TYPE_TOP);
        u1(&f, JCL_TYPE_TOP);
    }
    u2(&f, V == M_FRAME_STACK ? 3 : 0);
    if (V == M_FRAME_STACK) {
        u1(&f, JCL_TYPE_INT);
        u1(&f, JCL_TYPE_INT);
        u1(&f, JCL_TYPE_INT);
    }
    u2(&f, V == M_FRAME_ORDER ? 6 : V == M_FRAME_PC_END ? 19 : 14);
    u2(&f, 2);
    u1(&f, JCL_TYPE_OBJECT);
    u2(&f, C_MAIN);
    u1(&f, JCL_TYPE_INT);
    u2(&f, 1);
    u1(&f, JCL_TYPE_OBJECT);
    u2(&f, C_EXC);
    method(b, 0x0001, "run", "(I)I", 2, ml, code, clen, h, 1, f.b, f.n,
           V == M_FRAMES_COUNT ? 3 : 2);
}

/* Main.helper(S)V: wide iinc, getfield, bastore.
 *   0 wide iinc 1 1000; 6 aload_0; 7 getfield buf; 10 iconst_0; 11 iload_1; 12 bastore;
 *   13 return */
static void build_helper(buf *b)
{
    uint8_t code[] = {0xc4, 0x84, 0x00,  0x01, 0x03, 0xe8, 0x2a,
                      0xb4, 0x00, C_BUF, 0x03, 0x1b, 0x54, 0xb1};
    if (V == M_WIDE_LOCAL) code[3] = 0x02;
    if (V == M_GETFIELD_METHOD) code[9] = C_HELPER;
    if (V == M_OP_LADD) code[12] = 0x61;
    if (V == M_OP_I2L) code[10] = 0x85;
    method(b, 0x0002, "helper", "(S)V", 3, 2, code, sizeof code, NULL, 0, NULL, 0, 0);
}

/* Main.make()V (static): anewarray, checkcast, instanceof, new with an uninitialized frame,
 * newarray, a tableswitch.
 *   0 iconst_2; 1 anewarray Applet; 4 checkcast AID[]; 7 instanceof AID[]; 10 pop;
 *  11 new Main; 14 dup; 15 invokespecial Main.<init>; 18 pop; 19 iconst_1; 20 newarray byte;
 *  22 pop; 23 iconst_0; 24 tableswitch (pad 3) default 48, 0 -> 48, 1 -> 49; 48 return;
 *  49 return */
static void build_make(buf *b)
{
    uint8_t code[50] = {0x05,      0xbd, 0x00,   C_APPLET,    0xc0, 0x00, C_AIDS,
                        0xc1,      0x00, C_AIDS, 0x57,        0xbb, 0x00, C_MAIN,
                        0x59,      0xb7, 0x00,   C_MAIN_INIT, 0x57, 0x04, 0xbc,
                        BC_T_BYTE, 0x57, 0x03,   0xaa,        0,    0,    0};
    const int32_t sw[5] = {24, 0, 1, 24, 25};
    for (int i = 0; i < 5; i++) {
        code[28 + 4 * i] = (uint8_t)(sw[i] >> 24);
        code[29 + 4 * i] = (uint8_t)(sw[i] >> 16);
        code[30 + 4 * i] = (uint8_t)(sw[i] >> 8);
        code[31 + 4 * i] = (uint8_t)sw[i];
    }
    code[48] = 0xb1;
    code[49] = 0xb1;
    switch (V) {
    case M_OP_MONITOR:
        code[10] = 0xc2;
        break;
    case M_OP_MULTIANEWARRAY:
        code[1] = 0xc5;
        code[2] = 0x00;
        code[3] = C_BYTES;
        break;
    case M_NEWARRAY_LONG:
        code[21] = BC_T_LONG;
        break;
    case M_SWITCH_MID:
        code[47] = 2;
        break;
    case M_NEW_ARRAY:
        code[13] = C_BYTES;
        break;
    case M_ANEWARRAY_ARRAY:
        code[3] = C_BYTES;
        break;
    case M_CHECKCAST_INT:
        code[6] = C_INT1;
        break;
    case M_INVOKE_CLINIT:
        code[17] = C_K;
        break;
    default:
        break;
    }
    buf f = {.n = 0};
    u2(&f, 14);
    u2(&f, 0);
    u2(&f, 1);
    u1(&f, JCL_TYPE_UNINIT);
    u2(&f, V == M_FRAME_UNINIT ? 10 : 11);
    u2(&f, 48);
    u2(&f, 0);
    u2(&f, 0);
    u2(&f, 49);
    u2(&f, 0);
    u2(&f, 0);
    method(b, 0x0009, "make", "()V", 3, 0, code, sizeof code, NULL, 0, f.b, f.n, 3);
}

static void build_main(buf *b)
{
    str(b, V == M_CLASS_OUTSIDE      ? "com/other/Main"
           : V == M_CLASS_NESTED_PKG ? "com/example/t/x/Main"
                                     : "com/example/t/Main");
    u2(b, 0x0021);
    u2(b, V == M_SUPER_INT    ? C_INT1
          : V == M_SUPER_ZERO ? 0
          : V == M_SUPER_SELF ? C_MAIN
                              : C_APPLET);
    u1(b, 1);
    u2(b, V == M_INTERFACE_INT ? C_INTM1 : C_IFACE);
    u2(b, V == M_COUNT_TOO_BIG ? 0xffff : 2);
    u2(b, 0x0002);
    str(b, V == M_FIELD_NAME ? "a/b" : "count");
    str(b, "S");
    u2(b, 0x0002);
    str(b, "buf");
    str(b, V == M_FIELD_DESC_D ? "[D" : "[B");
    u2(b, 5);
    /* <init>: aload_0; invokespecial Applet.<init>; return */
    const uint8_t init[] = {0x2a, 0xb7, 0x00, C_APPLET_INIT, 0xb1};
    method(b, 0x0001, "<init>", V == M_INIT_DECL_RETURNS ? "()I" : "()V", 1, 1, init, sizeof init,
           NULL, 0, NULL, 0, 0);
    build_run(b);
    build_helper(b);
    build_make(b);
    if (V == M_CODE_ZERO)
        method(b, 0x0001, "nat", "()V", 0, 0, NULL, 0, NULL, 0, NULL, 0, 0);
    else if (V == M_CODE_BIG) {
        static uint8_t big[JCL_MAX_CODE + 1];
        memset(big, 0, sizeof big);
        big[JCL_MAX_CODE] = 0xb1;
        method(b, 0x0001, "nat", "()V", 0, 1, big, sizeof big, NULL, 0, NULL, 0, 0);
    } else
        method(b, 0x0101, V == M_METHOD_NAME_SLASH ? "a/b" : "nat",
               V == M_METHOD_DESC_J ? "(J)V" : "()V", 0, 0, NULL, 0, NULL, 0, NULL, 0, 0);
}

/* Other: a static field, <clinit> and a static method that calls through the interface.
 *   <clinit>: ldc #1; putstatic K; return
 *   call(Iface)I: aload_0; iconst_3; invokeinterface run 2; ireturn */
static void build_other(buf *b)
{
    str(b, "com/example/t/Other");
    u2(b, 0x0011);
    u2(b, C_OBJECT);
    u1(b, 0);
    u2(b, 1);
    u2(b, 0x0019);
    str(b, "K");
    str(b, "I");
    u2(b, 2);
    const uint8_t clinit[] = {0x12, C_INT1, 0xb3, 0x00, C_K, 0xb1};
    method(b, 0x0008, "<clinit>", V == M_CLINIT_DESC ? "(I)V" : "()V", 1, 0, clinit, sizeof clinit,
           NULL, 0, NULL, 0, 0);
    uint8_t call[] = {0x2a, 0x06, 0xb9, 0x00, C_RUN, 0x02, 0x00, 0xac};
    if (V == M_IFACE_COUNT) call[5] = 3;
    if (V == M_OP_INVOKEDYNAMIC) {
        call[2] = 0xba;
        call[5] = 0;
    }
    if (V == M_INVOKEIFACE_METHOD) call[4] = C_HELPER;
    method(b, 0x0009, "call", "(Lcom/example/t/Iface;)I", 2, 1, call, sizeof call, NULL, 0, NULL, 0,
           0);
}

static void build_classes(buf *b)
{
    if (V == M_NO_CLASSES) {
        u1(b, 0);
        return;
    }
    u1(b, V == M_CLASS_DUP ? 4 : 3);
    build_iface(b);
    build_main(b);
    build_other(b);
    if (V == M_CLASS_DUP) build_other(b);
}

static void build_applets(buf *b)
{
    if (V == M_APPLETS_OVER) {
        u1(b, 17);
        return;
    }
    u1(b, V == M_APPLET_DUP ? 2 : 1);
    if (V == M_APPLET_PKG_AID)
        aid(b, PKG_AID, 6);
    else
        aid(b, APPLET_AID, 7);
    u1(b, V == M_APPLET_IDX ? 3 : 1);
    if (V == M_APPLET_DUP) {
        aid(b, APPLET_AID, 7);
        u1(b, 1);
    }
}

static size_t build(int variant, uint8_t *out, size_t cap)
{
    static buf f, body;
    V = variant;
    f.n = 0;
    u4(&f, V == M_MAGIC ? 0x534A434D : JCL_MAGIC);
    u1(&f, V == M_V2 ? 2 : V == M_V0 ? 0 : JCL_MAJOR);
    u1(&f, JCL_MINOR);
    void (*const parts[5])(buf *) = {build_package, build_imports, build_constants, build_classes,
                                     build_applets};
    for (unsigned i = 0; i < 5; i++) {
        unsigned tag = JCL_SEC_PACKAGE + i;
        if (V == M_MISSING && tag == JCL_SEC_APPLETS) continue;
        body.n = 0;
        if (V == M_ORDER && tag == JCL_SEC_PACKAGE) {
            build_imports(&body);
            section(&f, JCL_SEC_IMPORTS, &body);
            continue;
        }
        if (V == M_ORDER && tag == JCL_SEC_IMPORTS) {
            build_package(&body);
            section(&f, JCL_SEC_PACKAGE, &body);
            continue;
        }
        parts[i](&body);
        section(&f, V == M_UNKNOWN_TAG && tag == JCL_SEC_CLASSES ? 9 : tag, &body);
        if (V == M_SEC_LEN && tag == JCL_SEC_APPLETS) f.b[f.n - body.n - 1] += 1;
        if (V == M_REPEAT && tag == JCL_SEC_PACKAGE) section(&f, tag, &body);
    }
    if (V == M_TRAIL_FILE) u1(&f, 0);
    if (f.n > cap) abort();
    memcpy(out, f.b, f.n);
    return f.n;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static uint8_t file_buf[65536];
static uint8_t arena[65536 * 24 + 4096];

static seam_err parse(const uint8_t *d, size_t n, const jcl_file **f, char *msg, size_t cap)
{
    return jcl_parse(d, n, arena, sizeof arena, f, msg, cap);
}

static void test_valid(void)
{
    size_t n = build(OK_FILE, file_buf, sizeof file_buf);
    const jcl_file *f;
    char msg[256];
    seam_err e = parse(file_buf, n, &f, msg, sizeof msg);
    if (e != SEAM_OK) fprintf(stderr, "  %s\n", msg);
    REQUIRE(e == SEAM_OK && f);
    CHECK(f->arena_used <= jcl_arena_bound(n));
    CHECK_EQ(f->major, 1);
    CHECK_EQ(f->package.aid.len, 6);
    CHECK_MEM(f->package.aid.p, PKG_AID, 6);
    CHECK(jcl_str_eq(f->package.name, "com/example/t"));
    CHECK(f->package.major == 1 && f->package.minor == 2);
    REQUIRE(f->nimports == 2);
    CHECK(jcl_str_eq(f->imports[1].name, "javacard/framework") && f->imports[1].minor == 6);
    CHECK_MEM(f->imports[0].aid.p, JCL_AID_JAVA_LANG, 7);
    REQUIRE(f->nconsts == N_CONSTS);
    CHECK(f->consts[0].kind == 0);
    CHECK(f->consts[C_INT1].kind == JCL_CONST_INT && f->consts[C_INT1].value == 0x12345678);
    CHECK(f->consts[C_INTM1].value == -1);
    CHECK(f->consts[C_APPLET].kind == JCL_CONST_CLASS && f->consts[C_APPLET].package == 2 &&
          jcl_str_eq(f->consts[C_APPLET].name, "javacard/framework/Applet"));
    CHECK(f->consts[C_COUNT].kind == JCL_CONST_FIELD && f->consts[C_COUNT].class_index == C_MAIN &&
          jcl_str_eq(f->consts[C_COUNT].name, "count") && jcl_str_eq(f->consts[C_COUNT].desc, "S"));
    CHECK(f->consts[C_RUN].kind == JCL_CONST_IMETHOD && jcl_str_eq(f->consts[C_RUN].desc, "(I)I"));
    CHECK(f->consts[C_HELPER].kind == JCL_CONST_METHOD);
    CHECK(f->consts[C_K].class_index == C_OTHER);
    REQUIRE(f->nclasses == 3);
    const jcl_class *ifc = &f->classes[0], *m = &f->classes[1], *o = &f->classes[2];
    CHECK(jcl_str_eq(ifc->name, "com/example/t/Iface") && (ifc->flags & 0x0200));
    CHECK(ifc->nmethods == 1 && ifc->methods[0].code_len == 0 && ifc->methods[0].code == NULL);
    CHECK(jcl_str_eq(m->name, "com/example/t/Main") && m->super == C_APPLET);
    CHECK(m->ninterfaces == 1 && m->interfaces[0] == C_IFACE);
    CHECK(m->nfields == 2 && jcl_str_eq(m->fields[1].name, "buf") &&
          jcl_str_eq(m->fields[1].desc, "[B"));
    REQUIRE(m->nmethods == 5);
    const jcl_method *run = &m->methods[1];
    CHECK(jcl_str_eq(run->name, "run") && run->arg_slots == 1);
    CHECK(run->max_stack == 2 && run->max_locals == 3 && run->code_len == 19);
    CHECK(run->code && run->code[0] == 0x1a && run->code[18] == 0xac);
    REQUIRE(run->nhandlers == 1);
    CHECK(run->handlers[0].start_pc == 6 && run->handlers[0].end_pc == 14 &&
          run->handlers[0].handler_pc == 14 && run->handlers[0].catch_type == C_EXC);
    REQUIRE(run->nframes == 2);
    CHECK(run->frames[0].pc == 6 && run->frames[0].nlocals == 2 && run->frames[0].nstack == 0);
    CHECK(run->frames[0].locals[0].tag == JCL_TYPE_OBJECT &&
          run->frames[0].locals[0].value == C_MAIN && run->frames[0].locals[1].tag == JCL_TYPE_INT);
    CHECK(run->frames[1].pc == 14 && run->frames[1].nstack == 1 &&
          run->frames[1].stack[0].value == C_EXC);
    const jcl_method *mk = &m->methods[3];
    REQUIRE(mk->nframes == 3);
    CHECK(mk->frames[0].stack[0].tag == JCL_TYPE_UNINIT && mk->frames[0].stack[0].value == 11);
    CHECK(mk->frames[1].locals == NULL && mk->frames[1].stack == NULL);
    CHECK(m->methods[4].code_len == 0 && (m->methods[4].flags & 0x0100));
    CHECK(o->nmethods == 2 && jcl_str_eq(o->methods[0].name, "<clinit>"));
    CHECK(o->methods[1].arg_slots == 1);
    REQUIRE(f->napplets == 1);
    CHECK(f->applets[0].class_index == 1 && f->applets[0].aid.len == 7);
    CHECK_MEM(f->applets[0].aid.p, APPLET_AID, 7);

    /* The description points into the input. */
    CHECK((const uint8_t *)f->package.name.p > file_buf &&
          (const uint8_t *)f->package.name.p < file_buf + n);

    /* An arena that is too small is SEAM_E_NOMEM, never an overrun; an exact one is enough. */
    size_t used = f->arena_used;
    static uint8_t small[65536];
    REQUIRE(used <= sizeof small);
    const jcl_file *g;
    CHECK(jcl_parse(file_buf, n, small, used - 1, &g, msg, sizeof msg) == SEAM_E_NOMEM && !g);
    CHECK(jcl_parse(file_buf, n, small, used + 64, &g, msg, sizeof msg) == SEAM_OK && g);
    /* Arguments. */
    CHECK(jcl_parse(NULL, 4, arena, sizeof arena, &g, NULL, 0) == SEAM_E_ARG);
    CHECK(jcl_parse(file_buf, n, arena, sizeof arena, NULL, NULL, 0) == SEAM_E_ARG);
    CHECK(jcl_parse(file_buf, n, NULL, 10, &g, NULL, 0) == SEAM_E_ARG);
}

/* Every check the variants hit, with the section its message must name. */
static const struct {
    int v;
    seam_err err;
    const char *where;
} bad[] = {
    {M_MAGIC, SEAM_E_FORMAT, "HEADER"},
    {M_V2, SEAM_E_UNSUPPORTED, "HEADER"},
    {M_V0, SEAM_E_FORMAT, "HEADER"},
    {M_ORDER, SEAM_E_FORMAT, "PACKAGE"},
    {M_REPEAT, SEAM_E_FORMAT, "IMPORTS"},
    {M_MISSING, SEAM_E_FORMAT, "APPLETS"},
    {M_UNKNOWN_TAG, SEAM_E_FORMAT, "CLASSES"},
    {M_SEC_LEN, SEAM_E_FORMAT, "APPLETS"},
    {M_TRAIL_SEC, SEAM_E_FORMAT, "PACKAGE"},
    {M_TRAIL_FILE, SEAM_E_FORMAT, "FILE"},
    {M_AID_SHORT, SEAM_E_FORMAT, "PACKAGE"},
    {M_AID_LONG, SEAM_E_FORMAT, "PACKAGE"},
    {M_PKG_NAME, SEAM_E_FORMAT, "PACKAGE"},
    {M_IMPORTS_OVER, SEAM_E_FORMAT, "IMPORTS"},
    {M_IMPORT_DUP, SEAM_E_FORMAT, "IMPORTS"},
    {M_IMPORT_SELF, SEAM_E_FORMAT, "IMPORTS"},
    {M_UTF8_FF, SEAM_E_FORMAT, "CONSTANTS"},
    {M_UTF8_NUL, SEAM_E_FORMAT, "CONSTANTS"},
    {M_UTF8_OVERLONG, SEAM_E_FORMAT, "CONSTANTS"},
    {M_UTF8_CUT, SEAM_E_FORMAT, "CONSTANTS"},
    {M_EMPTY_STR, SEAM_E_FORMAT, "CONSTANTS"},
    {M_CONST_KIND, SEAM_E_FORMAT, "CONSTANTS"},
    {M_INT_AFTER, SEAM_E_FORMAT, "CONSTANTS"},
    {M_CLASS_PKG, SEAM_E_FORMAT, "CONSTANTS"},
    {M_CLASS_WRONG_PKG, SEAM_E_FORMAT, "CONSTANTS"},
    {M_CLASS_NAME, SEAM_E_FORMAT, "CONSTANTS"},
    {M_CLASS_UNDEFINED, SEAM_E_FORMAT, "CONSTANTS @0x7d: constant 4"},
    {M_ARRAY_2D, SEAM_E_FORMAT, "CONSTANTS"},
    {M_ARRAY_PRIM_PKG, SEAM_E_FORMAT, "CONSTANTS"},
    {M_FIELD_INT, SEAM_E_FORMAT, "CONSTANTS @0xc4: constant 7"},
    {M_FIELD_IDX0, SEAM_E_FORMAT, "CONSTANTS"},
    {M_FIELD_IDX_PAST, SEAM_E_FORMAT, "CONSTANTS"},
    {M_FIELD_ARRAY, SEAM_E_FORMAT, "CONSTANTS"},
    {M_DESC_J, SEAM_E_FORMAT, "CONSTANTS"},
    {M_DESC_METHOD_F, SEAM_E_FORMAT, "CONSTANTS"},
    {M_DESC_OPEN, SEAM_E_FORMAT, "CONSTANTS"},
    {M_DESC_FIELD_IS_METHOD, SEAM_E_FORMAT, "CONSTANTS"},
    {M_MEMBER_NAME, SEAM_E_FORMAT, "CONSTANTS"},
    {M_METHOD_NAME_LT, SEAM_E_FORMAT, "CONSTANTS"},
    {M_INIT_RETURNS, SEAM_E_FORMAT, "CONSTANTS"},
    {M_NO_CLASSES, SEAM_E_FORMAT, "CLASSES"},
    {M_CLASS_DUP, SEAM_E_FORMAT, "CLASSES"},
    {M_CLASS_OUTSIDE, SEAM_E_FORMAT, "CLASSES"},
    {M_CLASS_NESTED_PKG, SEAM_E_FORMAT, "CLASSES"},
    {M_IFACE_NOT_ABSTRACT, SEAM_E_FORMAT, "CLASSES"},
    {M_SUPER_INT, SEAM_E_FORMAT, "CLASSES"},
    {M_SUPER_ZERO, SEAM_E_FORMAT, "CLASSES"},
    {M_SUPER_SELF, SEAM_E_FORMAT, "CLASSES"},
    {M_INTERFACE_INT, SEAM_E_FORMAT, "CLASSES"},
    {M_FIELD_DESC_D, SEAM_E_FORMAT, "CLASSES"},
    {M_FIELD_NAME, SEAM_E_FORMAT, "CLASSES"},
    {M_CODE_ABSTRACT, SEAM_E_FORMAT, "CLASSES"},
    {M_CODE_ZERO, SEAM_E_FORMAT, "CLASSES"},
    {M_CODE_BIG, SEAM_E_FORMAT, "CLASSES"},
    {M_CODE_IFACE, SEAM_E_FORMAT, "CLASSES"},
    {M_CLINIT_DESC, SEAM_E_FORMAT, "CLASSES"},
    {M_MAXLOCALS_ARGS, SEAM_E_FORMAT, "CLASSES"},
    {M_OP_LCONST, SEAM_E_FORMAT, "lconst_0"},
    {M_OP_MONITOR, SEAM_E_FORMAT, "monitorenter"},
    {M_OP_INVOKEDYNAMIC, SEAM_E_FORMAT, "invokedynamic"},
    {M_OP_UNKNOWN, SEAM_E_FORMAT, "unknown opcode"},
    {M_OP_JSR, SEAM_E_FORMAT, "jsr"},
    {M_OP_LADD, SEAM_E_FORMAT, "ladd"},
    {M_OP_I2L, SEAM_E_FORMAT, "i2l"},
    {M_OP_LRETURN, SEAM_E_FORMAT, "lreturn"},
    {M_OP_MULTIANEWARRAY, SEAM_E_FORMAT, "multianewarray"},
    {M_NEWARRAY_LONG, SEAM_E_FORMAT, "newarray"},
    {M_CODE_TRUNC, SEAM_E_FORMAT, "past the end"},
    {M_BRANCH_MID, SEAM_E_FORMAT, "target 9"},
    {M_BRANCH_OUT, SEAM_E_FORMAT, "ifne target"},
    {M_BRANCH_NEG, SEAM_E_FORMAT, "ifne target"},
    {M_SWITCH_MID, SEAM_E_FORMAT, "tableswitch target"},
    {M_LOCAL, SEAM_E_FORMAT, "local 3"},
    {M_WIDE_LOCAL, SEAM_E_FORMAT, "local 2"},
    {M_CONST_OP0, SEAM_E_FORMAT, "constant 0 out of range"},
    {M_CONST_OP_PAST, SEAM_E_FORMAT, "out of range"},
    {M_LDC_CLASS, SEAM_E_FORMAT, "ldc constant"},
    {M_LDC_W_FIELD, SEAM_E_FORMAT, "ldc_w constant"},
    {M_GETFIELD_METHOD, SEAM_E_FORMAT, "getfield constant"},
    {M_INVOKE_FIELD, SEAM_E_FORMAT, "invokevirtual constant"},
    {M_INVOKE_IMETHOD, SEAM_E_FORMAT, "invokevirtual constant"},
    {M_INVOKEIFACE_METHOD, SEAM_E_FORMAT, "invokeinterface constant"},
    {M_NEW_ARRAY, SEAM_E_FORMAT, "new of array"},
    {M_ANEWARRAY_ARRAY, SEAM_E_FORMAT, "anewarray of array"},
    {M_CHECKCAST_INT, SEAM_E_FORMAT, "checkcast constant"},
    {M_INVOKE_INIT, SEAM_E_FORMAT, "<init>"},
    {M_INVOKE_CLINIT, SEAM_E_FORMAT, "invokespecial constant"},
    {M_IFACE_COUNT, SEAM_E_FORMAT, "count 3"},
    {M_HANDLER_OUT, SEAM_E_FORMAT, "handler 0"},
    {M_HANDLER_EMPTY, SEAM_E_FORMAT, "handler 0"},
    {M_HANDLER_START_MID, SEAM_E_FORMAT, "instruction starts"},
    {M_HANDLER_PC_MID, SEAM_E_FORMAT, "handler pc 16"},
    {M_HANDLER_PC_END, SEAM_E_FORMAT, "handler pc 19"},
    {M_HANDLER_CATCH, SEAM_E_FORMAT, "catch type"},
    {M_HANDLER_CATCH_ARRAY, SEAM_E_FORMAT, "catch type"},
    {M_FRAME_PC_MID, SEAM_E_FORMAT, "frame 0: pc 9"},
    {M_FRAME_PC_END, SEAM_E_FORMAT, "frame 1: pc 19"},
    {M_FRAME_ORDER, SEAM_E_FORMAT, "frame 1"},
    {M_FRAME_LOCALS, SEAM_E_FORMAT, "max_locals"},
    {M_FRAME_STACK, SEAM_E_FORMAT, "max_stack"},
    {M_FRAME_TAG, SEAM_E_FORMAT, "type tag 2"},
    {M_FRAME_OBJ, SEAM_E_FORMAT, "object type"},
    {M_FRAME_UNINIT, SEAM_E_FORMAT, "uninitialized"},
    {M_FRAMES_COUNT, SEAM_E_FORMAT, "CLASSES"},
    {M_APPLETS_OVER, SEAM_E_FORMAT, "APPLETS"},
    {M_APPLET_DUP, SEAM_E_FORMAT, "APPLETS"},
    {M_APPLET_IDX, SEAM_E_FORMAT, "APPLETS"},
    {M_APPLET_PKG_AID, SEAM_E_FORMAT, "APPLETS"},
    {M_METHOD_DESC_J, SEAM_E_FORMAT, "bad method descriptor '(J)V'"},
    {M_METHOD_NAME_SLASH, SEAM_E_FORMAT, "bad method name 'a/b'"},
    {M_INIT_DECL_RETURNS, SEAM_E_FORMAT, "<init> does not return void"},
    {M_COUNT_TOO_BIG, SEAM_E_FORMAT, "65535 fields need at least"},
};

static void test_malformed(void)
{
    CHECK_EQ(SEAM_ARRAY_LEN(bad), M_COUNT - 1);
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        size_t n = build(bad[i].v, file_buf, sizeof file_buf);
        const jcl_file *f = (const jcl_file *)1;
        char msg[256] = "";
        seam_err e = parse(file_buf, n, &f, msg, sizeof msg);
        if (e != bad[i].err || f != NULL || !strstr(msg, bad[i].where) || !strstr(msg, "@0x")) {
            fprintf(stderr, "  variant %d: got %s, '%s' (want %s, '%s')\n", bad[i].v,
                    seam_strerror(e), msg, seam_strerror(bad[i].err), bad[i].where);
            check_failures++;
        } else if (getenv("JCL_VERBOSE")) {
            fprintf(stderr, "  variant %d: %s\n", bad[i].v, msg);
        }
    }
}

static void test_truncated(void)
{
    size_t n = build(OK_FILE, file_buf, sizeof file_buf);
    for (size_t k = 0; k < n; k++) {
        /* A copy of exactly k bytes, so ASan sees any read past the end. */
        uint8_t *p = malloc(k ? k : 1);
        REQUIRE(p);
        memcpy(p, file_buf, k);
        const jcl_file *f;
        char msg[256] = "";
        seam_err e = parse(p, k, &f, msg, sizeof msg);
        if (e != SEAM_E_FORMAT || msg[0] == 0) {
            fprintf(stderr, "  prefix of %zu bytes: %s '%s'\n", k, seam_strerror(e), msg);
            check_failures++;
        }
        free(p);
    }
}

/* Small messages are truncated, never overrun; a NULL message is fine. */
static void test_messages(void)
{
    size_t n = build(M_DESC_J, file_buf, sizeof file_buf);
    const jcl_file *f;
    char msg[8];
    memset(msg, 'x', sizeof msg);
    CHECK(parse(file_buf, n, &f, msg, 5) == SEAM_E_FORMAT && strlen(msg) == 4 && msg[5] == 'x');
    CHECK(parse(file_buf, n, &f, NULL, 0) == SEAM_E_FORMAT);
}

static void test_descriptors(void)
{
    const char *good_f[] = {"B", "S", "I", "Z", "[B", "La/B;", "[La/b/C;"};
    const char *bad_f[] = {"",   "J",    "C",      "F",  "D", "V",    "[[B",
                           "L;", "La/B", "La//B;", "BB", "[", "L/a;", "La.b;"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(good_f); i++)
        CHECK(jcl_check_field_desc(good_f[i], strlen(good_f[i])) == SEAM_OK);
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad_f); i++)
        CHECK(jcl_check_field_desc(bad_f[i], strlen(bad_f[i])) == SEAM_E_FORMAT);
    uint16_t slots = 99;
    CHECK(jcl_check_method_desc("()V", 3, &slots) == SEAM_OK && slots == 0);
    CHECK(jcl_check_method_desc("(BS[BLa/B;)[S", 13, &slots) == SEAM_OK && slots == 4);
    const char *bad_m[] = {"()", "(V)V", "(J)V", "()D", "(I", "I)V", "()VV", "(I)[[I"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad_m); i++)
        CHECK(jcl_check_method_desc(bad_m[i], strlen(bad_m[i]), NULL) == SEAM_E_FORMAT);
    char d[260];
    d[0] = '(';
    memset(d + 1, 'I', 255);
    memcpy(d + 256, ")V", 2);
    CHECK(jcl_check_method_desc(d, 258, &slots) == SEAM_OK && slots == 255);
    d[256] = 'I';
    memcpy(d + 257, ")V", 2);
    CHECK(jcl_check_method_desc(d, 259, NULL) == SEAM_E_FORMAT);
    /* Modified UTF-8 (JVMS §4.4.7): the two-byte NUL and three-byte forms are fine. */
    CHECK(jcl_check_utf8("a\xc0\x80"
                         "b\xe2\x82\xac\xc3\xa9",
                         9) == SEAM_OK);
    CHECK(jcl_check_utf8("\xf0\x9f\x98\x80", 4) == SEAM_E_FORMAT);
    CHECK(jcl_check_utf8("\x80", 1) == SEAM_E_FORMAT);
    CHECK(jcl_check_utf8("\xe0\x80\x80", 3) == SEAM_E_FORMAT);
    CHECK(jcl_check_utf8("\xc3", 1) == SEAM_E_FORMAT);
}

/* The walker's branch helpers on the valid file's tableswitch. */
static void test_branches(void)
{
    size_t n = build(OK_FILE, file_buf, sizeof file_buf);
    const jcl_file *f;
    REQUIRE(parse(file_buf, n, &f, NULL, 0) == SEAM_OK);
    const jcl_method *mk = &f->classes[1].methods[3];
    bc_walker w;
    bc_insn in;
    bc_walk_init(&w, mk->code, mk->code_len);
    int found = 0;
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
        if (in.opcode != BC_TABLESWITCH) {
            CHECK(bc_branch_count(&in) == 0);
            continue;
        }
        found = 1;
        CHECK_EQ(bc_branch_count(&in), 3);
        CHECK_EQ(bc_branch_target(&in, 0), 48);
        CHECK_EQ(bc_branch_target(&in, 1), 48);
        CHECK_EQ(bc_branch_target(&in, 2), 49);
    }
    CHECK(found);
    const jcl_method *run = &f->classes[1].methods[1];
    bc_walk_init(&w, run->code, run->code_len);
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK);
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK && in.opcode == BC_IFNE);
    CHECK(bc_branch_count(&in) == 1 && bc_branch_target(&in, 0) == 6);
}

/* Writes the seed corpus of fuzz/fuzz_jcl.c: the valid file and two smaller valid variants. */
static int write_corpus(const char *dir)
{
    size_t n = build(OK_FILE, file_buf, sizeof file_buf);
    char path[4096];
    snprintf(path, sizeof path, "%s/valid.jcl", dir);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(file_buf, 1, n, fp) != n || fclose(fp) != 0) return 1;
    /* A minimal file: one class, java/lang/Object itself, no imports, no constants, no applets. */
    buf b = {.n = 0}, body = {.n = 0};
    u4(&b, JCL_MAGIC);
    u1(&b, 1);
    u1(&b, 0);
    aid(&body, JCL_AID_JAVA_LANG, 7);
    str(&body, "java/lang");
    u1(&body, 1);
    u1(&body, 0);
    section(&b, JCL_SEC_PACKAGE, &body);
    body.n = 0;
    u1(&body, 0);
    section(&b, JCL_SEC_IMPORTS, &body);
    body.n = 0;
    u2(&body, 0);
    section(&b, JCL_SEC_CONSTANTS, &body);
    body.n = 0;
    u1(&body, 1);
    str(&body, "java/lang/Object");
    u2(&body, 0x0001);
    u2(&body, 0);
    u1(&body, 0);
    u2(&body, 0);
    u2(&body, 1);
    const uint8_t ret[] = {0xb1};
    method(&body, 0x0001, "<init>", "()V", 0, 1, ret, 1, NULL, 0, NULL, 0, 0);
    section(&b, JCL_SEC_CLASSES, &body);
    body.n = 0;
    u1(&body, 0);
    section(&b, JCL_SEC_APPLETS, &body);
    const jcl_file *f;
    char msg[256];
    if (parse(b.b, b.n, &f, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "minimal file does not parse: %s\n", msg);
        return 1;
    }
    snprintf(path, sizeof path, "%s/object.jcl", dir);
    fp = fopen(path, "wb");
    if (!fp || fwrite(b.b, 1, b.n, fp) != b.n || fclose(fp) != 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0) return write_corpus(argv[2]);
    RUN(test_valid);
    RUN(test_malformed);
    RUN(test_truncated);
    RUN(test_messages);
    RUN(test_descriptors);
    RUN(test_branches);
    return check_summary();
}
