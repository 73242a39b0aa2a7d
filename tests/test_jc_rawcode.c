/*
 * Bytecodes javac never emits for Java Card sources, run by the card: nop, swap, pop2 (on two
 * ints), dup_x2, dup2_x1, dup2_x2, goto_w, wide (iload/istore/iinc), ldc_w, iinc with a negative
 * constant. The Java test packages (tests/jc/vm) cover every opcode javac does emit; these are
 * the rest of the subset, hand-assembled with the converter's writer model, loaded through GP
 * like any package (so the verifier checks them first), installed, selected, and run: the
 * applet's process() computes t() and throws ISOException(0x6400 | (t() & 0xFF)), so the status
 * word carries the result, which the test compares with the value worked out by hand (JVMS §6.5
 * for each instruction's stack effect).
 *
 * The package: import java/lang and javacard/framework; class raw/R extends Applet with
 * <init>, install (new R, register), process (selectingApplet -> return; else throw the result)
 * and the static t()I under test. Also checked: StackMapTable frames the card needs at a goto_w
 * target and after it.
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"
#include "seam/bytecode.h"
#include "seam/jcconv.h"
#include "seam/sw.h"

static const uint8_t PKG[] = {0xF0, 0x00, 0x00, 0x00, 0xBB};
static const uint8_t APP[] = {0xF0, 0x00, 0x00, 0x00, 0xBB, 0x01};
static card_rig R;

/* constants (INT first, as the format requires) */
enum {
    K_INT = 1,       /* INT 0x12345678 */
    K_APPLET,        /* CLASS javacard/framework/Applet */
    K_SELF,          /* CLASS raw/R */
    K_APDU,          /* CLASS javacard/framework/APDU */
    K_ISOEX,         /* CLASS javacard/framework/ISOException */
    K_APPLET_INIT,   /* METHOD Applet.<init>()V */
    K_REGISTER,      /* METHOD Applet.register()V */
    K_SELECTING,     /* METHOD Applet.selectingApplet()Z */
    K_SELF_INIT,     /* METHOD R.<init>()V */
    K_T,             /* METHOD R.t()I */
    K_THROW,         /* METHOD ISOException.throwIt(S)V */
    K_N = K_THROW
};

typedef struct {
    uint8_t code[48];
    uint32_t code_len;
    uint16_t max_stack, max_locals;
    uint16_t nframes;
    jcw_frame frames[2];
} tcode;

static uint8_t *build(const tcode *t, size_t *len)
{
    static const jcw_package imports[] = {
        {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01}}, "java/lang", 1, 0},
        {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x01, 0x01}}, "javacard/framework", 1, 6},
    };
    static const jcw_const consts[K_N] = {
        {JCL_CONST_INT, 0, 0, 0x12345678u, NULL, NULL},
        {JCL_CONST_CLASS, 2, 0, 0, "javacard/framework/Applet", NULL},
        {JCL_CONST_CLASS, 0, 0, 0, "raw/R", NULL},
        {JCL_CONST_CLASS, 2, 0, 0, "javacard/framework/APDU", NULL},
        {JCL_CONST_CLASS, 2, 0, 0, "javacard/framework/ISOException", NULL},
        {JCL_CONST_METHOD, 0, K_APPLET, 0, "<init>", "()V"},
        {JCL_CONST_METHOD, 0, K_APPLET, 0, "register", "()V"},
        {JCL_CONST_METHOD, 0, K_APPLET, 0, "selectingApplet", "()Z"},
        {JCL_CONST_METHOD, 0, K_SELF, 0, "<init>", "()V"},
        {JCL_CONST_METHOD, 0, K_SELF, 0, "t", "()I"},
        {JCL_CONST_METHOD, 0, K_ISOEX, 0, "throwIt", "(S)V"},
    };
    static const uint8_t init_code[] = {BC_ALOAD_0, BC_INVOKESPECIAL, 0, K_APPLET_INIT, BC_RETURN};
    static const uint8_t install_code[] = {BC_NEW,           0, K_SELF, BC_DUP, BC_INVOKESPECIAL,
                                           0,                K_SELF_INIT,   BC_INVOKEVIRTUAL,
                                           0,                K_REGISTER,    BC_RETURN};
    static const uint8_t process_code[] = {
        BC_ALOAD_0,   BC_INVOKEVIRTUAL, 0,    K_SELECTING,          /* 0 */
        BC_IFEQ,      0,                4,                          /* 4 -> 8 */
        BC_RETURN,                                                  /* 7 */
        BC_INVOKESTATIC, 0, K_T,                                    /* 8 */
        BC_SIPUSH,    0x00, 0xFF, BC_IAND,                          /* 11 */
        BC_SIPUSH,    0x64, 0x00, BC_IOR, BC_I2S,                   /* 15 */
        BC_INVOKESTATIC, 0, K_THROW, BC_RETURN};                    /* 20 */
    static const jcw_type plocals[] = {{JCL_TYPE_OBJECT, K_SELF}, {JCL_TYPE_OBJECT, K_APDU}};
    static const jcw_frame pframe = {8, 2, 0, plocals, NULL};
    jcw_method m[4] = {
        {0x0001, "<init>", "()V", 1, 1, sizeof init_code, init_code, 0, NULL, 0, NULL},
        {0x0009, "install", "([BSB)V", 2, 3, sizeof install_code, install_code, 0, NULL, 0, NULL},
        {0x0001, "process", "(Ljavacard/framework/APDU;)V", 2, 2, sizeof process_code,
         process_code, 0, NULL, 1, &pframe},
        {0x0009, "t", "()I", t->max_stack, t->max_locals, t->code_len, t->code, 0, NULL,
         t->nframes, t->frames},
    };
    jcw_class cls = {"raw/R", 0x0021, K_APPLET, 0, NULL, 0, NULL, 4, m};
    jcw_applet ap = {{6, {0xF0, 0x00, 0x00, 0x00, 0xBB, 0x01}}, 0};
    jcw_file f = {{{5, {0xF0, 0x00, 0x00, 0x00, 0xBB}}, "raw", 1, 0}, 2, imports, K_N, consts, 1,
                  &cls, 1, &ap};
    uint8_t *out = NULL;
    char msg[300];
    if (jcw_write(&f, &out, len, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "  jcw_write: %s\n", msg);
        return NULL;
    }
    return out;
}

