/*
 * Test applet of tests/test_jc_crypto.c: drives javacard.security and javacardx.crypto through
 * APDUs (CLA 0x80). Exceptions become status words: CryptoException reason r -> 0x6B00 | r,
 * ArrayIndexOutOfBoundsException 0x6B10, NullPointerException 0x6B11, SecurityException 0x6B12.
 * INS: 10 SHA-256 (P1 0 one shot, 1 update in two halves), 11 MessageDigest.getInstance(P1),
 * 12 digest with algorithm P1 (a new object, garbage afterwards),
 * 20 AES set key (P1: 0 persistent, 1 CLEAR_ON_RESET, 2 CLEAR_ON_DESELECT), 21 AES encrypt /
 * 22 decrypt (P1 0 ECB, 1 CBC with the IV in the first 16 bytes, 2 CBC ISO9797 M2; P2 1: in
 * two update calls), 23 AES-CMAC, 24 AES-MAC NOPAD, 25 getKey, 26 clearKey + isInitialized,
 * 30 genKeyPair P-256 (returns W), 31 ECDSA-SHA256 sign, 32 verify (data: u1 siglen, sig, msg),
 * 33 ECDH plain (data: peer W), 34 set S and the P-256 domain of the private key, 35 set W,
 * 36 sign precomputed hash with ALG_NULL + SIG_CIPHER_ECDSA, 37 get W,
 * 40 random bytes (P2 count), 50 negative cases (P1), 51 publish the AES key for the intruder.
 */
package seam.sec;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.CryptoException;
import javacard.security.ECPrivateKey;
import javacard.security.ECPublicKey;
import javacard.security.HMACKey;
import javacard.security.Key;
import javacard.security.KeyAgreement;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.MessageDigest;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.crypto.Cipher;

public class CryptoTest extends Applet {
    public static AESKey leak;

    private final MessageDigest sha;
    private AESKey aes;
    private final Cipher ecb, cbc, cbcM2;
    private final Signature cmac, aesMac, ecdsa, ecdsaRaw;
    private final KeyPair kp;
    private final KeyAgreement ka;
    private final RandomData rnd;
    private final byte[] tmp;

