/*
 * Tests for the class file parser and bytecode walker (include/seam/classfile.h).
 *
 * The positive tests parse class files that javac 17 compiles with -source 8 -target 8 from
 * the Java sources in tests/jc/classfile/cftest at build time (tests/jc/classfile/CMakeLists.txt)
 * into $SEAM_BUILD/tests/classfile. Expected values (counts, names, descriptors, max_stack,
 * max_locals, code lengths, exception tables, stack map frame offsets) were read from
 * `javap -v -p` output for the same classes. The negative tests patch a good class file at
 * known places (and truncate it at every length) and require SEAM_E_FORMAT with a message.
 */
#include <math.h>
#include <stdbool.h>

#include "check.h"
#include "seam/classfile.h"

static uint8_t *load(const char *name, size_t *len)
{
    const char *b = getenv("SEAM_BUILD");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/classfile/cftest/%s.class", b ? b : "build", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot open %s (set SEAM_BUILD to the build directory)\n", path);
        return NULL;
    }
    uint8_t *buf = malloc(1 << 16);
    *len = buf ? fread(buf, 1, 1 << 16, f) : 0;
    fclose(f);
    return buf;
}

static const cf_method *method(const cf_class *c, const char *name)
{
    for (unsigned i = 0; i < c->nmethods; i++)
        if (strcmp(c->methods[i].name, name) == 0) return &c->methods[i];
    return NULL;
}

static bool vt_is(const cf_vtype *v, uint8_t tag, const char *name)
{
    if (v->tag != tag) return false;
    if (!name) return true;
    return v->name_len == strlen(name) && memcmp(v->name, name, v->name_len) == 0;
}

/* Walks a method's code; returns the number of instructions, or -1 on an error. */
static int walk_count(const cf_code *code)
{
    bc_walker w;
    bc_insn in;
    int n = 0;
    seam_err e;
    bc_walk_init(&w, code->code, code->code_len);
    while ((e = bc_walk_next(&w, &in, NULL, 0)) == SEAM_OK)
        n++;
    return e == SEAM_E_NOT_FOUND && w.pc == code->code_len ? n : -1;
}

