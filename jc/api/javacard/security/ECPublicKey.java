/*
 * javacard.security.ECPublicKey (Java Card 3.0.5 Classic): an elliptic curve public key W.
 */
package javacard.security;

/** An EC public key: domain parameters and the point W. */
public interface ECPublicKey extends PublicKey, ECKey {
    /** Sets the point W (uncompressed encoding). */
    void setW(byte[] buffer, short offset, short length) throws CryptoException;

    /** Copies W to buffer; returns its length. */
    short getW(byte[] buffer, short offset) throws CryptoException;
}
