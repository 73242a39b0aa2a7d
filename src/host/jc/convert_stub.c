/*
 * jcc_write_stubs: the export side of `--import` for javac. A load file carries its package's
 * classes and members (its export information, as a Java Card export file does); to compile a
 * client package against it, `seam jc build` writes one class file per public class or
 * interface of the imported package (JVMS §4.1, version 52.0) holding the class's name, flags,
 * super class, interfaces and public or protected fields and methods, with no code and no
 * attributes: all that javac reads from a class on its classpath.
 *
 * Left out: static final fields of primitive type. javac would inline a compile-time constant
 * from its ConstantValue attribute, and the load file format 1.0 does not carry the value; a stub
 * without it would make javac emit getstatic of a field that the card never initialises. So a
 * client that uses such a constant fails to compile ("cannot find symbol") rather than reading 0.
 *
 * The load file is read with the shared strict reader first; names are checked there (JVMS §4.2
 * internal form), and each path component is refused if it is "." or "..", so a hostile import
 * cannot write outside dir.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seam/gbuf.h"
#include "seam/jcconv.h"
#include "seam/jclread.h"

static uint16_t cp_utf8(gbuf *cp, uint16_t *n, jcl_str s)
{
    gbuf_u8(cp, 1);
    gbuf_u16(cp, s.len);
    gbuf_put(cp, s.p, s.len);
    return ++*n;
}
static uint16_t cp_class(gbuf *cp, uint16_t *n, jcl_str s)
{
    uint16_t u = cp_utf8(cp, n, s);
    gbuf_u8(cp, 7);
    gbuf_u16(cp, u);
    return ++*n;
}

static int exported(uint16_t flags)
{
    return (flags & (0x0001 | 0x0004)) != 0; /* public or protected */
}

/* The class file of one class; NULL on allocation failure. */
static uint8_t *stub_class(const jcl_file *f, const jcl_class *k, size_t *len)
{
    gbuf cp = {0}, body = {0};
    uint16_t n = 0;
    uint16_t self = cp_class(&cp, &n, k->name);
    uint16_t super = k->super ? cp_class(&cp, &n, f->consts[k->super].name) : 0;
    gbuf_u16(&body, k->flags & 0x7631);
    gbuf_u16(&body, self);
    gbuf_u16(&body, super);
    gbuf_u16(&body, k->ninterfaces);
    for (unsigned i = 0; i < k->ninterfaces; i++)
        gbuf_u16(&body, cp_class(&cp, &n, f->consts[k->interfaces[i]].name));
    uint16_t nf = 0;
    for (unsigned i = 0; i < k->nfields; i++) {
        const jcl_field *fl = &k->fields[i];
        int constant =
            (fl->flags & 0x0018) == 0x0018 && fl->desc.p[0] != 'L' && fl->desc.p[0] != '[';
        if (exported(fl->flags) && !constant) nf++;
    }
    gbuf_u16(&body, nf);
    for (unsigned i = 0; i < k->nfields; i++) {
        const jcl_field *fl = &k->fields[i];
        int constant =
            (fl->flags & 0x0018) == 0x0018 && fl->desc.p[0] != 'L' && fl->desc.p[0] != '[';
        if (!exported(fl->flags) || constant) continue;
        gbuf_u16(&body, fl->flags & 0x50df);
        gbuf_u16(&body, cp_utf8(&cp, &n, fl->name));
        gbuf_u16(&body, cp_utf8(&cp, &n, fl->desc));
        gbuf_u16(&body, 0);
    }
    uint16_t nm = 0;
    for (unsigned i = 0; i < k->nmethods; i++)
        if (exported(k->methods[i].flags)) nm++;
    gbuf_u16(&body, nm);
    for (unsigned i = 0; i < k->nmethods; i++) {
        const jcl_method *m = &k->methods[i];
        if (!exported(m->flags)) continue;
        gbuf_u16(&body, m->flags & 0x1dff);
        gbuf_u16(&body, cp_utf8(&cp, &n, m->name));
        gbuf_u16(&body, cp_utf8(&cp, &n, m->desc));
        gbuf_u16(&body, 0);
    }
    gbuf_u16(&body, 0); /* class attributes */

    gbuf out = {0};
    gbuf_u32(&out, 0xCAFEBABEu);
    gbuf_u16(&out, 0);
    gbuf_u16(&out, 52);
    gbuf_u16(&out, (uint16_t)(n + 1));
    gbuf_put(&out, cp.p, cp.len);
    gbuf_put(&out, body.p, body.len);
    int bad = cp.oom || body.oom || out.oom;
    free(cp.p);
    free(body.p);
    if (bad) {
        free(out.p);
        return NULL;
    }
    *len = out.len;
    return out.p;
}

/* mkdir -p of the directories of dir/name; refuses "." and ".." components. */
static int make_dirs(const char *dir, jcl_str name, char *path, size_t cap)
{
    int k = snprintf(path, cap, "%s/%.*s.class", dir, name.len, name.p);
    if (k < 0 || (size_t)k >= cap) return -1;
    char *start = path + strlen(dir) + 1;
    for (char *s = start;; s++) {
        char *e = strchr(s, '/');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.')) return -1;
        if (!e) break;
        *e = '\0';
        int r = mkdir(path, 0700);
        *e = '/';
        if (r != 0 && errno != EEXIST) return -1;
        s = e;
    }
    return 0;
}

seam_err jcc_write_stubs(const uint8_t *data, size_t len, const char *dir, char *msg, size_t cap)
{
    char dummy[1];
    if (!msg || !cap) {
        msg = dummy;
        cap = sizeof dummy;
    }
    msg[0] = '\0';
    if (!data || !dir) return SEAM_E_ARG;
    size_t acap = jcl_arena_bound(len);
    void *arena = malloc(acap ? acap : 1);
    if (!arena) return SEAM_E_NOMEM;
    const jcl_file *f = NULL;
    seam_err e = jcl_parse(data, len, arena, acap, &f, msg, cap);
    for (unsigned i = 0; e == SEAM_OK && i < f->nclasses; i++) {
        const jcl_class *k = &f->classes[i];
        if (!(k->flags & 0x0001)) continue;
        char path[1024];
        size_t n = 0;
        uint8_t *cf = NULL;
        if (make_dirs(dir, k->name, path, sizeof path)) {
            snprintf(msg, cap, "cannot create the stub of %.*s under %s", k->name.len, k->name.p,
                     dir);
            e = SEAM_E_IO;
        } else if (!(cf = stub_class(f, k, &n))) {
            e = SEAM_E_NOMEM;
        } else {
            FILE *fp = fopen(path, "wb");
            int ok = fp && fwrite(cf, 1, n, fp) == n;
            if (fp && fclose(fp) != 0) ok = 0;
            if (!ok) {
                snprintf(msg, cap, "%s: cannot write", path);
                e = SEAM_E_IO;
            }
        }
        free(cf);
    }
    free(arena);
    return e;
}
