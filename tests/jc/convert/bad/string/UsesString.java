/* A refusal test of tests/test_jc_convert.sh: the converter must refuse this class. */
/* javac refuses a string against the Java Card API, so the test compiles this one against the
 * JDK and runs only the converter on it. */
package com.seam.test.bad.strings;

public class UsesString {
    public static Object greeting() {
        return "hello";
    }
}
