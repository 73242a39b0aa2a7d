/*
 * Fuzz target: the argument checking of the Java Card security API natives
 * (src/se/jcapi/keys.c, security.c, cipher.c), reached through the generic test applet
 * seam.sec.Harness (tests/jc/sec/t/seam/sec/Harness.java), which passes every API argument —
 * algorithm numbers, key types and sizes, component numbers, modes, offsets, lengths — from the
 * APDU to the API. The load file is $SEAM_BUILD/tests/jcsec/sec.jcl, else tests/jcsec/sec.jcl
 * next to this executable.
 *
 * Input: records of 1 length byte L and L bytes: byte 0 picks the Harness instruction (modulo
 * its table), byte 1 is P1 (object or key slot modulo 8), byte 2 P2, the rest the data field
 * (big-endian short arguments). Every input starts from the same pristine card image with the
 * applet installed and selected.
 *
 * Invariants checked: every command gets a response with a status word (the card never mutes,
 * no crash, no sanitizer report), and after the sequence a power cycle on the same medium opens
 * and the applet still answers (the store is consistent).
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/apdu.h"
#include "seam/se.h"

static uint8_t *pristine;
static size_t pristine_len;
static uint8_t resp[APDU_MAX_RESPONSE];

static const uint8_t sec_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA};
static const uint8_t h_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0xAA, 0x02};
static const uint8_t ins_table[] = {0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
                                    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26};

static void die(const char *why)
{
    fprintf(stderr, "fuzz_jccrypto: %s\n", why);
    abort();
}

static size_t tx(se *s, const uint8_t *cmd, size_t len)
{
    size_t rl = 0;
    if (se_transmit(s, cmd, len, resp, sizeof resp, &rl) != SEAM_OK) die("card muted");
    if (rl < 2) die("response without a status word");
    return rl;
}

static uint8_t *read_jcl(size_t *len)
{
    char path[PATH_MAX + 64];
    const char *b = getenv("SEAM_BUILD");
    if (b) {
        snprintf(path, sizeof path, "%s/tests/jcsec/sec.jcl", b);
    } else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) die("no executable path");
        exe[n] = 0;
        snprintf(path, sizeof path, "%s/tests/jcsec/sec.jcl", dirname(exe));
    }
    FILE *f = fopen(path, "rb");
    if (!f) die(path);
    static uint8_t buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Loads and installs the test package on a fresh card (as GP's LOAD and INSTALL do). */
static void install(se *s)
{
    size_t len;
    uint8_t *jcl = read_jcl(&len);
    store *st = se_store(s);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_LOAD_FILE;
    rec.life_cycle = GP_ELF_LOADED;
    rec.aid_len = sizeof sec_pkg;
    memcpy(rec.aid, sec_pkg, sizeof sec_pkg);
    store_id elf = 0, pkg = 0, app = 0;
    char msg[256];
    if (store_tx_begin(st) || store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &elf) ||
        store_write(st, elf, 0, &rec, sizeof rec))
        die("registry");
    if (jcvm_load(s, jcl, len, &pkg, msg, sizeof msg) != SW_NO_ERROR) die(msg);
    uint8_t be[4];
    seam_put_be32(be, pkg);
    store_write(st, elf, offsetof(se_reg_rec, obj_id), be, 4);
    if (store_tx_commit(st)) die("commit");
    reg_index_add(s, elf);
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_APP;
    rec.life_cycle = GP_APP_SELECTABLE;
    rec.aid_len = sizeof h_app;
    memcpy(rec.aid, h_app, sizeof h_app);
    seam_put_be32(rec.elf_id, elf);
    rec.module = 1;
    static const uint8_t priv[1] = {0};
    if (store_tx_begin(st) || store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &app) ||
        store_write(st, app, 0, &rec, sizeof rec))
        die("registry");
    if (jcvm_install(s, pkg, 1, app, h_app, sizeof h_app, priv, 1, NULL, 0, msg, sizeof msg) !=
        SW_NO_ERROR)
        die(msg);
    if (store_tx_commit(st)) die("commit");
    reg_index_add(s, app);
}

static bool select_app(se *s)
{
    uint8_t cmd[5 + sizeof h_app + 1] = {0x00, 0xA4, 0x04, 0x00, sizeof h_app};
    memcpy(cmd + 5, h_app, sizeof h_app);
    size_t rl = tx(s, cmd, sizeof cmd);
    return resp[rl - 2] == 0x90 && resp[rl - 1] == 0x00;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    store_medium *m;
    if (store_medium_memory(&m) != SEAM_OK) die("medium");
    se_config cfg = {.medium = m, .capacity = 512 * 1024, .quiet = true, .max_steps = 2000000};
    se *s;
    char msg[200];
    if (!pristine) {
        if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
        install(s);
        se_close(s);
        if (store_medium_get_bytes(m, &pristine, &pristine_len) != SEAM_OK) die("image");
    } else if (store_medium_set_bytes(m, pristine, pristine_len) != SEAM_OK) {
        die("set image");
    }
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die(msg);
    if (!select_app(s)) die("select");
    size_t off = 0;
    int count = 0;
    while (off < size && count++ < 64) {
        size_t l = data[off++];
        if (l > size - off) l = size - off;
        const uint8_t *r = data + off;
        off += l;
        uint8_t cmd[5 + 255 + 1];
        size_t n = 0;
        cmd[n++] = 0x80;
        cmd[n++] = l > 0 ? ins_table[r[0] % sizeof ins_table] : 0x26;
        cmd[n++] = l > 1 ? (uint8_t)(r[1] & 7) : 0;
        cmd[n++] = l > 2 ? r[2] : 0;
        if (l > 3) {
            cmd[n++] = (uint8_t)(l - 3);
            memcpy(cmd + n, r + 3, l - 3);
            n += l - 3;
        }
        cmd[n++] = 0;
        tx(s, cmd, n);
    }
    se_close(s);
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) die("reopen after the sequence");
    if (!select_app(s)) die("applet gone after the sequence");
    se_close(s);
    store_medium_free(m);
    return 0;
}
