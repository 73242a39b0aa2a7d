/*
 * Client applet of tests/test_jcvm_share.c (package seam.shc, importing seam.shs): asks the
 * server applet for its Shareable interface object and uses it across the firewall.
 * INS 10 P1=param: get the object (SW 6A88 if the server refuses), bump(5), answer the new
 *        count (short), then the previous-context AID the server saw (u1 length, bytes).
 * INS 11: keep the granted object in a field of this applet; INS 12: drop it.
 * INS 13: cast the object to its class and call a method of no Shareable interface
 *        (invokevirtual): answers 5E if SecurityException was thrown, else the result.
 * INS 14: cast it to Secret (an interface not extending Shareable) and call leak(): 5E if
 *        SecurityException, else the result.
 * INS 15: the server's plain object read through its public static field: [reference null ?
 *        1 : 0, 5E if get() throws SecurityException, 5E if reading field v throws it].
 */
package seam.shc;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Shareable;
import javacard.framework.Util;
import seam.shs.Counter;
import seam.shs.Plain;
import seam.shs.Secret;
import seam.shs.Server;
import seam.shs.ServerObj;

public class Client extends Applet {
    private static final byte[] SRV = {
        (byte) 0xF0, 0x73, 0x65, 0x61, 0x6D, 0x53, 0x01, 0x01
    };
    private Counter held;
    private Plain stash; /* a server object kept in the client's own field */

    Client() {
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new Client();
    }

    private static Shareable sio(byte param) {
        AID srv = JCSystem.lookupAID(SRV, (short) 0, (byte) SRV.length);
        if (srv == null) {
            ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
        }
        Shareable s = JCSystem.getAppletShareableInterfaceObject(srv, param);
        if (s == null) {
            ISOException.throwIt((short) 0x6A88);
        }
        return s;
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x10: {
                Counter c = (Counter) sio(buf[ISO7816.OFFSET_P1]);
                short n = c.bump((short) 5);
                byte len = c.prevAid(buf, (short) 3);
                Util.setShort(buf, (short) 0, n);
                buf[2] = len;
                apdu.setOutgoingAndSend((short) 0, (short) (3 + (len > 0 ? len : 0)));
                return;
            }
            case 0x11:
                held = (Counter) sio((byte) 1);
                return;
            case 0x12:
                held = null;
                return;
            case 0x13: {
                ServerObj o = (ServerObj) sio((byte) 1);
                short r;
                try {
                    r = o.internal();
                } catch (SecurityException e) {
                    r = 0x5E;
                }
                Util.setShort(buf, (short) 0, r);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            case 0x14: {
                Secret o = (Secret) sio((byte) 1);
                short r;
                try {
                    r = o.leak();
                } catch (SecurityException e) {
                    r = 0x5E;
                }
                Util.setShort(buf, (short) 0, r);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            case 0x16: { /* the server's CLEAR_ON_DESELECT array through a Shareable call */
                Counter c = (Counter) sio((byte) 1);
                Util.setShort(buf, (short) 0, c.scratch());
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            case 0x17: /* keep a reference to a server object in a field of the client */
                stash = Server.plainObj;
                buf[0] = (byte) (stash == null ? 0 : 1);
                apdu.setOutgoingAndSend((short) 0, (short) 1);
                return;
            case 0x18: { /* later, in another command: use the stored reference */
                short r;
                try {
                    r = stash.get();
                } catch (SecurityException e) {
                    r = 0x5E;
                }
                Util.setShort(buf, (short) 0, r);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            case 0x15: {
                Plain p = Server.plainObj;
                buf[0] = (byte) (p == null ? 1 : 0);
                buf[1] = 0;
                buf[2] = 0;
                try {
                    buf[1] = (byte) p.get();
                } catch (SecurityException e) {
                    buf[1] = 0x5E;
                }
                try {
                    buf[2] = (byte) p.v;
                } catch (SecurityException e) {
                    buf[2] = 0x5E;
                }
                apdu.setOutgoingAndSend((short) 0, (short) 3);
                return;
            }
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