static void test_kitchen(void)
{
    size_t len;
    uint8_t *buf = load("Kitchen", &len);
    REQUIRE(buf);
    cf_class *c = NULL;
    char msg[256];
    seam_err e = cf_parse(buf, len, &c, msg, sizeof msg);
    if (e) fprintf(stderr, "  %s\n", msg);
    free(buf); /* the class owns a copy */
    REQUIRE(e == SEAM_OK && c);
    CHECK_EQ(c->major, 52);
    CHECK_EQ(c->minor, 0);
    CHECK_EQ(c->cp_count, 107);
    CHECK_EQ(c->access, CF_ACC_PUBLIC | CF_ACC_SUPER);
    CHECK(strcmp(c->name, "cftest/Kitchen") == 0);
    CHECK(strcmp(c->super_name, "java/lang/Object") == 0);
    REQUIRE(c->ninterfaces == 1);
    CHECK(strcmp(cf_class_name(c, c->interfaces[0]), "cftest/Shape") == 0);
    CHECK(cf_utf8(c, 4) && strcmp(cf_utf8(c, 4), "java/lang/Object") == 0);
    CHECK(cf_utf8(c, 1) == NULL && cf_utf8(c, 0) == NULL && cf_utf8(c, 107) == NULL);
    CHECK_EQ(c->cp[1].tag, CF_CONST_METHODREF);

    static const struct {
        const char *name, *desc;
        uint16_t access;
    } fields[] = {
        {"BIG", "J", 0x19},    {"PI", "D", 0x19},
        {"ANSWER", "I", 0x19}, {"NAME", "Ljava/lang/String;", 0x19},
        {"B", "B", 0x18},      {"z", "Z", 0},
        {"b", "B", 0},         {"c", "C", 0},
        {"s", "S", 0},         {"i", "I", 0},
        {"j", "J", 0},         {"f", "F", 0},
        {"d", "D", 0},         {"o", "Ljava/lang/Object;", 0},
        {"ia", "[I", 0},       {"names", "[[Ljava/lang/String;", 0},
        {"table", "[I", 0x08},
    };
    REQUIRE(c->nfields == SEAM_ARRAY_LEN(fields));
    for (unsigned i = 0; i < c->nfields; i++) {
        CHECK(strcmp(c->fields[i].name, fields[i].name) == 0);
        CHECK(strcmp(c->fields[i].desc, fields[i].desc) == 0);
        CHECK_EQ(c->fields[i].access, fields[i].access);
    }
    /* ConstantValue: long 81985529216486895l, double 3.141592653589793d, int 42,
     * String kitchen, int 7; none on the others. */
    const cf_const *k = &c->cp[c->fields[0].constant_value];
    CHECK(k->tag == CF_CONST_LONG && k->bits == 0x123456789abcdefULL);
    k = &c->cp[c->fields[1].constant_value];
    double pi;
    memcpy(&pi, &k->bits, sizeof pi);
    CHECK(k->tag == CF_CONST_DOUBLE && pi == 3.141592653589793);
    k = &c->cp[c->fields[2].constant_value];
    CHECK(k->tag == CF_CONST_INTEGER && k->bits == 42);
    k = &c->cp[c->fields[3].constant_value];
    CHECK(k->tag == CF_CONST_STRING && strcmp(cf_utf8(c, k->a), "kitchen") == 0);
    k = &c->cp[c->fields[4].constant_value];
    CHECK(k->tag == CF_CONST_INTEGER && k->bits == 7);
    for (unsigned i = 5; i < c->nfields; i++)
        CHECK_EQ(c->fields[i].constant_value, 0);

    static const struct {
        const char *name, *desc;
        uint16_t access, max_stack, max_locals, code_len, arg_slots;
        int insns;
    } methods[] = {
        {"<init>", "(I)V", 0x01, 3, 2, 24, 1, 12},
        {"area", "()I", 0x01, 2, 1, 7, 0, 5},
        {"dense", "(I)I", 0x09, 1, 1, 46, 1, 12},
        {"sparse", "(I)I", 0x09, 1, 1, 44, 1, 10},
        {"guarded", "([II)I", 0x01, 3, 6, 73, 2, -1},
        {"sum", "(Lcftest/Shape;[J)J", 0x01, 5, 6, 52, 2, -1},
        {"mix", "(FDJ)D", 0x01, 4, 6, 13, 5, -1},
        {"<clinit>", "()V", 0x08, 4, 0, 28, 0, -1},
    };
    REQUIRE(c->nmethods == SEAM_ARRAY_LEN(methods));
    for (unsigned i = 0; i < c->nmethods; i++) {
        const cf_method *m = &c->methods[i];
        CHECK(strcmp(m->name, methods[i].name) == 0);
        CHECK(strcmp(m->desc, methods[i].desc) == 0);
        CHECK_EQ(m->access, methods[i].access);
        CHECK_EQ(m->arg_slots, methods[i].arg_slots);
        REQUIRE(m->code);
        CHECK_EQ(m->code->max_stack, methods[i].max_stack);
        CHECK_EQ(m->code->max_locals, methods[i].max_locals);
        CHECK_EQ(m->code->code_len, methods[i].code_len);
        int n = walk_count(m->code);
        CHECK(n > 0);
        if (methods[i].insns > 0) CHECK_EQ(n, methods[i].insns);
    }

    /* dense: tableswitch at pc 1 with 2 bytes of padding; frames at the five targets. */
    const cf_code *code = method(c, "dense")->code;
    static const uint16_t dense_frames[] = {32, 35, 38, 41, 44};
    REQUIRE(code->nframes == 5);
    for (unsigned i = 0; i < 5; i++) {
        CHECK_EQ(code->frames[i].offset, dense_frames[i]);
        CHECK_EQ(code->frames[i].kind, CF_FRAME_SAME);
        CHECK_EQ(code->frames[i].nlocals, 1);
        CHECK(vt_is(&code->frames[i].locals[0], CF_VT_INTEGER, NULL));
        CHECK_EQ(code->frames[i].nstack, 0);
    }
    bc_walker w;
    bc_insn in;
    bc_walk_init(&w, code->code, code->code_len);
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK && in.opcode == 0x1a); /* iload_0 */
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK && in.opcode == 0xaa && in.pc == 1 &&
          in.len == 31 && in.operands == code->code + 4);

    code = method(c, "sparse")->code;
    static const uint16_t sparse_frames[] = {36, 38, 40, 42};
    REQUIRE(code->nframes == 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(code->frames[i].offset, sparse_frames[i]);
    bc_walk_init(&w, code->code, code->code_len);
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK);
    CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_OK && in.opcode == 0xab && in.len == 35);

    /* guarded: exception table and frames as javap prints them. */
    code = method(c, "guarded")->code;
    static const cf_handler handlers[] = {{2, 8, 21, 1},   {2, 8, 38, 1},   {2, 8, 56, 0},
                                          {21, 25, 56, 0}, {38, 43, 56, 0}, {56, 58, 56, 0}};
    static const char *catch_names[] = {"java/lang/ArithmeticException",
                                        "java/lang/ArrayIndexOutOfBoundsException"};
    REQUIRE(code->nhandlers == 6);
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ(code->handlers[i].start_pc, handlers[i].start_pc);
        CHECK_EQ(code->handlers[i].end_pc, handlers[i].end_pc);
        CHECK_EQ(code->handlers[i].handler_pc, handlers[i].handler_pc);
        if (i < 2)
            CHECK(strcmp(cf_class_name(c, code->handlers[i].catch_type), catch_names[i]) == 0);
        else
            CHECK_EQ(code->handlers[i].catch_type, 0);
    }
    static const uint16_t guarded_frames[] = {21, 38, 56, 71};
    REQUIRE(code->nframes == 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(code->frames[i].offset, guarded_frames[i]);
    const cf_frame *f = &code->frames[0];
    CHECK_EQ(f->kind, CF_FRAME_FULL);
    REQUIRE(f->nlocals == 4 && f->nstack == 1);
    CHECK(vt_is(&f->locals[0], CF_VT_OBJECT, "cftest/Kitchen"));
    CHECK(vt_is(&f->locals[1], CF_VT_OBJECT, "[I"));
    CHECK(vt_is(&f->locals[2], CF_VT_INTEGER, NULL));
    CHECK(vt_is(&f->locals[3], CF_VT_INTEGER, NULL));
    CHECK(vt_is(&f->stack[0], CF_VT_OBJECT, "java/lang/ArithmeticException"));
    f = &code->frames[1];
    CHECK(f->kind == CF_FRAME_SAME_LOCALS_1_STACK_ITEM && f->frame_type == 80);
    CHECK(f->nlocals == 4 && f->nstack == 1 &&
          vt_is(&f->stack[0], CF_VT_OBJECT, "java/lang/ArrayIndexOutOfBoundsException"));
    f = &code->frames[2];
    CHECK(f->nstack == 1 && vt_is(&f->stack[0], CF_VT_OBJECT, "java/lang/Throwable"));
    f = &code->frames[3];
    CHECK(f->kind == CF_FRAME_SAME && f->nlocals == 4 && f->nstack == 0);

    /* sum: append [long, int] to the initial frame built from the descriptor, then chop 1. */
    code = method(c, "sum")->code;
    REQUIRE(code->nframes == 2);
    f = &code->frames[0];
    CHECK(f->kind == CF_FRAME_APPEND && f->offset == 11);
    REQUIRE(f->nlocals == 5);
    CHECK(vt_is(&f->locals[0], CF_VT_OBJECT, "cftest/Kitchen"));
    CHECK(f->locals[0].cpool == c->this_class);
    CHECK(vt_is(&f->locals[1], CF_VT_OBJECT, "cftest/Shape") && f->locals[1].cpool == 0);
    CHECK(vt_is(&f->locals[2], CF_VT_OBJECT, "[J"));
    CHECK(vt_is(&f->locals[3], CF_VT_LONG, NULL));
    CHECK(vt_is(&f->locals[4], CF_VT_INTEGER, NULL));
    CHECK_EQ(f->locals_slots, 6);
    f = &code->frames[1];
    CHECK(f->kind == CF_FRAME_CHOP && f->offset == 31 && f->nlocals == 4);
    CHECK_EQ(f->locals_slots, 5);
    CHECK_EQ(method(c, "mix")->code->nframes, 0);
    cf_free(c);
}

