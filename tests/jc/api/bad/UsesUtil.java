/* Must NOT compile against api.jar: java.util is not part of Java Card. */
package seamtest.bad;

import java.util.ArrayList;
import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesUtil extends Applet {
    private final ArrayList<Object> seen = new ArrayList<Object>();

    public void process(APDU apdu) {
        seen.add(apdu);
    }
}
