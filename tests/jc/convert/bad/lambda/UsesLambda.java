/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
/* javac cannot compile a lambda against the Java Card API (it needs java.lang.invoke), so the
 * test compiles this one against the JDK and runs only the converter on it. */
package com.seam.test.bad.lambda;

public class UsesLambda {
    interface Op {
        short apply(short x);
    }

    public static short twice(short v) {
        Op op = x -> (short) (x * 2);
        return op.apply(v);
    }
}
