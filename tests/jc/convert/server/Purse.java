/* Server package of the --import test (tests/test_jc_convert_cli.sh): a Shareable interface. */
package com.seam.test.server;

import javacard.framework.Shareable;

public interface Purse extends Shareable {
    short balance();
}
