/*
 * Attack load files, through the card as an attacker would send them: each hostile package is
 * loaded with INSTALL [for load] + LOAD over an SCP03 session of an in-process SE, and must be
 * refused (6A80 for what the reader or the verifier catches, 6A88 for what does not link) with
 * the store byte for byte unchanged (store_digest before and after), and the card still working
 * (a valid package loads afterwards). The list is the issue's: stack underflow, type confusion
 * (int used as a reference), a jump into the middle of an instruction, a handler outside the
 * code, a call to a missing method, an out-of-bounds constant index, truncated and oversized
 * tables; plus a few more of the same families (a reference used as an int, an uninitialized
 * object used, falling off the end of the code, a native method outside the API).
 *
 * Each package is the same small one (package F0000000AA "atk", one class atk/A with <init> and
 * a static method t()V whose code is the attack), written with the converter's writer model
 * (include/seam/jcconv.h), which emits any bytecode it is given. The control case, with t()V a
 * plain `return`, must load: otherwise the test proves nothing.
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"
#include "seam/bytecode.h"
#include "seam/jcconv.h"
#include "seam/sw.h"

static const uint8_t PKG[] = {0xF0, 0x00, 0x00, 0x00, 0xAA};
static card_rig R;

static bool auth(void)
{
    return card_rig_isd_session(&R, 0x03);
}

/* ---- the package model ---- */

typedef struct {
    uint8_t code[64];
    uint32_t code_len;
    uint16_t max_stack, max_locals;
    jcw_handler handler;
    uint16_t nhandlers;
    uint16_t method_flags;
    const char *extra_method_name; /* for the missing-method case: a METHOD constant */
    const char *extra_class;       /* class of that constant, in java/lang */
} attack;

/* Writes the package with t()V's code from a. Constants: 1 CLASS java/lang/Object,
 * 2 CLASS atk/A, 3 METHOD Object.<init>()V, 4 METHOD atk/A.t()V, 5 FIELD atk/A.f I,
 * 6 CLASS java/lang/<extra_class>, 7 METHOD <extra_class>.<extra_method_name>()V. */
static uint8_t *build(const attack *a, size_t *len)
{
    static const jcw_package imports[] = {
        {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01}}, "java/lang", 1, 0}};
    jcw_const consts[7] = {
        {JCL_CONST_CLASS, 1, 0, 0, "java/lang/Object", NULL},
        {JCL_CONST_CLASS, 0, 0, 0, "atk/A", NULL},
        {JCL_CONST_METHOD, 0, 1, 0, "<init>", "()V"},
        {JCL_CONST_METHOD, 0, 2, 0, "t", "()V"},
        {JCL_CONST_FIELD, 0, 2, 0, "f", "I"},
        {JCL_CONST_CLASS, 1, 0, 0, "java/lang/Exception", NULL},
        {JCL_CONST_METHOD, 0, 6, 0, "<init>", "()V"},
    };
    uint16_t nconsts = 5;
    if (a->extra_method_name) {
        static char cname[64];
        snprintf(cname, sizeof cname, "java/lang/%s", a->extra_class);
        consts[5].name = cname;
        consts[6].name = a->extra_method_name;
        nconsts = 7;
    }
    static const uint8_t init_code[] = {BC_ALOAD_0, BC_INVOKESPECIAL, 0, 3, BC_RETURN};
    jcw_method m[2] = {
        {0x0001, "<init>", "()V", 1, 1, sizeof init_code, init_code, 0, NULL, 0, NULL},
        {a->method_flags ? a->method_flags : 0x0009, "t", "()V", a->max_stack, a->max_locals,
         a->code_len, a->code_len ? a->code : NULL, a->nhandlers, &a->handler, 0, NULL},
    };
    jcw_field fld = {0x0001, "f", "I"};
    jcw_class cls = {"atk/A", 0x0021, 1, 0, NULL, 1, &fld, 2, m};
    jcw_file f = {{{5, {0xF0, 0x00, 0x00, 0x00, 0xAA}}, "atk", 1, 0},
                  1,
                  imports,
                  nconsts,
                  consts,
                  1,
                  &cls,
                  0,
                  NULL};
    uint8_t *out = NULL;
    char msg[300];
    if (jcw_write(&f, &out, len, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "  jcw_write: %s\n", msg);
        return NULL;
    }
    return out;
}

