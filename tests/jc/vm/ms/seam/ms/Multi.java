/*
 * MultiSelectable applet (tests/test_jcvm_share.c, package seam.ms): records every selection
 * callback in a persistent log: select() 10, select(b) 20|b, deselect() 30, deselect(b) 40|b.
 * INS 40: [assigned channel, log length, log...] and clears the log.
 */
package seam.ms;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.MultiSelectable;
import javacard.framework.Util;

public class Multi extends Applet implements MultiSelectable {
    private final byte[] log = new byte[32];
    private short n;

    Multi() {
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new Multi();
    }

    private void note(int v) {
        if (n < log.length) {
            log[n++] = (byte) v;
        }
    }

    public boolean select() {
        note(0x10);
        return true;
    }

    public boolean select(boolean appInstAlreadyActive) {
        note(0x20 | (appInstAlreadyActive ? 1 : 0));
        return true;
    }

    public void deselect() {
        note(0x30);
    }

    public void deselect(boolean appInstStillActive) {
        note(0x40 | (appInstStillActive ? 1 : 0));
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_INS] != 0x40) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        buf[0] = JCSystem.getAssignedChannel();
        buf[1] = (byte) n;
        Util.arrayCopyNonAtomic(log, (short) 0, buf, (short) 2, n);
        apdu.setOutgoingAndSend((short) 0, (short) (2 + n));
        n = 0;
    }
}
