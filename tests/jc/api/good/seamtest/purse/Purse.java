/*
 * Test Shareable interface for tests/test_jc_api.sh: what a server applet hands out across
 * the firewall.
 */
package seamtest.purse;

import javacard.framework.Shareable;

public interface Purse extends Shareable {
    short balance();

    void debit(short amount);
}
