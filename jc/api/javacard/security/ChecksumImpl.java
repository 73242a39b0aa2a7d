/*
 * The Checksum implementation: the running value is RAM state kept by the natives per object.
 */
package javacard.security;

final class ChecksumImpl extends Checksum {
    private final byte alg;

    ChecksumImpl(byte alg) {
        this.alg = alg;
        fresh();
    }

    static native byte check(byte alg);

    private native void fresh();

    public byte getAlgorithm() {
        return alg;
    }

    public native void init(byte[] bArray, short bOff, short bLen);

    public native short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset);

    public native void update(byte[] inBuff, short inOffset, short inLength);
}
