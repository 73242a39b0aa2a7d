/*
 * org.globalplatform.GPSystem (GlobalPlatform Card API, export file version 1.6; GP CS 2.3.1
 * Appendix A): the OPEN's services for applications. Names, signatures and constant values are
 * the specification's; the text is seam's own. The state methods are native
 * (src/se/jcapi/gp_natives.c) and enforce GP CS 2.3.1 §5.1 (card life cycle, Card Lock and Card
 * Terminate privileges) and §5.3 (application specific states).
 *
 * Left out (an applet using them does not compile): getCVM (no CVM / Global PIN on seam) and
 * getService (no Global Services). setATRHistBytes (native) succeeds only for the holder of the
 * Card Reset privilege (GP CS 2.3.1 §6.6.1 Table 6-1).
 */
package org.globalplatform;

import javacard.framework.AID;

/**
 * Card and application life cycle, the associated Security Domain's secure channel, and the
 * GlobalPlatform Registry.
 */
public class GPSystem {
    /** Application life cycle INSTALLED (0x03). */
    public static final byte APPLICATION_INSTALLED = (byte) 0x03;
    /** Application life cycle SELECTABLE (0x07). */
    public static final byte APPLICATION_SELECTABLE = (byte) 0x07;
    /** Application LOCKED indication (b8, 0x80). */
    public static final byte APPLICATION_LOCKED = (byte) 0x80;
    /** Security Domain life cycle PERSONALIZED (0x0F). */
    public static final byte SECURITY_DOMAIN_PERSONALIZED = (byte) 0x0F;
    /** Card life cycle OP_READY (0x01). */
    public static final byte CARD_OP_READY = (byte) 0x01;
    /** Card life cycle INITIALIZED (0x07). */
    public static final byte CARD_INITIALIZED = (byte) 0x07;
    /** Card life cycle SECURED (0x0F). */
    public static final byte CARD_SECURED = (byte) 0x0F;
    /** Card life cycle CARD_LOCKED (0x7F). */
    public static final byte CARD_LOCKED = (byte) 0x7F;
    /** Card life cycle TERMINATED (0xFF). */
    public static final byte CARD_TERMINATED = (byte) 0xFF;
    /** CVM identifiers. */
    public static final byte CVM_GLOBAL_PIN = (byte) 0x11;
    public static final byte CVM_ETSI_PIN_APP_1 = (byte) 0x01;
    public static final byte CVM_ETSI_PIN_APP_2 = (byte) 0x02;
    public static final byte CVM_ETSI_PIN_APP_3 = (byte) 0x03;
    public static final byte CVM_ETSI_PIN_APP_4 = (byte) 0x04;
    public static final byte CVM_ETSI_PIN_APP_5 = (byte) 0x05;
    public static final byte CVM_ETSI_PIN_APP_6 = (byte) 0x06;
    public static final byte CVM_ETSI_PIN_APP_7 = (byte) 0x07;
    public static final byte CVM_ETSI_PIN_APP_8 = (byte) 0x08;
    /** Global Service families. */
    public static final byte FAMILY_SECURE_CHANNEL = (byte) 0x81;
    public static final byte FAMILY_CVM = (byte) 0x82;
    /** The specification's misspelt name, kept for compatibility (same value). */
    public static final byte FAMILY_AUHTORITY = (byte) 0x83;
    public static final byte FAMILY_AUTHORITY = (byte) 0x83;
    public static final byte FAMILY_HTTP_ADMINISTRATION = (byte) 0x84;
    public static final byte FAMILY_HTTP_REPORT = (byte) 0x85;
    public static final byte FAMILY_USSM = (byte) 0xA0;
    /** The generic Global Service identifier (0x80). */
    public static final byte GLOBAL_SERVICE_IDENTIFIER = (byte) 0x80;

    GPSystem() {}

    /** @return the Life Cycle State of the calling application */
    public static native byte getCardContentState();

    /** @return the card's Life Cycle State */
    public static native byte getCardState();

    /**
     * @return the SecureChannel of the calling application's associated Security Domain (a
     *     JCRE-owned object that may be kept in a field)
     */
    public static native SecureChannel getSecureChannel();

    /**
     * Locks the card (SECURED to CARD_LOCKED); needs the Card Lock privilege.
     *
     * @return true when the card was locked
     */
    public static native boolean lockCard();

    /**
     * Terminates the card; needs the Card Terminate privilege.
     *
     * @return true when the card was terminated
     */
    public static native boolean terminateCard();

    /**
     * Sets the ATR historical bytes (0 to 15 of them) from the next card reset on; only the
     * application with the Card Reset privilege may.
     *
     * @return true when they were stored
     */
    public static native boolean setATRHistBytes(byte[] baBuffer, short sOffset, byte bLength);

    /**
     * Moves the calling application from one application specific state to another (range
     * 0x07..0x7F, three low bits set), or locks it (b8 set). It cannot unlock itself.
     *
     * @return true when the state changed
     */
    public static native boolean setCardContentState(byte bState);

    /**
     * @param aid an application's AID, or null for the caller's own entry (another entry needs
     *     the Global Registry privilege)
     * @return the entry, or null
     */
    public static native GPRegistryEntry getRegistryEntry(AID aid);
}
