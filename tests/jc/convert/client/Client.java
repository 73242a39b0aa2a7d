/* Client package of the --import test: uses the server package's interface and class. */
package com.seam.test.client;

import com.seam.test.server.Purse;
import com.seam.test.server.Tools;
import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.JCSystem;
import javacard.framework.Util;

public final class Client extends Applet {
    private static final byte[] SERVER = {(byte) 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x03, 0x01};

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Client().register();
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        AID server = JCSystem.lookupAID(SERVER, (short) 0, (byte) SERVER.length);
        Purse p = (Purse) JCSystem.getAppletShareableInterfaceObject(server, (byte) 0);
        short v = Tools.twice(p.balance());
        if (Tools.shared != null) {
            v++;
        }
        Util.setShort(buf, (short) 0, v);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }
}
