/*
 * javacard.framework.JCSystem (Java Card 3.0.5 Classic): transactions, transient arrays,
 * applet identity, sharing across the firewall, memory and object deletion.
 * Every method but getVersion is native: each one reads or changes state that only the card's
 * runtime holds (the commit buffer, the heap, the registry, the context stack).
 */
package javacard.framework;

/** System services of the Java Card runtime environment; all methods are static. */
public final class JCSystem {
    /** Memory type of getAvailableMemory: persistent memory. */
    public static final byte MEMORY_TYPE_PERSISTENT = 0;
    /** Memory type of getAvailableMemory: CLEAR_ON_RESET transient memory. */
    public static final byte MEMORY_TYPE_TRANSIENT_RESET = 1;
    /** Memory type of getAvailableMemory: CLEAR_ON_DESELECT transient memory. */
    public static final byte MEMORY_TYPE_TRANSIENT_DESELECT = 2;

    /** isTransient result for a persistent object (or null). */
    public static final byte NOT_A_TRANSIENT_OBJECT = 0;
    /** Transient array cleared at card reset (power up). */
    public static final byte CLEAR_ON_RESET = 1;
    /** Transient array cleared when its applet is deselected (and at card reset). */
    public static final byte CLEAR_ON_DESELECT = 2;

    private JCSystem() {}

    /** Returns CLEAR_ON_RESET, CLEAR_ON_DESELECT or NOT_A_TRANSIENT_OBJECT for theObj. */
    public static native byte isTransient(Object theObj);

    /** Creates a transient boolean array cleared on event, owned by the current context. */
    public static native boolean[] makeTransientBooleanArray(short length, byte event)
            throws NegativeArraySizeException, SystemException;

    /** Creates a transient byte array cleared on event, owned by the current context. */
    public static native byte[] makeTransientByteArray(short length, byte event)
            throws NegativeArraySizeException, SystemException;

    /** Creates a transient short array cleared on event, owned by the current context. */
    public static native short[] makeTransientShortArray(short length, byte event)
            throws NegativeArraySizeException, SystemException;

    /** Creates a transient array of references cleared on event, owned by the current context. */
    public static native Object[] makeTransientObjectArray(short length, byte event)
            throws NegativeArraySizeException, SystemException;

    /** Returns the Java Card API version as major and minor byte: 0x0305. */
    public static short getVersion() {
        return (short) 0x0305;
    }

    /** Returns the JCRE-owned AID of the current applet context (null before register). */
    public static native AID getAID();

    /** Returns the JCRE-owned AID of the applet instance with the given AID bytes, or null. */
    public static native AID lookupAID(byte[] buffer, short offset, byte length);

    /** Opens a transaction; TransactionException IN_PROGRESS if one is already open. */
    public static native void beginTransaction() throws TransactionException;

    /** Rolls back every persistent update of the open transaction and closes it. */
    public static native void abortTransaction() throws TransactionException;

    /** Makes every persistent update of the open transaction durable at once and closes it. */
    public static native void commitTransaction() throws TransactionException;

    /** Returns 1 while a transaction is open, 0 otherwise. */
    public static native byte getTransactionDepth();

    /** Returns how many bytes of the commit buffer are still free (at most 32767). */
    public static native short getUnusedCommitCapacity();

    /** Returns the size of the commit buffer in bytes (at most 32767). */
    public static native short getMaxCommitCapacity();

    /** Returns the AID of the context that invoked the current one across the firewall, or null. */
    public static native AID getPreviousContextAID();

    /** Returns the free memory of memoryType in bytes, or 32767 if more is free. */
    public static native short getAvailableMemory(byte memoryType) throws SystemException;

    /**
     * Asks the server applet serverAID for a shareable interface object (it sees the caller's
     * AID and parameter); returns null if the server is absent or refuses.
     */
    public static native Shareable getAppletShareableInterfaceObject(AID serverAID,
            byte parameter);

    /** Returns true: the card collects unreachable objects on request. */
    public static native boolean isObjectDeletionSupported();

    /** Asks the card to delete unreachable persistent objects before the next command. */
    public static native void requestObjectDeletion() throws SystemException;

    /** Returns the logical channel of the current applet context. */
    public static native byte getAssignedChannel();

    /** Returns true if the applet instance theApplet is selected on some logical channel. */
    public static native boolean isAppletActive(AID theApplet);
}
