/*
 * Echo: the smallest useful applet, and the one the runtime's tests and demo load first.
 *   CLA 80, INS 01: returns the command data unchanged.
 *   CLA 80, INS 02: increments a persistent 2-byte counter inside a transaction and returns it
 *                   big-endian (wraps from FFFF to 0000).
 *   any other INS: 6D00; an interindustry CLA (bit 8 clear) other than SELECT: 6E00.
 * Package F07365616D01, applet F07365616D0101.
 */
package seam.echo;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

public final class Echo extends Applet {
    private static final byte INS_ECHO = (byte) 0x01;
    private static final byte INS_COUNT = (byte) 0x02;

    private short counter;

    private Echo() {
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Echo();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if ((buf[ISO7816.OFFSET_CLA] & (byte) 0x80) == 0) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        switch (buf[ISO7816.OFFSET_INS]) {
            case INS_ECHO: {
                short len = apdu.setIncomingAndReceive();
                short off = apdu.getOffsetCdata();
                apdu.setOutgoingAndSend(off, len);
                return;
            }
            case INS_COUNT: {
                JCSystem.beginTransaction();
                counter = (short) (counter + 1);
                JCSystem.commitTransaction();
                Util.setShort(buf, (short) 0, counter);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
