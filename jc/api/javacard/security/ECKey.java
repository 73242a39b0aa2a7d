/*
 * javacard.security.ECKey (Java Card 3.0.5 Classic): the domain parameters of an elliptic curve
 * key (IEEE P1363 names: field, A, B, G, R, K). Values are big-endian unsigned; G is an
 * uncompressed point 04 || X || Y.
 */
package javacard.security;

/** Domain parameters shared by ECPublicKey and ECPrivateKey. */
public interface ECKey {
    /** Sets the prime p of the field F(p). */
    void setFieldFP(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the reduction polynomial of a trinomial field F(2^m). */
    void setFieldF2M(short e) throws CryptoException;

    /** Sets the reduction polynomial of a pentanomial field F(2^m). */
    void setFieldF2M(short e1, short e2, short e3) throws CryptoException;

    /** Sets the first coefficient of the curve. */
    void setA(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the second coefficient of the curve. */
    void setB(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the fixed point G (uncompressed encoding). */
    void setG(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the order R of G. */
    void setR(byte[] buffer, short offset, short length) throws CryptoException;

    /** Sets the cofactor K of the order of G. */
    void setK(short K);

    /** Copies the field parameter to buffer; returns its length. */
    short getField(byte[] buffer, short offset) throws CryptoException;

    /** Copies A to buffer; returns its length. */
    short getA(byte[] buffer, short offset) throws CryptoException;

    /** Copies B to buffer; returns its length. */
    short getB(byte[] buffer, short offset) throws CryptoException;

    /** Copies G to buffer; returns its length. */
    short getG(byte[] buffer, short offset) throws CryptoException;

    /** Copies R to buffer; returns its length. */
    short getR(byte[] buffer, short offset) throws CryptoException;

    /** Returns the cofactor K. */
    short getK() throws CryptoException;

    /** Copies the domain parameters of ecKey into this key. */
    void copyDomainParametersFrom(ECKey ecKey) throws CryptoException;
}
