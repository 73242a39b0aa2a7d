/*
 * Benchmark: wrapped APDUs per second through an applet's own secure channel (issue 6, "How it
 * is shown"; docs/gp-api.md), next to the raw OpenSSL cost of the same CMAC + AES work.
 *
 * The provider applet (applets/provider, build/applets/provider.jcl) is loaded and installed by
 * the ISD of an in-process SE (memory medium) through the host library; the host opens SCP03 at
 * level 33 (C-MAC, C-DEC, R-MAC, R-ENC), AES-128, S8, THROUGH the applet (its processSecurity),
 * then alternates WRITE RECORD of n bytes and READ RECORD of the same n bytes back: every
 * command is unwrapped by the applet (SecureChannel.unwrap) and every response wrapped by it
 * (SecureChannel.wrap), and the host wraps and unwraps with scp03_wrap_command /
 * scp03_unwrap_response. n is 64 and 200. A second line per size sends READ RECORD only: the
 * same channel without the applet's persistent write (a store transaction per WRITE RECORD),
 * i.e. what the secure channel itself costs.
 *
 * The baseline does, with OpenSSL EVP contexts prepared once, the cryptography of one such
 * write + read pair on both sides: write: counter ICV (AES block), CBC encryption of the padded
 * data, C-MAC over chain + header + data + (host), C-MAC check and ICV + CBC decryption (card),
 * R-MAC over chain + SW (card, host); read: C-MAC (host, card), ICV + CBC encryption of the padded
 * record and R-MAC (card), R-MAC check and ICV + CBC decryption (host). It runs twice: with
 * textbook calls (the IV set by re-initialising the CBC context for every operation, as round 1
 * measured) and tuned (the IV changed without re-initialising, as src/crypto/aes.c does). The
 * tuned figure is the crypto-bound limit; the textbook one is kept to compare with round 1.
 *
 * Usage: bench_gpsc [SECONDS per measurement, default 3]   (make bench)
 * Needs build/applets/provider.jcl (found next to the binary).
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawscp.h"
#include "seam/apdu.h"
#include "seam/gpclient.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/sw.h"

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench_gpsc: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static const uint8_t key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static const uint8_t pkg_aid[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01};
static const uint8_t app_aid[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01};
static uint8_t resp[APDU_MAX_RESPONSE], wire[512], plain[512];

static uint8_t *read_jcl(size_t *len)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) fail("no executable path", NULL);
    exe[n] = 0;
    snprintf(path, sizeof path, "%s/applets/provider.jcl", dirname(exe));
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot read", path);
    static uint8_t buf[1 << 18];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* ---- the card and the provider's session ---- */
typedef struct {
    store_medium *m;
    se *s;
    seam_card *card;
    gp_client cl;
    gp_session ses;
} rig;

static void rig_open(rig *r)
{
    memset(r, 0, sizeof *r);
    char msg[256];
    se_config cfg = {.quiet = true};
    if (store_medium_memory(&r->m)) fail("medium", NULL);
    cfg.medium = r->m;
    if (se_open(&r->s, &cfg, msg, sizeof msg)) fail("se_open", msg);
    seam_card_fns fns = se_card_fns(r->s);
    if (card_open_fns(&r->card, &fns)) fail("card", NULL);
    r->cl.card = r->card;
    gp_keys k;
    gp_keys_set(&k, key, key, key, 16, 0);
    uint16_t sw = 0;
    uint8_t fci[256];
    size_t fl;
    /* the ISD loads and installs the provider */
    gp_session_plain(&r->ses, &r->cl);
    if (gp_select(&r->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &fl, &sw))
        fail("select ISD", NULL);
    if (gp_session_open(&r->ses, &r->cl, &k, 0x03, NULL, 8, &sw)) fail("ISD session", NULL);
    size_t jl;
    const uint8_t *jcl = read_jcl(&jl);
    static const uint8_t priv[1] = {0};
    if (gp_install_for_load(&r->ses, pkg_aid, sizeof pkg_aid, NULL, 0, &sw) || sw != SW_NO_ERROR ||
        gp_load(&r->ses, jcl, jl, 0, NULL, &sw) || sw != SW_NO_ERROR ||
        gp_install_for_install(&r->ses, GP_INSTALL_FOR_INSTALL_SELECTABLE, pkg_aid, sizeof pkg_aid,
                               app_aid, sizeof app_aid, app_aid, sizeof app_aid, priv, 1, NULL, 0,
                               &sw) ||
        sw != SW_NO_ERROR)
        fail("load and install the provider", NULL);
    gp_session_close(&r->ses);
    /* the provider's server: SELECT, SCP03 through the applet */
    gp_session_plain(&r->ses, &r->cl);
    if (gp_select(&r->cl, app_aid, sizeof app_aid, fci, sizeof fci, &fl, &sw) || sw != SW_NO_ERROR)
        fail("select provider", NULL);
    if (gp_session_open(&r->ses, &r->cl, &k, 0x33, NULL, 8, &sw))
        fail("session through the applet", NULL);
    gp_keys_wipe(&k);
}

static void rig_close(rig *r)
{
    gp_session_close(&r->ses);
    card_close(r->card);
    se_close(r->s);
    store_medium_free(r->m);
}

static void exchange(rig *r, const apdu_cmd *c, size_t want_len)
{
    size_t wl, rl, pl;
    if (scp03_wrap_command(&r->ses.scp, c, false, wire, sizeof wire, &wl)) fail("wrap", NULL);
    if (se_transmit(r->s, wire, wl, resp, sizeof resp, &rl)) fail("transmit", NULL);
    if (scp03_unwrap_response(&r->ses.scp, resp, rl, plain, sizeof plain, &pl))
        fail("unwrap", NULL);
    if (pl != want_len + 2 || plain[pl - 2] != 0x90) fail("unexpected response", NULL);
}

