/* Must NOT compile against api.jar: java.lang.Long (boxing, parsing) is not in Java Card. */
package seamtest.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesLongWrapper extends Applet {
    private short x;

    public void process(APDU apdu) {
        x = (short) Long.numberOfTrailingZeros(apdu.getBuffer().length);
    }
}
