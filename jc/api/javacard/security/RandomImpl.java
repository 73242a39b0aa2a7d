/*
 * The RandomData implementation: natives over the card's DRBG.
 */
package javacard.security;

final class RandomImpl extends RandomData {
    private final byte alg;

    RandomImpl(byte alg) {
        this.alg = alg;
    }

    public byte getAlgorithm() {
        return alg;
    }

    public void generateData(byte[] buffer, short offset, short length) {
        nextBytes(buffer, offset, length);
    }

    public native short nextBytes(byte[] buffer, short offset, short length);

    public native void setSeed(byte[] buffer, short offset, short length);
}
