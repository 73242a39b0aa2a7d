/*
 * Test server applet for tests/test_jc_api.sh: it implements a Shareable interface and grants
 * it only to the client whose AID it knows, checking the caller with getPreviousContextAID.
 */
package seamtest.purse;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Shareable;
import javacard.framework.UserException;
import javacard.framework.Util;

public final class PurseApplet extends Applet implements Purse {
    private static final byte[] CLIENT_AID = {(byte) 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x03, 0x01};
    private short balance = 100;

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new PurseApplet().register();
    }

    public Shareable getShareableInterfaceObject(AID clientAID, byte parameter) {
        if (clientAID == null || parameter != 0
                || !clientAID.equals(CLIENT_AID, (short) 0, (byte) CLIENT_AID.length)) {
            return null;
        }
        return this;
    }

    public short balance() {
        return balance;
    }

    public void debit(short amount) {
        AID caller = JCSystem.getPreviousContextAID();
        if (caller == null || !caller.partialEquals(CLIENT_AID, (short) 0, (byte) 5)) {
            ISOException.throwIt(ISO7816.SW_SECURITY_STATUS_NOT_SATISFIED);
        }
        try {
            check(amount);
        } catch (UserException e) {
            ISOException.throwIt(ISO7816.SW_DATA_INVALID);
        }
        JCSystem.beginTransaction();
        balance = (short) (balance - amount);
        JCSystem.commitTransaction();
    }

    private void check(short amount) throws UserException {
        if (amount < 0 || amount > balance) {
            UserException.throwIt(amount);
        }
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        Util.setShort(buf, (short) 0, balance);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }
}
