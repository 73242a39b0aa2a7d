/*
 * Firewall test applet (tests/test_jcvm.c): reads a byte array of package seam.vmt through
 * that package's public static field; the firewall must refuse the access.
 */
package seam.fwb;

import javacard.framework.APDU;
import javacard.framework.Applet;
import seam.vmt.Store;

public class Intruder extends Applet {
    Intruder() {
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new Intruder();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        byte[] other = Store.shared;
        switch (buf[1]) {
            case 0x01: /* caught */
                try {
                    buf[0] = other[0];
                    buf[1] = 0;
                } catch (SecurityException e) {
                    buf[1] = 0x5E;
                }
                buf[0] = (byte) (other == null ? 1 : 0);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            case 0x02: /* uncaught: 6F00 */
                other[0] = 1;
                return;
            default:
                return;
        }
    }
}
