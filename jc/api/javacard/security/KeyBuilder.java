/*
 * javacard.security.KeyBuilder (Java Card 3.0.5 Classic): the key factory. Constant values are
 * the specification's. buildKey creates an instance of a package-private key class (KeyBase and
 * its subclasses) whose key material lives in a byte array owned by the caller's context:
 * persistent, or transient (CLEAR_ON_RESET / CLEAR_ON_DESELECT) for the TYPE_*_TRANSIENT_* types.
 */
package javacard.security;

import javacard.framework.JCSystem;

/** Key object factory. */
public class KeyBuilder {
    public static final byte TYPE_DES_TRANSIENT_RESET = 1;
    public static final byte TYPE_DES_TRANSIENT_DESELECT = 2;
    public static final byte TYPE_DES = 3;
    public static final byte TYPE_RSA_PUBLIC = 4;
    public static final byte TYPE_RSA_PRIVATE = 5;
    public static final byte TYPE_RSA_CRT_PRIVATE = 6;
    public static final byte TYPE_DSA_PUBLIC = 7;
    public static final byte TYPE_DSA_PRIVATE = 8;
    public static final byte TYPE_EC_F2M_PUBLIC = 9;
    public static final byte TYPE_EC_F2M_PRIVATE = 10;
    public static final byte TYPE_EC_FP_PUBLIC = 11;
    public static final byte TYPE_EC_FP_PRIVATE = 12;
    public static final byte TYPE_AES_TRANSIENT_RESET = 13;
    public static final byte TYPE_AES_TRANSIENT_DESELECT = 14;
    public static final byte TYPE_AES = 15;
    public static final byte TYPE_KOREAN_SEED_TRANSIENT_RESET = 16;
    public static final byte TYPE_KOREAN_SEED_TRANSIENT_DESELECT = 17;
    public static final byte TYPE_KOREAN_SEED = 18;
    public static final byte TYPE_HMAC_TRANSIENT_RESET = 19;
    public static final byte TYPE_HMAC_TRANSIENT_DESELECT = 20;
    public static final byte TYPE_HMAC = 21;
    public static final byte TYPE_RSA_PRIVATE_TRANSIENT_RESET = 22;
    public static final byte TYPE_RSA_PRIVATE_TRANSIENT_DESELECT = 23;
    public static final byte TYPE_RSA_CRT_PRIVATE_TRANSIENT_RESET = 24;
    public static final byte TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT = 25;
    public static final byte TYPE_DSA_PRIVATE_TRANSIENT_RESET = 26;
    public static final byte TYPE_DSA_PRIVATE_TRANSIENT_DESELECT = 27;
    public static final byte TYPE_EC_F2M_PRIVATE_TRANSIENT_RESET = 28;
    public static final byte TYPE_EC_F2M_PRIVATE_TRANSIENT_DESELECT = 29;
    public static final byte TYPE_EC_FP_PRIVATE_TRANSIENT_RESET = 30;
    public static final byte TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT = 31;

    public static final byte ALG_TYPE_DES = 1;
    public static final byte ALG_TYPE_AES = 2;
    public static final byte ALG_TYPE_DSA_PUBLIC = 3;
    public static final byte ALG_TYPE_DSA_PRIVATE = 4;
    public static final byte ALG_TYPE_EC_F2M_PUBLIC = 5;
    public static final byte ALG_TYPE_EC_F2M_PRIVATE = 6;
    public static final byte ALG_TYPE_EC_FP_PUBLIC = 7;
    public static final byte ALG_TYPE_EC_FP_PRIVATE = 8;
    public static final byte ALG_TYPE_HMAC = 9;
    public static final byte ALG_TYPE_KOREAN_SEED = 10;
    public static final byte ALG_TYPE_RSA_PUBLIC = 11;
    public static final byte ALG_TYPE_RSA_PRIVATE = 12;
    public static final byte ALG_TYPE_RSA_CRT_PRIVATE = 13;

    public static final short LENGTH_DES = 64;
    public static final short LENGTH_DES3_2KEY = 128;
    public static final short LENGTH_DES3_3KEY = 192;
    public static final short LENGTH_RSA_512 = 512;
    public static final short LENGTH_RSA_736 = 736;
    public static final short LENGTH_RSA_768 = 768;
    public static final short LENGTH_RSA_896 = 896;
    public static final short LENGTH_RSA_1024 = 1024;
    public static final short LENGTH_RSA_1280 = 1280;
    public static final short LENGTH_RSA_1536 = 1536;
    public static final short LENGTH_RSA_1984 = 1984;
    public static final short LENGTH_RSA_2048 = 2048;
    public static final short LENGTH_RSA_3072 = 3072;
    public static final short LENGTH_RSA_4096 = 4096;
    public static final short LENGTH_DSA_512 = 512;
    public static final short LENGTH_DSA_768 = 768;
    public static final short LENGTH_DSA_1024 = 1024;
    public static final short LENGTH_EC_FP_112 = 112;
    public static final short LENGTH_EC_F2M_113 = 113;
    public static final short LENGTH_EC_FP_128 = 128;
    public static final short LENGTH_EC_F2M_131 = 131;
    public static final short LENGTH_EC_FP_160 = 160;
    public static final short LENGTH_EC_F2M_163 = 163;
    public static final short LENGTH_EC_FP_192 = 192;
    public static final short LENGTH_EC_F2M_193 = 193;
    public static final short LENGTH_EC_FP_224 = 224;
    public static final short LENGTH_EC_FP_256 = 256;
    public static final short LENGTH_EC_FP_384 = 384;
    public static final short LENGTH_EC_FP_521 = 521;
    public static final short LENGTH_AES_128 = 128;
    public static final short LENGTH_AES_192 = 192;
    public static final short LENGTH_AES_256 = 256;
    public static final short LENGTH_KOREAN_SEED_128 = 128;
    public static final short LENGTH_HMAC_SHA_1_BLOCK_64 = 64;
    public static final short LENGTH_HMAC_SHA_256_BLOCK_64 = 64;
    public static final short LENGTH_HMAC_SHA_384_BLOCK_128 = 128;
    public static final short LENGTH_HMAC_SHA_512_BLOCK_128 = 128;

