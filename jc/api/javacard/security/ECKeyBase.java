/*
 * The ECKey part of the EC key implementations (see KeyBase). Components: 0 field p, 1 A, 2 B,
 * 3 G, 4 R, 5 K, 6 W (public) or S (private). Only prime fields are supported: the F2M setters
 * throw CryptoException ILLEGAL_VALUE.
 */
package javacard.security;

class ECKeyBase extends KeyBase {
    ECKeyBase(byte type, short size, byte event) {
        super(type, size, event);
    }

    public void setFieldFP(byte[] buffer, short offset, short length) {
        put((byte) 0, buffer, offset, length);
    }

    public void setFieldF2M(short e) {
        CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
    }

    public void setFieldF2M(short e1, short e2, short e3) {
        CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
    }

    public void setA(byte[] buffer, short offset, short length) {
        put((byte) 1, buffer, offset, length);
    }

    public void setB(byte[] buffer, short offset, short length) {
        put((byte) 2, buffer, offset, length);
    }

    public void setG(byte[] buffer, short offset, short length) {
        put((byte) 3, buffer, offset, length);
    }

    public void setR(byte[] buffer, short offset, short length) {
        put((byte) 4, buffer, offset, length);
    }

    public void setK(short k) {
        putShort((byte) 5, k);
    }

    public short getField(byte[] buffer, short offset) {
        return take((byte) 0, buffer, offset);
    }

    public short getA(byte[] buffer, short offset) {
        return take((byte) 1, buffer, offset);
    }

    public short getB(byte[] buffer, short offset) {
        return take((byte) 2, buffer, offset);
    }

    public short getG(byte[] buffer, short offset) {
        return take((byte) 3, buffer, offset);
    }

    public short getR(byte[] buffer, short offset) {
        return take((byte) 4, buffer, offset);
    }

    public short getK() {
        return takeShort((byte) 5);
    }

    public void copyDomainParametersFrom(ECKey ecKey) {
        copyDomain(ecKey);
    }
}
