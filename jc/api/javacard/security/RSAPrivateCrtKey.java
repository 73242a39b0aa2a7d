/*
 * javacard.security.RSAPrivateCrtKey (Java Card 3.0.5 Classic): an RSA private key in Chinese
 * Remainder Theorem form: P, Q, DP1 = d mod (p-1), DQ1 = d mod (q-1), PQ = q^-1 mod p.
 */
package javacard.security;

/** An RSA private key in CRT form. */
public interface RSAPrivateCrtKey extends PrivateKey {
    /** Sets the prime P. */
    void setP(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the prime Q. */
    void setQ(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets DP1 = d mod (p - 1). */
    void setDP1(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets DQ1 = d mod (q - 1). */
    void setDQ1(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets PQ = q^-1 mod p. */
    void setPQ(byte[] buffer, short offset, short length) throws CryptoException;

    /** Copies P to buffer; returns its length. */
    short getP(byte[] buffer, short offset);

    /** Copies Q to buffer; returns its length. */
    short getQ(byte[] buffer, short offset);

    /** Copies DP1 to buffer; returns its length. */
    short getDP1(byte[] buffer, short offset);

    /** Copies DQ1 to buffer; returns its length. */
    short getDQ1(byte[] buffer, short offset);

    /** Copies PQ to buffer; returns its length. */
    short getPQ(byte[] buffer, short offset);
}
