/*
 * The HMACKey implementation (see KeyBase): one component of 1 .. getSize() bytes.
 */
package javacard.security;

final class HMACKeyImpl extends KeyBase implements HMACKey {
    HMACKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setKey(byte[] keyData, short kOff, short kLen) {
        put((byte) 0, keyData, kOff, kLen);
    }

    public byte getKey(byte[] keyData, short kOff) {
        return (byte) take((byte) 0, keyData, kOff);
    }
}
