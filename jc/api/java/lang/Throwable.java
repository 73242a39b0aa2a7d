/*
 * java.lang.Throwable of the Java Card 3.0.5 Classic API: the root of everything that can be
 * thrown. Unlike Java SE it has no message, cause, stack trace or suppressed exceptions.
 */
package java.lang;

/** The superclass of all errors and exceptions the card can throw. */
public class Throwable {
    /** Creates a throwable with no message (Java Card throwables carry none). */
    public Throwable() {}
}
