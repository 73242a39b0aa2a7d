/*
 * javacard.security.CryptoException (Java Card 3.0.5 Classic): the exception of the security
 * and cryptography classes. throwIt is native (see javacard.framework.CardRuntimeException):
 * the card throws one JCRE-owned instance; the reason codes are the specification's.
 */
package javacard.security;

import javacard.framework.CardRuntimeException;

/** An exception of a cryptographic operation, with a reason code. */
public class CryptoException extends CardRuntimeException {
    /** A parameter value is not allowed. */
    public static final short ILLEGAL_VALUE = 1;
    /** The key is not initialized. */
    public static final short UNINITIALIZED_KEY = 2;
    /** The requested algorithm or key type is not supported. */
    public static final short NO_SUCH_ALGORITHM = 3;
    /** The object is not initialized, or initialized for the other mode. */
    public static final short INVALID_INIT = 4;
    /** The operation is not allowed in the object's current state or with these data. */
    public static final short ILLEGAL_USE = 5;

    /** Creates an exception with the given reason; applets normally call throwIt. */
    public CryptoException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of CryptoException with the given reason. */
    public static native void throwIt(short reason) throws CryptoException;
}
