/*
 * SCP11c off-line scripts (GP CS 2.3.1 Amendment F): an off-card entity that holds the card's
 * certificate (PK.SD.ECKA) can compute the whole SCP11c session without the card, because the
 * card answers MUTUAL AUTHENTICATE with its static key in place of an ephemeral one. The
 * script is then replayed to the card later, over any transport (`seam apdu -`).
 *
 * How: the session is opened with the ordinary code (gp_session_open_scp11) on a recording
 * transport. The transport writes each command as a hex line and answers it itself with what
 * the card will answer: '9000' to SELECT and PERFORM SECURITY OPERATION, the precomputed
 * MUTUAL AUTHENTICATE response (scp11_host_offline), then for each wrapped command the response
 * the card's side of the session (a mirror scp03_session: it unwraps the command, checking the
 * C-MAC and keeping the counters in step, and wraps the predicted plain answer) will produce.
 * So the command functions of gpclient.h build scripts unchanged, and each line is followed by
 * the answer to expect, which gp_script_check compares with what the card really sent.
 *
 * Invariants: the mirror session and the ephemeral key are secrets: wiped by gp_script_end
 * and on every error path; nothing secret is written to the script (commands are as on the
 * wire; the expected responses are what the card will send in clear anyway).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "seam/gpclient.h"
#include "seam/scp11.h"
#include "seam/sw.h"

static void expect_default(gp_script *sc)
{
    sc->expect_len = 0;
    sc->expect_sw = SW_NO_ERROR;
    sc->expect_data_known = true;
    sc->expect_set = false;
}

void gp_script_expect(gp_script *sc, const uint8_t *data, size_t len, uint16_t sw, bool data_known)
{
    if (!sc) return;
    if (len > sizeof sc->expect) {
        sc->err = SEAM_E_LENGTH;
        return;
    }
    if (len) memcpy(sc->expect, data, len);
    sc->expect_len = len;
    sc->expect_sw = sw;
    sc->expect_data_known = data_known;
    sc->expect_set = true;
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

/* The recording transport: writes the command, answers with the predicted response. */
static seam_err rec_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                             size_t *resp_len)
{
    gp_script *sc = ctx;
    if (sc->err != SEAM_OK) return sc->err;
    put_hex(sc->out, cmd, len);
    fputc('\n', sc->out);
    sc->count++;
    seam_err e = SEAM_OK;
    size_t n = 0;
    /* GP CS 2.3.1 §11.2.3, §11.5.3: DELETE and INSTALL answer '00'. LOAD (§11.6.3) answers
     * '00' or nothing depending on the card (seam's answers nothing): only its SW is predicted */
    if (!sc->expect_set && len >= 2 && (cmd[1] == 0xE4 || cmd[1] == 0xE6)) {
        sc->expect[0] = 0x00;
        sc->expect_len = 1;
    }
    if (!sc->expect_set && len >= 2 && cmd[1] == 0xE8) sc->expect_data_known = false;
    if (sc->raw_len && !sc->mirror_on && len >= 2 && cmd[1] == SCP11_INS_MUTUAL_AUTHENTICATE) {
        /* MUTUAL AUTHENTICATE: the precomputed answer; secure messaging starts after it */
        if (sc->raw_len + 2 > cap) return sc->err = SEAM_E_LENGTH;
        memcpy(resp, sc->raw, sc->raw_len);
        seam_put_be16(resp + sc->raw_len, SW_NO_ERROR);
        n = sc->raw_len + 2;
        sc->raw_len = 0;
        sc->mirror_on = true;
    } else if (sc->mirror_on) {
        apdu_cmd pc;
        uint8_t *plain = malloc(APDU_MAX_COMMAND);
        size_t pl = 0;
        e = plain ? apdu_parse(cmd, len, &pc) : SEAM_E_NOMEM;
        if (e == SEAM_OK) e = scp03_unwrap_command(&sc->mirror, &pc, plain, APDU_MAX_COMMAND, &pl);
        if (plain) seam_wipe(plain, APDU_MAX_COMMAND);
        free(plain);
        if (e == SEAM_OK)
            e = scp03_wrap_response(&sc->mirror, sc->expect, sc->expect_len, sc->expect_sw, resp,
                                    cap, &n);
    } else {
        if (sc->expect_len + 2 > cap) return sc->err = SEAM_E_LENGTH;
        memcpy(resp, sc->expect, sc->expect_len);
        seam_put_be16(resp + sc->expect_len, sc->expect_sw);
        n = sc->expect_len + 2;
    }
    if (e != SEAM_OK) return sc->err = e;
    if (sc->expect_data_known) {
        fputs("# expect: ", sc->out);
        put_hex(sc->out, resp, n);
        fputc('\n', sc->out);
    } else {
        fprintf(sc->out, "# expect sw: %04X\n", sc->expect_sw);
    }
    if (ferror(sc->out)) return sc->err = SEAM_E_IO;
    *resp_len = n;
    expect_default(sc);
    return SEAM_OK;
}

