/*
 * javacard.framework.APDUException (Java Card 3.0.5 Classic).
 * An APDU class related exception (I/O state or lengths).
 * throwIt is native (see CardRuntimeException); the reason codes are the specification's.
 */
package javacard.framework;

/** An APDU class related exception (I/O state or lengths). */
public class APDUException extends CardRuntimeException {
    /** The method may not be called in the current state of the APDU. */
    public static final short ILLEGAL_USE = 1;
    /** Offset and length reach beyond the APDU buffer. */
    public static final short BUFFER_BOUNDS = 2;
    /** A length is negative or larger than the protocol or the applet allows. */
    public static final short BAD_LENGTH = 3;
    /** An unrecoverable I/O error occurred. */
    public static final short IO_ERROR = 4;
    /** T=0: the terminal did not send GET RESPONSE for the response data. */
    public static final short NO_T0_GETRESPONSE = 0xAA;
    /** T=1: the terminal aborted the chained response. */
    public static final short T1_IFD_ABORT = 0xAB;
    /** T=0: the terminal did not reissue the command with the right Le. */
    public static final short NO_T0_REISSUE = 0xAC;

    /** Creates an exception with the given reason; applets normally call throwIt. */
    public APDUException(short reason) {
        super(reason);
    }

    /** Throws the JCRE-owned instance of APDUException with the given reason. */
    public static native void throwIt(short reason) throws APDUException;
}
