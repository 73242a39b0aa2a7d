/*
 * javacard.security.KeyPair (Java Card 3.0.5 Classic): a public/private key pair and its
 * generation. genKeyPair is native: it fills both keys (for EC, on the domain parameters already
 * set in the public or private key, else on the default curve of the size: P-256, P-384, P-521;
 * for RSA, with the public exponent already set, else 65537).
 */
package javacard.security;

/** A key pair container with key generation. */
public final class KeyPair {
    public static final byte ALG_RSA = 1;
    public static final byte ALG_RSA_CRT = 2;
    public static final byte ALG_DSA = 3;
    public static final byte ALG_EC_F2M = 4;
    public static final byte ALG_EC_FP = 5;

    private final PublicKey publicKey;
    private final PrivateKey privateKey;

    /** Creates a pair of new, uninitialized keys of the algorithm and size. */
    public KeyPair(byte algorithm, short keyLength) throws CryptoException {
        switch (algorithm) {
            case ALG_RSA:
                publicKey = (PublicKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PUBLIC, keyLength,
                        false);
                privateKey = (PrivateKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PRIVATE,
                        keyLength, false);
                break;
            case ALG_RSA_CRT:
                publicKey = (PublicKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PUBLIC, keyLength,
                        false);
                privateKey = (PrivateKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_CRT_PRIVATE,
                        keyLength, false);
                break;
            case ALG_EC_FP:
                publicKey = (PublicKey) KeyBuilder.buildKey(KeyBuilder.TYPE_EC_FP_PUBLIC,
                        keyLength, false);
                privateKey = (PrivateKey) KeyBuilder.buildKey(KeyBuilder.TYPE_EC_FP_PRIVATE,
                        keyLength, false);
                break;
            default:
                publicKey = null;
                privateKey = null;
                CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
    }

    /** Wraps existing keys; CryptoException ILLEGAL_VALUE unless they are a matching pair. */
    public KeyPair(PublicKey publicKey, PrivateKey privateKey) throws CryptoException {
        if (publicKey == null || privateKey == null) {
            CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
        }
        check(publicKey, privateKey);
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** ILLEGAL_VALUE unless pub and priv are seam keys of matching algorithm and size. */
    private static native void check(Object pub, Object priv);

    /** Generates new key values into both keys. */
    private static native void generate(Object pub, Object priv);

    /** (Re)generates the key pair. */
    public final void genKeyPair() throws CryptoException {
        generate(publicKey, privateKey);
    }

    /** Returns the public key. */
    public PublicKey getPublic() {
        return publicKey;
    }

    /** Returns the private key. */
    public PrivateKey getPrivate() {
        return privateKey;
    }
}
