/*
 * javacard.framework.ISO7816 (Java Card 3.0.5 Classic): ISO/IEC 7816-4 status words and the
 * offsets of the command header in the APDU buffer. javac copies these constants into applets,
 * so every value must be exactly the specification's.
 */
package javacard.framework;

/** Constants of ISO/IEC 7816-3 and 7816-4 that applets use: status words and header offsets. */
public interface ISO7816 {
    /** Offset of CLA in the APDU buffer. */
    byte OFFSET_CLA = 0;
    /** Offset of INS in the APDU buffer. */
    byte OFFSET_INS = 1;
    /** Offset of P1 in the APDU buffer. */
    byte OFFSET_P1 = 2;
    /** Offset of P2 in the APDU buffer. */
    byte OFFSET_P2 = 3;
    /** Offset of Lc (the first byte of an extended Lc) in the APDU buffer. */
    byte OFFSET_LC = 4;
    /** Offset of the command data of a short APDU. */
    byte OFFSET_CDATA = 5;
    /** Offset of the command data of an extended length APDU. */
    byte OFFSET_EXT_CDATA = 7;

    /** CLA of interindustry commands, channel 0, no secure messaging. */
    byte CLA_ISO7816 = 0x00;
    /** INS of SELECT. */
    byte INS_SELECT = (byte) 0xA4;
    /** INS of EXTERNAL AUTHENTICATE. */
    byte INS_EXTERNAL_AUTHENTICATE = (byte) 0x82;

    /** Normal processing, no further qualification. */
    short SW_NO_ERROR = (short) 0x9000;
    /** Response bytes remaining; the low byte gives how many. */
    short SW_BYTES_REMAINING_00 = 0x6100;
    /** Warning, state of non-volatile memory unchanged. */
    short SW_WARNING_STATE_UNCHANGED = 0x6200;
    /** Wrong length. */
    short SW_WRONG_LENGTH = 0x6700;
    /** Logical channel not supported. */
    short SW_LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881;
    /** Secure messaging not supported. */
    short SW_SECURE_MESSAGING_NOT_SUPPORTED = 0x6882;
    /** Last command of the chain expected. */
    short SW_LAST_COMMAND_EXPECTED = 0x6883;
    /** Command chaining not supported. */
    short SW_COMMAND_CHAINING_NOT_SUPPORTED = 0x6884;
    /** Security status not satisfied. */
    short SW_SECURITY_STATUS_NOT_SATISFIED = 0x6982;
    /** File invalid. */
    short SW_FILE_INVALID = 0x6983;
    /** Data invalid. */
    short SW_DATA_INVALID = 0x6984;
    /** Conditions of use not satisfied. */
    short SW_CONDITIONS_NOT_SATISFIED = 0x6985;
    /** Command not allowed (no current EF). */
    short SW_COMMAND_NOT_ALLOWED = 0x6986;
    /** Applet selection failed. */
    short SW_APPLET_SELECT_FAILED = 0x6999;
    /** Wrong data. */
    short SW_WRONG_DATA = 0x6A80;
    /** Function not supported. */
    short SW_FUNC_NOT_SUPPORTED = 0x6A81;
    /** File not found. */
    short SW_FILE_NOT_FOUND = 0x6A82;
    /** Record not found. */
    short SW_RECORD_NOT_FOUND = 0x6A83;
    /** Not enough memory space in the file. */
    short SW_FILE_FULL = 0x6A84;
    /** Incorrect parameters P1-P2. */
    short SW_INCORRECT_P1P2 = 0x6A86;
    /** Wrong parameters P1-P2. */
    short SW_WRONG_P1P2 = 0x6B00;
    /** Wrong Le; the low byte gives the correct length. */
    short SW_CORRECT_LENGTH_00 = 0x6C00;
    /** Instruction not supported. */
    short SW_INS_NOT_SUPPORTED = 0x6D00;
    /** Class not supported. */
    short SW_CLA_NOT_SUPPORTED = 0x6E00;
    /** No precise diagnosis. */
    short SW_UNKNOWN = 0x6F00;
}
