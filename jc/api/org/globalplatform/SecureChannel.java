/*
 * org.globalplatform.SecureChannel (GlobalPlatform Card API, export file version 1.6; GP CS 2.3.1
 * §A.1 / Appendix A): the secure channel services a Security Domain offers its associated
 * applications. Written by seam from the public specification: names, signatures and constant
 * values are the specification's, the text is seam's own.
 *
 * On seam the instance comes from GPSystem.getSecureChannel(); every method works on the SCP03
 * session of the calling applet's logical channel with the applet's associated Security Domain
 * (docs/gp-api.md). No key is ever visible to Java code.
 */
package org.globalplatform;

import javacard.framework.APDU;
import javacard.framework.ISOException;
import javacard.framework.Shareable;

/**
 * Entity authentication and APDU protection delegated to the associated Security Domain.
 */
public interface SecureChannel extends Shareable {
    /** Entity authentication has occurred as the Application Provider (0x80). */
    public static final byte AUTHENTICATED = (byte) 0x80;
    /** unwrap decrypts incoming command data (0x02). */
    public static final byte C_DECRYPTION = (byte) 0x02;
    /** unwrap verifies the MAC of incoming commands (0x01). */
    public static final byte C_MAC = (byte) 0x01;
    /** wrap encrypts outgoing response data (0x20). */
    public static final byte R_ENCRYPTION = (byte) 0x20;
    /** wrap adds a MAC to outgoing responses (0x10). */
    public static final byte R_MAC = (byte) 0x10;
    /** No entity authentication, no protection (0x00). */
    public static final byte NO_SECURITY_LEVEL = (byte) 0x00;
    /** An entity other than the Application Provider has authenticated (0x40). */
    public static final byte ANY_AUTHENTICATED = (byte) 0x40;

    /**
     * Processes a command of the security protocol (SCP03: INITIALIZE UPDATE, EXTERNAL
     * AUTHENTICATE), receiving its data. Response data are written to the APDU buffer at
     * ISO7816.OFFSET_CDATA.
     *
     * @return the length of the response data
     * @throws ISOException with the Security Domain's status word on refusal; 6E00 / 6D00 for
     *     a command that is not part of the protocol
     */
    public short processSecurity(APDU apdu) throws ISOException;

    /**
     * Protects a response (data followed by the two status bytes) at the Current Security
     * Level, in place.
     *
     * @return the length of the protected response data, the status bytes removed
     */
    public short wrap(byte[] baBuffer, short sOffset, short sLength) throws ISOException;

    /**
     * Verifies and removes the protection of a whole command (header and data field) in place.
     *
     * @return the length of the unwrapped command (header and data field)
     * @throws ISOException 6982 when verification fails (the session is then aborted)
     */
    public short unwrap(byte[] baBuffer, short sOffset, short sLength) throws ISOException;

    /**
     * Decrypts sensitive data in place with the session's data encryption key.
     *
     * @return the length of the clear data
     * @throws ISOException 6985 without a session; 6700 for a length the algorithm refuses
     */
    public short decryptData(byte[] baBuffer, short sOffset, short sLength) throws ISOException;

    /**
     * Encrypts sensitive data in place with the session's data encryption key.
     *
     * @return the length of the encrypted data
     * @throws ISOException 6985 without a session; 6700 for a length the algorithm refuses
     */
    public short encryptData(byte[] baBuffer, short sOffset, short sLength) throws ISOException;

    /** Terminates the Secure Channel Session (never fails). */
    public void resetSecurity();

    /**
     * @return the Current Security Level: a combination of AUTHENTICATED, ANY_AUTHENTICATED,
     *     C_MAC, C_DECRYPTION, R_MAC, R_ENCRYPTION, or NO_SECURITY_LEVEL
     */
    public byte getSecurityLevel();
}
