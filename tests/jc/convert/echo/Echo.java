/*
 * Test applet for tests/test_jc_convert.sh and tests/test_jc_convert.c: the converter's
 * reference input. CLA 0x80: INS 0x01 returns the data field unchanged; INS 0x02 increments a
 * persistent 2-byte counter in a transaction and returns it big-endian; anything else 6D00.
 * It also holds a little of everything the converter rewrites: int constants (ldc), a static
 * array initialiser, an exception handler, an interface call and a nested class.
 */
package com.seam.test.echo;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

public final class Echo extends Applet implements Counter {
    private static final byte CLA_PROPRIETARY = (byte) 0x80;
    private static final byte INS_ECHO = 0x01;
    private static final byte INS_COUNT = 0x02;
    private static final byte[] MAGIC = {0x53, 0x45, 0x41, 0x4D};
    private static int total;

    private final byte[] counter;

    private Echo() {
        counter = new byte[2];
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Echo().register(bArray, (short) (bOffset + 1), bArray[bOffset]);
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        if (buf[ISO7816.OFFSET_CLA] != CLA_PROPRIETARY) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        switch (buf[ISO7816.OFFSET_INS]) {
            case INS_ECHO:
                short len = apdu.setIncomingAndReceive();
                apdu.setOutgoingAndSend(ISO7816.OFFSET_CDATA, len);
                return;
            case INS_COUNT:
                Counter c = this;
                short v = c.next();
                Util.setShort(buf, (short) 0, v);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    public short next() {
        short v;
        try {
            JCSystem.beginTransaction();
            v = (short) (Util.getShort(counter, (short) 0) + 1);
            Util.setShort(counter, (short) 0, v);
            JCSystem.commitTransaction();
        } catch (ISOException e) {
            JCSystem.abortTransaction();
            throw e;
        }
        total = total * 1103515245 + 12345 + MAGIC[0];
        return v;
    }

    static final class Helper {
        private Helper() {
        }

        static int mix(int a) {
            return a ^ 0x5EA11234;
        }
    }
}
