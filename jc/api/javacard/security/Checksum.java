/*
 * javacard.security.Checksum (Java Card 3.0.5 Classic): ISO 3309 CRC-16 and CRC-32.
 */
package javacard.security;

/** Base class of checksum algorithms. */
public abstract class Checksum {
    public static final byte ALG_ISO3309_CRC16 = 1;
    public static final byte ALG_ISO3309_CRC32 = 2;

    protected Checksum() {
    }

    /** Creates a checksum object of the algorithm. */
    public static final Checksum getInstance(byte algorithm, boolean externalAccess)
            throws CryptoException {
        byte alg = ChecksumImpl.check(algorithm);
        return new ChecksumImpl(alg);
    }

    public abstract void init(byte[] bArray, short bOff, short bLen) throws CryptoException;

    public abstract byte getAlgorithm();

    public abstract short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);

    public abstract void update(byte[] inBuff, short inOffset, short inLength);
}
