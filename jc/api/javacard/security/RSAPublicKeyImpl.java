/*
 * The RSAPublicKey implementation (see KeyBase): component 0 is the modulus, 1 the exponent.
 */
package javacard.security;

final class RSAPublicKeyImpl extends KeyBase implements RSAPublicKey {
    RSAPublicKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setModulus(byte[] buffer, short offset, short length) {
        put((byte) 0, buffer, offset, length);
    }

    public void setExponent(byte[] buffer, short offset, short length) {
        put((byte) 1, buffer, offset, length);
    }

    public short getModulus(byte[] buffer, short offset) {
        return take((byte) 0, buffer, offset);
    }

    public short getExponent(byte[] buffer, short offset) {
        return take((byte) 1, buffer, offset);
    }
}