/* Loads data under the open session; returns the SW of the failing step (INSTALL [for load] or
 * LOAD), 9000 if all went through. */
static uint16_t load_in_session(const uint8_t *data, size_t len)
{
    return card_rig_load(&R, PKG, sizeof PKG, data, len);
}

static uint16_t load(const uint8_t *data, size_t len)
{
    return auth() ? load_in_session(data, len) : 0;
}

static uint16_t delete_pkg(void)
{
    uint16_t sw = 0;
    if (!auth()) return 0;
    if (gp_delete(&R.ses, PKG, sizeof PKG, true, &sw) != SEAM_OK) return 0;
    return sw;
}

/* Loads data and checks the SW is `want` and the store unchanged (compared after the session
 * is open: INITIALIZE UPDATE itself moves the card's sequence counter). */
static void refused_bytes(const char *what, const uint8_t *data, size_t len, uint16_t want)
{
    uint8_t before[32], after[32];
    REQUIRE(auth());
    REQUIRE(store_digest(se_store(R.se), before) == SEAM_OK);
    uint16_t sw = load_in_session(data, len);
    REQUIRE(store_digest(se_store(R.se), after) == SEAM_OK);
    if (sw != want) fprintf(stderr, "  %s: SW %04X, wanted %04X\n", what, sw, want);
    CHECK_EQ(sw, want);
    if (memcmp(before, after, 32)) fprintf(stderr, "  %s: the store changed\n", what);
    CHECK_MEM(before, after, 32);
}

static void refused(const char *what, const attack *a, uint16_t want)
{
    size_t len = 0;
    uint8_t *data = build(a, &len);
    REQUIRE(data != NULL);
    refused_bytes(what, data, len, want);
    free(data);
}

#define CODE(...) .code = {__VA_ARGS__}, .code_len = sizeof((uint8_t[]){__VA_ARGS__})

static void test_control_loads(void)
{
    attack a = {CODE(BC_RETURN), .max_stack = 0, .max_locals = 0};
    size_t len = 0;
    uint8_t *data = build(&a, &len);
    REQUIRE(data != NULL);
    CHECK_EQ(load(data, len), SW_NO_ERROR);
    CHECK_EQ(delete_pkg(), SW_NO_ERROR);
    /* and again after the deletion: nothing of the first load is left in the way */
    CHECK_EQ(load(data, len), SW_NO_ERROR);
    CHECK_EQ(delete_pkg(), SW_NO_ERROR);
    free(data);
}

static void test_stack_underflow(void)
{
    attack a = {CODE(BC_POP, BC_RETURN), .max_stack = 1};
    refused("stack underflow", &a, SW_WRONG_DATA);
}

static void test_stack_overflow(void)
{
    attack a = {CODE(BC_ICONST_0, BC_ICONST_0, BC_POP2, BC_RETURN), .max_stack = 1};
    refused("stack overflow", &a, SW_WRONG_DATA);
}

static void test_int_as_reference(void)
{
    attack a = {CODE(BC_ICONST_1, BC_ARRAYLENGTH, BC_POP, BC_RETURN), .max_stack = 1};
    refused("int used as an array", &a, SW_WRONG_DATA);
    attack b = {CODE(BC_ICONST_1, BC_GETFIELD, 0, 5, BC_POP, BC_RETURN), .max_stack = 1};
    refused("int used as an object (getfield)", &b, SW_WRONG_DATA);
}

static void test_reference_as_int(void)
{
    attack a = {CODE(BC_ACONST_NULL, BC_ICONST_1, BC_IADD, BC_POP, BC_RETURN), .max_stack = 2};
    refused("reference used as an int", &a, SW_WRONG_DATA);
}

static void test_jump_into_instruction(void)
{
    /* goto +1 lands on sipush's operand */
    attack a = {CODE(BC_SIPUSH, 0x00, BC_RETURN, BC_GOTO, 0xFF, 0xFE, BC_RETURN),
                .max_stack = 1};
    refused("jump into the middle of an instruction", &a, SW_WRONG_DATA);
}

