/*
 * javacard.framework.APDU (Java Card 3.0.5 Classic): the command and response of the current
 * exchange, through one buffer (ISO/IEC 7816-4 §5).
 * The card creates the only instance; it is a temporary JCRE entry point object and its buffer
 * is a global array (JCRE specification §6.2.1-6.2.2): any context may use them, none may store
 * references to them. All methods are native: the I/O state lives in the card's runtime.
 */
package javacard.framework;

/** The current command APDU and its response. */
public final class APDU {
    /** Mask of the transport protocol type in getProtocol(). */
    public static final byte PROTOCOL_TYPE_MASK = 0x0F;
    /** Protocol type T=0. */
    public static final byte PROTOCOL_T0 = 0;
    /** Protocol type T=1. */
    public static final byte PROTOCOL_T1 = 1;
    /** Mask of the transport media in getProtocol(). */
    public static final byte PROTOCOL_MEDIA_MASK = (byte) 0xF0;
    /** Media: contact interface (ISO/IEC 7816-3). */
    public static final byte PROTOCOL_MEDIA_DEFAULT = 0;
    /** Media: contactless ISO/IEC 14443 type A. */
    public static final byte PROTOCOL_MEDIA_CONTACTLESS_TYPE_A = (byte) 0x80;
    /** Media: contactless ISO/IEC 14443 type B. */
    public static final byte PROTOCOL_MEDIA_CONTACTLESS_TYPE_B = (byte) 0x90;
    /** Media: USB. */
    public static final byte PROTOCOL_MEDIA_USB = (byte) 0xA0;
    /** Media: contactless JIS X 6319-4 type F (same value as the HCI APDU gate). */
    public static final byte PROTOCOL_MEDIA_CONTACTLESS_TYPE_F = (byte) 0xB0;
    /** Media: ETSI TS 102 622 HCI APDU gate. */
    public static final byte PROTOCOL_MEDIA_HCI_APDU_GATE = (byte) 0xB0;

    /** No data transferred yet. */
    public static final byte STATE_INITIAL = 0;
    /** Part of the command data received. */
    public static final byte STATE_PARTIAL_INCOMING = 1;
    /** All of the command data received. */
    public static final byte STATE_FULL_INCOMING = 2;
    /** setOutgoing called. */
    public static final byte STATE_OUTGOING = 3;
    /** setOutgoingLength called. */
    public static final byte STATE_OUTGOING_LENGTH_KNOWN = 4;
    /** Part of the response data sent. */
    public static final byte STATE_PARTIAL_OUTGOING = 5;
    /** All of the response data sent. */
    public static final byte STATE_FULL_OUTGOING = 6;
    /** T=0: the terminal did not issue GET RESPONSE. */
    public static final byte STATE_ERROR_NO_T0_GETRESPONSE = (byte) -1;
    /** T=1: the terminal aborted the transfer. */
    public static final byte STATE_ERROR_T1_IFD_ABORT = (byte) -2;
    /** An unrecoverable I/O error. */
    public static final byte STATE_ERROR_IO = (byte) -3;
    /** T=0: the terminal did not reissue the command with the right Le. */
    public static final byte STATE_ERROR_NO_T0_REISSUE = (byte) -4;

    private APDU() {}

    /** Returns the APDU buffer: the header at offset 0, then command data, then response. */
    public native byte[] getBuffer();

    /** Returns the configured incoming block size (the whole buffer data area on seam). */
    public static native short getInBlockSize();

    /** Returns the configured outgoing block size. */
    public static native short getOutBlockSize();

    /** Returns the protocol and media of the exchange (PROTOCOL_* bits). */
    public static native byte getProtocol();

    /** Returns the node address byte of T=1 (0 on seam). */
    public native byte getNAD();

    /** Switches to sending and returns Le (the expected response length, 256 for Le 00). */
    public native short setOutgoing() throws APDUException;

    /** As setOutgoing, for a response that must not use chaining or GET RESPONSE. */
    public native short setOutgoingNoChaining() throws APDUException;

    /** Declares the exact number of response bytes that will be sent. */
    public native void setOutgoingLength(short len) throws APDUException;

    /** Receives more command data into the buffer at bOff; returns how many bytes came. */
    public native short receiveBytes(short bOff) throws APDUException;

    /** Receives the command data at OFFSET_CDATA (or OFFSET_EXT_CDATA); returns its length. */
    public native short setIncomingAndReceive() throws APDUException;

    /** Sends len bytes of the APDU buffer from bOff as response data. */
    public native void sendBytes(short bOff, short len) throws APDUException;

    /** Sends len bytes of outData from bOff as response data, through the APDU buffer. */
    public native void sendBytesLong(byte[] outData, short bOff, short len)
            throws APDUException, SecurityException;

    /** Sets the response length to len and sends len bytes of the buffer from bOff. */
    public native void setOutgoingAndSend(short bOff, short len) throws APDUException;

    /** Returns the STATE_* value of the exchange. */
    public native byte getCurrentState();

    /** Returns the APDU object; only the selected applet's context may call it. */
    public static native APDU getCurrentAPDU() throws SecurityException;

    /** Returns the APDU buffer; only the selected applet's context may call it. */
    public static native byte[] getCurrentAPDUBuffer() throws SecurityException;

    /** Returns the logical channel number encoded in CLA (0 to 19). */
    public static native byte getCLAChannel();

    /** Asks the terminal for more time (T=0 NULL procedure byte or T=1 S(WTX)). */
    public static native void waitExtension() throws APDUException;

    /** Returns true if CLA announces that more commands of a chain follow. */
    public native boolean isCommandChainingCLA();

    /** Returns true if CLA announces secure messaging. */
    public native boolean isSecureMessagingCLA();

    /** Returns true if CLA is interindustry (bit 8 is 0). */
    public native boolean isISOInterindustryCLA();

    /** Returns Lc, the length of the command data (0 if absent). */
    public native short getIncomingLength();

    /** Returns the offset of the command data: OFFSET_CDATA or OFFSET_EXT_CDATA. */
    public native short getOffsetCdata();
}
