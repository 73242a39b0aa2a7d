/*
 * java.lang.ClassCastException of the Java Card 3.0.5 Classic API.
 * Thrown by the VM when checkcast finds an object of an incompatible type.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown by the VM when checkcast finds an object of an incompatible type. */
public class ClassCastException extends RuntimeException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public ClassCastException() {}
}
