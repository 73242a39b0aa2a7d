/*
 * javacard.framework.AID (Java Card 3.0.5 Classic): an ISO/IEC 7816-5 application identifier
 * of 5 to 16 bytes; the first 5 are the RID.
 * Plain Java. The card creates the JCRE-owned instances (permanent entry point objects, JCRE
 * specification §6.2.1) with the bytes in the field aid ([B), which never changes after
 * construction. Comparisons with another AID go through that AID's methods, never its field,
 * so they pass the firewall from any context.
 */
package javacard.framework;

/** An application identifier. */
public class AID {
    /** The AID bytes, 5 to 16 of them. */
    private final byte[] aid;

    /**
     * Creates an AID from length bytes of bArray at offset; SystemException ILLEGAL_VALUE if
     * length is not 5 to 16.
     */
    public AID(byte[] bArray, short offset, byte length)
            throws SystemException, NullPointerException, ArrayIndexOutOfBoundsException,
            SecurityException {
        if (length < 5 || length > 16) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        checkRange(bArray, offset, length);
        aid = new byte[length];
        Util.arrayCopy(bArray, offset, aid, (short) 0, length);
    }

    /** Throws NullPointerException or ArrayIndexOutOfBoundsException unless the range fits. */
    private static void checkRange(byte[] a, short off, short len) {
        Util.arrayCompare(a, off, a, off, len);
    }

    /** Copies the AID bytes into dest at offset; returns how many (the AID length). */
    public final byte getBytes(byte[] dest, short offset)
            throws NullPointerException, ArrayIndexOutOfBoundsException, SecurityException {
        Util.arrayCopy(aid, (short) 0, dest, offset, (short) aid.length);
        return (byte) aid.length;
    }

    /** Returns true if anObject is an AID with the same bytes. */
    public final boolean equals(Object anObject) throws SecurityException {
        if (!(anObject instanceof AID)) {
            return false;
        }
        return ((AID) anObject).equals(aid, (short) 0, (byte) aid.length);
    }

    /**
     * Returns true if the length bytes of bArray at offset are exactly this AID; false if
     * bArray is null. ArrayIndexOutOfBoundsException if the range does not fit in bArray.
     */
    public final boolean equals(byte[] bArray, short offset, byte length)
            throws ArrayIndexOutOfBoundsException, SecurityException {
        if (bArray == null) {
            return false;
        }
        checkRange(bArray, offset, length);
        if (length != aid.length) {
            return false;
        }
        return Util.arrayCompare(bArray, offset, aid, (short) 0, length) == 0;
    }

    /**
     * Returns true if the length bytes of bArray at offset equal the first length bytes of
     * this AID; false if bArray is null or length exceeds the AID.
     */
    public final boolean partialEquals(byte[] bArray, short offset, byte length)
            throws ArrayIndexOutOfBoundsException, SecurityException {
        if (bArray == null) {
            return false;
        }
        checkRange(bArray, offset, length);
        if (length > aid.length) {
            return false;
        }
        return Util.arrayCompare(bArray, offset, aid, (short) 0, length) == 0;
    }

    /** Returns true if otherAID has the same RID (first 5 bytes); false if it is null. */
    public final boolean RIDEquals(AID otherAID) throws SecurityException {
        if (otherAID == null) {
            return false;
        }
        return otherAID.partialEquals(aid, (short) 0, (byte) 5);
    }

    /**
     * Copies AID bytes from aidOffset into dest at oOffset: oLength of them, or all the rest if
     * oLength is 0 or larger than what remains. Returns how many were copied.
     */
    public final byte getPartialBytes(short aidOffset, byte[] dest, short oOffset, byte oLength)
            throws NullPointerException, ArrayIndexOutOfBoundsException, SecurityException {
        checkRange(aid, aidOffset, (short) 0);
        short n = (short) (aid.length - aidOffset);
        if (oLength != 0 && oLength < n) {
            n = oLength;
        }
        Util.arrayCopy(aid, aidOffset, dest, oOffset, n);
        return (byte) n;
    }
}
