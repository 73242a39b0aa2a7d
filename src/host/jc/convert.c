/*
 * The Java Card converter: the class files of one package -> one seam load file (seam/jcl.h,
 * docs/load-file.md). Front end: the class file parser (seam/classfile.h); back end: the writer
 * (jcl_write.c).
 *
 * Two passes over the package's classes, which are first sorted by name so that the output
 * depends only on the inputs' contents:
 *  1. check: every field, method and instruction against the Java Card subset (JCVM 3.0.5 §2.2:
 *     no long, float, double, char, String, threads or monitors, multi-dimensional arrays,
 *     reflection, finalizers, invokedynamic, jsr/ret; native methods only in the API packages),
 *     and resolve every class and member the package references (JVMS §5.4.3: members are found
 *     through superclasses and superinterfaces, as javac's symbolic references require) against
 *     the package itself, the Java Card API class files and imported load files; a member of
 *     another package must be public or protected, a class public. Every problem is reported,
 *     one line each, naming class, member and reason. INT constants (ldc/ldc_w) are collected.
 *  2. build: the CONSTANTS table (INT entries first, so ldc keeps its one-byte operand), every
 *     constant pool operand rewritten in place with the same width (so pcs, branches, handlers
 *     and frames stay valid), full frames, handlers, applets and the imports actually used.
 *
 * Invariant: pass 2 runs only on a package pass 1 accepted, and everything it emits goes through
 * jcw_write, which checks the format's limits again.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seam/classfile.h"
#include "seam/jcconv.h"
#include "seam/jclread.h"

#define MAX_ERRORS 40
#define MAX_DEPTH 64             /* class hierarchy depth searched (cycles end here) */
#define MAX_CLASS_FILE (1 << 20) /* bytes per class file read from a directory */

/* The API packages and their standard AIDs (Java Card 3.0.5; seam/jcl.h). Versions are those
 * of the 3.0.5 export files: java.lang 1.0, javacard.framework 1.6, javacardx.apdu 1.0. */
static const struct {
    const char *name;
    const char *aid; /* holds zero bytes: its length is aid_len, not strlen */
    uint8_t aid_len;
    uint8_t major, minor;
} api_pkgs[] = {
#define API_PKG(name, aid, ma, mi)                                                                 \
    {                                                                                              \
        name, aid, sizeof(aid) - 1, ma, mi                                                         \
    }
    API_PKG("java/lang", JCL_AID_JAVA_LANG, 1, 0),
    API_PKG("javacard/framework", JCL_AID_JAVACARD_FRAMEWORK, 1, 6),
    API_PKG("javacardx/apdu", JCL_AID_JAVACARDX_APDU, 1, 0),
    API_PKG("javacard/security", JCL_AID_JAVACARD_SECURITY, 1, 6),
    API_PKG("javacardx/crypto", JCL_AID_JAVACARDX_CRYPTO, 1, 6),
    API_PKG("seam/trust", JCL_AID_SEAM_TRUST, 1, 0),
    API_PKG("org/globalplatform", JCL_AID_GP_API, 1, 6),
#undef API_PKG
};

typedef struct {
    uint16_t flags;
    const char *name, *desc;
} member;

/* A class as resolution sees it, whatever it came from. */
typedef struct {
    const char *name;
    uint16_t flags;
    const char *super; /* NULL for java/lang/Object */
    uint16_t nif;
    const char **ifs;
    uint16_t nf, nm;
    member *fields, *methods;
    int pkg; /* index into ctx.pkgs; -1 = this package */
} clsinfo;

/* A package other than this one: API or imported. */
typedef struct {
    jcw_package p;
    uint8_t import_no; /* 1..n once referenced, 0 before */
    int from_jcl;      /* an --import'ed load file: its classes are all in ctx.loaded already */
} extpkg;

/* Every allocation of a conversion is on one list, freed at the end. */
typedef struct alloc {
    struct alloc *next;
} alloc;
#define ALLOC_HDR ((sizeof(alloc) + 15) & ~(size_t)15)

typedef struct {
    const jcc_options *o;
    char *msg;
    size_t cap, mlen;
    int nerr;
    seam_err err;
    alloc *allocs;
    char pkgname[256];
    /* this package */
    size_t nown;
    cf_class **own;
    clsinfo *owninfo;
    /* API classes loaded so far */
    size_t nloaded, loadcap;
    clsinfo **loaded;
    cf_class **loadedcf;
    size_t nloadedcf;
    /* packages */
    extpkg pkgs[JCL_MAX_IMPORTS + 8];
    size_t npkgs;
    uint8_t nimports;
    jcw_package imports[JCL_MAX_IMPORTS];
    void *arenas[JCL_MAX_IMPORTS]; /* of the imported load files' descriptions */
    size_t narenas;
    /* constants */
    uint32_t *ints;
    size_t nints, intcap;
    jcw_const *consts;
    size_t nconsts, constcap;
} ctx;

/* ---- memory and messages ------------------------------------------------------------------ */

static void *cx_alloc(ctx *c, size_t n)
{
    alloc *a = calloc(1, ALLOC_HDR + n);
    if (!a) {
        c->err = SEAM_E_NOMEM;
        return NULL;
    }
    a->next = c->allocs;
    c->allocs = a;
    return (uint8_t *)a + ALLOC_HDR;
}

static char *cx_strndup(ctx *c, const char *s, size_t n)
{
    char *d = cx_alloc(c, n + 1);
    if (d) memcpy(d, s, n);
    return d;
}

