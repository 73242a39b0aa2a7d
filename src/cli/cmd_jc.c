/*
 * `seam jc`: the Java Card toolchain on the command line.
 *   seam jc build   compiles Java sources with javac against the Java Card API (the flags of
 *                   jc/api/README.md) into a temporary directory, then converts them;
 *   seam jc convert converts a directory of class files of one package into a load file.
 * The conversion is the host library's (include/seam/jcconv.h); the output is the load file of
 * include/seam/jcl.h (docs/load-file.md), written to a temporary name and renamed into place,
 * so a failed run never leaves a partial file.
 *
 * The API (api.jar, or a directory of its class files) is --api, else $SEAM_JC_API, else
 * <directory of the seam binary>/jc/api.jar (where the build leaves it). A jar is unpacked into
 * the temporary directory with unzip (or the JDK's jar) for the converter; javac reads it as is.
 * javac also gets compile.jar (jc/compile/README.md) on its bootclasspath after the API: the
 * annotation types Override, SuppressWarnings, Deprecated and a memberless java.lang.String,
 * which javac needs to compile annotated applets. They are for javac only: the converter
 * resolves against the API alone and refuses any use of String; annotations leave only
 * attributes the converter ignores. compile.jar is looked for next to the API (in the
 * directory of api.jar, or beside the API directory), then in <directory of the seam
 * binary>/jc/; without it javac runs on the API alone (and @Override fails to compile).
 * Child programs are run with execvp and an argument vector, never through a shell.
 *
 * Exit status: 0 done, 1 failure (javac or the converter refused, I/O), 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "seam/jcconv.h"

#define MAX_IMPORTS JCL_MAX_IMPORTS

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: seam jc build   -o OUT.jcl --package-aid HEX [--applet CLASS=AID]...\n"
        "                       [--import FILE.jcl]... [--version M.m] [--api JAR|DIR]\n"
        "                       SOURCES.java...\n"
        "       seam jc convert -o OUT.jcl --package-aid HEX [--applet CLASS=AID]...\n"
        "                       [--import FILE.jcl]... [--version M.m] [--api JAR|DIR] CLASSDIR\n"
        "\n"
        "build compiles the sources of one Java Card package with javac against the Java\n"
        "Card API and converts the class files into a load file (.jcl, docs/load-file.md);\n"
        "convert does the second half from a directory of class files (javac -d output).\n"
        "\n"
        "  -o FILE             the load file to write\n"
        "  --package-aid HEX   the package's AID (5..16 bytes)\n"
        "  --applet CLASS=AID  an applet class (com.example.Echo, or Echo in this package)\n"
        "                      and its AID; repeat for each applet\n"
        "  --import FILE.jcl   an already converted package this one uses (repeatable)\n"
        "  --version M.m       the package version (default 1.0)\n"
        "  --api JAR|DIR       the Java Card API: api.jar or its class files (default:\n"
        "                      $SEAM_JC_API, else jc/api.jar next to the seam binary)\n"
        "  -h, --help          this text\n"
        "\n"
        "The converter refuses what Java Card does not have (long, float, double, char,\n"
        "String, synchronized, multi-dimensional arrays, lambdas, reflection, finalize) with\n"
        "a message naming the class, the member and the reason. build also gives javac\n"
        "compile.jar (found next to the API): the annotation types Override,\n"
        "SuppressWarnings and Deprecated, for javac only; they never reach the card.\n"
        "Exit status: 0 done, 1 failure, 2 usage error.\n");
}

typedef struct {
    const char *out;
    const char *api;
    jcc_options o;
    jcc_applet applets[JCL_MAX_APPLETS];
    const char *imports[MAX_IMPORTS];
    size_t nimports;
    char **rest;
    int nrest;
} jc_args;

static int parse_aid(const char *hex, jcw_aid *aid, const char *what)
{
    size_t n = 0;
    if (seam_hex_decode(hex, aid->b, sizeof aid->b, &n) != SEAM_OK || n < 5) {
        fprintf(stderr,
                "seam jc: %s '%s' is not an AID: write 5 to 16 bytes in hex "
                "(e.g. F07365616D01)\n",
                what, hex);
        return -1;
    }
    aid->len = (uint8_t)n;
    return 0;
}

/* Returns 0, or the exit status (2 usage, 3 = --help done). */
static int parse_args(int argc, char **argv, jc_args *a)
{
    a->o.major = 1;
    a->o.minor = 0;
    int i;
    for (i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            usage(stdout);
            return 3;
        }
        if (s[0] != '-' || !strcmp(s, "--")) {
            if (!strcmp(s, "--")) i++;
            break;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "seam jc: %s needs a value (see seam jc --help)\n", s);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(s, "-o")) {
            a->out = v;
        } else if (!strcmp(s, "--api")) {
            a->api = v;
        } else if (!strcmp(s, "--package-aid")) {
            if (parse_aid(v, &a->o.package_aid, "--package-aid")) return 2;
        } else if (!strcmp(s, "--applet")) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) {
                fprintf(stderr,
                        "seam jc: --applet '%s': write CLASS=AID "
                        "(e.g. com.example.Echo=F07365616D0101)\n",
                        v);
                return 2;
            }
            if (a->o.napplets == JCL_MAX_APPLETS) {
                fprintf(stderr, "seam jc: more than %d applets in one package\n", JCL_MAX_APPLETS);
                return 2;
            }
            jcc_applet *ap = &a->applets[a->o.napplets];
            char *cls = strndup(v, (size_t)(eq - v));
            if (!cls || parse_aid(eq + 1, &ap->aid, "--applet")) {
                free(cls);
                return 2;
            }
            ap->cls = cls;
            a->o.napplets++;
        } else if (!strcmp(s, "--import")) {
            if (a->nimports == MAX_IMPORTS) {
                fprintf(stderr, "seam jc: more than %d --import\n", MAX_IMPORTS);
                return 2;
            }
            a->imports[a->nimports++] = v;
        } else if (!strcmp(s, "--version")) {
            unsigned ma, mi;
            char tail;
            if (sscanf(v, "%u.%u%c", &ma, &mi, &tail) != 2 || ma > 255 || mi > 255) {
                fprintf(stderr, "seam jc: --version '%s': write MAJOR.MINOR (e.g. 1.0)\n", v);
                return 2;
            }
            a->o.major = (uint8_t)ma;
            a->o.minor = (uint8_t)mi;
        } else {
            fprintf(stderr, "seam jc: unknown option '%s' (see seam jc --help)\n", s);
            return 2;
        }
    }
    a->rest = argv + i;
    a->nrest = argc - i;
    if (!a->out) {
        fprintf(stderr, "seam jc: -o OUT.jcl is required\n");
        return 2;
    }
    if (!a->o.package_aid.len) {
        fprintf(stderr, "seam jc: --package-aid HEX is required\n");
        return 2;
    }
    a->o.applets = a->applets;
    return 0;
}

