/*
 * Generic driver of javacard.security / javacardx.crypto for tests/test_jc_crypto_ext.c,
 * tests/test_jc_crypto_openssl.sh and fuzz/fuzz_jccrypto.c: every API argument (algorithm
 * numbers, key types and sizes, offsets, lengths) comes from the APDU, so the tests and the fuzzer
 * reach the natives' argument checks with any value. Data lives in the transient array io
 * (2400 bytes): written with WRITE, read back with READ; offsets below are into io.
 * Exceptions become status words: CryptoException reason r -> 0x6B00 | r, AIOOBE 0x6B10,
 * NullPointerException 0x6B11, SecurityException 0x6B12, ClassCastException 0x6B13, other
 * runtime exceptions 0x6B14. CLA 0x80; arguments are big-endian shorts in the data field.
 *   01 WRITE   P1P2 offset, data -> io
 *   02 READ    P1P2 offset, args len -> io[offset, offset + len)
 *   10 KEY     P1 slot (0..7); P2 0: args type, size (buildKey(type, size, false));
 *              P2 1: args algType, memType, size (the 3.0.5 four-argument form)
 *   11 SET     P1 slot, P2 component; args off, len (EC: 0 field, 1 A, 2 B, 3 G, 4 R, 5 K = off,
 *              6 W/S; RSA public/private: 0 modulus, 1 exponent; CRT: 0 P, 1 Q, 2 DP1, 3 DQ1,
 *              4 PQ; AES/DES/HMAC: the key)
 *   12 GET     P1 slot, P2 component; args off -> u16 length (K: the value)
 *   13 PAIR    P1 KeyPair algorithm (0: new KeyPair(keys[pub], keys[priv])); args size, pub slot,
 *              priv slot; P2 0 genKeyPair, 1 only build
 *   14 KSTATE  P1 slot; P2 0 isInitialized -> 1 byte, 1 clearKey, 2 getSize -> u16
 *   15 DOMAIN  P1 dst slot, P2 src slot: copyDomainParametersFrom
 *   20 NEW     P1 object slot (0..7); P2 1 Signature(a), 2 Signature(a, b, c), 3 Cipher(a),
 *              4 Cipher(a, b), 5 KeyAgreement(a), 6 Checksum(a), 7 MessageDigest(a),
 *              8 InitializedMessageDigest(a), 9 RandomData(a); args a, b, c
 *   21 INIT    P1 object, P2 key slot; args mode [ivOff ivLen [adLen msgLen tagLen]];
 *              Checksum: args off, len; KeyAgreement: the key only
 *   22 UPDATE  P1 object; args inOff, inLen, outOff -> u16; P2 1: AEAD updateAAD(inOff, inLen)
 *   23 FINAL   P1 object; args inOff, inLen, outOff -> u16 (sign / doFinal / generateSecret /
 *              RandomData.nextBytes(outOff, inLen)); P2 1: signPreComputedHash
 *   24 VERIFY  P1 object; args inOff, inLen, sigOff, sigLen -> 1 byte
 *   25 TAG     P1 object; P2 0 retrieveTag(off, len) -> u16; P2 1 verifyTag(off, len, req) -> 1
 *   26 INFO    P1 object; P2 0 getLength -> u16, 1 getAlgorithm -> 1 byte, 2 setInitialDigest,
 *              3 MessageDigest.reset, 4 InitializedMessageDigest.setInitialDigest or
 *              Signature.setInitialDigest (io, args stateOff, stateLen, io, lenOff, lenLen)
 *   30 TXSIGN  P1 EC private key slot, P2 Signature object; args sOff, sLen, inOff, inLen,
 *              outOff, end: in one transaction (JCRE §7: it cannot outlive the APDU) sign
 *              io[inOff, +inLen) to io[outOff], setS(io, sOff, sLen), init and sign again to
 *              io[outOff + 160], then abortTransaction (end 0) or commitTransaction (end 1)
 *              -> u16 length of each signature
 *   31 DROP    P2 0 JCSystem.requestObjectDeletion; 1 keys[P1] = null; 2 objs[P1] = null;
 *              3 park objs[P1] and keys[P1] in a static array (they outlive the applet
 *              instance: package deletion frees them); 4 clear the static array
 *              (tests/test_jc_crypto_gc.c)
 */
