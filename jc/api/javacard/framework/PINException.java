/*
 * javacard.framework.PINException (Java Card 3.0.5 Classic).
 * An OwnerPIN related exception.
 * throwIt is native (see CardRuntimeException); the reason codes are the specification's.
 */
package javacard.framework;

/** An OwnerPIN related exception. */
public class PINException extends CardRuntimeException {
    /** A parameter (try limit, PIN size, PIN length) is out of its allowed range. */
    public static final short ILLEGAL_VALUE = 1;
    /** The method is called at an illegal or inappropriate time. */
    public static final short ILLEGAL_STATE = 2;

    /** Creates an exception with the given reason; applets normally call throwIt. */
    public PINException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of PINException with the given reason. */
    public static native void throwIt(short reason) throws PINException;
}
