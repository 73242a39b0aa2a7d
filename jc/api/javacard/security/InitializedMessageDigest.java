/*
 * javacard.security.InitializedMessageDigest (Java Card 3.0.5 Classic): a message digest whose
 * intermediate state can be set (the full chaining state after a block-aligned prefix, and that
 * prefix's length): DigestImpl's native, over cr_md_state of the crypto layer.
 */
package javacard.security;

/** A MessageDigest whose initial hash state may be set. */
public abstract class InitializedMessageDigest extends MessageDigest {
    protected InitializedMessageDigest() {
    }

    /** Sets the intermediate hash state and the length of the message digested so far. */
    public abstract void setInitialDigest(byte[] initialDigestBuf, short initialDigestOffset,
            short initialDigestLength, byte[] digestedMsgLenBuf, short digestedMsgLenOffset,
            short digestedMsgLenLength) throws CryptoException;
}
