/*
 * javacard.framework.Util (Java Card 3.0.5 Classic): byte array copy, fill and compare, and
 * big-endian shorts in byte arrays.
 * The array operations and setShort are native (they run in one step; arrayCopy and setShort
 * are atomic through the store's journal, as the specification requires for persistent
 * arrays); getShort and makeShort are plain Java.
 * The natives throw NullPointerException for a null array and ArrayIndexOutOfBoundsException
 * when an offset or a length is negative or the range ends beyond an array, before any change.
 */
package javacard.framework;

/** Static utility methods for byte arrays. */
public final class Util {
    private Util() {}

    /**
     * Copies length bytes from src to dest atomically: after a power cut either all of them or
     * none are written (inside a transaction, the copy is part of it). Returns destOff + length.
     */
    public static native short arrayCopy(byte[] src, short srcOff, byte[] dest, short destOff,
            short length) throws ArrayIndexOutOfBoundsException, NullPointerException,
            TransactionException;

    /**
     * Copies length bytes from src to dest without atomicity, even inside a transaction
     * (overlapping ranges are copied as if through a temporary). Returns destOff + length.
     */
    public static native short arrayCopyNonAtomic(byte[] src, short srcOff, byte[] dest,
            short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException;

    /** Sets bLen bytes of bArray from bOff to bValue, without atomicity. Returns bOff + bLen. */
    public static native short arrayFillNonAtomic(byte[] bArray, short bOff, short bLen,
            byte bValue) throws ArrayIndexOutOfBoundsException, NullPointerException;

    /**
     * Compares length bytes of src and dest as unsigned values: returns 0 if equal, -1 if the
     * first differing byte of src is smaller, 1 if it is larger.
     */
    public static native byte arrayCompare(byte[] src, short srcOff, byte[] dest, short destOff,
            short length) throws ArrayIndexOutOfBoundsException, NullPointerException;

    /** Returns the short whose high byte is b1 and low byte is b2. */
    public static short makeShort(byte b1, byte b2) {
        return (short) (((short) b1 << 8) | ((short) b2 & 0xFF));
    }

    /** Returns the big-endian short at bOff in bArray. */
    public static short getShort(byte[] bArray, short bOff)
            throws NullPointerException, ArrayIndexOutOfBoundsException {
        return (short) (((short) bArray[bOff] << 8) | ((short) bArray[(short) (bOff + 1)] & 0xFF));
    }

    /**
     * Stores sValue big-endian at bOff in bArray, atomically when the array is persistent (a
     * power cut never leaves half of it). Returns bOff + 2.
     */
    public static native short setShort(byte[] bArray, short bOff, short sValue)
            throws TransactionException, NullPointerException, ArrayIndexOutOfBoundsException;
}
