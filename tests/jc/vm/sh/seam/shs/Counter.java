/*
 * A Shareable interface of the server package seam.shs (tests/test_jcvm_share.c): the client
 * calls these methods across the firewall (JCRE §6.2.4), each call switching to the server's
 * context and back.
 */
package seam.shs;

import javacard.framework.Shareable;

public interface Counter extends Shareable {
    /* Adds by to the server object's count and returns the new count. */
    short bump(short by);

    /* Writes the AID of the previous context (JCSystem.getPreviousContextAID) at buf[off] and
     * returns its length, or -1 when there is none. buf must be a global array (APDU buffer). */
    byte prevAid(byte[] buf, short off);

    /* Writes the server's CLEAR_ON_DESELECT array: 1 when allowed, 0x5E when the JCRE refuses
     * (SecurityException: the server's context is not the selected applet's, JCRE §6.1.6). */
    short scratch();
}
