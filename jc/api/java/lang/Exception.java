/*
 * java.lang.Exception of the Java Card 3.0.5 Classic API.
 * The superclass of conditions a well-written applet may catch.
 * Java Card exceptions carry no message and no stack trace: only the class identifies the cause.
 */
package java.lang;

/** The superclass of conditions a well-written applet may catch. */
public class Exception extends Throwable {
    /** Creates an instance (the VM and the API throw their own JCRE-owned instances instead). */
    public Exception() {}
}
