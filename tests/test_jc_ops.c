/*
 * Runs tests/jc/ops/seam/ops/Ops.java on the card (installed through GP) for many operand
 * pairs and compares its 16 result bytes with the same computations done here in C with the
 * JVM's int semantics (JVMS §6.5: two's complement wrap-around, shifts by the low 5 bits,
 * >> arithmetic, >>> logical). The Java side exists to reach the comparison and shift opcodes
 * the other test packages do not; this file is their independent oracle.
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"

static const uint8_t PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x4F, 0x01};
static const uint8_t APP[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x4F, 0x01, 0x01};

static int32_t loops(int32_t a, int32_t b)
{
    int32_t n = 0;
    for (int32_t i = a; i < b; i++) n++;
    for (int32_t i = a; i > b; i--) n += 2;
    for (int32_t i = a; i <= b; i++) n += 4;
    for (int32_t i = a; i >= b; i--) n += 8;
    int32_t j = a;
    while (j == b) {
        n += 16;
        j++;
    }
    j = a;
    while (j != b && j < 100) {
        n += 32;
        j = b;
    }
    return n;
}

static int32_t ifs(int32_t a, int32_t b)
{
    int32_t r = 0;
    r |= a < b ? 1 : 0;
    r |= a > b ? 2 : 0;
    r |= a <= b ? 4 : 0;
    r |= a >= b ? 8 : 0;
    r |= a == b ? 16 : 0;
    r |= a != b ? 32 : 0;
    r |= a == 0 ? 64 : 0;
    r |= a != 0 ? 128 : 0;
    r |= a < 0 ? 256 : 0;
    r |= a >= 0 ? 512 : 0;
    r |= a > 0 ? 1024 : 0;
    r |= a <= 0 ? 2048 : 0;
    return r;
}

static int32_t zero_loops(int32_t a)
{
    int32_t n = 0, k = a;
    while (k < 0) {
        n++;
        k++;
    }
    k = a;
    while (k > 0) {
        n += 16;
        k--;
    }
    k = a;
    while (k >= 0 && n < 1000) {
        n += 256;
        k = -1;
    }
    k = a;
    while (k <= 0 && n < 4000) {
        n += 1024;
        k = 1;
    }
    k = a;
    while (k != 0) {
        n += 4096;
        k = 0;
    }
    return n;
}

static void expected(int32_t a, int32_t b, uint8_t out[16])
{
    int32_t l = loops(a, b), f = ifs(a, b), z = zero_loops(a);
    uint32_t ua = (uint32_t)a;
    /* (a << 20) | (((a >> 3) & 0xF) ^ ((a >>> 28) << 4)) */
    uint32_t sh = (ua << 20) | (((uint32_t)(a >> 3) & 0xF) ^ ((ua >> 28) << 4));
    int32_t v = (int32_t)(0u - ua);
    int32_t len = b & 3;
    bool xnull = len == 0;
    int32_t r1 = xnull ? (1 | 4 | 32 | 64) : (1 | 8 | 16);
    int32_t r2 = 2 | 4;
    out[0] = (uint8_t)l;
    out[1] = (uint8_t)f;
    out[2] = (uint8_t)(f >> 8);
    out[3] = (uint8_t)z;
    out[4] = (uint8_t)(z >> 8);
    out[5] = (uint8_t)(z >> 16);
    out[6] = (uint8_t)(sh >> 24);
    out[7] = (uint8_t)(sh >> 16);
    out[8] = (uint8_t)(sh >> 8);
    out[9] = (uint8_t)sh;
    out[10] = (uint8_t)v;
    out[11] = (uint8_t)v;
    out[12] = (uint8_t)r1;
    out[13] = (uint8_t)r2;
    out[14] = (uint8_t)len;
    out[15] = (uint8_t)(l >> 8);
}

static void test_ops(void)
{
    card_rig r;
    REQUIRE(card_rig_open(&r));
    size_t len = 0;
    uint8_t *jcl = card_rig_build_file("tests/jcops/ops.jcl", &len);
    REQUIRE(jcl != NULL);
    REQUIRE(card_rig_isd_session(&r, 0x03));
    CHECK_EQ(card_rig_load(&r, PKG, sizeof PKG, jcl, len), 0x9000);
    free(jcl);
    CHECK_EQ(card_rig_install(&r, PKG, sizeof PKG, APP, sizeof APP), 0x9000);
    REQUIRE(card_rig_select(&r, APP, sizeof APP) == 0x9000);
    uint8_t buf[300];
    size_t n;
    uint16_t sw = 0;
    static const int8_t vals[] = {0, 1, -1, 2, -2, 5, -7, 63, -64, 127, -128, 99, 100, -100};
    unsigned runs = 0;
    for (size_t i = 0; i < sizeof vals; i++)
        for (size_t j = 0; j < sizeof vals; j++) {
            uint8_t cmd[] = {0x80, 0x01, (uint8_t)vals[i], (uint8_t)vals[j], 0x00};
            REQUIRE(gp_transmit(&r.cl, cmd, sizeof cmd, buf, sizeof buf, &n, &sw) == SEAM_OK);
            uint8_t want[16];
            expected(vals[i], vals[j], want);
            CHECK_EQ(sw, 0x9000);
            CHECK_EQ(n, 18);
            if (n == 18 && memcmp(buf, want, 16)) {
                fprintf(stderr, "  a=%d b=%d\n", vals[i], vals[j]);
                CHECK_MEM(buf, want, 16);
            }
            runs++;
        }
    CHECK_EQ(runs, sizeof vals * sizeof vals);
    card_rig_close(&r);
}

int main(void)
{
    RUN(test_ops);
    return check_summary();
}
