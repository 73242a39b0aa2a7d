/*
 * Extended length (javacardx.apdu.ExtendedLength; tests/test_jcvm_share.c, package seam.xt):
 * INS 30 receives the whole command data (receiveBytes until the incoming length is read)
 * and answers the same number of bytes, each XOR FF, with one setOutgoing/sendBytes.
 */
package seam.xt;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacardx.apdu.ExtendedLength;

public class ExtLen extends Applet implements ExtendedLength {
    ExtLen() {
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new ExtLen();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_INS] != 0x30) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        short got = apdu.setIncomingAndReceive();
        short total = apdu.getIncomingLength();
        short off = apdu.getOffsetCdata();
        while (got < total) {
            got += apdu.receiveBytes((short) (off + got));
        }
        for (short i = 0; i < total; i++) {
            buf[(short) (off + i)] = (byte) ~buf[(short) (off + i)];
        }
        apdu.setOutgoing();
        apdu.setOutgoingLength(total);
        apdu.sendBytes(off, total);
    }
}