/* Loads, installs, selects, runs t() and deletes; returns the SW of the run (0 on a failure
 * before it, reported). */
static uint16_t run(const char *what, const tcode *t)
{
    size_t len = 0;
    uint8_t *data = build(t, &len);
    if (!data) return 0;
    uint16_t sw, result = 0;
    uint8_t buf[300];
    size_t n;
    if (!card_rig_isd_session(&R, 0x03)) goto out;
    if ((sw = card_rig_load(&R, PKG, sizeof PKG, data, len)) != SW_NO_ERROR) {
        fprintf(stderr, "  %s: load refused: %04X\n", what, sw);
        goto out;
    }
    if ((sw = card_rig_install(&R, PKG, sizeof PKG, APP, sizeof APP)) != SW_NO_ERROR) {
        fprintf(stderr, "  %s: install refused: %04X\n", what, sw);
        goto del;
    }
    if ((sw = card_rig_select(&R, APP, sizeof APP)) != SW_NO_ERROR) {
        fprintf(stderr, "  %s: select: %04X\n", what, sw);
        goto del;
    }
    static const uint8_t c[] = {0x80, 0x00, 0x00, 0x00};
    if (gp_transmit(&R.cl, c, sizeof c, buf, sizeof buf, &n, &result)) result = 0;
del:
    if (card_rig_isd_session(&R, 0x03)) gp_delete(&R.ses, PKG, sizeof PKG, true, &sw);
out:
    free(data);
    return result;
}

#define T(...) .code = {__VA_ARGS__}, .code_len = sizeof((uint8_t[]){__VA_ARGS__})

