/*
 * Card content management on the host (GP CS 2.3.1 §11.5 INSTALL, §11.6 LOAD, §11.2 DELETE):
 * the command data fields, the cutting of a Load File Data Block into LOAD commands, the
 * commands themselves over a gp_session, and what the host reads from a seam load file (.jcl)
 * to drive them (its package AID and applet AIDs, through the shared strict reader jcl_parse).
 *
 * Invariants:
 *  - builders never write past their caller's buffer and never produce a data field longer
 *    than a short APDU carries (255 bytes): SEAM_E_LENGTH instead;
 *  - AIDs are 5..16 bytes (ISO 7816-5), checked before anything is built;
 *  - the LOAD stream is [DAP blocks E2 ...] C4 <BER length> <Load File Data Block>
 *    (§11.6.2.3: the DAP blocks, when there are any, come first), cut into blocks of at most
 *    block_size bytes, block numbers 0..255 in P2 and P1 b8 on the last block only (§11.6.2.1);
 *    the DAP blocks are the caller's (gpsig.h makes them) and are sent as they are;
 *  - the default block size is the largest whose wrapped command still fits a short APDU at
 *    the session's security level (Amendment D §6.2.4: C-DECRYPTION pads to 16 bytes, the
 *    C-MAC adds 8 or 16 bytes), so a load that fits 256 short blocks never needs extended
 *    length support from the card;
 *  - a larger load (or an explicit block size over the short maximum) goes in extended-length
 *    LOAD commands (ISO/IEC 7816-4 §5.1: Lc up to 65535; GP CS 2.3.1 §11.6.2 leaves the block
 *    size to the off-card entity), under the same secure channel: the block size is then the
 *    smallest that keeps the count within 256, rounded under C-DECRYPTION to 16k - 1 so the
 *    padding adds exactly one byte, and the wrapped command always fits Lc 65535.
 * Status words are the card's answer and are returned in *sw; only exchange failures are errors.
 */
#include <stdlib.h>
#include <string.h>

#include "seam/gpclient.h"
#include "seam/jclread.h"
#include "seam/sw.h"

#define GP_INS_DELETE 0xE4
#define GP_INS_INSTALL 0xE6
#define GP_INS_LOAD 0xE8
#define GP_TAG_LFDB 0xC4           /* Load File Data Block (§11.6.2.3) */
#define GP_TAG_INSTALL_PARAMS 0xC9 /* application specific parameters (§11.5.2.3.7) */
#define GP_SHORT_LC 255
#define GP_EXT_LC 65535 /* ISO/IEC 7816-4 §5.1: extended Lc */

static bool aid_ok(const uint8_t *aid, size_t len)
{
    return aid && len >= 5 && len <= GP_AID_MAX;
}

/* ---- the load file ---- */
seam_err gp_load_file_info_parse(const uint8_t *jcl, size_t len, gp_load_file_info *info, char *msg,
                                 size_t msg_cap)
{
    if (msg && msg_cap) msg[0] = '\0';
    if (!info || (!jcl && len)) return SEAM_E_ARG;
    memset(info, 0, sizeof *info);
    size_t cap = jcl_arena_bound(len);
    void *arena = malloc(cap ? cap : 1);
    if (!arena) return SEAM_E_NOMEM;
    const jcl_file *f = NULL;
    seam_err e = jcl_parse(jcl, len, arena, cap, &f, msg, msg_cap);
    if (e == SEAM_OK) {
        /* The reader guarantees 5..16 byte AIDs and at most JCL_MAX_APPLETS applets. */
        memcpy(info->aid, f->package.aid.p, f->package.aid.len);
        info->aid_len = f->package.aid.len;
        info->major = f->package.major;
        info->minor = f->package.minor;
        for (size_t i = 0; i < f->napplets && i < JCL_MAX_APPLETS; i++) {
            memcpy(info->applet[i], f->applets[i].aid.p, f->applets[i].aid.len);
            info->applet_len[i] = f->applets[i].aid.len;
            info->n_applets++;
        }
    }
    free(arena);
    return e;
}

/* ---- data fields ---- */
static void put_lv(seam_wr *w, const uint8_t *v, size_t len)
{
    seam_wr_u8(w, (uint8_t)len);
    if (len) seam_wr_bytes(w, v, len);
}