    KeyBuilder() {
    }

    /**
     * Creates an uninitialized key of the given type and size in bits. keyEncryption true is
     * not supported (CryptoException NO_SUCH_ALGORITHM), nor is any unsupported type or size.
     */
    public static Key buildKey(byte keyType, short keyLength, boolean keyEncryption)
            throws CryptoException {
        if (keyEncryption) {
            CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        switch (keyType) {
            case TYPE_AES:
                return new AESKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_AES_TRANSIENT_RESET:
                return new AESKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_AES_TRANSIENT_DESELECT:
                return new AESKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            case TYPE_DES:
                return new DESKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_DES_TRANSIENT_RESET:
                return new DESKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_DES_TRANSIENT_DESELECT:
                return new DESKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            case TYPE_HMAC:
                return new HMACKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_HMAC_TRANSIENT_RESET:
                return new HMACKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_HMAC_TRANSIENT_DESELECT:
                return new HMACKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            case TYPE_EC_FP_PUBLIC:
                return new ECPublicKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_EC_FP_PRIVATE:
                return new ECPrivateKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_EC_FP_PRIVATE_TRANSIENT_RESET:
                return new ECPrivateKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT:
                return new ECPrivateKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            case TYPE_RSA_PUBLIC:
                return new RSAPublicKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_RSA_PRIVATE:
                return new RSAPrivateKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_RSA_PRIVATE_TRANSIENT_RESET:
                return new RSAPrivateKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_RSA_PRIVATE_TRANSIENT_DESELECT:
                return new RSAPrivateKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            case TYPE_RSA_CRT_PRIVATE:
                return new RSAPrivateCrtKeyImpl(keyType, keyLength, (byte) 0);
            case TYPE_RSA_CRT_PRIVATE_TRANSIENT_RESET:
                return new RSAPrivateCrtKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_RESET);
            case TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT:
                return new RSAPrivateCrtKeyImpl(keyType, keyLength, JCSystem.CLEAR_ON_DESELECT);
            default:
                CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        return null;
    }

    /**
     * Creates an uninitialized key from an ALG_TYPE_* value and a JCSystem.MEMORY_TYPE_* value
     * (public keys only persistent).
     */
    public static Key buildKey(byte algorithmicKeyType, byte keyMemoryType, short keyLength,
            boolean keyEncryption) throws CryptoException {
        byte t = 0;
        switch (algorithmicKeyType) {
            case ALG_TYPE_DES:
                t = TYPE_DES;
                break;
            case ALG_TYPE_AES:
                t = TYPE_AES;
                break;
            case ALG_TYPE_HMAC:
                t = TYPE_HMAC;
                break;
            case ALG_TYPE_EC_FP_PUBLIC:
                t = TYPE_EC_FP_PUBLIC;
                break;
            case ALG_TYPE_EC_FP_PRIVATE:
                t = TYPE_EC_FP_PRIVATE;
                break;
            case ALG_TYPE_RSA_PUBLIC:
                t = TYPE_RSA_PUBLIC;
                break;
            case ALG_TYPE_RSA_PRIVATE:
                t = TYPE_RSA_PRIVATE;
                break;
            case ALG_TYPE_RSA_CRT_PRIVATE:
                t = TYPE_RSA_CRT_PRIVATE;
                break;
            default:
                CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        if (keyMemoryType == JCSystem.MEMORY_TYPE_TRANSIENT_RESET
                || keyMemoryType == JCSystem.MEMORY_TYPE_TRANSIENT_DESELECT) {
            boolean reset = keyMemoryType == JCSystem.MEMORY_TYPE_TRANSIENT_RESET;
            switch (t) {
                case TYPE_DES:
                    t = reset ? TYPE_DES_TRANSIENT_RESET : TYPE_DES_TRANSIENT_DESELECT;
                    break;
                case TYPE_AES:
                    t = reset ? TYPE_AES_TRANSIENT_RESET : TYPE_AES_TRANSIENT_DESELECT;
                    break;
                case TYPE_HMAC:
                    t = reset ? TYPE_HMAC_TRANSIENT_RESET : TYPE_HMAC_TRANSIENT_DESELECT;
                    break;
                case TYPE_EC_FP_PRIVATE:
                    t = reset ? TYPE_EC_FP_PRIVATE_TRANSIENT_RESET
                              : TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT;
                    break;
                case TYPE_RSA_PRIVATE:
                    t = reset ? TYPE_RSA_PRIVATE_TRANSIENT_RESET
                              : TYPE_RSA_PRIVATE_TRANSIENT_DESELECT;
                    break;
                case TYPE_RSA_CRT_PRIVATE:
                    t = reset ? TYPE_RSA_CRT_PRIVATE_TRANSIENT_RESET
                              : TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT;
                    break;
                default:
                    CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
            }
        } else if (keyMemoryType != JCSystem.MEMORY_TYPE_PERSISTENT) {
            CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        return buildKey(t, keyLength, keyEncryption);
    }
}
