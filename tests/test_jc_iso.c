/*
 * The runtime behaviour IsoApplet (the PKI applet Debian's OpenSC 0.23 drives, see
 * docs/applets-isoapplet.md) needs, checked with seam's own applets tests/jc/iso
 * (seam.iso.IsoTest and seam.iso.InstallCod, built here with `seam jc build`; none of IsoApplet's
 * code):
 *  - JCRE 3.0.5 §11.2: during install() the new applet is the currently selected applet, so its
 *    constructor may write the CLEAR_ON_DESELECT arrays it creates (IsoApplet keeps its current
 *    DF in one); they keep their values within a selection and read zero after a deselect;
 *  - an applet's own checked exception (singleton extending Exception) thrown and caught;
 *  - an applet chaining its own long answer with 61xx under T=1: the card passes GET RESPONSE
 *    to the applet when the OS has nothing pending (IsoApplet answers GENERATE ASYMMETRIC KEY
 *    PAIR that way); with nothing pending anywhere the applet's 6985 comes back, and the ISD
 *    (not an applet) still answers 6985 itself;
 *  - command chaining (CLA b5): each command of a chain reaches the applet, which reassembles
 *    it (IsoApplet's and GidsApplet's RSA DECIPHER: 255 + 1 bytes).
 * The Java sources are compiled at run time into a temporary directory ($SEAM_BIN, the API jar
 * of $SEAM_BUILD), as test_gp_content.c does.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "cardrig.h"
#include "check.h"
#include "seam/sw.h"

static const uint8_t pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x49, 0x01};
static const uint8_t app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x49, 0x01, 0x01};
static const uint8_t cod_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x49, 0x01, 0x02};
static const uint8_t isd_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};

static uint8_t *jcl;
static size_t jcl_len;

static uint8_t rbuf[APDU_MAX_RESPONSE];
static size_t rlen; /* response data length, SW excluded */

/* One raw APDU to the in-process SE: the SW, 0 on a transport failure. No GET RESPONSE. */
static uint16_t raw(card_rig *r, const uint8_t *cmd, size_t n)
{
    size_t got = 0;
    if (se_transmit(r->se, cmd, n, rbuf, sizeof rbuf, &got) != SEAM_OK || got < 2) return 0;
    rlen = got - 2;
    return (uint16_t)((rbuf[got - 2] << 8) | rbuf[got - 1]);
}

static uint16_t cmd4(card_rig *r, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t le)
{
    const uint8_t c[5] = {cla, ins, p1, 0x00, le};
    return raw(r, c, sizeof c);
}

static uint16_t select_raw(card_rig *r, const uint8_t *aid, size_t len)
{
    uint8_t c[32] = {0x00, 0xA4, 0x04, 0x00, (uint8_t)len};
    memcpy(c + 5, aid, len);
    return raw(r, c, 5 + len);
}

static bool build_applet(void)
{
    const char *bin = getenv("SEAM_BIN");
    const char *build = getenv("SEAM_BUILD");
    if (!build) build = "build";
    char bin_buf[1024];
    if (!bin) {
        snprintf(bin_buf, sizeof bin_buf, "%s/seam", build);
        bin = bin_buf;
    }
    char dir[] = "/tmp/seam-jciso.XXXXXX";
    if (!mkdtemp(dir)) return false;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "'%s' jc build -o '%s/iso.jcl' --package-aid F07365616D4901 "
             "--applet seam.iso.IsoTest=F07365616D490101 "
             "--applet seam.iso.InstallCod=F07365616D490102 --api '%s/jc/api.jar' "
             "tests/jc/iso/seam/iso/*.java",
             bin, dir, build);
    bool ok = system(cmd) == 0;
    if (ok) {
        char path[1100];
        snprintf(path, sizeof path, "%s/iso.jcl", dir);
        FILE *f = fopen(path, "rb");
        if (f) {
            fseek(f, 0, SEEK_END);
            long n = ftell(f);
            fseek(f, 0, SEEK_SET);
            jcl = n > 0 ? malloc((size_t)n) : NULL;
            if (jcl && fread(jcl, 1, (size_t)n, f) == (size_t)n) jcl_len = (size_t)n;
            fclose(f);
        }
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "  could not remove %s\n", dir);
    if (!jcl_len) fprintf(stderr, "  seam jc build of tests/jc/iso failed\n");
    return jcl_len != 0;
}