static void test_stack_shuffles(void)
{
    /* nop; 1 2 swap -> 2 1; isub -> 1; 10 20 pop2 -> 1; 3 dup_x1 -> 3 1 3; iadd -> 3 4;
     * imul -> 12 */
    tcode a = {T(BC_NOP, BC_ICONST_1, BC_ICONST_2, BC_SWAP, BC_ISUB, BC_BIPUSH, 10, BC_BIPUSH, 20,
                 BC_POP2, BC_ICONST_3, BC_DUP_X1, BC_IADD, BC_IMUL, BC_IRETURN),
               .max_stack = 3};
    CHECK_EQ(run("nop swap pop2 dup_x1", &a), 0x640C);
    /* 1 2 3 4 dup2_x2 -> 3 4 1 2 3 4; iadd 7; imul 14; iadd 15; isub 4-15=-11; imul -33;
     * ineg 33 */
    tcode b = {T(BC_ICONST_1, BC_ICONST_2, BC_ICONST_3, BC_ICONST_4, BC_DUP2_X2, BC_IADD, BC_IMUL,
                 BC_IADD, BC_ISUB, BC_IMUL, BC_INEG, BC_IRETURN),
               .max_stack = 6};
    CHECK_EQ(run("dup2_x2", &b), 0x6421);
    /* 1 2 3 dup2_x1 -> 2 3 1 2 3; iadd 5; imul 5; imul 15; iadd 17 */
    tcode c = {T(BC_ICONST_1, BC_ICONST_2, BC_ICONST_3, BC_DUP2_X1, BC_IADD, BC_IMUL, BC_IMUL,
                 BC_IADD, BC_IRETURN),
               .max_stack = 5};
    CHECK_EQ(run("dup2_x1", &c), 0x6411);
    /* 1 2 3 dup_x2 -> 3 1 2 3; isub -1; imul -1; iadd 2; bipush 40 iadd -> 42 */
    tcode d = {T(BC_ICONST_1, BC_ICONST_2, BC_ICONST_3, BC_DUP_X2, BC_ISUB, BC_IMUL, BC_IADD,
                 BC_BIPUSH, 40, BC_IADD, BC_IRETURN),
               .max_stack = 4};
    CHECK_EQ(run("dup_x2", &d), 0x642A);
    /* 5 6 dup2 -> 5 6 5 6; imul 30; iadd 36; iadd 41 */
    tcode e = {T(BC_ICONST_5, BC_BIPUSH, 6, BC_DUP2, BC_IMUL, BC_IADD, BC_IADD, BC_IRETURN),
               .max_stack = 4};
    CHECK_EQ(run("dup2", &e), 0x6429);
}

static void test_goto_w(void)
{
    static const jcw_type one_int[] = {{JCL_TYPE_INT, 0}};
    /* 0 iconst_5; 1 goto_w +7 (-> 8); 6 iconst_0; 7 ireturn; 8 ireturn */
    tcode a = {T(BC_ICONST_5, BC_GOTO_W, 0, 0, 0, 7, BC_ICONST_0, BC_IRETURN, BC_IRETURN),
               .max_stack = 1,
               .nframes = 2};
    a.frames[0] = (jcw_frame){6, 0, 0, NULL, NULL};
    a.frames[1] = (jcw_frame){8, 0, 1, NULL, one_int};
    CHECK_EQ(run("goto_w", &a), 0x6405);
}

static void test_wide_and_ldc_w(void)
{
    /* sipush 7; wide istore 280; wide iinc 280 +1000; wide iload 280; ireturn -> 1007 = 0x3EF */
    tcode a = {T(BC_SIPUSH, 0, 7, BC_WIDE, BC_ISTORE, 0x01, 0x18, BC_WIDE, BC_IINC, 0x01, 0x18,
                 0x03, 0xE8, BC_WIDE, BC_ILOAD, 0x01, 0x18, BC_IRETURN),
               .max_stack = 1,
               .max_locals = 300};
    CHECK_EQ(run("wide istore/iinc/iload", &a), 0x64EF);
    /* ldc_w #1 (0x12345678) -> 0x78; ldc #1 >>> 8 -> 0x56: 0x78 ^ 0x56 = 0x2E */
    tcode b = {T(BC_LDC_W, 0, K_INT, BC_LDC, K_INT, BC_BIPUSH, 8, BC_IUSHR, BC_IXOR, BC_IRETURN),
               .max_stack = 3};
    CHECK_EQ(run("ldc_w and ldc", &b), 0x642E);
    /* iconst_0 istore_0; iinc 0 -3; iload_0 -> -3 = 0xFD */
    tcode c = {T(BC_ICONST_0, BC_ISTORE_0, BC_IINC, 0, 0xFD, BC_ILOAD_0, BC_IRETURN),
               .max_stack = 1,
               .max_locals = 1};
    CHECK_EQ(run("iinc negative", &c), 0x64FD);
}

/* A t() the verifier must refuse stays refused here too (the harness can tell a refusal). */
static void test_harness_sees_refusal(void)
{
    tcode a = {T(BC_SWAP, BC_IRETURN), .max_stack = 2};
    CHECK_EQ(run("swap on an empty stack (must be refused)", &a), 0);
}

int main(void)
{
    if (!card_rig_open(&R)) return 1;
    RUN(test_stack_shuffles);
    RUN(test_goto_w);
    RUN(test_wide_and_ldc_w);
    RUN(test_harness_sees_refusal);
    card_rig_close(&R);
    return check_summary();
}
