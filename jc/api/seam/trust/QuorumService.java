/*
 * seam.trust.QuorumService: the card's quorum check offered to applets (docs/trust.md,
 * "Applets: the seam.trust package"). A seam-proprietary API, not part of Java Card: the ISD
 * holds n root certificates and a quorum k; an applet asks whether a CMS SignedData (RFC 5652)
 * is a quorum-signed "attest" command for this card that names exactly its payload, without
 * holding the roots itself. Shareable, so its method is reachable across the firewall
 * (JCRE specification §6.2.4); the object comes from Trust.getService().
 */
package seam.trust;

import javacard.framework.Shareable;

/**
 * The quorum service of the card, obtained from {@link Trust#getService()}.
 */
public interface QuorumService extends Shareable {
    /**
     * Checks cms[cmsOff..cmsOff+cmsLen), the ContentInfo of a quorum-signed command (the value
     * of the ISD's DF71 object), against the card's trust anchors: an "attest" operation,
     * signed by organisations chaining to at least k distinct active anchors, whose originator
     * counter is fresh, bound to this card if it names one, and whose payload (content tag 89)
     * equals payload[payOff..payOff+payLen) byte for byte. On success the originator's counter
     * is consumed at once, durably and outside any open transaction (an abortTransaction does
     * not give it back), so the same command is never accepted twice.
     *
     * @return ISO7816.SW_NO_ERROR (0x9000) when accepted; otherwise the status word the ISD
     *     would answer for the command (0x6982 quorum or signatures not satisfied, wrong
     *     operation or payload; 0x6A80 malformed; 0x6985 replayed, another card, or no anchors)
     * @throws NullPointerException if cms or payload is null
     * @throws ArrayIndexOutOfBoundsException if an offset or length is negative or a range
     *     ends beyond its array
     * @throws SecurityException if the caller's context may not read one of the arrays
     */
    short attest(byte[] cms, short cmsOff, short cmsLen, byte[] payload, short payOff,
            short payLen);
}
