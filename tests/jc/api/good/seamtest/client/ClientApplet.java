/*
 * Test client applet for tests/test_jc_api.sh, in its own package: it looks the server up by
 * AID and uses its Shareable interface, compiled against api.jar plus the server's classes.
 */
package seamtest.client;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Shareable;
import javacard.framework.Util;
import seamtest.purse.Purse;

public final class ClientApplet extends Applet {
    private static final byte[] SERVER_AID = {(byte) 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x02, 0x01};

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new ClientApplet().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        AID server = JCSystem.lookupAID(SERVER_AID, (short) 0, (byte) SERVER_AID.length);
        if (server == null) {
            ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
        }
        Shareable s = JCSystem.getAppletShareableInterfaceObject(server, (byte) 0);
        if (!(s instanceof Purse)) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        Purse purse = (Purse) s;
        purse.debit(Util.getShort(buf, ISO7816.OFFSET_P1));
        Util.setShort(buf, (short) 0, purse.balance());
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }
}