static void report(ctx *c, seam_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(ctx *c, seam_err e, const char *fmt, ...)
{
    if (c->err == SEAM_OK || c->err == SEAM_E_UNSUPPORTED) c->err = e;
    c->nerr++;
    if (c->nerr > MAX_ERRORS || !c->msg || c->cap < 2) return;
    if (c->nerr == MAX_ERRORS) fmt = "(more errors not shown)";
    if (c->mlen && c->mlen + 1 < c->cap) c->msg[c->mlen++] = '\n';
    if (c->mlen + 1 >= c->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->msg + c->mlen, c->cap - c->mlen, fmt, ap);
    va_end(ap);
    if (k > 0) c->mlen += (size_t)k < c->cap - c->mlen ? (size_t)k : c->cap - c->mlen - 1;
}

/* ---- descriptors and names ---------------------------------------------------------------- */

/* The package part of a class name ("a/b/C" -> "a/b", len 3); 0 for the unnamed package. */
static size_t pkg_len(const char *name)
{
    const char *s = strrchr(name, '/');
    return s ? (size_t)(s - name) : 0;
}

/* Why a descriptor (field or method) is outside the Java Card subset, or NULL. */
static const char *desc_problem(const char *d)
{
    int dims = 0;
    for (const char *p = d; *p; p++) {
        switch (*p) {
        case 'J':
            return "uses long";
        case 'F':
            return "uses float";
        case 'D':
            return "uses double";
        case 'C':
            return "uses char";
        case '[':
            if (++dims > 1) return "uses a multi-dimensional array";
            continue;
        case 'L': {
            const char *e = strchr(p, ';');
            if (!e) return "malformed descriptor";
            size_t n = (size_t)(e - p - 1);
            if (n == 16 && !strncmp(p + 1, "java/lang/String", n))
                return "uses java/lang/String (Java Card has no strings)";
            if (n == 15 && !strncmp(p + 1, "java/lang/Class", n))
                return "uses java/lang/Class (reflection)";
            p = e;
            break;
        }
        default:
            break;
        }
        dims = 0;
    }
    return NULL;
}

/* Why a class name (from a Class entry: a name or an array descriptor) is refused, or NULL. */
static const char *class_problem(const char *name)
{
    if (name[0] == '[') return desc_problem(name);
    if (!strcmp(name, "java/lang/String"))
        return "uses java/lang/String (Java Card has no strings)";
    if (!strcmp(name, "java/lang/Class")) return "uses java/lang/Class (reflection)";
    if (!strcmp(name, "java/lang/Thread") || !strcmp(name, "java/lang/Runnable"))
        return "uses threads";
    return NULL;
}

/* ---- packages and classes ----------------------------------------------------------------- */

static int find_pkg(ctx *c, const char *name, size_t n)
{
    for (size_t i = 0; i < c->npkgs; i++)
        if (strlen(c->pkgs[i].p.name) == n && !strncmp(c->pkgs[i].p.name, name, n)) return (int)i;
    return -1;
}

static clsinfo *info_from_cf(ctx *c, const cf_class *k, clsinfo *ci, int pkg)
{
    ci->name = k->name;
    ci->flags = k->access;
    ci->super = k->super_name;
    ci->pkg = pkg;
    ci->nif = k->ninterfaces;
    ci->ifs = cx_alloc(c, sizeof(char *) * (k->ninterfaces + 1u));
    ci->fields = cx_alloc(c, sizeof(member) * (k->nfields + 1u));
    ci->methods = cx_alloc(c, sizeof(member) * (k->nmethods + 1u));
    if (!ci->ifs || !ci->fields || !ci->methods) return NULL;
    for (uint16_t i = 0; i < k->ninterfaces; i++)
        ci->ifs[i] = cf_class_name(k, k->interfaces[i]);
    ci->nf = k->nfields;
    for (uint16_t i = 0; i < k->nfields; i++)
        ci->fields[i] = (member){k->fields[i].access, k->fields[i].name, k->fields[i].desc};
    ci->nm = k->nmethods;
    for (uint16_t i = 0; i < k->nmethods; i++)
        ci->methods[i] = (member){k->methods[i].access, k->methods[i].name, k->methods[i].desc};
    return ci;
}

static int own_index(const ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nown; i++)
        if (!strcmp(c->own[i]->name, name)) return (int)i;
    return -1;
}

/* Makes room for one more loaded class (and its class file). */
static int grow_loaded(ctx *c)
{
    if (c->nloaded < c->loadcap) return 0;
    size_t ncap = c->loadcap ? c->loadcap * 2 : 32;
    clsinfo **nl = realloc(c->loaded, ncap * sizeof *nl);
    if (nl) c->loaded = nl;
    cf_class **nc = realloc(c->loadedcf, ncap * sizeof *nc);
    if (nc) c->loadedcf = nc;
    if (!nl || !nc) {
        c->err = SEAM_E_NOMEM;
        return -1;
    }
    c->loadcap = ncap;
    return 0;
}

