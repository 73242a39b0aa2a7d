/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
package com.seam.test.bad.longs;

public class UsesLong {
    public static short sum(short a, short b) {
        long x = a;
        x += b;
        return (short) x;
    }
}
