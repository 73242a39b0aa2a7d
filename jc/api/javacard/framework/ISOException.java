/*
 * javacard.framework.ISOException (Java Card 3.0.5 Classic): an exception whose reason is an
 * ISO/IEC 7816-4 status word. When it leaves process() uncaught, the card answers with that
 * status word (and aborts an open transaction). throwIt is native (see CardRuntimeException).
 */
package javacard.framework;

/** An exception that carries the status word the card will answer with. */
public class ISOException extends CardRuntimeException {
    /** Creates an exception with the given status word; applets normally call throwIt. */
    public ISOException(short sw) {
        super(sw);
    }

    /** Throws the JCRE-owned instance of ISOException with the given status word. */
    public static native void throwIt(short sw);
}
