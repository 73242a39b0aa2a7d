/*
 * Benchmark: SCP03-wrapped APDUs per second through an in-process SE, next to the raw OpenSSL
 * cost of the same cryptographic work on the same bytes (the crypto-bound limit).
 *
 * One round trip at security level 33 (C-MAC, C-DEC, R-MAC, R-ENC), AES-128, S8: the host wraps
 * GET STATUS of the ISD (2 data bytes -> one encrypted block), the card unwraps, processes,
 * wraps its 21-byte answer (two blocks), the host unwraps. The cryptography of that exchange is:
 * 4 AES-ECB blocks (the counter ICVs), 2 AES-CBC encryptions and 2 decryptions (1 block for the
 * command, 2 for the response, each side), and 4 AES-CMACs (over 37 bytes for the command,
 * 50 for the response, each side). The baseline does exactly that with OpenSSL EVP contexts
 * prepared once, twice: with textbook calls (each CBC operation re-initialises its context with
 * the IV) and tuned (the IV changed without re-initialising, as src/crypto/aes.c does: the
 * fastest way we know to call OpenSSL 3.0 for it, so the crypto-bound limit).
 *
 * Usage: bench_scp03 [SECONDS per measurement, default 3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawscp.h"
#include "seam/apdu.h"
#include "seam/scp03.h"
#include "seam/se.h"

static const uint8_t key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static uint8_t resp[APDU_MAX_RESPONSE], wire[512], plain[512];

static void fail(const char *what)
{
    fprintf(stderr, "bench_scp03: %s\n", what);
    exit(1);
}

static double bench_seam(double seconds, unsigned long *count)
{
    store_medium *m;
    se *s;
    char msg[200];
    store_medium_memory(&m);
    se_config cfg = {.medium = m, .quiet = true};
    if (se_open(&s, &cfg, msg, sizeof msg) != SEAM_OK) fail(msg);
    size_t rl, wl, pl;
    uint8_t iu[14] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    if (se_transmit(s, iu, sizeof iu, resp, sizeof resp, &rl) || rl < 34) fail("INIT UPDATE");
    scp03_session h;
    memset(&h, 0, sizeof h);
    if (scp03_session_init(&h, key, key, 16, iu + 5, resp + 13, 8, resp[12])) fail("session");
    if (scp03_host_external_authenticate(&h, 0x33, 0, wire, sizeof wire, &wl)) fail("EA");
    if (se_transmit(s, wire, wl, resp, sizeof resp, &rl) || resp[0] != 0x90) fail("EA refused");
    scp03_host_auth_done(&h);
    static const uint8_t gs[] = {0x80, 0xF2, 0x80, 0x02, 0x02, 0x4F, 0x00, 0x00};
    apdu_cmd c;
    apdu_parse(gs, sizeof gs, &c);
    unsigned long n = 0;
    double t0 = bench_now(), t;
    do {
        for (int i = 0; i < 256; i++) {
            if (scp03_wrap_command(&h, &c, false, wire, sizeof wire, &wl)) fail("wrap");
            if (se_transmit(s, wire, wl, resp, sizeof resp, &rl)) fail("transmit");
            if (scp03_unwrap_response(&h, resp, rl, plain, sizeof plain, &pl)) fail("unwrap");
            if (pl != 23 || plain[21] != 0x90) fail("unexpected response");
        }
        n += 256;
        t = bench_now() - t0;
    } while (t < seconds);
    scp03_session_clear(&h);
    se_close(s);
    store_medium_free(m);
    *count = n;
    return (double)n / t;
}

/* ---- the same cryptography, straight on OpenSSL (bench/rawscp.h) ---- */
/* Textbook or tuned calls (see bench/rawscp.h). */
static bool tuned;

static double bench_raw(double seconds, unsigned long *count)
{
    rawscp_key enc, mac, rmac;
    if (!rawscp_init(&enc, key, tuned) || !rawscp_init(&mac, key, tuned) ||
        !rawscp_init(&rmac, key, tuned))
        fail("raw CMAC init");
    uint8_t ctr[16] = {0}, icv[16], blk[32], out[32], chain[21], m[16], rsp[50];
    memset(chain, 0x5A, sizeof chain);
    memset(blk, 0x11, sizeof blk);
    memset(rsp, 0x22, sizeof rsp);
    unsigned long n = 0;
    double t0 = bench_now(), t;
    do {
        for (int i = 0; i < 256; i++) {
            ctr[15] = (uint8_t)i;
            /* host: C-DEC and C-MAC */
            rawscp_ecb(&enc, ctr, icv);
            rawscp_cbc(&enc, true, icv, blk, 16, out);
            rawscp_cmac(&mac, chain, 21, out, 16, m);
            /* card: C-MAC check, C-DEC */
            rawscp_cmac(&mac, chain, 21, out, 16, m);
            rawscp_ecb(&enc, ctr, icv);
            rawscp_cbc(&enc, false, icv, out, 16, blk);
            /* card: R-ENC and R-MAC */
            rawscp_ecb(&enc, ctr, icv);
            rawscp_cbc(&enc, true, icv, blk, 32, out);
            rawscp_cmac(&rmac, chain, 16, rsp, 34, m);
            /* host: R-MAC check, R-ENC */
            rawscp_cmac(&rmac, chain, 16, rsp, 34, m);
            rawscp_ecb(&enc, ctr, icv);
            rawscp_cbc(&enc, false, icv, out, 32, blk);
        }
        n += 256;
        t = bench_now() - t0;
    } while (t < seconds);
    rawscp_free(&enc);
    rawscp_free(&mac);
    rawscp_free(&rmac);
    *count = n;
    return (double)n / t;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 3.0;
    if (secs <= 0) secs = 3.0;
    /* The two measurements alternate in short rounds, so drift in the machine's speed (a
     * shared VM) falls on both alike. */
    const int rounds = 10;
    unsigned long n_seam = 0, n_raw[2] = {0, 0}, n;
    double t_seam = 0, t_raw[2] = {0, 0};
    for (int i = 0; i < rounds; i++) {
        for (int m = 0; m < 2; m++) {
            tuned = m == 1;
            double r = bench_raw(secs / rounds, &n);
            n_raw[m] += n;
            t_raw[m] += (double)n / r;
        }
        double r = bench_seam(secs / rounds, &n);
        n_seam += n;
        t_seam += (double)n / r;
    }
    double seam = (double)n_seam / t_seam;
    double text = (double)n_raw[0] / t_raw[0], best = (double)n_raw[1] / t_raw[1];
    printf("SCP03 level 33, AES-128, S8, GET STATUS (2 data bytes in, 21 out), in process\n");
    printf("  seam host wrap + card + host unwrap : %10.0f APDUs/s (%lu in %.1f s)\n", seam, n_seam,
           t_seam);
    printf("  raw OpenSSL, same crypto, tuned     : %10.0f APDUs/s (%lu in %.1f s)\n", best,
           n_raw[1], t_raw[1]);
    printf("  raw OpenSSL, same crypto, textbook  : %10.0f APDUs/s (%lu in %.1f s)\n", text,
           n_raw[0], t_raw[0]);
    printf("  seam / crypto-bound limit (tuned)   : %10.1f %%\n", 100.0 * seam / best);
    printf("  seam / textbook OpenSSL calls       : %10.1f %%\n", 100.0 * seam / text);
    return 0;
}
