/*
 * The store's medium: where the image lives, a file or a memory buffer that outlives a store,
 * and the tear hook that cuts power at the N-th low-level write (include/seam/store.h).
 *
 * Both kinds have the same model: a main image that only grows by appends (or is cut back to
 * drop a torn tail), and an image under construction (PATH.new, or a spare buffer) that
 * replaces the main image in one atomic step (rename(2), or a pointer swap).
 *
 * Invariants: every change to either image is one call of med_append / med_truncate /
 * med_new_install, and each such call counts as exactly one low-level write. When the hook
 * fires, an append writes only the first half (rounded down) of its bytes, a truncate or a
 * rename does nothing, and the medium stays torn (every write fails with SEAM_E_TORN) until
 * store_medium_power_cycle().
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

enum { MED_FILE, MED_MEMORY };

typedef struct {
    uint8_t *p;
    size_t len, cap;
} mem_image;

struct store_medium {
    int kind;
    bool attached;
    bool torn;
    bool fsync;
    unsigned long writes;
    unsigned long tear_at; /* absolute write number that tears; 0 = never */
    /* file */
    char *path;
    char *new_path;
    int fd;     /* main image, open while attached */
    int new_fd; /* image under construction */
    size_t file_len, new_len;
    /* memory */
    mem_image img, spare;
    bool has_spare;
};

static bool env_fsync(void)
{
    const char *e = getenv("SEAM_STORE_FSYNC");
    return e && strcmp(e, "1") == 0;
}

seam_err store_medium_file(store_medium **out, const char *path)
{
    if (!out || !path || !*path) return SEAM_E_ARG;
    *out = NULL;
    store_medium *m = calloc(1, sizeof *m);
    if (!m) return SEAM_E_NOMEM;
    size_t n = strlen(path);
    m->path = malloc(n + 1);
    m->new_path = malloc(n + 5);
    if (!m->path || !m->new_path) {
        free(m->path);
        free(m->new_path);
        free(m);
        return SEAM_E_NOMEM;
    }
    memcpy(m->path, path, n + 1);
    memcpy(m->new_path, path, n);
    memcpy(m->new_path + n, ".new", 5);
    m->kind = MED_FILE;
    m->fd = -1;
    m->new_fd = -1;
    m->fsync = env_fsync();
    *out = m;
    return SEAM_OK;
}

seam_err store_medium_memory(store_medium **out)
{
    if (!out) return SEAM_E_ARG;
    *out = calloc(1, sizeof **out);
    if (!*out) return SEAM_E_NOMEM;
    (*out)->kind = MED_MEMORY;
    (*out)->fd = -1;
    (*out)->new_fd = -1;
    return SEAM_OK;
}

static void close_fds(store_medium *m)
{
    if (m->fd >= 0) close(m->fd);
    if (m->new_fd >= 0) close(m->new_fd);
    m->fd = -1;
    m->new_fd = -1;
}

void store_medium_free(store_medium *m)
{
    if (!m) return;
    close_fds(m);
    free(m->path);
    free(m->new_path);
    free(m->img.p);
    free(m->spare.p);
    free(m);
}

void store_medium_set_tear(store_medium *m, unsigned long n)
{
    if (m) m->tear_at = n ? m->writes + n : 0;
}

unsigned long store_medium_writes(const store_medium *m)
{
    return m ? m->writes : 0;
}

bool store_medium_torn(const store_medium *m)
{
    return m && m->torn;
}

void store_medium_power_cycle(store_medium *m)
{
    if (!m) return;
    m->torn = false;
    m->tear_at = 0;
    /* A dead process's descriptors are closed; the next store_open opens them again. */
    close_fds(m);
}

seam_err store_medium_get_bytes(const store_medium *m, uint8_t **bytes, size_t *len)
{
    if (!m || !bytes || !len) return SEAM_E_ARG;
    if (m->kind != MED_MEMORY) return SEAM_E_UNSUPPORTED;
    *bytes = malloc(m->img.len ? m->img.len : 1);
    if (!*bytes) return SEAM_E_NOMEM;
    if (m->img.len) memcpy(*bytes, m->img.p, m->img.len);
    *len = m->img.len;
    return SEAM_OK;
}

