/*
 * The "supply switch" test applet of tests/test_trust_applet.c (package seam.qsw): it flips its
 * persistent flag only when the command carries a quorum-signed attest (docs/trust.md) for
 * exactly that action, checked by the card's seam.trust.QuorumService, so the applet holds no
 * root certificate. The payload the signers must name is the applet's own AID followed by the
 * command's INS, P1 and P2 (the command bytes other than the CMS), so a CMS signed for another
 * action or another applet does not work here.
 *
 * The service object is obtained in install() and kept in a field (it is a permanent JCRE
 * object). The flag is element 0 of the public static array `state`, published so that
 * tests/jc/trust/qix (another package) can try to use it.
 *
 * Commands (CLA 80; the CMS, a DF71 value, is the whole command data, extended length allowed):
 *  INS 30 P1=new flag: attest, then the flag = P1; the refusal's SW otherwise.
 *  INS 31 P1=new flag: beginTransaction, attest, flag = P1, abortTransaction; answers the SW
 *         attest returned (2 bytes) with 9000: the flag stays, the counter is consumed.
 *  INS 32 P1=new flag: beginTransaction, attest, flag = P1, commitTransaction (as INS 30).
 *  INS 40: the flag (1 byte).
 *  INS 41: Object.equals on the service object (invokevirtual, not a QuorumService method):
 *          answers 0x5E when SecurityException is thrown, 0 otherwise.
 *  INS 42 P1=case: attest with bad arguments; answers 1 for NullPointerException, 2 for
 *          ArrayIndexOutOfBoundsException, 3 for SecurityException, 0 for none (the SW then
 *          follows as 2 more bytes).
 *  INS 43: Trust.getService() == the stored object (1 byte, 1 when the same).
 */
package seam.qsw;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacardx.apdu.ExtendedLength;
import seam.trust.QuorumService;
import seam.trust.Trust;

public class Switch extends Applet implements ExtendedLength {
    public static byte[] state;
    private final QuorumService svc;
    private final byte[] payload;
    private final byte[] scratch;

    Switch() {
        svc = Trust.getService();
        payload = JCSystem.makeTransientByteArray((short) 24, JCSystem.CLEAR_ON_RESET);
        scratch = new byte[8];
        state = new byte[1];
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new Switch();
    }

    /* The payload of this action: the applet's AID, INS, P1, P2. */
    private short action(byte[] buf) {
        short n = JCSystem.getAID().getBytes(payload, (short) 0);
        payload[n++] = buf[ISO7816.OFFSET_INS];
        payload[n++] = buf[ISO7816.OFFSET_P1];
        payload[n++] = buf[ISO7816.OFFSET_P2];
        return n;
    }

    /* Receives the whole command data; returns its length (at getOffsetCdata). */
    private static short receive(APDU apdu) {
        short got = apdu.setIncomingAndReceive();
        short total = apdu.getIncomingLength();
        short off = apdu.getOffsetCdata();
        while (got < total) {
            got += apdu.receiveBytes((short) (off + got));
        }
        return total;
    }

    private short attest(APDU apdu, byte[] buf) {
        short len = receive(apdu);
        short plen = action(buf);
        return svc.attest(buf, apdu.getOffsetCdata(), len, payload, (short) 0, plen);
    }

    private static void send(APDU apdu, byte[] buf, short len) {
        apdu.setOutgoingAndSend((short) 0, len);
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short sw;
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x30:
                sw = attest(apdu, buf);
                if (sw != ISO7816.SW_NO_ERROR) {
                    ISOException.throwIt(sw);
                }
                state[0] = buf[ISO7816.OFFSET_P1];
                return;
            case 0x31:
                JCSystem.beginTransaction();
                sw = attest(apdu, buf);
                if (sw == ISO7816.SW_NO_ERROR) {
                    state[0] = buf[ISO7816.OFFSET_P1];
                }
                JCSystem.abortTransaction();
                Util.setShort(buf, (short) 0, sw);
                send(apdu, buf, (short) 2);
                return;
            case 0x32:
                JCSystem.beginTransaction();
                sw = attest(apdu, buf);
                if (sw != ISO7816.SW_NO_ERROR) {
                    JCSystem.abortTransaction();
                    ISOException.throwIt(sw);
                }
                state[0] = buf[ISO7816.OFFSET_P1];
                JCSystem.commitTransaction();
                return;
            case 0x40:
                buf[0] = state[0];
                send(apdu, buf, (short) 1);
                return;
            case 0x41: {
                byte r = 0;
                try {
                    ((Object) svc).equals(svc);
                } catch (SecurityException e) {
                    r = 0x5E;
                }
                buf[0] = r;
                send(apdu, buf, (short) 1);
                return;
            }
            case 0x42:
                badArgs(apdu, buf);
                return;
            case 0x43:
                buf[0] = (byte) (Trust.getService() == svc ? 1 : 0);
                send(apdu, buf, (short) 1);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    private void badArgs(APDU apdu, byte[] buf) {
        byte r = 0;
        short sw = 0;
        try {
            switch (buf[ISO7816.OFFSET_P1]) {
                case 1: /* null CMS */
                    sw = svc.attest(null, (short) 0, (short) 0, scratch, (short) 0, (short) 0);
                    break;
                case 2: /* null payload */
                    sw = svc.attest(scratch, (short) 0, (short) 1, null, (short) 0, (short) 0);
                    break;
                case 3: /* negative offset */
                    sw = svc.attest(scratch, (short) -1, (short) 1, scratch, (short) 0, (short) 0);
                    break;
                case 4: /* negative length */
                    sw = svc.attest(scratch, (short) 0, (short) -1, scratch, (short) 0, (short) 0);
                    break;
                case 5: /* CMS range beyond the array */
                    sw = svc.attest(scratch, (short) 4, (short) 5, scratch, (short) 0, (short) 0);
                    break;
                case 6: /* payload range beyond the array */
                    sw = svc.attest(scratch, (short) 0, (short) 8, scratch, (short) 8, (short) 1);
                    break;
                case 7: /* in range: a garbage CMS is merely refused */
                    sw = svc.attest(scratch, (short) 0, (short) 8, scratch, (short) 8, (short) 0);
                    break;
                default:
                    break;
            }
        } catch (NullPointerException e) {
            r = 1;
        } catch (ArrayIndexOutOfBoundsException e) {
            r = 2;
        } catch (SecurityException e) {
            r = 3;
        }
        buf[0] = r;
        Util.setShort(buf, (short) 1, sw);
        send(apdu, buf, (short) 3);
    }
}
