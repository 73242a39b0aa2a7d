/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
package com.seam.test.bad.floats;

public class UsesFloat {
    private float scale;

    public short scaled(short v) {
        return (short) (v * 2);
    }
}
