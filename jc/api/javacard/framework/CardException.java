/*
 * javacard.framework.CardException (Java Card 3.0.5 Classic): the checked exception with a
 * reason code that applets' own checked exceptions extend.
 * throwIt is native, as in CardRuntimeException: one JCRE-owned instance in RAM, reason set
 * outside any transaction, never an allocation.
 */
package javacard.framework;

/** A checked exception that carries a reason code. */
public class CardException extends Exception {
    /** The reason code; the runtime reads and writes this field (descriptor S) directly. */
    private short reason;

    /** Creates an exception with the given reason; applets normally call throwIt instead. */
    public CardException(short reason) {
        this.reason = reason;
    }

    /** Returns the reason code. */
    public short getReason() {
        return reason;
    }

    /** Sets the reason code. */
    public void setReason(short reason) {
        this.reason = reason;
    }

    /** Throws the JCRE-owned instance of CardException with the given reason. */
    public static native void throwIt(short reason) throws CardException;
}
