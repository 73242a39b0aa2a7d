/*
 * javacard.framework.PIN (Java Card 3.0.5 Classic): the read and verify side of a PIN, the
 * part that an applet may share with others (OwnerPIN adds the owner's operations).
 */
package javacard.framework;

/** A personal identification number with a try counter and a validated flag. */
public interface PIN {
    /** Returns how many tries remain before the PIN is blocked. */
    byte getTriesRemaining();

    /**
     * Compares length bytes of pin from offset with the PIN. The try counter is decremented
     * before the comparison and restored only on success; a blocked PIN always gives false.
     */
    boolean check(byte[] pin, short offset, byte length)
            throws ArrayIndexOutOfBoundsException, NullPointerException;

    /** Returns true if a correct PIN was presented since the last reset of the card or PIN. */
    boolean isValidated();

    /** If the PIN is validated, clears the validated flag and restores the try counter. */
    void reset();
}