static seam_err finish(const seam_wr *w, size_t *out_len)
{
    if (w->err != SEAM_OK || w->len > GP_SHORT_LC) return SEAM_E_LENGTH;
    *out_len = w->len;
    return SEAM_OK;
}

seam_err gp_install_for_load_data(const uint8_t *elf_aid, size_t elf_len, const uint8_t *sd_aid,
                                  size_t sd_len, uint8_t *out, size_t cap, size_t *out_len)
{
    return gp_install_for_load_data_hash(elf_aid, elf_len, sd_aid, sd_len, NULL, 0, out, cap,
                                         out_len);
}

seam_err gp_install_for_load_data_hash(const uint8_t *elf_aid, size_t elf_len,
                                       const uint8_t *sd_aid, size_t sd_len, const uint8_t *hash,
                                       size_t hash_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!aid_ok(elf_aid, elf_len) || (sd_len && !aid_ok(sd_aid, sd_len)) || !out_len ||
        (cap && !out) || (hash_len && !hash) || hash_len > 64)
        return SEAM_E_ARG;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    put_lv(&w, elf_aid, elf_len); /* Load File AID */
    put_lv(&w, sd_aid, sd_len);   /* Security Domain AID */
    put_lv(&w, hash, hash_len);   /* Load File Data Block Hash */
    put_lv(&w, NULL, 0);          /* Load Parameters */
    put_lv(&w, NULL, 0);          /* Load Token */
    return finish(&w, out_len);
}

seam_err gp_install_for_install_data(const uint8_t *elf_aid, size_t elf_len,
                                     const uint8_t *module_aid, size_t module_len,
                                     const uint8_t *app_aid, size_t app_len, const uint8_t *priv,
                                     size_t priv_len, const uint8_t *params, size_t params_len,
                                     uint8_t *out, size_t cap, size_t *out_len)
{
    if (!aid_ok(elf_aid, elf_len) || !aid_ok(module_aid, module_len) || !aid_ok(app_aid, app_len) ||
        !priv || (priv_len != 1 && priv_len != 3) || (params_len && !params) || !out_len ||
        (cap && !out))
        return SEAM_E_ARG;
    if (params_len > GP_SHORT_LC) return SEAM_E_LENGTH;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    put_lv(&w, elf_aid, elf_len);
    put_lv(&w, module_aid, module_len);
    put_lv(&w, app_aid, app_len);
    put_lv(&w, priv, priv_len);
    /* Install parameters: C9 is mandatory, even when empty (§11.5.2.3.7). */
    size_t field = (params_len < 0x80 ? 2 : 3) + params_len;
    if (field > GP_SHORT_LC) return SEAM_E_LENGTH;
    seam_wr_u8(&w, (uint8_t)field);
    seam_wr_u8(&w, GP_TAG_INSTALL_PARAMS);
    if (params_len >= 0x80) seam_wr_u8(&w, 0x81);
    put_lv(&w, params, params_len);
    put_lv(&w, NULL, 0); /* Install Token */
    return finish(&w, out_len);
}

seam_err gp_delete_data(const uint8_t *aid, size_t aid_len, uint8_t *out, size_t cap,
                        size_t *out_len)
{
    if (!aid_ok(aid, aid_len) || !out_len || (cap && !out)) return SEAM_E_ARG;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    seam_wr_u8(&w, 0x4F);
    put_lv(&w, aid, aid_len);
    return finish(&w, out_len);
}

/* ---- LOAD blocks ---- */
/* Largest Load File Data Block the C4 header's BER length (up to 3 length bytes) describes. */
#define GP_LFDB_MAX 0xFFFFFFu

/* Writes C4 and the minimal BER length (X.690 §8.1.3) of the Load File Data Block. */
static size_t load_header(size_t lfdb_len, uint8_t hdr[5])
{
    size_t n = 0;
    hdr[n++] = GP_TAG_LFDB;
    if (lfdb_len >= 0x10000) {
        hdr[n++] = 0x83;
        hdr[n++] = (uint8_t)(lfdb_len >> 16);
        hdr[n++] = (uint8_t)(lfdb_len >> 8);
    } else if (lfdb_len >= 0x100) {
        hdr[n++] = 0x82;
        hdr[n++] = (uint8_t)(lfdb_len >> 8);
    } else if (lfdb_len >= 0x80) {
        hdr[n++] = 0x81;
    }
    hdr[n++] = (uint8_t)lfdb_len;
    return n;
}

