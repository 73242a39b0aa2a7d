/*
 * javacard.framework.OwnerPIN (Java Card 3.0.5 Classic): a PIN with a try limit, owned by the
 * applet that created it.
 * Invariants: the try counter (triesLeft) is decremented durably, outside any transaction,
 * before the candidate is compared, and restored to tryLimit only after a successful
 * comparison, so a power cut never buys a free try; the comparison takes the same time
 * wherever the first difference is. That part is the private native verify, which reads and
 * writes the fields pin ([B), pinLength (B), triesLeft (B) and tryLimit (B). The validated
 * flag lives in a CLEAR_ON_RESET transient array and is only reached through
 * getValidatedFlag/setValidatedFlag, so subclasses that override them keep working.
 */
package javacard.framework;

/** A PIN with a try counter, managed by its owner applet. */
public class OwnerPIN implements PIN {
    /** Tries allowed before the PIN blocks. */
    private final byte tryLimit;
    /** Maximum PIN length in bytes. */
    private final byte maxPINSize;
    /** Tries remaining; 0 means blocked. */
    private byte triesLeft;
    /** Length of the current PIN value; 0 until update is called. */
    private byte pinLength;
    /** The PIN value, maxPINSize bytes of which pinLength are in use. */
    private final byte[] pin;
    /** Element 0 is the validated flag, cleared at card reset. */
    private final boolean[] validated;

    /**
     * Creates a PIN with the given try limit and maximum size and no value yet;
     * PINException ILLEGAL_VALUE if either is less than 1.
     */
    public OwnerPIN(byte tryLimit, byte maxPINSize) throws PINException {
        if (tryLimit < 1 || maxPINSize < 1) {
            PINException.throwIt(PINException.ILLEGAL_VALUE);
        }
        this.tryLimit = tryLimit;
        this.maxPINSize = maxPINSize;
        triesLeft = tryLimit;
        pin = new byte[maxPINSize];
        validated = JCSystem.makeTransientBooleanArray((short) 1, JCSystem.CLEAR_ON_RESET);
    }

    /** Returns the validated flag; subclasses may override where it is kept. */
    protected boolean getValidatedFlag() {
        return validated[0];
    }

    /** Sets the validated flag; subclasses may override where it is kept. */
    protected void setValidatedFlag(boolean value) {
        validated[0] = value;
    }

    /** Returns how many tries remain before the PIN is blocked. */
    public byte getTriesRemaining() {
        return triesLeft;
    }

    /**
     * Clears the validated flag, then compares length bytes of pin at offset with the PIN
     * (decrementing the try counter first, restoring it on success) and sets the flag if they
     * match. Returns false if the PIN is blocked or differs.
     */
    public boolean check(byte[] pin, short offset, byte length)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        setValidatedFlag(false);
        if (verify(pin, offset, length)) {
            setValidatedFlag(true);
            return true;
        }
        return false;
    }

    /**
     * The durable part of check: if triesLeft is 0 returns false; otherwise writes triesLeft - 1
     * to the store (not journalled by an open transaction), compares in constant time, and on a
     * match writes tryLimit back. Exceptions for a bad range come after the decrement.
     */
    private native boolean verify(byte[] candidate, short offset, byte length);

    /** Returns true if a correct PIN was presented since the last card reset or PIN reset. */
    public boolean isValidated() {
        return getValidatedFlag();
    }

    /** If the PIN is validated, clears the validated flag and restores the try counter. */
    public void reset() {
        if (getValidatedFlag()) {
            resetAndUnblock();
        }
    }

    /**
     * Sets a new PIN value from length bytes of pin at offset, restores the try counter and
     * clears the validated flag, all in one atomic update (part of the caller's transaction if
     * one is open). PINException ILLEGAL_VALUE if length exceeds the maximum size.
     */
    public void update(byte[] pin, short offset, byte length) throws PINException {
        if (length < 0 || length > maxPINSize) {
            PINException.throwIt(PINException.ILLEGAL_VALUE);
        }
        Util.arrayCompare(pin, offset, pin, offset, length);
        boolean own = JCSystem.getTransactionDepth() == 0;
        if (own) {
            JCSystem.beginTransaction();
        }
        Util.arrayCopy(pin, offset, this.pin, (short) 0, length);
        pinLength = length;
        triesLeft = tryLimit;
        if (own) {
            JCSystem.commitTransaction();
        }
        setValidatedFlag(false);
    }

    /** Restores the try counter to the try limit (unblocking the PIN) and clears the flag. */
    public void resetAndUnblock() {
        triesLeft = tryLimit;
        setValidatedFlag(false);
    }
}
