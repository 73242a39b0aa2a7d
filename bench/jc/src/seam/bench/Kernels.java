/*
 * Bytecode-heavy kernels for `make bench`: the same class file runs as part of an applet on seam
 * and on the JVM's interpreter (java -Xint), so the two times compare the interpreters only.
 * Java Card subset: byte, short, int and arrays of them; no long, no char, no String.
 */
package seam.bench;

public final class Kernels {
    /* FIPS 180-4 §4.2.2: the SHA-256 constants */
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2
    };

    private Kernels() {}

    private static int rotr(int x, int n) {
        return (x >>> n) | (x << (32 - n));
    }

    /* SHA-256 of msg[off..off+len), len < 2^28, into out[outOff..outOff+32). w holds 64 ints,
     * h 8 ints and blk 64 bytes of scratch. */
    public static void sha256(byte[] msg, short off, short len, byte[] out, short outOff,
                              int[] w, int[] h, byte[] blk) {
        h[0] = 0x6a09e667; h[1] = 0xbb67ae85; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a;
        h[4] = 0x510e527f; h[5] = 0x9b05688c; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
        int total = len;
        int nblocks = (total + 9 + 63) / 64;
        for (int b = 0; b < nblocks; b++) {
            for (int i = 0; i < 64; i++) {
                int p = b * 64 + i;
                byte v;
                if (p < total) {
                    v = msg[off + p];
                } else if (p == total) {
                    v = (byte) 0x80;
                } else if (b == nblocks - 1 && i >= 56) {
                    int bits = total * 8;
                    v = i >= 60 ? (byte) (bits >>> (8 * (63 - i))) : 0;
                } else {
                    v = 0;
                }
                blk[i] = v;
            }
            for (int t = 0; t < 16; t++) {
                w[t] = ((blk[4 * t] & 0xff) << 24) | ((blk[4 * t + 1] & 0xff) << 16)
                        | ((blk[4 * t + 2] & 0xff) << 8) | (blk[4 * t + 3] & 0xff);
            }
            for (int t = 16; t < 64; t++) {
                int x = w[t - 15], y = w[t - 2];
                int s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
                int s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }
            int a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < 64; t++) {
                int t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g))
                        + K[t] + w[t];
                int t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
                hh = g; g = f; f = e; e = d + t1; d = c; c = bb; bb = a; a = t1 + t2;
            }
            h[0] += a; h[1] += bb; h[2] += c; h[3] += d;
            h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
        }
        for (int i = 0; i < 8; i++) {
            out[outOff + 4 * i] = (byte) (h[i] >>> 24);
            out[outOff + 4 * i + 1] = (byte) (h[i] >>> 16);
            out[outOff + 4 * i + 2] = (byte) (h[i] >>> 8);
            out[outOff + 4 * i + 3] = (byte) h[i];
        }
    }

    /* Schoolbook multiply of two n-byte big-endian numbers into r (2n bytes), the way Java Card
     * applets without a bignum API do it: 8-bit limbs, int accumulator. */
    public static void mpmul(byte[] a, byte[] b, byte[] r, short n) {
        short rn = (short) (2 * n);
        for (short i = 0; i < rn; i++) {
            r[i] = 0;
        }
        for (short i = (short) (n - 1); i >= 0; i--) {
            int carry = 0;
            int ai = a[i] & 0xff;
            for (short j = (short) (n - 1); j >= 0; j--) {
                short k = (short) (i + j + 1);
                int t = ai * (b[j] & 0xff) + (r[k] & 0xff) + carry;
                r[k] = (byte) t;
                carry = t >>> 8;
            }
            r[i] = (byte) carry;
        }
    }

    /* A day of half-hourly tariff accounting, as a prepayment or billing applet does it: 48
     * readings (Wh), each priced by the band the half hour falls in, with a standing charge,
     * a cap per half hour and a running balance that may not go below the emergency credit.
     * Returns the day's cost in tenths of a penny. */
    public static int tariffDay(short[] readings, byte[] bandOf, short[] pricePerKwh,
                                short standing, short cap, int[] balance) {
        int cost = standing;
        int bal = balance[0];
        for (short hh = 0; hh < 48; hh++) {
            short wh = readings[hh];
            if (wh < 0) {
                wh = 0;
            }
            if (wh > cap) {
                wh = cap;
            }
            short price = pricePerKwh[bandOf[hh]];
            int c = (wh * price + 500) / 1000;
            switch (bandOf[hh]) {
                case 0:
                    c = c - (c >> 4);
                    break;
                case 2:
                    c = c + (c >> 3);
                    break;
                default:
                    break;
            }
            cost += c;
            bal -= c;
            if (bal < -5000) {
                bal = -5000;
            }
        }
        balance[0] = bal;
        return cost;
    }
}
