/*
 * javacard.security.ECPrivateKey (Java Card 3.0.5 Classic): an elliptic curve private key S.
 */
package javacard.security;

/** An EC private key: domain parameters and the scalar S. */
public interface ECPrivateKey extends PrivateKey, ECKey {
    /** Sets the secret scalar S. */
    void setS(byte[] buffer, short offset, short length) throws CryptoException;

    /** Copies S to buffer; returns its length. */
    short getS(byte[] buffer, short offset) throws CryptoException;
}
