/*
 * The Cipher implementation. The algorithm is packed in a persistent int (algorithm, cipher,
 * padding); key, mode, IV and running state are RAM state kept by the natives per object.
 */
package javacardx.crypto;

import javacard.security.Key;

class CipherImpl extends Cipher {
    final int algs;

    CipherImpl(int algs) {
        this.algs = algs;
        fresh();
    }

    /** Packs (alg, cipher, pad) or throws CryptoException NO_SUCH_ALGORITHM. */
    static native int resolve(byte alg, byte cipher, byte pad);

    final native void fresh();

    public byte getAlgorithm() {
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

    public native short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);

    public native short update(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);
}
