/*
 * javacard.security.PublicKey (Java Card 3.0.5 Classic): marker interface of the PublicKey keys.
 */
package javacard.security;

/** Base interface of the PublicKey key types. */
public interface PublicKey extends Key {
}
