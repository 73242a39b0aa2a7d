/*
 * Tests for the load file writer and the converter (include/seam/jcconv.h).
 *
 * The writer test serialises a small hand-built model and compares every byte with the layout
 * of include/seam/jcl.h worked out by hand (below, field by field), then breaks each rule the
 * writer enforces. The converter tests convert the echo test package (tests/jc/convert/echo),
 * compiled by javac against the API at build time (tests/jc/convert/CMakeLists.txt) into
 * $SEAM_BUILD/tests/jcconvert, against the API class files in $SEAM_BUILD/jc/api-classes; the
 * output must be accepted by the shared reader (jcl_parse), every constant pool operand must
 * name the same thing after rewriting as before, every other code byte must be unchanged, and
 * the output must not depend on the order of the inputs. Negative tests: a missing class, a
 * member that does not exist (a patched class file), two packages, a bad applet, garbage.
 */
#include <stdbool.h>

#include "check.h"
#include "seam/classfile.h"
#include "seam/jcconv.h"
#include "seam/jclread.h"

/* ---- writer ---- */

static const jcw_const w_consts[] = {
    {.kind = JCL_CONST_INT, .value = 0x12345678},
    {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/Object"},
    {.kind = JCL_CONST_CLASS, .pkg = JCL_PKG_SELF, .name = "p/A"},
    {.kind = JCL_CONST_METHOD, .cls = 2, .name = "<init>", .desc = "()V"},
};
static const uint8_t w_code[] = {0x2a, 0xb7, 0x00, 0x04,
                                 0xb1}; /* aload_0 invokespecial #4 return */
static const jcw_field w_fields[] = {{0x0002, "x", "I"}};
static const jcw_method w_methods[] = {{.flags = 0x0001,
                                        .name = "<init>",
                                        .desc = "()V",
                                        .max_stack = 1,
                                        .max_locals = 1,
                                        .code_len = 5,
                                        .code = w_code}};
static const jcw_package w_imports[] = {
    {{7, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01}}, "java/lang", 1, 0}};

static jcw_file w_model(jcw_class *k)
{
    *k = (jcw_class){.name = "p/A",
                     .flags = 0x0021,
                     .super = 2,
                     .nfields = 1,
                     .fields = w_fields,
                     .nmethods = 1,
                     .methods = w_methods};
    return (jcw_file){.package = {{5, {0xF0, 1, 2, 3, 4}}, "p", 1, 0},
                      .nimports = 1,
                      .imports = w_imports,
                      .nconsts = 4,
                      .consts = w_consts,
                      .nclasses = 1,
                      .classes = k};
}

static const char *w_expected_hex =
    "534A434C 01 00"                                             /* magic, format 1.0 */
    "01 0000000A 05F001020304 0170 01 00"                        /* PACKAGE: AID, "p", 1.0 */
    "02 00000015 01 07A0000000620001 096A6176612F6C616E67 01 00" /* IMPORTS: java/lang 1.0 */
    "03 0000002E 0004"                                           /* CONSTANTS: 4 entries */
    "01 12345678"                                                /* 1 INT */
    "02 01 106A6176612F6C616E672F4F626A656374"                   /* 2 CLASS import 1 Object */
    "02 00 03702F41"                                             /* 3 CLASS self p/A */
    "04 0002 063C696E69743E 03282956"                            /* 4 METHOD Object.<init>()V */
    "04 00000032 01"                                             /* CLASSES: 1 class */
    "03702F41 0021 0002 00"                                      /* p/A public super, super #2 */
    "0001 0002 0178 0149"                                        /* 1 field: private x I */
    "0001 0001 063C696E69743E 03282956 0001 0001"                /* 1 method: public <init>()V */
    "00000005 2AB70004B1 0000 0000"                              /* code, no handlers, no frames */
    "05 00000001 00";                                            /* APPLETS: none */

static void test_writer_bytes(void)
{
    jcw_class k;
    jcw_file f = w_model(&k);
    uint8_t *out = NULL;
    size_t n = 0;
    char msg[200];
    seam_err e = jcw_write(&f, &out, &n, msg, sizeof msg);
    if (e) fprintf(stderr, "  %s\n", msg);
    REQUIRE(e == SEAM_OK);
    uint8_t exp[512];
    size_t en = 0;
    REQUIRE(seam_hex_decode(w_expected_hex, exp, sizeof exp, &en) == SEAM_OK);
    CHECK_EQ(n, en);
    if (n == en) CHECK_MEM(out, exp, n);

    /* the shared reader accepts it and sees the same model */
    void *arena = malloc(jcl_arena_bound(n));
    const jcl_file *r = NULL;
    e = jcl_parse(out, n, arena, jcl_arena_bound(n), &r, msg, sizeof msg);
    if (e) fprintf(stderr, "  jcl_parse: %s\n", msg);
    CHECK(e == SEAM_OK);
    if (e == SEAM_OK) {
        CHECK_EQ(r->nconsts, 4);
        CHECK_EQ(r->consts[1].value, 0x12345678);
        CHECK(jcl_str_eq(r->classes[0].name, "p/A"));
        CHECK_EQ(r->classes[0].methods[0].code_len, 5);
    }
    free(arena);
    free(out);
}

