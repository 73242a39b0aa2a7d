/*
 * `seam demo`: a scripted, readable session against an in-process secure element on a memory
 * store — what a card management server does with a fresh card: power on, select the issuer
 * security domain, read its data, open an SCP03 secure channel (Amendment D) at level 33,
 * list the registry, replace the factory test keys with a new AES-256 key set (PUT KEY),
 * authenticate with the new keys, and watch a wrong key being refused.
 *
 * Each step states what it expects; the exit status is 0 only if every step got it
 * (tests/test_demo.sh relies on that). Nothing here is secret: the demo keys are printed
 * because they are demonstration values, never real ones.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static int steps, failures;

static void heading(const char *title)
{
    printf("\n== %d. %s\n", ++steps, title);
}

static bool expect(bool ok, const char *what)
{
    printf("   %s %s\n", ok ? "[ok]  " : "[FAIL]", what);
    if (!ok) failures++;
    return ok;
}

static void line_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("   %-22s ", label);
    gp_print_hex(stdout, p, n);
    printf("\n");
}

/* GET DATA, decoded by its tag's printer. */
static bool show_data(gp_session *s, uint16_t tag, const char *what)
{
    uint8_t d[512];
    size_t n = 0;
    uint16_t sw = 0;
    if (gp_get_data(s, tag, d, sizeof d, &n, &sw) != SEAM_OK || sw != SW_NO_ERROR) {
        printf("   GET DATA %04X answered %04X\n", tag, sw);
        return false;
    }
    printf("   %s (tag %04X, %zu bytes):\n", what, tag, n);
    seam_err e = SEAM_E_FORMAT;
    if (tag == GP_TAG_CPLC) {
        gp_cplc c;
        e = gp_parse_cplc(d, n, &c);
        if (e == SEAM_OK) gp_print_cplc(stdout, &c);
    } else if (tag == GP_TAG_CARD_DATA) {
        gp_card_data cd;
        e = gp_parse_card_data(d, n, &cd);
        if (e == SEAM_OK) gp_print_card_data(stdout, &cd);
    } else if (tag == GP_TAG_KEY_INFO) {
        gp_key_info ki[GP_KEY_INFO_MAX];
        size_t cnt = 0;
        e = gp_parse_key_info(d, n, ki, GP_KEY_INFO_MAX, &cnt);
        if (e == SEAM_OK) gp_print_key_info(stdout, ki, cnt);
    }
    return e == SEAM_OK;
}

static bool has_key_set(gp_session *s, uint8_t kvn, unsigned bits)
{
    uint8_t d[512];
    size_t n = 0, cnt = 0;
    uint16_t sw = 0;
    gp_key_info ki[GP_KEY_INFO_MAX];
    if (gp_get_data(s, GP_TAG_KEY_INFO, d, sizeof d, &n, &sw) != SEAM_OK || sw != SW_NO_ERROR ||
        gp_parse_key_info(d, n, ki, GP_KEY_INFO_MAX, &cnt) != SEAM_OK)
        return false;
    for (size_t i = 0; i < cnt; i++)
        if (ki[i].kvn == kvn && ki[i].length * 8u == bits) return true;
    return false;
}

static void show_session(const gp_session *s)
{
    printf("   INITIALIZE UPDATE response (Amendment D Table 7-3):\n");
    line_hex("  diversification data", s->iu.div_data, sizeof s->iu.div_data);
    printf("     key set KVN %02X, SCP%02X, i=%02X (%s%s%s)\n", s->iu.kvn, s->iu.scp_id,
           s->iu.i_param, s->iu.ch_len == 16 ? "S16" : "S8",
           (s->iu.i_param & SCP03_I_PSEUDO_RANDOM) ? ", pseudo-random challenge" : "",
           (s->iu.i_param & SCP03_I_RENC) ? ", R-MAC and R-ENC offered" : "");
    line_hex("  card challenge", s->iu.card_challenge, s->iu.ch_len);
    line_hex("  card cryptogram", s->iu.card_cryptogram, s->iu.ch_len);
    if (s->iu.has_seq) line_hex("  sequence counter", s->iu.seq, 3);
}

