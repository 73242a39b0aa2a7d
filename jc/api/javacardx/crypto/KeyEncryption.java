/*
 * javacardx.crypto.KeyEncryption (Java Card 3.0.5 Classic): keys whose setters decrypt their
 * input. seam's keys do not implement it (KeyBuilder refuses keyEncryption = true).
 */
package javacardx.crypto;

/** A key that decrypts its key data with a Cipher. */
public interface KeyEncryption {
    void setKeyCipher(Cipher keyCipher);

    Cipher getKeyCipher();
}
