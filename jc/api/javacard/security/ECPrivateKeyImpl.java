/*
 * The ECPrivateKey implementation (see ECKeyBase): component 6 is S.
 */
package javacard.security;

final class ECPrivateKeyImpl extends ECKeyBase implements ECPrivateKey {
    ECPrivateKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setS(byte[] buffer, short offset, short length) {
        put((byte) 6, buffer, offset, length);
    }

    public short getS(byte[] buffer, short offset) {
        return take((byte) 6, buffer, offset);
    }
}
