/*
 * The JCRE-owned implementation of QuorumService (package-private: applets see only the
 * interface). attest is native (src/se/jcapi/trust_natives.c); the object is created once by
 * Trust.getService() and owned by the JCRE, so an applet reaches it only through the Shareable
 * interface (JCRE §6.2.4): any other method of the class is refused by the firewall.
 */
package seam.trust;

final class Service implements QuorumService {
    private Service() {}

    public native short attest(byte[] cms, short cmsOff, short cmsLen, byte[] payload,
            short payOff, short payLen);
}
