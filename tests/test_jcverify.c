/*
 * Tests for the card's bytecode verifier (src/se/jcvm/verify.h, JVMS SE 8 §4.10.1).
 *
 * Hand-built load files: methods with chosen bytecode, handlers and frames are put into a small
 * package (tp/A extends java/lang/Object, tp/B extends tp/A) with the writer (jcw_write), read
 * back with jcl_parse and verified; every rule has a case that breaks it, refused with
 * SEAM_E_FORMAT and a message naming the reason. The environment for the API classes is a table
 * here (env_table).
 *
 * Real packages: the echo test package (compiled by javac at build time into
 * $SEAM_BUILD/tests/jcconvert), the three API packages (compiled into $SEAM_BUILD/jc/api-classes)
 * converted with jcc_convert_dir, and the card's ROM mask must all verify; their environment
 * looks classes up in the converted API packages themselves.
 *
 * Robustness: thousands of deterministic random mutations of a valid method's code, and of the
 * bytes of the echo load file, must give SEAM_OK or a clean error, never a sanitizer report.
 */
#include <stdbool.h>

#include "check.h"
#include "se/jcvm/rom.h"
#include "se/jcvm/verify.h"
#include "seam/bytecode.h"
#include "seam/jcconv.h"
#include "seam/jclread.h"

/* ---- environment ---------------------------------------------------------------------------- */

typedef struct {
    const char *name, *super;
    bool iface;
} api_class;

static const api_class api_table[] = {
    {"java/lang/Object", NULL, false},
    {"java/lang/Throwable", "java/lang/Object", false},
    {"java/lang/Exception", "java/lang/Throwable", false},
    {"java/lang/RuntimeException", "java/lang/Exception", false},
    {"java/lang/NullPointerException", "java/lang/RuntimeException", false},
    {"javacard/framework/CardRuntimeException", "java/lang/RuntimeException", false},
    {"javacard/framework/ISOException", "javacard/framework/CardRuntimeException", false},
    {"javacard/framework/Applet", "java/lang/Object", false},
    {"javacard/framework/APDU", "java/lang/Object", false},
    {"javacard/framework/Shareable", "java/lang/Object", true},
};

/* Parsed load files whose classes the environment also knows (the converted API). */
typedef struct {
    const jcl_file *files[8];
    size_t n;
} env_files;

static seam_err env_lookup(void *ctx, const char *name, size_t len, jcv_class_info *out)
{
    env_files *ef = ctx;
    for (size_t i = 0; ef && i < ef->n; i++) {
        const jcl_file *f = ef->files[i];
        for (unsigned k = 0; k < f->nclasses; k++) {
            const jcl_class *c = &f->classes[k];
            if (c->name.len != len || memcmp(c->name.p, name, len)) continue;
            out->is_interface = (c->flags & 0x0200) != 0;
            out->has_super = c->super != 0;
            if (c->super) {
                out->super_name = f->consts[c->super].name.p;
                out->super_len = f->consts[c->super].name.len;
            }
            return SEAM_OK;
        }
    }
    for (size_t i = 0; i < sizeof api_table / sizeof api_table[0]; i++) {
        const api_class *a = &api_table[i];
        if (strlen(a->name) != len || memcmp(a->name, name, len)) continue;
        out->is_interface = a->iface;
        out->has_super = a->super != NULL;
        out->super_name = a->super;
        out->super_len = a->super ? strlen(a->super) : 0;
        return SEAM_OK;
    }
    return SEAM_E_NOT_FOUND;
}

static const jcv_env env_table = {env_lookup, NULL};

/* Parses data and verifies it with env; msg gets the verifier's (or the reader's) message. */
static seam_err parse_verify(const uint8_t *data, size_t len, const jcv_env *env, char *msg,
                             size_t cap, bool *parsed)
{
    size_t ac = jcl_arena_bound(len);
    void *arena = malloc(ac ? ac : 1);
    const jcl_file *f = NULL;
    seam_err e = jcl_parse(data, len, arena, ac, &f, msg, cap);
    if (parsed) *parsed = e == SEAM_OK;
    if (e == SEAM_OK) {
        size_t vc = jcv_arena_bound(f);
        void *va = malloc(vc ? vc : 1);
        e = jcv_verify(f, env, va, vc, msg, cap);
        free(va);
    }
    free(arena);
    return e;
}

/* ---- the hand-built package ----------------------------------------------------------------- */

enum {
    C_INT5 = 1,
    C_OBJECT,    /* 2 */
    C_A,         /* 3 */
    C_OBJ_INIT,  /* 4  Object.<init>()V */
    C_A_X,       /* 5  A.x I */
    C_A_R,       /* 6  A.r Ljava/lang/Object; */
    C_THROWABLE, /* 7 */
    C_EXCEPTION, /* 8 */
    C_APDU,      /* 9 */
    C_GETBUFFER, /* 10 APDU.getBuffer()[B */
    C_SHORTS,    /* 11 [S */
    C_BYTES,     /* 12 [B */
    C_INTS,      /* 13 [I */
    C_A_M,       /* 14 A.m(I)V */
    C_B,         /* 15 */
    C_B_Y,       /* 16 B.y I */
    C_A_INIT,    /* 17 A.<init>()V */
    C_ISOEX,     /* 18 */
    C_THROWIT,   /* 19 ISOException.throwIt(S)V */
    C_A_GET,     /* 20 A.get()I */
    C_RUNTIME,   /* 21 */
    C_B_INIT,    /* 22 B.<init>()V */
    C_OBJECTS,   /* 23 [Ljava/lang/Object; */
    C_A_S,       /* 24 A.s [B (static) */
    C_A_TAKES,   /* 25 A.takes([S)V */
    C_B_GET,     /* 26 B.get()I */
    C_NCONSTS = C_B_GET
};