static void test_shape_tiny_lambda(void)
{
    size_t len;
    char msg[256];
    cf_class *c;
    uint8_t *buf = load("Shape", &len);
    REQUIRE(buf);
    seam_err e = cf_parse(buf, len, &c, msg, sizeof msg);
    free(buf);
    REQUIRE(e == SEAM_OK);
    CHECK_EQ(c->access, CF_ACC_PUBLIC | CF_ACC_INTERFACE | CF_ACC_ABSTRACT);
    REQUIRE(c->nfields == 1 && c->nmethods == 1);
    CHECK(strcmp(c->fields[0].name, "SIDES") == 0);
    CHECK_EQ(c->cp[c->fields[0].constant_value].bits, 4);
    CHECK(strcmp(c->methods[0].name, "area") == 0 && c->methods[0].code == NULL);
    CHECK_EQ(c->methods[0].access, CF_ACC_PUBLIC | CF_ACC_ABSTRACT);
    cf_free(c);

    buf = load("Tiny", &len);
    REQUIRE(buf);
    e = cf_parse(buf, len, &c, msg, sizeof msg);
    free(buf);
    REQUIRE(e == SEAM_OK);
    const cf_method *m = method(c, "next");
    REQUIRE(m && m->code);
    CHECK(m->code->max_stack == 2 && m->code->max_locals == 0 && m->code->code_len == 11);
    CHECK_EQ(walk_count(m->code), 7);
    cf_free(c);

    /* Lambda: #7 = InvokeDynamic #0:#8, #34 = MethodHandle 6:#35, #41 = MethodType #15. */
    buf = load("Lambda", &len);
    REQUIRE(buf);
    e = cf_parse(buf, len, &c, msg, sizeof msg);
    if (e) fprintf(stderr, "  %s\n", msg);
    free(buf);
    REQUIRE(e == SEAM_OK);
    CHECK(c->cp[7].tag == CF_CONST_INVOKE_DYNAMIC && c->cp[7].a == 0 && c->cp[7].b == 8);
    CHECK(c->cp[34].tag == CF_CONST_METHOD_HANDLE && c->cp[34].ref_kind == 6 && c->cp[34].a == 35);
    CHECK(c->cp[41].tag == CF_CONST_METHOD_TYPE && c->cp[41].a == 15);
    CHECK_EQ(c->nbootstrap, 1);
    m = method(c, "twice");
    REQUIRE(m && m->code);
    CHECK(m->code->code[1] == 0xba && walk_count(m->code) > 0);
    cf_free(c);
}

