/*
 * java.lang.Object as Java Card 3.0.5 Classic defines it: the root of every class, with a
 * constructor and reference equality only (no hashCode, toString, getClass, wait/notify).
 */
package java.lang;

/** The root of the class hierarchy on the card. */
public class Object {
    /** Creates an object; it belongs to the context that is active when it is created. */
    public Object() {}

    /**
     * Compares two objects by reference: true only when obj is this very object.
     * Subclasses (AID, for one) may override it with a value comparison.
     */
    public boolean equals(Object obj) {
        return this == obj;
    }
}
