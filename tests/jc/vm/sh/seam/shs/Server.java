/*
 * Server applet of tests/test_jcvm_share.c (package seam.shs). getShareableInterfaceObject
 * grants its ServerObj for parameter 1 and refuses (null) otherwise. Its public statics hold
 * server objects of the package (published: a Shareable one, plainObj: a plain one). uninstall()
 * (AppletEvent) counts deletions in a static that survives the instance.
 * INS 01: uninstall count (short); INS 02: the shared object's count (short);
 * INS 03: JCSystem.getAID of the server context (bytes); INS 04: the result of using its
 * CLEAR_ON_DESELECT array in install() and now (1: allowed, 0x5E: refused), two shorts.
 */
package seam.shs;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.AppletEvent;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Shareable;
import javacard.framework.Util;

public class Server extends Applet implements AppletEvent {
    public static ServerObj published;
    public static Plain plainObj;
    static short uninstalls;
    static short installTouch;
    private final ServerObj obj;

    Server(byte[] b, short off) {
        obj = new ServerObj();
        /* a CLEAR_ON_DESELECT array created and used in install(): the applet being
         * installed counts as the selected one (JCRE 3.0.5 §11.2) */
        obj.desel = JCSystem.makeTransientByteArray((short) 4, JCSystem.CLEAR_ON_DESELECT);
        installTouch = obj.scratch();
        if (published == null) {
            published = new ServerObj();
            plainObj = new Plain();
        }
        register(b, (short) (off + 1), b[off]);
    }

    public static void install(byte[] b, short off, byte len) {
        new Server(b, off);
    }

    public Shareable getShareableInterfaceObject(AID client, byte param) {
        if (param == 1 && client != null) {
            return obj;
        }
        return null;
    }

    public void uninstall() {
        uninstalls++;
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x01:
                Util.setShort(buf, (short) 0, uninstalls);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            case 0x02:
                Util.setShort(buf, (short) 0, obj.count);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            case 0x03: {
                AID me = JCSystem.getAID();
                apdu.setOutgoingAndSend((short) 0, me.getBytes(buf, (short) 0));
                return;
            }
            case 0x04: /* the CLEAR_ON_DESELECT array from install() and now, selected */
                Util.setShort(buf, (short) 0, installTouch);
                Util.setShort(buf, (short) 2, obj.scratch());
                apdu.setOutgoingAndSend((short) 0, (short) 4);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
