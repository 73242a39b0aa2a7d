/*
 * The constructs IsoApplet (the PKI applet OpenSC drives) needs from the runtime, written anew
 * for tests/test_jc_iso.c; none of IsoApplet's code is here. (InstallCod, the other applet of
 * this package, covers CLEAR_ON_DESELECT arrays written inside install.)
 *
 * Constructor: creates its CLEAR_ON_DESELECT arrays, throws and catches an exception class of
 * its own.
 * INS 02: a lookup that throws NotThere, caught: data = FFFF; P1 != 0 finds: data = 00 P1.
 * INS 03: a long answer chained by the applet itself (T=1): 300 bytes (byte i = i & 0xFF);
 *         the first 256 bytes with SW 612C, the rest (44) on GET RESPONSE (00 C0 00 00 Le),
 *         which the card must pass to the applet. GET RESPONSE with nothing of the applet's
 *         pending: 6985 from the applet.
 * INS 04: command chaining (CLA b5), handled by the applet as Java Card applets do: each part
 *         arrives as a command of its own (APDU.isCommandChainingCLA), its bytes are summed;
 *         the last part answers the total length (2 bytes), the sum of all bytes (2 bytes) and
 *         the number of commands the applet saw (1 byte). Another INS while a chain is open:
 *         6883 (ISO 7816-4 §5.1.1.1), chain dropped. The applet implements ExtendedLength and
 *         reads with receiveBytes, as IsoApplet does.
 */
package seam.iso;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacardx.apdu.ExtendedLength;

public class IsoTest extends Applet implements ExtendedLength {
    private static final short LONG_LEN = 300;
    private static final short SENT = 0;
    private static final short CHAIN_LEN = 1;
    private static final short CHAIN_SUM = 2;
    private static final short PARTS = 3;

    private final short[] cache;
    private final byte[] ram;

    private IsoTest() {
        cache = JCSystem.makeTransientShortArray((short) 4, JCSystem.CLEAR_ON_DESELECT);
        ram = JCSystem.makeTransientByteArray(LONG_LEN, JCSystem.CLEAR_ON_DESELECT);
        short r;
        try {
            r = find((byte) 0);
        } catch (NotThere e) {
            r = -1;
        }
        if (r != -1) {
            ISOException.throwIt(ISO7816.SW_UNKNOWN);
        }
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new IsoTest();
    }

    static short find(byte key) throws NotThere {
        if (key == 0) {
            throw NotThere.getInstance();
        }
        return key;
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        byte ins = buf[ISO7816.OFFSET_INS];
        if (ins != (byte) 0xC0) {
            cache[SENT] = 0;
        }
        if (cache[PARTS] != 0 && ins != (byte) 0x04) {
            cache[CHAIN_LEN] = 0;
            cache[CHAIN_SUM] = 0;
            cache[PARTS] = 0;
            ISOException.throwIt(ISO7816.SW_LAST_COMMAND_EXPECTED);
        }
        switch (ins) {
        case (byte) 0x02:
            lookup(apdu, buf);
            break;
        case (byte) 0x03:
            for (short i = 0; i < LONG_LEN; i++) {
                ram[i] = (byte) i;
            }
            sendPart(apdu, (short) 0);
            break;
        case (byte) 0xC0:
            if (cache[SENT] == 0) {
                ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
            }
            sendPart(apdu, cache[SENT]);
            break;
        case (byte) 0x04:
            chained(apdu, buf);
            break;
        default:
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    private void lookup(APDU apdu, byte[] buf) {
        short r;
        try {
            r = find(buf[ISO7816.OFFSET_P1]);
        } catch (NotThere e) {
            r = -1;
        }
        Util.setShort(buf, (short) 0, r);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }

    private void sendPart(APDU apdu, short pos) {
        short left = (short) (LONG_LEN - pos);
        short n = left > 256 ? 256 : left;
        apdu.setOutgoing();
        apdu.setOutgoingLength(n);
        apdu.sendBytesLong(ram, pos, n);
        pos += n;
        left -= n;
        cache[SENT] = left > 0 ? pos : 0;
        if (left > 0) {
            ISOException.throwIt((short) (ISO7816.SW_BYTES_REMAINING_00 | (left > 255 ? 0 : left)));
        }
    }

    private void chained(APDU apdu, byte[] buf) {
        short n = apdu.setIncomingAndReceive();
        short off = apdu.getOffsetCdata();
        while (n > 0) {
            for (short i = 0; i < n; i++) {
                cache[CHAIN_SUM] += (short) (buf[(short) (off + i)] & 0xFF);
            }
            cache[CHAIN_LEN] += n;
            n = apdu.receiveBytes(off);
        }
        cache[PARTS]++;
        if (apdu.isCommandChainingCLA()) {
            return;
        }
        Util.setShort(buf, (short) 0, cache[CHAIN_LEN]);
        Util.setShort(buf, (short) 2, cache[CHAIN_SUM]);
        buf[4] = (byte) cache[PARTS];
        cache[CHAIN_LEN] = 0;
        cache[CHAIN_SUM] = 0;
        cache[PARTS] = 0;
        apdu.setOutgoingAndSend((short) 0, (short) 5);
    }
}
