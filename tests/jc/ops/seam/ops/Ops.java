/*
 * The opcodes the other test packages do not reach, each in code whose result the test checks
 * (tests/test_jc_ops.c): every if<cond> and if_icmp<cond> in both the "jump when true" form
 * javac emits for loop conditions and the "jump when false" form it emits for if statements,
 * if_acmpeq/if_acmpne, ifnull/ifnonnull, ishl/ishr/iushr, ior/ixor/iand, ineg, dup_x1 (an
 * assignment used as a value), istore_1/astore_0/astore_1, areturn.
 * INS 01, P1 = a, P2 = b (signed bytes): returns 16 result bytes (see the test for each).
 */
package seam.ops;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

public final class Ops extends Applet {
    private int field;
    private Object other;

    private Ops() {
        other = new byte[1];
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Ops();
    }

    /* if_icmp<cond> as loop conditions (jump when true): counts how often each holds while i
     * walks from a towards b */
    private static int loops(int a, int b) {
        int n = 0;
        for (int i = a; i < b; i++) {
            n++;
        }
        for (int i = a; i > b; i--) {
            n += 2;
        }
        for (int i = a; i <= b; i++) {
            n += 4;
        }
        for (int i = a; i >= b; i--) {
            n += 8;
        }
        int j = a;
        while (j == b) {
            n += 16;
            j++;
        }
        j = a;
        while (j != b && j < 100) {
            n += 32;
            j = b;
        }
        return n;
    }

    /* if_icmp<cond> and if<cond> as if statements (jump when false): one bit per comparison */
    private static int ifs(int a, int b) {
        int r = 0;
        if (a < b) r |= 1;
        if (a > b) r |= 2;
        if (a <= b) r |= 4;
        if (a >= b) r |= 8;
        if (a == b) r |= 16;
        if (a != b) r |= 32;
        if (a == 0) r |= 64;
        if (a != 0) r |= 128;
        if (a < 0) r |= 256;
        if (a >= 0) r |= 512;
        if (a > 0) r |= 1024;
        if (a <= 0) r |= 2048;
        return r;
    }

    /* if<cond> as loop conditions (jump when true) */
    private static int zeroLoops(int a) {
        int n = 0;
        int k = a;
        while (k < 0) {
            n++;
            k++;
        }
        k = a;
        while (k > 0) {
            n += 16;
            k--;
        }
        k = a;
        while (k >= 0 && n < 1000) {
            n += 256;
            k = -1;
        }
        k = a;
        while (k <= 0 && n < 4000) {
            n += 1024;
            k = 1;
        }
        k = a;
        while (k != 0) {
            n += 4096;
            k = 0;
        }
        return n;
    }

    private static Object pick(Object o, Object p, int which) {
        if (which == 0) {
            o = p; /* astore_0 */
        }
        return o; /* areturn */
    }

    private static Object make(int x) {
        Object o = null; /* astore_1 */
        if (x != 0) {
            o = new short[x];
        }
        return o;
    }

    private int refs(Object o, Object p) {
        int r = 0;
        if (o == p) r |= 1;      /* if_acmpne */
        if (o != p) r |= 2;      /* if_acmpeq */
        if (o == null) r |= 4;   /* ifnonnull */
        if (o != null) r |= 8;   /* ifnull */
        Object q = o;
        while (q != null) {      /* ifnonnull as a loop condition */
            r |= 16;
            q = null;
        }
        q = p;
        while (q == null) {      /* ifnull as a loop condition */
            r |= 32;
            q = this;
        }
        while (q == this) {      /* if_acmpeq as a loop condition */
            r |= 64;
            q = o;
        }
        return r;
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_INS] != 0x01) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        int a = buf[ISO7816.OFFSET_P1];
        int b = buf[ISO7816.OFFSET_P2];
        int l = loops(a, b);
        int f = ifs(a, b);
        int z = zeroLoops(a);
        int shifted = (a << 20) | ((a >> 3) & 0xF) ^ ((a >>> 28) << 4);
        int v = (field = -a); /* dup_x1, ineg */
        Object x = make(b & 3);
        int r1 = refs(x, pick(x, other, 1));
        int r2 = refs(null, pick(x, other, 0));
        buf[0] = (byte) l;
        buf[1] = (byte) f;
        buf[2] = (byte) (f >> 8);
        buf[3] = (byte) z;
        buf[4] = (byte) (z >> 8);
        buf[5] = (byte) (z >> 16);
        buf[6] = (byte) (shifted >> 24);
        buf[7] = (byte) (shifted >> 16);
        buf[8] = (byte) (shifted >> 8);
        buf[9] = (byte) shifted;
        buf[10] = (byte) v;
        buf[11] = (byte) field;
        buf[12] = (byte) r1;
        buf[13] = (byte) r2;
        buf[14] = (byte) (x == null ? 0 : ((short[]) x).length);
        buf[15] = (byte) (l >> 8);
        apdu.setOutgoingAndSend((short) 0, (short) 16);
    }
}