/* Loads an API class file from api_dir, or returns NULL (no message) when there is none. */
static clsinfo *load_api_class(ctx *c, const char *name, int pkg)
{
    if (!c->o->api_dir) return NULL;
    size_t n = strlen(c->o->api_dir) + strlen(name) + 8;
    char *path = cx_alloc(c, n);
    if (!path) return NULL;
    snprintf(path, n, "%s/%s.class", c->o->api_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(MAX_CLASS_FILE);
    size_t len = buf ? fread(buf, 1, MAX_CLASS_FILE, f) : 0;
    fclose(f);
    if (!buf) {
        c->err = SEAM_E_NOMEM;
        return NULL;
    }
    cf_class *k = NULL;
    char m[200];
    seam_err e = cf_parse(buf, len, &k, m, sizeof m);
    free(buf);
    if (e != SEAM_OK) {
        report(c, SEAM_E_IO, "%s: API class file unreadable: %s", path, m);
        return NULL;
    }
    if (strcmp(k->name, name)) {
        report(c, SEAM_E_IO, "%s: holds class %s", path, k->name);
        cf_free(k);
        return NULL;
    }
    if (grow_loaded(c)) {
        cf_free(k);
        return NULL;
    }
    c->loadedcf[c->nloadedcf++] = k;
    clsinfo *ci = cx_alloc(c, sizeof *ci);
    if (!ci || !info_from_cf(c, k, ci, pkg)) return NULL;
    c->loaded[c->nloaded++] = ci;
    return ci;
}

/* The class named `name` (not an array), or NULL; `why` receives the reason when not found. */
static clsinfo *find_class(ctx *c, const char *name, const char **why)
{
    *why = NULL;
    int i = own_index(c, name);
    if (i >= 0) return &c->owninfo[i];
    size_t pl = pkg_len(name);
    if (pl == strlen(c->pkgname) && !strncmp(name, c->pkgname, pl)) {
        *why = "not found in this package";
        return NULL;
    }
    for (size_t k = 0; k < c->nloaded; k++)
        if (!strcmp(c->loaded[k]->name, name)) return c->loaded[k];
    int p = find_pkg(c, name, pl);
    if (p < 0) {
        *why = "in no known package (neither this package, the API nor an --import'ed one)";
        return NULL;
    }
    clsinfo *ci = c->pkgs[p].from_jcl ? NULL : load_api_class(c, name, p);
    if (!ci) *why = "not found in its package";
    return ci;
}

/* Resolves a Class entry's name (a class or an array descriptor); reports and returns -1 when
 * it is refused or missing, else the package (-1 is never a valid package: this package is -2,
 * an array of primitives -3). */
static int resolve_class(ctx *c, const char *where, const char *name, clsinfo **out)
{
    if (out) *out = NULL;
    const char *bad = class_problem(name);
    if (bad) {
        report(c, SEAM_E_UNSUPPORTED, "%s: %s (class %s)", where, bad, name);
        return -1;
    }
    const char *elem = name;
    size_t n = strlen(name);
    if (name[0] == '[') {
        if (name[1] != 'L') return -3;
        elem = name + 2;
        n -= 3;
    }
    char buf[256];
    if (n >= sizeof buf) {
        report(c, SEAM_E_FORMAT, "%s: class name too long: %.60s...", where, name);
        return -1;
    }
    memcpy(buf, elem, n);
    buf[n] = '\0';
    const char *why;
    clsinfo *ci = find_class(c, buf, &why);
    if (!ci) {
        report(c, SEAM_E_NOT_FOUND, "%s: references class %s, %s", where, buf, why);
        return -1;
    }
    if (ci->pkg >= 0 && !(ci->flags & CF_ACC_PUBLIC)) {
        report(c, SEAM_E_NOT_FOUND, "%s: references class %s, which is not public", where, buf);
        return -1;
    }
    if (out && name[0] != '[') *out = ci;
    return ci->pkg >= 0 ? ci->pkg : -2;
}

/* Member lookup through the class, its superinterfaces and superclasses (JVMS §5.4.3.2-4). */
static const member *lookup(ctx *c, const char *cls, int field, const char *name, const char *desc,
                            int depth, const clsinfo **owner)
{
    if (!cls || depth > MAX_DEPTH) return NULL;
    const char *why;
    const clsinfo *ci = find_class(c, cls, &why);
    if (!ci) return NULL;
    const member *ms = field ? ci->fields : ci->methods;
    uint16_t n = field ? ci->nf : ci->nm;
    for (uint16_t i = 0; i < n; i++)
        if (!strcmp(ms[i].name, name) && !strcmp(ms[i].desc, desc)) {
            *owner = ci;
            return &ms[i];
        }
    const member *m = lookup(c, ci->super, field, name, desc, depth + 1, owner);
    for (uint16_t i = 0; !m && i < ci->nif; i++)
        m = lookup(c, ci->ifs[i], field, name, desc, depth + 1, owner);
    if (!m && (ci->flags & CF_ACC_INTERFACE) && !ci->super)
        m = lookup(c, "java/lang/Object", field, name, desc, depth + 1, owner);
    return m;
}

static int is_subclass(ctx *c, const char *cls, const char *of)
{
    for (int d = 0; cls && d < MAX_DEPTH; d++) {
        if (!strcmp(cls, of)) return 1;
        const char *why;
        const clsinfo *ci = find_class(c, cls, &why);
        if (!ci) return 0;
        cls = ci->super;
    }
    return 0;
}

/* ---- pass 1: the subset and resolution ---------------------------------------------------- */

/* What a JVM opcode is refused for, or NULL (JCVM 3.0.5 §2.2). */
static const char *opcode_problem(uint8_t op)
{
    switch (op) {
    case BC_LCONST_0:
    case BC_LCONST_1:
    case BC_LLOAD:
    case BC_LLOAD_0:
    case BC_LLOAD_1:
    case BC_LLOAD_2:
    case BC_LLOAD_3:
    case BC_LALOAD:
    case BC_LSTORE:
    case BC_LSTORE_0:
    case BC_LSTORE_1:
    case BC_LSTORE_2:
    case BC_LSTORE_3:
    case BC_LASTORE:
    case BC_LADD:
    case BC_LSUB:
    case BC_LMUL:
    case BC_LDIV:
    case BC_LREM:
    case BC_LNEG:
    case BC_LSHL:
    case BC_LSHR:
    case BC_LUSHR:
    case BC_LAND:
    case BC_LOR:
    case BC_LXOR:
    case BC_I2L:
    case BC_L2I:
    case BC_L2F:
    case BC_L2D:
    case BC_F2L:
    case BC_D2L:
    case BC_LCMP:
    case BC_LRETURN:
        return "uses long";
    case BC_FCONST_0:
    case BC_FCONST_1:
    case BC_FCONST_2:
    case BC_FLOAD:
    case BC_FLOAD_0:
    case BC_FLOAD_1:
    case BC_FLOAD_2:
    case BC_FLOAD_3:
    case BC_FALOAD:
    case BC_FSTORE:
    case BC_FSTORE_0:
    case BC_FSTORE_1:
    case BC_FSTORE_2:
    case BC_FSTORE_3:
    case BC_FASTORE:
    case BC_FADD:
    case BC_FSUB:
    case BC_FMUL:
    case BC_FDIV:
    case BC_FREM:
    case BC_FNEG:
    case BC_I2F:
    case BC_F2I:
    case BC_F2D:
    case BC_D2F:
    case BC_FCMPL:
    case BC_FCMPG:
    case BC_FRETURN:
        return "uses float";
    case BC_DCONST_0:
    case BC_DCONST_1:
    case BC_DLOAD:
    case BC_DLOAD_0:
    case BC_DLOAD_1:
    case BC_DLOAD_2:
    case BC_DLOAD_3:
    case BC_DALOAD:
    case BC_DSTORE:
    case BC_DSTORE_0:
    case BC_DSTORE_1:
    case BC_DSTORE_2:
    case BC_DSTORE_3:
    case BC_DASTORE:
    case BC_DADD:
    case BC_DSUB:
    case BC_DMUL:
    case BC_DDIV:
    case BC_DREM:
    case BC_DNEG:
    case BC_I2D:
    case BC_D2I:
    case BC_DCMPL:
    case BC_DCMPG:
    case BC_DRETURN:
        return "uses double";
    case BC_CALOAD:
    case BC_CASTORE:
    case BC_I2C:
        return "uses char";
    case BC_MONITORENTER:
    case BC_MONITOREXIT:
        return "uses a monitor (threads and synchronized blocks are not in Java Card)";
    case BC_JSR:
    case BC_JSR_W:
    case BC_RET:
        return "uses jsr/ret subroutines";
    case BC_MULTIANEWARRAY:
        return "uses a multi-dimensional array";
    case BC_INVOKEDYNAMIC:
        return "uses invokedynamic (lambdas and method references are not in Java Card)";
    default:
        return NULL;
    }
}

static void add_int(ctx *c, uint32_t v)
{
    for (size_t i = 0; i < c->nints; i++)
        if (c->ints[i] == v) return;
    if (c->nints == c->intcap) {
        size_t ncap = c->intcap ? c->intcap * 2 : 16;
        uint32_t *p = realloc(c->ints, ncap * sizeof *p);
        if (!p) {
            c->err = SEAM_E_NOMEM;
            return;
        }
        c->ints = p;
        c->intcap = ncap;
    }
    c->ints[c->nints++] = v;
}

/* Checks a Fieldref/Methodref/InterfaceMethodref entry used by an instruction. */
static void check_member_ref(ctx *c, const cf_class *k, const char *where, const bc_insn *in,
                             uint16_t idx)
{
    const cf_const *e = &k->cp[idx];
    const char *cls = cf_class_name(k, e->a);
    const cf_const *nt = &k->cp[e->b];
    const char *name = cf_utf8(k, nt->a), *desc = cf_utf8(k, nt->b);
    const char *op = bc_opcode_name(in->opcode);
    int field = e->tag == CF_CONST_FIELDREF;
    const char *bad = desc_problem(desc);
    if (bad) {
        report(c, SEAM_E_UNSUPPORTED, "%s: %s (%s %s.%s%s%s at pc %u)", where, bad, op, cls, name,
               field ? ":" : "", desc, in->pc);
        return;
    }
    if (in->opcode == BC_INVOKEINTERFACE) {
        uint16_t slots = 0;
        if (e->tag != CF_CONST_INTERFACE_METHODREF ||
            cf_check_method_desc(desc, strlen(desc), &slots) != SEAM_OK ||
            in->operands[2] != slots + 1) {
            report(c, SEAM_E_FORMAT, "%s: invokeinterface at pc %u: bad method or count %u", where,
                   in->pc, in->operands[2]);
            return;
        }
    } else if (e->tag == CF_CONST_INTERFACE_METHODREF) {
        report(c, SEAM_E_UNSUPPORTED,
               "%s: calls static or default interface method %s.%s%s at pc %u (not in Java Card)",
               where, cls, name, desc, in->pc);
        return;
    }
    clsinfo *ci;
    if (resolve_class(c, where, cls, &ci) == -1) return;
    if (cls[0] == '[') {
        report(c, SEAM_E_UNSUPPORTED, "%s: %s of array member %s.%s at pc %u", where, op, cls, name,
               in->pc);
        return;
    }
    const clsinfo *owner = NULL;
    const member *m = lookup(c, cls, field, name, desc, 0, &owner);
    if (!m) {
        report(c, SEAM_E_NOT_FOUND, "%s: %s %s.%s%s%s not found (%s at pc %u)", where,
               field ? "field" : "method", cls, name, field ? ":" : "", desc, op, in->pc);
        return;
    }
    if (owner->pkg >= 0 && !(m->flags & (CF_ACC_PUBLIC | CF_ACC_PROTECTED))) {
        report(c, SEAM_E_NOT_FOUND, "%s: %s %s.%s%s is not accessible from this package (pc %u)",
               where, field ? "field" : "method", owner->name, name, desc, in->pc);
        return;
    }
    int want_static =
        in->opcode == BC_GETSTATIC || in->opcode == BC_PUTSTATIC || in->opcode == BC_INVOKESTATIC;
    if (!!(m->flags & CF_ACC_STATIC) != want_static)
        report(c, SEAM_E_FORMAT, "%s: %s of %s member %s.%s at pc %u", where, op,
               want_static ? "an instance" : "a static", owner->name, name, in->pc);
}

/* The class file parser checks constant pool cross references but not instruction operands
 * (JVMS §4.9.1 leaves them to this layer): an operand must be an entry of a tag the instruction
 * allows (tag2 may be 0 for "only tag1"). */
static int operand_ok(ctx *c, const cf_class *k, const char *where, const bc_insn *in, uint16_t idx,
                      uint8_t tag1, uint8_t tag2)
{
    uint8_t t = idx > 0 && idx < k->cp_count ? k->cp[idx].tag : 0;
    if (t && (t == tag1 || t == tag2 || tag1 == 0)) return 1;
    report(c, SEAM_E_FORMAT, "%s: %s at pc %u: constant pool operand %u is %s", where,
           bc_opcode_name(in->opcode), in->pc, idx,
           t ? "of the wrong kind" : "out of range or unusable");
    return 0;
}

/* The local variable an int/reference load, store or iinc uses, or -1 (other opcodes). */
static int32_t local_index(const bc_insn *in)
{
    uint8_t op = in->opcode;
    if (op == BC_ILOAD || op == BC_ALOAD || op == BC_ISTORE || op == BC_ASTORE || op == BC_IINC)
        return in->wide ? seam_be16(in->operands) : in->operands[0];
    if (op >= BC_ILOAD_0 && op <= BC_ILOAD_3) return op - BC_ILOAD_0;
    if (op >= BC_ALOAD_0 && op <= BC_ALOAD_3) return op - BC_ALOAD_0;
    if (op >= BC_ISTORE_0 && op <= BC_ISTORE_3) return op - BC_ISTORE_0;
    if (op >= BC_ASTORE_0 && op <= BC_ASTORE_3) return op - BC_ASTORE_0;
    return -1;
}

static void check_code(ctx *c, const cf_class *k, const cf_method *m, const char *where)
{
    const cf_code *code = m->code;
    bc_walker w;
    bc_insn in;
    char em[160];
    seam_err e;
    const char *said[8]; /* opcode problems reported for this method: each once, first pc */
    size_t nsaid = 0;
    bc_walk_init(&w, code->code, code->code_len);
    while ((e = bc_walk_next(&w, &in, em, sizeof em)) == SEAM_OK) {
        const char *bad = opcode_problem(in.opcode);
        if (bad) {
            size_t j = 0;
            while (j < nsaid && said[j] != bad)
                j++;
            if (j == nsaid && nsaid < SEAM_ARRAY_LEN(said)) {
                said[nsaid++] = bad;
                report(c, SEAM_E_UNSUPPORTED, "%s: %s (opcode %s at pc %u)", where, bad,
                       bc_opcode_name(in.opcode), in.pc);
            }
            continue;
        }
        int32_t local = local_index(&in);
        if (local >= code->max_locals) {
            report(c, SEAM_E_FORMAT, "%s: %s at pc %u uses local %d, max_locals is %u", where,
                   bc_opcode_name(in.opcode), in.pc, local, code->max_locals);
            continue;
        }
        uint16_t idx = 0;
        switch (in.opcode) {
        case BC_LDC:
        case BC_LDC_W:
        case BC_LDC2_W: {
            idx = in.opcode == BC_LDC ? in.operands[0] : seam_be16(in.operands);
            if (!operand_ok(c, k, where, &in, idx, 0, 0)) break;
            const cf_const *k2 = &k->cp[idx];
            switch (k2->tag) {
            case CF_CONST_INTEGER:
                if (in.opcode == BC_LDC2_W) {
                    report(c, SEAM_E_FORMAT, "%s: ldc2_w of an int at pc %u", where, in.pc);
                    break;
                }
                add_int(c, (uint32_t)k2->bits);
                break;
            case CF_CONST_STRING:
                report(c, SEAM_E_UNSUPPORTED,
                       "%s: uses java/lang/String (string constant \"%.40s\" at pc %u)", where,
                       cf_utf8(k, k2->a), in.pc);
                break;
            case CF_CONST_LONG:
                report(c, SEAM_E_UNSUPPORTED, "%s: uses long (constant at pc %u)", where, in.pc);
                break;
            case CF_CONST_FLOAT:
                report(c, SEAM_E_UNSUPPORTED, "%s: uses float (constant at pc %u)", where, in.pc);
                break;
            case CF_CONST_DOUBLE:
                report(c, SEAM_E_UNSUPPORTED, "%s: uses double (constant at pc %u)", where, in.pc);
                break;
            case CF_CONST_CLASS:
                report(c, SEAM_E_UNSUPPORTED,
                       "%s: uses java/lang/Class (reflection: class literal %s at pc %u)", where,
                       cf_class_name(k, idx), in.pc);
                break;
            default:
                report(c, SEAM_E_UNSUPPORTED, "%s: uses method handles (ldc at pc %u)", where,
                       in.pc);
            }
            break;
        }
        case BC_NEWARRAY: {
            uint8_t t = in.operands[0];
            if (t == BC_T_LONG || t == BC_T_FLOAT || t == BC_T_DOUBLE || t == BC_T_CHAR)
                report(c, SEAM_E_UNSUPPORTED, "%s: uses %s (newarray at pc %u)", where,
                       t == BC_T_LONG    ? "long"
                       : t == BC_T_FLOAT ? "float"
                       : t == BC_T_CHAR  ? "char"
                                         : "double",
                       in.pc);
            break;
        }
        case BC_ANEWARRAY:
        case BC_NEW:
        case BC_CHECKCAST:
        case BC_INSTANCEOF: {
            idx = seam_be16(in.operands);
            if (!operand_ok(c, k, where, &in, idx, CF_CONST_CLASS, 0)) break;
            const char *cls = cf_class_name(k, idx);
            if (in.opcode == BC_ANEWARRAY && cls[0] == '[') {
                report(c, SEAM_E_UNSUPPORTED,
                       "%s: uses a multi-dimensional array (anewarray of %s at pc %u)", where, cls,
                       in.pc);
                break;
            }
            if (in.opcode == BC_NEW && cls[0] == '[') {
                report(c, SEAM_E_FORMAT, "%s: new of array class at pc %u", where, in.pc);
                break;
            }
            clsinfo *ci;
            int p = resolve_class(c, where, cls, &ci);
            if (p != -1 && in.opcode == BC_NEW && ci &&
                (ci->flags & (CF_ACC_INTERFACE | CF_ACC_ABSTRACT)))
                report(c, SEAM_E_FORMAT, "%s: new of abstract class %s at pc %u", where, cls,
                       in.pc);
            break;
        }
        case BC_GETSTATIC:
        case BC_PUTSTATIC:
        case BC_GETFIELD:
        case BC_PUTFIELD:
        case BC_INVOKEVIRTUAL:
        case BC_INVOKESPECIAL:
        case BC_INVOKESTATIC:
        case BC_INVOKEINTERFACE: {
            idx = seam_be16(in.operands);
            uint8_t t1 = in.opcode <= BC_PUTFIELD          ? CF_CONST_FIELDREF
                         : in.opcode == BC_INVOKEINTERFACE ? CF_CONST_INTERFACE_METHODREF
                                                           : CF_CONST_METHODREF;
            uint8_t t2 = in.opcode == BC_INVOKESPECIAL || in.opcode == BC_INVOKESTATIC
                             ? CF_CONST_INTERFACE_METHODREF
                             : 0;
            if (operand_ok(c, k, where, &in, idx, t1, t2)) check_member_ref(c, k, where, &in, idx);
            break;
        }
        default:
            break;
        }
    }
    if (e != SEAM_E_NOT_FOUND) report(c, SEAM_E_FORMAT, "%s: %s", where, em);
    for (uint16_t i = 0; i < code->nhandlers; i++)
        if (code->handlers[i].catch_type)
            resolve_class(c, where, cf_class_name(k, code->handlers[i].catch_type), NULL);
    for (uint16_t i = 0; i < code->nframes; i++) {
        const cf_frame *f = &code->frames[i];
        for (uint32_t j = 0; j < (uint32_t)f->nlocals + f->nstack; j++) {
            const cf_vtype *t = j < f->nlocals ? &f->locals[j] : &f->stack[j - f->nlocals];
            if (t->tag == CF_VT_OBJECT) {
                char *nm = cx_strndup(c, t->name, t->name_len);
                if (nm) resolve_class(c, where, nm, NULL);
            } else if (t->tag == CF_VT_FLOAT || t->tag == CF_VT_LONG || t->tag == CF_VT_DOUBLE)
                report(c, SEAM_E_UNSUPPORTED, "%s: uses %s (stack map frame at pc %u)", where,
                       t->tag == CF_VT_FLOAT  ? "float"
                       : t->tag == CF_VT_LONG ? "long"
                                              : "double",
                       f->offset);
        }
    }
}

static void check_class(ctx *c, const cf_class *k, int api_pkg)
{
    char where[512];
    if (k->super_name)
        resolve_class(c, k->name, k->super_name, NULL);
    else if (strcmp(k->name, "java/lang/Object"))
        report(c, SEAM_E_FORMAT, "%s: has no superclass", k->name);
    for (uint16_t i = 0; i < k->ninterfaces; i++)
        resolve_class(c, k->name, cf_class_name(k, k->interfaces[i]), NULL);
    if (k->nbootstrap)
        report(c, SEAM_E_UNSUPPORTED,
               "%s: has bootstrap methods (lambdas and invokedynamic are not in Java Card)",
               k->name);
    for (uint16_t i = 0; i < k->nfields; i++) {
        const cf_field *f = &k->fields[i];
        snprintf(where, sizeof where, "%s.%s", k->name, f->name);
        const char *bad = desc_problem(f->desc);
        if (bad)
            report(c, SEAM_E_UNSUPPORTED, "%s: %s (field of type %s)", where, bad, f->desc);
        else if (f->desc[0] == 'L' || (f->desc[0] == '[' && f->desc[1] == 'L')) {
            size_t n = strlen(f->desc);
            char *nm =
                f->desc[0] == 'L' ? cx_strndup(c, f->desc + 1, n - 2) : cx_strndup(c, f->desc, n);
            if (nm) resolve_class(c, where, nm, NULL);
        }
        if (f->access & CF_ACC_VOLATILE)
            report(c, SEAM_E_UNSUPPORTED, "%s: volatile field (threads are not in Java Card)",
                   where);
    }
    for (uint16_t i = 0; i < k->nmethods; i++) {
        const cf_method *m = &k->methods[i];
        snprintf(where, sizeof where, "%s.%s%s", k->name, m->name, m->desc);
        const char *bad = desc_problem(m->desc);
        if (bad) report(c, SEAM_E_UNSUPPORTED, "%s: %s (method descriptor)", where, bad);
        if (m->access & CF_ACC_SYNCHRONIZED)
            report(c, SEAM_E_UNSUPPORTED,
                   "%s: synchronized method (threads and monitors are not in Java Card)", where);
        if ((m->access & CF_ACC_NATIVE) && !api_pkg)
            report(c, SEAM_E_UNSUPPORTED,
                   "%s: native method (only the Java Card API may have native methods)", where);
        if (!strcmp(m->name, "finalize") && !strcmp(m->desc, "()V"))
            report(c, SEAM_E_UNSUPPORTED, "%s: finalizer (Java Card has no finalization)", where);
        if ((k->access & CF_ACC_INTERFACE) && m->code && strcmp(m->name, "<clinit>"))
            report(c, SEAM_E_UNSUPPORTED,
                   "%s: static or default interface method (not in Java Card)", where);
        if (m->code && m->code->code_len > JCL_MAX_CODE)
            report(c, SEAM_E_UNSUPPORTED, "%s: %u bytes of code (Java Card allows %u)", where,
                   m->code->code_len, JCL_MAX_CODE);
        if (!bad && m->code) check_code(c, k, m, where);
    }
}

/* ---- pass 2: the load file model ---------------------------------------------------------- */

static uint16_t add_const(ctx *c, jcw_const k)
{
    if (c->nints + c->nconsts + 1 > JCL_MAX_CONSTANTS) {
        report(c, SEAM_E_UNSUPPORTED, "more than %u constants in the package", JCL_MAX_CONSTANTS);
        return 0;
    }
    if (c->nconsts == c->constcap) {
        size_t ncap = c->constcap ? c->constcap * 2 : 64;
        jcw_const *p = realloc(c->consts, ncap * sizeof *p);
        if (!p) {
            c->err = SEAM_E_NOMEM;
            return 0;
        }
        c->consts = p;
        c->constcap = ncap;
    }
    c->consts[c->nconsts++] = k;
    return (uint16_t)(c->nints + c->nconsts);
}

/* The CLASS entry of a class name or array descriptor (NUL-terminated), added when new. */
static uint16_t intern_class(ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nconsts; i++)
        if (c->consts[i].kind == JCL_CONST_CLASS && !strcmp(c->consts[i].name, name))
            return (uint16_t)(c->nints + i + 1);
    int p = resolve_class(c, name, name, NULL);
    if (p == -1) return 0;
    uint8_t pkg = JCL_PKG_SELF;
    if (p >= 0) {
        extpkg *x = &c->pkgs[p];
        if (!x->import_no) {
            if (c->nimports >= JCL_MAX_IMPORTS) {
                report(c, SEAM_E_UNSUPPORTED, "more than %u imported packages", JCL_MAX_IMPORTS);
                return 0;
            }
            c->imports[c->nimports++] = x->p;
            x->import_no = c->nimports;
        }
        pkg = x->import_no;
    }
    return add_const(c, (jcw_const){.kind = JCL_CONST_CLASS, .pkg = pkg, .name = name});
}

