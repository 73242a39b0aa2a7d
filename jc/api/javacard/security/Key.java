/*
 * javacard.security.Key (Java Card 3.0.5 Classic): the base interface of every key.
 */
package javacard.security;

/** A key object: its type, size and initialization state. */
public interface Key {
    /** Returns true when every component of the key has been set. */
    boolean isInitialized();

    /** Clears the key material and makes the key uninitialized. */
    void clearKey();

    /** Returns the key type (a KeyBuilder.TYPE_* value). */
    byte getType();

    /** Returns the key size in bits. */
    short getSize();
}
