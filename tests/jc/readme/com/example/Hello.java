/*
 * The applet of the README's walk-through (tests/test_readme_jc.sh runs that walk-through):
 * INS 10 answers "hello"; any other INS gives 6D00.
 */
package com.example;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

public class Hello extends Applet {
    private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};

    public static void install(byte[] b, short off, byte len) {
        new Hello().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_INS] != (byte) 0x10) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        Util.arrayCopyNonAtomic(HELLO, (short) 0, buf, (short) 0, (short) HELLO.length);
        apdu.setOutgoingAndSend((short) 0, (short) HELLO.length);
    }
}
