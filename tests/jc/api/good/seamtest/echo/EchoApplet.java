/*
 * Test applet for tests/test_jc_api.sh: it must compile with javac against build/jc/api.jar
 * alone. It uses what ordinary applets use: APDU I/O (short and extended length), Util,
 * ISO7816 status words, ISOException, a transaction around persistent updates, transient
 * arrays, OwnerPIN, AID and MultiSelectable/AppletEvent.
 * Commands (CLA 0x80): INS 0x01 echoes the data field; INS 0x02 increments a persistent
 * counter in a transaction and returns it; INS 0x20 verifies the PIN; INS 0x30 returns the
 * applet's AID; anything else gives 6D00.
 */
package seamtest.echo;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.AppletEvent;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.MultiSelectable;
import javacard.framework.OwnerPIN;
import javacard.framework.PINException;
import javacard.framework.SystemException;
import javacard.framework.TransactionException;
import javacard.framework.Util;
import javacardx.apdu.ExtendedLength;

public final class EchoApplet extends Applet implements ExtendedLength, MultiSelectable,
        AppletEvent {
    private static final byte CLA_PROPRIETARY = (byte) 0x80;
    private static final byte INS_ECHO = 0x01;
    private static final byte INS_COUNT = 0x02;
    private static final byte INS_VERIFY = 0x20;
    private static final byte INS_GET_AID = 0x30;
    private static final byte PIN_TRIES = 3;
    private static final byte PIN_MAX = 8;
    private static final byte[] DEFAULT_PIN = {0x31, 0x32, 0x33, 0x34};

    private final byte[] counter;
    private final byte[] scratch;
    private final short[] state;
    private final OwnerPIN pin;
    private boolean[] selectedTwice;

    private EchoApplet() {
        counter = new byte[2];
        scratch = JCSystem.makeTransientByteArray((short) 64, JCSystem.CLEAR_ON_DESELECT);
        state = JCSystem.makeTransientShortArray((short) 2, JCSystem.CLEAR_ON_RESET);
        selectedTwice = JCSystem.makeTransientBooleanArray((short) 1, JCSystem.CLEAR_ON_RESET);
        pin = new OwnerPIN(PIN_TRIES, PIN_MAX);
        pin.update(DEFAULT_PIN, (short) 0, (byte) DEFAULT_PIN.length);
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        byte aidLen = bArray[bOffset];
        EchoApplet applet = new EchoApplet();
        if (aidLen == 0) {
            applet.register();
        } else {
            applet.register(bArray, (short) (bOffset + 1), aidLen);
        }
    }

    public boolean select() {
        state[0] = 0;
        return true;
    }

    public void deselect() {
        pin.reset();
    }

    public boolean select(boolean appInstAlreadyActive) {
        selectedTwice[0] = appInstAlreadyActive;
        return true;
    }

    public void deselect(boolean appInstStillActive) {
        if (!appInstStillActive) {
            pin.reset();
        }
    }

    public void uninstall() {
        selectedTwice = null;
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        if (buf[ISO7816.OFFSET_CLA] != CLA_PROPRIETARY) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        switch (buf[ISO7816.OFFSET_INS]) {
            case INS_ECHO:
                echo(apdu, buf);
                return;
            case INS_COUNT:
                count(apdu, buf);
                return;
            case INS_VERIFY:
                verify(apdu, buf);
                return;
            case INS_GET_AID:
                byte n = JCSystem.getAID().getBytes(buf, (short) 0);
                apdu.setOutgoingAndSend((short) 0, n);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    private void echo(APDU apdu, byte[] buf) {
        short len = apdu.setIncomingAndReceive();
        short off = apdu.getOffsetCdata();
        short total = apdu.getIncomingLength();
        short got = len;
        if (total > scratch.length) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        Util.arrayCopyNonAtomic(buf, off, scratch, (short) 0, len);
        while (got < total) {
            len = apdu.receiveBytes(off);
            Util.arrayCopyNonAtomic(buf, off, scratch, got, len);
            got = (short) (got + len);
        }
        short le = apdu.setOutgoing();
        if (le < total) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | (total & 0xFF)));
        }
        apdu.setOutgoingLength(total);
        apdu.sendBytesLong(scratch, (short) 0, total);
    }

    private void count(APDU apdu, byte[] buf) {
        if (!pin.isValidated()) {
            ISOException.throwIt(ISO7816.SW_SECURITY_STATUS_NOT_SATISFIED);
        }
        try {
            JCSystem.beginTransaction();
            short c = Util.getShort(counter, (short) 0);
            if (c == (short) 0x7FFF) {
                JCSystem.abortTransaction();
                ISOException.throwIt(ISO7816.SW_FILE_FULL);
            }
            Util.setShort(counter, (short) 0, (short) (c + 1));
            JCSystem.commitTransaction();
        } catch (TransactionException e) {
            ISOException.throwIt((short) (ISO7816.SW_UNKNOWN | (e.getReason() & 0xFF)));
        }
        Util.arrayCopyNonAtomic(counter, (short) 0, buf, (short) 0, (short) 2);
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }

    private void verify(APDU apdu, byte[] buf) {
        short len = apdu.setIncomingAndReceive();
        if (len > PIN_MAX || len != apdu.getIncomingLength()) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        if (pin.getTriesRemaining() == 0) {
            ISOException.throwIt((short) 0x6983);
        }
        if (!pin.check(buf, apdu.getOffsetCdata(), (byte) len)) {
            ISOException.throwIt((short) (0x63C0 | pin.getTriesRemaining()));
        }
        AID me = JCSystem.getAID();
        if (me == null || !me.RIDEquals(me)) {
            SystemException.throwIt(SystemException.ILLEGAL_AID);
        }
        try {
            PINException.throwIt(PINException.ILLEGAL_STATE);
        } catch (PINException e) {
            state[1] = e.getReason();
        }
    }
}
