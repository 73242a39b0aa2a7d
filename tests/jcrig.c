/*
 * The Java Card runtime test bench of tests/jcrig.h.
 */
#include "jcrig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/jcvm/jcvm.h"
#include "se/jcvm/jv_int.h"
#include "seam/sw.h"

static const char *build_dir(void)
{
    const char *b = getenv("SEAM_BUILD");
    return b ? b : "build";
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

uint8_t *jc_read_jcl(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", build_dir(), rel);
    uint8_t *b = read_file(path, len);
    if (!b) fprintf(stderr, "  cannot read %s\n", path);
    return b;
}

bool jc_card_open(jc_card *c)
{
    char msg[256];
    se_config cfg = {.medium = c->m, .quiet = true, .max_steps = c->max_steps,
                     .capacity = c->capacity};
    seam_err e = se_open(&c->s, &cfg, msg, sizeof msg);
    if (e) fprintf(stderr, "  se_open: %s: %s\n", seam_strerror(e), msg);
    return e == SEAM_OK;
}

bool jc_card_new(jc_card *c)
{
    if (!c->m && store_medium_memory(&c->m)) return false;
    return jc_card_open(c);
}

bool jc_card_cycle(jc_card *c)
{
    se_close(c->s);
    c->s = NULL;
    return jc_card_open(c);
}

void jc_card_free(jc_card *c)
{
    if (c->s) se_close(c->s);
    if (c->m) store_medium_free(c->m);
    memset(c, 0, sizeof *c);
}

/* LOAD as GP does it: the load file's registry entry and the package in one transaction. */
uint16_t jc_load_pkg(se *s, const uint8_t *jcl, size_t len, const uint8_t *aid, size_t aid_len,
                     store_id *elf)
{
    store *st = se_store(s);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_LOAD_FILE;
    rec.life_cycle = GP_ELF_LOADED;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    if (store_tx_begin(st)) return 0x6F01;
    store_id id = 0, pkg = 0;
    if (store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &id) || store_write(st, id, 0, &rec,
                                                                             sizeof rec)) {
        store_tx_abort(st);
        return 0x6F02;
    }
    char msg[256] = "";
    uint16_t sw = jcvm_load(s, jcl, len, &pkg, msg, sizeof msg);
    if (sw == SW_NO_ERROR) {
        uint8_t be[4];
        seam_put_be32(be, pkg);
        store_write(st, id, offsetof(se_reg_rec, obj_id), be, 4);
        store_tx_commit(st);
        reg_index_add(s, id);
        if (elf) *elf = id;
    } else {
        fprintf(stderr, "  load: %04X %s\n", sw, msg);
        store_tx_abort(st);
    }
    return sw;
}

uint16_t jc_install_app(se *s, store_id elf, uint8_t module, const uint8_t *aid, size_t aid_len,
                        const uint8_t *params, size_t plen)
{
    store *st = se_store(s);
    const se_reg_rec *e = reg_get(s, elf);
    if (!e) return 0x6F03;
    store_id pkg = seam_be32(e->obj_id);
    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_APP;
    rec.life_cycle = GP_APP_SELECTABLE;
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    seam_put_be32(rec.elf_id, elf);
    rec.module = module;
    if (store_tx_begin(st)) return 0x6F01;
    store_id id = 0;
    if (store_alloc(st, 0, SE_OBJ_REGISTRY, sizeof rec, &id) || store_write(st, id, 0, &rec,
                                                                             sizeof rec)) {
        store_tx_abort(st);
        return 0x6F02;
    }
    char msg[256] = "";
    static const uint8_t priv[1] = {0};
    uint16_t sw = jcvm_install(s, pkg, module, id, aid, aid_len, priv, 1, params, plen, msg,
                               sizeof msg);
    if (sw == SW_NO_ERROR) {
        store_tx_commit(st);
        reg_index_add(s, id);
    } else {
        fprintf(stderr, "  install: %04X %s\n", sw, msg);
        store_tx_abort(st);
    }
    return sw;
}

uint8_t jc_resp[APDU_MAX_RESPONSE];
size_t jc_resp_len;

/* Sends a command; returns the SW; response data in jc_resp[0..jc_resp_len). */
uint16_t jc_xmit(se *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                 size_t lc, bool le)
{
    uint8_t cmd[300];
    size_t n = 0;
    cmd[n++] = cla;
    cmd[n++] = ins;
    cmd[n++] = p1;
    cmd[n++] = p2;
    if (lc) {
        cmd[n++] = (uint8_t)lc;
        memcpy(cmd + n, data, lc);
        n += lc;
    }
    if (le) cmd[n++] = 0;
    size_t rl = 0;
    seam_err e = se_transmit(s, cmd, n, jc_resp, sizeof jc_resp, &rl);
    if (e || rl < 2) return 0;
    jc_resp_len = rl - 2;
    uint16_t sw = (uint16_t)((jc_resp[rl - 2] << 8) | jc_resp[rl - 1]);
    if ((sw >> 8) == 0x61) { /* fetch the rest */
        uint8_t gr[5] = {cla & 0x03, 0xC0, 0, 0, (uint8_t)sw};
        size_t keep = jc_resp_len;
        uint8_t tmp[APDU_MAX_RESPONSE];
        if (se_transmit(s, gr, 5, tmp, sizeof tmp, &rl) || rl < 2) return 0;
        memcpy(jc_resp + keep, tmp, rl - 2);
        jc_resp_len = keep + rl - 2;
        sw = (uint16_t)((tmp[rl - 2] << 8) | tmp[rl - 1]);
    }
    return sw;
}

uint16_t jc_select(se *s, uint8_t ch, const uint8_t *aid, size_t len)
{
    return jc_xmit(s, ch, 0xA4, 0x04, 0x00, aid, len, true);
}
