/*
 * The object seam.shs.Server grants to clients: a Shareable Counter, also a (non-Shareable)
 * Secret, with a public method in no interface at all.
 */
package seam.shs;

import javacard.framework.AID;
import javacard.framework.JCSystem;

public class ServerObj implements Counter, Secret {
    short count;
    byte[] desel; /* CLEAR_ON_DESELECT, set by the server applet */

    public short scratch() {
        try {
            desel[0] = 1;
            return 1;
        } catch (SecurityException e) {
            return 0x5E;
        }
    }

    public short bump(short by) {
        count += by;
        return count;
    }

    public byte prevAid(byte[] buf, short off) {
        AID a = JCSystem.getPreviousContextAID();
        if (a == null) {
            return (byte) -1;
        }
        return a.getBytes(buf, off);
    }

    public short leak() {
        return (short) 0x5EC2;
    }

    public short internal() {
        return (short) 0x1D7;
    }
}