static void test_descriptors(void)
{
    static const char *good_fields[] = {"I", "J", "[[D", "Ljava/lang/String;", "[Lp/q/R;", "Z"};
    static const char *bad_fields[] = {
        "",     "V",    "L;", "Ljava/lang/String", "[", "II", "Ljava//String;", "La.b;", "Q",
        "L/a;", "La/;", "[V"};
    for (unsigned i = 0; i < SEAM_ARRAY_LEN(good_fields); i++)
        CHECK(cf_check_field_desc(good_fields[i], strlen(good_fields[i])) == SEAM_OK);
    for (unsigned i = 0; i < SEAM_ARRAY_LEN(bad_fields); i++)
        CHECK(cf_check_field_desc(bad_fields[i], strlen(bad_fields[i])) == SEAM_E_FORMAT);
    uint16_t slots = 99;
    CHECK(cf_check_method_desc("()V", 3, &slots) == SEAM_OK && slots == 0);
    CHECK(cf_check_method_desc("(IJ[DLa/B;D)[I", 14, &slots) == SEAM_OK && slots == 7);
    static const char *bad_methods[] = {"", "()", "(V)V", "(I", "I)V", "()VV", "(I)II", "()[V"};
    for (unsigned i = 0; i < SEAM_ARRAY_LEN(bad_methods); i++)
        CHECK(cf_check_method_desc(bad_methods[i], strlen(bad_methods[i]), NULL) == SEAM_E_FORMAT);
    /* 255 dimensions are allowed, 256 are not (JVMS §4.3.2); 255 parameter slots, not 256. */
    char d[600];
    memset(d, '[', 256);
    d[256] = 'I';
    CHECK(cf_check_field_desc(d + 1, 256) == SEAM_OK);
    CHECK(cf_check_field_desc(d, 257) == SEAM_E_FORMAT);
    d[0] = '(';
    memset(d + 1, 'I', 255);
    memcpy(d + 256, ")V", 2);
    CHECK(cf_check_method_desc(d, 258, &slots) == SEAM_OK && slots == 255);
    memcpy(d + 255, "J)V", 3);
    CHECK(cf_check_method_desc(d, 258, NULL) == SEAM_E_FORMAT);
}