size_t gp_load_block_count_dap(size_t dap_len, size_t lfdb_len, size_t block_size)
{
    if (block_size == 0 || lfdb_len == 0 || lfdb_len > GP_LFDB_MAX || dap_len > GP_LFDB_MAX)
        return 0;
    uint8_t hdr[5];
    size_t total = dap_len + load_header(lfdb_len, hdr) + lfdb_len;
    return (total + block_size - 1) / block_size;
}

size_t gp_load_block_count(size_t lfdb_len, size_t block_size)
{
    return gp_load_block_count_dap(0, lfdb_len, block_size);
}

/* Copies the part of segment seg[0..len) that falls in [start, start + n) of the stream, where
 * the segment begins at stream offset at; returns the stream offset after the segment. */
static size_t copy_seg(const uint8_t *seg, size_t len, size_t at, size_t start, size_t n,
                       uint8_t *out)
{
    size_t lo = start > at ? start : at, hi = start + n < at + len ? start + n : at + len;
    if (lo < hi) memcpy(out + (lo - start), seg + (lo - at), hi - lo);
    return at + len;
}

seam_err gp_load_block_dap(const uint8_t *dap, size_t dap_len, const uint8_t *lfdb,
                           size_t lfdb_len, size_t block_size, size_t index, uint8_t *out,
                           size_t cap, size_t *out_len, bool *last)
{
    if (!lfdb || (dap_len && !dap) || !out_len || !last || (cap && !out)) return SEAM_E_ARG;
    size_t count = gp_load_block_count_dap(dap_len, lfdb_len, block_size);
    if (index >= count) return SEAM_E_ARG;
    uint8_t hdr[5];
    size_t hlen = load_header(lfdb_len, hdr);
    size_t total = dap_len + hlen + lfdb_len;
    size_t start = index * block_size; /* index < count, so no overflow: start < total */
    size_t n = total - start < block_size ? total - start : block_size;
    if (n > cap) return SEAM_E_LENGTH;
    /* The block covers [start, start + n) of dap || hdr || lfdb. */
    size_t at = copy_seg(dap, dap_len, 0, start, n, out);
    at = copy_seg(hdr, hlen, at, start, n, out);
    copy_seg(lfdb, lfdb_len, at, start, n, out);
    *out_len = n;
    *last = index + 1 == count;
    return SEAM_OK;
}

seam_err gp_load_block(const uint8_t *lfdb, size_t lfdb_len, size_t block_size, size_t index,
                       uint8_t *out, size_t cap, size_t *out_len, bool *last)
{
    return gp_load_block_dap(NULL, 0, lfdb, lfdb_len, block_size, index, out, cap, out_len, last);
}

size_t gp_load_max_block(const gp_session *s)
{
    if (!s || !s->open || !(s->scp.level & SCP03_LEVEL_CMAC)) return GP_SHORT_LC;
    size_t mac = s->scp.ch_len == 16 ? 16 : 8;
    if (!(s->scp.level & SCP03_LEVEL_CDEC)) return GP_SHORT_LC - mac;
    /* Padding always adds 1..16 bytes (ISO/IEC 9797-1 method 2), up to a multiple of 16. */
    return (GP_SHORT_LC - mac) / 16 * 16 - 1;
}

size_t gp_load_max_block_ext(const gp_session *s)
{
    if (!s || !s->open || !(s->scp.level & SCP03_LEVEL_CMAC)) return GP_EXT_LC;
    size_t mac = s->scp.ch_len == 16 ? 16 : 8;
    if (!(s->scp.level & SCP03_LEVEL_CDEC)) return GP_EXT_LC - mac;
    return (GP_EXT_LC - mac) / 16 * 16 - 1;
}

