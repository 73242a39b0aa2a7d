/*
 * OwnerPIN and non-atomic Util methods under transactions (tests/test_jcvm_share.c, package
 * seam.xt). PIN: try limit 3, value 31 32 33 34.
 * INS 20 data=candidate: check -> [result, tries remaining, isValidated]
 * INS 21: [tries remaining]; INS 22: resetAndUnblock; INS 28: reset() (unblocks only when
 *        validated) -> [tries remaining]
 * INS 23 data=candidate: beginTransaction, check, abortTransaction -> [result, tries]
 * INS 24 data=candidate: beginTransaction, check, return with the transaction open (6F00)
 * INS 26 data=4 bytes: beginTransaction; arrayFillNonAtomic(arr, 0, 4, 0x11); arr[4] = 0x22
 *        (transactional); arrayCopyNonAtomic(data, arr, 5, 4); abortTransaction -> arr (12)
 * INS 27: arr; INS 29: zero arr
 */
package seam.xt;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.OwnerPIN;
import javacard.framework.Util;

public class PinTest extends Applet {
    private static final byte[] VALUE = {0x31, 0x32, 0x33, 0x34};
    private final OwnerPIN pin;
    private final byte[] arr;

    PinTest() {
        pin = new OwnerPIN((byte) 3, (byte) 8);
        pin.update(VALUE, (short) 0, (byte) VALUE.length);
        arr = new byte[12];
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new PinTest();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short lc = 0;
        byte ins = buf[ISO7816.OFFSET_INS];
        if (ins == 0x20 || ins == 0x23 || ins == 0x24 || ins == 0x26) {
            lc = apdu.setIncomingAndReceive();
        }
        switch (ins) {
            case 0x20: {
                boolean ok = pin.check(buf, ISO7816.OFFSET_CDATA, (byte) lc);
                buf[0] = (byte) (ok ? 1 : 0);
                buf[1] = pin.getTriesRemaining();
                buf[2] = (byte) (pin.isValidated() ? 1 : 0);
                apdu.setOutgoingAndSend((short) 0, (short) 3);
                return;
            }
            case 0x21:
                buf[0] = pin.getTriesRemaining();
                apdu.setOutgoingAndSend((short) 0, (short) 1);
                return;
            case 0x22:
                pin.resetAndUnblock();
                return;
            case 0x28:
                pin.reset();
                buf[0] = pin.getTriesRemaining();
                apdu.setOutgoingAndSend((short) 0, (short) 1);
                return;
            case 0x23: {
                JCSystem.beginTransaction();
                boolean ok = pin.check(buf, ISO7816.OFFSET_CDATA, (byte) lc);
                JCSystem.abortTransaction();
                buf[0] = (byte) (ok ? 1 : 0);
                buf[1] = pin.getTriesRemaining();
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            case 0x24:
                JCSystem.beginTransaction();
                pin.check(buf, ISO7816.OFFSET_CDATA, (byte) lc);
                return;
            case 0x26:
                JCSystem.beginTransaction();
                Util.arrayFillNonAtomic(arr, (short) 0, (short) 4, (byte) 0x11);
                arr[4] = 0x22;
                Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_CDATA, arr, (short) 5, (short) 4);
                JCSystem.abortTransaction();
                Util.arrayCopyNonAtomic(arr, (short) 0, buf, (short) 0, (short) 12);
                apdu.setOutgoingAndSend((short) 0, (short) 12);
                return;
            case 0x27:
                Util.arrayCopyNonAtomic(arr, (short) 0, buf, (short) 0, (short) 12);
                apdu.setOutgoingAndSend((short) 0, (short) 12);
                return;
            case 0x29:
                Util.arrayFillNonAtomic(arr, (short) 0, (short) 12, (byte) 0);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
