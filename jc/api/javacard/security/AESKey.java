/*
 * javacard.security.AESKey (Java Card 3.0.5 Classic): a symmetric key whose length is fixed by its
 * size (KeyBuilder.LENGTH_*), set and read as plain bytes.
 */
package javacard.security;

/** A AES key. */
public interface AESKey extends SecretKey {
    /** Sets the key from getSize()/8 bytes of keyData at kOff; the key becomes initialized. */
    void setKey(byte[] keyData, short kOff)
            throws CryptoException, NullPointerException, ArrayIndexOutOfBoundsException;

    /** Copies the key to keyData at kOff; returns its length in bytes. */
    byte getKey(byte[] keyData, short kOff) throws CryptoException;
}