/* The echo applet's load file, built next to the seam binary (build/applets/echo.jcl). */
static uint8_t *read_echo(size_t *len, char *path, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return NULL;
    self[n] = 0;
    snprintf(path, cap, "%s/applets/echo.jcl", dirname(self));
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static uint8_t buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return *len > 0 && *len < sizeof buf ? buf : NULL;
}

/* Java Card: load, install, use and delete the echo applet, all under the ISD's session. */
static void java_card(gp_session *s, gp_client *cl)
{
    char path[PATH_MAX + 32];
    size_t len = 0, n;
    uint16_t sw = 0;
    uint8_t buf[300];
    const uint8_t *jcl = read_echo(&len, path, sizeof path);
    if (!expect(jcl != NULL, "the echo applet's load file is there (make builds it)")) {
        printf("   (%s)\n", path);
        return;
    }
    gp_load_file_info info;
    char msg[200];
    if (!expect(gp_load_file_info_parse(jcl, len, &info, msg, sizeof msg) == SEAM_OK &&
                    info.n_applets == 1,
                "load file read: package F07365616D01 with one applet"))
        return;
    printf("   %s: %zu bytes (javac + seam's converter, docs/load-file.md)\n", path, len);

    heading("INSTALL [for load] and LOAD: the package goes to the card in blocks");
    printf("   the card checks the whole load file before it keeps anything: structure,\n"
           "   references, and every method's bytecode against its stack maps (verifier)\n");
    gp_client quiet = *cl;
    quiet.trace = NULL;
    gp_client *saved = s->client;
    seam_err e = gp_install_for_load(s, info.aid, info.aid_len, NULL, 0, &sw);
    if (e == SEAM_OK && sw == SW_NO_ERROR) {
        s->client = &quiet; /* the LOAD blocks would fill the screen */
        e = gp_load(s, jcl, len, 0, NULL, &sw);
        s->client = saved;
    }
    if (!expect(e == SEAM_OK && sw == SW_NO_ERROR, "package loaded, verified and linked")) {
        printf("   (%s, SW %04X)\n", seam_strerror(e), sw);
        return;
    }
    heading("INSTALL [for install and make selectable]: the applet's install() runs");
    static const uint8_t priv = 0;
    e = gp_install_for_install(s, GP_INSTALL_FOR_INSTALL_SELECTABLE, info.aid, info.aid_len,
                               info.applet[0], info.applet_len[0], info.applet[0],
                               info.applet_len[0], &priv, 1, NULL, 0, &sw);
    if (!expect(e == SEAM_OK && sw == SW_NO_ERROR, "applet F07365616D0101 installed, SELECTABLE"))
        return;

    heading("SELECT the applet and talk to it (its own commands, no secure channel)");
    e = gp_select(cl, info.applet[0], info.applet_len[0], buf, sizeof buf, &n, &sw);
    if (!expect(e == SEAM_OK && sw == SW_NO_ERROR, "echo applet selected")) return;
    static const uint8_t c1[] = {0x80, 0x01, 0x00, 0x00, 0x05, 's', 'e', 'a', 'm', '!', 0x00};
    e = gp_transmit(cl, c1, sizeof c1, buf, sizeof buf, &n, &sw);
    expect(e == SEAM_OK && sw == SW_NO_ERROR && n == 7 && !memcmp(buf, c1 + 5, 5),
           "INS 01 returned the data unchanged");
    static const uint8_t c2[] = {0x80, 0x02, 0x00, 0x00, 0x00};
    e = gp_transmit(cl, c2, sizeof c2, buf, sizeof buf, &n, &sw);
    bool one = e == SEAM_OK && sw == SW_NO_ERROR && n == 4 && buf[0] == 0 && buf[1] == 1;
    e = gp_transmit(cl, c2, sizeof c2, buf, sizeof buf, &n, &sw);
    expect(one && e == SEAM_OK && sw == SW_NO_ERROR && n == 4 && buf[0] == 0 && buf[1] == 2,
           "INS 02: the persistent counter went 0001, 0002 (a transaction each)");
    static const uint8_t c3[] = {0x80, 0x7F, 0x00, 0x00, 0x00};
    e = gp_transmit(cl, c3, sizeof c3, buf, sizeof buf, &n, &sw);
    expect(e == SEAM_OK && sw == SW_INS_NOT_SUPPORTED, "an unknown INS: 6D00 (ISOException)");

    heading("Back to the ISD: DELETE the package and its applet (80 E4 00 80)");
    e = gp_select(cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, buf, sizeof buf, &n, &sw);
    if (!expect(e == SEAM_OK && sw == SW_NO_ERROR, "ISD selected")) return;
}

