/*
 * java.lang.ArithmeticException of the Java Card 3.0.5 Classic API.
 * Thrown by the VM on an integer division or remainder by zero.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown by the VM on an integer division or remainder by zero. */
public class ArithmeticException extends RuntimeException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public ArithmeticException() {}
}
