/*
 * A checked exception of the applet's own, kept as one instance (the singleton pattern PKI
 * applets such as IsoApplet use so that a throw never allocates): thrown by a static method,
 * declared, caught by the caller (tests/test_jc_iso.c, INS 02 and the constructor).
 */
package seam.iso;

public class NotThere extends Exception {
    public static NotThere instance;

    private NotThere() {
    }

    public static NotThere getInstance() {
        if (instance == null) {
            instance = new NotThere();
        }
        return instance;
    }
}