static void test_walker(void)
{
    static const struct {
        const char *name;
        const char *hex;
        int insns; /* -1: must fail */
    } cases[] = {
        {"wide iinc, wide iload, return", "c4840100ff00 c4150102 b1", 3},
        {"wide before iadd", "c460", -1},
        {"wide at the end", "c4", -1},
        {"wide iinc truncated", "c48401", -1},
        {"unknown opcode 0xca (breakpoint)", "ca", -1},
        {"unknown opcode 0xff", "ff", -1},
        {"sipush truncated", "11 00", -1},
        {"tableswitch 0..1 at pc 0", "aa000000 00000010 00000000 00000001 00000010 00000010", 1},
        {"tableswitch low > high", "aa000000 00000010 00000002 00000001", -1},
        {"tableswitch table past the end", "aa000000 00000010 00000000 00000003 00000010", -1},
        {"tableswitch huge range", "aa000000 00000010 80000000 7fffffff", -1},
        {"tableswitch header truncated", "aa000000 00000010 0000", -1},
        {"lookupswitch 2 sorted pairs at pc 1",
         "00 aa0000 00000010 00000002 00000001 00000000 "
         "00000002 00000000",
         2},
        {"lookupswitch unsorted", "ab000000 00000010 00000002 00000005 00000000 00000002 00000000",
         -1},
        {"lookupswitch negative npairs", "ab000000 00000010 ffffffff", -1},
        {"invokeinterface count 0", "b9000100 00", -1},
        {"invokeinterface nonzero 4th byte", "b9000101 01", -1},
        {"invokedynamic nonzero bytes", "ba000101 00", -1},
        {"newarray bad atype", "bc03", -1},
        {"multianewarray 0 dimensions", "c5000100", -1},
        {"goto_w, jsr_w", "c800000005 c9fffffffb", 2},
    };
    for (unsigned i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        size_t n;
        uint8_t *code = check_hex(cases[i].hex, &n);
        /* "lookupswitch at pc 1" uses opcode 0xab: patch the placeholder 0xaa at pc 1. */
        if (strstr(cases[i].name, "lookupswitch 2 sorted")) code[1] = 0xab;
        bc_walker w;
        bc_insn in;
        char msg[128] = "";
        int count = 0;
        seam_err e;
        bc_walk_init(&w, code, (uint32_t)n);
        while ((e = bc_walk_next(&w, &in, msg, sizeof msg)) == SEAM_OK)
            count++;
        if (cases[i].insns >= 0) {
            if (e != SEAM_E_NOT_FOUND || count != cases[i].insns)
                fprintf(stderr, "  %s: %s (%d insns)\n", cases[i].name, msg, count);
            CHECK(e == SEAM_E_NOT_FOUND && count == cases[i].insns);
        } else {
            if (e != SEAM_E_FORMAT) fprintf(stderr, "  %s: not refused\n", cases[i].name);
            CHECK(e == SEAM_E_FORMAT && msg[0]);
            /* the walker stays on the bad instruction */
            CHECK(bc_walk_next(&w, &in, NULL, 0) == SEAM_E_FORMAT);
        }
        free(code);
    }
    CHECK(strcmp(bc_opcode_name(0xb6), "invokevirtual") == 0);
    CHECK(strcmp(bc_opcode_name(0xc9), "jsr_w") == 0);
    CHECK(bc_opcode_name(0xca) == NULL);
}

/* ---- damaged class files -------------------------------------------------------------------- */

static size_t find(const uint8_t *h, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(h + i, needle, m) == 0) return i;
    return SIZE_MAX;
}

static uint8_t *good;
static size_t good_len;
static int refused;

/* Copies the good class, writes the bytes at off, and requires SEAM_E_FORMAT (or `want`). */
static void expect_bad(const char *what, size_t off, const uint8_t *bytes, size_t n, seam_err want)
{
    if (off == SIZE_MAX || off + n > good_len) {
        fprintf(stderr, "  %s: patch place not found\n", what);
        check_failures++;
        return;
    }
    uint8_t *p = malloc(good_len);
    memcpy(p, good, good_len);
    memcpy(p + off, bytes, n);
    cf_class *c = (cf_class *)1;
    char msg[256] = "";
    seam_err e = cf_parse(p, good_len, &c, msg, sizeof msg);
    if (e != want || !msg[0] || c != NULL) {
        fprintf(stderr, "  %s: got %s, \"%s\"\n", what, seam_strerror(e), msg);
        check_failures++;
    } else {
        printf("    %-44s -> %s\n", what, msg);
        refused++;
    }
    cf_free(c == (cf_class *)1 ? NULL : c);
    free(p);
}

