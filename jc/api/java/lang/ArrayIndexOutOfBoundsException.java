/*
 * java.lang.ArrayIndexOutOfBoundsException of the Java Card 3.0.5 Classic API.
 * Thrown by the VM (and by Util) when an array is indexed outside its bounds.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** Thrown by the VM (and by Util) when an array is indexed outside its bounds. */
public class ArrayIndexOutOfBoundsException extends IndexOutOfBoundsException {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public ArrayIndexOutOfBoundsException() {}
}
