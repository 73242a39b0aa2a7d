/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
package com.seam.test.bad.arrays;

public class UsesArray2D {
    public static byte corner() {
        byte[][] grid = new byte[3][4];
        return grid[2][3];
    }
}