seam_err gp_load_plan_dap(const gp_session *s, size_t dap_len, size_t lfdb_len, size_t requested,
                          size_t *block_size, size_t *count, bool *extended)
{
    if (!block_size || !count || !extended) return SEAM_E_ARG;
    *block_size = *count = 0;
    *extended = false;
    if (lfdb_len == 0 || lfdb_len > GP_LFDB_MAX || dap_len > GP_LFDB_MAX) return SEAM_E_LENGTH;
    size_t short_max = gp_load_max_block(s);
    size_t ext_max = gp_load_max_block_ext(s);
    size_t b = requested;
    if (b == 0) {
        b = short_max;
        if (gp_load_block_count_dap(dap_len, lfdb_len, b) > GP_LOAD_MAX_BLOCKS) {
            /* The smallest block that keeps the count within 256 (P2 numbers 00..FF). */
            uint8_t hdr[5];
            size_t total = dap_len + load_header(lfdb_len, hdr) + lfdb_len;
            b = (total + GP_LOAD_MAX_BLOCKS - 1) / GP_LOAD_MAX_BLOCKS;
            /* Under C-DECRYPTION, 16k - 1 bytes pad to exactly 16k: no byte of padding wasted. */
            if (s && s->open && (s->scp.level & SCP03_LEVEL_CMAC) &&
                (s->scp.level & SCP03_LEVEL_CDEC))
                b = (b + 1 + 15) / 16 * 16 - 1;
        }
    }
    if (b > ext_max) return SEAM_E_LENGTH;
    size_t n = gp_load_block_count_dap(dap_len, lfdb_len, b);
    if (n == 0 || n > GP_LOAD_MAX_BLOCKS) return SEAM_E_LENGTH;
    *block_size = b;
    *count = n;
    *extended = b > short_max;
    return SEAM_OK;
}

seam_err gp_load_plan(const gp_session *s, size_t lfdb_len, size_t requested, size_t *block_size,
                      size_t *count, bool *extended)
{
    return gp_load_plan_dap(s, 0, lfdb_len, requested, block_size, count, extended);
}

/* One LOAD command, extended (00 Lc1 Lc2 and a two-byte Le) when asked; the data field has
 * been checked against the session's limits by the caller. */
static seam_err send_load(gp_session *s, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n,
                          bool extended, uint8_t *cmd, uint8_t *r, size_t rcap, size_t *rn,
                          uint16_t *sw)
{
    size_t len = 0;
    cmd[len++] = 0x80;
    cmd[len++] = GP_INS_LOAD;
    cmd[len++] = p1;
    cmd[len++] = p2;
    if (extended) {
        cmd[len++] = 0x00;
        seam_put_be16(cmd + len, (uint16_t)n);
        len += 2;
    } else {
        cmd[len++] = (uint8_t)n;
    }
    memcpy(cmd + len, d, n);
    len += n;
    if (extended) {
        cmd[len++] = 0x00;
        cmd[len++] = 0x00;
    } else {
        cmd[len++] = 0x00;
    }
    seam_err e = gp_send(s, cmd, len, r, rcap, rn, sw);
    seam_wipe(cmd, len);
    return e;
}

/* ---- commands ---- */
seam_err gp_install_for_load(gp_session *s, const uint8_t *elf_aid, size_t elf_len,
                             const uint8_t *sd_aid, size_t sd_len, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t d[GP_SHORT_LC], r[256];
    size_t n = 0, rn = 0;
    seam_err e = gp_install_for_load_data(elf_aid, elf_len, sd_aid, sd_len, d, sizeof d, &n);
    if (e != SEAM_OK) return e;
    return gp_send_cmd(s, 0x80, GP_INS_INSTALL, GP_INSTALL_FOR_LOAD, 0x00, d, n, true, r, sizeof r,
                       &rn, sw);
}

seam_err gp_load(gp_session *s, const uint8_t *lfdb, size_t lfdb_len, size_t block_size,
                 size_t *blocks, uint16_t *sw)
{
    uint8_t r[256];
    size_t rn = 0;
    return gp_load_dap(s, NULL, 0, lfdb, lfdb_len, block_size, blocks, r, sizeof r, &rn, sw);
}