/* Runs argv[0] (searched on PATH) and waits; returns its exit status, or -1 if it could not
 * be run. stdout of the child goes to stderr so `seam jc` output stays clean. */
static int run(char *const *argv, const char *dir)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (dir && chdir(dir) != 0) _exit(126);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (!WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The API location: --api, $SEAM_JC_API, or <dir of this binary>/jc/api.jar. */
static const char *api_path(const jc_args *a, char *buf, size_t cap)
{
    if (a->api) return a->api;
    const char *env = getenv("SEAM_JC_API");
    if (env && *env) return env;
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n <= 0) return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash) return NULL;
    *slash = '\0';
    if (strlen(buf) + sizeof "/jc/api.jar" > cap) return NULL;
    strcat(buf, "/jc/api.jar");
    return buf;
}

/* Writes dir/compile.jar into buf if it is a regular file; dir of length dlen. */
static int compile_jar_in(const char *dir, size_t dlen, char *buf, size_t cap)
{
    struct stat st;
    if (dlen + sizeof "/compile.jar" > cap) return 0;
    if (dlen == 0)
        snprintf(buf, cap, "compile.jar");
    else
        snprintf(buf, cap, "%.*s/compile.jar", (int)dlen, dir);
    return stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}

/* The compile-time-only classes of javac (compile.jar): next to the API, else next to the
 * seam binary's jc/api.jar. Returns NULL when there is none. */