static void expect_refused(const jcw_file *f, const char *needle)
{
    uint8_t *out = (uint8_t *)1;
    size_t n = 1;
    char msg[200] = "";
    seam_err e = jcw_write(f, &out, &n, msg, sizeof msg);
    CHECK(e == SEAM_E_FORMAT);
    CHECK(out == NULL && n == 0);
    if (!strstr(msg, needle)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", msg, needle);
        check_failures++;
    }
}

static void test_writer_refuses(void)
{
    jcw_class k;
    jcw_file f = w_model(&k);

    jcw_const c2[4];
    memcpy(c2, w_consts, sizeof c2);
    c2[0] = w_consts[1]; /* CLASS first, then INT: INT entries must come first */
    c2[1] = w_consts[0];
    f.consts = c2;
    expect_refused(&f, "INT after");

    f = w_model(&k);
    memcpy(c2, w_consts, sizeof c2);
    c2[3].cls = 9; /* method's class out of range */
    f.consts = c2;
    expect_refused(&f, "out of range");
    c2[3].cls = 1; /* an INT, not a CLASS */
    expect_refused(&f, "kind");

    f = w_model(&k);
    memcpy(c2, w_consts, sizeof c2);
    c2[1].pkg = 2; /* only one import */
    f.consts = c2;
    expect_refused(&f, "imports");

    f = w_model(&k);
    f.package.aid.len = 4;
    expect_refused(&f, "AID of 4 bytes");

    f = w_model(&k);
    k.super = 1; /* super must be a CLASS */
    expect_refused(&f, "kind");

    f = w_model(&k);
    jcw_method big = w_methods[0];
    big.code_len = JCL_MAX_CODE + 1;
    k.methods = &big;
    expect_refused(&f, "bytes of code");

    f = w_model(&k);
    jcw_field empty = {0, "", "I"};
    k.fields = &empty;
    expect_refused(&f, "string of 0 bytes");

    f = w_model(&k);
    jcw_applet ap = {{5, {1, 2, 3, 4, 5}}, 1}; /* class 1 of 1 */
    f.napplets = 1;
    f.applets = &ap;
    expect_refused(&f, "class index");

    f = w_model(&k);
    f.nclasses = 0;
    expect_refused(&f, "no classes");
}

/* ---- converter ---- */

static const char *const echo_names[] = {"Echo", "Counter", "Echo$Helper"};
#define NECHO 3

typedef struct {
    jcc_input in[NECHO + 1];
    char path[NECHO + 1][512];
    uint8_t *data[NECHO + 1];
} inputs;