static seam_err rec_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    (void)ctx;
    static const uint8_t none[] = {0x3B, 0x00};
    if (cap < sizeof none) return SEAM_E_LENGTH;
    memcpy(atr, none, sizeof none);
    *atr_len = sizeof none;
    return SEAM_OK;
}

seam_err gp_script_begin(gp_script *sc, FILE *out, gp_session *s, const gp_scp11_opts *o)
{
    if (!sc || !out || !s || !o) return SEAM_E_ARG;
    memset(sc, 0, sizeof *sc);
    if (o->variant != SCP11_VARIANT_C || !o->sk_oce || !o->pk_sd || !gp_scp11_usage(o->level))
        return SEAM_E_ARG;
    sc->out = out;
    expect_default(sc);
    seam_card_fns fns = {rec_transmit, rec_reset, sc};
    seam_err e = card_open_fns(&sc->card, &fns);
    if (e != SEAM_OK) return e;
    sc->client.card = sc->card;

    /* The session the card will agree to, from its static key and the ephemeral key drawn
     * here; the same key then goes to gp_session_open_scp11. */
    gp_scp11_opts oo = *o;
    uint8_t esk[32], epk[CR_P256_PUB_LEN];
    if (o->esk_oce)
        memcpy(esk, o->esk_oce, sizeof esk);
    else
        e = cr_p256_keygen(esk, epk);
    oo.esk_oce = esk;
    scp11_params p = {SCP11_VARIANT_C, gp_scp11_usage(o->level), SCP11_KEY_TYPE_AES, 16};
    scp11_host h;
    memset(&h, 0, sizeof h);
    uint8_t dek[SCP11_MAX_KEYLEN];
    if (e == SEAM_OK) e = scp11_host_begin(&h, &p, esk);
    if (e == SEAM_OK)
        e = scp11_host_offline(&h, o->pk_sd, o->sk_oce, &sc->mirror, dek, sc->raw, sizeof sc->raw,
                               &sc->raw_len);
    scp11_host_clear(&h);
    seam_wipe(dek, sizeof dek);

    fprintf(out,
            "# seam gp script: an SCP11c session (GP CS 2.3.1 Amendment F) precomputed off-line\n"
            "# SD key KID %02X KVN %02X, CA-KLOC KVN %02X, security level %02X\n"
            "# replay: seam apdu [--store FILE | --connect SPEC | --reader NAME] - < SCRIPT > LOG\n"
            "# check:  seam gp script-check SCRIPT LOG\n",
            o->kid ? o->kid : GP_SCP11_KID_C, o->kvn, o->ca_kvn, o->level);
    /* SELECT of the ISD: its FCI is not predicted */
    uint8_t fci[256];
    size_t fci_len = 0;
    uint16_t sw = 0;
    if (e == SEAM_OK) {
        gp_script_expect(sc, NULL, 0, SW_NO_ERROR, false);
        e = gp_select(&sc->client, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci,
                      &fci_len, &sw);
    }
    /* PERFORM SECURITY OPERATION is answered 9000, MUTUAL AUTHENTICATE with the precomputed
     * answer in sc->raw (rec_transmit) */
    if (e == SEAM_OK) {
        fprintf(out, "# PERFORM SECURITY OPERATION (the OCE certificate chain), MUTUAL "
                     "AUTHENTICATE\n");
        e = gp_session_open_scp11(s, &sc->client, &oo, &sw);
    }
    seam_wipe(esk, sizeof esk);
    if (e == SEAM_OK && sc->err != SEAM_OK) e = sc->err;
    if (e != SEAM_OK) {
        gp_session_close(s);
        gp_script_end(sc);
        return e;
    }
    fprintf(out, "# the commands, wrapped\n");
    return SEAM_OK;
}

