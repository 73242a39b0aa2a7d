/*
 * javacard.security.RSAPrivateKey (Java Card 3.0.5 Classic): an RSA key as modulus and exponent
 * (big-endian unsigned).
 */
package javacard.security;

/** An RSA key: modulus and exponent. */
public interface RSAPrivateKey extends PrivateKey {
    /** Sets the modulus. */
    void setModulus(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the exponent. */
    void setExponent(byte[] buffer, short offset, short length) throws CryptoException;

    /** Copies the modulus to buffer; returns its length. */
    short getModulus(byte[] buffer, short offset);

    /** Copies the exponent to buffer; returns its length. */
    short getExponent(byte[] buffer, short offset);
}
