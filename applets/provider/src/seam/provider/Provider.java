/*
 * Provider: the sample provider applet of issue 6 (docs/gp-api.md). It keeps records (a meter's
 * readings, a tariff) that only its provider's server can read or write: every record command
 * must arrive protected under an SCP03 session that the server opened with the applet's
 * associated Security Domain THROUGH the applet (GlobalPlatform Card API, SecureChannel), on the
 * applet's logical channel. The card issuer and the hub in between see only ciphertext.
 *
 *   CLA 80 INS 50   INITIALIZE UPDATE     forwarded to SecureChannel.processSecurity
 *   CLA 84 INS 82   EXTERNAL AUTHENTICATE forwarded to SecureChannel.processSecurity
 *   CLA 84 INS D2 P1=n  WRITE RECORD n (0..7), data 1..239 bytes: needs AUTHENTICATED, C-MAC
 *                   and C-DECRYPTION; answered with R-MAC (and R-ENC) as the session has them
 *   CLA 84 INS B2 P1=n  READ RECORD n: needs AUTHENTICATED, C-MAC, R-MAC and R-ENCRYPTION; the
 *                   record comes back encrypted and MACed (empty when never written)
 * Any record command without secure messaging, or under a lower level, is refused with 6982 and
 * ends the session; a bad MAC ends it too (SecureChannel.unwrap). SELECT answers nothing, so
 * selecting the applet in any state shows no data. Deselection ends the session (deselect()).
 * MultiSelectable: one session per logical channel, up to 20 at once, sharing the records.
 * Record writes are atomic (one JCSystem transaction for the bytes and the length).
 *
 * AIDs: the provider RID F070726F76 ("F0" + "prov", a proprietary RID, ISO/IEC 7816-5 category
 * F); package F070726F7601, applet F070726F760101.
 */
package seam.provider;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.MultiSelectable;
import javacard.framework.Util;
import org.globalplatform.GPSystem;
import org.globalplatform.SecureChannel;

public final class Provider extends Applet implements MultiSelectable {
    private static final byte INS_INIT_UPDATE = (byte) 0x50;
    private static final byte INS_EXT_AUTH = (byte) 0x82;
    private static final byte INS_WRITE = (byte) 0xD2;
    private static final byte INS_READ = (byte) 0xB2;
    private static final short RECORDS = 8;
    private static final short RECORD_MAX = 239;
    private static final byte NEED_WRITE =
            (byte) (SecureChannel.AUTHENTICATED | SecureChannel.C_MAC | SecureChannel.C_DECRYPTION);
    private static final byte NEED_READ = (byte) (SecureChannel.AUTHENTICATED | SecureChannel.C_MAC
            | SecureChannel.R_MAC | SecureChannel.R_ENCRYPTION);

    private final byte[] data;
    private final short[] lens;
    private SecureChannel sc;

    private Provider() {
        data = new byte[(short) (RECORDS * RECORD_MAX)];
        lens = new short[RECORDS];
        register();
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new Provider();
    }

    private SecureChannel channel() {
        if (sc == null) {
            sc = GPSystem.getSecureChannel();
        }
        return sc;
    }

    public void deselect() {
        channel().resetSecurity();
    }

    /* Selectable on several channels at once: each channel has its own session. */
    public boolean select(boolean appInstAlreadyActive) {
        return true;
    }

    public void deselect(boolean appInstStillActive) {
        channel().resetSecurity();
    }

    /* Refuses the command: the session ends, nothing is said but 6982. */
    private void refuse() {
        channel().resetSecurity();
        ISOException.throwIt(ISO7816.SW_SECURITY_STATUS_NOT_SATISFIED);
    }

    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if ((buf[ISO7816.OFFSET_CLA] & (byte) 0x80) == 0) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        SecureChannel ch = channel();
        byte ins = buf[ISO7816.OFFSET_INS];
        if (ins == INS_INIT_UPDATE || ins == INS_EXT_AUTH) {
            short n = ch.processSecurity(apdu);
            if (n > 0) {
                apdu.setOutgoingAndSend(ISO7816.OFFSET_CDATA, n);
            }
            return;
        }
        if (ins != INS_WRITE && ins != INS_READ) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        if (!apdu.isSecureMessagingCLA()) {
            refuse();
        }
        short lc = apdu.setIncomingAndReceive();
        ch.unwrap(buf, (short) 0, (short) (ISO7816.OFFSET_CDATA + lc));
        byte need = ins == INS_WRITE ? NEED_WRITE : NEED_READ;
        if ((byte) (ch.getSecurityLevel() & need) != need) {
            refuse();
        }
        short rec = (short) (buf[ISO7816.OFFSET_P1] & 0xFF);
        if (rec >= RECORDS || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        short len = (short) (buf[ISO7816.OFFSET_LC] & 0xFF);
        short at = (short) (rec * RECORD_MAX);
        if (ins == INS_WRITE) {
            if (len == 0 || len > RECORD_MAX) {
                ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
            }
            JCSystem.beginTransaction();
            Util.arrayCopy(buf, ISO7816.OFFSET_CDATA, data, at, len);
            lens[rec] = len;
            JCSystem.commitTransaction();
            len = 0;
        } else {
            if (len != 0) {
                ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
            }
            len = lens[rec];
            Util.arrayCopyNonAtomic(data, at, buf, (short) 0, len);
        }
        Util.setShort(buf, len, ISO7816.SW_NO_ERROR);
        short out = ch.wrap(buf, (short) 0, (short) (len + 2));
        apdu.setOutgoingAndSend((short) 0, out);
    }
}
