/*
 * java.lang.RuntimeException of the Java Card 3.0.5 Classic API.
 * The superclass of unchecked exceptions (the ones the VM itself throws).
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** The superclass of unchecked exceptions (the ones the VM itself throws). */
public class RuntimeException extends Exception {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public RuntimeException() {}
}