/* A fresh card with the package loaded and the applet aid (8 bytes) installed; *install_sw is
 * INSTALL's SW. */
static bool rig_with(card_rig *r, const uint8_t aid[8], uint16_t *install_sw)
{
    if (!card_rig_open(r)) return false;
    uint16_t sw = 0;
    if (!card_rig_isd_session(r, 0x03) ||
        (sw = card_rig_load(r, pkg_aid, sizeof pkg_aid, jcl, jcl_len)) != SW_NO_ERROR) {
        fprintf(stderr, "  load of tests/jc/iso: %04X\n", sw);
        card_rig_close(r);
        return false;
    }
    *install_sw = card_rig_install(r, pkg_aid, sizeof pkg_aid, aid, 8);
    return true;
}

/* IsoTest installed and selected. */
static bool rig_with_applet(card_rig *r)
{
    uint16_t sw = 0;
    if (!rig_with(r, app_aid, &sw)) return false;
    if (sw != SW_NO_ERROR || select_raw(r, app_aid, sizeof app_aid) != SW_NO_ERROR) {
        fprintf(stderr, "  install/select of IsoTest: %04X\n", sw);
        card_rig_close(r);
        return false;
    }
    return true;
}

/* JCRE §11.2: the constructor writes its CLEAR_ON_DESELECT arrays inside install(). */
static void test_install_writes_cod_arrays(void)
{
    card_rig r;
    uint16_t sw = 0;
    REQUIRE(rig_with(&r, cod_aid, &sw));
    CHECK_EQ(sw, SW_NO_ERROR);
    if (sw != SW_NO_ERROR) {
        card_rig_close(&r);
        return;
    }
    CHECK_EQ(select_raw(&r, cod_aid, sizeof cod_aid), SW_NO_ERROR);
    /* Within one selection the arrays keep what the applet wrote. */
    CHECK_EQ(cmd4(&r, 0x00, 0x01, 0, 0), SW_NO_ERROR);
    CHECK_EQ(rlen, 5);
    CHECK_EQ(cmd4(&r, 0x00, 0x01, 0, 0), SW_NO_ERROR);
    static const uint8_t kept[5] = {0x01, 0x02, 0x03, 0x04, 0x01};
    CHECK_EQ(rlen, 5);
    CHECK_MEM(rbuf, kept, 5);
    /* A deselect clears them: null, 0, false. */
    CHECK_EQ(select_raw(&r, isd_aid, sizeof isd_aid), SW_NO_ERROR);
    CHECK_EQ(select_raw(&r, cod_aid, sizeof cod_aid), SW_NO_ERROR);
    CHECK_EQ(cmd4(&r, 0x00, 0x01, 0, 0), SW_NO_ERROR);
    static const uint8_t zero[5] = {0};
    CHECK_EQ(rlen, 5);
    CHECK_MEM(rbuf, zero, 5);
    card_rig_close(&r);
}

/* An exception class of the applet's own, one instance, thrown and caught. */
static void test_own_checked_exception(void)
{
    card_rig r;
    REQUIRE(rig_with_applet(&r));
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x00, 0), SW_NO_ERROR);
    CHECK_EQ(rlen, 2);
    CHECK(rbuf[0] == 0xFF && rbuf[1] == 0xFF);
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x05, 0), SW_NO_ERROR);
    CHECK(rlen == 2 && rbuf[0] == 0x00 && rbuf[1] == 0x05);
    /* again: the same instance is thrown a second time */
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x00, 0), SW_NO_ERROR);
    CHECK(rlen == 2 && rbuf[0] == 0xFF && rbuf[1] == 0xFF);
    card_rig_close(&r);
}

