/*
 * Uses the primitive type long. javac needs no class for long arithmetic, so this compiles
 * against api.jar; refusing it is the converter's job (issue 4 item 2). The test checks that
 * javac accepts it, so that nobody relies on javac to catch long.
 */
package seamtest.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class UsesLong extends Applet {
    private long total;

    public void process(APDU apdu) {
        total += apdu.getBuffer().length;
    }
}
