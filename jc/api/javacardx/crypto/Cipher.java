/*
 * javacardx.crypto.Cipher (Java Card 3.0.5 Classic): symmetric and RSA ciphers. getInstance
 * returns a CipherImpl or, for ALG_AES_GCM / ALG_AES_CCM, an AEADCipherImpl (natives in
 * src/se/jcapi/cipher.c); an unsupported algorithm throws CryptoException NO_SUCH_ALGORITHM.
 */
package javacardx.crypto;

import javacard.security.CryptoException;
import javacard.security.Key;

/** Base class of cipher algorithms. */
public abstract class Cipher {
    public static final byte ALG_DES_CBC_NOPAD = 1;
    public static final byte ALG_DES_CBC_ISO9797_M1 = 2;
    public static final byte ALG_DES_CBC_ISO9797_M2 = 3;
    public static final byte ALG_DES_CBC_PKCS5 = 4;
    public static final byte ALG_DES_ECB_NOPAD = 5;
    public static final byte ALG_DES_ECB_ISO9797_M1 = 6;
    public static final byte ALG_DES_ECB_ISO9797_M2 = 7;
    public static final byte ALG_DES_ECB_PKCS5 = 8;
    public static final byte ALG_RSA_ISO14888 = 9;
    public static final byte ALG_RSA_PKCS1 = 10;
    public static final byte ALG_RSA_ISO9796 = 11;
    public static final byte ALG_RSA_NOPAD = 12;
    public static final byte ALG_AES_BLOCK_128_CBC_NOPAD = 13;
    public static final byte ALG_AES_BLOCK_128_ECB_NOPAD = 14;
    public static final byte ALG_RSA_PKCS1_OAEP = 15;
    public static final byte ALG_KOREAN_SEED_ECB_NOPAD = 16;
    public static final byte ALG_KOREAN_SEED_CBC_NOPAD = 17;
    public static final byte ALG_AES_BLOCK_192_CBC_NOPAD = 18;
    public static final byte ALG_AES_BLOCK_192_ECB_NOPAD = 19;
    public static final byte ALG_AES_BLOCK_256_CBC_NOPAD = 20;
    public static final byte ALG_AES_BLOCK_256_ECB_NOPAD = 21;
    public static final byte ALG_AES_CBC_ISO9797_M1 = 22;
    public static final byte ALG_AES_CBC_ISO9797_M2 = 23;
    public static final byte ALG_AES_CBC_PKCS5 = 24;
    public static final byte ALG_AES_ECB_ISO9797_M1 = 25;
    public static final byte ALG_AES_ECB_ISO9797_M2 = 26;
    public static final byte ALG_AES_ECB_PKCS5 = 27;
    public static final byte ALG_AES_CTR = -16;

    public static final byte CIPHER_AES_CBC = 1;
    public static final byte CIPHER_AES_ECB = 2;
    public static final byte CIPHER_DES_CBC = 3;
    public static final byte CIPHER_DES_ECB = 4;
    public static final byte CIPHER_KOREAN_SEED_CBC = 5;
    public static final byte CIPHER_KOREAN_SEED_ECB = 6;
    public static final byte CIPHER_RSA = 7;

    public static final byte PAD_NULL = 0;
    public static final byte PAD_NOPAD = 1;
    public static final byte PAD_ISO9797_M1 = 2;
    public static final byte PAD_ISO9797_M2 = 3;
    public static final byte PAD_ISO9797_1_M1_ALG3 = 4;
    public static final byte PAD_ISO9797_1_M2_ALG3 = 5;
    public static final byte PAD_PKCS5 = 6;
    public static final byte PAD_PKCS1 = 7;
    public static final byte PAD_PKCS1_PSS = 8;
    public static final byte PAD_PKCS1_OAEP = 9;
    public static final byte PAD_ISO9796 = 10;
    public static final byte PAD_ISO9796_MR = 11;
    public static final byte PAD_RFC2409 = 12;

    public static final byte MODE_DECRYPT = 1;
    public static final byte MODE_ENCRYPT = 2;

    protected Cipher() {
    }

    /** Creates a cipher object of the algorithm. */
    public static final Cipher getInstance(byte algorithm, boolean externalAccess)
            throws CryptoException {
        int algs = CipherImpl.resolve(algorithm, (byte) 0, (byte) 0);
        if (algorithm == AEADCipher.ALG_AES_GCM || algorithm == AEADCipher.ALG_AES_CCM) {
            return new AEADCipherImpl(algs);
        }
        return new CipherImpl(algs);
    }

    /** Creates a cipher object from a cipher and a padding algorithm. */
    public static final Cipher getInstance(byte cipherAlgorithm, byte paddingAlgorithm,
            boolean externalAccess) throws CryptoException {
        int algs = CipherImpl.resolve((byte) 0, cipherAlgorithm, paddingAlgorithm);
        if (cipherAlgorithm == AEADCipher.CIPHER_AES_GCM
                || cipherAlgorithm == AEADCipher.CIPHER_AES_CCM) {
            return new AEADCipherImpl(algs);
        }
        return new CipherImpl(algs);
    }

    public abstract void init(Key theKey, byte theMode) throws CryptoException;

    public abstract void init(Key theKey, byte theMode, byte[] bArray, short bOff, short bLen)
            throws CryptoException;

    public abstract byte getAlgorithm();

    public abstract byte getCipherAlgorithm();

    public abstract byte getPaddingAlgorithm();

    public abstract short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset) throws CryptoException;

    public abstract short update(byte[] inBuff, short inOffset, short inLength, byte[] outBuff,
            short outOffset) throws CryptoException;
}