static const jcw_const consts[C_NCONSTS] = {
    {.kind = JCL_CONST_INT, .value = 5},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/Object"},
    {.kind = JCL_CONST_CLASS, .pkg = 0, .name = "tp/A"},
    {.kind = JCL_CONST_METHOD, .cls = C_OBJECT, .name = "<init>", .desc = "()V"},
    {.kind = JCL_CONST_FIELD, .cls = C_A, .name = "x", .desc = "I"},
    {.kind = JCL_CONST_FIELD, .cls = C_A, .name = "r", .desc = "Ljava/lang/Object;"},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/Throwable"},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/Exception"},
    {.kind = JCL_CONST_CLASS, .pkg = 2, .name = "javacard/framework/APDU"},
    {.kind = JCL_CONST_METHOD, .cls = C_APDU, .name = "getBuffer", .desc = "()[B"},
    {.kind = JCL_CONST_CLASS, .pkg = 0, .name = "[S"},
    {.kind = JCL_CONST_CLASS, .pkg = 0, .name = "[B"},
    {.kind = JCL_CONST_CLASS, .pkg = 0, .name = "[I"},
    {.kind = JCL_CONST_METHOD, .cls = C_A, .name = "m", .desc = "(I)V"},
    {.kind = JCL_CONST_CLASS, .pkg = 0, .name = "tp/B"},
    {.kind = JCL_CONST_FIELD, .cls = C_B, .name = "y", .desc = "I"},
    {.kind = JCL_CONST_METHOD, .cls = C_A, .name = "<init>", .desc = "()V"},
    {.kind = JCL_CONST_CLASS, .pkg = 2, .name = "javacard/framework/ISOException"},
    {.kind = JCL_CONST_METHOD, .cls = C_ISOEX, .name = "throwIt", .desc = "(S)V"},
    {.kind = JCL_CONST_METHOD, .cls = C_A, .name = "get", .desc = "()I"},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/RuntimeException"},
    {.kind = JCL_CONST_METHOD, .cls = C_B, .name = "<init>", .desc = "()V"},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "[Ljava/lang/Object;"},
    {.kind = JCL_CONST_FIELD, .cls = C_A, .name = "s", .desc = "[B"},
    {.kind = JCL_CONST_METHOD, .cls = C_A, .name = "takes", .desc = "([S)V"},
    {.kind = JCL_CONST_METHOD, .cls = C_B, .name = "get", .desc = "()I"},
};

static const jcw_package imports[] = {
    {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01}}, "java/lang", 1, 0},
    {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x01, 0x01}}, "javacard/framework", 1, 0},
};

static const jcw_field a_fields[] = {
    {0x0001, "x", "I"}, {0x0001, "r", "Ljava/lang/Object;"}, {0x0009, "s", "[B"}};
static const jcw_field b_fields[] = {{0x0001, "y", "I"}};

/* Serialises the package with method m added to tp/A (tp/A has nothing else). */
static uint8_t *build(const jcw_method *m, size_t *len)
{
    jcw_class cls[2] = {
        {.name = "tp/A",
         .flags = 0x0021,
         .super = C_OBJECT,
         .nfields = 3,
         .fields = a_fields,
         .nmethods = 1,
         .methods = m},
        {.name = "tp/B", .flags = 0x0021, .super = C_A, .nfields = 1, .fields = b_fields},
    };
    jcw_file f = {.package = {{5, {0xF0, 1, 2, 3, 4}}, "tp", 1, 0},
                  .nimports = 2,
                  .imports = imports,
                  .nconsts = C_NCONSTS,
                  .consts = consts,
                  .nclasses = 2,
                  .classes = cls};
    uint8_t *out = NULL;
    char msg[200];
    seam_err e = jcw_write(&f, &out, len, msg, sizeof msg);
    if (e) {
        fprintf(stderr, "  jcw_write: %s\n", msg);
        return NULL;
    }
    return out;
}

/* Builds, parses and verifies one method; parsed tells whether the reader accepted it. */
static seam_err verify_method(const jcw_method *m, char *msg, size_t cap, bool *parsed)
{
    size_t n = 0;
    uint8_t *data = build(m, &n);
    *parsed = false;
    if (!data) return SEAM_E_ARG;
    seam_err e = parse_verify(data, n, &env_table, msg, cap, parsed);
    free(data);
    return e;
}

#define T(tag, arg)                                                                                \
    {                                                                                              \
        JCL_TYPE_##tag, (arg)                                                                      \
    }
static const jcw_type t_int[] = {T(INT, 0)}, t_int2[] = {T(INT, 0), T(INT, 0)};
static const jcw_type t_thr[] = {T(OBJECT, C_THROWABLE)};

typedef struct {
    const char *name; /* NULL: "t" */
    const char *desc;
    uint16_t flags; /* 0: public static */
    uint16_t max_stack, max_locals;
    const uint8_t *code;
    uint32_t code_len;
    const jcw_handler *handlers;
    uint16_t nhandlers;
    const jcw_frame *frames;
    uint16_t nframes;
} mcase;

static jcw_method mk(const mcase *c)
{
    return (jcw_method){.flags = c->flags ? c->flags : 0x0009,
                        .name = c->name ? c->name : "t",
                        .desc = c->desc,
                        .max_stack = c->max_stack,
                        .max_locals = c->max_locals,
                        .code_len = c->code_len,
                        .code = c->code,
                        .nhandlers = c->nhandlers,
                        .handlers = c->handlers,
                        .nframes = c->nframes,
                        .frames = c->frames};
}

static void expect_ok(const mcase *c, int line)
{
    jcw_method m = mk(c);
    char msg[400] = "";
    bool parsed;
    seam_err e = verify_method(&m, msg, sizeof msg, &parsed);
    if (e != SEAM_OK) {
        fprintf(stderr, "  line %d: expected OK, got %s: %s\n", line, seam_strerror(e), msg);
        check_failures++;
    }
}

/* Accepted by the reader, refused by the verifier with want and a message containing needle. */
static void expect_bad(const mcase *c, seam_err want, const char *needle, int line)
{
    jcw_method m = mk(c);
    char msg[400] = "";
    bool parsed;
    seam_err e = verify_method(&m, msg, sizeof msg, &parsed);
    if (!parsed) {
        fprintf(stderr, "  line %d: the reader refused it: %s\n", line, msg);
        check_failures++;
        return;
    }
    if (e != want || !strstr(msg, needle)) {
        fprintf(stderr, "  line %d: expected %s with '%s', got %s: '%s'\n", line,
                seam_strerror(want), needle, seam_strerror(e), msg);
        check_failures++;
    }
}

#define OK(...) expect_ok(&(mcase){__VA_ARGS__}, __LINE__)
#define BAD(needle, ...) expect_bad(&(mcase){__VA_ARGS__}, SEAM_E_FORMAT, needle, __LINE__)
#define CODE(...)                                                                                  \
    .code = (const uint8_t[]){__VA_ARGS__}, .code_len = sizeof((uint8_t[]){__VA_ARGS__})
#define FRAMES(...)                                                                                \
    .frames = (const jcw_frame[]){__VA_ARGS__},                                                    \
    .nframes = sizeof((jcw_frame[]){__VA_ARGS__}) / sizeof(jcw_frame)
#define HANDLERS(...)                                                                              \
    .handlers = (const jcw_handler[]){__VA_ARGS__},                                                \
    .nhandlers = sizeof((jcw_handler[]){__VA_ARGS__}) / sizeof(jcw_handler)

