/*
 * The JCRE-owned GPRegistryEntry of seam (package-private). One persistent object per registry
 * entry ever asked for; its only field is the JCRE's AID object of the entry, from which the
 * natives (src/se/jcapi/gp_natives.c) find the registry record, so nothing is cached.
 */
package org.globalplatform;

import javacard.framework.AID;
import javacard.framework.ISOException;

final class Entry implements GPRegistryEntry {
    private AID id;

    private Entry() {}

    public void deregisterService(short sServiceName) {
        ISOException.throwIt((short) 0x6A81);
    }

    public void registerService(short sServiceName) {
        ISOException.throwIt((short) 0x6A81);
    }

    public native AID getAID();

    public native short getPrivileges(byte[] baBuffer, short sOffset);

    public native byte getState();

    public native boolean isAssociated(AID sdAID);

    public native boolean isPrivileged(byte bPrivilege);

    public native boolean setState(byte bState);
}
