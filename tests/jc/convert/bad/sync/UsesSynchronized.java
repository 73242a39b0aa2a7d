/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
package com.seam.test.bad.sync;

public class UsesSynchronized {
    private short n;

    public synchronized void bump() {
        n++;
    }
}
