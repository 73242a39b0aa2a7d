/*
 * seam.trust.Trust: where applets get the card's QuorumService (docs/trust.md). A
 * seam-proprietary API next to the Java Card API, as a card vendor's own package would be.
 */
package seam.trust;

/**
 * Entry to the card's trust services.
 */
public final class Trust {
    private Trust() {}

    /**
     * Returns the card's quorum service: a JCRE-owned object (permanent: it may be kept in a
     * field) whose only reachable methods are those of {@link QuorumService}.
     *
     * @return the service, never null
     */
    public static native QuorumService getService();
}
