/* Must NOT compile against api.jar: java.lang.Error exists for javac only and is not public. */
package seamtest.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesError extends Applet {
    public void process(APDU apdu) {
        throw new Error();
    }
}
