/*
 * org.globalplatform.GPRegistryEntry (GlobalPlatform Card API, export file version 1.6): an
 * application's entry in the GlobalPlatform Registry (GP CS 2.3.1 §5.3, privileges §6.6). Names,
 * signatures and constant values are the specification's; the text is seam's own.
 */
package org.globalplatform;

import javacard.framework.AID;
import javacard.framework.ISOException;
import javacard.framework.Shareable;

/**
 * Queries and, where the rules allow, changes a registry entry. Instances come from
 * GPSystem.getRegistryEntry.
 */
public interface GPRegistryEntry extends Shareable {
    /** Privilege numbers (GP CS 2.3.1 Table 6-1, bit 8 of the first byte is number 0). */
    public static final byte PRIVILEGE_SECURITY_DOMAIN = (byte) 0x00;
    public static final byte PRIVILEGE_DAP_VERIFICATION = (byte) 0x01;
    public static final byte PRIVILEGE_DELEGATED_MANAGEMENT = (byte) 0x02;
    public static final byte PRIVILEGE_CARD_LOCK = (byte) 0x03;
    public static final byte PRIVILEGE_CARD_TERMINATE = (byte) 0x04;
    public static final byte PRIVILEGE_CARD_RESET = (byte) 0x05;
    public static final byte PRIVILEGE_CVM_MANAGEMENT = (byte) 0x06;
    public static final byte PRIVILEGE_MANDATED_DAP = (byte) 0x07;
    public static final byte PRIVILEGE_TRUSTED_PATH = (byte) 0x08;
    public static final byte PRIVILEGE_AUTHORIZED_MANAGEMENT = (byte) 0x09;
    public static final byte PRIVILEGE_TOKEN_VERIFICATION = (byte) 0x0A;
    public static final byte PRIVILEGE_GLOBAL_DELETE = (byte) 0x0B;
    public static final byte PRIVILEGE_GLOBAL_LOCK = (byte) 0x0C;
    public static final byte PRIVILEGE_GLOBAL_REGISTRY = (byte) 0x0D;
    public static final byte PRIVILEGE_FINAL_APPLICATION = (byte) 0x0E;
    public static final byte PRIVILEGE_GLOBAL_SERVICE = (byte) 0x0F;
    public static final byte PRIVILEGE_RECEIPT_GENERATION = (byte) 0x10;
    public static final byte PRIVILEGE_CIPHERED_LOAD_FILE_DATA_BLOCK = (byte) 0x11;
    public static final byte PRIVILEGE_CONTACTLESS_ACTIVATION = (byte) 0x12;
    public static final byte PRIVILEGE_CONTACTLESS_SELF_ACTIVATION = (byte) 0x13;

    /** Deregisters a Global Service name (not supported on seam: ISOException 6A81). */
    public void deregisterService(short sServiceName) throws ISOException;

    /** @return the AID of the application of this entry */
    public AID getAID();

    /**
     * Writes the Privilege Bytes (3) at baBuffer[sOffset].
     *
     * @return sOffset + the number of bytes written
     */
    public short getPrivileges(byte[] baBuffer, short sOffset)
            throws ArrayIndexOutOfBoundsException;

    /** @return the Life Cycle State of the application of this entry */
    public byte getState();

    /** @return whether this entry's application is associated with Security Domain sdAID */
    public boolean isAssociated(AID sdAID);

    /** @return whether this entry has privilege number bPrivilege (false when unknown) */
    public boolean isPrivileged(byte bPrivilege);

    /** Registers a Global Service name (not supported on seam: ISOException 6A81). */
    public void registerService(short sServiceName) throws ISOException;

    /**
     * Changes the Life Cycle State of this entry under the rules of GP CS 2.3.1 §5.
     *
     * @return true when the state changed
     */
    public boolean setState(byte bState);
}
