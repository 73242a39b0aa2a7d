/*
 * The DESKey implementation (see KeyBase): one component, getSize()/8 bytes.
 */
package javacard.security;

final class DESKeyImpl extends KeyBase implements DESKey {
    DESKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setKey(byte[] keyData, short kOff) {
        put((byte) 0, keyData, kOff, (short) (size >> 3));
    }

    public byte getKey(byte[] keyData, short kOff) {
        return (byte) take((byte) 0, keyData, kOff);
    }
}
