/*
 * javacard.framework.TransactionException (Java Card 3.0.5 Classic).
 * An exception of the transaction subsystem (JCSystem transactions).
 * throwIt is native (see CardRuntimeException); the reason codes are the specification's.
 */
package javacard.framework;

/** An exception of the transaction subsystem (JCSystem transactions). */
public class TransactionException extends CardRuntimeException {
    /** beginTransaction while a transaction is already in progress. */
    public static final short IN_PROGRESS = 1;
    /** commitTransaction or abortTransaction with no transaction in progress. */
    public static final short NOT_IN_PROGRESS = 2;
    /** The commit buffer is full. */
    public static final short BUFFER_FULL = 3;
    /** An internal failure of the runtime during a transaction. */
    public static final short INTERNAL_FAILURE = 4;
    /** The transaction method is not available in the caller's environment. */
    public static final short ILLEGAL_USE = 5;

    /** Creates an exception with the given reason; applets normally call throwIt. */
    public TransactionException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of TransactionException with the given reason. */
    public static native void throwIt(short reason) throws TransactionException;
}