static uint8_t *load_file(const char *path, size_t *len)
{
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

static bool load_echo(inputs *s)
{
    const char *b = getenv("SEAM_BUILD");
    memset(s, 0, sizeof *s);
    for (int i = 0; i < NECHO; i++) {
        snprintf(s->path[i], sizeof s->path[i], "%s/tests/jcconvert/com/seam/test/echo/%s.class",
                 b ? b : "build", echo_names[i]);
        size_t len = 0;
        s->data[i] = load_file(s->path[i], &len);
        if (!s->data[i]) return false;
        s->in[i] = (jcc_input){s->path[i], s->data[i], len};
    }
    return true;
}

static void free_echo(inputs *s)
{
    for (int i = 0; i <= NECHO; i++)
        free(s->data[i]);
}

static char api_dir[512];
static jcc_applet echo_applet = {"Echo", {6, {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01}}};

static jcc_options echo_opts(void)
{
    const char *b = getenv("SEAM_BUILD");
    snprintf(api_dir, sizeof api_dir, "%s/jc/api-classes", b ? b : "build");
    echo_applet.aid.len = 7;
    return (jcc_options){.package_aid = {6, {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01}},
                         .major = 1,
                         .applets = &echo_applet,
                         .napplets = 1,
                         .api_dir = api_dir};
}

static const cf_class *find_cf(cf_class *const *cs, size_t n, const jcl_str *name)
{
    for (size_t i = 0; i < n; i++)
        if (jcl_str_eq(*name, cs[i]->name)) return cs[i];
    return NULL;
}

/* The jcl constant `ni` names the same thing as the class file's constant `ci`. */
static bool same_const(const jcl_file *r, uint16_t ni, const cf_class *k, uint16_t ci)
{
    if (ni == 0 || ni > r->nconsts) return false;
    const jcl_const *n = &r->consts[ni];
    const cf_const *c = &k->cp[ci];
    switch (c->tag) {
    case CF_CONST_INTEGER:
        return n->kind == JCL_CONST_INT && (uint32_t)n->value == (uint32_t)c->bits;
    case CF_CONST_CLASS:
        return n->kind == JCL_CONST_CLASS && jcl_str_eq(n->name, cf_class_name(k, ci));
    case CF_CONST_FIELDREF:
    case CF_CONST_METHODREF:
    case CF_CONST_INTERFACE_METHODREF: {
        uint8_t kind = c->tag == CF_CONST_FIELDREF    ? JCL_CONST_FIELD
                       : c->tag == CF_CONST_METHODREF ? JCL_CONST_METHOD
                                                      : JCL_CONST_IMETHOD;
        const cf_const *nt = &k->cp[c->b];
        return n->kind == kind && jcl_str_eq(n->name, cf_utf8(k, nt->a)) &&
               jcl_str_eq(n->desc, cf_utf8(k, nt->b)) && same_const(r, n->class_index, k, c->a);
    }
    default:
        return false;
    }
}

/* Every method's code: same length; constant operands name the same thing; all else equal. */
static int check_rewrite(const jcl_file *r, cf_class *const *cs, size_t ncs)
{
    int operands = 0;
    for (unsigned i = 0; i < r->nclasses; i++) {
        const jcl_class *jc = &r->classes[i];
        const cf_class *k = find_cf(cs, ncs, &jc->name);
        CHECK(k != NULL);
        if (!k) continue;
        CHECK_EQ(jc->nmethods, k->nmethods);
        for (unsigned j = 0; j < jc->nmethods && j < k->nmethods; j++) {
            const jcl_method *jm = &jc->methods[j];
            const cf_method *m = &k->methods[j];
            CHECK(jcl_str_eq(jm->name, m->name) && jcl_str_eq(jm->desc, m->desc));
            if (!m->code) {
                CHECK_EQ(jm->code_len, 0);
                continue;
            }
            REQUIRE_RET(jm->code_len == m->code->code_len);
            CHECK_EQ(jm->nhandlers, m->code->nhandlers);
            CHECK_EQ(jm->nframes, m->code->nframes);
            CHECK_EQ(jm->max_stack, m->code->max_stack);
            bc_walker w;
            bc_insn in;
            bc_walk_init(&w, m->code->code, m->code->code_len);
            uint32_t prev = 0;
            while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
                size_t at = (size_t)(in.operands - m->code->code);
                size_t width = 0;
                switch (in.opcode) {
                case BC_LDC:
                    width = 1;
                    CHECK(same_const(r, jm->code[at], k, in.operands[0]));
                    break;
                case BC_LDC_W:
                case BC_NEW:
                case BC_ANEWARRAY:
                case BC_CHECKCAST:
                case BC_INSTANCEOF:
                case BC_GETSTATIC:
                case BC_PUTSTATIC:
                case BC_GETFIELD:
                case BC_PUTFIELD:
                case BC_INVOKEVIRTUAL:
                case BC_INVOKESPECIAL:
                case BC_INVOKESTATIC:
                case BC_INVOKEINTERFACE:
                    width = 2;
                    CHECK(same_const(r, seam_be16(jm->code + at), k, seam_be16(in.operands)));
                    break;
                default:
                    break;
                }
                if (width) {
                    operands++;
                    CHECK_MEM(jm->code + prev, m->code->code + prev, at - prev);
                    prev = (uint32_t)(at + width);
                }
            }
            CHECK_MEM(jm->code + prev, m->code->code + prev, m->code->code_len - prev);
            for (unsigned h = 0; h < jm->nhandlers; h++) {
                const cf_handler *ch = &m->code->handlers[h];
                CHECK_EQ(jm->handlers[h].handler_pc, ch->handler_pc);
                if (ch->catch_type)
                    CHECK(same_const(r, jm->handlers[h].catch_type, k, ch->catch_type));
            }
            for (unsigned f = 0; f < jm->nframes; f++) {
                CHECK_EQ(jm->frames[f].pc, m->code->frames[f].offset);
                CHECK_EQ(jm->frames[f].nlocals, m->code->frames[f].nlocals);
                CHECK_EQ(jm->frames[f].nstack, m->code->frames[f].nstack);
            }
        }
    }
    return operands;
}

