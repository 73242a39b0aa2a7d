/*
 * Test applet for tests/test_jcvm.c: each INS runs one group of bytecodes and returns what it
 * computed, so the C test can check the values.
 */
package seam.vmt;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.SystemException;
import javacard.framework.Util;

public class VmTest extends Applet {
    static final byte[] TABLE = {1, 2, 3, 4, 5, (byte) 0xFF};
    static short[] squares;
    static int sInt = 7;

    private short counter;
    private byte[] data;
    private byte[] tr;
    private byte[] trd;
    private Object[] keep;
    private Shape shape;

    static {
        squares = new short[5];
        for (short i = 0; i < 5; i++) {
            squares[i] = (short) (i * i);
        }
    }

    VmTest() {
        data = new byte[8];
        tr = JCSystem.makeTransientByteArray((short) 4, JCSystem.CLEAR_ON_RESET);
        trd = JCSystem.makeTransientByteArray((short) 4, JCSystem.CLEAR_ON_DESELECT);
        shape = new Square((short) 3);
        register();
    }

    public static void install(byte[] b, short off, byte len) {
        new VmTest();
    }

    private static int putInt(byte[] buf, short off, int v) {
        Util.setShort(buf, off, (short) (v >> 16));
        Util.setShort(buf, (short) (off + 2), (short) v);
        return off + 4;
    }

    static int divide(int a, int b) {
        return a / b;
    }

    static short sw(short k) {
        switch (k) {
            case 1: return 10;
            case 2: return 20;
            case 3: return 30;
            default: return -1;
        }
    }

    static short lsw(short k) {
        switch (k) {
            case -1000: return 1;
            case 7: return 2;
            case 30000: return 3;
            default: return 4;
        }
    }

