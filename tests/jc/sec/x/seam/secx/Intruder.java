/*
 * Test applet of tests/test_jc_crypto.c: another context trying to use seam.sec's AES key,
 * read through a public static field (getstatic carries no firewall check). INS 01 getKey,
 * 02 Cipher.init with the key, 03 isInitialized: each must throw SecurityException (SW 6B12).
 */
package seam.secx;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacardx.crypto.Cipher;
import seam.sec.CryptoTest;

public class Intruder extends Applet {
    private final byte[] tmp = new byte[32];
    private final Cipher c = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);

    public static void install(byte[] b, short o, byte l) {
        new Intruder().register();
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        try {
            switch (buf[ISO7816.OFFSET_INS]) {
                case 0x01:
                    CryptoTest.leak.getKey(tmp, (short) 0);
                    break;
                case 0x02:
                    c.init(CryptoTest.leak, Cipher.MODE_ENCRYPT);
                    break;
                case 0x03:
                    CryptoTest.leak.isInitialized();
                    break;
                default:
                    ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
            }
        } catch (SecurityException e) {
            ISOException.throwIt((short) 0x6B12);
        }
    }
}