/* ---- positive hand-built cases -------------------------------------------------------------- */

static void test_valid_methods(void)
{
    /* constructor: super's <init>, then a field */
    OK(.name = "<init>", .desc = "()V", .flags = 0x0001, .max_stack = 2, .max_locals = 1,
       CODE(0x2a, 0xb7, 0, C_OBJ_INIT, 0x2a, 0x04, 0xb5, 0, C_A_X, 0xb1));
    /* putfield of its own field on uninitializedThis before super(), as javac does for this$0 */
    OK(.name = "<init>", .desc = "()V", .flags = 0x0001, .max_stack = 2, .max_locals = 1,
       CODE(0x2a, 0x04, 0xb5, 0, C_A_X, 0x2a, 0xb7, 0, C_OBJ_INIT, 0xb1));
    /* new A; dup; invokespecial A.<init>; iconst_1; invokevirtual A.m; return */
    OK(.desc = "()V", .max_stack = 3, .max_locals = 0,
       CODE(0xbb, 0, C_A, 0x59, 0xb7, 0, C_A_INIT, 0x04, 0xb6, 0, C_A_M, 0xb1));
    /* a field of A set on a B (subclass) */
    OK(.desc = "(Ltp/B;)V", .max_stack = 2, .max_locals = 1,
       CODE(0x2a, 0x04, 0xb5, 0, C_A_X, 0xb1));
    /* int arithmetic, i2b, i2s, i2c, ineg, iinc, int return of a short method */
    OK(.desc = "(SB)S", .max_stack = 2, .max_locals = 2,
       CODE(0x1a, 0x1b, 0x60, 0x91, 0x93, 0x92, 0x74, 0x3c, 0x84, 1, 1, 0x1b, 0xac));
    /* arrays: saload on short[], baload on byte[] from APDU.getBuffer, bastore, arraylength */
    OK(.desc = "([SLjavacard/framework/APDU;)I", .max_stack = 4, .max_locals = 3,
       CODE(0x2a, 0x03, 0x35, 0x57, 0x2b, 0xb6, 0, C_GETBUFFER, 0x4d, 0x2c, 0x03, 0x33, 0x57, 0x2c,
            0x03, 0x04, 0x54, 0x2c, 0xbe, 0xac));
    /* Object[]: aaload gives Object, aastore of null; anewarray A gives A[], assignable to
     * Object[] and Object */
    OK(.desc = "([Ljava/lang/Object;)Ljava/lang/Object;", .max_stack = 3, .max_locals = 1,
       CODE(0x2a, 0x03, 0x32, 0x57, 0x2a, 0x03, 0x01, 0x53, 0x04, 0xbd, 0, C_A, 0x4b, 0x2a, 0xb0));
    /* getstatic/putstatic of a byte[] field, newarray, null in a reference local */
    OK(.desc = "()V", .max_stack = 2, .max_locals = 1,
       CODE(0x10, 8, 0xbc, BC_T_BYTE, 0xb3, 0, C_A_S, 0xb2, 0, C_A_S, 0x4b, 0x01, 0x4b, 0xb1));
    /* throw an ISOException: the env walks ISOException -> ... -> Throwable */
    OK(.desc = "(Ljavacard/framework/ISOException;)V", .max_stack = 1, .max_locals = 1,
       CODE(0x2a, 0xbf));
    /* invokestatic with a short argument, then the dup family on category-1 values */
    OK(.desc = "()V", .max_stack = 6, .max_locals = 0,
       CODE(0x10, 0x6f, 0xb8, 0, C_THROWIT, 0x03, 0x04, 0x05, 0x5d, 0x58, 0x59, 0x5e, 0x58, 0x5f,
            0x5b, 0x5a, 0x58, 0x58, 0x58, 0xb1));
    /* checkcast Object -> A, instanceof */
    OK(.desc = "(Ljava/lang/Object;)I", .max_stack = 2, .max_locals = 1,
       CODE(0x2a, 0xc0, 0, C_A, 0xb6, 0, C_A_GET, 0x2a, 0xc1, 0, C_A, 0x60, 0xac));
    /* a handler: [0, 4) -> 4 catching Exception, frame locals [] stack [Exception] */
    OK(.desc = "()V", .max_stack = 1, .max_locals = 1, CODE(0x03, 0x3b, 0x00, 0xb1, 0x57, 0xb1),
       HANDLERS({0, 4, 4, C_EXCEPTION}),
       FRAMES({4, 0, 1, NULL, (const jcw_type[]){T(OBJECT, C_EXCEPTION)}}));
}

/* A join with an if: the state at the target must match the frame there. */
static void test_valid_branches(void)
{
    /* 0 iload_0; 1 ifeq ->7; 4 iconst_1; 5 istore_1; 6 nop; 7 iconst_0; 8 ireturn
     * frame at 7: locals [int] (local 1 is top there) */
    OK(.desc = "(I)I", .max_stack = 1, .max_locals = 2,
       CODE(0x1a, 0x99, 0, 6, 0x04, 0x3c, 0x00, 0x03, 0xac), FRAMES({7, 1, 0, t_int, NULL}));
    /* a loop: 0 iconst_0; 1 istore_0; 2 iload_0; 3 ifne ->9; 6 goto ->2; 9 return
     * frames at 2 (locals [int]) and 9 */
    OK(.desc = "()V", .max_stack = 1, .max_locals = 1,
       CODE(0x03, 0x3b, 0x1a, 0x9a, 0, 6, 0xa7, 0xff, 0xfc, 0xb1),
       FRAMES({2, 1, 0, t_int, NULL}, {9, 1, 0, t_int, NULL}));
    /* tableswitch 0..1 at pc 1 (padding 2 bytes) -> 20, 21, default 20; lookupswitch likewise */
    OK(.desc = "(I)V", .max_stack = 1, .max_locals = 1,
       CODE(0x1a, 0xaa, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 24, 0xb1,
            0xb1),
       FRAMES({24, 1, 0, t_int, NULL}, {25, 1, 0, t_int, NULL}));
    OK(.desc = "(I)V", .max_stack = 1, .max_locals = 1,
       CODE(0x1a, 0xab, 0, 0, 0, 0, 0, 19, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 20, 0xb1, 0xb1),
       FRAMES({20, 1, 0, t_int, NULL}, {21, 1, 0, t_int, NULL}));
}

/* ---- negative hand-built cases -------------------------------------------------------------- */