    short thrower(short k) {
        short r = 0;
        try {
            r = 1;
            if (k == 1) {
                ISOException.throwIt((short) 0x6A01);
            }
            if (k == 2) {
                throw new MyException((short) 5);
            }
            if (k == 3) {
                byte[] n = null;
                r = n[0];
            }
            r = 2;
        } catch (MyException e) {
            r = (short) (100 + e.code);
        } catch (ISOException e) {
            r = (short) (200 + (e.getReason() & 0xFF));
        } finally {
            counter++;
        }
        return r;
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short p1 = (short) (buf[ISO7816.OFFSET_P1] & 0xFF);
        short n = 0;
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x10: { /* int arithmetic */
                int max = 0x7FFFFFFF;
                int min = 0x80000000;
                n = (short) putInt(buf, n, max + 1);
                n = (short) putInt(buf, n, divide(min, -1));
                n = (short) putInt(buf, n, min % -1);
                n = (short) putInt(buf, n, -7 / 2);
                n = (short) putInt(buf, n, -7 % 2);
                n = (short) putInt(buf, n, -16 >> 2);
                n = (short) putInt(buf, n, -16 >>> 28);
                n = (short) putInt(buf, n, 1 << 33);
                n = (short) putInt(buf, n, (byte) 200);
                n = (short) putInt(buf, n, (short) 70000);
                n = (short) putInt(buf, n, 123456 * 1000);
                n = (short) putInt(buf, n, sInt ^ 0x0F);
                break;
            }
            case 0x11: /* division by zero */
                n = (short) putInt(buf, n, divide(1, p1));
                break;
            case 0x12: /* switches */
                buf[0] = (byte) sw((short) 1);
                buf[1] = (byte) sw((short) 3);
                buf[2] = (byte) sw((short) 9);
                buf[3] = (byte) lsw((short) -1000);
                buf[4] = (byte) lsw((short) 7);
                buf[5] = (byte) lsw((short) 30000);
                buf[6] = (byte) lsw((short) 8);
                n = 7;
                break;
            case 0x13: /* exceptions, finally */
                buf[0] = (byte) thrower((short) 0);
                buf[1] = (byte) thrower((short) 1);
                buf[2] = (byte) thrower((short) 2);
                try {
                    thrower((short) 3);
                    buf[3] = 0;
                } catch (NullPointerException e) {
                    buf[3] = 33;
                }
                buf[4] = (byte) counter;
                n = 5;
                break;
            case 0x14: { /* arrays of each type, static init */
                boolean[] z = new boolean[3];
                z[1] = true;
                int[] ia = new int[2];
                ia[1] = 0x01020304;
                Object[] oa = new Object[2];
                oa[0] = z;
                buf[0] = (byte) (z[1] ? 1 : 0);
                buf[1] = (byte) (ia[1] >> 8);
                buf[2] = (byte) ((boolean[]) oa[0]).length;
                buf[3] = TABLE[5];
                buf[4] = (byte) squares[4];
                buf[5] = (byte) (oa[1] == null ? 1 : 0);
                buf[6] = (byte) (oa instanceof Object[] ? 1 : 0);
                try {
                    buf[7] = TABLE[6];
                } catch (ArrayIndexOutOfBoundsException e) {
                    buf[7] = 66;
                }
                try {
                    short[] neg = new short[(short) (p1 - 1)];
                    buf[8] = (byte) neg.length;
                } catch (NegativeArraySizeException e) {
                    buf[8] = 77;
                }
                try {
                    Object[] sa = new Shape[1];
                    sa[0] = z;
                    buf[9] = 0;
                } catch (ArrayStoreException e) {
                    buf[9] = 88;
                }
                n = 10;
                break;
            }
            case 0x15: { /* virtual and interface dispatch, casts */
                Shape s = shape;
                Shape c = new Circle((short) 2);
                Named nm = (Named) c;
                buf[0] = (byte) s.area();
                buf[1] = (byte) c.area();
                buf[2] = (byte) nm.name();
                buf[3] = (byte) (s instanceof Named ? 1 : 0);
                buf[4] = (byte) (c instanceof Named ? 1 : 0);
                buf[5] = (byte) s.sides();
                try {
                    Object o = s;
                    Circle bad = (Circle) o;
                    buf[6] = (byte) bad.area();
                } catch (ClassCastException e) {
                    buf[6] = 99;
                }
                buf[7] = (byte) ((Shape) new Square((short) 5)).describe();
                n = 8;
                break;
            }
            case 0x20: /* transaction aborted */
                JCSystem.beginTransaction();
                counter = 500;
                data[0] = 9;
                JCSystem.abortTransaction();
                buf[0] = (byte) counter;
                buf[1] = data[0];
                n = 2;
                break;
            case 0x21: /* transaction left open: the runtime aborts it */
                JCSystem.beginTransaction();
                data[1] = 5;
                return;
            case 0x22: /* read persistent state */
                buf[0] = (byte) counter;
                buf[1] = data[0];
                buf[2] = data[1];
                buf[3] = data[2];
                n = 4;
                break;
            case 0x23: /* commit */
                JCSystem.beginTransaction();
                data[2] = (byte) p1;
                JCSystem.commitTransaction();
                break;
            case 0x24: /* uncaught exception inside a transaction */
                JCSystem.beginTransaction();
                data[2] = 0x55;
                ISOException.throwIt((short) 0x6A02);
                break;
            case 0x30: /* transient arrays: write */
                tr[0] = 1;
                trd[0] = 2;
                break;
            case 0x31: /* transient arrays: read */
                buf[0] = tr[0];
                buf[1] = trd[0];
                buf[2] = JCSystem.isTransient(tr);
                buf[3] = JCSystem.isTransient(data);
                n = 4;
                break;
            case 0x40: /* infinite loop */
                while (p1 == 0 || p1 != 0) {
                    counter++;
                }
                break;
            case 0x41: { /* allocate until memory runs out */
                short k = 0;
                keep = new Object[100];
                try {
                    for (k = 0; k < 100; k++) {
                        keep[k] = new byte[4000];
                    }
                } catch (SystemException e) {
                    buf[0] = (byte) e.getReason();
                    Util.setShort(buf, (short) 1, k);
                    n = 3;
                }
                break;
            }
            case 0x42: /* drop the big objects, ask for deletion */
                keep = null;
                JCSystem.requestObjectDeletion();
                break;
            case 0x43: /* available persistent memory */
                Util.setShort(buf, (short) 0,
                        JCSystem.getAvailableMemory(JCSystem.MEMORY_TYPE_PERSISTENT));
                n = 2;
                break;
            case 0x50: /* share an object through a static field */
                Store.shared = data;
                break;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        apdu.setOutgoingAndSend((short) 0, n);
    }
}
