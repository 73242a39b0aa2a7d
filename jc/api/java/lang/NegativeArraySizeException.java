/*
 * java.lang.NegativeArraySizeException of the Java Card 3.0.5 Classic API.
 * Thrown by the VM when an array is created with a negative length.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown by the VM when an array is created with a negative length. */
public class NegativeArraySizeException extends RuntimeException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public NegativeArraySizeException() {}
}