seam_err gp_load_dap(gp_session *s, const uint8_t *dap, size_t dap_len, const uint8_t *lfdb,
                     size_t lfdb_len, size_t block_size, size_t *blocks, uint8_t *resp,
                     size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
    if (blocks) *blocks = 0;
    if (resp_len) *resp_len = 0;
    if (!s || !lfdb || !sw || lfdb_len == 0 || (dap_len && !dap) || !resp_len ||
        (resp_cap && !resp))
        return SEAM_E_ARG;
    size_t count = 0;
    bool ext = false;
    seam_err e = gp_load_plan_dap(s, dap_len, lfdb_len, block_size, &block_size, &count, &ext);
    if (e != SEAM_OK) return e;
    /* The data field and the command around it (header, extended Lc and Le). */
    uint8_t *d = malloc(block_size);
    uint8_t *cmd = malloc(block_size + 9);
    if (!d || !cmd) {
        free(d);
        free(cmd);
        return SEAM_E_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        size_t n = 0;
        bool last = false;
        e = gp_load_block_dap(dap, dap_len, lfdb, lfdb_len, block_size, i, d, block_size, &n,
                              &last);
        if (e != SEAM_OK) break;
        *resp_len = 0;
        e = send_load(s, last ? GP_LOAD_LAST_BLOCK : 0x00, (uint8_t)i, d, n, ext, cmd, resp,
                      resp_cap, resp_len, sw);
        if (e != SEAM_OK || *sw != SW_NO_ERROR) break;
        if (blocks) *blocks = i + 1;
    }
    seam_wipe(d, block_size);
    free(d);
    free(cmd);
    return e;
}

seam_err gp_install_for_install(gp_session *s, uint8_t p1, const uint8_t *elf_aid, size_t elf_len,
                                const uint8_t *module_aid, size_t module_len,
                                const uint8_t *app_aid, size_t app_len, const uint8_t *priv,
                                size_t priv_len, const uint8_t *params, size_t params_len,
                                uint16_t *sw)
{
    if (!s || !sw || (p1 != GP_INSTALL_FOR_INSTALL && p1 != GP_INSTALL_FOR_INSTALL_SELECTABLE))
        return SEAM_E_ARG;
    uint8_t d[GP_SHORT_LC], r[256];
    size_t n = 0, rn = 0;
    seam_err e =
        gp_install_for_install_data(elf_aid, elf_len, module_aid, module_len, app_aid, app_len,
                                    priv, priv_len, params, params_len, d, sizeof d, &n);
    if (e != SEAM_OK) return e;
    return gp_send_cmd(s, 0x80, GP_INS_INSTALL, p1, 0x00, d, n, true, r, sizeof r, &rn, sw);
}

seam_err gp_delete(gp_session *s, const uint8_t *aid, size_t aid_len, bool related, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t d[GP_AID_MAX + 2], r[256];
    size_t n = 0, rn = 0;
    seam_err e = gp_delete_data(aid, aid_len, d, sizeof d, &n);
    if (e != SEAM_OK) return e;
    return gp_send_cmd(s, 0x80, GP_INS_DELETE, 0x00, related ? GP_DELETE_RELATED : 0x00, d, n, true,
                       r, sizeof r, &rn, sw);
}

const char *gp_content_sw_str(uint8_t ins, uint16_t sw)
{
    switch (sw) {
    case SW_MEMORY_FAILURE:
        return "memory failure";
    case SW_NOT_ENOUGH_MEMORY:
        return "not enough memory space";
    case SW_WRONG_DATA:
        return ins == GP_INS_INSTALL ? "incorrect parameters in the data field"
                                     : "incorrect values in the command data";
    case SW_REFERENCED_DATA_NOT_FOUND:
        switch (ins) {
        case GP_INS_INSTALL:
            return "referenced data not found: no such load file, module or security domain";
        case GP_INS_DELETE:
            return "referenced data not found: no such application or load file";
        default:
            return "referenced data not found";
        }
    case SW_FILE_NOT_FOUND:
        return ins == GP_INS_DELETE ? "application not found" : gp_sw_str(sw);
    case SW_CONDITIONS_OF_USE_NOT_SATISFIED:
        return ins == GP_INS_DELETE ? "conditions of use not satisfied: the object is in use or "
                                      "others depend on it"
                                    : "conditions of use not satisfied";
    default:
        return gp_sw_str(sw);
    }
}
