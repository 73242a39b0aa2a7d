/*
 * javacardx.crypto.AEADCipher (Java Card 3.0.5 Classic): authenticated encryption (AES-GCM,
 * NIST SP 800-38D; AES-CCM, RFC 3610).
 */
package javacardx.crypto;

import javacard.security.CryptoException;
import javacard.security.Key;

/** Base class of AEAD ciphers. */
public abstract class AEADCipher extends Cipher {
    public static final byte CIPHER_AES_GCM = -15;
    public static final byte CIPHER_AES_CCM = -14;
    public static final byte ALG_AES_GCM = -13;
    public static final byte ALG_AES_CCM = -12;

    protected AEADCipher() {
    }

    public abstract void init(Key theKey, byte theMode, byte[] nonceBuf, short nonceOff,
            short nonceLen, short adataLen, short messageLen, short tagSize)
            throws CryptoException;

    public abstract void updateAAD(byte[] aadBuf, short aadOff, short aadLen)
            throws CryptoException;

    public abstract short retrieveTag(byte[] tagBuf, short tagOff, short tagLen)
            throws CryptoException;

    public abstract boolean verifyTag(byte[] receivedTagBuf, short receivedTagOff,
            short receivedTagLen, short requiredTagLen) throws CryptoException;
}
