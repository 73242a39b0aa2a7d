/*
 * javacard.framework.UserException (Java Card 3.0.5 Classic): a checked exception for applets'
 * own conditions. throwIt is native (see CardException).
 */
package javacard.framework;

/** A checked exception an applet throws and catches for its own conditions. */
public class UserException extends CardException {
    /** Creates an exception with reason 0. */
    public UserException() {
        super((short) 0);
    }

    /** Creates an exception with the given reason. */
    public UserException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of UserException with the given reason. */
    public static native void throwIt(short reason) throws UserException;
}
