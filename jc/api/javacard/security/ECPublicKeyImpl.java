/*
 * The ECPublicKey implementation (see ECKeyBase): component 6 is W.
 */
package javacard.security;

final class ECPublicKeyImpl extends ECKeyBase implements ECPublicKey {
    ECPublicKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setW(byte[] buffer, short offset, short length) {
        put((byte) 6, buffer, offset, length);
    }

    public short getW(byte[] buffer, short offset) {
        return take((byte) 6, buffer, offset);
    }
}