static void test_handler_outside_code(void)
{
    attack a = {CODE(BC_NOP, BC_RETURN), .max_stack = 1, .nhandlers = 1};
    a.handler = (jcw_handler){0, 1, 40, 0};
    refused("handler outside the code", &a, SW_WRONG_DATA);
}

static void test_missing_method(void)
{
    attack a = {CODE(BC_INVOKESTATIC, 0, 7, BC_RETURN), .max_stack = 0,
                .extra_method_name = "noSuchMethod", .extra_class = "Object"};
    refused("call to a missing method", &a, SW_REFERENCED_DATA_NOT_FOUND);
}

static void test_constant_index_out_of_bounds(void)
{
    attack a = {CODE(BC_INVOKESTATIC, 0, 200, BC_RETURN), .max_stack = 0};
    refused("constant index out of bounds", &a, SW_WRONG_DATA);
    attack b = {CODE(BC_LDC, 40, BC_POP, BC_RETURN), .max_stack = 1};
    refused("ldc out of bounds", &b, SW_WRONG_DATA);
}

static void test_uninitialized_use(void)
{
    /* new A; getfield f on it before <init> */
    attack a = {CODE(BC_NEW, 0, 2, BC_GETFIELD, 0, 5, BC_POP, BC_RETURN), .max_stack = 1};
    refused("uninitialized object used", &a, SW_WRONG_DATA);
}

static void test_falls_off_end(void)
{
    attack a = {CODE(BC_ICONST_0, BC_POP), .max_stack = 1};
    refused("code falling off its end", &a, SW_WRONG_DATA);
}

static void test_native_outside_api(void)
{
    attack a = {.code_len = 0, .method_flags = 0x0109 /* public static native */};
    refused("native method outside the API", &a, SW_WRONG_DATA);
}

/* Truncations at every length, and counts made larger than the table that follows. */
static void test_truncated_and_oversized(void)
{
    attack a = {CODE(BC_RETURN)};
    size_t len = 0;
    uint8_t *data = build(&a, &len);
    REQUIRE(data != NULL);
    int bad = 0;
    for (size_t cut = 1; cut < len; cut += (cut < 64 ? 1 : 7)) {
        uint8_t before[32], after[32];
        REQUIRE(auth());
        REQUIRE(store_digest(se_store(R.se), before) == SEAM_OK);
        uint16_t sw = load_in_session(data, cut);
        REQUIRE(store_digest(se_store(R.se), after) == SEAM_OK);
        if (sw != SW_WRONG_DATA || memcmp(before, after, 32)) {
            fprintf(stderr, "  truncated to %zu of %zu bytes: SW %04X%s\n", cut, len, sw,
                    memcmp(before, after, 32) ? ", store changed" : "");
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    /* each section length (u4 after its tag) and the counts right after it, made huge */
    size_t off = 6;
    int sections = 0;
    while (off + 5 <= len) {
        uint32_t sl = seam_be32(data + off + 1);
        uint8_t *copy = malloc(len);
        REQUIRE(copy != NULL);
        memcpy(copy, data, len);
        seam_put_be32(copy + off + 1, 0x7FFFFFF0u);
        refused_bytes("section length oversized", copy, len, SW_WRONG_DATA);
        if (sl >= 2 && data[off] != JCL_SEC_PACKAGE) {
            memcpy(copy, data, len);
            copy[off + 5] = 0xFF; /* the section's count (u1 or first byte of u2) */
            refused_bytes("table count oversized", copy, len, SW_WRONG_DATA);
        }
        free(copy);
        sections++;
        off += 5 + sl;
    }
    CHECK_EQ(sections, 5);
    free(data);
}

int main(void)
{
    if (!card_rig_open(&R)) return 1;
    RUN(test_control_loads);
    RUN(test_stack_underflow);
    RUN(test_stack_overflow);
    RUN(test_int_as_reference);
    RUN(test_reference_as_int);
    RUN(test_jump_into_instruction);
    RUN(test_handler_outside_code);
    RUN(test_missing_method);
    RUN(test_constant_index_out_of_bounds);
    RUN(test_uninitialized_use);
    RUN(test_falls_off_end);
    RUN(test_native_outside_api);
    RUN(test_truncated_and_oversized);
    RUN(test_control_loads); /* the card still loads a good package after all that */
    card_rig_close(&R);
    return check_summary();
}
