/*
 * Probe: the test applet of tests/test_gp_api.c for org.globalplatform.GPSystem and
 * GPRegistryEntry (and SecureChannel misuse). CLA 80:
 *   10        -> card state, own content state
 *   12        -> lockCard() (01/00)
 *   14        -> terminateCard() (01/00)
 *   16 P1=s   -> setCardContentState(s) (01/00), then the content state
 *   18 P1=n   -> own entry: privileges (3), state, isPrivileged(n), isAssociated(ISD),
 *                getAID() equals JCSystem.getAID()
 *   1A data=AID -> getRegistryEntry(lookupAID(AID)): 00, or 01 and its state
 *   1C        -> SecureChannel.getSecurityLevel()
 *   1E        -> unwrap / wrap / decryptData with a range beyond the buffer: 01 per
 *                ArrayIndexOutOfBoundsException caught (3 expected)
 *   20        -> processSecurity of this command (not a security command: 6D00)
 *   22        -> decryptData without a session (6985)
 */
package seam.gprobe;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import org.globalplatform.GPRegistryEntry;
import org.globalplatform.GPSystem;
import org.globalplatform.SecureChannel;

public final class Probe extends Applet {
    private static final byte[] ISD = {
        (byte) 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00
    };
    private final AID isd;

    private Probe() {
        isd = new AID(ISD, (short) 0, (byte) ISD.length);
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Probe();
    }

    private static byte bool(boolean b) {
        return b ? (byte) 1 : (byte) 0;
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short n = 0;
        SecureChannel sc = GPSystem.getSecureChannel();
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x10:
                buf[0] = GPSystem.getCardState();
                buf[1] = GPSystem.getCardContentState();
                n = 2;
                break;
            case 0x12:
                buf[0] = bool(GPSystem.lockCard());
                n = 1;
                break;
            case 0x14:
                buf[0] = bool(GPSystem.terminateCard());
                n = 1;
                break;
            case 0x16: {
                byte want = buf[ISO7816.OFFSET_P1];
                buf[0] = bool(GPSystem.setCardContentState(want));
                buf[1] = GPSystem.getCardContentState();
                n = 2;
                break;
            }
            case 0x18: {
                byte p = buf[ISO7816.OFFSET_P1];
                GPRegistryEntry e = GPSystem.getRegistryEntry(null);
                e.getPrivileges(buf, (short) 0);
                buf[3] = e.getState();
                buf[4] = bool(e.isPrivileged(p));
                buf[5] = bool(e.isAssociated(isd));
                buf[6] = bool(e.getAID().equals(JCSystem.getAID()));
                n = 7;
                break;
            }
            case 0x1A: {
                short len = apdu.setIncomingAndReceive();
                AID aid = JCSystem.lookupAID(buf, ISO7816.OFFSET_CDATA, (byte) len);
                GPRegistryEntry e = null;
                if (aid != null) {
                    e = GPSystem.getRegistryEntry(aid);
                }
                buf[0] = 0;
                buf[1] = 0;
                if (e != null) {
                    buf[0] = 1;
                    buf[1] = e.getState();
                }
                n = 2;
                break;
            }
            case 0x1C:
                buf[0] = sc.getSecurityLevel();
                n = 1;
                break;
            case 0x1E: {
                byte hits = 0;
                try {
                    sc.unwrap(buf, (short) 250, (short) 20);
                } catch (ArrayIndexOutOfBoundsException x) {
                    hits++;
                }
                try {
                    sc.wrap(buf, (short) -1, (short) 4);
                } catch (ArrayIndexOutOfBoundsException x) {
                    hits++;
                }
                try {
                    sc.decryptData(buf, (short) 0, (short) 300);
                } catch (ArrayIndexOutOfBoundsException x) {
                    hits++;
                }
                buf[0] = hits;
                n = 1;
                break;
            }
            case 0x20:
                sc.processSecurity(apdu);
                break;
            case 0x22:
                sc.decryptData(buf, (short) 0, (short) 16);
                break;
            case 0x24: {
                /* the command data become the ATR's historical bytes (Card Reset holder only) */
                short len = apdu.setIncomingAndReceive();
                buf[0] = bool(GPSystem.setATRHistBytes(buf, ISO7816.OFFSET_CDATA, (byte) len));
                n = 1;
                break;
            }
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        apdu.setOutgoingAndSend((short) 0, n);
    }
}