package seam.sec;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.Checksum;
import javacard.security.CryptoException;
import javacard.security.DESKey;
import javacard.security.ECKey;
import javacard.security.ECPrivateKey;
import javacard.security.ECPublicKey;
import javacard.security.HMACKey;
import javacard.security.InitializedMessageDigest;
import javacard.security.Key;
import javacard.security.KeyAgreement;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.MessageDigest;
import javacard.security.PrivateKey;
import javacard.security.PublicKey;
import javacard.security.RSAPrivateCrtKey;
import javacard.security.RSAPrivateKey;
import javacard.security.RSAPublicKey;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.crypto.AEADCipher;
import javacardx.crypto.Cipher;

public class Harness extends Applet {
    private static final short IO_LEN = 2400;

    private static Object[] parked;

    private final byte[] io;
    private final Object[] keys;
    private final Object[] objs;

    Harness() {
        io = JCSystem.makeTransientByteArray(IO_LEN, JCSystem.CLEAR_ON_DESELECT);
        keys = new Object[8];
        objs = new Object[8];
    }

    public static void install(byte[] b, short o, byte l) {
        new Harness().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_CLA] != (byte) 0x80) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        short n;
        try {
            n = run(apdu, buf);
        } catch (CryptoException e) {
            ISOException.throwIt((short) (0x6B00 | e.getReason()));
            return;
        } catch (ArrayIndexOutOfBoundsException e) {
            ISOException.throwIt((short) 0x6B10);
            return;
        } catch (NullPointerException e) {
            ISOException.throwIt((short) 0x6B11);
            return;
        } catch (SecurityException e) {
            ISOException.throwIt((short) 0x6B12);
            return;
        } catch (ClassCastException e) {
            ISOException.throwIt((short) 0x6B13);
            return;
        } catch (RuntimeException e) {
            ISOException.throwIt((short) 0x6B14);
            return;
        }
        if (n > 0) {
            apdu.setOutgoingAndSend((short) 0, n);
        }
    }

    private static short arg(byte[] buf, short i) {
        return Util.getShort(buf, (short) (ISO7816.OFFSET_CDATA + 2 * i));
    }

    private static short ret(byte[] buf, short v) {
        Util.setShort(buf, (short) 0, v);
        return 2;
    }

    private static short ret1(byte[] buf, boolean v) {
        buf[0] = v ? (byte) 1 : (byte) 0;
        return 1;
    }

    private Key key(byte slot) {
        return (Key) keys[slot];
    }

    private short run(APDU apdu, byte[] buf) {
        short len = apdu.setIncomingAndReceive();
        byte p1 = buf[ISO7816.OFFSET_P1];
        byte p2 = buf[ISO7816.OFFSET_P2];
        short a0 = len >= 2 ? arg(buf, (short) 0) : 0;
        short a1 = len >= 4 ? arg(buf, (short) 1) : 0;
        short a2 = len >= 6 ? arg(buf, (short) 2) : 0;
        short a3 = len >= 8 ? arg(buf, (short) 3) : 0;
        short a4 = len >= 10 ? arg(buf, (short) 4) : 0;
        short a5 = len >= 12 ? arg(buf, (short) 5) : 0;
        short p12 = Util.getShort(buf, ISO7816.OFFSET_P1);
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x01:
                Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_CDATA, io, p12, len);
                return 0;
            case 0x02:
                Util.arrayCopyNonAtomic(io, p12, buf, (short) 0, a0);
                return a0;
            case 0x10:
                if (p2 == 1) {
                    keys[p1] = KeyBuilder.buildKey((byte) a0, (byte) a1, a2, false);
                } else {
                    keys[p1] = KeyBuilder.buildKey((byte) a0, a1, false);
                }
                return 0;
            case 0x11:
                setComp(key(p1), p2, a0, a1);
                return 0;
            case 0x12:
                return ret(buf, getComp(key(p1), p2, a0));
            case 0x13: {
                KeyPair kp;
                if (p1 == 0) {
                    kp = new KeyPair((PublicKey) keys[a1], (PrivateKey) keys[a2]);
                } else {
                    kp = new KeyPair(p1, a0);
                }
                if (p2 == 0) {
                    kp.genKeyPair();
                }
                keys[a1] = kp.getPublic();
                keys[a2] = kp.getPrivate();
                return 0;
            }
            case 0x14:
                if (p2 == 0) {
                    return ret1(buf, key(p1).isInitialized());
                } else if (p2 == 1) {
                    key(p1).clearKey();
                    return 0;
                }
                return ret(buf, key(p1).getSize());
            case 0x15:
                ((ECKey) keys[p1]).copyDomainParametersFrom((ECKey) keys[p2]);
                return 0;
            case 0x20:
                objs[p1] = newObject(p2, (byte) a0, (byte) a1, (byte) a2);
                return 0;
            case 0x21:
                init(objs[p1], p2, len, a0, a1, a2, a3, a4, a5);
                return 0;
            case 0x22:
                return ret(buf, update(objs[p1], p2, a0, a1, a2));
            case 0x23:
                return ret(buf, doFinal(objs[p1], p2, a0, a1, a2));
            case 0x24:
                return ret1(buf, ((Signature) objs[p1]).verify(io, a0, a1, io, a2, a3));
            case 0x25:
                if (p2 == 0) {
                    return ret(buf, ((AEADCipher) objs[p1]).retrieveTag(io, a0, a1));
                }
                return ret1(buf, ((AEADCipher) objs[p1]).verifyTag(io, a0, a1, a2));
            case 0x26:
                return info(buf, objs[p1], p2);
            case 0x30:
                return txSign(buf, p1, (Signature) objs[p2], a0, a1, a2, a3, a4, a5);
            case 0x31:
                drop(p1, p2);
                return 0;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        return 0;
    }

    private void drop(byte slot, byte what) {
        switch (what) {
            case 0:
                JCSystem.requestObjectDeletion();
                return;
            case 1:
                keys[slot] = null;
                return;
            case 2:
                objs[slot] = null;
                return;
            case 3:
                if (parked == null) {
                    parked = new Object[16];
                }
                parked[(short) (2 * slot)] = objs[slot];
                parked[(short) (2 * slot + 1)] = keys[slot];
                return;
            default:
                parked = null;
        }
    }

    private short txSign(byte[] buf, byte slot, Signature sig, short sOff, short sLen,
            short in, short inLen, short out, short end) {
        JCSystem.beginTransaction();
        sig.init(key(slot), Signature.MODE_SIGN);
        short n1 = sig.sign(io, in, inLen, io, out);
        ((ECPrivateKey) keys[slot]).setS(io, sOff, sLen);
        sig.init(key(slot), Signature.MODE_SIGN);
        short n2 = sig.sign(io, in, inLen, io, (short) (out + 160));
        if (end == 0) {
            JCSystem.abortTransaction();
        } else {
            JCSystem.commitTransaction();
        }
        Util.setShort(buf, (short) 0, n1);
        Util.setShort(buf, (short) 2, n2);
        return 4;
    }

    private Object newObject(byte kind, byte a, byte b, byte c) {
        switch (kind) {
            case 1:
                return Signature.getInstance(a, false);
            case 2:
                return Signature.getInstance(a, b, c, false);
            case 3:
                return Cipher.getInstance(a, false);
            case 4:
                return Cipher.getInstance(a, b, false);
            case 5:
                return KeyAgreement.getInstance(a, false);
            case 6:
                return Checksum.getInstance(a, false);
            case 7:
                return MessageDigest.getInstance(a, false);
            case 8:
                return MessageDigest.getInitializedMessageDigestInstance(a, false);
            case 9:
                return RandomData.getInstance(a);
            default:
                ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        return null;
    }

    private void init(Object o, byte slot, short len, short a0, short a1, short a2, short a3,
            short a4, short a5) {
        if (o instanceof Checksum) {
            ((Checksum) o).init(io, a0, a1);
        } else if (o instanceof KeyAgreement) {
            ((KeyAgreement) o).init((PrivateKey) keys[slot]);
        } else if (o instanceof Signature) {
            if (len >= 6) {
                ((Signature) o).init(key(slot), (byte) a0, io, a1, a2);
            } else {
                ((Signature) o).init(key(slot), (byte) a0);
            }
        } else if (o instanceof AEADCipher && len >= 12) {
            ((AEADCipher) o).init(key(slot), (byte) a0, io, a1, a2, a3, a4, a5);
        } else if (len >= 6) {
            ((Cipher) o).init(key(slot), (byte) a0, io, a1, a2);
        } else {
            ((Cipher) o).init(key(slot), (byte) a0);
        }
    }

    private short update(Object o, byte p2, short in, short inLen, short out) {
        if (o instanceof Signature) {
            ((Signature) o).update(io, in, inLen);
        } else if (o instanceof MessageDigest) {
            ((MessageDigest) o).update(io, in, inLen);
        } else if (o instanceof Checksum) {
            ((Checksum) o).update(io, in, inLen);
        } else if (p2 == 1) {
            ((AEADCipher) o).updateAAD(io, in, inLen);
        } else {
            return ((Cipher) o).update(io, in, inLen, io, out);
        }
        return 0;
    }

    private short doFinal(Object o, byte p2, short in, short inLen, short out) {
        if (o instanceof Signature) {
            if (p2 == 1) {
                return ((Signature) o).signPreComputedHash(io, in, inLen, io, out);
            }
            return ((Signature) o).sign(io, in, inLen, io, out);
        } else if (o instanceof MessageDigest) {
            return ((MessageDigest) o).doFinal(io, in, inLen, io, out);
        } else if (o instanceof Checksum) {
            return ((Checksum) o).doFinal(io, in, inLen, io, out);
        } else if (o instanceof KeyAgreement) {
            return ((KeyAgreement) o).generateSecret(io, in, inLen, io, out);
        } else if (o instanceof RandomData) {
            ((RandomData) o).nextBytes(io, out, inLen);
            return inLen;
        }
        return ((Cipher) o).doFinal(io, in, inLen, io, out);
    }

    private short info(byte[] buf, Object o, byte p2) {
        if (o instanceof Signature) {
            Signature s = (Signature) o;
            if (p2 == 0) {
                return ret(buf, s.getLength());
            } else if (p2 == 1) {
                buf[0] = s.getAlgorithm();
                return 1;
            }
            if (p2 == 4) {
                s.setInitialDigest(io, arg(buf, (short) 0), arg(buf, (short) 1), io,
                        arg(buf, (short) 2), arg(buf, (short) 3));
                return 0;
            }
            s.setInitialDigest(io, (short) 0, (short) 32, io, (short) 32, (short) 8);
            return 0;
        }
        if (o instanceof MessageDigest) {
            MessageDigest md = (MessageDigest) o;
            if (p2 == 0) {
                return ret(buf, md.getLength());
            } else if (p2 == 1) {
                buf[0] = md.getAlgorithm();
                return 1;
            } else if (p2 == 2) {
                ((InitializedMessageDigest) md).setInitialDigest(io, (short) 0, (short) 32, io,
                        (short) 32, (short) 8);
                return 0;
            } else if (p2 == 4) {
                ((InitializedMessageDigest) md).setInitialDigest(io, arg(buf, (short) 0),
                        arg(buf, (short) 1), io, arg(buf, (short) 2), arg(buf, (short) 3));
                return 0;
            }
            md.reset();
            return 0;
        }
        if (o instanceof Cipher) {
            Cipher c = (Cipher) o;
            buf[0] = c.getAlgorithm();
            buf[1] = c.getCipherAlgorithm();
            buf[2] = c.getPaddingAlgorithm();
            return 3;
        }
        ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        return 0;
    }

    private void setComp(Key k, byte c, short off, short len) {
        if (k instanceof ECKey) {
            ECKey e = (ECKey) k;
            switch (c) {
                case 0: e.setFieldFP(io, off, len); return;
                case 1: e.setA(io, off, len); return;
                case 2: e.setB(io, off, len); return;
                case 3: e.setG(io, off, len); return;
                case 4: e.setR(io, off, len); return;
                case 5: e.setK(off); return;
                default: break;
            }
            if (k instanceof ECPublicKey) {
                ((ECPublicKey) k).setW(io, off, len);
            } else {
                ((ECPrivateKey) k).setS(io, off, len);
            }
        } else if (k instanceof RSAPublicKey) {
            if (c == 0) {
                ((RSAPublicKey) k).setModulus(io, off, len);
            } else {
                ((RSAPublicKey) k).setExponent(io, off, len);
            }
        } else if (k instanceof RSAPrivateKey) {
            if (c == 0) {
                ((RSAPrivateKey) k).setModulus(io, off, len);
            } else {
                ((RSAPrivateKey) k).setExponent(io, off, len);
            }
        } else if (k instanceof RSAPrivateCrtKey) {
            RSAPrivateCrtKey r = (RSAPrivateCrtKey) k;
            switch (c) {
                case 0: r.setP(io, off, len); break;
                case 1: r.setQ(io, off, len); break;
                case 2: r.setDP1(io, off, len); break;
                case 3: r.setDQ1(io, off, len); break;
                default: r.setPQ(io, off, len); break;
            }
        } else if (k instanceof AESKey) {
            ((AESKey) k).setKey(io, off);
        } else if (k instanceof DESKey) {
            ((DESKey) k).setKey(io, off);
        } else {
            ((HMACKey) k).setKey(io, off, len);
        }
    }

    private short getComp(Key k, byte c, short off) {
        if (k instanceof ECKey) {
            ECKey e = (ECKey) k;
            switch (c) {
                case 0: return e.getField(io, off);
                case 1: return e.getA(io, off);
                case 2: return e.getB(io, off);
                case 3: return e.getG(io, off);
                case 4: return e.getR(io, off);
                case 5: return e.getK();
                default: break;
            }
            if (k instanceof ECPublicKey) {
                return ((ECPublicKey) k).getW(io, off);
            }
            return ((ECPrivateKey) k).getS(io, off);
        } else if (k instanceof RSAPublicKey) {
            if (c == 0) {
                return ((RSAPublicKey) k).getModulus(io, off);
            }
            return ((RSAPublicKey) k).getExponent(io, off);
        } else if (k instanceof RSAPrivateKey) {
            if (c == 0) {
                return ((RSAPrivateKey) k).getModulus(io, off);
            }
            return ((RSAPrivateKey) k).getExponent(io, off);
        } else if (k instanceof RSAPrivateCrtKey) {
            RSAPrivateCrtKey r = (RSAPrivateCrtKey) k;
            switch (c) {
                case 0: return r.getP(io, off);
                case 1: return r.getQ(io, off);
                case 2: return r.getDP1(io, off);
                case 3: return r.getDQ1(io, off);
                default: return r.getPQ(io, off);
            }
        } else if (k instanceof AESKey) {
            return ((AESKey) k).getKey(io, off);
        } else if (k instanceof DESKey) {
            return ((DESKey) k).getKey(io, off);
        }
        return ((HMACKey) k).getKey(io, off);
    }
}