static void test_stack_depth(void)
{
    BAD("stack underflow", .desc = "()V", .max_stack = 1, CODE(0x57, 0xb1));
    BAD("stack overflow (max_stack 1)", .desc = "()V", .max_stack = 1,
        CODE(0x03, 0x03, 0x57, 0x57, 0xb1));
    BAD("stack underflow", .desc = "()V", .max_stack = 2, CODE(0x03, 0x5e, 0xb1));
    /* invoke with too few arguments */
    BAD("stack underflow (invokestatic of throwIt(S)V)", .desc = "()V", .max_stack = 1,
        CODE(0xb8, 0, C_THROWIT, 0xb1));
}

static void test_type_confusion(void)
{
    /* int used as a reference */
    BAD("getfield receiver: int is not assignable to tp/A", .desc = "()V", .max_stack = 1,
        CODE(0x03, 0xb4, 0, C_A_X, 0x57, 0xb1));
    BAD("arraylength on int", .desc = "()V", .max_stack = 1, CODE(0x03, 0xbe, 0x57, 0xb1));
    BAD("receiver: int is not assignable to tp/A", .desc = "()V", .max_stack = 2,
        CODE(0x03, 0x04, 0xb6, 0, C_A_M, 0xb1));
    /* reference used as int */
    BAD("expected int on the stack, found java/lang/Object", .desc = "(Ljava/lang/Object;)V",
        .max_stack = 2, .max_locals = 1, CODE(0x2a, 0x04, 0x60, 0x57, 0xb1));
    BAD("iload of local 0, which holds tp/A", .desc = "(Ltp/A;)V", .max_stack = 1, .max_locals = 1,
        CODE(0x1a, 0x57, 0xb1));
    BAD("aload of local 0, which holds int", .desc = "(I)V", .max_stack = 1, .max_locals = 1,
        CODE(0x2a, 0x57, 0xb1));
    /* a store changes the local's type */
    BAD("iload of local 0, which holds null", .desc = "(I)V", .max_stack = 1, .max_locals = 1,
        CODE(0x01, 0x4b, 0x1a, 0x57, 0xb1));
    BAD("newarray of type 5 is not in the Java Card subset", .desc = "()V", .max_stack = 1,
        CODE(0x03, 0xbc, BC_T_CHAR, 0x57, 0xb1));
    BAD("caload is not in the Java Card subset", .desc = "()V", .max_stack = 2,
        CODE(0x01, 0x03, 0x34, 0x57, 0xb1));
    BAD("iinc of local 0, which holds tp/A", .desc = "(Ltp/A;)V", .max_locals = 1,
        CODE(0x84, 0, 1, 0xb1));
    BAD("expected a reference on the stack, found int", .desc = "()V", .max_stack = 2,
        CODE(0x03, 0x03, 0xa5, 0, 3, 0xb1), FRAMES({5, 0, 0, NULL, NULL}));
    BAD("expected a reference on the stack, found int", .desc = "()V", .max_stack = 1,
        CODE(0x03, 0xc6, 0, 3, 0xb1), FRAMES({4, 0, 0, NULL, NULL}));
    BAD("expected an initialized reference on the stack, found int", .desc = "()V", .max_stack = 1,
        CODE(0x03, 0xc0, 0, C_A, 0x57, 0xb1));
}

static void test_locals(void)
{
    BAD("iload of local 1, which holds top", .desc = "()I", .max_stack = 1, .max_locals = 2,
        CODE(0x1b, 0xac));
    BAD("aload of local 0, which holds top", .desc = "()V", .max_stack = 1, .max_locals = 1,
        CODE(0x2a, 0x57, 0xb1));
}

static void test_returns(void)
{
    BAD("return in a method that returns a value", .desc = "()I", .max_stack = 1, CODE(0x03, 0xb1));
    BAD("ireturn in a void method", .desc = "()V", .max_stack = 1, CODE(0x03, 0xac));
    BAD("areturn: int is not assignable to java/lang/Object", .desc = "()Ljava/lang/Object;",
        .max_stack = 1, CODE(0x03, 0xb0));
    BAD("ireturn in a method returning a reference", .desc = "()Ltp/A;", .max_stack = 1,
        CODE(0x03, 0xac));
    BAD("areturn: java/lang/Object is not assignable to tp/A", .desc = "(Ljava/lang/Object;)Ltp/A;",
        .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb0));
    BAD("falls off the end", .desc = "()V", .max_stack = 1, CODE(0x03, 0x57));
}

static void test_frames(void)
{
    /* 0 iload_0; 1 ifeq ->5; 4 return; 5 return: frame at 5 wants local 1 int, it is top */
    BAD("branch: frame at pc 5: local 1: top is not assignable to int", .desc = "(I)V",
        .max_stack = 1, .max_locals = 2, CODE(0x1a, 0x99, 0, 4, 0xb1, 0xb1),
        FRAMES({5, 2, 0, t_int2, NULL}));
    /* the stack at the branch must match too */
    BAD("branch: frame at pc 6 has 0 stack entries, the state 1", .desc = "(I)V", .max_stack = 2,
        .max_locals = 1, CODE(0x03, 0x1a, 0x99, 0, 4, 0xb1, 0x57, 0xb1),
        FRAMES({6, 1, 0, t_int, NULL}));
    /* fall through into a frame that does not fit */
    BAD("fall through: frame at pc 1: local 0: int is not assignable to tp/A", .desc = "(I)V",
        .max_stack = 1, .max_locals = 1, CODE(0x00, 0xb1),
        FRAMES({1, 1, 0, (const jcw_type[]){T(OBJECT, C_A)}, NULL}));
    /* code after return (or goto) needs a frame */
    BAD("no stack map frame after an unconditional branch", .desc = "()V", CODE(0xb1, 0xb1));
    BAD("branch target pc 3 has no stack map frame", .desc = "()V", CODE(0xa7, 0, 3, 0xb1));
    BAD("no stack map frame after an unconditional branch", .desc = "()V", .max_stack = 1,
        CODE(0x01, 0xbf, 0xb1));
    /* tableswitch to a pc without a frame */
    BAD("branch target pc 25 has no stack map frame", .desc = "(I)V", .max_stack = 1,
        .max_locals = 1,
        CODE(0x1a, 0xaa, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 24, 0xb1,
             0xb1),
        FRAMES({24, 1, 0, t_int, NULL}));
    /* a subclass frame type accepts the subclass, not the superclass */
    BAD("local 0: tp/A is not assignable to tp/B", .desc = "(Ltp/A;)V", .max_locals = 1,
        CODE(0x00, 0xb1), FRAMES({1, 1, 0, (const jcw_type[]){T(OBJECT, C_B)}, NULL}));
    OK(.desc = "(Ltp/B;)V", .max_locals = 1, CODE(0x00, 0xb1),
       FRAMES({1, 1, 0, (const jcw_type[]){T(OBJECT, C_A)}, NULL}));
}

