/*
 * JCRE 3.0.5 §11.2: while install() runs, the new applet is the currently selected applet, and
 * CLEAR_ON_DESELECT objects created then belong to its selection context. This constructor
 * writes such arrays (Object, short, boolean) right after creating them and keeps an object of
 * its own in the Object array, as IsoApplet keeps its current DF (tests/test_jc_iso.c).
 *
 * INS 01: data = id of the Node in slot 0 (2 bytes, 0 when the slot is empty), the short value
 *         (2 bytes), the boolean flag (1 byte); then keeps a new Node 0x0102 in slots 0 and 1,
 *         the value 0x0304 and the flag true. After a deselect all of them read 0.
 */
package seam.iso;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

public class InstallCod extends Applet {
    private final Object[] current;
    private final short[] value;
    private final boolean[] flag;

    private InstallCod() {
        current = JCSystem.makeTransientObjectArray((short) 2, JCSystem.CLEAR_ON_DESELECT);
        value = JCSystem.makeTransientShortArray((short) 1, JCSystem.CLEAR_ON_DESELECT);
        flag = JCSystem.makeTransientBooleanArray((short) 1, JCSystem.CLEAR_ON_DESELECT);
        current[0] = new Node((short) 0x3F00);
        current[1] = current[0];
        value[0] = 0x7777;
        flag[0] = true;
        if (((Node) current[1]).id != 0x3F00 || value[0] != 0x7777 || !flag[0]) {
            ISOException.throwIt(ISO7816.SW_UNKNOWN);
        }
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new InstallCod();
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        if (buf[ISO7816.OFFSET_INS] != (byte) 0x01) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        Object o = current[0];
        Util.setShort(buf, (short) 0, o == null ? 0 : ((Node) o).id);
        Util.setShort(buf, (short) 2, value[0]);
        buf[4] = flag[0] ? (byte) 1 : (byte) 0;
        current[0] = new Node((short) 0x0102);
        current[1] = current[0];
        value[0] = 0x0304;
        flag[0] = true;
        apdu.setOutgoingAndSend((short) 0, (short) 5);
    }
}
