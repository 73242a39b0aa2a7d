/*
 * The applet side of `make bench` (bench/bench_jcvm.c): runs a kernel of Kernels P1 times per
 * APDU and returns its result, so the bench can check it is right.
 *   INS 10: SHA-256 of the command data (at most 128 bytes), P1 times; returns the digest.
 *   INS 11: product of two numbers of Lc/2 bytes each (the command data), P1 times.
 *   INS 12: P1 days of tariff accounting over fixed readings; returns cost and balance (8 bytes).
 *   INS 13: P1 x 256 increments of a persistent field (each one a durable write); returns it.
 */
package seam.bench;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

public final class BenchApplet extends Applet {
    private final int[] w;
    private final int[] h;
    private final byte[] blk;
    private final byte[] tmp;
    private final short[] readings;
    private final byte[] bandOf;
    private final short[] prices;
    private final int[] balance;
    private short counter;

    private BenchApplet() {
        w = new int[64];
        h = new int[8];
        blk = JCSystem.makeTransientByteArray((short) 64, JCSystem.CLEAR_ON_DESELECT);
        tmp = JCSystem.makeTransientByteArray((short) 256, JCSystem.CLEAR_ON_DESELECT);
        readings = new short[48];
        bandOf = new byte[48];
        prices = new short[] {95, 245, 410};
        balance = new int[1];
        for (short i = 0; i < 48; i++) {
            readings[i] = (short) (150 + ((i * 37) % 400));
            bandOf[i] = (byte) (i < 14 ? 0 : (i >= 32 && i < 40 ? 2 : 1));
        }
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new BenchApplet();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short n = buf[ISO7816.OFFSET_P1];
        n &= 0xff;
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x10: {
                short len = apdu.setIncomingAndReceive();
                if (len > 128) {
                    ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
                }
                Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_CDATA, tmp, (short) 0, len);
                for (short i = 0; i < n; i++) {
                    Kernels.sha256(tmp, (short) 0, len, buf, (short) 0, w, h, blk);
                }
                apdu.setOutgoingAndSend((short) 0, (short) 32);
                return;
            }
            case 0x11: {
                short len = apdu.setIncomingAndReceive();
                if (len > 128 || (len & 1) != 0) {
                    ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
                }
                short half = (short) (len / 2);
                Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_CDATA, tmp, (short) 0, half);
                Util.arrayCopyNonAtomic(buf, (short) (ISO7816.OFFSET_CDATA + half), blk,
                                        (short) 0, half);
                for (short i = 0; i < n; i++) {
                    Kernels.mpmul(tmp, blk, buf, half);
                }
                apdu.setOutgoingAndSend((short) 0, len);
                return;
            }
            case 0x12: {
                int cost = 0;
                balance[0] = 100000;
                for (short i = 0; i < n; i++) {
                    cost = Kernels.tariffDay(readings, bandOf, prices, (short) 250, (short) 500,
                                             balance);
                }
                Util.setShort(buf, (short) 0, (short) (cost >>> 16));
                Util.setShort(buf, (short) 2, (short) cost);
                Util.setShort(buf, (short) 4, (short) (balance[0] >>> 16));
                Util.setShort(buf, (short) 6, (short) balance[0]);
                apdu.setOutgoingAndSend((short) 0, (short) 8);
                return;
            }
            case 0x13: {
                /* persistent writes in a tight loop: P1 x 256 increments of a field */
                for (short i = 0; i < n; i++) {
                    for (short j = 0; j < 256; j++) {
                        counter++;
                    }
                }
                Util.setShort(buf, (short) 0, counter);
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            }
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