static void test_handlers(void)
{
    /* 0 nop; 1 return; 2 athrow; handler [0,1) -> 2 */
    BAD("handler: frame at pc 2: stack 0: java/lang/Throwable is not assignable to int",
        .desc = "()V", .max_stack = 1, CODE(0x00, 0xb1, 0xbf), HANDLERS({0, 1, 2, 0}),
        FRAMES({2, 0, 1, NULL, t_int}));
    BAD("frame stack has 0 entries, not 1", .desc = "()V", .max_stack = 1, CODE(0x00, 0xb1, 0xb1),
        HANDLERS({0, 1, 2, 0}), FRAMES({2, 0, 0, NULL, NULL}));
    BAD("exception handler: frame at pc 2: local 0: top is not assignable to int", .desc = "()V",
        .max_stack = 1, .max_locals = 1, CODE(0x00, 0xb1, 0xbf), HANDLERS({0, 1, 2, 0}),
        FRAMES({2, 1, 1, t_int, t_thr}));
    /* the handler sees the locals before each instruction of its range: the istore at 1 is
     * covered and local 0 is still top there */
    BAD("exception handler: frame at pc 4: local 0", .desc = "()V", .max_stack = 1, .max_locals = 1,
        CODE(0x03, 0x3b, 0x00, 0xb1, 0xbf), HANDLERS({1, 3, 4, 0}),
        FRAMES({4, 1, 1, t_int, t_thr}));
    OK(.desc = "()V", .max_stack = 1, .max_locals = 1, CODE(0x03, 0x3b, 0x00, 0xb1, 0xbf),
       HANDLERS({2, 3, 4, 0}), FRAMES({4, 1, 1, t_int, t_thr}));
    BAD("handler at pc 2 has no stack map frame", .desc = "()V", CODE(0x00, 0xb1, 0xb1),
        HANDLERS({0, 1, 2, 0}));
    BAD("catch type tp/A is not a Throwable", .desc = "()V", .max_stack = 1, CODE(0x00, 0xb1, 0xbf),
        HANDLERS({0, 1, 2, C_A}), FRAMES({2, 0, 1, NULL, (const jcw_type[]){T(OBJECT, C_A)}}));
    /* a handler for Exception must not claim RuntimeException on its stack */
    BAD("stack 0: java/lang/Exception is not assignable to java/lang/RuntimeException",
        .desc = "()V", .max_stack = 1, CODE(0x00, 0xb1, 0xbf), HANDLERS({0, 1, 2, C_EXCEPTION}),
        FRAMES({2, 0, 1, NULL, (const jcw_type[]){T(OBJECT, C_RUNTIME)}}));
}

static void test_throw(void)
{
    BAD("athrow: java/lang/Object is not assignable to java/lang/Throwable",
        .desc = "(Ljava/lang/Object;)V", .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xbf));
    BAD("athrow: int is not assignable", .desc = "()V", .max_stack = 1, CODE(0x03, 0xbf));
    OK(.desc = "()V", .max_stack = 1, CODE(0x01, 0xbf));
}

static void test_init(void)
{
    /* new A; invokevirtual A.m on it before <init> */
    BAD("receiver: uninitialized(0) is not assignable to tp/A", .desc = "()V", .max_stack = 3,
        CODE(0xbb, 0, C_A, 0x59, 0x04, 0xb6, 0, C_A_M, 0xb1));
    /* getfield on it */
    BAD("getfield receiver: uninitialized(0)", .desc = "()V", .max_stack = 2,
        CODE(0xbb, 0, C_A, 0xb4, 0, C_A_X, 0x57, 0xb1));
    /* <init> of the wrong class on a new A */
    BAD("<init> of java/lang/Object on an object created as tp/A", .desc = "()V", .max_stack = 2,
        CODE(0xbb, 0, C_A, 0xb7, 0, C_OBJ_INIT, 0xb1));
    /* <init> on an initialized object */
    BAD("<init> on tp/A, not an uninitialized object", .desc = "(Ltp/A;)V", .max_stack = 1,
        .max_locals = 1, CODE(0x2a, 0xb7, 0, C_A_INIT, 0xb1));
    /* constructor returning without calling super's <init> */
    BAD("constructor returns before calling super's or this's <init>", .name = "<init>",
        .desc = "()V", .flags = 0x0001, .max_locals = 1, CODE(0xb1));
    /* constructor calling <init> of a subclass instead of its superclass */
    BAD("neither this class nor its superclass", .name = "<init>", .desc = "()V", .flags = 0x0001,
        .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb7, 0, C_B_INIT, 0xb1));
    /* this used as an initialized object before super() */
    BAD("receiver: uninitializedThis is not assignable to tp/A", .name = "<init>", .desc = "()V",
        .flags = 0x0001, .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x04, 0xb6, 0, C_A_M, 0x2a, 0xb7, 0, C_OBJ_INIT, 0xb1));
    /* putfield of another class's field on uninitializedThis */
    BAD("putfield receiver: uninitializedThis is not assignable to tp/B", .name = "<init>",
        .desc = "()V", .flags = 0x0001, .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x04, 0xb5, 0, C_B_Y, 0x2a, 0xb7, 0, C_OBJ_INIT, 0xb1));
    /* a new whose frame already holds its uninitialized type on the stack */
    BAD("new: the stack already holds uninitialized(1)", .desc = "()V", .max_stack = 2,
        CODE(0xb1, 0xbb, 0, C_A, 0x57, 0x57, 0xb1),
        FRAMES({1, 0, 1, NULL, (const jcw_type[]){T(UNINIT, 1)}}));
    /* the uninitialized object survives in a local; after <init> every copy is initialized */
    OK(.desc = "()V", .max_stack = 2, .max_locals = 1,
       CODE(0xbb, 0, C_A, 0x59, 0x4b, 0xb7, 0, C_A_INIT, 0x2a, 0x04, 0xb6, 0, C_A_M, 0xb1));
    /* a handler covering the super() call of a constructor must keep this uninitialized */
    BAD("exception handler: frame at pc 5: this is initialized there but not here",
        .name = "<init>", .desc = "()V", .flags = 0x0001, .max_stack = 1, .max_locals = 1,
        CODE(0x2a, 0xb7, 0, C_OBJ_INIT, 0xb1, 0xbf), HANDLERS({0, 4, 5, 0}),
        FRAMES({5, 0, 1, NULL, t_thr}));
    OK(.name = "<init>", .desc = "()V", .flags = 0x0001, .max_stack = 1, .max_locals = 1,
       CODE(0x2a, 0xb7, 0, C_OBJ_INIT, 0xb1, 0xbf), HANDLERS({0, 4, 5, 0}),
       FRAMES({5, 1, 1, (const jcw_type[]){T(UNINIT_THIS, 0)}, t_thr}));
}

