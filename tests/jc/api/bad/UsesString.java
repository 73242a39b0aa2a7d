/* Must NOT compile against api.jar: string concatenation needs java.lang.String. */
package seamtest.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesString extends Applet {
    private short hits;

    public void process(APDU apdu) {
        String s = "hits: " + hits;
        hits = (short) s.length();
    }
}