/* READ RECORD only, instead of WRITE + READ pairs (both benches). */
static bool reads_only;

/* Pairs of WRITE n + READ n (or READ n + READ n) per second (each pair is two APDUs). */
static double bench_seam(rig *r, size_t n, double seconds, unsigned long *count)
{
    uint8_t data[239];
    memset(data, 0x5A, sizeof data);
    apdu_cmd w = {.cla = 0x80, .ins = 0xD2, .p1 = 1, .data = data, .lc = n};
    apdu_cmd rd = {.cla = 0x80, .ins = 0xB2, .p1 = 1, .has_le = true, .le = 256};
    if (reads_only) exchange(r, &w, 0); /* the record holds n bytes (not timed) */
    unsigned long k = 0;
    double t0 = bench_now(), t;
    do {
        for (int i = 0; i < 64; i++) {
            if (reads_only)
                exchange(r, &rd, n);
            else
                exchange(r, &w, 0);
            exchange(r, &rd, n);
        }
        k += 64;
        t = bench_now() - t0;
    } while (t < seconds);
    *count = k;
    return (double)k / t;
}

/* ---- the same cryptography, straight on OpenSSL (bench/rawscp.h) ---- */
/* Textbook or tuned calls (see bench/rawscp.h). */
static bool tuned;

static double bench_raw(size_t n, double seconds, unsigned long *count)
{
    rawscp_key enc, mac, rmac;
    if (!rawscp_init(&enc, key, tuned) || !rawscp_init(&mac, key, tuned) ||
        !rawscp_init(&rmac, key, tuned))
        fail("raw CMAC init", NULL);
    size_t padded = (n / 16 + 1) * 16; /* ISO 9797-1 method 2 */
    uint8_t ctr[16] = {0}, icv[16], blk[256], out[256], chain[16 + 5 + 256], m[16], sw[2];
    memset(chain, 0x5A, sizeof chain);
    memset(blk, 0x11, sizeof blk);
    sw[0] = 0x90;
    sw[1] = 0x00;
    unsigned long k = 0;
    double t0 = bench_now(), t;
    do {
        for (int i = 0; i < 64; i++) {
            ctr[15] = (uint8_t)i;
            for (int j = 0; j < 2; j++) {
                if (j == 0 && !reads_only) {
                    /* WRITE: host C-DEC + C-MAC; card C-MAC check + C-DEC; R-MAC both sides */
                    rawscp_ecb(&enc, ctr, icv);
                    rawscp_cbc(&enc, true, icv, blk, padded, out);
                    rawscp_cmac(&mac, chain, 21, out, padded, m);
                    rawscp_cmac(&mac, chain, 21, out, padded, m);
                    rawscp_ecb(&enc, ctr, icv);
                    rawscp_cbc(&enc, false, icv, out, padded, blk);
                    rawscp_cmac(&rmac, chain, 16, sw, 2, m);
                    rawscp_cmac(&rmac, chain, 16, sw, 2, m);
                    continue;
                }
                /* READ: C-MAC both sides; card R-ENC + R-MAC; host R-MAC check + R-ENC */
                rawscp_cmac(&mac, chain, 21, NULL, 0, m);
                rawscp_cmac(&mac, chain, 21, NULL, 0, m);
                rawscp_ecb(&enc, ctr, icv);
                rawscp_cbc(&enc, true, icv, blk, padded, out);
                rawscp_cmac(&rmac, chain, 16, out, padded + 2, m);
                rawscp_cmac(&rmac, chain, 16, out, padded + 2, m);
                rawscp_ecb(&enc, ctr, icv);
                rawscp_cbc(&enc, false, icv, out, padded, blk);
            }
        }
        k += 64;
        t = bench_now() - t0;
    } while (t < seconds);
    rawscp_free(&enc);
    rawscp_free(&mac);
    rawscp_free(&rmac);
    *count = k;
    return (double)k / t;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 3.0;
    if (secs <= 0) secs = 3.0;
    rig r;
    rig_open(&r);
    static const size_t sizes[] = {64, 200};
    printf("GP Card API: SCP03 level 33 (C-MAC, C-DEC, R-MAC, R-ENC), AES-128, S8, through the\n"
           "provider applet's SecureChannel on the in-process SE; WRITE n + READ n alternating\n");
    for (size_t i = 0; i < 2 * (sizeof sizes / sizeof sizes[0]); i++) {
        size_t n = sizes[i % 2];
        reads_only = i >= 2;
        if (i == 2) printf("READ n only (the channel without the applet's persistent write)\n");
        /* alternate short rounds so that drift in the machine's speed falls on all alike */
        const int rounds = 10;
        unsigned long n_seam = 0, n_raw[2] = {0, 0}, c;
        double t_seam = 0, t_raw[2] = {0, 0};
        for (int k = 0; k < rounds; k++) {
            for (int m = 0; m < 2; m++) {
                tuned = m == 1;
                double v = bench_raw(n, secs / rounds, &c);
                n_raw[m] += c;
                t_raw[m] += (double)c / v;
            }
            double v = bench_seam(&r, n, secs / rounds, &c);
            n_seam += c;
            t_seam += (double)c / v;
        }
        double seam = 2.0 * (double)n_seam / t_seam;
        double text = 2.0 * (double)n_raw[0] / t_raw[0], best = 2.0 * (double)n_raw[1] / t_raw[1];
        printf("  %3zu data bytes: applet channel %8.0f APDUs/s | raw OpenSSL same crypto: "
               "textbook %8.0f (%5.1f %%), tuned %8.0f (%5.1f %%)\n",
               n, seam, text, 100.0 * seam / text, best, 100.0 * seam / best);
    }
    rig_close(&r);
    return 0;
}