static void test_fields(void)
{
    BAD("putfield receiver: java/lang/Object is not assignable to tp/A",
        .desc = "(Ljava/lang/Object;)V", .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x04, 0xb5, 0, C_A_X, 0xb1));
    BAD("putfield receiver: tp/A is not assignable to tp/B", .desc = "(Ltp/A;)V", .max_stack = 2,
        .max_locals = 1, CODE(0x2a, 0x04, 0xb5, 0, C_B_Y, 0xb1));
    BAD("putfield value: null is not assignable to int", .desc = "(Ltp/A;)V", .max_stack = 2,
        .max_locals = 1, CODE(0x2a, 0x01, 0xb5, 0, C_A_X, 0xb1));
    BAD("putstatic value: short[] is not assignable to byte[]", .desc = "([S)V", .max_stack = 1,
        .max_locals = 1, CODE(0x2a, 0xb3, 0, C_A_S, 0xb1));
    BAD("putfield value: int is not assignable to java/lang/Object", .desc = "(Ltp/A;)V",
        .max_stack = 2, .max_locals = 1, CODE(0x2a, 0x03, 0xb5, 0, C_A_R, 0xb1));
}

static void test_arrays(void)
{
    BAD("baload on short[]", .desc = "([S)V", .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x03, 0x33, 0x57, 0xb1));
    BAD("saload on byte[]", .desc = "([B)V", .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x03, 0x35, 0x57, 0xb1));
    BAD("iastore on short[]", .desc = "([S)V", .max_stack = 3, .max_locals = 1,
        CODE(0x2a, 0x03, 0x03, 0x4f, 0xb1));
    BAD("aaload on int[], not an array of references", .desc = "([I)V", .max_stack = 2,
        .max_locals = 1, CODE(0x2a, 0x03, 0x32, 0x57, 0xb1));
    BAD("aastore on int[], not an array of references", .desc = "([I)V", .max_stack = 3,
        .max_locals = 1, CODE(0x2a, 0x03, 0x01, 0x53, 0xb1));
    BAD("expected an initialized reference on the stack, found int",
        .desc = "([Ljava/lang/Object;)V", .max_stack = 3, .max_locals = 1,
        CODE(0x2a, 0x03, 0x03, 0x53, 0xb1));
    BAD("baload on tp/A", .desc = "(Ltp/A;)V", .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x03, 0x33, 0x57, 0xb1));
    BAD("expected int on the stack, found null", .desc = "([B)V", .max_stack = 2, .max_locals = 1,
        CODE(0x2a, 0x01, 0x33, 0x57, 0xb1));
    /* arrays are assignable by element: byte[] is not short[], A[] is Object[] */
    BAD("argument 1: byte[] is not assignable to short[]", .desc = "([B)V", .max_stack = 1,
        .max_locals = 1, CODE(0x2a, 0xb8, 0, C_A_TAKES, 0xb1));
    BAD("areturn: java/lang/Object[] is not assignable to tp/A[]",
        .desc = "([Ljava/lang/Object;)[Ltp/A;", .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb0));
    OK(.desc = "([Ltp/B;)[Ljava/lang/Object;", .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb0));
    BAD("areturn: byte[] is not assignable to tp/A", .desc = "([B)Ltp/A;", .max_stack = 1,
        .max_locals = 1, CODE(0x2a, 0xb0));
    OK(.desc = "([B)Ljava/lang/Object;", .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb0));
    OK(.desc = "()[Ltp/A;", .max_stack = 1, CODE(0x01, 0xb0));
}

static void test_invoke_args(void)
{
    BAD("argument 1: null is not assignable to int", .desc = "(Ltp/A;)V", .max_stack = 2,
        .max_locals = 1, CODE(0x2a, 0x01, 0xb6, 0, C_A_M, 0xb1));
    BAD("argument 1: tp/A is not assignable to int", .desc = "(Ltp/A;)V", .max_stack = 2,
        .max_locals = 1, CODE(0x2a, 0x2a, 0xb6, 0, C_A_M, 0xb1));
    BAD("receiver: java/lang/Object is not assignable to javacard/framework/APDU",
        .desc = "(Ljava/lang/Object;)V", .max_stack = 1, .max_locals = 1,
        CODE(0x2a, 0xb6, 0, C_GETBUFFER, 0x57, 0xb1));
    /* the return type is pushed: getBuffer gives byte[], not an int */
    BAD("expected int on the stack, found byte[]", .desc = "(Ljavacard/framework/APDU;)I",
        .max_stack = 1, .max_locals = 1, CODE(0x2a, 0xb6, 0, C_GETBUFFER, 0xac));
    /* invokespecial of a method that is not this class's or a superclass's (B is below A) */
    BAD("invokespecial of tp/B.get, not this class or a superclass", .desc = "(Ltp/A;)V",
        .flags = 0x0001, .max_stack = 1, .max_locals = 2, CODE(0x2a, 0xb7, 0, C_B_GET, 0x57, 0xb1));
    /* invokespecial of this class's method (a private method) on this, not on another A */
    OK(.desc = "(Ltp/A;)V", .flags = 0x0001, .max_stack = 1, .max_locals = 2,
       CODE(0x2a, 0xb7, 0, C_A_GET, 0x57, 0xb1));
    BAD("invokespecial receiver: java/lang/Object is not assignable to tp/A",
        .desc = "(Ljava/lang/Object;)V", .flags = 0x0001, .max_stack = 1, .max_locals = 2,
        CODE(0x2b, 0xb7, 0, C_A_GET, 0x57, 0xb1));
}

/* A class of another package the environment does not know: SEAM_E_NOT_FOUND naming it. */
static void test_unknown_class(void)
{
    expect_bad(&(mcase){.desc = "(Ljavacard/framework/Nope;)V",
                        .max_stack = 1,
                        .max_locals = 1,
                        CODE(0x2a, 0xbf)},
               SEAM_E_NOT_FOUND, "javacard/framework/Nope is unknown", __LINE__);
}

