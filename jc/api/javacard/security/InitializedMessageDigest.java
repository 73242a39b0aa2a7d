/*
 * javacard.security.InitializedMessageDigest (Java Card 3.0.5 Classic): a message digest whose
 * intermediate state can be set. seam cannot import a hash state (it has no access to the hash
 * internals through its crypto layer): setInitialDigest throws CryptoException ILLEGAL_USE.
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