static void test_convert_echo(void)
{
    inputs s;
    bool ok = load_echo(&s);
    if (!ok) free_echo(&s);
    REQUIRE(ok);
    jcc_options o = echo_opts();
    uint8_t *out = NULL, *out2 = NULL;
    size_t n = 0, n2 = 0;
    char msg[2048];
    seam_err e = jcc_convert(s.in, NECHO, &o, &out, &n, msg, sizeof msg);
    if (e) fprintf(stderr, "  %s\n", msg);
    CHECK(e == SEAM_OK);

    /* the same classes in another order give the same bytes */
    jcc_input rev[NECHO];
    for (int i = 0; i < NECHO; i++)
        rev[i] = s.in[NECHO - 1 - i];
    CHECK(jcc_convert(rev, NECHO, &o, &out2, &n2, msg, sizeof msg) == SEAM_OK);
    CHECK(n == n2 && out && out2 && !memcmp(out, out2, n));
    free(out2);

    void *arena = out ? malloc(jcl_arena_bound(n)) : NULL;
    const jcl_file *r = NULL;
    if (arena) {
        e = jcl_parse(out, n, arena, jcl_arena_bound(n), &r, msg, sizeof msg);
        if (e) fprintf(stderr, "  jcl_parse: %s\n", msg);
        CHECK(e == SEAM_OK);
    }
    cf_class *cs[NECHO] = {0};
    for (int i = 0; i < NECHO; i++)
        CHECK(cf_parse(s.in[i].data, s.in[i].len, &cs[i], NULL, 0) == SEAM_OK);
    if (r) {
        CHECK(jcl_str_eq(r->package.name, "com/seam/test/echo"));
        CHECK_EQ(r->package.aid.len, 6);
        CHECK_EQ(r->nclasses, 3);
        /* classes by name: Counter, Echo, Echo$Helper */
        CHECK(jcl_str_eq(r->classes[0].name, "com/seam/test/echo/Counter"));
        CHECK(jcl_str_eq(r->classes[1].name, "com/seam/test/echo/Echo"));
        REQUIRE(r->napplets == 1);
        CHECK_EQ(r->applets[0].class_index, 1);
        CHECK_EQ(r->applets[0].aid.len, 7);
        /* imports: exactly the API packages used, with their standard AIDs */
        REQUIRE(r->nimports == 2);
        CHECK(jcl_str_eq(r->imports[0].name, "java/lang"));
        CHECK(r->imports[0].aid.len == 7 && !memcmp(r->imports[0].aid.p, JCL_AID_JAVA_LANG, 7));
        CHECK(jcl_str_eq(r->imports[1].name, "javacard/framework"));
        CHECK(r->imports[1].aid.len == 7 &&
              !memcmp(r->imports[1].aid.p, JCL_AID_JAVACARD_FRAMEWORK, 7));
        /* INT constants: the two ints Echo loads with ldc come first */
        CHECK_EQ(r->consts[1].kind, JCL_CONST_INT);
        CHECK_EQ(r->consts[2].kind, JCL_CONST_INT);
        CHECK(r->consts[3].kind != JCL_CONST_INT);
        int ops = check_rewrite(r, cs, NECHO);
        CHECK(ops > 20);
    }
    for (int i = 0; i < NECHO; i++)
        cf_free(cs[i]);
    free(arena);
    free(out);
    free_echo(&s);
}

static void expect_convert_fails(const jcc_input *in, size_t n, const jcc_options *o, seam_err want,
                                 const char *needle)
{
    uint8_t *out = NULL;
    size_t len = 0;
    char msg[2048] = "";
    seam_err e = jcc_convert(in, n, o, &out, &len, msg, sizeof msg);
    CHECK_EQ(e, want);
    CHECK(out == NULL && len == 0);
    if (!strstr(msg, needle)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", msg, needle);
        check_failures++;
    }
}

