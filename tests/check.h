/*
 * A tiny table-friendly test harness. Each tests/test_*.c defines test functions, lists them in
 * main() with RUN(), and ends with check_summary(), which prints "N passed, N failed" and
 * returns the exit code (ctest reads it).
 */
#ifndef SEAM_TEST_CHECK_H
#define SEAM_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

extern int check_failures; /* failures in the current test */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);             \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            fprintf(stderr, "  %s:%d: CHECK_EQ failed: %s == %lld, %s == %lld (0x%llx, 0x%llx)\n", \
                    __FILE__, __LINE__, #a, va_, #b, vb_, va_, vb_);                               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(a, b, n)                                                                         \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0) {                                                          \
            fprintf(stderr, "  %s:%d: CHECK_MEM failed: %s vs %s\n", __FILE__, __LINE__, #a, #b);  \
            check_dump("got", (const uint8_t *)(a), (n));                                          \
            check_dump("exp", (const uint8_t *)(b), (n));                                          \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* Hard requirement: stop this test function on failure. */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);           \
            check_failures++;                                                                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* REQUIRE for functions that return a value: returns 0 (a value no caller expects). */
#define REQUIRE_RET(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);           \
            check_failures++;                                                                      \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

#define RUN(fn) check_run(#fn, fn)

void check_run(const char *name, void (*fn)(void));
int check_summary(void);
void check_dump(const char *label, const uint8_t *p, size_t n);

/* Decodes hex into a malloc'd buffer (aborts the process on bad hex: test data is ours). */
uint8_t *check_hex(const char *hex, size_t *len);
/* Path of a file under ../shared (SEAM_SHARED), in a static buffer. */
const char *check_shared_path(const char *rel);

/* Vector files (JSON, read with jansson). Decoded buffers are tracked and freed together by
 * check_free_all(), so a table-driven test frees everything at the end of each case. A missing
 * or mistyped field aborts: the vector file is ours to read, not hostile input. */
typedef struct json_t json_t;
void *check_keep(void *p);
void check_free_all(void);
json_t *check_jobj(json_t *o, const char *key);
const char *check_jstr(json_t *o, const char *key);
uint8_t *check_jhex(json_t *o, const char *key, size_t *len);

#endif
