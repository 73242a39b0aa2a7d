/*
 * javacardx.apdu.ExtendedLength (Java Card 3.0.5 Classic): marker interface of applets that
 * accept extended length APDUs (ISO/IEC 7816-4 §5.1; Lc and Le of up to 65535 bytes).
 */
package javacardx.apdu;

/**
 * Implemented by an Applet subclass that handles extended length APDUs; without it the card
 * refuses them for the applet and APDU methods keep to short lengths.
 */
public interface ExtendedLength {}
