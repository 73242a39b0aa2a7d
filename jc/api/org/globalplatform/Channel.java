/*
 * The JCRE-owned SecureChannel of seam (package-private: applets see only the interface). One
 * object for the card; each call works on the calling applet's logical channel and the applet's
 * associated Security Domain (src/se/jcapi/gp_natives.c). The firewall lets applets reach it
 * only through SecureChannel (a Shareable interface, JCRE §6.2.4).
 */
package org.globalplatform;

import javacard.framework.APDU;

final class Channel implements SecureChannel {
    private Channel() {}

    public native short processSecurity(APDU apdu);

    public native short wrap(byte[] baBuffer, short sOffset, short sLength);

    public native short unwrap(byte[] baBuffer, short sOffset, short sLength);

    public native short decryptData(byte[] baBuffer, short sOffset, short sLength);

    public native short encryptData(byte[] baBuffer, short sOffset, short sLength);

    public native void resetSecurity();

    public native byte getSecurityLevel();
}