static uint16_t intern_member(ctx *c, uint8_t kind, uint16_t cls, const char *name,
                              const char *desc)
{
    for (size_t i = 0; i < c->nconsts; i++) {
        const jcw_const *k = &c->consts[i];
        if (k->kind == kind && k->cls == cls && !strcmp(k->name, name) && !strcmp(k->desc, desc))
            return (uint16_t)(c->nints + i + 1);
    }
    return add_const(c, (jcw_const){.kind = kind, .cls = cls, .name = name, .desc = desc});
}

static uint16_t int_index(const ctx *c, uint32_t v)
{
    for (size_t i = 0; i < c->nints; i++)
        if (c->ints[i] == v) return (uint16_t)(i + 1);
    return 0;
}

static int build_type(ctx *c, const cf_vtype *t, jcw_type *out)
{
    switch (t->tag) {
    case CF_VT_TOP:
        out->tag = JCL_TYPE_TOP;
        return 0;
    case CF_VT_INTEGER:
        out->tag = JCL_TYPE_INT;
        return 0;
    case CF_VT_NULL:
        out->tag = JCL_TYPE_NULL;
        return 0;
    case CF_VT_UNINITIALIZED_THIS:
        out->tag = JCL_TYPE_UNINIT_THIS;
        return 0;
    case CF_VT_UNINITIALIZED:
        out->tag = JCL_TYPE_UNINIT;
        out->arg = t->offset;
        return 0;
    case CF_VT_OBJECT: {
        char *nm = cx_strndup(c, t->name, t->name_len);
        out->tag = JCL_TYPE_OBJECT;
        out->arg = nm ? intern_class(c, nm) : 0;
        return out->arg ? 0 : -1;
    }
    default:
        return -1; /* refused in pass 1 */
    }
}