/* The applet's own 61xx chaining: GET RESPONSE goes to the applet when the OS has nothing. */
static void test_applet_get_response(void)
{
    card_rig r;
    REQUIRE(rig_with_applet(&r));
    CHECK_EQ(cmd4(&r, 0x00, 0x03, 0, 0), 0x612C);
    CHECK_EQ(rlen, 256);
    bool first_ok = rlen == 256;
    for (size_t i = 0; first_ok && i < 256; i++)
        first_ok = rbuf[i] == (uint8_t)i;
    CHECK(first_ok);
    CHECK_EQ(cmd4(&r, 0x00, 0xC0, 0, 0x2C), SW_NO_ERROR);
    CHECK_EQ(rlen, 44);
    bool rest_ok = rlen == 44;
    for (size_t i = 0; rest_ok && i < 44; i++)
        rest_ok = rbuf[i] == (uint8_t)(256 + i);
    CHECK(rest_ok);
    /* Nothing pending any more: the applet says so (6985), not the OS. */
    CHECK_EQ(cmd4(&r, 0x00, 0xC0, 0, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* Another command in between ends the applet's chain too. */
    CHECK_EQ(cmd4(&r, 0x00, 0x03, 0, 0), 0x612C);
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x07, 0), SW_NO_ERROR);
    CHECK_EQ(cmd4(&r, 0x00, 0xC0, 0, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* The OS's own pending data still comes first: Le shorter than the applet's answer. */
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x07, 0x01), 0x6101);
    CHECK_EQ(rlen, 1);
    CHECK_EQ(cmd4(&r, 0x00, 0xC0, 0, 0x01), SW_NO_ERROR);
    CHECK(rlen == 1 && rbuf[0] == 0x07);
    /* The ISD is no applet: with nothing pending the OS answers 6985 as before. */
    CHECK_EQ(select_raw(&r, isd_aid, sizeof isd_aid), SW_NO_ERROR);
    CHECK_EQ(cmd4(&r, 0x00, 0xC0, 0, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    card_rig_close(&r);
}

/* Command chaining (CLA b5) is the applet's to handle, as on a Java Card: it sees every command
 * of the chain (IsoApplet, GidsApplet and the OpenPGP applets reassemble chains themselves; an
 * applet without ExtendedLength cannot take a reassembled 256-byte command at all). */
static void test_command_chaining(void)
{
    card_rig r;
    REQUIRE(rig_with_applet(&r));
    uint8_t part[5 + 200];
    memcpy(part, (const uint8_t[]){0x10, 0x04, 0x00, 0x00, 200}, 5);
    for (int i = 0; i < 200; i++)
        part[5 + i] = 0xFF;
    CHECK_EQ(raw(&r, part, sizeof part), SW_NO_ERROR);
    CHECK_EQ(rlen, 0);
    CHECK_EQ(raw(&r, part, sizeof part), SW_NO_ERROR);
    static const uint8_t last[] = {0x00, 0x04, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03, 0x00};
    CHECK_EQ(raw(&r, last, sizeof last), SW_NO_ERROR);
    /* 403 bytes; 400 * 0xFF + 6 = 102006 = 0x18E76, kept as a short: 0x8E76; 3 commands */
    static const uint8_t want[5] = {0x01, 0x93, 0x8E, 0x76, 0x03};
    CHECK_EQ(rlen, 5);
    CHECK_MEM(rbuf, want, 5);
    /* 255 + 1 bytes, as OpenSC sends a 2048-bit RSA DECIPHER: two commands, 256 bytes */
    uint8_t big[5 + 255];
    memcpy(big, (const uint8_t[]){0x10, 0x04, 0x00, 0x00, 255}, 5);
    memset(big + 5, 0x01, 255);
    CHECK_EQ(raw(&r, big, sizeof big), SW_NO_ERROR);
    static const uint8_t one[] = {0x00, 0x04, 0x00, 0x00, 0x01, 0x01, 0x00};
    CHECK_EQ(raw(&r, one, sizeof one), SW_NO_ERROR);
    static const uint8_t want2[5] = {0x01, 0x00, 0x01, 0x00, 0x02};
    CHECK_EQ(rlen, 5);
    CHECK_MEM(rbuf, want2, 5);
    /* A chain broken by another INS: 6883 (ISO 7816-4 §5.1.1.1), and the chain is gone. */
    CHECK_EQ(raw(&r, part, sizeof part), SW_NO_ERROR);
    CHECK_EQ(cmd4(&r, 0x00, 0x02, 0x01, 0), SW_LAST_COMMAND_EXPECTED);
    CHECK_EQ(raw(&r, last, sizeof last), SW_NO_ERROR);
    static const uint8_t want3[5] = {0x00, 0x03, 0x00, 0x06, 0x01};
    CHECK_EQ(rlen, 5);
    CHECK_MEM(rbuf, want3, 5);
    card_rig_close(&r);
}

int main(void)
{
    if (!build_applet()) {
        fprintf(stderr, "FAIL: cannot build the test applet\n");
        return 1;
    }
    RUN(test_install_writes_cod_arrays);
    RUN(test_own_checked_exception);
    RUN(test_applet_get_response);
    RUN(test_command_chaining);
    free(jcl);
    return check_summary();
}
