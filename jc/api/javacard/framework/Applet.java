/*
 * javacard.framework.Applet (Java Card 3.0.5 Classic): the base class of every applet.
 * The card calls install once, then select/process/deselect on each logical channel.
 * register and selectingApplet are native (they touch the registry and the dispatcher); the
 * default select, deselect and getShareableInterfaceObject are Java.
 */
package javacard.framework;

/** The base class of Java Card applets. */
public abstract class Applet {
    /** Creates the applet; only subclasses call it, from their install method. */
    protected Applet() {}

    /**
     * Called by the card to create an applet instance with the GP install parameters (AID,
     * privileges, application data, each length-prefixed). Subclasses must define their own;
     * this one refuses with SW_FUNC_NOT_SUPPORTED.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) throws ISOException {
        ISOException.throwIt(ISO7816.SW_FUNC_NOT_SUPPORTED);
    }

    /** Called by the card with every command for this applet, SELECT of it included. */
    public abstract void process(APDU apdu) throws ISOException;

    /** Called by the card when the applet is selected; returns false to refuse. */
    public boolean select() {
        return true;
    }

    /** Called by the card when the applet is deselected. */
    public void deselect() {}

    /**
     * Called by the card when clientAID asks for a shareable object (parameter is the client's
     * choice); returns the object, or null to refuse.
     */
    public Shareable getShareableInterfaceObject(AID clientAID, byte parameter) {
        return null;
    }

    /** Registers this instance under the instance AID of the INSTALL command. */
    protected final native void register() throws SystemException;

    /** Registers this instance under the AID in bArray (ILLEGAL_AID if it may not use it). */
    protected final native void register(byte[] bArray, short bOffset, byte bLength)
            throws SystemException;

    /** Returns true while process() handles the SELECT that selected this applet. */
    protected final native boolean selectingApplet();
}