static int build_method(ctx *c, const cf_class *k, const cf_method *m, jcw_method *out)
{
    out->flags = m->access;
    out->name = m->name;
    out->desc = m->desc;
    const cf_code *code = m->code;
    if (!code) return 0;
    out->max_stack = code->max_stack;
    out->max_locals = code->max_locals;
    out->code_len = code->code_len;
    uint8_t *bc = cx_alloc(c, code->code_len);
    if (!bc) return -1;
    memcpy(bc, code->code, code->code_len);
    out->code = bc;

    bc_walker w;
    bc_insn in;
    bc_walk_init(&w, code->code, code->code_len);
    while (bc_walk_next(&w, &in, NULL, 0) == SEAM_OK) {
        size_t at = (size_t)(in.operands - code->code);
        uint16_t idx, nidx = 0;
        switch (in.opcode) {
        case BC_LDC:
            nidx = int_index(c, (uint32_t)k->cp[in.operands[0]].bits);
            if (nidx > 255) {
                report(c, SEAM_E_UNSUPPORTED,
                       "%s.%s%s: ldc of the package's int constant number %u at pc %u (at most "
                       "255 int constants)",
                       k->name, m->name, m->desc, nidx, in.pc);
                return -1;
            }
            bc[at] = (uint8_t)nidx;
            continue;
        case BC_LDC_W:
            nidx = int_index(c, (uint32_t)k->cp[seam_be16(in.operands)].bits);
            break;
        case BC_NEW:
        case BC_ANEWARRAY:
        case BC_CHECKCAST:
        case BC_INSTANCEOF:
            nidx = intern_class(c, cf_class_name(k, seam_be16(in.operands)));
            break;
        case BC_GETSTATIC:
        case BC_PUTSTATIC:
        case BC_GETFIELD:
        case BC_PUTFIELD:
        case BC_INVOKEVIRTUAL:
        case BC_INVOKESPECIAL:
        case BC_INVOKESTATIC:
        case BC_INVOKEINTERFACE: {
            idx = seam_be16(in.operands);
            const cf_const *e = &k->cp[idx];
            const cf_const *nt = &k->cp[e->b];
            uint16_t cls = intern_class(c, cf_class_name(k, e->a));
            uint8_t kind = e->tag == CF_CONST_FIELDREF    ? JCL_CONST_FIELD
                           : e->tag == CF_CONST_METHODREF ? JCL_CONST_METHOD
                                                          : JCL_CONST_IMETHOD;
            if (cls) nidx = intern_member(c, kind, cls, cf_utf8(k, nt->a), cf_utf8(k, nt->b));
            break;
        }
        default:
            continue;
        }
        if (!nidx) return -1;
        seam_put_be16(bc + at, nidx);
    }

    out->nhandlers = code->nhandlers;
    jcw_handler *h = cx_alloc(c, sizeof *h * (code->nhandlers + 1u));
    if (!h) return -1;
    for (uint16_t i = 0; i < code->nhandlers; i++) {
        const cf_handler *ch = &code->handlers[i];
        h[i] = (jcw_handler){ch->start_pc, ch->end_pc, ch->handler_pc, 0};
        if (ch->catch_type) {
            h[i].catch_class = intern_class(c, cf_class_name(k, ch->catch_type));
            if (!h[i].catch_class) return -1;
        }
    }
    out->handlers = h;

    out->nframes = code->nframes;
    jcw_frame *fr = cx_alloc(c, sizeof *fr * (code->nframes + 1u));
    if (!fr) return -1;
    for (uint16_t i = 0; i < code->nframes; i++) {
        const cf_frame *f = &code->frames[i];
        jcw_type *t = cx_alloc(c, sizeof *t * ((size_t)f->nlocals + f->nstack + 1));
        if (!t) return -1;
        fr[i] = (jcw_frame){f->offset, f->nlocals, f->nstack, t, t + f->nlocals};
        for (uint16_t j = 0; j < f->nlocals; j++)
            if (build_type(c, &f->locals[j], &t[j])) return -1;
        for (uint16_t j = 0; j < f->nstack; j++)
            if (build_type(c, &f->stack[j], &t[f->nlocals + j])) return -1;
    }
    out->frames = fr;
    return 0;
}