static seam_err mem_reserve(mem_image *im, size_t add)
{
    if (add > SIZE_MAX / 2 - im->len) return SEAM_E_NOMEM;
    size_t need = im->len + add;
    if (need <= im->cap) return SEAM_OK;
    size_t cap = im->cap ? im->cap : 4096;
    while (cap < need)
        cap *= 2;
    uint8_t *p = realloc(im->p, cap);
    if (!p) return SEAM_E_NOMEM;
    im->p = p;
    im->cap = cap;
    return SEAM_OK;
}

seam_err store_medium_set_bytes(store_medium *m, const uint8_t *bytes, size_t len)
{
    if (!m || (!bytes && len)) return SEAM_E_ARG;
    if (m->kind != MED_MEMORY) return SEAM_E_UNSUPPORTED;
    if (m->attached) return SEAM_E_STATE;
    m->img.len = 0;
    seam_err e = mem_reserve(&m->img, len);
    if (e) return e;
    if (len) memcpy(m->img.p, bytes, len);
    m->img.len = len;
    return SEAM_OK;
}

/* ---- internal interface (store_int.h) ---- */

seam_err med_attach(store_medium *m)
{
    if (m->attached) return SEAM_E_STATE;
    if (m->kind == MED_FILE) {
        m->fd = open(m->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m->fd < 0) return SEAM_E_IO;
        struct stat st;
        if (fstat(m->fd, &st) != 0 || st.st_size < 0) {
            close_fds(m);
            return SEAM_E_IO;
        }
        m->file_len = (size_t)st.st_size;
    }
    m->attached = true;
    return SEAM_OK;
}

void med_detach(store_medium *m)
{
    close_fds(m);
    m->attached = false;
}

seam_err med_discard_new(store_medium *m)
{
    if (m->kind == MED_MEMORY) {
        m->has_spare = false;
        m->spare.len = 0;
        return SEAM_OK;
    }
    if (m->new_fd >= 0) close(m->new_fd);
    m->new_fd = -1;
    if (unlink(m->new_path) != 0 && errno != ENOENT) return SEAM_E_IO;
    return SEAM_OK;
}

seam_err med_load(store_medium *m, uint8_t **buf, size_t *len, bool *owned)
{
    if (m->kind == MED_MEMORY) {
        *buf = m->img.p;
        *len = m->img.len;
        *owned = false;
        return SEAM_OK;
    }
    size_t n = m->file_len;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) return SEAM_E_NOMEM;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(m->fd, p + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            free(p);
            return SEAM_E_IO;
        }
        got += (size_t)r;
    }
    *buf = p;
    *len = n;
    *owned = true;
    return SEAM_OK;
}

/* Counts one low-level write; true when the hook fires on it. */
static bool hook_fires(store_medium *m)
{
    m->writes++;
    if (m->tear_at && m->writes == m->tear_at) {
        m->torn = true;
        m->tear_at = 0;
        return true;
    }
    return false;
}

