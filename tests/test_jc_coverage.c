/*
 * The Java Card test suite covers the whole bytecode subset: every opcode the card accepts
 * (JCVM 3.0.5 §2.2: JVMS SE 8 without long, float, double, char, jsr/ret, monitors,
 * invokedynamic and multianewarray) occurs in the test packages that tests/test_jcvm*.c run
 * (every .jcl file in $SEAM_BUILD/tests/jcvm and tests/jcops, built from tests/jc/vm and
 * tests/jc/ops by javac and seam jc build) or in the
 * hand-assembled methods of tests/test_jc_rawcode.c (the opcodes javac never emits for Java Card
 * sources). A new opcode in the subset, or a test package losing its only use of one, fails here
 * with the opcode's name.
 */
#include <dirent.h>
#include <stdlib.h>

#include "check.h"
#include "seam/bytecode.h"
#include "seam/jclread.h"

/* The subset the card accepts, written from the JCVM specification (not from the reader), so
 * the two are checked against each other. */
static bool in_subset(uint8_t op)
{
    if (!bc_opcode_name(op)) return false;
    static const uint8_t excluded[] = {
        BC_LCONST_0,   BC_LCONST_1,   BC_FCONST_0,   BC_FCONST_1,     BC_FCONST_2,   BC_DCONST_0,
        BC_DCONST_1,   BC_LDC2_W,     BC_LLOAD,      BC_FLOAD,        BC_DLOAD,      BC_LLOAD_0,
        BC_LLOAD_1,    BC_LLOAD_2,    BC_LLOAD_3,    BC_FLOAD_0,      BC_FLOAD_1,    BC_FLOAD_2,
        BC_FLOAD_3,    BC_DLOAD_0,    BC_DLOAD_1,    BC_DLOAD_2,      BC_DLOAD_3,    BC_LALOAD,
        BC_FALOAD,     BC_DALOAD,     BC_CALOAD,     BC_LSTORE,       BC_FSTORE,     BC_DSTORE,
        BC_LSTORE_0,   BC_LSTORE_1,   BC_LSTORE_2,   BC_LSTORE_3,     BC_FSTORE_0,   BC_FSTORE_1,
        BC_FSTORE_2,   BC_FSTORE_3,   BC_DSTORE_0,   BC_DSTORE_1,     BC_DSTORE_2,   BC_DSTORE_3,
        BC_LASTORE,    BC_FASTORE,    BC_DASTORE,    BC_CASTORE,      BC_LADD,       BC_FADD,
        BC_DADD,       BC_LSUB,       BC_FSUB,       BC_DSUB,         BC_LMUL,       BC_FMUL,
        BC_DMUL,       BC_LDIV,       BC_FDIV,       BC_DDIV,         BC_LREM,       BC_FREM,
        BC_DREM,       BC_LNEG,       BC_FNEG,       BC_DNEG,         BC_LSHL,       BC_LSHR,
        BC_LUSHR,      BC_LAND,       BC_LOR,        BC_LXOR,         BC_I2L,        BC_I2F,
        BC_I2D,        BC_L2I,        BC_L2F,        BC_L2D,          BC_F2I,        BC_F2L,
        BC_F2D,        BC_D2I,        BC_D2L,        BC_D2F,          BC_I2C,        BC_LCMP,
        BC_FCMPL,      BC_FCMPG,      BC_DCMPL,      BC_DCMPG,        BC_JSR,        BC_RET,
        BC_LRETURN,    BC_FRETURN,    BC_DRETURN,    BC_INVOKEDYNAMIC, BC_MONITORENTER,
        BC_MONITOREXIT, BC_MULTIANEWARRAY, BC_JSR_W,
    };
    for (size_t i = 0; i < sizeof excluded; i++)
        if (excluded[i] == op) return false;
    return true;
}

/* Run by tests/test_jc_rawcode.c from hand-assembled code. */
static const uint8_t rawcode[] = {BC_NOP,    BC_SWAP,   BC_POP2,  BC_DUP_X2, BC_DUP2_X1,
                                  BC_DUP2_X2, BC_DUP2,  BC_GOTO_W, BC_WIDE, BC_LDC_W};

static bool seen[256];
static unsigned packages;

static void scan(const char *path)
{
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t cap = jcl_arena_bound(len);
    void *arena = malloc(cap);
    REQUIRE(arena != NULL);
    const jcl_file *jf;
    char msg[300];
    seam_err e = jcl_parse(buf, len, arena, cap, &jf, msg, sizeof msg);
    if (e != SEAM_OK) fprintf(stderr, "  %s: %s\n", path, msg);
    CHECK(e == SEAM_OK);
    if (e == SEAM_OK) {
        packages++;
        for (unsigned c = 0; c < jf->nclasses; c++)
            for (unsigned m = 0; m < jf->classes[c].nmethods; m++) {
                const jcl_method *me = &jf->classes[c].methods[m];
                bc_walker w;
                bc_insn in;
                bc_walk_init(&w, me->code, me->code_len);
                while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
                    seen[in.opcode] = true;
                    if (in.wide) seen[BC_WIDE] = true;
                }
            }
    }
    free(arena);
}

static void scan_dir(const char *sub)
{
    const char *b = getenv("SEAM_BUILD");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", b ? b : "build", sub);
    DIR *d = opendir(dir);
    REQUIRE(d != NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 4 && !strcmp(de->d_name + n - 4, ".jcl")) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            scan(path);
        }
    }
    closedir(d);
}

static void test_subset_covered(void)
{
    scan_dir("tests/jcvm");
    scan_dir("tests/jcops");
    CHECK(packages >= 2);
    for (size_t i = 0; i < sizeof rawcode; i++) seen[rawcode[i]] = true;
    unsigned subset = 0, missing = 0;
    for (unsigned op = 0; op < 256; op++) {
        if (!in_subset((uint8_t)op)) continue;
        subset++;
        if (!seen[op]) {
            fprintf(stderr, "  %s (0x%02x) is in no test package\n", bc_opcode_name((uint8_t)op),
                    op);
            missing++;
        }
    }
    fprintf(stderr, "  %u opcodes in the subset, %u packages scanned, %u missing\n", subset,
            packages, missing);
    CHECK_EQ(missing, 0);
    /* and nothing outside the subset reached a test package */
    for (unsigned op = 0; op < 256; op++)
        if (seen[op] && !in_subset((uint8_t)op)) {
            fprintf(stderr, "  %s outside the subset in a test package\n",
                    bc_opcode_name((uint8_t)op));
            CHECK(false);
        }
}

int main(void)
{
    RUN(test_subset_covered);
    return check_summary();
}
