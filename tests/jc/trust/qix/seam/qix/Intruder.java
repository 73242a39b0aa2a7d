/*
 * An applet of another package (seam.qix, importing seam.qsw) for tests/test_trust_applet.c:
 * it reads the switch applet's public static array (getstatic has no firewall check) and tries
 * to use it, directly and through the card's QuorumService. Each INS answers 0x5E when the
 * JCRE throws SecurityException, 0 otherwise (and then the SW attest returned, if any).
 *  INS 50: writes Switch.state[0] directly.
 *  INS 51: passes Switch.state to QuorumService.attest as the payload (the service checks the
 *          arrays with its caller's context, so the JCRE cannot be used to read them).
 *  INS 52: passes Switch.state as the CMS.
 *  INS 53: calls attest with its own (garbage) arrays: the service is open to every applet.
 */
package seam.qix;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;
import seam.qsw.Switch;
import seam.trust.QuorumService;
import seam.trust.Trust;

public class Intruder extends Applet {
    private final byte[] mine = new byte[4];

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
        byte r = 0;
        short sw = 0;
        QuorumService svc = Trust.getService();
        try {
            switch (buf[ISO7816.OFFSET_INS]) {
                case 0x50:
                    Switch.state[0] = 1;
                    break;
                case 0x51:
                    sw = svc.attest(mine, (short) 0, (short) 4, Switch.state, (short) 0, (short) 1);
                    break;
                case 0x52:
                    sw = svc.attest(Switch.state, (short) 0, (short) 1, mine, (short) 0, (short) 0);
                    break;
                case 0x53:
                    sw = svc.attest(mine, (short) 0, (short) 4, mine, (short) 0, (short) 0);
                    break;
                default:
                    ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
            }
        } catch (SecurityException e) {
            r = 0x5E;
        }
        buf[0] = r;
        Util.setShort(buf, (short) 1, sw);
        apdu.setOutgoingAndSend((short) 0, (short) 3);
    }
}
