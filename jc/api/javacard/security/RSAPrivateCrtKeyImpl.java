/*
 * The RSAPrivateCrtKey implementation (see KeyBase): components 0 P, 1 Q, 2 DP1, 3 DQ1, 4 PQ.
 */
package javacard.security;

final class RSAPrivateCrtKeyImpl extends KeyBase implements RSAPrivateCrtKey {
    RSAPrivateCrtKeyImpl(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setP(byte[] buffer, short offset, short length) {
        put((byte) 0, buffer, offset, length);
    }

    public void setQ(byte[] buffer, short offset, short length) {
        put((byte) 1, buffer, offset, length);
    }

    public void setDP1(byte[] buffer, short offset, short length) {
        put((byte) 2, buffer, offset, length);
    }

    public void setDQ1(byte[] buffer, short offset, short length) {
        put((byte) 3, buffer, offset, length);
    }

    public void setPQ(byte[] buffer, short offset, short length) {
        put((byte) 4, buffer, offset, length);
    }

    public short getP(byte[] buffer, short offset) {
        return take((byte) 0, buffer, offset);
    }

    public short getQ(byte[] buffer, short offset) {
        return take((byte) 1, buffer, offset);
    }

    public short getDP1(byte[] buffer, short offset) {
        return take((byte) 2, buffer, offset);
    }

    public short getDQ1(byte[] buffer, short offset) {
        return take((byte) 3, buffer, offset);
    }

    public short getPQ(byte[] buffer, short offset) {
        return take((byte) 4, buffer, offset);
    }
}
