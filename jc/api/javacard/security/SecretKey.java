/*
 * javacard.security.SecretKey (Java Card 3.0.5 Classic): marker interface of the SecretKey keys.
 */
package javacard.security;

/** Base interface of the SecretKey key types. */
public interface SecretKey extends Key {
}
