/*
 * javacard.framework.CardRuntimeException (Java Card 3.0.5 Classic): the unchecked exception
 * with a reason code that every Java Card runtime exception class extends.
 * throwIt is native: the card keeps one JCRE-owned instance per exception class in RAM (a
 * temporary entry point object, JCRE specification §6.2.1), sets its reason and throws it, so
 * throwing never allocates and never writes the persistent store. Updates of the reason never
 * take part in a transaction, and it is 0 again after a reset.
 */
package javacard.framework;

/** An unchecked exception that carries a reason code. */
public class CardRuntimeException extends RuntimeException {
    /** The reason code; the runtime reads and writes this field (descriptor S) directly. */
    private short reason;

    /** Creates an exception with the given reason; applets normally call throwIt instead. */
    public CardRuntimeException(short reason) {
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

    /** Throws the JCRE-owned instance of CardRuntimeException with the given reason. */
    public static native void throwIt(short reason) throws CardRuntimeException;
}
