/*
 * seam logging: one line per message to stderr, filtered by the level named in the SEAM_LOG
 * environment variable (error|warn|info|debug; default warn). Never pass secrets.
 *
 * Invariant: the level is read once, on the first call; an unknown value means the default.
 */
#include "seam/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int log_level = -1;

static int level_from_env(void)
{
    const char *s = getenv("SEAM_LOG");
    if (!s) return SEAM_LOG_WARN;
    if (!strcmp(s, "error")) return SEAM_LOG_ERROR;
    if (!strcmp(s, "warn")) return SEAM_LOG_WARN;
    if (!strcmp(s, "info")) return SEAM_LOG_INFO;
    if (!strcmp(s, "debug")) return SEAM_LOG_DEBUG;
    return SEAM_LOG_WARN;
}

void seam_log(seam_log_level lvl, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    int cur = __atomic_load_n(&log_level, __ATOMIC_RELAXED);
    if (cur < 0) {
        cur = level_from_env();
        __atomic_store_n(&log_level, cur, __ATOMIC_RELAXED);
    }
    if ((int)lvl > cur) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    unsigned idx = (unsigned)lvl < SEAM_ARRAY_LEN(names) ? (unsigned)lvl : 0;
    fprintf(stderr, "seam %s: %s\n", names[idx], line);
}
