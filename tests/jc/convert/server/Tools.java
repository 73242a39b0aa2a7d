/* Server package of the --import test: a public class with a static method, a public field,
 * and a constant (which the client cannot use: the load file does not carry its value). */
package com.seam.test.server;

public class Tools {
    public static final short LIMIT = 100;
    public static byte[] shared;

    public static short twice(short v) {
        return (short) (v * 2);
    }

    static short hidden() {
        return 0;
    }
}
