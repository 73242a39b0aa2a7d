/* Must NOT compile against api.jar: Java Card's Object has equals only, no hashCode. */
package seamtest.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesHashCode extends Applet {
    private short h;

    public void process(APDU apdu) {
        h = (short) apdu.hashCode();
    }
}