#define BAD(what, off, ...)                                                                        \
    do {                                                                                           \
        const uint8_t b_[] = {__VA_ARGS__};                                                        \
        expect_bad(what, off, b_, sizeof b_, SEAM_E_FORMAT);                                       \
    } while (0)

static void test_damaged(void)
{
    good = load("Kitchen", &good_len);
    REQUIRE(good);
    cf_class *c;
    char msg[256];
    REQUIRE(cf_parse(good, good_len, &c, msg, sizeof msg) == SEAM_OK);

    /* Truncated at every length, and one byte too long. */
    int trunc_ok = 0;
    for (size_t n = 0; n < good_len; n++) {
        cf_class *t = NULL;
        msg[0] = 0;
        if (cf_parse(good, n, &t, msg, sizeof msg) == SEAM_E_FORMAT && msg[0] && !t) trunc_ok++;
        cf_free(t);
    }
    CHECK_EQ(trunc_ok, (int)good_len);
    {
        uint8_t *p = malloc(good_len + 1);
        memcpy(p, good, good_len);
        p[good_len] = 0;
        cf_class *t = NULL;
        CHECK(cf_parse(p, good_len + 1, &t, msg, sizeof msg) == SEAM_E_FORMAT && !t);
        free(p);
    }

    /* Header and constant pool (offsets from javap: #1 Methodref at 10, #2 Class at 15,
     * #3 NameAndType at 18, #4 Utf8 "java/lang/Object" at 23, #6 Utf8 "()V" at 51). */
    BAD("bad magic", 0, 0xca, 0xfe, 0xba, 0xbf);
    expect_bad("version 53.0", 6, (const uint8_t *)"\x00\x35", 2, SEAM_E_UNSUPPORTED);
    expect_bad("version 44.0", 6, (const uint8_t *)"\x00\x2c", 2, SEAM_E_UNSUPPORTED);
    expect_bad("version 52.1", 4, (const uint8_t *)"\x00\x01", 2, SEAM_E_UNSUPPORTED);
    BAD("constant_pool_count 0", 8, 0x00, 0x00);
    BAD("constant_pool_count too large", 8, 0xff, 0xff);
    BAD("constant_pool_count too small", 8, 0x00, 0x6a);
    BAD("unknown tag 2", 10, 0x02);
    BAD("tag 17 (Dynamic, Java 11)", 10, 0x11);
    BAD("tag 19 (Module, Java 9)", 10, 0x13);
    BAD("Methodref class index 0", 11, 0x00, 0x00);
    BAD("Methodref class index out of range", 11, 0x00, 0x6b);
    BAD("Methodref class index to a Utf8", 11, 0x00, 0x04);
    BAD("Methodref name_and_type to a Class", 13, 0x00, 0x02);
    BAD("Class name to a Methodref", 16, 0x00, 0x01);
    /* '(' and ')' are legal in class names (JVMS §4.2.2); ';' is not. */
    BAD("Class name \"Ljava/lang/Object;\"", 16, (uint8_t)(c->fields[13].desc_index >> 8),
        (uint8_t)c->fields[13].desc_index);
    BAD("NameAndType descriptor not a descriptor", 21, 0x00, 0x04);
    BAD("<init> descriptor ()X", 56, 'X');
    BAD("Utf8 with byte 0", 30, 0x00);
    BAD("Utf8 with byte 0xff", 30, 0xff);
    BAD("Utf8 overlong 2-byte form", 30, 0xc1, 0x81);
    BAD("Utf8 truncated 3-byte form", 40, 0xe0, 0x80);
    BAD("Utf8 stray continuation byte", 30, 0x80);
    BAD("Utf8 length past the end", 24, 0xff, 0xff);

    /* Class header: access, this_class, super_class, interfaces_count 1. */
    uint8_t hdr[8] = {0x00,
                      0x21,
                      (uint8_t)(c->this_class >> 8),
                      (uint8_t)c->this_class,
                      (uint8_t)(c->super_class >> 8),
                      (uint8_t)c->super_class,
                      0x00,
                      0x01};
    size_t h = find(good, good_len, hdr, sizeof hdr);
    BAD("this_class to a Utf8", h + 2, 0x00, 0x04);
    BAD("super_class 0", h + 4, 0x00, 0x00);
    BAD("interface index out of range", h + 8, 0x7f, 0x00);
    BAD("final abstract class", h, 0x04, 0x11);
    BAD("interface flag without abstract", h, 0x02, 0x01);

    /* Field BIG: access 0x19, name, descriptor, 1 attribute: ConstantValue -> Long. */
    const cf_field *fb = &c->fields[0];
    uint8_t fpat[8] = {0x00,
                       0x19,
                       (uint8_t)(fb->name_index >> 8),
                       (uint8_t)fb->name_index,
                       (uint8_t)(fb->desc_index >> 8),
                       (uint8_t)fb->desc_index,
                       0x00,
                       0x01};
    size_t fo = find(good, good_len, fpat, sizeof fpat);
    BAD("field descriptor \"()V\"", fo + 4, 0x00, 0x06);
    BAD("field name to a Class", fo + 2, 0x00, 0x02);
    BAD("field public and private", fo, 0x00, 0x1b);
    BAD("two fields named j J", fo + 2, (uint8_t)(c->fields[10].name_index >> 8),
        (uint8_t)c->fields[10].name_index);
    BAD("ConstantValue length 3", fo + 10, 0x00, 0x00, 0x00, 0x03);
    BAD("ConstantValue length past the end", fo + 10, 0x7f, 0x00, 0x00, 0x00);
    uint16_t int_const = c->fields[2].constant_value;
    BAD("ConstantValue Integer on a long field", fo + 14, (uint8_t)(int_const >> 8),
        (uint8_t)int_const);

    /* Method area(): aload_0 getfield #7 iconst_2 imul ireturn. */
    const cf_method *area = method(c, "area");
    size_t co = find(good, good_len, area->code->code, area->code->code_len);
    BAD("wide before imul", co + 4, 0xc4);
    BAD("wide as the last byte", co + 6, 0xc4);
    BAD("unknown opcode in code", co + 5, 0xca);
    BAD("instruction past the end of code", co + 6, 0x11);
    BAD("code_length 0", co - 4, 0x00, 0x00, 0x00, 0x00);
    BAD("code_length past the attribute", co - 4, 0x00, 0x00, 0x01, 0x00);
    BAD("code_length 65536", co - 4, 0x00, 0x01, 0x00, 0x00);
    BAD("max_locals below the parameters", co - 6, 0x00, 0x00);
    BAD("Code attribute_length past the end", co - 12, 0x7f, 0xff, 0xff, 0xff);
    BAD("Code attribute_length short", co - 12, 0x00, 0x00, 0x00, 0x10);
    uint8_t mpat[6] = {0x00,
                       0x01,
                       (uint8_t)(area->name_index >> 8),
                       (uint8_t)area->name_index,
                       (uint8_t)(area->desc_index >> 8),
                       (uint8_t)area->desc_index};
    size_t mo = find(good, good_len, mpat, sizeof mpat);
    BAD("method public and private", mo, 0x00, 0x03);
    BAD("abstract method with Code", mo, 0x04, 0x01);
    BAD("method descriptor \"I\"", mo + 4, 0x00, (uint8_t)c->fields[9].desc_index);
    BAD("attribute name index to a Class", mo + 8, 0x00, 0x02);

    /* dense(): tableswitch at pc 1 (2 bytes padding: default at +4, low +8, high +12). */
    const cf_code *dense = method(c, "dense")->code;
    co = find(good, good_len, dense->code, dense->code_len);
    BAD("tableswitch low > high", co + 8, 0x00, 0x00, 0x00, 0x05);
    BAD("tableswitch high past the code", co + 12, 0x7f, 0xff, 0xff, 0xff);
    BAD("tableswitch target mid-instruction", co + 4, 0x00, 0x00, 0x00, 0x20);
    BAD("tableswitch target before the code", co + 16, 0xff, 0xff, 0xff, 0x00);
    /* Its StackMapTable: number_of_entries 5, frames 32 2 2 2 2. */
    static const uint8_t smt[] = {0x00, 0x05, 0x20, 0x02, 0x02, 0x02, 0x02};
    size_t so = find(good, good_len, smt, sizeof smt);
    BAD("frame offset past the end of code", so + 6, 0x3f);
    BAD("frame offset mid-instruction", so + 2, 0x21);
    BAD("reserved frame_type 128", so + 2, 0x80);
    BAD("number_of_entries too large", so, 0x00, 0x06);
    BAD("StackMapTable length past the end", so - 4, 0x00, 0x01, 0x00, 0x00);
    BAD("chop more locals than there are", so + 2, 0xf9);

    /* guarded(): exception table after the code, then its full_frame at 21. */
    const cf_code *g = method(c, "guarded")->code;
    co = find(good, good_len, g->code, g->code_len);
    size_t et = co + g->code_len + 2;
    BAD("handler_pc past the code", et + 4, 0x00, 0xc8);
    BAD("handler_pc mid-instruction", et + 4, 0x00, 0x16);
    BAD("end_pc past the code", et + 2, 0x00, 0x4a);
    BAD("start_pc == end_pc", et, 0x00, 0x08);
    BAD("catch_type to a Utf8", et + 6, 0x00, 0x04);
    BAD("exception_table_length too large", et - 2, 0x00, 0xff);
    static const uint8_t ff[] = {0xff, 0x00, 0x15, 0x00, 0x04, 0x07};
    size_t fr = find(good, good_len, ff, sizeof ff);
    BAD("Object type to a Utf8", fr + 6, 0x00, 0x04);
    BAD("bad verification type tag 9", fr + 5, 0x09);
    BAD("Uninitialized offset not a new", fr + 5, 0x08, 0x00, 0x02);
    BAD("full_frame too many locals for max_locals", fr + 3, 0x00, 0x07);
    BAD("full_frame locals over max_locals", co - 6, 0x00, 0x03);
    BAD("full_frame stack over max_stack", co - 8, 0x00, 0x00);

    /* The last attribute (SourceFile): length 3 overruns, length 1 leaves a byte over. */
    BAD("SourceFile attribute_length overruns", good_len - 6, 0x00, 0x00, 0x00, 0x03);
    BAD("SourceFile attribute_length short", good_len - 6, 0x00, 0x00, 0x00, 0x01);
    BAD("class attributes_count too large", good_len - 10, 0x00, 0x02);
    printf("    %d damaged class files refused\n", refused);
    cf_free(c);
    free(good);
}