    CryptoTest() {
        sha = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        aes = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        ecb = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        cbc = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_CBC_NOPAD, false);
        cbcM2 = Cipher.getInstance(Cipher.ALG_AES_CBC_ISO9797_M2, false);
        cmac = Signature.getInstance(Signature.ALG_AES_CMAC_128, false);
        aesMac = Signature.getInstance(Signature.ALG_AES_MAC_128_NOPAD, false);
        ecdsa = Signature.getInstance(Signature.ALG_ECDSA_SHA_256, false);
        ecdsaRaw = Signature.getInstance(MessageDigest.ALG_NULL, Signature.SIG_CIPHER_ECDSA,
                Cipher.PAD_NULL, false);
        kp = new KeyPair(KeyPair.ALG_EC_FP, KeyBuilder.LENGTH_EC_FP_256);
        ka = KeyAgreement.getInstance(KeyAgreement.ALG_EC_SVDP_DH_PLAIN, false);
        rnd = RandomData.getInstance(RandomData.ALG_KEYGENERATION);
        tmp = new byte[300];
    }

    public static void install(byte[] b, short o, byte l) {
        new CryptoTest().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_CLA] != (byte) 0x80) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        try {
            run(apdu, buf);
        } catch (CryptoException e) {
            ISOException.throwIt((short) (0x6B00 | e.getReason()));
        } catch (ArrayIndexOutOfBoundsException e) {
            ISOException.throwIt((short) 0x6B10);
        } catch (NullPointerException e) {
            ISOException.throwIt((short) 0x6B11);
        } catch (SecurityException e) {
            ISOException.throwIt((short) 0x6B12);
        }
    }

    private void run(APDU apdu, byte[] buf) {
        short len = apdu.setIncomingAndReceive();
        short d = ISO7816.OFFSET_CDATA;
        byte p1 = buf[ISO7816.OFFSET_P1];
        byte p2 = buf[ISO7816.OFFSET_P2];
        short n = 0;
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x10:
                if (p1 == 1) {
                    short h = (short) (len / 2);
                    sha.update(buf, d, h);
                    n = sha.doFinal(buf, (short) (d + h), (short) (len - h), tmp, (short) 0);
                } else {
                    n = sha.doFinal(buf, d, len, tmp, (short) 0);
                }
                break;
            case 0x11:
                MessageDigest.getInstance(p1, false);
                break;
            case 0x12: {
                MessageDigest md = MessageDigest.getInstance(p1, false);
                n = md.doFinal(buf, d, len, tmp, (short) 0);
                if (n != md.getLength()) {
                    ISOException.throwIt((short) 0x6F02);
                }
                break;
            }
            case 0x20:
                byte t = KeyBuilder.TYPE_AES;
                if (p1 == 1) {
                    t = KeyBuilder.TYPE_AES_TRANSIENT_RESET;
                } else if (p1 == 2) {
                    t = KeyBuilder.TYPE_AES_TRANSIENT_DESELECT;
                }
                aes = (AESKey) KeyBuilder.buildKey(t, (short) (len * 8), false);
                aes.setKey(buf, d);
                break;
            case 0x21:
            case 0x22:
                n = aesCrypt(buf, d, len, p1, p2, buf[ISO7816.OFFSET_INS] == 0x21);
                break;
            case 0x23:
                cmac.init(aes, Signature.MODE_SIGN);
                n = cmac.sign(buf, d, len, tmp, (short) 0);
                cmac.init(aes, Signature.MODE_VERIFY);
                if (!cmac.verify(buf, d, len, tmp, (short) 0, n)) {
                    ISOException.throwIt((short) 0x6F01);
                }
                break;
            case 0x24:
                aesMac.init(aes, Signature.MODE_SIGN);
                n = aesMac.sign(buf, d, len, tmp, (short) 0);
                break;
            case 0x25:
                n = aes.getKey(tmp, (short) 0);
                break;
            case 0x26:
                aes.clearKey();
                tmp[0] = 0;
                if (aes.isInitialized()) {
                    tmp[0] = 1;
                }
                n = 1;
                break;
            case 0x30:
                kp.genKeyPair();
                n = ((ECPublicKey) kp.getPublic()).getW(tmp, (short) 0);
                break;
            case 0x31:
                ecdsa.init(kp.getPrivate(), Signature.MODE_SIGN);
                n = ecdsa.sign(buf, d, len, tmp, (short) 0);
                break;
            case 0x32: {
                short sl = (short) (buf[d] & 0xFF);
                ecdsa.init(kp.getPublic(), Signature.MODE_VERIFY);
                tmp[0] = 0;
                if (ecdsa.verify(buf, (short) (d + 1 + sl), (short) (len - 1 - sl), buf,
                        (short) (d + 1), sl)) {
                    tmp[0] = 1;
                }
                n = 1;
                break;
            }
            case 0x33:
                ka.init((ECPrivateKey) kp.getPrivate());
                n = ka.generateSecret(buf, d, len, tmp, (short) 0);
                break;
            case 0x34: {
                ECPrivateKey s = (ECPrivateKey) kp.getPrivate();
                s.setFieldFP(P256.P, (short) 0, (short) 32);
                s.setA(P256.A, (short) 0, (short) 32);
                s.setB(P256.B, (short) 0, (short) 32);
                s.setG(P256.G, (short) 0, (short) 65);
                s.setR(P256.N, (short) 0, (short) 32);
                s.setK((short) 1);
                s.setS(buf, d, len);
                ((ECPublicKey) kp.getPublic()).copyDomainParametersFrom(s);
                break;
            }
            case 0x35:
                ((ECPublicKey) kp.getPublic()).setW(buf, d, len);
                break;
            case 0x36:
                ecdsaRaw.init(kp.getPrivate(), Signature.MODE_SIGN);
                n = ecdsaRaw.signPreComputedHash(buf, d, len, tmp, (short) 0);
                break;
            case 0x37:
                n = ((ECPublicKey) kp.getPublic()).getW(tmp, (short) 0);
                break;
            case 0x40:
                n = (short) (p2 & 0xFF);
                rnd.nextBytes(tmp, (short) 0, n);
                break;
            case 0x50:
                negative(buf, p1);
                break;
            case 0x51:
                leak = aes;
                break;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        Util.arrayCopyNonAtomic(tmp, (short) 0, buf, (short) 0, n);
        apdu.setOutgoingAndSend((short) 0, n);
    }

    private short aesCrypt(byte[] buf, short d, short len, byte p1, byte p2, boolean enc) {
        byte mode = Cipher.MODE_DECRYPT;
        if (enc) {
            mode = Cipher.MODE_ENCRYPT;
        }
        Cipher c = cbcM2;
        if (p1 == 0) {
            c = ecb;
        } else if (p1 == 1) {
            c = cbc;
        }
        if (p1 == 0) {
            c.init(aes, mode);
        } else {
            c.init(aes, mode, buf, d, (short) 16);
            d += 16;
            len -= 16;
        }
        if (p2 == 1) {
            short h = (short) (len / 2 + 3);
            short o = c.update(buf, d, h, tmp, (short) 0);
            return (short) (o + c.doFinal(buf, (short) (d + h), (short) (len - h), tmp, o));
        }
        return c.doFinal(buf, d, len, tmp, (short) 0);
    }

    private void negative(byte[] buf, byte p1) {
        switch (p1) {
            case 1: /* setKey past the end of the array */
                aes.setKey(tmp, (short) 290);
                break;
            case 2: { /* getKey of an uninitialized key */
                AESKey k = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES,
                        KeyBuilder.LENGTH_AES_256, false);
                k.getKey(tmp, (short) 0);
                break;
            }
            case 3: { /* Cipher.init with an uninitialized key */
                AESKey k = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES,
                        KeyBuilder.LENGTH_AES_128, false);
                ecb.init(k, Cipher.MODE_ENCRYPT);
                break;
            }
            case 4: /* an AES key of 100 bits */
                KeyBuilder.buildKey(KeyBuilder.TYPE_AES, (short) 100, false);
                break;
            case 5: /* DSA is not supported */
                Signature.getInstance(Signature.ALG_DSA_SHA, false);
                break;
            case 6: /* doFinal into a negative output offset */
                ecb.init(aes, Cipher.MODE_ENCRYPT);
                ecb.doFinal(tmp, (short) 0, (short) 16, tmp, (short) -1);
                break;
            case 7: /* input range beyond the array */
                ecb.init(aes, Cipher.MODE_ENCRYPT);
                ecb.doFinal(tmp, (short) 200, (short) 112, tmp, (short) 0);
                break;
            case 8: /* sign on an object initialized for verify */
                cmac.init(aes, Signature.MODE_VERIFY);
                cmac.sign(tmp, (short) 0, (short) 16, tmp, (short) 0);
                break;
            case 9: /* 15 bytes for ECB without padding */
                ecb.init(aes, Cipher.MODE_ENCRYPT);
                ecb.doFinal(tmp, (short) 0, (short) 15, tmp, (short) 0);
                break;
            case 10: /* output too short: 32 bytes at 290 of 300 */
                ecb.init(aes, Cipher.MODE_ENCRYPT);
                ecb.doFinal(tmp, (short) 0, (short) 32, tmp, (short) 290);
                break;
            case 11: /* null input */
                sha.doFinal(null, (short) 0, (short) 1, tmp, (short) 0);
                break;
            case 12: /* a negative length */
                sha.update(tmp, (short) 0, (short) -1);
                break;
            case 13: /* Cipher.init with an EC key */
                ecb.init(kp.getPrivate(), Cipher.MODE_ENCRYPT);
                break;
            case 14: /* EC private value longer than the field */
                tmp[0] = 0x55;
                ((ECPrivateKey) kp.getPrivate()).setS(tmp, (short) 0, (short) 33);
                break;
            case 15: /* unsupported cipher */
                Cipher.getInstance(Cipher.ALG_RSA_ISO14888, false);
                break;
            case 16: { /* HMAC keys: unsupported key length */
                HMACKey h = (HMACKey) KeyBuilder.buildKey(KeyBuilder.TYPE_HMAC, (short) 0, false);
                h.getSize();
                break;
            }
            case 17: /* Cipher IV of the wrong length */
                cbc.init(aes, Cipher.MODE_ENCRYPT, tmp, (short) 0, (short) 8);
                break;
            case 18: { /* a transient key in install context is fine; KeyBuilder type unknown */
                Key k = KeyBuilder.buildKey((byte) 99, (short) 128, false);
                k.getSize();
                break;
            }
            case 19: /* verify signature range beyond the array */
                cmac.init(aes, Signature.MODE_VERIFY);
                cmac.verify(tmp, (short) 0, (short) 16, tmp, (short) 299, (short) 16);
                break;
            case 20: /* random into a range beyond the array */
                rnd.nextBytes(tmp, (short) 250, (short) 51);
                break;
            default:
                break;
        }
    }
}
