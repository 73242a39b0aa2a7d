/*
 * The applet of bench/bench_jccrypto.c: one Java Card security API operation per APDU, as an
 * applet does it (the object initialized with its key, the data from the APDU buffer, the
 * result sent back). Keys: an EC P-256 pair generated at install (KeyPair default parameters)
 * and a fixed AES-128 key.
 *   INS 01 ECDSA-SHA-256 signature of the data (DER)
 *   INS 02 ECDH (ALG_EC_SVDP_DH_PLAIN) with the peer point in the data: the 32-byte secret
 *   INS 03 AES-128-CBC (no padding, zero IV) encryption of the data
 *   INS 04 SHA-256 of the data
 *   INS 05 the public key W (65 bytes), for the host's side of ECDH
 *   INS 06 ECDSA-SHA-256 verification with the public key: data = 32-byte message || DER
 *          signature; SW_DATA_INVALID when it does not verify
 */
package seam.benchc;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.security.AESKey;
import javacard.security.ECPrivateKey;
import javacard.security.ECPublicKey;
import javacard.security.KeyAgreement;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.MessageDigest;
import javacard.security.Signature;
import javacardx.crypto.Cipher;

public class CryptoBench extends Applet {
    private final KeyPair kp;
    private final AESKey aes;
    private final Signature ecdsa;
    private final Signature ecdsaVerify;
    private final KeyAgreement ka;
    private final Cipher cbc;
    private final MessageDigest sha;

    CryptoBench() {
        kp = new KeyPair(KeyPair.ALG_EC_FP, KeyBuilder.LENGTH_EC_FP_256);
        kp.genKeyPair();
        aes = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        byte[] k = new byte[16];
        for (short i = 0; i < 16; i++) {
            k[i] = (byte) (0x40 + i);
        }
        aes.setKey(k, (short) 0);
        ecdsa = Signature.getInstance(Signature.ALG_ECDSA_SHA_256, false);
        ecdsaVerify = Signature.getInstance(Signature.ALG_ECDSA_SHA_256, false);
        ka = KeyAgreement.getInstance(KeyAgreement.ALG_EC_SVDP_DH_PLAIN, false);
        cbc = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_CBC_NOPAD, false);
        sha = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
    }

    public static void install(byte[] b, short o, byte l) {
        new CryptoBench().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        short len = apdu.setIncomingAndReceive();
        short d = ISO7816.OFFSET_CDATA;
        short n;
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x01:
                ecdsa.init(kp.getPrivate(), Signature.MODE_SIGN);
                n = ecdsa.sign(buf, d, len, buf, (short) 0);
                break;
            case 0x02:
                ka.init((ECPrivateKey) kp.getPrivate());
                n = ka.generateSecret(buf, d, len, buf, (short) 0);
                break;
            case 0x03:
                cbc.init(aes, Cipher.MODE_ENCRYPT);
                n = cbc.doFinal(buf, d, len, buf, (short) 0);
                break;
            case 0x04:
                n = sha.doFinal(buf, d, len, buf, (short) 0);
                break;
            case 0x06:
                ecdsaVerify.init(kp.getPublic(), Signature.MODE_VERIFY);
                if (len <= 32 || !ecdsaVerify.verify(buf, d, (short) 32, buf, (short) (d + 32),
                        (short) (len - 32))) {
                    ISOException.throwIt(ISO7816.SW_DATA_INVALID);
                }
                n = 0;
                break;
            case 0x05:
                n = ((ECPublicKey) kp.getPublic()).getW(buf, (short) 0);
                break;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
                return;
        }
        apdu.setOutgoingAndSend((short) 0, n);
    }
}
