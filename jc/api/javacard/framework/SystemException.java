/*
 * javacard.framework.SystemException (Java Card 3.0.5 Classic).
 * A JCSystem, Applet.register or AID related exception.
 * throwIt is native (see CardRuntimeException); the reason codes are the specification's.
 */
package javacard.framework;

/** A JCSystem, Applet.register or AID related exception. */
public class SystemException extends CardRuntimeException {
    /** A parameter is out of its allowed range. */
    public static final short ILLEGAL_VALUE = 1;
    /** Not enough transient memory for the request. */
    public static final short NO_TRANSIENT_SPACE = 2;
    /** A transient object may not be created in the current context. */
    public static final short ILLEGAL_TRANSIENT = 3;
    /** The AID given to Applet.register is not a legal AID for this instance. */
    public static final short ILLEGAL_AID = 4;
    /** Not enough of some card resource (memory, for one) for the request. */
    public static final short NO_RESOURCE = 5;
    /** The requested function is not allowed. */
    public static final short ILLEGAL_USE = 6;

    /** Creates an exception with the given reason; applets normally call throwIt. */
    public SystemException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of SystemException with the given reason. */
    public static native void throwIt(short reason) throws SystemException;
}