static const char *compile_jar(const char *api, char *buf, size_t cap)
{
    size_t n = strlen(api);
    while (n > 1 && api[n - 1] == '/') /* "build/jc/api-classes/" is the directory itself */
        n--;
    size_t d = n;
    while (d > 0 && api[d - 1] != '/')
        d--;
    if (compile_jar_in(api, d > 1 ? d - 1 : d, buf, cap)) return buf;
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) return NULL;
    exe[k] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash || (size_t)(slash - exe) + sizeof "/jc" > sizeof exe) return NULL;
    strcpy(slash, "/jc");
    return compile_jar_in(exe, strlen(exe), buf, cap) ? buf : NULL;
}

/* Makes the API's class files available as a directory: a directory is used as is, a jar is
 * unpacked into tmp/api. Returns the directory, or NULL with a message. */
static const char *api_classes(const char *api, const char *tmp, char *buf, size_t cap)
{
    struct stat st;
    if (stat(api, &st) != 0) {
        fprintf(stderr,
                "seam jc: Java Card API '%s' not found: build it (make) or name it with "
                "--api JAR or SEAM_JC_API\n",
                api);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) return api;
    snprintf(buf, cap, "%s/api", tmp);
    if (mkdir(buf, 0700) != 0) {
        fprintf(stderr, "seam jc: cannot create %s: %s\n", buf, strerror(errno));
        return NULL;
    }
    char abs[PATH_MAX];
    if (!realpath(api, abs)) {
        fprintf(stderr, "seam jc: %s: %s\n", api, strerror(errno));
        return NULL;
    }
    char *unz[] = {"unzip", "-q", "-o", abs, "-d", buf, NULL};
    if (run(unz, NULL) == 0) return buf;
    char *jar[] = {"jar", "xf", abs, NULL};
    if (run(jar, buf) == 0) return buf;
    fprintf(stderr, "seam jc: cannot unpack %s (needs unzip or the JDK's jar on PATH)\n", api);
    return NULL;
}