seam_err gp_script_end(gp_script *sc)
{
    if (!sc) return SEAM_E_ARG;
    if (sc->card) card_close(sc->card);
    sc->card = NULL;
    scp03_session_clear(&sc->mirror);
    seam_wipe(sc->raw, sizeof sc->raw);
    seam_wipe(sc->expect, sizeof sc->expect);
    return sc->err;
}

/* ---- checking a replay ---- */

/* The next line of f without its newline and leading/trailing blanks, in buf; NULL at EOF. A
 * line longer than buf is an error (*bad set). */
static char *read_line(FILE *f, char *buf, size_t cap, bool *bad)
{
    if (!fgets(buf, (int)cap, f)) return NULL;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(f)) *bad = true;
    while (n && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    char *s = buf;
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

typedef struct {
    bool pending; /* a command whose answer is still to be compared */
    bool has_full, has_sw;
    uint8_t *full;
    size_t full_len;
    uint16_t sw;
} expectation;

/* Compares the next response of the log ("< HEX") with e. */
static seam_err check_one(FILE *log, const expectation *ex, char *line, size_t cap, uint8_t *resp)
{
    bool bad = false;
    char *s;
    while ((s = read_line(log, line, cap, &bad)) != NULL && !bad && s[0] != '<') {
    }
    if (!s || bad) return SEAM_E_FORMAT;
    size_t n = 0;
    if (seam_hex_decode(s + 1, resp, APDU_MAX_RESPONSE, &n) != SEAM_OK || n < 2)
        return SEAM_E_FORMAT;
    if (ex->has_full && (n != ex->full_len || memcmp(resp, ex->full, n) != 0)) return SEAM_E_AUTH;
    if (ex->has_sw && seam_be16(resp + n - 2) != ex->sw) return SEAM_E_AUTH;
    return SEAM_OK;
}

seam_err gp_script_check(FILE *script, FILE *log, unsigned *checked, unsigned *bad_index)
{
    if (!script || !log || !checked || !bad_index) return SEAM_E_ARG;
    *checked = 0;
    *bad_index = 0;
    size_t cap = 2 * APDU_MAX_RESPONSE * 3 + 64; /* "XX " per byte in the log */
    char *line = malloc(cap), *lline = malloc(cap);
    uint8_t *full = malloc(APDU_MAX_RESPONSE), *resp = malloc(APDU_MAX_RESPONSE);
    seam_err e = SEAM_E_NOMEM;
    if (!line || !lline || !full || !resp) goto done;
    expectation ex = {.full = full};
    unsigned index = 0;
    bool too_long = false;
    char *s;
    e = SEAM_OK;
    for (;;) {
        s = read_line(script, line, cap, &too_long);
        if (too_long) {
            e = SEAM_E_FORMAT;
            break;
        }
        bool is_cmd = s && s[0] && s[0] != '#';
        if ((!s || is_cmd) && ex.pending) {
            e = check_one(log, &ex, lline, cap, resp);
            if (e != SEAM_OK) {
                *bad_index = index;
                break;
            }
            if (ex.has_full || ex.has_sw) (*checked)++;
        }
        if (!s) break;
        if (is_cmd) {
            index++;
            ex.pending = true;
            ex.has_full = ex.has_sw = false;
        } else if (!strncmp(s, "# expect:", 9) && ex.pending) {
            if (seam_hex_decode(s + 9, full, APDU_MAX_RESPONSE, &ex.full_len) != SEAM_OK ||
                ex.full_len < 2) {
                e = SEAM_E_FORMAT;
                *bad_index = index;
                break;
            }
            ex.has_full = true;
        } else if (!strncmp(s, "# expect sw:", 12) && ex.pending) {
            uint8_t b[2];
            size_t bl = 0;
            if (seam_hex_decode(s + 12, b, sizeof b, &bl) != SEAM_OK || bl != 2) {
                e = SEAM_E_FORMAT;
                *bad_index = index;
                break;
            }
            ex.sw = seam_be16(b);
            ex.has_sw = true;
        }
    }
done:
    free(line);
    free(lline);
    free(full);
    free(resp);
    return e;
}
