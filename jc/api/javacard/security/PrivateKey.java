/*
 * javacard.security.PrivateKey (Java Card 3.0.5 Classic): marker interface of the PrivateKey keys.
 */
package javacard.security;

/** Base interface of the PrivateKey key types. */
public interface PrivateKey extends Key {
}