static int write_out(const char *path, const uint8_t *p, size_t n)
{
    size_t l = strlen(path) + 16;
    char *tmp = malloc(l);
    if (!tmp) return -1;
    snprintf(tmp, l, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(p, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        fprintf(stderr, "seam jc: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

/* Reads the --import files into memory (a load file is at most a few hundred KiB). */
static int read_imports(jc_args *a, uint8_t **data, size_t *len)
{
    for (size_t i = 0; i < a->nimports; i++) {
        FILE *f = fopen(a->imports[i], "rb");
        if (!f) {
            fprintf(stderr, "seam jc: --import %s: %s\n", a->imports[i], strerror(errno));
            return -1;
        }
        size_t cap = 1u << 24;
        data[i] = malloc(cap);
        len[i] = data[i] ? fread(data[i], 1, cap, f) : 0;
        fclose(f);
        if (!data[i] || len[i] == cap) {
            fprintf(stderr, "seam jc: --import %s: too large or out of memory\n", a->imports[i]);
            return -1;
        }
    }
    return 0;
}

static int convert_to(jc_args *a, const char *classdir, const char *apidir, uint8_t **idata,
                      size_t *ilen)
{
    a->o.api_dir = apidir;
    a->o.import_data = (const uint8_t *const *)idata;
    a->o.import_len = ilen;
    a->o.import_names = a->imports;
    a->o.nimports = a->nimports;
    uint8_t *out = NULL;
    size_t n = 0;
    size_t cap = 16384;
    char *msg = malloc(cap);
    if (!msg) return 1;
    seam_err e = jcc_convert_dir(classdir, &a->o, &out, &n, msg, cap);
    int rc = 0;
    if (e != SEAM_OK) {
        fprintf(stderr, "seam jc: conversion failed (%s):\n%s\n", seam_strerror(e), msg);
        rc = 1;
    } else if (write_out(a->out, out, n) != 0) {
        rc = 1;
    }
    free(out);
    free(msg);
    return rc;
}

/* Compiles the sources into cdir; imported packages are seen through stub class files. */
static int compile(jc_args *a, const char *api, const char *tmp, const char *cdir, uint8_t **idata,
                   size_t *ilen)
{
    char idir[PATH_MAX + 16], cp[2 * PATH_MAX + 40];
    snprintf(idir, sizeof idir, "%s/imports", tmp);
    if (mkdir(cdir, 0700) != 0 || mkdir(idir, 0700) != 0) {
        fprintf(stderr, "seam jc: cannot create directories in %s\n", tmp);
        return 1;
    }
    for (size_t i = 0; i < a->nimports; i++) {
        char msg[300];
        if (jcc_write_stubs(idata[i], ilen[i], idir, msg, sizeof msg) != SEAM_OK) {
            fprintf(stderr, "seam jc: --import %s: %s\n", a->imports[i], msg);
            return 1;
        }
    }
    snprintf(cp, sizeof cp, "%s:%s", cdir, idir);
    char jbuf[PATH_MAX], boot[2 * PATH_MAX + 2];
    const char *cjar = compile_jar(api, jbuf, sizeof jbuf);
    if (cjar)
        snprintf(boot, sizeof boot, "%s:%s", api, cjar);
    else
        snprintf(boot, sizeof boot, "%s", api);
    char **jv = calloc((size_t)a->nrest + 20, sizeof *jv);
    if (!jv) return 1;
    size_t k = 0;
    const char *fixed[] = {"javac",
                           "-source",
                           "8",
                           "-target",
                           "8",
                           "-encoding",
                           "UTF-8",
                           "-Xlint:all,-options,-deprecation,-overrides",
                           "-Werror",
                           "-implicit:none",
                           "-bootclasspath",
                           boot,
                           "-classpath",
                           cp,
                           "-d",
                           cdir};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(fixed); i++)
        jv[k++] = (char *)fixed[i];
    for (int i = 0; i < a->nrest; i++)
        jv[k++] = a->rest[i];
    int jr = run(jv, NULL);
    free(jv);
    if (jr == 0) return 0;
    if (jr < 0 || jr == 127)
        fprintf(stderr, "seam jc build: javac not found on PATH (install a JDK, "
                        "e.g. openjdk-17-jdk-headless)\n");
    else if (!cjar)
        fprintf(stderr, "seam jc build: javac failed (messages above); compile.jar was not "
                        "found next to the API, so annotations such as @Override do not "
                        "compile\n");
    else
        fprintf(stderr, "seam jc build: javac failed (messages above)\n");
    return 1;
}

static int make_tmp(char *buf, size_t cap)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, cap, "%s/seam-jc-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(buf)) {
        fprintf(stderr, "seam jc: cannot create a temporary directory: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int do_jc(int argc, char **argv, int build)
{
    jc_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc == 3)
        rc = 0;
    else if (rc == 0 && (build ? a.nrest < 1 : a.nrest != 1)) {
        fprintf(stderr, build ? "seam jc build: name the .java sources\n"
                              : "seam jc convert: name one directory of class files\n");
        rc = 2;
    } else if (rc == 0) {
        char pbuf[PATH_MAX], tmp[PATH_MAX], abuf[PATH_MAX + 8], cdir[PATH_MAX + 16];
        const char *api = api_path(&a, pbuf, sizeof pbuf);
        if (!api) {
            fprintf(stderr, "seam jc: cannot locate the Java Card API: use --api JAR\n");
            rc = 1;
        } else if (make_tmp(tmp, sizeof tmp) != 0) {
            rc = 1;
        } else {
            const char *apidir = api_classes(api, tmp, abuf, sizeof abuf);
            uint8_t *idata[MAX_IMPORTS] = {0};
            size_t ilen[MAX_IMPORTS] = {0};
            rc = apidir && read_imports(&a, idata, ilen) == 0 ? 0 : 1;
            if (rc == 0 && build) {
                snprintf(cdir, sizeof cdir, "%s/classes", tmp);
                rc = compile(&a, api, tmp, cdir, idata, ilen);
                if (rc == 0) rc = convert_to(&a, cdir, apidir, idata, ilen);
            } else if (rc == 0) {
                rc = convert_to(&a, a.rest[0], apidir, idata, ilen);
            }
            for (size_t i = 0; i < a.nimports; i++)
                free(idata[i]);
            rm_tree(tmp);
        }
    }
    for (size_t i = 0; i < a.o.napplets; i++)
        free((void *)a.applets[i].cls);
    return rc;
}

int cmd_jc(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "build")) return do_jc(argc - 1, argv + 1, 1);
    if (!strcmp(argv[1], "convert")) return do_jc(argc - 1, argv + 1, 0);
    fprintf(stderr, "seam jc: unknown command '%s' (build or convert; see seam jc --help)\n",
            argv[1]);
    return 2;
}