static int build_class(ctx *c, const cf_class *k, jcw_class *out)
{
    out->name = k->name;
    out->flags = k->access;
    if (k->super_name && !(out->super = intern_class(c, k->super_name))) return -1;
    if (k->ninterfaces > 255) {
        report(c, SEAM_E_UNSUPPORTED, "%s: more than 255 interfaces", k->name);
        return -1;
    }
    out->ninterfaces = (uint8_t)k->ninterfaces;
    uint16_t *ifs = cx_alloc(c, sizeof *ifs * (k->ninterfaces + 1u));
    jcw_field *fs = cx_alloc(c, sizeof *fs * (k->nfields + 1u));
    jcw_method *ms = cx_alloc(c, sizeof *ms * (k->nmethods + 1u));
    if (!ifs || !fs || !ms) return -1;
    for (uint16_t i = 0; i < k->ninterfaces; i++)
        if (!(ifs[i] = intern_class(c, cf_class_name(k, k->interfaces[i])))) return -1;
    for (uint16_t i = 0; i < k->nfields; i++)
        fs[i] = (jcw_field){k->fields[i].access, k->fields[i].name, k->fields[i].desc};
    for (uint16_t i = 0; i < k->nmethods; i++)
        if (build_method(c, k, &k->methods[i], &ms[i])) return -1;
    out->interfaces = ifs;
    out->nfields = k->nfields;
    out->fields = fs;
    out->nmethods = k->nmethods;
    out->methods = ms;
    return 0;
}

