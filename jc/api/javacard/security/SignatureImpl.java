/*
 * The Signature implementation. The algorithm is four persistent bytes (packed by the native
 * resolve: algorithm, digest, cipher, padding); the key, the mode and the running state are RAM
 * state of the card kept by the natives per object (src/se/jcapi/security.c).
 */
package javacard.security;

final class SignatureImpl extends Signature {
    private final int algs;

    SignatureImpl(int algs) {
        this.algs = algs;
        fresh();
    }

    /** Packs (alg, md, cipher, pad) or throws CryptoException NO_SUCH_ALGORITHM. */
    static native int resolve(byte alg, byte md, byte cipher, byte pad);

    private native void fresh();

    public byte getAlgorithm() {
        return (byte) (algs >> 24);
    }

    public byte getMessageDigestAlgorithm() {
        return (byte) (algs >> 16);
    }

    public byte getCipherAlgorithm() {
        return (byte) (algs >> 8);
    }

    public byte getPaddingAlgorithm() {
        return (byte) algs;
    }

    public native void init(Key theKey, byte theMode);

    public native void init(Key theKey, byte theMode, byte[] bArray, short bOff, short bLen);

    public native void setInitialDigest(byte[] initialDigestBuf, short initialDigestOffset,
            short initialDigestLength, byte[] digestedMsgLenBuf, short digestedMsgLenOffset,
            short digestedMsgLenLength);

    public native short getLength();

    public native void update(byte[] inBuff, short inOffset, short inLength);

    public native short sign(byte[] inBuff, short inOffset, short inLength, byte[] sigBuff,
            short sigOffset);

    public native short signPreComputedHash(byte[] hashBuff, short hashOff, short hashLength,
            byte[] sigBuff, short sigOffset);

    public native boolean verify(byte[] inBuff, short inOffset, short inLength, byte[] sigBuff,
            short sigOffset, short sigLength);
}