static void test_convert_refuses(void)
{
    inputs s;
    bool ok = load_echo(&s);
    if (!ok) free_echo(&s);
    REQUIRE(ok);
    jcc_options o = echo_opts();

    /* without Counter, Echo's reference to it cannot be resolved */
    jcc_input two[2] = {s.in[0], s.in[2]};
    expect_convert_fails(two, 2, &o, SEAM_E_NOT_FOUND,
                         "references class com/seam/test/echo/Counter, not found in this package");

    /* a method that does not exist: Echo's "selectingApplet" patched to "selectingApplex" */
    uint8_t *patched = malloc(s.in[0].len);
    REQUIRE(patched);
    memcpy(patched, s.in[0].data, s.in[0].len);
    int hits = 0;
    for (size_t i = 0; i + 15 <= s.in[0].len; i++)
        if (!memcmp(patched + i, "selectingApplet", 15)) {
            patched[i + 14] = 'x';
            hits++;
        }
    CHECK_EQ(hits, 1);
    jcc_input bad[NECHO];
    memcpy(bad, s.in, sizeof bad);
    bad[0].data = patched;
    expect_convert_fails(bad, NECHO, &o, SEAM_E_NOT_FOUND,
                         "com/seam/test/echo/Echo.process(Ljavacard/framework/APDU;)V: method "
                         "com/seam/test/echo/Echo.selectingApplex()Z not found");
    free(patched);

    /* a class of another package */
    char path[600];
    snprintf(path, sizeof path, "%s/java/lang/Object.class", api_dir);
    size_t olen = 0;
    uint8_t *obj = load_file(path, &olen);
    if (obj) {
        jcc_input mixed[NECHO + 1];
        memcpy(mixed, s.in, sizeof s.in[0] * NECHO);
        mixed[NECHO] = (jcc_input){path, obj, olen};
        expect_convert_fails(mixed, NECHO + 1, &o, SEAM_E_ARG, "one package at a time");
        free(obj);
    }

    /* applets: not an Applet, not in the package */
    jcc_applet ap = {"com.seam.test.echo.Counter", echo_applet.aid};
    jcc_options o2 = o;
    o2.applets = &ap;
    expect_convert_fails(s.in, NECHO, &o2, SEAM_E_ARG, "does not extend javacard.framework.Applet");
    ap.cls = "Nope";
    expect_convert_fails(s.in, NECHO, &o2, SEAM_E_ARG, "no class com/seam/test/echo/Nope");

    /* no API: java/lang/Object cannot be found */
    o2 = o;
    o2.api_dir = "/nonexistent";
    expect_convert_fails(s.in, NECHO, &o2, SEAM_E_NOT_FOUND, "java/lang/Object");

    /* garbage and nothing */
    static const uint8_t junk[] = {0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 1};
    jcc_input j = {"junk.class", junk, sizeof junk};
    expect_convert_fails(&j, 1, &o, SEAM_E_FORMAT, "junk.class");
    expect_convert_fails(NULL, 0, &o, SEAM_E_ARG, "no class files");
    free_echo(&s);
}

/* Hostile class files: every byte of Echo.class changed in turn (two ways) must give either a
 * load file the shared reader accepts or a clean error, never a crash (run under ASan/UBSan). */
static void test_convert_mutations(void)
{
    inputs s;
    bool ok = load_echo(&s);
    if (!ok) free_echo(&s);
    REQUIRE(ok);
    jcc_options o = echo_opts();
    size_t len = s.in[0].len;
    uint8_t *m = malloc(len);
    REQUIRE(m);
    int accepted = 0, refused = 0;
    char msg[1024];
    for (size_t i = 0; i < len; i++) {
        for (int way = 0; way < 2; way++) {
            memcpy(m, s.in[0].data, len);
            m[i] = way ? (uint8_t)(m[i] + 1) : 0xFF;
            jcc_input in[NECHO];
            memcpy(in, s.in, sizeof in);
            in[0].data = m;
            uint8_t *out = NULL;
            size_t n = 0;
            if (jcc_convert(in, NECHO, &o, &out, &n, msg, sizeof msg) == SEAM_OK) {
                void *arena = malloc(jcl_arena_bound(n));
                const jcl_file *r = NULL;
                seam_err e = arena
                                 ? jcl_parse(out, n, arena, jcl_arena_bound(n), &r, msg, sizeof msg)
                                 : SEAM_E_NOMEM;
                if (e != SEAM_OK) fprintf(stderr, "  byte %zu way %d: %s\n", i, way, msg);
                CHECK(e == SEAM_OK);
                free(arena);
                accepted++;
            } else {
                CHECK(msg[0] != '\0');
                refused++;
            }
            free(out);
        }
    }
    CHECK(refused > 0 && accepted > 0);
    free(m);
    free_echo(&s);
}

int main(void)
{
    RUN(test_writer_bytes);
    RUN(test_writer_refuses);
    RUN(test_convert_echo);
    RUN(test_convert_refuses);
    RUN(test_convert_mutations);
    return check_summary();
}
