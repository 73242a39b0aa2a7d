/*
 * The KeyAgreement implementation: the private key is RAM state kept by the natives per object.
 */
package javacard.security;

final class KeyAgreementImpl extends KeyAgreement {
    private final byte alg;

    KeyAgreementImpl(byte alg) {
        this.alg = alg;
        fresh();
    }

    static native byte check(byte alg);

    private native void fresh();

    public byte getAlgorithm() {
        return alg;
    }

    public native void init(PrivateKey privKey);

    public native short generateSecret(byte[] publicData, short publicOffset, short publicLength,
            byte[] secret, short secretOffset);
}
