/*
 * java.lang.IndexOutOfBoundsException of the Java Card 3.0.5 Classic API.
 * Thrown when an index of some sort is out of range.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown when an index of some sort is out of range. */
public class IndexOutOfBoundsException extends RuntimeException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public IndexOutOfBoundsException() {}
}
