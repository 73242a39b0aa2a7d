/*
 * The key implementation shared by every key class of seam (package-private; applets see only
 * the interfaces). The key material, the "component set" bits and the component lengths live in
 * the byte array `data`, owned by the context that built the key: persistent for persistent key
 * types, a CLEAR_ON_RESET / CLEAR_ON_DESELECT transient array for the transient types (so such a
 * key is wiped and uninitialized at the event). The layout of `data` is private to the natives
 * (src/se/jcapi/keys.c), which also mark the array as secret so that object and package deletion
 * wipe it. Writes go through the store: atomic, and part of the applet's transaction when one is
 * open, like any field. Field order matters to the natives: data, type, size.
 */
package javacard.security;

class KeyBase {
    final byte[] data;
    final byte type;
    final short size;

    KeyBase(byte type, short size, byte event) {
        this.type = type;
        this.size = size;
        data = alloc(type, size, event);
    }

    /** Allocates the key array for the type and size; CryptoException NO_SUCH_ALGORITHM. */
    static native byte[] alloc(byte type, short size, byte event);

    /** Sets component comp from len bytes of buf at off (checked: bounds, length, firewall). */
    final native void put(byte comp, byte[] buf, short off, short len);

    /** Copies component comp to buf at off; returns its length (UNINITIALIZED_KEY if unset). */
    final native short take(byte comp, byte[] buf, short off);

    /** Sets a short component (the EC cofactor). */
    final native void putShort(byte comp, short v);

    /** Returns a short component. */
    final native short takeShort(byte comp);

    /** Wipes the key material: the key becomes uninitialized. */
    final native void wipe();

    /** True when every required component is set. */
    final native boolean ready();

    /** Copies the EC domain parameters of another key of the same context. */
    final native void copyDomain(Object from);

    public void clearKey() {
        wipe();
    }

    public boolean isInitialized() {
        return ready();
    }

    public byte getType() {
        return type;
    }

    public short getSize() {
        return size;
    }
}
