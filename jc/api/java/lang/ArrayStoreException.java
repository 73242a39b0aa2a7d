/*
 * java.lang.ArrayStoreException of the Java Card 3.0.5 Classic API.
 * Thrown by the VM when a reference of the wrong type is stored into an array of references.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown by the VM when a reference of the wrong type is stored into an array of references. */
public class ArrayStoreException extends RuntimeException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public ArrayStoreException() {}
}
