/*
 * javacard.security.HMACKey (Java Card 3.0.5 Classic): the key of the HMAC signatures, of any
 * length up to the key's size (the hash block size).
 */
package javacard.security;

/** An HMAC key. */
public interface HMACKey extends SecretKey {
    /** Sets the key from kLen bytes of keyData at kOff. */
    void setKey(byte[] keyData, short kOff, short kLen)
            throws CryptoException, NullPointerException, ArrayIndexOutOfBoundsException;

    /** Copies the key to keyData at kOff; returns its length in bytes. */
    byte getKey(byte[] keyData, short kOff);
}