/* ---- applets ------------------------------------------------------------------------------ */

static int applet_class(ctx *c, const jcc_applet *a)
{
    char name[600];
    const char *s = a->cls ? a->cls : "";
    if (strlen(s) > 255) {
        report(c, SEAM_E_ARG, "--applet: class name too long");
        return -1;
    }
    if (!strchr(s, '.') && !strchr(s, '/'))
        snprintf(name, sizeof name, "%s/%s", c->pkgname, s);
    else
        snprintf(name, sizeof name, "%s", s);
    for (char *p = name; *p; p++)
        if (*p == '.') *p = '/';
    int i = own_index(c, name);
    if (i < 0) {
        report(c, SEAM_E_ARG, "--applet %s: no class %s in package %s", s, name, c->pkgname);
        return -1;
    }
    const cf_class *k = c->own[i];
    if (!is_subclass(c, k->name, "javacard/framework/Applet"))
        report(c, SEAM_E_ARG, "--applet %s: %s does not extend javacard.framework.Applet", s, name);
    if (k->access & (CF_ACC_ABSTRACT | CF_ACC_INTERFACE))
        report(c, SEAM_E_ARG, "--applet %s: %s is abstract", s, name);
    int has_install = 0;
    for (uint16_t j = 0; j < k->nmethods; j++)
        if (!strcmp(k->methods[j].name, "install") && !strcmp(k->methods[j].desc, "([BSB)V") &&
            (k->methods[j].access & CF_ACC_STATIC))
            has_install = 1;
    if (!has_install)
        report(c, SEAM_E_ARG,
               "--applet %s: %s does not declare static install(byte[], short, byte)", s, name);
    if (a->aid.len < 5 || a->aid.len > 16)
        report(c, SEAM_E_ARG, "--applet %s: AID of %u bytes (5..16 allowed)", s, a->aid.len);
    return i;
}

/* ---- imported load files ----------------------------------------------------------------- */

static const char *jstr(ctx *c, jcl_str s)
{
    return cx_strndup(c, s.p, s.len);
}

static int add_loaded(ctx *c, clsinfo *ci)
{
    if (grow_loaded(c)) return -1;
    c->loaded[c->nloaded++] = ci;
    return 0;
}

/* Reads an --import'ed load file with the shared strict reader and makes its classes visible
 * to resolution as package `pkg` (its export information: every class and member it declares;
 * the access checks of resolution keep non-public ones out of reach). */
static void add_import(ctx *c, const uint8_t *data, size_t len, const char *what)
{
    if (c->narenas == JCL_MAX_IMPORTS) {
        report(c, SEAM_E_ARG, "%s: more than %u imports", what, JCL_MAX_IMPORTS);
        return;
    }
    size_t cap = jcl_arena_bound(len);
    void *arena = malloc(cap ? cap : 1);
    if (!arena) {
        c->err = SEAM_E_NOMEM;
        return;
    }
    c->arenas[c->narenas++] = arena;
    const jcl_file *f = NULL;
    char m[256];
    if (jcl_parse(data, len, arena, cap, &f, m, sizeof m) != SEAM_OK) {
        report(c, SEAM_E_FORMAT, "%s: not a valid load file: %s", what, m);
        return;
    }
    const char *name = jstr(c, f->package.name);
    if (!name) return;
    if (!strcmp(name, c->pkgname) || find_pkg(c, name, strlen(name)) >= 0) {
        report(c, SEAM_E_ARG,
               "%s: package %s is imported twice, or is this package or an API "
               "package",
               what, name);
        return;
    }
    for (size_t i = 0; i < c->npkgs; i++)
        if (c->pkgs[i].p.aid.len == f->package.aid.len &&
            !memcmp(c->pkgs[i].p.aid.b, f->package.aid.p, f->package.aid.len))
            report(c, SEAM_E_ARG, "%s: package AID already used by %s", what, c->pkgs[i].p.name);
    if (c->o->package_aid.len == f->package.aid.len &&
        !memcmp(c->o->package_aid.b, f->package.aid.p, f->package.aid.len))
        report(c, SEAM_E_ARG, "%s: has this package's AID", what);
    int p = (int)c->npkgs;
    extpkg *x = &c->pkgs[c->npkgs++];
    x->p.name = name;
    x->p.aid.len = f->package.aid.len;
    memcpy(x->p.aid.b, f->package.aid.p, f->package.aid.len);
    x->p.major = f->package.major;
    x->p.minor = f->package.minor;
    x->from_jcl = 1;
    for (unsigned i = 0; i < f->nclasses; i++) {
        const jcl_class *k = &f->classes[i];
        clsinfo *ci = cx_alloc(c, sizeof *ci);
        if (!ci) return;
        ci->name = jstr(c, k->name);
        ci->flags = k->flags;
        ci->super = k->super ? jstr(c, f->consts[k->super].name) : NULL;
        ci->pkg = p;
        ci->nif = k->ninterfaces;
        ci->ifs = cx_alloc(c, sizeof(char *) * (k->ninterfaces + 1u));
        ci->nf = k->nfields;
        ci->fields = cx_alloc(c, sizeof(member) * (k->nfields + 1u));
        ci->nm = k->nmethods;
        ci->methods = cx_alloc(c, sizeof(member) * (k->nmethods + 1u));
        if (!ci->ifs || !ci->fields || !ci->methods) return;
        for (unsigned j = 0; j < k->ninterfaces; j++)
            ci->ifs[j] = jstr(c, f->consts[k->interfaces[j]].name);
        for (unsigned j = 0; j < k->nfields; j++)
            ci->fields[j] = (member){k->fields[j].flags, jstr(c, k->fields[j].name),
                                     jstr(c, k->fields[j].desc)};
        for (unsigned j = 0; j < k->nmethods; j++)
            ci->methods[j] = (member){k->methods[j].flags, jstr(c, k->methods[j].name),
                                      jstr(c, k->methods[j].desc)};
        if (c->err == SEAM_E_NOMEM || add_loaded(c, ci)) return;
    }
}

