/*
 * javacard.security.RandomData (Java Card 3.0.5 Classic): random numbers from the card's DRBG
 * (every algorithm is served by the same seeded CTR-DRBG of src/crypto; setSeed adds input).
 */
package javacard.security;

/** Random number generation. */
public abstract class RandomData {
    public static final byte ALG_PSEUDO_RANDOM = 1;
    public static final byte ALG_SECURE_RANDOM = 2;
    public static final byte ALG_TRNG = 3;
    public static final byte ALG_PRESEEDED_DRBG = 4;
    public static final byte ALG_FAST = 5;
    public static final byte ALG_KEYGENERATION = 6;

    protected RandomData() {
    }

    /** Creates a random data generator of the algorithm. */
    public static final RandomData getInstance(byte algorithm) throws CryptoException {
        switch (algorithm) {
            case ALG_PSEUDO_RANDOM:
            case ALG_SECURE_RANDOM:
            case ALG_TRNG:
            case ALG_PRESEEDED_DRBG:
            case ALG_FAST:
            case ALG_KEYGENERATION:
                return new RandomImpl(algorithm);
            default:
                CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        return null;
    }

    /** Fills length bytes of buffer at offset with random data (deprecated form). */
    public abstract void generateData(byte[] buffer, short offset, short length)
            throws CryptoException;

    /** Fills length bytes of buffer at offset with random data; returns offset + length. */
    public abstract short nextBytes(byte[] buffer, short offset, short length)
            throws CryptoException;

    /** Adds seed material. */
    public abstract void setSeed(byte[] buffer, short offset, short length);

    /** Returns the algorithm. */
    public abstract byte getAlgorithm();
}
