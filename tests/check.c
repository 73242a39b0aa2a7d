/* The test harness of tests/check.h. */
#include "check.h"

#include <jansson.h>

#include "seam/base.h"

int check_failures;
static int passed, failed;

void check_run(const char *name, void (*fn)(void))
{
    check_failures = 0;
    fn();
    if (check_failures) {
        failed++;
        fprintf(stderr, "FAIL %s\n", name);
    } else {
        passed++;
        fprintf(stderr, "ok   %s\n", name);
    }
}

int check_summary(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

void check_dump(const char *label, const uint8_t *p, size_t n)
{
    fprintf(stderr, "    %s: ", label);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02x", p[i]);
    fprintf(stderr, "\n");
}

uint8_t *check_hex(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (!buf || seam_hex_decode(hex, buf, cap, len) != SEAM_OK) {
        fprintf(stderr, "bad test hex: %s\n", hex);
        abort();
    }
    return buf;
}

const char *check_shared_path(const char *rel)
{
    static char path[4096];
    const char *base = getenv("SEAM_SHARED");
    snprintf(path, sizeof path, "%s/%s", base ? base : "../shared", rel);
    return path;
}

static void *allocs[1024];
static size_t n_allocs;

void *check_keep(void *p)
{
    if (n_allocs == sizeof allocs / sizeof allocs[0]) abort();
    allocs[n_allocs++] = p;
    return p;
}

void check_free_all(void)
{
    while (n_allocs)
        free(allocs[--n_allocs]);
}

json_t *check_jobj(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        fprintf(stderr, "vector field %s missing\n", key);
        abort();
    }
    return v;
}

const char *check_jstr(json_t *o, const char *key)
{
    json_t *v = check_jobj(o, key);
    if (!json_is_string(v)) {
        fprintf(stderr, "vector field %s is not a string\n", key);
        abort();
    }
    return json_string_value(v);
}

uint8_t *check_jhex(json_t *o, const char *key, size_t *len)
{
    size_t n;
    uint8_t *p = check_keep(check_hex(check_jstr(o, key), &n));
    if (len) *len = n;
    return p;
}