static void test_api_errors(void)
{
    jcw_method m = mk(&(mcase){.desc = "()V", CODE(0xb1)});
    size_t n = 0;
    uint8_t *data = build(&m, &n);
    REQUIRE(data);
    size_t ac = jcl_arena_bound(n);
    void *arena = malloc(ac);
    const jcl_file *f = NULL;
    REQUIRE(jcl_parse(data, n, arena, ac, &f, NULL, 0) == SEAM_OK);
    char msg[200];
    size_t vc = jcv_arena_bound(f);
    void *va = malloc(vc);
    CHECK(jcv_verify(f, &env_table, va, vc, msg, sizeof msg) == SEAM_OK);
    CHECK(jcv_verify(NULL, &env_table, va, vc, msg, sizeof msg) == SEAM_E_ARG);
    CHECK(jcv_verify(f, NULL, va, vc, msg, sizeof msg) == SEAM_E_ARG);
    CHECK(jcv_verify(f, &env_table, NULL, 8, msg, sizeof msg) == SEAM_E_ARG);
    /* an arena too small for the method's state */
    m = mk(&(mcase){.desc = "()V", .max_stack = 4, .max_locals = 4, CODE(0xb1)});
    free(data);
    free(arena);
    data = build(&m, &n);
    REQUIRE(data);
    ac = jcl_arena_bound(n);
    arena = malloc(ac);
    REQUIRE(jcl_parse(data, n, arena, ac, &f, NULL, 0) == SEAM_OK);
    CHECK(jcv_verify(f, &env_table, va, 16, msg, sizeof msg) == SEAM_E_NOMEM);
    CHECK(jcv_verify(f, &env_table, NULL, 0, msg, sizeof msg) == SEAM_E_NOMEM);
    CHECK(jcv_arena_bound(f) >= 8 * 16);
    free(va);
    va = malloc(jcv_arena_bound(f));
    CHECK(jcv_verify(f, &env_table, va, jcv_arena_bound(f), NULL, 0) == SEAM_OK);
    /* a tiny message buffer is fine */
    free(va);
    free(data);
    free(arena);
}

/* ---- real packages -------------------------------------------------------------------------- */

static const char *build_dir(void)
{
    const char *b = getenv("SEAM_BUILD");
    return b ? b : "build";
}

static const struct {
    const char *name, *aid;
} api_pkgs[] = {
    {"java/lang", JCL_AID_JAVA_LANG},
    {"javacard/framework", JCL_AID_JAVACARD_FRAMEWORK},
    {"javacardx/apdu", JCL_AID_JAVACARDX_APDU},
};
#define NAPI (sizeof api_pkgs / sizeof api_pkgs[0])

typedef struct {
    uint8_t *data[NAPI];
    size_t len[NAPI];
    void *arena[NAPI];
    env_files ef;
} api_set;

static void api_free(api_set *s)
{
    for (size_t i = 0; i < NAPI; i++) {
        free(s->data[i]);
        free(s->arena[i]);
    }
}

static char api_dir[512];

/* Converts and parses the three API packages. */
static bool api_load(api_set *s)
{
    memset(s, 0, sizeof *s);
    snprintf(api_dir, sizeof api_dir, "%s/jc/api-classes", build_dir());
    for (size_t i = 0; i < NAPI; i++) {
        char dir[700], msg[2000];
        snprintf(dir, sizeof dir, "%s/%s", api_dir, api_pkgs[i].name);
        jcc_options o;
        memset(&o, 0, sizeof o);
        o.package_aid.len = 7;
        memcpy(o.package_aid.b, api_pkgs[i].aid, 7);
        o.major = 1;
        o.api_dir = api_dir;
        seam_err e = jcc_convert_dir(dir, &o, &s->data[i], &s->len[i], msg, sizeof msg);
        if (e) {
            fprintf(stderr, "  convert %s: %s\n%s\n", dir, seam_strerror(e), msg);
            return false;
        }
        size_t ac = jcl_arena_bound(s->len[i]);
        s->arena[i] = malloc(ac);
        const jcl_file *f;
        e = jcl_parse(s->data[i], s->len[i], s->arena[i], ac, &f, msg, sizeof msg);
        if (e) {
            fprintf(stderr, "  parse %s: %s\n", api_pkgs[i].name, msg);
            return false;
        }
        s->ef.files[s->ef.n++] = f;
    }
    return true;
}

static void test_api_packages(void)
{
    api_set s;
    bool ok = api_load(&s);
    CHECK(ok);
    jcv_env env = {env_lookup, &s.ef};
    for (size_t i = 0; ok && i < NAPI; i++) {
        char msg[400] = "";
        size_t vc = jcv_arena_bound(s.ef.files[i]);
        void *va = malloc(vc);
        seam_err e = jcv_verify(s.ef.files[i], &env, va, vc, msg, sizeof msg);
        if (e) fprintf(stderr, "  %s: %s: %s\n", api_pkgs[i].name, seam_strerror(e), msg);
        CHECK(e == SEAM_OK);
        free(va);
    }
    api_free(&s);
}

static void test_rom(void)
{
    api_set s;
    bool ok = api_load(&s);
    CHECK(ok);
    jcv_env env = {env_lookup, &s.ef};
    CHECK(jcvm_rom_npkgs >= 3);
    for (size_t i = 0; ok && i < jcvm_rom_npkgs; i++) {
        char msg[400] = "";
        bool parsed;
        seam_err e = parse_verify(jcvm_rom_pkgs[i].data, jcvm_rom_pkgs[i].len, &env, msg,
                                  sizeof msg, &parsed);
        if (e) fprintf(stderr, "  ROM %s: %s: %s\n", jcvm_rom_pkgs[i].name, seam_strerror(e), msg);
        CHECK(parsed && e == SEAM_OK);
    }
    api_free(&s);
}

/* The echo test package, converted; *data is malloc'd. */
static bool echo_load(uint8_t **data, size_t *len)
{
    char dir[600], msg[2000];
    snprintf(api_dir, sizeof api_dir, "%s/jc/api-classes", build_dir());
    snprintf(dir, sizeof dir, "%s/tests/jcconvert", build_dir());
    jcc_applet ap = {"Echo", {7, {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01}}};
    jcc_options o = {.package_aid = {6, {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01}},
                     .major = 1,
                     .applets = &ap,
                     .napplets = 1,
                     .api_dir = api_dir};
    seam_err e = jcc_convert_dir(dir, &o, data, len, msg, sizeof msg);
    if (e) fprintf(stderr, "  convert %s: %s\n%s\n", dir, seam_strerror(e), msg);
    return e == SEAM_OK;
}