/* Every byte of every class changed three ways: no crash; what parses also walks. */
static void test_mutations(void)
{
    static const char *names[] = {"Kitchen", "Shape", "Tiny", "Lambda"};
    unsigned parsed = 0, total = 0;
    for (unsigned k = 0; k < SEAM_ARRAY_LEN(names); k++) {
        size_t len;
        uint8_t *buf = load(names[k], &len);
        REQUIRE(buf);
        for (size_t i = 0; i < len; i++) {
            static const uint8_t xs[] = {0x00, 0xff, 0x01};
            for (unsigned x = 0; x < 3; x++) {
                uint8_t save = buf[i];
                buf[i] = x == 2 ? (uint8_t)(save + 1) : xs[x];
                cf_class *c = NULL;
                char msg[200];
                seam_err e = cf_parse(buf, len, &c, msg, sizeof msg);
                total++;
                if (e == SEAM_OK) {
                    parsed++;
                    for (unsigned m = 0; m < c->nmethods; m++)
                        if (c->methods[m].code) CHECK(walk_count(c->methods[m].code) > 0);
                } else {
                    CHECK(msg[0] && !c);
                }
                cf_free(c);
                buf[i] = save;
            }
        }
        free(buf);
    }
    printf("    %u mutations, %u still parse\n", total, parsed);
}

static void test_args(void)
{
    cf_class *c = (cf_class *)1;
    CHECK(cf_parse(NULL, 4, &c, NULL, 0) == SEAM_E_ARG);
    CHECK(cf_parse((const uint8_t *)"", 0, NULL, NULL, 0) == SEAM_E_ARG);
    char msg[8];
    CHECK(cf_parse((const uint8_t *)"\xca\xfe", 2, &c, msg, sizeof msg) == SEAM_E_FORMAT);
    CHECK(c == NULL && strlen(msg) == 7); /* truncated to the capacity */
    cf_free(NULL);
}

int main(void)
{
    RUN(test_kitchen);
    RUN(test_shape_tiny_lambda);
    RUN(test_descriptors);
    RUN(test_walker);
    RUN(test_damaged);
    RUN(test_mutations);
    RUN(test_args);
    return check_summary();
}
