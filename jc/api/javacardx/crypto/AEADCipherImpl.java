/*
 * The AEADCipher implementation (AES-GCM, AES-CCM): same RAM state as CipherImpl plus the AAD,
 * the message and the tag.
 */
package javacardx.crypto;

import javacard.security.Key;

final class AEADCipherImpl extends AEADCipher {
    private final int algs;

    AEADCipherImpl(int algs) {
        this.algs = algs;
        fresh();
    }

    private native void fresh();

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

    public native void init(Key theKey, byte theMode, byte[] nonceBuf, short nonceOff,
            short nonceLen, short adataLen, short messageLen, short tagSize);

    public native void updateAAD(byte[] aadBuf, short aadOff, short aadLen);

    public native short retrieveTag(byte[] tagBuf, short tagOff, short tagLen);

    public native boolean verifyTag(byte[] receivedTagBuf, short receivedTagOff,
            short receivedTagLen, short requiredTagLen);

    public native short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);

    public native short update(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);
}
