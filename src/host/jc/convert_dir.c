/*
 * jcc_convert_dir: reads every *.class file below a directory (the javac -d output of one
 * package, or the package's own directory) and hands them to jcc_convert. Directory order does
 * not matter: the converter sorts classes by name. Bounded: at most JCL_MAX_CLASSES + 1 files
 * (one more than a package may hold, so the converter reports the excess), 1 MiB each, 16
 * directory levels; symbolic links are not followed into directories.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seam/jcconv.h"

#define MAX_FILES (JCL_MAX_CLASSES + 1)
#define MAX_FILE_BYTES (1u << 20)
#define MAX_LEVELS 16

typedef struct {
    jcc_input in[MAX_FILES];
    size_t n;
    char *msg;
    size_t cap;
} files;

static void files_free(files *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free((void *)f->in[i].path);
        free((void *)f->in[i].data);
    }
}

static seam_err read_file(files *f, const char *path)
{
    if (f->n == MAX_FILES) return SEAM_OK; /* the converter refuses more than a package holds */
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(f->msg, f->cap, "%s: cannot open", path);
        return SEAM_E_IO;
    }
    uint8_t *buf = malloc(MAX_FILE_BYTES + 1);
    size_t len = buf ? fread(buf, 1, MAX_FILE_BYTES + 1, fp) : 0;
    int bad = ferror(fp);
    fclose(fp);
    if (!buf) return SEAM_E_NOMEM;
    if (bad || len > MAX_FILE_BYTES) {
        free(buf);
        snprintf(f->msg, f->cap, "%s: %s", path, bad ? "read error" : "larger than 1 MiB");
        return SEAM_E_IO;
    }
    char *p = strdup(path);
    if (!p) {
        free(buf);
        return SEAM_E_NOMEM;
    }
    f->in[f->n++] = (jcc_input){p, buf, len};
    return SEAM_OK;
}

static seam_err walk(files *f, const char *dir, int level)
{
    if (level > MAX_LEVELS) {
        snprintf(f->msg, f->cap, "%s: directories nested too deep", dir);
        return SEAM_E_IO;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(f->msg, f->cap, "%s: cannot open directory", dir);
        return SEAM_E_IO;
    }
    seam_err e = SEAM_OK;
    struct dirent *de;
    while (e == SEAM_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        size_t n = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(n);
        if (!path) {
            e = SEAM_E_NOMEM;
            break;
        }
        snprintf(path, n, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0) {
            size_t l = strlen(de->d_name);
            if (S_ISDIR(st.st_mode))
                e = walk(f, path, level + 1);
            else if (S_ISREG(st.st_mode) && l > 6 && !strcmp(de->d_name + l - 6, ".class"))
                e = read_file(f, path);
        }
        free(path);
    }
    closedir(d);
    return e;
}

seam_err jcc_convert_dir(const char *dir, const jcc_options *o, uint8_t **out, size_t *out_len,
                         char *msg, size_t cap)
{
    char dummy[1];
    if (!msg || !cap) {
        msg = dummy;
        cap = sizeof dummy;
    }
    msg[0] = '\0';
    if (!dir || !o || !out || !out_len) return SEAM_E_ARG;
    files *f = calloc(1, sizeof *f);
    if (!f) return SEAM_E_NOMEM;
    f->msg = msg;
    f->cap = cap;
    seam_err e = walk(f, dir, 0);
    if (e == SEAM_OK && f->n == 0) {
        snprintf(msg, cap, "%s: no .class files", dir);
        e = SEAM_E_ARG;
    }
    if (e == SEAM_OK) e = jcc_convert(f->in, f->n, o, out, out_len, msg, cap);
    files_free(f);
    free(f);
    return e;
}