/* ---- entry points ------------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp((*(cf_class *const *)a)->name, (*(cf_class *const *)b)->name);
}

static void ctx_free(ctx *c)
{
    for (size_t i = 0; i < c->nown; i++)
        cf_free(c->own ? c->own[i] : NULL);
    for (size_t i = 0; i < c->nloadedcf; i++)
        cf_free(c->loadedcf[i]);
    free(c->loadedcf);
    free(c->loaded);
    for (size_t i = 0; i < c->narenas; i++)
        free(c->arenas[i]);
    free(c->ints);
    free(c->consts);
    while (c->allocs) {
        alloc *n = c->allocs->next;
        free(c->allocs);
        c->allocs = n;
    }
}

static seam_err convert(ctx *c, const jcc_input *in, size_t n, uint8_t **out, size_t *out_len)
{
    const jcc_options *o = c->o;
    if (n == 0) {
        report(c, SEAM_E_ARG, "no class files to convert");
        return c->err;
    }
    if (n > JCL_MAX_CLASSES) {
        report(c, SEAM_E_UNSUPPORTED, "%zu classes (a package holds at most %u)", n,
               JCL_MAX_CLASSES);
        return c->err;
    }
    c->own = cx_alloc(c, sizeof *c->own * n);
    c->owninfo = cx_alloc(c, sizeof *c->owninfo * n);
    if (!c->own || !c->owninfo) return SEAM_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        char m[256];
        seam_err e = cf_parse(in[i].data, in[i].len, &c->own[c->nown], m, sizeof m);
        if (e != SEAM_OK) {
            report(c, e == SEAM_E_NOMEM ? SEAM_E_NOMEM : SEAM_E_FORMAT, "%s: %s",
                   in[i].path ? in[i].path : "class file", m);
            continue;
        }
        c->nown++;
    }
    if (c->nerr) return c->err;
    qsort(c->own, c->nown, sizeof *c->own, by_name);

    /* one package, named, no class twice */
    const char *first = c->own[0]->name;
    size_t pl = pkg_len(first);
    if (pl == 0 || pl >= sizeof c->pkgname) {
        report(c, SEAM_E_ARG, "%s: classes must be in a named package", first);
        return c->err;
    }
    memcpy(c->pkgname, first, pl);
    c->pkgname[pl] = '\0';
    for (size_t i = 0; i < c->nown; i++) {
        const char *nm = c->own[i]->name;
        if (pkg_len(nm) != pl || strncmp(nm, first, pl))
            report(c, SEAM_E_ARG, "%s is not in package %s: convert one package at a time", nm,
                   c->pkgname);
        if (i && !strcmp(nm, c->own[i - 1]->name))
            report(c, SEAM_E_ARG, "class %s given twice", nm);
    }
    if (c->nerr) return c->err;

    /* the packages other than this one: the API, then the imports */
    int api_pkg = 0;
    for (size_t i = 0; i < SEAM_ARRAY_LEN(api_pkgs); i++) {
        if (!strcmp(api_pkgs[i].name, c->pkgname)) {
            api_pkg = 1;
            continue;
        }
        extpkg *x = &c->pkgs[c->npkgs++];
        x->p.name = api_pkgs[i].name;
        x->p.aid.len = api_pkgs[i].aid_len;
        memcpy(x->p.aid.b, api_pkgs[i].aid, x->p.aid.len);
        x->p.major = api_pkgs[i].major;
        x->p.minor = api_pkgs[i].minor;
    }
    for (size_t i = 0; i < o->nimports; i++)
        add_import(c, o->import_data[i], o->import_len[i],
                   o->import_names && o->import_names[i] ? o->import_names[i] : "import");
    if (c->nerr || c->err != SEAM_OK) return c->err != SEAM_OK ? c->err : SEAM_E_ARG;
    for (size_t i = 0; i < c->nown; i++)
        if (!info_from_cf(c, c->own[i], &c->owninfo[i], -1)) return SEAM_E_NOMEM;

    /* pass 1 */
    for (size_t i = 0; i < c->nown; i++)
        check_class(c, c->own[i], api_pkg);
    int applet_idx[JCL_MAX_APPLETS];
    if (o->napplets > JCL_MAX_APPLETS)
        report(c, SEAM_E_ARG, "%zu applets (at most %u)", o->napplets, JCL_MAX_APPLETS);
    for (size_t i = 0; i < o->napplets && i < JCL_MAX_APPLETS; i++) {
        applet_idx[i] = applet_class(c, &o->applets[i]);
        for (size_t j = 0; j < i; j++)
            if (o->applets[j].aid.len == o->applets[i].aid.len &&
                !memcmp(o->applets[j].aid.b, o->applets[i].aid.b, o->applets[i].aid.len))
                report(c, SEAM_E_ARG, "--applet %s: AID already used by --applet %s",
                       o->applets[i].cls, o->applets[j].cls);
    }
    if (o->package_aid.len < 5 || o->package_aid.len > 16)
        report(c, SEAM_E_ARG, "package AID of %u bytes (5..16 allowed)", o->package_aid.len);
    if (c->nerr || c->err != SEAM_OK) return c->err != SEAM_OK ? c->err : SEAM_E_FORMAT;

    /* pass 2 */
    jcw_class *classes = cx_alloc(c, sizeof *classes * c->nown);
    if (!classes) return SEAM_E_NOMEM;
    for (size_t i = 0; i < c->nown; i++)
        if (build_class(c, c->own[i], &classes[i]))
            return c->err != SEAM_OK ? c->err : SEAM_E_FORMAT;
    jcw_applet applets[JCL_MAX_APPLETS];
    for (size_t i = 0; i < o->napplets; i++)
        applets[i] = (jcw_applet){o->applets[i].aid, (uint8_t)applet_idx[i]};

    /* constants: INT entries first */
    size_t total = c->nints + c->nconsts;
    jcw_const *all = cx_alloc(c, sizeof *all * (total + 1));
    if (!all) return SEAM_E_NOMEM;
    for (size_t i = 0; i < c->nints; i++)
        all[i] = (jcw_const){.kind = JCL_CONST_INT, .value = c->ints[i]};
    if (c->nconsts) memcpy(all + c->nints, c->consts, sizeof *all * c->nconsts);

    jcw_file f = {
        .package = {o->package_aid, c->pkgname, o->major, o->minor},
        .nimports = c->nimports,
        .imports = c->imports,
        .nconsts = (uint16_t)total,
        .consts = all,
        .nclasses = (uint8_t)c->nown,
        .classes = classes,
        .napplets = (uint8_t)o->napplets,
        .applets = applets,
    };
    seam_err e = jcw_write(&f, out, out_len, c->msg, c->cap);
    return e;
}

seam_err jcc_convert(const jcc_input *in, size_t n, const jcc_options *o, uint8_t **out,
                     size_t *out_len, char *msg, size_t cap)
{
    if (msg && cap) msg[0] = '\0';
    if ((!in && n) || !o || !out || !out_len) return SEAM_E_ARG;
    *out = NULL;
    *out_len = 0;
    ctx c = {.o = o, .msg = msg, .cap = cap};
    seam_err e = convert(&c, in, n, out, out_len);
    if (e == SEAM_OK && c.err != SEAM_OK) e = c.err;
    if (e != SEAM_OK) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    ctx_free(&c);
    return e;
}