static void test_echo_package(void)
{
    api_set s;
    bool ok = api_load(&s);
    CHECK(ok);
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(echo_load(&data, &len));
    if (ok && data) {
        jcv_env env = {env_lookup, &s.ef};
        char msg[400] = "";
        bool parsed;
        seam_err e = parse_verify(data, len, &env, msg, sizeof msg, &parsed);
        if (e) fprintf(stderr, "  echo: %s: %s\n", seam_strerror(e), msg);
        CHECK(parsed && e == SEAM_OK);
        /* without the API classes, the hierarchy of javacard/framework is unknown or partial:
         * a clean error or OK, nothing else */
        e = parse_verify(data, len, &(jcv_env){env_lookup, NULL}, msg, sizeof msg, &parsed);
        CHECK(e == SEAM_OK || e == SEAM_E_NOT_FOUND);
    }
    free(data);
    /* seam's own echo applet, when it has been built */
    char path[600];
    snprintf(path, sizeof path, "%s/applets/echo.jcl", build_dir());
    FILE *fp = fopen(path, "rb");
    if (fp && ok) {
        uint8_t *buf = malloc(1 << 16);
        size_t n = fread(buf, 1, 1 << 16, fp);
        jcv_env env = {env_lookup, &s.ef};
        char msg[400] = "";
        bool parsed;
        seam_err e = parse_verify(buf, n, &env, msg, sizeof msg, &parsed);
        if (e) fprintf(stderr, "  %s: %s: %s\n", path, seam_strerror(e), msg);
        CHECK(parsed && e == SEAM_OK);
        free(buf);
    }
    if (fp) fclose(fp);
    api_free(&s);
}

/* ---- robustness ----------------------------------------------------------------------------- */

static uint32_t rng_state = 0x2545F491u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random mutations of one valid method's code (with its frames and a handler), through the
 * writer and the reader: whatever the reader lets through, the verifier must answer cleanly. */
static void test_mutated_code(void)
{
    static const uint8_t base[] = {
        0x03, 0x3c,                        /* 0 iconst_0; istore_1 */
        0x1b, 0x99, 0,        14,          /* 2 iload_1; ifeq ->17 */
        0xbb, 0,    C_A,      0x59,        /* 6 new A; dup */
        0xb7, 0,    C_A_INIT, 0x4d,        /* 10 invokespecial A.<init>; astore_2 */
        0x00, 0x00, 0x00,                  /* 14 nop x3 */
        0x2a, 0xb4, 0,        C_A_X, 0x3c, /* 17 aload_0 getfield A.x istore_1 */
        0x84, 1,    1,        0x1b,  0xac, /* 22 iinc 1 1; iload_1; ireturn */
        0x57, 0x03, 0xac,                  /* 27 pop; iconst_0; ireturn (handler) */
    };
    static const jcw_type l1[] = {T(OBJECT, C_A), T(INT, 0)};
    static const jcw_frame frames[] = {{17, 2, 0, l1, NULL}, {27, 1, 1, l1, t_thr}};
    static const jcw_handler hs[] = {{17, 27, 27, 0}};
    uint8_t code[sizeof base];
    unsigned parsed_n = 0, ok_n = 0;
    for (int it = 0; it < 20000; it++) {
        memcpy(code, base, sizeof base);
        unsigned nm = 1 + rnd() % 4;
        for (unsigned k = 0; k < nm; k++) {
            uint32_t r = rnd();
            code[r % sizeof code] = (uint8_t)(r >> 8);
        }
        jcw_method m = {.flags = 0x0009,
                        .name = "t",
                        .desc = "(Ltp/A;)I",
                        .max_stack = 3,
                        .max_locals = 3,
                        .code_len = sizeof code,
                        .code = code,
                        .nhandlers = 1,
                        .handlers = hs,
                        .nframes = 2,
                        .frames = frames};
        if (it == 0) memcpy(code, base, sizeof base);
        char msg[300];
        bool parsed;
        seam_err e = verify_method(&m, msg, sizeof msg, &parsed);
        if (it == 0) {
            if (e) fprintf(stderr, "  base method: %s\n", msg);
            CHECK(parsed && e == SEAM_OK);
        }
        if (!parsed) continue;
        parsed_n++;
        CHECK(e == SEAM_OK || e == SEAM_E_FORMAT || e == SEAM_E_NOT_FOUND);
        if (e == SEAM_OK) ok_n++;
    }
    fprintf(stderr, "    %u mutants parsed, %u verified\n", parsed_n, ok_n);
    CHECK(parsed_n > 100);
}

/* Random byte mutations of the echo load file's CLASSES section. */
static void test_mutated_file(void)
{
    api_set s;
    bool ok = api_load(&s);
    uint8_t *data = NULL;
    size_t len = 0;
    if (!ok || !echo_load(&data, &len)) {
        CHECK(false);
        api_free(&s);
        free(data);
        return;
    }
    /* find the CLASSES section */
    size_t off = 6, cls_lo = 0, cls_hi = 0;
    while (off + 5 <= len) {
        uint32_t sl = seam_be32(data + off + 1);
        if (data[off] == JCL_SEC_CLASSES) {
            cls_lo = off + 5;
            cls_hi = off + 5 + sl;
        }
        off += 5 + sl;
    }
    REQUIRE(cls_hi > cls_lo && cls_hi <= len);
    jcv_env env = {env_lookup, &s.ef};
    uint8_t *mut = malloc(len);
    unsigned parsed_n = 0;
    for (int it = 0; it < 4000; it++) {
        memcpy(mut, data, len);
        unsigned nm = 1 + rnd() % 3;
        for (unsigned k = 0; k < nm; k++) {
            uint32_t r = rnd();
            mut[cls_lo + r % (cls_hi - cls_lo)] = (uint8_t)(rnd() >> 5);
        }
        char msg[300];
        bool parsed;
        seam_err e = parse_verify(mut, len, &env, msg, sizeof msg, &parsed);
        if (!parsed) continue;
        parsed_n++;
        CHECK(e == SEAM_OK || e == SEAM_E_FORMAT || e == SEAM_E_NOT_FOUND);
    }
    fprintf(stderr, "    %u file mutants parsed\n", parsed_n);
    free(mut);
    free(data);
    api_free(&s);
}

int main(void)
{
    RUN(test_valid_methods);
    RUN(test_valid_branches);
    RUN(test_stack_depth);
    RUN(test_type_confusion);
    RUN(test_locals);
    RUN(test_returns);
    RUN(test_frames);
    RUN(test_handlers);
    RUN(test_throw);
    RUN(test_init);
    RUN(test_fields);
    RUN(test_arrays);
    RUN(test_invoke_args);
    RUN(test_unknown_class);
    RUN(test_api_errors);
    RUN(test_api_packages);
    RUN(test_rom);
    RUN(test_echo_package);
    RUN(test_mutated_code);
    RUN(test_mutated_file);
    return check_summary();
}
