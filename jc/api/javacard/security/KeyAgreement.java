/*
 * javacard.security.KeyAgreement (Java Card 3.0.5 Classic): elliptic curve Diffie-Hellman.
 * ALG_EC_SVDP_DH(C) return SHA-1 of the shared x coordinate (as the specification says),
 * the _PLAIN forms the x coordinate itself, _PLAIN_XY the whole point 04 || X || Y.
 */
package javacard.security;

/** Base class of key agreement algorithms. */
public abstract class KeyAgreement {
    public static final byte ALG_EC_SVDP_DH = 1;
    public static final byte ALG_EC_SVDP_DH_KDF = 1;
    public static final byte ALG_EC_SVDP_DHC = 2;
    public static final byte ALG_EC_SVDP_DHC_KDF = 2;
    public static final byte ALG_EC_SVDP_DH_PLAIN = 3;
    public static final byte ALG_EC_SVDP_DHC_PLAIN = 4;
    public static final byte ALG_EC_PACE_GM = 5;
    public static final byte ALG_EC_SVDP_DH_PLAIN_XY = 6;
    public static final byte ALG_DH_PLAIN = 7;

    protected KeyAgreement() {
    }

    /** Creates a key agreement object of the algorithm. */
    public static final KeyAgreement getInstance(byte algorithm, boolean externalAccess)
            throws CryptoException {
        byte alg = KeyAgreementImpl.check(algorithm);
        return new KeyAgreementImpl(alg);
    }

    public abstract void init(PrivateKey privKey) throws CryptoException;

    public abstract byte getAlgorithm();

    public abstract short generateSecret(byte[] publicData, short publicOffset,
            short publicLength, byte[] secret, short secretOffset) throws CryptoException;
}
