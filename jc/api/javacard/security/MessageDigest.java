/*
 * javacard.security.MessageDigest (Java Card 3.0.5 Classic): hash functions. getInstance
 * returns a DigestImpl (natives in src/se/jcapi/security.c); an unsupported algorithm throws
 * CryptoException NO_SUCH_ALGORITHM.
 */
package javacard.security;

/** Base class of message digest algorithms. */
public abstract class MessageDigest {
    public static final byte ALG_NULL = 0;
    public static final byte ALG_SHA = 1;
    public static final byte ALG_MD5 = 2;
    public static final byte ALG_RIPEMD160 = 3;
    public static final byte ALG_SHA_256 = 4;
    public static final byte ALG_SHA_384 = 5;
    public static final byte ALG_SHA_512 = 6;
    public static final byte ALG_SHA_224 = 7;
    public static final byte LENGTH_MD5 = 16;
    public static final byte LENGTH_RIPEMD160 = 20;
    public static final byte LENGTH_SHA = 20;
    public static final byte LENGTH_SHA_224 = 28;
    public static final byte LENGTH_SHA_256 = 32;
    public static final byte LENGTH_SHA_384 = 48;
    public static final byte LENGTH_SHA_512 = 64;

    protected MessageDigest() {
    }

    /** Creates a digest object of the algorithm. */
    public static final MessageDigest getInstance(byte algorithm, boolean externalAccess)
            throws CryptoException {
        byte alg = DigestImpl.check(algorithm);
        return new DigestImpl(alg);
    }

    /** Creates an InitializedMessageDigest object of the algorithm. */
    public static final InitializedMessageDigest getInitializedMessageDigestInstance(
            byte algorithm, boolean externalAccess) throws CryptoException {
        byte alg = DigestImpl.check(algorithm);
        return new DigestImpl(alg);
    }

    /** Returns the algorithm. */
    public abstract byte getAlgorithm();

    /** Returns the length of the hash in bytes. */
    public abstract byte getLength();

    /** Hashes the remaining input and writes the hash to outBuff; returns its length. */
    public abstract short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset) throws CryptoException;

    /** Hashes more input. */
    public abstract void update(byte[] inBuff, short inOffset, short inLength)
            throws CryptoException;

    /** Resets the object to its initial state. */
    public abstract void reset();
}
