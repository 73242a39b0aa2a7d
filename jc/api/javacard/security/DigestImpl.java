/*
 * The MessageDigest implementation. The running hash state is RAM state of the card (lost at
 * reset, never part of a transaction), kept by the natives per object.
 */
package javacard.security;

final class DigestImpl extends InitializedMessageDigest {
    private final byte alg;

    DigestImpl(byte alg) {
        this.alg = alg;
        fresh();
    }

    /** Returns alg if supported, else CryptoException NO_SUCH_ALGORITHM. */
    static native byte check(byte alg);

    /** Drops any RAM state of this object. */
    private native void fresh();

    public byte getAlgorithm() {
        return alg;
    }

    public native byte getLength();

    public native short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);

    public native void update(byte[] inBuff, short inOffset, short inLength);

    public native void reset();

    public native void setInitialDigest(byte[] initialDigestBuf, short initialDigestOffset,
            short initialDigestLength, byte[] digestedMsgLenBuf, short digestedMsgLenOffset,
            short digestedMsgLenLength);
}