static bool list_isd(gp_session *s, const char *expect_state)
{
    gp_status_entry e[4];
    size_t n = 0;
    uint16_t sw = 0;
    if (gp_get_status(s, GP_STATUS_ISD, e, 4, &n, &sw) != SEAM_OK || sw != SW_NO_ERROR || n != 1)
        return false;
    printf("   registry:\n   ");
    gp_print_status(stdout, GP_STATUS_ISD, e, n);
    return !expect_state || !strcmp(gp_lifecycle_name(GP_STATUS_ISD, e[0].lifecycle), expect_state);
}

int cmd_demo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf(
                "usage: seam demo\n\n"
                "A scripted GlobalPlatform session against an in-process secure element on a\n"
                "memory store: ATR, SELECT, GET DATA, SCP03 at level 33, GET STATUS, PUT KEY of\n"
                "an AES-256 key set, authentication with it, a wrong key refused. Exit status 0\n"
                "when every step gave the expected result.\n");
            return 0;
        }
        fprintf(stderr, "seam demo: unexpected argument '%s' (seam demo takes none; see --help)\n",
                argv[i]);
        return 2;
    }
    store_medium *m = NULL;
    se *card = NULL;
    seam_card *sc = NULL;
    char msg[256] = "";
    uint8_t buf[512];
    size_t n = 0;
    uint16_t sw = 0;
    gp_session s;
    gp_keys def, nk, wrong;
    memset(&s, 0, sizeof s);
    memset(&wrong, 0, sizeof wrong);
    gp_keys_set(&def, test_key, test_key, test_key, 16, 0);
    /* The new AES-256 key set: demonstration values (a real one comes from a KMS). */
    uint8_t k[3][32];
    for (size_t i = 0; i < 32; i++) {
        k[0][i] = (uint8_t)(0xE0 + i);
        k[1][i] = (uint8_t)(0x10 + 3 * i);
        k[2][i] = (uint8_t)(0xA5 ^ (7 * i));
    }
    gp_keys_set(&nk, k[0], k[1], k[2], 32, 0x30);
    seam_wipe(k, sizeof k);

    printf("seam demo: GlobalPlatform card management over SCP03 and a Java Card applet, against\n"
           "an in-process SE\n");

    heading("Power on: the card answers with its ATR");
    se_config cfg = {.medium = NULL, .quiet = true};
    seam_err e = store_medium_memory(&m);
    cfg.medium = m;
    if (e == SEAM_OK) e = se_open(&card, &cfg, msg, sizeof msg);
    seam_card_fns fns = se_card_fns(card);
    if (e == SEAM_OK) e = card_open_fns(&sc, &fns);
    if (e == SEAM_OK) e = card_reset(sc, buf, sizeof buf, &n);
    if (!expect(e == SEAM_OK && n >= 2 && buf[0] == 0x3B, "ATR received (direct convention 3B)"))
        goto out;
    line_hex("ATR", buf, n);
    printf("   a fresh store image: the card personalised itself with the well-known test\n"
           "   key set 404142...4F (KVN FF), as development cards ship\n");

    gp_client cl = {.card = sc, .trace = gp_trace_print, .trace_ctx = stdout};
    heading("SELECT the issuer security domain (00 A4 04 00, AID A000000151000000)");
    e = gp_select(&cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, buf, sizeof buf, &n, &sw);
    if (!expect(e == SEAM_OK && sw == SW_NO_ERROR && n > 0, "ISD selected; its FCI came back"))
        goto out;

    heading("GET DATA: what the card says about itself (no authentication needed)");
    gp_session_plain(&s, &cl);
    expect(show_data(&s, GP_TAG_CPLC, "CPLC"), "CPLC decoded");
    expect(show_data(&s, GP_TAG_CARD_DATA, "card recognition data"),
           "card recognition data decoded (GP version, SCP03 i parameter)");
    expect(show_data(&s, GP_TAG_KEY_INFO, "key information template"),
           "key information decoded: the test key set FF");

    heading("SCP03 authentication at level 33 with the test keys");
    printf("   level 33 = C-MAC + C-DECRYPTION + R-MAC + R-ENCRYPTION: every command and\n"
           "   response from now on is encrypted and MACed; 'plain' lines are before wrapping\n");
    e = gp_session_open(&s, &cl, &def, 0x33, NULL, 8, &sw);
    if (!expect(e == SEAM_OK, "card cryptogram verified; EXTERNAL AUTHENTICATE accepted")) {
        printf("   (%s, SW %04X)\n", seam_strerror(e), sw);
        goto out;
    }
    show_session(&s);

    heading("GET STATUS of the ISD (80 F2 80 02), inside the secure channel");
    expect(list_isd(&s, NULL), "registry entry of the ISD returned and R-MAC verified");

    heading("PUT KEY: a new AES-256 key set, KVN 30");
    printf("   each key travels encrypted under the static DEK (AES-CBC, zero ICV), with its\n"
           "   key check value; the card answers the KVN and the three KCVs\n");
    e = gp_put_key_aes(&s, &nk, 0, &sw);
    expect(e == SEAM_OK && sw == SW_NO_ERROR, "key set 30 stored; KCVs match the keys sent");
    gp_session_close(&s);

    heading("Authenticate with the new AES-256 keys");
    e = gp_session_open(&s, &cl, &nk, 0x33, NULL, 8, &sw);
    if (expect(e == SEAM_OK, "session open with key set 30 (AES-256)")) {
        show_session(&s);
        expect(has_key_set(&s, 0x30, 256) && !has_key_set(&s, 0xFF, 128),
               "key information: set 30 is AES-256; the test key set FF is gone");
        gp_session_close(&s);
    }

    heading("Java Card: the echo applet (applets/echo)");
    e = gp_session_open(&s, &cl, &nk, 0x33, NULL, 8, &sw);
    if (expect(e == SEAM_OK, "session open with key set 30")) {
        java_card(&s, &cl);
        gp_session_close(&s);
        e = gp_session_open(&s, &cl, &nk, 0x33, NULL, 8, &sw);
        if (e == SEAM_OK) e = gp_delete(&s, (const uint8_t *)"\xF0\x73\x65\x61\x6D\x01", 6, true, &sw);
        expect(e == SEAM_OK && sw == SW_NO_ERROR, "package and applet deleted");
        gp_session_close(&s);
    }

    heading("A wrong key is refused");
    wrong = nk;
    wrong.mac[31] ^= 0x01;
    printf("   the host checks the card cryptogram first: a wrong key never reaches the\n"
           "   card's try counter\n");
    e = gp_session_open(&s, &cl, &wrong, 0x33, NULL, 8, &sw);
    expect(e == SEAM_E_AUTH, "authentication failed: card cryptogram mismatch");
    e = gp_session_open(&s, &cl, &def, 0x33, NULL, 8, &sw);
    expect(e != SEAM_OK, "the old test keys no longer open a session");

out:
    gp_keys_wipe(&wrong);
    gp_session_close(&s);
    gp_keys_wipe(&def);
    gp_keys_wipe(&nk);
    if (sc) card_close(sc);
    if (card) se_close(card);
    if (m) store_medium_free(m);
    if (failures || steps < 8) {
        printf("\nseam demo: %d of %d steps did not give the expected result\n",
               failures ? failures : 1, steps);
        return 1;
    }
    printf("\nseam demo: all %d steps gave the expected result\n", steps);
    return 0;
}