static seam_err file_write_all(int fd, size_t at, const med_piece *pc, size_t npc)
{
    struct iovec iov[MED_MAX_PIECES + 2];
    size_t n = 0, total = 0;
    for (size_t i = 0; i < npc; i++) {
        if (!pc[i].n) continue;
        iov[n].iov_base = (void *)pc[i].p;
        iov[n].iov_len = pc[i].n;
        total += pc[i].n;
        n++;
    }
    size_t done = 0;
    struct iovec *v = iov;
    while (done < total) {
        ssize_t r = pwritev(fd, v, (int)n, (off_t)(at + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return SEAM_E_IO;
        done += (size_t)r;
        size_t k = (size_t)r;
        while (n && k >= v->iov_len) {
            k -= v->iov_len;
            v++;
            n--;
        }
        if (n) {
            v->iov_base = (uint8_t *)v->iov_base + k;
            v->iov_len -= k;
        }
    }
    return SEAM_OK;
}

seam_err med_append(store_medium *m, bool to_new, const med_piece *pc, size_t npc)
{
    if (m->torn) return SEAM_E_TORN;
    if (npc > MED_MAX_PIECES + 2) return SEAM_E_ARG;
    size_t total = 0;
    for (size_t i = 0; i < npc; i++)
        total += pc[i].n;

    bool tear = hook_fires(m);
    med_piece cut[MED_MAX_PIECES + 2];
    size_t ncut = npc;
    if (tear) {
        /* Keep only a prefix of half the bytes: what a dying process leaves. */
        size_t keep = total / 2;
        ncut = 0;
        for (size_t i = 0; i < npc && keep; i++) {
            cut[ncut].p = pc[i].p;
            cut[ncut].n = pc[i].n < keep ? pc[i].n : keep;
            keep -= cut[ncut].n;
            ncut++;
        }
        pc = cut;
        npc = ncut;
        total /= 2;
    }

    seam_err e = SEAM_OK;
    if (m->kind == MED_MEMORY) {
        mem_image *im = to_new ? &m->spare : &m->img;
        e = mem_reserve(im, total);
        if (!e) {
            for (size_t i = 0; i < npc; i++) {
                if (!pc[i].n) continue;
                memcpy(im->p + im->len, pc[i].p, pc[i].n);
                im->len += pc[i].n;
            }
        }
    } else {
        int fd = to_new ? m->new_fd : m->fd;
        size_t *flen = to_new ? &m->new_len : &m->file_len;
        if (fd < 0) return SEAM_E_STATE;
        e = file_write_all(fd, *flen, pc, npc);
        if (!e) *flen += total;
    }
    if (tear) return SEAM_E_TORN;
    return e;
}

seam_err med_truncate(store_medium *m, size_t len)
{
    if (m->torn) return SEAM_E_TORN;
    if (hook_fires(m)) return SEAM_E_TORN;
    if (m->kind == MED_MEMORY) {
        if (len < m->img.len) m->img.len = len;
        return SEAM_OK;
    }
    if (ftruncate(m->fd, (off_t)len) != 0) return SEAM_E_IO;
    m->file_len = len;
    if (m->fsync && fdatasync(m->fd) != 0) return SEAM_E_IO;
    return SEAM_OK;
}

seam_err med_new_begin(store_medium *m)
{
    if (m->torn) return SEAM_E_TORN;
    if (m->kind == MED_MEMORY) {
        m->spare.len = 0;
        m->has_spare = true;
        return SEAM_OK;
    }
    if (m->new_fd >= 0) close(m->new_fd);
    m->new_fd = open(m->new_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (m->new_fd < 0) return SEAM_E_IO;
    m->new_len = 0;
    return SEAM_OK;
}

static seam_err sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        memcpy(dir, ".", 2);
    } else {
        size_t n = (size_t)(slash - path);
        if (n == 0) n = 1;
        if (n >= sizeof dir) return SEAM_E_IO;
        memcpy(dir, path, n);
        dir[n] = 0;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return SEAM_E_IO;
    int r = fsync(fd);
    close(fd);
    return r == 0 ? SEAM_OK : SEAM_E_IO;
}

seam_err med_new_install(store_medium *m)
{
    if (m->torn) return SEAM_E_TORN;
    if (m->kind == MED_MEMORY) {
        if (!m->has_spare) return SEAM_E_STATE;
        if (hook_fires(m)) return SEAM_E_TORN;
        mem_image t = m->img;
        m->img = m->spare;
        m->spare = t;
        m->spare.len = 0;
        m->has_spare = false;
        return SEAM_OK;
    }
    if (m->new_fd < 0) return SEAM_E_STATE;
    /* The new image must be durable before it replaces the old one. */
    if (m->fsync && fdatasync(m->new_fd) != 0) return SEAM_E_IO;
    if (hook_fires(m)) return SEAM_E_TORN;
    if (rename(m->new_path, m->path) != 0) return SEAM_E_IO;
    if (m->fsync) {
        seam_err e = sync_dir(m->path);
        if (e) return e;
    }
    if (m->fd >= 0) close(m->fd);
    m->fd = m->new_fd;
    m->file_len = m->new_len;
    m->new_fd = -1;
    m->new_len = 0;
    return SEAM_OK;
}

seam_err med_sync(store_medium *m, bool to_new)
{
    if (m->kind == MED_MEMORY || !m->fsync) return SEAM_OK;
    int fd = to_new ? m->new_fd : m->fd;
    if (fd < 0) return SEAM_E_STATE;
    return fdatasync(fd) == 0 ? SEAM_OK : SEAM_E_IO;
}

size_t med_size(const store_medium *m)
{
    return m->kind == MED_MEMORY ? m->img.len : m->file_len;
}

bool med_dead(const store_medium *m)
{
    return m->torn;
}
